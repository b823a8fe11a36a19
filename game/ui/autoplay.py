"""A built-in policy playing in the window, as ``mlday play --autoplay POLICY`` asks.

The policy is asked through the session (:meth:`Session.policy_actions`), once per
boundary; its actions go to the session through the window like a player's: answers
through the event dialog, everything else as the play screen's buttons would apply them.

Continuing an autoplayed game rebuilds the policy's memory by playing it again from the
first tick, checking that it takes the saved actions; a game a person started is taken
over from its saved state with a fresh policy.
"""

from __future__ import annotations

from game.core.engine import Decide
from game.policies import make_policy
from game.scenario.actions import Action
from game.session import Session


class Autoplayer:
    """A policy playing one session, asked once per boundary."""

    def __init__(self, name: str, session: Session) -> None:
        self.name = name
        self.session = session
        self._decide: Decide = make_policy(name, session.rules, session.seed)
        self._decided_at = -1
        self.took_over = False
        """True when the saved game was not this policy's: it plays on from the saved state."""
        if session.tick > 0 or session.actions:
            self._catch_up()

    def _catch_up(self) -> None:
        """Rebuild the policy's memory by letting it play the game again, in a rehearsal
        session, up to the session's boundary; a game it did not play is taken over."""
        target = self.session.tick
        saved = self.session.actions
        rehearsal = Session.start(self.session.loaded, self.session.seed, rules=self.session.rules)
        while rehearsal.tick < target:
            rehearsal.apply_policy(self._decide)
            rehearsal.advance()
        if rehearsal.actions != [t for t in saved if t.tick < target]:
            self._decide = make_policy(self.name, self.session.rules, self.session.seed)
            self.took_over = True
            self._decided_at = -1
            return
        # The policy had already acted at this boundary when the game was saved.
        self._decided_at = target if any(t.tick == target for t in saved) else -1

    def decide(self) -> list[Action]:
        """The policy's actions at the session's boundary (asked once per boundary)."""
        if self._decided_at == self.session.tick:
            return []
        self._decided_at = self.session.tick
        return self.session.policy_actions(self._decide)
