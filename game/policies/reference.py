"""The reference player: follows the scenario's reference solution step by step."""

from __future__ import annotations

from game.core.engine import Decide
from game.core.rules import Rules
from game.core.state import State
from game.scenario.actions import Action


def reference(rules: Rules, seed: int) -> Decide:
    """A player that takes the reference solution's actions at their hours."""
    schedule = rules.reference
    nothing: tuple[Action, ...] = ()

    def decide(state: State) -> list[Action]:
        return list(schedule.get(state.tick, nothing))

    return decide
