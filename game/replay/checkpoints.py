"""State checkpoints along a replay: where a replay departs from the recorded game.

A run file (version 2) records, every :data:`CHECKPOINT_EVERY` ticks, a short digest of
each part of the state (:func:`game.replay.digest.part_digests`: each of its records,
such as ``money`` or ``team``, and each of its other fields): at tick 0, at ticks 4,
8, 12..., and at the end of the game. The checkpoint of tick ``t`` is the state when the
clock reaches ``t``, before the actions taken at ``t``.

Replaying a run and comparing the checkpoints on the way names the first tick where the
replay departs and what differs there ("replay departs from the recorded game at tick
12: money differs"). The same comparison lets a front end jump to any tick of a
recorded game (:func:`replay_to`), knowing the state it shows is the one that was
played.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from game.core.rules import Rules
from game.core.state import State
from game.replay.digest import PartDigester
from game.replay.replay import TimedAction, replay

CHECKPOINT_EVERY = 4
"""Ticks between checkpoints (the format allows 1 to :data:`MAX_CHECKPOINT_EVERY`)."""
MAX_CHECKPOINT_EVERY = 8


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The short digest of each part of the state at one tick boundary."""

    tick: int
    parts: Mapping[str, str]


class DepartureError(Exception):
    """A replay whose state differs from a recorded checkpoint."""

    def __init__(self, tick: int, differing: list[str]) -> None:
        super().__init__(
            f"replay departs from the recorded game at tick {tick}: {_listed(differing)} "
            f"{'differs' if len(differing) == 1 else 'differ'}"
        )
        self.tick = tick
        self.differing = differing
        """The names of the parts that differ, in the state's order."""


def _listed(names: list[str], shown: int = 5) -> str:
    if len(names) > shown:
        return ", ".join(names[:shown]) + f" and {len(names) - shown} more parts"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def checkpoint_ticks(total_ticks: int, every: int = CHECKPOINT_EVERY) -> list[int]:
    """The ticks that carry a checkpoint: 0, every, 2 x every... and ``total_ticks``."""
    ticks = list(range(0, total_ticks, every))
    return [*ticks, total_ticks]


def record_checkpoints(
    rules: Rules, seed: int, actions: Iterable[TimedAction], every: int = CHECKPOINT_EVERY
) -> list[Checkpoint]:
    """Replay a game and take its checkpoints; :class:`~game.replay.replay.ReplayError`."""
    wanted = set(checkpoint_ticks(rules.total_ticks, every))
    taken: list[Checkpoint] = []
    digests = PartDigester()

    def take(state: State) -> None:
        if state.clock.tick in wanted:
            taken.append(Checkpoint(state.clock.tick, digests(state)))

    replay(rules, seed, actions, at_boundary=take)
    return taken


def compare(checkpoint: Checkpoint, found: Mapping[str, str]) -> None:
    """Raise :class:`DepartureError` unless a state's part digests (``found``) match the
    checkpoint in every part.

    A part the checkpoint has and the state lacks (or the reverse) differs too.
    """
    names = list(found) + [name for name in checkpoint.parts if name not in found]
    differing = [name for name in names if found.get(name) != checkpoint.parts.get(name)]
    if differing:
        raise DepartureError(checkpoint.tick, differing)


def replay_to(
    rules: Rules,
    seed: int,
    actions: Iterable[TimedAction],
    tick: int | None = None,
    checkpoints: Sequence[Checkpoint] = (),
) -> State:
    """The state of a recorded game at the boundary of ``tick`` (the end when ``None``).

    The actions of earlier ticks are applied, not those of ``tick`` itself. Every
    checkpoint on the way is compared: :class:`DepartureError` names the first tick where
    the replay departs; :class:`~game.replay.replay.ReplayError` a refused action.
    """
    by_tick = {checkpoint.tick: checkpoint for checkpoint in checkpoints}
    digests = PartDigester()

    def check(state: State) -> None:
        checkpoint = by_tick.get(state.clock.tick)
        if checkpoint is not None:
            compare(checkpoint, digests(state))

    return replay(rules, seed, actions, until=tick, at_boundary=check)
