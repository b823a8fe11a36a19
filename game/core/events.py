"""Events: scenario-authored triggers, texts and choices.

At each tick boundary every event is checked in file order: its earliest hour, its
cooldown, its condition, then its chance (drawn ahead, as a wait counted in the boundaries
where the rest of its trigger holds: :func:`_chance_comes_up`). A fired event applies its
effects at once and, when it has choices, waits for an answer. A choice is paid for when it
is taken, and takes effect when the hours it owes have been worked.
"""

from __future__ import annotations

from math import fsum

from game.core import ledger
from game.core.effects import apply_effects
from game.core.log import note
from game.core.messages import Refusal, refused
from game.core.rules import EventRule, Rules
from game.core.state import Obligation, State


def check(state: State, rules: Rules) -> None:
    """Fire the events whose triggers hold at this boundary."""
    tick = state.clock.tick
    # Only the live events are looked at: an event joins when its earliest tick comes and
    # leaves when it has fired for the only time it may, or when the clock closes its
    # condition for good.
    live = state.events.live
    due_at = rules.events_due_at
    if tick < len(due_at) and due_at[tick]:
        live.extend(due_at[tick])
        live.sort()
    closed_at = rules.events_closed_at
    if tick < len(closed_at) and closed_at[tick]:
        for index in closed_at[tick]:
            if index in live:
                live.remove(index)
    fired = state.events.fired
    last_fired = state.events.last_fired
    pending = state.events.pending
    fired_once: list[int] = []
    for index in live:
        event = rules.events[index]
        if fired[index] and (  # a repeating event: its cooldown, and no second wait
            tick - last_fired[index] < event.cooldown_ticks or index in pending
        ):
            continue
        if event.when is not None and not event.when(state):
            continue
        if event.chance_per_tick < 1.0 and not _chance_comes_up(state, index, event):
            continue
        _fire(state, rules, index, event)
        if not event.repeat:
            fired_once.append(index)
    for index in fired_once:
        live.remove(index)


def _chance_comes_up(state: State, index: int, event: EventRule) -> bool:
    """Whether the event's chance comes up at this boundary, where the rest of its trigger
    holds.

    Rather than a draw at each such boundary, the number of them to pass before the chance
    comes up is drawn once (a geometric number, keyed by the event and the times it has
    fired), and counted down: the same law, for a draw per firing.
    """
    waits = state.events.chance_wait
    wait = waits[index]
    if wait is None:
        chance = event.chance_per_tick
        if chance <= 0.0:
            return False
        wait = state.luck.failures(chance, "event chance", event.id, state.events.fired[index])
    waits[index] = wait - 1 if wait else None
    return wait == 0


def _fire(state: State, rules: Rules, index: int, event: EventRule) -> None:
    state.events.fired[index] += 1
    state.events.last_fired[index] = state.clock.tick
    if not event.hidden:
        note(state, "event", "event.fired", event=event.id, title=event.title)
    if event.effects:
        apply_effects(state, rules, event.effects, ledger.EVENTS)
    if event.choices:
        state.events.pending.append(index)


def choice_refusal(
    state: State, rules: Rules, event_index: int, choice_index: int
) -> Refusal | None:
    """Why the choice cannot be taken now, or None."""
    event = rules.events[event_index]
    if event_index not in state.events.pending:
        return refused("refused.event_not_waiting", event=event.id)
    choice = event.choices[choice_index]
    if choice.requires is not None and not choice.requires(state):
        return refused("refused.choice_needs", choice=choice.id, requires=str(choice.spec.requires))
    return None


def choose(state: State, rules: Rules, event_index: int, choice_index: int) -> None:
    """Take a choice (already checked): pay it now; its effects and outcome come later.

    A choice that owes hours takes effect when those hours are worked
    (:func:`game.core.work.work` calls :func:`settle`); one that owes none takes effect now.
    """
    event = rules.events[event_index]
    choice = event.choices[choice_index]
    state.events.pending.remove(event_index)
    state.events.chosen[event_index].append(choice_index)
    if choice.cost:
        ledger.spend(state, ledger.EVENTS, choice.cost)
    note(
        state,
        "choice",
        "event.chosen",
        event=event.id,
        choice=choice.id,
        title=event.title,
        choice_text=choice.text,
    )
    if choice.owes:
        owed = state.team.owed
        for category, hours in choice.owes:
            owed[category] += hours
        obligation = Obligation(event_index, choice_index, state.clock.tick, list(choice.hours))
        state.team.obligations.append(obligation)
    else:
        settle(state, rules, event_index, choice_index)


def settle(state: State, rules: Rules, event_index: int, choice_index: int) -> None:
    """A choice takes effect: its effects, then its drawn outcome."""
    event = rules.events[event_index]
    choice = event.choices[choice_index]
    if choice.effects:
        apply_effects(state, rules, choice.effects, ledger.EVENTS)
    if choice.outcome_weights:
        key = (event.id, choice.id, state.events.fired[event_index])
        outcome = _pick(state.luck.uniform("event outcome", *key), choice.outcome_weights)
        picked = choice.outcomes[outcome]
        if picked.text:
            note(
                state,
                "outcome",
                "event.outcome",
                event=event.id,
                choice=choice.id,
                text=picked.text,
            )
        apply_effects(state, rules, picked.effects, ledger.EVENTS)


def _pick(draw: float, weights: tuple[float, ...]) -> int:
    """The outcome a uniform draw falls on: each takes a share of 0..1 by its weight."""
    target = draw * fsum(weights)
    for index, weight in enumerate(weights):
        target -= weight
        if target < 0.0:
            return index
    return len(weights) - 1


def default_choice(state: State, rules: Rules, event_index: int) -> int | None:
    """The index of the choice taken when the player does not answer.

    The marked default when its requirement holds, else the first choice whose requirement
    holds; None when no choice is possible.
    """
    event = rules.events[event_index]
    order = list(range(len(event.choices)))
    if event.default_choice is not None:
        order.insert(0, event.default_choice)
    for choice_index in order:
        requires = event.choices[choice_index].requires
        if requires is None or requires(state):
            return choice_index
    return None


def resolve_unanswered(state: State, rules: Rules) -> None:
    """Before the clock moves, every event still waiting takes its default choice."""
    while state.events.pending:
        event_index = state.events.pending[0]
        choice_index = default_choice(state, rules, event_index)
        if choice_index is None:
            state.events.pending.pop(0)
            event = rules.events[event_index]
            note(state, "choice", "event.unanswerable", event=event.id, title=event.title)
        else:
            choose(state, rules, event_index, choice_index)
