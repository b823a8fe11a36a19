"""The reference player: follows the scenario's reference solution step by step."""

from __future__ import annotations

from game.core.engine import Decide
from game.core.rules import Rules
from game.core.state import State
from game.scenario.actions import Action, without_time


def reference_schedule(rules: Rules) -> dict[int, list[Action]]:
    """The reference solution's actions grouped by the tick they are taken at."""
    schedule: dict[int, list[Action]] = {}
    for step in rules.scenario.reference:
        tick = round(step.at / rules.tick_hours)
        schedule.setdefault(tick, []).append(without_time(step))
    return schedule


def reference(rules: Rules, seed: int) -> Decide:
    """A player that takes the reference solution's actions at their hours."""
    schedule = reference_schedule(rules)
    nothing: list[Action] = []

    def decide(state: State) -> list[Action]:
        return schedule.get(state.tick, nothing)

    return decide
