"""The player's hours: allocation, the context-switch penalty, task queues, background work."""

from __future__ import annotations

from math import fsum

from game.core import events, ledger
from game.core.effects import apply_effects, gain_insight
from game.core.rules import Rules
from game.core.state import Obligation, State, TaskStatus

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
    owed = state.team.owed
    owing = any(owed)  # hours are seldom owed: one test for all four categories
    queues = state.team.queues
    background = rules.background
    for category, left in state.team.working:
        if owing and owed[category] > 0.0:
            left = _pay_owed(state, rules, category, left)
        queue = queues[category]
        if queue:
            tasks = rules.tasks
            spent = state.team.task_spent
            while left > EPSILON and queue:
                task = queue[0]
                effort = tasks[task].hours
                done = spent[task]
                used = effort - done
                if left < used:
                    used = left
                done += used
                spent[task] = done
                left -= used
                if done >= effort - EPSILON:
                    queue.pop(0)
                    _complete(state, rules, task)
        if left > EPSILON:
            rate = background[category]
            if category == RESEARCH:
                gain_insight(state, rules, rate * left)
            elif category == DATA:
                per_share = rate * left / 100.0
                labels = state.data.labels
                segment = 0
                for traffic_share in state.production.traffic:
                    labels[segment] += per_share * traffic_share
                    segment += 1  # noqa: SIM113 (enumerate() costs more here)
            elif category == INFRA:
                reliability = state.reliability + rate * left
                state.reliability = reliability if reliability < 100.0 else 100.0
            else:
                trust = state.trust + rate * left
                state.trust = trust if trust < 100.0 else 100.0


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
        used = hours if hours < debt else debt
        obligation.owed[category] = debt - used
        hours -= used
        if all(left <= EPSILON for left in obligation.owed):
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
    state.team.task_status[task] = TaskStatus.DONE
    if rule.cost:
        ledger.spend(state, ledger.TASKS, rule.cost)
    state.log.append((state.clock.tick, "task", rule.done_text))  # note(), written out
    if rule.effects:
        apply_effects(state, rules, rule.effects, ledger.TASKS)
