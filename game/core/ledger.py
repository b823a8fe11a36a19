"""The money ledger: every dollar spent is booked under an item."""

from __future__ import annotations

from typing import Final

from game.core.state import State

TRAINING: Final = "training GPU"
EVALS: Final = "evals"
LABELING: Final = "labeling"
AB_TESTS: Final = "A/B tests"
SERVING: Final = "serving GPU"
API: Final = "API requests"
TASKS: Final = "tasks"
EVENTS: Final = "events"


def spend(state: State, item: str, dollars: float) -> None:
    """Book dollars under an item (negative dollars are income) and take them from money."""
    if dollars:
        money = state.money
        money.balance -= dollars
        money.ledger[item] = money.ledger.get(item, 0.0) + dollars
