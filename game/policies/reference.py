"""The reference player: follows the scenario's reference solution step by step."""

from __future__ import annotations

from game.core.engine import Decide
from game.core.rules import Rules
from game.core.state import State
from game.scenario.actions import Action


def reference(rules: Rules, seed: int) -> Decide:
    """A player that takes the reference solution's steps.

    A step without a condition is taken at its tick. A step with a condition waits from
    its tick for the first boundary where the condition holds (conditions read only what
    the player can see) and is then taken once.
    """
    steps = rules.reference
    waiting = [i for i, step in enumerate(steps) if step.when is not None]

    def decide(state: State) -> list[Action]:
        tick = state.clock.tick
        actions: list[Action] = []
        taken: list[int] = []
        for index, step in enumerate(steps):
            if step.when is None:
                if step.tick == tick:
                    actions.append(step.action)
            elif index in waiting and step.tick <= tick and step.when(state):
                actions.append(step.action)
                taken.append(index)
        for index in taken:
            waiting.remove(index)
        return actions

    return decide
