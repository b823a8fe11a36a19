"""Finished games for the window's tests: played through a session by a built-in policy."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from game.core.engine import play
from game.core.rules import prepare
from game.policies import make_policy
from game.replay.replay import TimedAction, timed
from game.scenario.load import LoadedScenario, load_scenario
from game.session import Session

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@cache
def loaded(name: str = "ravi-tuesday") -> LoadedScenario:
    """A shipped scenario, loaded once per test run."""
    return load_scenario(str(SCENARIOS / f"{name}.yaml"))


@cache
def policy_actions(name: str, policy: str, seed: int) -> tuple[TimedAction, ...]:
    """The timed actions a built-in policy takes in a game."""
    rules = prepare(loaded(name).scenario)
    _, applied = play(rules, seed, make_policy(policy, rules, seed))
    return tuple(timed(applied))


def finished_session(name: str = "ravi-tuesday", policy: str = "greedy", seed: int = 3) -> Session:
    """A session of a whole game, its actions applied at their ticks, played to the end."""
    session = Session.start(loaded(name), seed, policy=policy)
    for action in policy_actions(name, policy, seed):
        session.advance_to(action.tick)
        assert session.apply(action.action) is None
    session.play_to_end()
    return session
