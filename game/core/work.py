"""The player's hours: allocation, the context-switch penalty, task queues, background work."""

from __future__ import annotations

from collections.abc import Callable
from math import fsum
from typing import Final

from game.core import events, ledger
from game.core.effects import apply_effects, gain_insight
from game.core.log import note
from game.core.rules import Rules
from game.core.state import DONE, Obligation, State

EPSILON: Final = 1e-9
RESEARCH: Final = 0
DATA: Final = 1
INFRA: Final = 2
WRITING: Final = 3


def effective_hours(rules: Rules, allocation: list[int]) -> float:
    """Hours of work in a tick after the context-switch penalty.

    Each category beyond the first that gets any time costs ``context_switch`` percent:
    ``tick_hours * max(0, 1 - context_switch * max(0, active - 1) / 100)``, computed once
    per number of active categories when the scenario is prepared
    (:attr:`game.core.rules.Rules.hours_by_active`).
    """
    return rules.hours_by_active[4 - allocation.count(0)]


def hours_at_work(rules: Rules, allocation: list[int]) -> list[tuple[int, float]]:
    """Each category with a share of the time, and its hours of work in a tick.

    The tick's hours after the context-switch penalty (:func:`effective_hours`) times the
    category's share. Worked out when the allocation is set (:attr:`State.working`).
    """
    hours = effective_hours(rules, allocation)
    research, data, infra, writing = allocation
    working = []
    if research:
        working.append((RESEARCH, hours * research / 100.0))
    if data:
        working.append((DATA, hours * data / 100.0))
    if infra:
        working.append((INFRA, hours * infra / 100.0))
    if writing:
        working.append((WRITING, hours * writing / 100.0))
    return working


def work(state: State, rules: Rules) -> None:
    """Spend one tick of the player's hours: owed event hours, then queues, then background.

    Per category with a share of the hours: first the hours owed to event choices, then
    the queue, first in first out (:func:`_complete` on each task it finishes), and what
    is left becomes the category's background work (:data:`BACKGROUND`).
    """
    team = state.team
    owed = team.owed
    queues = team.queues
    for category, hours in team.working:
        if owed[category] > 0.0:
            hours = _pay_owed(state, rules, category, hours)
        queue = queues[category]
        if queue:
            hours = _work_queue(state, rules, queue, hours)
        if hours > EPSILON:
            BACKGROUND[category](state, rules, rules.background[category] * hours)


def _work_queue(state: State, rules: Rules, queue: list[int], hours: float) -> float:
    """Work a category's queue, first in first out; returns the hours left."""
    spent = state.team.task_spent
    while hours > EPSILON and queue:
        task_index = queue[0]
        effort = rules.tasks[task_index].hours
        used = min(hours, effort - spent[task_index])
        spent[task_index] += used
        hours -= used
        if spent[task_index] >= effort - EPSILON:
            queue.pop(0)
            _complete(state, rules, task_index)
    return hours


def _label(state: State, rules: Rules, labels: float) -> None:
    """Background data work: labels spread over the segments by their share of traffic."""
    per_share = labels / 100.0
    counts = state.data.labels
    for segment, share in enumerate(state.production.traffic):
        counts[segment] += per_share * share


def _maintain(state: State, rules: Rules, points: float) -> None:
    """Background infra work: reliability points, up to 100."""
    state.reliability = min(state.reliability + points, 100.0)


def _write(state: State, rules: Rules, points: float) -> None:
    """Background writing: trust points, up to 100."""
    state.trust = min(state.trust + points, 100.0)


BACKGROUND: Final[tuple[Callable[[State, Rules, float], None], ...]] = (
    gain_insight,
    _label,
    _maintain,
    _write,
)
"""What an hour with nothing queued yields, per category (research, data, infra,
writing), given the hours times the category's hourly rate: research gains insight, data
labels the traffic's segments, infra adds reliability and writing adds trust."""


def _pay_owed(state: State, rules: Rules, category: int, hours: float) -> float:
    """Work the hours owed in a category, oldest choice first; returns the hours left.

    A choice whose hours are all worked takes effect (:func:`game.core.events.settle`).
    """
    settled: list[Obligation] = []
    for obligation in state.team.obligations:
        if hours <= EPSILON:
            break
        debt = obligation.owed[category]
        if debt <= 0.0:
            continue
        used = min(hours, debt)
        obligation.owed[category] = debt - used
        hours -= used
        if max(obligation.owed) <= EPSILON:
            settled.append(obligation)
    if settled:
        for obligation in settled:
            state.team.obligations.remove(obligation)
        state.team.owed[:] = [
            fsum(obligation.owed[other] for obligation in state.team.obligations)
            for other in range(4)
        ]
    else:
        state.team.owed[category] = fsum(
            obligation.owed[category] for obligation in state.team.obligations
        )
    for obligation in settled:
        events.settle(state, rules, obligation.event_index, obligation.choice_index)
    return hours


def _complete(state: State, rules: Rules, task_index: int) -> None:
    rule = rules.tasks[task_index]
    state.team.task_status[task_index] = DONE
    if rule.cost:
        ledger.spend(state, ledger.TASKS, rule.cost)
    note(state, "task", "task.done", task=rule.id, task_name=rule.name)
    if rule.effects:
        apply_effects(state, rules, rule.effects, ledger.TASKS)
