"""The player's hours: allocation, the context-switch penalty, task queues, background work."""

from __future__ import annotations

from math import fsum

from game.core import events, ledger
from game.core.effects import apply_effects, gain_insight
from game.core.log import note
from game.core.rules import Rules
from game.core.state import DONE, Obligation, State

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
    is left becomes the category's background work.
    """
    team = state.team
    for category, hours in team.working:
        if team.owed[category] > 0.0:
            hours = _pay_owed(state, rules, category, hours)
        if team.queues[category]:
            hours = _work_queue(state, rules, team.queues[category], hours)
        if hours > EPSILON:
            _background(state, rules, category, hours)


def _work_queue(state: State, rules: Rules, queue: list[int], hours: float) -> float:
    """Work a category's queue, first in first out; returns the hours left."""
    spent = state.team.task_spent
    while hours > EPSILON and queue:
        task = queue[0]
        effort = rules.tasks[task].hours
        used = min(hours, effort - spent[task])
        spent[task] += used
        hours -= used
        if spent[task] >= effort - EPSILON:
            queue.pop(0)
            _complete(state, rules, task)
    return hours


def _background(state: State, rules: Rules, category: int, hours: float) -> None:
    """Hours with nothing queued: research gains insight, data labels the traffic's
    segments, infra adds reliability and writing adds trust, each at its hourly rate."""
    gained = rules.background[category] * hours
    if category == RESEARCH:
        gain_insight(state, rules, gained)
    elif category == DATA:
        labels = state.data.labels
        per_share = gained / 100.0
        for segment, share in enumerate(state.production.traffic):
            labels[segment] += per_share * share
    elif category == INFRA:
        state.reliability = min(state.reliability + gained, 100.0)
    else:
        state.trust = min(state.trust + gained, 100.0)


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


def _complete(state: State, rules: Rules, task: int) -> None:
    rule = rules.tasks[task]
    state.team.task_status[task] = DONE
    if rule.cost:
        ledger.spend(state, ledger.TASKS, rule.cost)
    note(state, "task", "task.done", task=rule.id, task_name=rule.name)
    if rule.effects:
        apply_effects(state, rules, rule.effects, ledger.TASKS)
