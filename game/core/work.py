"""The player's hours: allocation, the context-switch penalty, task queues, background work."""

from __future__ import annotations

from game.core import ledger
from game.core.effects import apply_effects
from game.core.log import note
from game.core.rules import Rules
from game.core.state import DONE, State

EPSILON = 1e-9
RESEARCH, DATA, INFRA, WRITING = range(4)


def effective_hours(rules: Rules, allocation: list[int]) -> float:
    """Hours of work in a tick after the context-switch penalty.

    Each category beyond the first that gets any time costs ``context_switch`` percent.
    """
    active = 4 - allocation.count(0)
    penalty = rules.scenario.context_switch * max(0, active - 1) / 100.0
    return rules.tick_hours * max(0.0, 1.0 - penalty)


def work(state: State, rules: Rules) -> None:
    """Spend one tick of the player's hours: owed event hours, then queues, then background."""
    hours = effective_hours(rules, state.allocation)
    owed = state.owed
    queues = state.queues
    for category, share in enumerate(state.allocation):
        if not share:
            continue
        left = hours * share / 100.0
        if owed[category] > 0:
            used = min(owed[category], left)
            owed[category] -= used
            left -= used
        if queues[category]:
            left = _work_queue(state, rules, queues[category], left)
        if left > EPSILON:
            _background(state, rules, category, left)


def _work_queue(state: State, rules: Rules, queue: list[int], hours: float) -> float:
    """Spend hours on the queue, first in first out; returns the hours left over."""
    while hours > EPSILON and queue:
        task = queue[0]
        rule = rules.tasks[task]
        used = min(rule.hours - state.task_spent[task], hours)
        state.task_spent[task] += used
        hours -= used
        if state.task_spent[task] >= rule.hours - EPSILON:
            queue.pop(0)
            _complete(state, rules, task)
    return hours


def _complete(state: State, rules: Rules, task: int) -> None:
    rule = rules.tasks[task]
    state.task_status[task] = DONE
    ledger.spend(state, ledger.TASKS, rule.cost)
    note(state, "task", f"Done: {rule.name}.")
    apply_effects(state, rules, rule.effects, ledger.TASKS)


def _background(state: State, rules: Rules, category: int, hours: float) -> None:
    rates = rules.scenario.background
    if category == RESEARCH:
        state.insight += rates.research * hours
    elif category == DATA:
        per_share = rates.data * hours / 100.0
        labels = state.labels
        for i, share in enumerate(state.traffic):
            labels[i] += per_share * share
    elif category == INFRA:
        state.reliability = min(100.0, state.reliability + rates.infra * hours)
    else:
        state.trust = min(100.0, state.trust + rates.writing * hours)
