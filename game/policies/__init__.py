"""Headless players: functions from the state at a boundary to the actions to take.

Policies read only what the player can see (queues, run statuses, eval reports, the
log), never the true quality of a model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from game.core.engine import Decide
from game.core.rules import Rules
from game.policies.greedy import greedy
from game.policies.idle import idle
from game.policies.random_policy import random_player
from game.policies.reference import reference

PolicyFactory = Callable[[Rules, int], Decide]

POLICIES: Final[dict[str, PolicyFactory]] = {
    "idle": idle,
    "random": random_player,
    "greedy": greedy,
    "reference": reference,
}


def make_policy(name: str, rules: Rules, seed: int) -> Decide:
    """A fresh player of the named policy for one game; KeyError for an unknown name."""
    return POLICIES[name](rules, seed)
