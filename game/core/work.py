"""The player's hours: allocation, the context-switch penalty, task queues, background work."""

from __future__ import annotations

from game.core import ledger
from game.core.effects import apply_effects
from game.core.log import note
from game.core.rules import Rules
from game.core.state import DONE, State

EPSILON = 1e-9


def effective_hours(rules: Rules, allocation: list[int]) -> float:
    """Hours of work in a tick after the context-switch penalty.

    Each category beyond the first that gets any time costs ``context_switch`` percent.
    """
    active = sum(1 for share in allocation if share > 0)
    penalty = rules.scenario.context_switch * max(0, active - 1) / 100.0
    return rules.tick_hours * max(0.0, 1.0 - penalty)


def work(state: State, rules: Rules) -> None:
    """Spend one tick of the player's hours: owed event hours, then queues, then background."""
    hours = effective_hours(rules, state.allocation)
    for category, share in enumerate(state.allocation):
        if share:
            _work_category(state, rules, category, hours * share / 100.0)


def _work_category(state: State, rules: Rules, category: int, hours: float) -> None:
    owed = state.owed[category]
    if owed > 0:
        used = owed if owed < hours else hours
        state.owed[category] = owed - used
        hours -= used
    queue = state.queues[category]
    while hours > EPSILON and queue:
        task = queue[0]
        rule = rules.tasks[task]
        need = rule.hours - state.task_spent[task]
        used = need if need < hours else hours
        state.task_spent[task] += used
        hours -= used
        if state.task_spent[task] >= rule.hours - EPSILON:
            queue.pop(0)
            _complete(state, rules, task)
    if hours > EPSILON:
        _background(state, rules, category, hours)


def _complete(state: State, rules: Rules, task: int) -> None:
    rule = rules.tasks[task]
    state.task_status[task] = DONE
    ledger.spend(state, ledger.TASKS, rule.cost)
    note(state, "task", f"Done: {rule.name}.")
    apply_effects(state, rules, rule.effects, ledger.TASKS)


def _background(state: State, rules: Rules, category: int, hours: float) -> None:
    rates = rules.scenario.background
    if category == 0:
        state.insight += rates.research * hours
    elif category == 1:
        per_share = rates.data * hours / 100.0
        labels = state.labels
        for i, share in enumerate(state.traffic):
            labels[i] += per_share * share
    elif category == 2:
        value = state.reliability + rates.infra * hours
        state.reliability = 100.0 if value > 100.0 else value
    else:
        value = state.trust + rates.writing * hours
        state.trust = 100.0 if value > 100.0 else value
