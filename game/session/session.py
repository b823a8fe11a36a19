"""A game in progress, for front ends: the window, the classroom server and tests.

A :class:`Session` wraps the pure engine steps (:func:`~game.core.engine.new_game`,
:func:`~game.core.engine.apply`, :func:`~game.core.engine.advance`) the way Gymnasium's
stateful environments wrap their functional core. It records every applied action with
its tick, keeps a per-tick :class:`~game.session.history.History`, goes back to an
earlier boundary by re-simulating the actions before it, saves and loads games in
progress, and makes the :class:`~game.session.report.GameReport` once the game is over.
The state itself (which holds the truth) is never handed out: the player sees
:meth:`Session.view`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from game import ENGINE_VERSION
from game.core import engine
from game.core.engine import Decide
from game.core.messages import Message, Refusal, message
from game.core.rules import Rules, prepare
from game.core.state import State
from game.core.view import PlayerView, player_view
from game.replay.digest import state_digest
from game.replay.explain import Counterfactual, explain
from game.replay.replay import TimedAction
from game.replay.runfile import RunScenario, is_player_name, make_run
from game.scenario.actions import Action
from game.scenario.load import LoadedScenario
from game.session.history import GameNotOverError, History
from game.session.legal import LegalActions
from game.session.report import GameReport, game_report
from game.session.save import SaveFile, SaveMismatchError, read_save, write_save


class SessionError(Exception):
    """A request the session cannot carry out: going back to a tick that has not come, or
    running the clock after the end. ``message`` says why (a code of
    :data:`game.core.messages.SESSION_ERRORS` and its values)."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.text)
        self.message = message


