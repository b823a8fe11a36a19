"""A built-in policy playing in the window, as ``mlday play --autoplay POLICY`` asks.

Policies are functions of the game state (:data:`game.core.engine.Decide`), and the
session keeps its state to itself. So the autoplayer keeps its own board: a game of the
same scenario and seed, stepped through the core in lockstep with the session (the same
actions, the same ticks), and checked against the session's digest at every boundary.
Its actions go to the session through the window like a player's: answers through the
event dialog, everything else as the play screen's buttons would apply them.

Continuing an autoplayed game rebuilds the policy's memory by playing it again from the
first tick, checking that it takes the saved actions; a game a person started is taken
over from its saved state with a fresh policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from game.core import engine
from game.core.engine import Decide
from game.core.state import State
from game.policies import make_policy
from game.replay.digest import state_digest
from game.replay.replay import TimedAction
from game.scenario.actions import Action
from game.session import Session

SPEEDS = ("1", "2", "4", "max")


@dataclass(frozen=True, slots=True)
class PlayOptions:
    """How ``mlday play`` was asked to run the window."""

    autoplay: str | None = None
    """The policy that plays by itself, or None for a person."""
    speed: str = "1"
    """The clock's starting speed: 1, 2, 4 or max (a tick a frame)."""
    screenshots: Path | None = None
    """Where to save one PNG per scene shown."""
    exit_at_end: bool = False
    """Close the window once the debrief has been shown."""
    record: Path | None = None
    """Where to write the run file of the finished game (else the data folder's runs/)."""


class AutoplayError(Exception):
    """The autoplayer's board and the session disagree (a bug, never the player's doing)."""


class Autoplayer:
    """A policy with its board, following one session."""

    def __init__(self, name: str, session: Session) -> None:
        self.name = name
        self.session = session
        self._decide: Decide = make_policy(name, session.rules, session.seed)
        self._state: State = engine.new_game(session.rules, session.seed)
        self._decided_at = -1
        self.took_over = False
        """True when the saved game was not this policy's: it plays on from the saved state."""
        if session.tick > 0 or session.actions:
            self._catch_up()

    def _catch_up(self) -> None:
        """Rebuild the board and the policy's memory up to the session's boundary."""
        target = self.session.tick
        saved = list(self.session.actions)
        taken: list[TimedAction] = []
        while self._state.tick < target:
            for action in self._decide(self._state):
                if engine.apply(self._state, self.session.rules, action) is None:
                    taken.append(TimedAction(self._state.tick, action))
            engine.advance(self._state, self.session.rules)
        mine = [t for t in taken if t.tick < target]
        before = [t for t in saved if t.tick < target]
        if mine != before or self.digest() != self.session.digest():
            self._take_over(saved, target)
            return
        # Actions the session already holds at this boundary (saved before the tick ran).
        self._decided_at = target if any(t.tick == target for t in saved) else -1
        for timed in saved:
            if timed.tick == target:
                engine.apply(self._state, self.session.rules, timed.action)

    def _take_over(self, saved: list[TimedAction], target: int) -> None:
        """Play on from the saved game with a fresh policy (its memory cannot be rebuilt)."""
        rules, seed = self.session.rules, self.session.seed
        self._decide = make_policy(self.name, rules, seed)
        self._state = engine.new_game(rules, seed)
        for timed in saved:
            while self._state.tick < timed.tick:
                engine.advance(self._state, rules)
            engine.apply(self._state, rules, timed.action)
        while self._state.tick < target:
            engine.advance(self._state, rules)
        self.took_over = True
        self._decided_at = -1

    def digest(self) -> str:
        """The digest of the autoplayer's board."""
        return state_digest(self._state)

    def decide(self) -> list[Action]:
        """The policy's actions at the session's boundary (asked once per boundary)."""
        self._check()
        if self._decided_at == self._state.tick:
            return []
        self._decided_at = self._state.tick
        return list(self._decide(self._state))

    def applied(self, action: Action) -> None:
        """The session applied ``action``: the board follows."""
        reason = engine.apply(self._state, self.session.rules, action)
        if reason is not None:
            raise AutoplayError(f"the autoplayer's board refused {action.do}: {reason}")

    def advanced(self) -> None:
        """The session ran a tick: the board follows."""
        engine.advance(self._state, self.session.rules)
        self._check()

    def _check(self) -> None:
        if self._state.tick != self.session.tick or self.digest() != self.session.digest():
            raise AutoplayError(
                f"the autoplayer's board left the session's game at tick {self.session.tick}"
            )
