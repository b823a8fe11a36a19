"""Timed actions and the replay of a game from its seed and actions.

A game is fully described by its scenario, its seed and its timed actions: replaying
them gives the same final state, action for action, as the game that was played.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from game.core.engine import advance, apply, new_game
from game.core.messages import Message, Refusal, message
from game.core.rules import Rules
from game.core.state import State
from game.scenario.actions import ACTION_ADAPTER, Action
from game.scenario.errors import ACTION_RECORD, describe_value, errors_line
from game.scenario.expr import NameTable

ACTION_KINDS: tuple[str, ...] = tuple(
    typing.get_args(member.model_fields["do"].annotation)[0]
    for member in typing.get_args(typing.get_args(Action)[0])
)
"""The ``do`` value of every action, in declaration order."""

MAX_TICK = 1_000_000
"""Ticks beyond this are refused while parsing (no scenario is that long)."""


@dataclass(frozen=True, slots=True)
class TimedAction:
    """An action stamped with the tick boundary it is applied at."""

    tick: int
    action: Action

    def record(self) -> dict[str, Any]:
        """The JSON-ready record: ``{"tick": 3, "do": "queue_task", "task": "label_es"}``."""
        return {"tick": self.tick, **self.action.model_dump(mode="json", exclude_none=True)}


class ActionRecordError(ValueError):
    """An action record that is not a valid action; the message says why."""


class ReplayError(Exception):
    """An action that cannot be replayed: out of order, out of time or refused.

    ``message`` says why with a code of :data:`game.core.messages.REPLAY_ERRORS` and its
    values; ``refusal`` is the engine's own, for an action it refused.
    """

    def __init__(
        self, index: int, tick: int, message: Message, refusal: Refusal | None = None
    ) -> None:
        super().__init__(f"actions[{index}] at tick {tick}: {message.text}")
        self.index = index
        self.tick = tick
        self.message = message
        self.refusal = refusal

    @property
    def reason(self) -> str:
        """Why, in English."""
        return self.message.text


def _outside(rules: Rules) -> Message:
    return message("replay.tick_outside", ticks=rules.total_ticks)


def _refused(action: Action, refusal: Refusal) -> Message:
    return message("replay.refused", action=action.do, reason=refusal.text)


def parse_action_record(raw: object, names: NameTable | None = None) -> TimedAction:
    """Validate one ``{"tick": N, "do": ..., ...}`` record; :class:`ActionRecordError`.

    With ``names`` (a scenario's :meth:`~game.scenario.model.Scenario.names`) the task,
    job, event and choice ids are checked against the scenario too.
    """
    if not isinstance(raw, Mapping):
        raise ActionRecordError(
            'an action is a JSON object such as {"tick": 0, "do": "queue_task", '
            f'"task": "label_es"}}; got {describe_value(raw, ACTION_RECORD)}'
        )
    record = dict(raw)
    if "tick" not in record:
        raise ActionRecordError("missing required field 'tick' (the tick the action is taken at)")
    tick = record.pop("tick")
    if isinstance(tick, bool) or not isinstance(tick, int):
        raise ActionRecordError(
            f"tick: expected a whole number, got {describe_value(tick, ACTION_RECORD)}"
        )
    if not 0 <= tick <= MAX_TICK:
        raise ActionRecordError(f"tick: must be between 0 and {MAX_TICK:,}; got {tick}")
    context = {"names": names} if names is not None else None
    try:
        action = ACTION_ADAPTER.validate_python(record, context=context)
    except ValidationError as exc:
        raise ActionRecordError(describe_action_errors(exc.errors(include_url=False))) from None
    return TimedAction(tick, action)


def describe_action_errors(errors: Iterable[ErrorDetails]) -> str:
    """One line for pydantic's errors about an action: ``task: unknown task 'x'; ...``."""
    return errors_line(errors, ACTION_RECORD, skip=ACTION_KINDS, tags=", ".join(ACTION_KINDS))


Boundary = Callable[[State], None]
"""Called with the state each time a replay reaches a tick boundary, before its actions."""


def replay(
    rules: Rules,
    seed: int,
    timed_actions: Iterable[TimedAction],
    *,
    until: int | None = None,
    at_boundary: Boundary | None = None,
) -> State:
    """Play a game from its seed and timed actions; :class:`ReplayError` on a bad one.

    Ticks must not go down and must lie in ``0 .. total_ticks`` (at ``total_ticks``, the
    final boundary, only answers to events); every action must be accepted by the engine
    at its tick. The game is played to its end, or with ``until`` to the boundary of that
    tick (the actions of earlier ticks applied, not its own). ``at_boundary`` sees the
    state at every boundary reached: at tick 0, at each later tick before its actions, and
    at the end.
    """
    state = new_game(rules, seed)
    if at_boundary is not None:
        at_boundary(state)
    last = 0
    for index, timed in enumerate(timed_actions):
        tick = timed.tick
        if not 0 <= tick <= rules.total_ticks:
            raise ReplayError(index, tick, _outside(rules))
        if tick < last:
            raise ReplayError(index, tick, message("replay.tick_goes_down", last=last))
        if until is not None and tick >= until:
            break
        _advance_to(state, rules, tick, at_boundary)
        refusal = apply(state, rules, timed.action)
        if refusal is not None:
            raise ReplayError(index, tick, _refused(timed.action, refusal), refusal)
        last = tick
    if until is not None:
        _advance_to(state, rules, min(until, rules.total_ticks), at_boundary)
        return state
    _advance_to(state, rules, rules.total_ticks, at_boundary)
    while not state.clock.over:  # the final boundary: events still waiting take their defaults
        advance(state, rules)
    return state


def _advance_to(state: State, rules: Rules, tick: int, at_boundary: Boundary | None) -> None:
    while state.clock.tick < tick and not state.clock.over:
        advance(state, rules)
        if at_boundary is not None:
            at_boundary(state)


@dataclass(frozen=True, slots=True)
class SkippedAction:
    """An action a lenient replay left out: its place in the list, and why it was refused."""

    index: int
    timed: TimedAction
    message: Message
    """Why: a code of :data:`game.core.messages.REPLAY_ERRORS` and its values."""
    refusal: Refusal | None = None
    """The engine's refusal (a code and its values); None for an action out of time."""

    @property
    def reason(self) -> str:
        """Why, in English."""
        return self.message.text


@dataclass(frozen=True, slots=True)
class LenientReplay:
    """A game replayed with every refused action skipped."""

    state: State
    applied: list[TimedAction]
    """The actions the engine accepted, in order: replaying them reproduces ``state``."""
    skipped: list[SkippedAction]


def replay_lenient(rules: Rules, seed: int, timed_actions: Iterable[TimedAction]) -> LenientReplay:
    """Play a whole game, skipping each action that is out of time or refused.

    Used where one list of actions is played on many seeds (``simulate --actions
    --runs``) or with one decision changed (the counterfactual debrief): an action that
    names a model which does not exist on this seed is left out, not fatal. Actions are
    taken in tick order; one whose tick has passed or lies outside the game is skipped.
    """
    state = new_game(rules, seed)
    applied: list[TimedAction] = []
    skipped: list[SkippedAction] = []
    for index, timed in enumerate(timed_actions):
        tick = timed.tick
        if not 0 <= tick <= rules.total_ticks:
            skipped.append(SkippedAction(index, timed, _outside(rules)))
            continue
        if tick < state.clock.tick:
            passed = message("replay.tick_passed", tick=tick, now=state.clock.tick)
            skipped.append(SkippedAction(index, timed, passed))
            continue
        while state.clock.tick < tick:
            advance(state, rules)
        refusal = apply(state, rules, timed.action)
        if refusal is None:
            applied.append(timed)
        else:
            skipped.append(SkippedAction(index, timed, _refused(timed.action, refusal), refusal))
    while not state.clock.over:
        advance(state, rules)
    return LenientReplay(state, applied, skipped)


def timed(applied: Iterable[tuple[int, Action]]) -> list[TimedAction]:
    """The ``(tick, action)`` pairs :func:`game.core.engine.play` returns, as timed actions."""
    return [TimedAction(tick, action) for tick, action in applied]
