"""Events: scenario-authored triggers, texts and choices.

At each tick boundary every event is checked in file order: its earliest hour, its
cooldown, its condition, then its chance (a draw keyed by the event and the tick). A fired
event applies its effects at once and, when it has choices, waits for an answer. A choice
is paid for when it is taken, and takes effect when the hours it owes have been worked.
"""

from __future__ import annotations

from math import fsum

from game.core import ledger
from game.core.effects import apply_effects
from game.core.log import note
from game.core.rules import EventRule, Rules
from game.core.state import Obligation, State


def check(state: State, rules: Rules) -> None:
    """Fire the events whose triggers hold at this boundary."""
    tick = state.clock.tick
    # Only the live events are looked at: an event joins when its earliest tick comes and
    # leaves when it has fired for the only time it may.
    live = state.events.live
    due_at = rules.events_due_at
    if tick < len(due_at) and due_at[tick]:
        live.extend(due_at[tick])
        live.sort()
    events = rules.events
    fired = state.events.fired
    last_fired = state.events.last_fired
    pending = state.events.pending
    spent: list[int] = []
    for index in live:
        event = events[index]
        if fired[index] and (  # a repeating event: its cooldown, and no second wait
            tick - last_fired[index] < event.cooldown_ticks or index in pending
        ):
            continue
        when = event.when
        if when is not None and not when(state):
            continue
        chance = event.chance_per_tick
        if chance < 1.0 and state.luck.uniform("event chance", event.id, tick) >= chance:
            continue
        _fire(state, rules, index, event)
        if not event.repeat:
            spent.append(index)
    if spent:  # the events that fired for the only time they may leave
        for index in spent:
            live.remove(index)


def _fire(state: State, rules: Rules, index: int, event: EventRule) -> None:
    state.events.fired[index] += 1
    state.events.last_fired[index] = state.clock.tick
    if not event.hidden:
        state.log.append((state.clock.tick, "event", event.title))  # note(), written out
    if event.effects:
        apply_effects(state, rules, event.effects, ledger.EVENTS)
    if event.choices:
        state.events.pending.append(index)


def choice_refusal(state: State, rules: Rules, event: int, choice: int) -> str | None:
    """Why the choice cannot be taken now, or None."""
    if event not in state.events.pending:
        return f"event '{rules.events[event].id}' is not waiting for an answer"
    rule = rules.events[event].choices[choice]
    if rule.requires is not None and not rule.requires(state):
        return f"'{rule.spec.id}' needs: {rule.spec.requires}"
    return None


def choose(state: State, rules: Rules, event: int, choice: int) -> None:
    """Take a choice (already checked): pay it now; its effects and outcome come later.

    A choice that owes hours takes effect when those hours are worked
    (:func:`game.core.work.work` calls :func:`settle`); one that owes none takes effect now.
    """
    state.events.pending.remove(event)
    state.events.chosen[event].append(choice)
    rule = rules.events[event].choices[choice]
    if rule.cost:
        ledger.spend(state, ledger.EVENTS, rule.cost)
    state.log.append((state.clock.tick, "choice", rule.log_text))  # note(), written out
    if rule.owes:
        owed = state.team.owed
        for category, hours in rule.owes:
            owed[category] += hours
        state.team.obligations.append(Obligation(event, choice, state.clock.tick, list(rule.hours)))
    else:
        settle(state, rules, event, choice)


def settle(state: State, rules: Rules, event: int, choice: int) -> None:
    """A choice takes effect: its effects, then its drawn outcome."""
    rule = rules.events[event].choices[choice]
    if rule.effects:
        apply_effects(state, rules, rule.effects, ledger.EVENTS)
    if rule.outcome_weights:
        key = (rules.events[event].id, rule.spec.id, state.events.fired[event])
        outcome = _pick(state.luck.uniform("event outcome", *key), rule.outcome_weights)
        picked = rule.spec.outcomes[outcome]
        if picked.text:
            note(state, "outcome", picked.text)
        apply_effects(state, rules, picked.effects, ledger.EVENTS)


def _pick(draw: float, weights: tuple[float, ...]) -> int:
    """The outcome a uniform draw falls on: each takes a share of 0..1 by its weight."""
    target = draw * fsum(weights)
    for index, weight in enumerate(weights):
        target -= weight
        if target < 0.0:
            return index
    return len(weights) - 1


def default_choice(state: State, rules: Rules, event: int) -> int | None:
    """The choice taken when the player does not answer.

    The marked default when its requirement holds, else the first choice whose requirement
    holds; None when no choice is possible.
    """
    rule = rules.events[event]
    order = list(range(len(rule.choices)))
    if rule.default_choice is not None:
        order.insert(0, rule.default_choice)
    for index in order:
        requires = rule.choices[index].requires
        if requires is None or requires(state):
            return index
    return None


def resolve_unanswered(state: State, rules: Rules) -> None:
    """Before the clock moves, every event still waiting takes its default choice."""
    while state.events.pending:
        event = state.events.pending[0]
        choice = default_choice(state, rules, event)
        if choice is None:
            state.events.pending.pop(0)
            note(state, "choice", f"{rules.events[event].title}: no answer was possible.")
        else:
            choose(state, rules, event, choice)
