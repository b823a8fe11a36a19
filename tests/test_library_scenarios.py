"""The course library's outage and collapse scenarios: valid, balanced, and real lessons.

For "The $4,000 run" (silent-collapse.yaml) and "Down at lunch" (api-outage.yaml), each
file must validate with nothing to report; over seeds 0-49 its reference solution must
score at least 700 on the mean and doing nothing under 400, and no simple policy (greedy,
random, idle) may come within 100 points of the reference. The debrief must carry at
least five quiz questions, each answer explained, and only lessons tied to a condition
on the player's own game. Every event must fire in some game played here. The
two-day scenario also has greedy look at the board at the final boundary of a game
(seed 4 once ran it off its table of hours left).
"""

from __future__ import annotations

import statistics
from functools import cache
from pathlib import Path

import pytest

from game.cli.main import main
from game.core.engine import play
from game.core.rules import Rules, prepare
from game.core.scoring import score
from game.core.state import State
from game.policies import make_policy
from game.scenario.load import load_scenario
from game.scenario.model import Scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
LIBRARY = ("silent-collapse.yaml", "api-outage.yaml")
SEEDS = range(50)
SIMPLE_POLICIES = ("greedy", "random", "idle")
REFERENCE_FLOOR = 700
IDLE_CEILING = 400
MARGIN = 100
MIN_QUESTIONS = 5


@cache
def scenario_of(name: str) -> Scenario:
    """The scenario as the loader reads it."""
    return load_scenario(SCENARIOS / name).scenario


@cache
def rules_of(name: str) -> Rules:
    """The prepared rules of a library scenario."""
    return prepare(scenario_of(name))


@cache
def games(name: str, policy: str) -> tuple[State, ...]:
    """The final states of a policy's games on seeds 0-49."""
    rules = rules_of(name)
    return tuple(play(rules, seed, make_policy(policy, rules, seed))[0] for seed in SEEDS)


def mean_score(name: str, policy: str) -> float:
    """A policy's mean score over seeds 0-49."""
    rules = rules_of(name)
    return statistics.fmean(score(state, rules).total for state in games(name, policy))


@pytest.mark.parametrize("name", LIBRARY)
def test_validates_with_nothing_to_report(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(SCENARIOS / name)
    assert main(["validate", path]) == 0
    out, err = capsys.readouterr()
    assert out == f"{path}: ok\n"
    assert err == ""


@pytest.mark.parametrize("name", LIBRARY)
def test_reference_scores_at_least_700(name: str) -> None:
    assert mean_score(name, "reference") >= REFERENCE_FLOOR


@pytest.mark.parametrize("name", LIBRARY)
def test_doing_nothing_scores_under_400(name: str) -> None:
    assert mean_score(name, "idle") < IDLE_CEILING


@pytest.mark.parametrize("policy", SIMPLE_POLICIES)
@pytest.mark.parametrize("name", LIBRARY)
def test_no_simple_policy_comes_within_100_points(name: str, policy: str) -> None:
    reference = mean_score(name, "reference")
    simple = mean_score(name, policy)
    assert simple <= reference - MARGIN, (policy, simple, reference)


@pytest.mark.parametrize("name", LIBRARY)
def test_at_least_five_questions_with_every_answer_explained(name: str) -> None:
    quiz = scenario_of(name).debrief.quiz
    assert len(quiz) >= MIN_QUESTIONS
    for question in quiz:
        assert len(question.choices) >= 2, question.question
        assert sum(choice.correct for choice in question.choices) == 1, question.question
        for choice in question.choices:
            assert choice.explanation.strip(), (question.question, choice.text)


@pytest.mark.parametrize("name", LIBRARY)
def test_every_lesson_has_a_condition(name: str) -> None:
    lessons = scenario_of(name).debrief.lessons
    assert lessons
    for lesson in lessons:
        assert lesson.when is not None, lesson.title


@pytest.mark.parametrize("name", LIBRARY)
def test_every_event_fires_in_some_game(name: str) -> None:
    rules = rules_of(name)
    fired = [0] * len(rules.events)
    for policy in ("reference", *SIMPLE_POLICIES):
        for state in games(name, policy):
            for index, count in enumerate(state.fired):
                fired[index] += count
    never = [event.id for event, count in zip(rules.events, fired, strict=True) if count == 0]
    assert never == []
