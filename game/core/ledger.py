"""The money ledger: every dollar spent is booked under an item."""

from __future__ import annotations

from game.core.state import State

TRAINING = "training GPU"
EVALS = "evals"
LABELING = "labeling"
AB_TESTS = "A/B tests"
SERVING = "serving GPU"
API = "API requests"
TASKS = "tasks"
EVENTS = "events"


def spend(state: State, item: str, dollars: float) -> None:
    """Book dollars under an item (negative dollars are income) and take them from money."""
    if dollars:
        money = state.money
        money.balance -= dollars
        money.ledger[item] = money.ledger.get(item, 0.0) + dollars
