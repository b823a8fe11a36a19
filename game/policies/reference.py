"""The reference player: follows the scenario's reference solution step by step."""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass

from game.core.engine import Decide
from game.core.rules import ReferenceRule, Rules
from game.core.state import State
from game.scenario.actions import Action


@dataclass(frozen=True, slots=True)
class Schedule:
    """The reference solution's steps sorted for play: the same for every game on a
    scenario (:func:`schedule_for`)."""

    rules: Rules
    steps: tuple[ReferenceRule, ...]
    at_tick: dict[int, tuple[int, ...]]
    """By tick, the steps without a condition taken there, in file order."""
    conditional: tuple[int, ...]
    """The steps with a condition, by the tick they start to wait from (file order among
    equals)."""


def make_schedule(rules: Rules) -> Schedule:
    """The reference solution's schedule for a scenario."""
    steps = rules.reference
    at_tick: dict[int, tuple[int, ...]] = {}
    for index, step in enumerate(steps):
        if step.when is None:
            at_tick[step.tick] = (*at_tick.get(step.tick, ()), index)
    conditional = sorted(
        (index for index, step in enumerate(steps) if step.when is not None),
        key=lambda index: steps[index].tick,
    )
    return Schedule(rules, steps, at_tick, tuple(conditional))


_last_schedule: list[Schedule] = []
"""The schedule made last (games come in long series on one scenario)."""


def schedule_for(rules: Rules) -> Schedule:
    """The schedule for these rules: the one made last when it was for them, else a new
    one (rules are never changed, so a schedule holds as long as they exist)."""
    if not _last_schedule or _last_schedule[0].rules is not rules:
        _last_schedule[:] = [make_schedule(rules)]
    return _last_schedule[0]


class Reference:
    """A player that takes the reference solution's steps, for one game.

    A step without a condition is taken at its tick. A step with a condition waits from
    its tick for the first boundary where the condition holds (conditions read only what
    the player can see) and is then taken once. The steps taken at a boundary are handed
    over in file order.
    """

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule
        self.arrived = 0
        """How many of the schedule's conditional steps have started to wait."""
        self.waiting: list[int] = []
        """The steps with a condition that wait now (their tick has come) and are not yet
        taken, in file order."""

    def decide(self, state: State) -> list[Action]:
        """The steps to take at this boundary, in file order."""
        tick = state.clock.tick
        schedule = self.schedule
        steps = schedule.steps
        conditional = schedule.conditional
        while self.arrived < len(conditional) and steps[conditional[self.arrived]].tick <= tick:
            insort(self.waiting, conditional[self.arrived])
            self.arrived += 1
        due = schedule.at_tick.get(tick, ())
        if self.waiting:
            ready = []
            for index in self.waiting:
                when = steps[index].when
                if when is not None and when(state):
                    ready.append(index)
            if ready:
                self.waiting = [index for index in self.waiting if index not in ready]
                due = tuple(sorted([*due, *ready]))
        return [steps[index].action for index in due]


def reference(rules: Rules, seed: int) -> Decide:
    """A player that takes the reference solution's steps (it needs no luck: the seed is
    not used)."""
    return Reference(schedule_for(rules)).decide
