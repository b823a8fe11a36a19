"""The reference player: follows the scenario's reference solution step by step."""

from __future__ import annotations

from game.core.engine import Decide
from game.core.rules import ReferenceRule, Rules
from game.core.state import State
from game.scenario.actions import Action


class Reference:
    """A player that takes the reference solution's steps, for one game.

    A step without a condition is taken at its tick. A step with a condition waits from
    its tick for the first boundary where the condition holds (conditions read only what
    the player can see) and is then taken once. The steps taken at a boundary are handed
    over in file order.
    """

    def __init__(self, steps: tuple[ReferenceRule, ...]) -> None:
        self.steps = steps
        self.at_tick: dict[int, list[int]] = {}
        """By tick, the steps without a condition taken there."""
        self.waiting: list[int] = []
        """The steps with a condition not yet taken, in file order."""
        for index, step in enumerate(steps):
            if step.when is None:
                self.at_tick.setdefault(step.tick, []).append(index)
            else:
                self.waiting.append(index)

    def __call__(self, state: State) -> list[Action]:
        tick = state.clock.tick
        steps = self.steps
        due = self.at_tick.get(tick, [])
        if self.waiting:
            ready = []
            for index in self.waiting:
                step = steps[index]
                if step.tick <= tick and step.when is not None and step.when(state):
                    ready.append(index)
            if ready:
                self.waiting = [index for index in self.waiting if index not in ready]
                due = sorted([*due, *ready])
        return [steps[index].action for index in due]


def reference(rules: Rules, seed: int) -> Decide:
    """A player that takes the reference solution's steps (it needs no luck: the seed is
    not used)."""
    return Reference(rules.reference)