class Session:
    """One game being played: start it, act, advance, undo, save, load, report.

    Attributes the front end reads: ``rules``, ``seed``, ``player``, ``policy``, ``tick``,
    ``over``, ``actions`` (the applied actions with their ticks) and ``history``.
    """

    def __init__(
        self,
        loaded: LoadedScenario,
        rules: Rules,
        seed: int,
        *,
        player: str,
        policy: str | None,
    ) -> None:
        """A session at the first boundary; front ends call :meth:`start` instead."""
        if not is_player_name(player):
            raise SessionError(message("session.bad_player", player=repr(player)))
        self.loaded = loaded
        self.rules = rules
        self.seed = seed
        self.player = player
        self.policy = policy
        """The headless policy that plays, when one does (it is written in run files)."""
        self._actions: list[TimedAction] = []
        self.history = History(rules.segments)
        self._state = engine.new_game(rules, seed)
        self._changes = 0
        """Counts every change of the state, so that a stale :class:`LegalActions` is seen."""
        self.history.record(self._state, rules)

    @classmethod
    def start(
        cls,
        loaded: LoadedScenario,
        seed: int,
        *,
        player: str = "anonymous",
        policy: str | None = None,
        rules: Rules | None = None,
    ) -> Session:
        """A new game of a loaded scenario on a seed.

        ``rules`` may be given when the scenario is already prepared (it must be the
        preparation of ``loaded.scenario``); ``policy`` names a headless player, if one
        plays the game.
        """
        return cls(
            loaded,
            rules if rules is not None else prepare(loaded.scenario),
            seed,
            player=player,
            policy=policy,
        )

    # --- what the player sees ------------------------------------------------------------

    @property
    def actions(self) -> list[TimedAction]:
        """The applied actions with their ticks, in order (a new list)."""
        return list(self._actions)

    @property
    def tick(self) -> int:
        """The tick boundary the game is at."""
        return self._state.clock.tick

    @property
    def over(self) -> bool:
        """Whether the game has ended."""
        return self._state.clock.over

    def view(self) -> PlayerView:
        """What the player may see now: measurements and reports, never the truth."""
        return player_view(self._state, self.rules)

    def legal_actions(self) -> LegalActions:
        """Every candidate action now, with None or the reason it would be refused."""
        listed_at = self._changes
        return LegalActions.of(self._state, self.rules, lambda: self._changes == listed_at)

    def refusal(self, action: Action) -> Refusal | None:
        """Why the action would be refused now, or None. Changes nothing."""
        return engine.refusal(self._state, self.rules, action)

    def digest(self) -> str:
        """The digest of the state now (as run files and saves record it)."""
        return state_digest(self._state)

    # --- playing -------------------------------------------------------------------------

    def apply(self, action: Action) -> Refusal | None:
        """Apply an action at this boundary and record it; or return why it is refused."""
        reason = engine.apply(self._state, self.rules, action)
        if reason is None:
            self._actions.append(TimedAction(self._state.clock.tick, action))
            self._changes += 1
        return reason

    def apply_policy(self, decide: Decide) -> list[TimedAction]:
        """Let a headless policy act at this boundary; returns the actions that applied.

        ``decide`` is a policy of :mod:`game.policies` made for this game (for instance
        ``make_policy("greedy", session.rules, session.seed)``); the actions it gives that
        the engine refuses are left out, as :func:`game.core.engine.play` leaves them.
        """
        applied: list[TimedAction] = []
        for action in self.policy_actions(decide):
            if self.apply(action) is None:
                applied.append(self._actions[-1])
        return applied

    def policy_actions(self, decide: Decide) -> list[Action]:
        """What a headless policy would do at this boundary, without applying it.

        A front end that plays a policy through its own controls (the window's autoplay)
        asks here, then applies each action as a player's. Policies read the state only.
        """
        return list(decide(self._state))

    def advance(self) -> None:
        """Run one tick; events left waiting take their default choice first.

        :class:`SessionError` when the game is over.
        """
        if self._state.clock.over:
            raise SessionError(message("session.game_over"))
        engine.advance(self._state, self.rules)
        self._changes += 1
        self.history.record(self._state, self.rules)

    def advance_to(self, tick: int) -> None:
        """Advance to a later boundary (or to the end, when ``tick`` is past it)."""
        while self._state.clock.tick < tick and not self._state.clock.over:
            self.advance()

    def play_to_end(self) -> None:
        """Advance until the game is over."""
        while not self._state.clock.over:
            self.advance()

    def undo_to(self, tick: int) -> None:
        """Go back to an earlier boundary, as the clock first reached it (before the
        actions taken there), by re-simulating the actions taken before it.

        ``tick`` may be the boundary the game is at, to take back the actions of this
        boundary. :class:`SessionError` for a tick in the future or below zero.
        """
        if not 0 <= tick <= self._state.clock.tick:
            now = self._state.clock.tick
            raise SessionError(message("session.undo_ahead", tick=tick, now=now))
        kept = [timed for timed in self._actions if timed.tick < tick]
        state = self._resimulate(kept, tick)
        self._state = state
        self._actions = kept
        self._changes += 1
        self.history.cut_after(tick)

    def _resimulate(self, actions: Iterable[TimedAction], tick: int) -> State:
        """The state at boundary ``tick`` after replaying ``actions`` (all before it)."""
        state = engine.new_game(self.rules, self.seed)
        for index, timed in enumerate(actions):
            while state.clock.tick < timed.tick and not state.clock.over:
                engine.advance(state, self.rules)
            refusal = engine.apply(state, self.rules, timed.action)
            if refusal is not None:  # the engine is deterministic: this would be a bug
                raise SessionError(
                    message(
                        "session.replays_refused",
                        index=index,
                        tick=timed.tick,
                        reason=refusal.text,
                    )
                )
        while state.clock.tick < tick and not state.clock.over:
            engine.advance(state, self.rules)
        return state

    # --- saving --------------------------------------------------------------------------

    def save_file(self) -> SaveFile:
        """The save of the game as it stands."""
        return SaveFile(
            engine=ENGINE_VERSION,
            scenario=RunScenario(
                id=self.loaded.id,
                path=Path(self.loaded.path).as_posix(),
                sha256=self.loaded.sha256,
            ),
            seed=self.seed,
            player=self.player,
            policy=self.policy,
            tick=self._state.clock.tick,
            actions=list(self._actions),
            digest=state_digest(self._state),
        )

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the game in progress to a file, atomically (an older save is replaced)."""
        write_save(path, self.save_file())

    @classmethod
    def load(
        cls, path: str | os.PathLike[str], loaded: LoadedScenario, *, rules: Rules | None = None
    ) -> Session:
        """The game a save holds, rebuilt by re-simulation on the loaded scenario.

        Raises a :class:`~game.session.save.SaveError` kind with the path and the reason:
        unreadable, corrupt, of an unknown version, or not fitting this scenario and
        engine (or its digest is not what re-simulation gives).
        """
        save = read_save(path, loaded.scenario.names())
        if save.engine != ENGINE_VERSION:
            engines = {"saved": save.engine, "engine": ENGINE_VERSION}
            raise SaveMismatchError(path, message("save.other_engine", **engines))
        if save.scenario.sha256 != loaded.sha256:
            hashes = {"saved": save.scenario.sha256[:12], "loaded": loaded.sha256[:12]}
            other = message("save.other_scenario", scenario=save.scenario.id, **hashes)
            raise SaveMismatchError(path, other)
        session = cls.start(loaded, save.seed, player=save.player, policy=save.policy, rules=rules)
        session._replay_saved(path, save)
        return session

    def _replay_saved(self, path: str | os.PathLike[str], save: SaveFile) -> None:
        for index, timed in enumerate(save.actions):
            place = {"index": index, "tick": timed.tick}
            if timed.tick < self._state.clock.tick or timed.tick > save.tick:
                raise SaveMismatchError(path, message("save.action_out_of_order", **place))
            self.advance_to(timed.tick)
            refusal = self.apply(timed.action)
            if refusal is not None:
                why = {"action": timed.action.do, "reason": refusal.text}
                raise SaveMismatchError(path, message("save.action_refused", **place, **why))
        self.advance_to(save.tick)
        if self._state.clock.tick != save.tick:
            raise SaveMismatchError(path, message("save.tick_after_end", tick=save.tick))
        if self.digest() != save.digest:
            raise SaveMismatchError(path, message("save.digest_differs"))

    # --- the end -------------------------------------------------------------------------

    def report(self, *, explained: bool = False) -> GameReport:
        """The report of the ended game; :class:`GameNotOverError` while it goes on.

        With ``explained``, its counterfactuals are filled by :func:`game.replay.explain.
        explain`: the game replayed with one decision changed at a time, under the same
        luck, best first (a few hundred milliseconds; the debrief asks for them).
        """
        if not self._state.clock.over:
            raise GameNotOverError("the report is made when the game is over")
        counterfactuals: tuple[Counterfactual, ...] = ()
        if explained:
            counterfactuals = explain(self.rules, self.seed, self._actions).counterfactuals
        return game_report(
            self.loaded,
            self.rules,
            self._state,
            seed=self.seed,
            policy=self.policy,
            player=self.player,
            actions=len(self._actions),
            counterfactuals=counterfactuals,
        )

    def run_record(self) -> dict[str, Any]:
        """The run file of the ended game, as JSON-ready data (``mlday verify`` checks it);
        :class:`GameNotOverError` while it goes on."""
        if not self._state.clock.over:
            raise GameNotOverError("a run file is made when the game is over")
        run = make_run(
            self.loaded,
            self.rules,
            self._state,
            seed=self.seed,
            player=self.player,
            policy=self.policy,
            actions=self._actions,
        )
        return run.model_dump(mode="json")
