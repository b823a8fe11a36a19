"""The idle player: never acts. Every event takes its default answer."""

from __future__ import annotations

from game.core.engine import Decide
from game.core.rules import Rules
from game.core.state import State
from game.scenario.actions import Action


def idle(rules: Rules, seed: int) -> Decide:
    """A player that does nothing at all."""

    def decide(state: State) -> list[Action]:
        return []

    return decide
