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

    Each category beyond the first that gets any time costs ``context_switch`` percent:
    ``tick_hours * max(0, 1 - context_switch * max(0, active - 1) / 100)``, computed once
    per number of active categories when the scenario is prepared
    (:attr:`game.core.rules.Rules.hours_by_active`).
    """
    return rules.hours_by_active[4 - allocation.count(0)]


def work(state: State, rules: Rules) -> None:
    """Spend one tick of the player's hours: owed event hours, then queues, then background."""
    allocation = state.allocation
    hours = rules.hours_by_active[4 - allocation.count(0)]  # effective_hours(), inlined
    owed = state.owed
    queues = state.queues
    for category in (RESEARCH, DATA, INFRA, WRITING):
        share = allocation[category]
        if not share:
            continue
        left = hours * share / 100.0
        debt = owed[category]
        if debt > 0.0:
            used = left if left < debt else debt
            owed[category] = debt - used
            left -= used
        queue = queues[category]
        if queue:
            left = _work_queue(state, rules, queue, left)
        if left > EPSILON:
            _background(state, rules, category, left)


def _work_queue(state: State, rules: Rules, queue: list[int], hours: float) -> float:
    """Spend hours on the queue, first in first out; returns the hours left over."""
    tasks = rules.tasks
    spent = state.task_spent
    while hours > EPSILON and queue:
        task = queue[0]
        effort = tasks[task].hours
        done = spent[task]
        used = effort - done
        if hours < used:
            used = hours
        done += used
        spent[task] = done
        hours -= used
        if done >= effort - EPSILON:
            queue.pop(0)
            _complete(state, rules, task)
    return hours


def _complete(state: State, rules: Rules, task: int) -> None:
    rule = rules.tasks[task]
    state.task_status[task] = DONE
    if rule.cost:
        ledger.spend(state, ledger.TASKS, rule.cost)
    note(state, "task", rule.done_text)
    if rule.effects:
        apply_effects(state, rules, rule.effects, ledger.TASKS)


def _background(state: State, rules: Rules, category: int, hours: float) -> None:
    rate = rules.background[category]
    if category == RESEARCH:
        state.insight += rate * hours
    elif category == DATA:
        per_share = rate * hours / 100.0
        labels = state.labels
        for i, share in enumerate(state.traffic):
            labels[i] += per_share * share
    elif category == INFRA:
        state.reliability = min(100.0, state.reliability + rate * hours)
    else:
        state.trust = min(100.0, state.trust + rate * hours)
