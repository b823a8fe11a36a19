"""The course library's outage and collapse scenarios: valid, balanced, and real lessons.

For "The $4,000 run" (silent-collapse.yaml) and "Down at lunch" (api-outage.yaml), each
file must validate with nothing to report; over seeds 0-49 its reference solution must
score at least 700 on the mean and doing nothing under 400, and no simple policy (greedy,
random, idle) may come within 100 points of the reference. The debrief must carry at
least five quiz questions, each answer explained, and only lessons tied to a condition
on the player's own game. Every event must fire in some game played here. Each
scenario's costliest mistakes, played as the reference plan with that one mistake in it,
cost points and show their lesson. The two-day scenario also has greedy look at the board
at the final boundary of a game, where a policy must not run off the end of the day.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from game.cli.main import main
from game.core.engine import play
from game.core.rules import Rules, prepare
from game.core.scoring import lessons, score
from game.core.state import State
from game.policies import make_policy
from game.scenario.actions import ReferenceStep
from game.scenario.expr import parse_expr
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
LESSON_SHARE = 0.9
"""The share of a mistaken plan's games that must show the mistake's lesson."""

Change = Callable[[Scenario, list[ReferenceStep]], list[ReferenceStep]]


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
            for index, count in enumerate(state.events.fired):
                fired[index] += count
    never = [event.id for event, count in zip(rules.events, fired, strict=True) if count == 0]
    assert never == []


def _choosing(event: str, old: str, new: str) -> Change:
    """The plan answering an event with another choice."""

    def change(scenario: Scenario, steps: list[ReferenceStep]) -> list[ReferenceStep]:
        found = [s for s in steps if s.do == "choose" and s.event == event and s.choice == old]
        assert len(found) == 1, (event, old)
        return [s.model_copy(update={"choice": new}) if s is found[0] else s for s in steps]

    return change


def _without_task(task: str) -> Change:
    """The plan never queuing a task; steps waiting for it wait for nothing."""

    def change(scenario: Scenario, steps: list[ReferenceStep]) -> list[ReferenceStep]:
        kept = [s for s in steps if not (s.do == "queue_task" and s.task == task)]
        assert len(kept) == len(steps) - 1, task
        waiting = f'done("{task}")'
        return [
            s.model_copy(update={"when": None})
            if s.when is not None and str(s.when) == waiting
            else s
            for s in kept
        ]

    return change


def _ungated(scenario: Scenario, steps: list[ReferenceStep]) -> list[ReferenceStep]:
    """No eval of the candidate and no A/B test: ship it as soon as it is trained."""
    kept = [
        s
        for s in steps
        if not (s.do == "start_job" and (s.job == "ab_test" or s.model == "lora_ft-1"))
    ]
    ship = next(s for s in kept if s.do == "ship")
    when = parse_expr('completed("lora_ft") >= 1', scenario.names())
    return [s.model_copy(update={"when": when}) if s is ship else s for s in kept]


MISTAKES: dict[tuple[str, str], tuple[Change, str, float]] = {
    ("silent-collapse.yaml", "launch_full"): (
        _choosing("launch_plan", "lora_first", "launch"),
        "The bill for the big run",
        100,
    ),
    ("silent-collapse.yaml", "no_alerts"): (
        _without_task("training_alerts"),
        "Nothing watched the small run either",
        25,
    ),
    ("silent-collapse.yaml", "ungated"): (
        _ungated,
        "You shipped a model nobody had measured",
        30,
    ),
    ("api-outage.yaml", "no_fallback_model"): (
        _without_task("fallback_model"),
        "The breaker held; the small model was missing",
        100,
    ),
    ("api-outage.yaml", "maintenance"): (
        _choosing("api_outage", "honest_status", "maintenance"),
        '"Scheduled maintenance" at lunch',
        150,
    ),
    ("api-outage.yaml", "hope"): (
        _choosing("api_outage", "honest_status", "wait"),
        "Hoping is not a status message",
        50,
    ),
    ("api-outage.yaml", "no_watch"): (
        _without_task("watch_production"),
        "The questions changed and nobody saw",
        75,
    ),
}
"""Per scenario and mistake: the plan with it, the lesson it shows, and its least cost."""


@pytest.mark.parametrize(("name", "mistake"), list(MISTAKES))
def test_a_costly_mistake_costs_and_shows_its_lesson(name: str, mistake: str) -> None:
    change, title, least_cost = MISTAKES[name, mistake]
    scenario = scenario_of(name)
    rules = prepare(
        scenario.model_copy(update={"reference": change(scenario, list(scenario.reference))})
    )
    states = [play(rules, seed, make_policy("reference", rules, seed))[0] for seed in SEEDS]
    mistaken = statistics.fmean(score(state, rules).total for state in states)
    assert mistaken <= mean_score(name, "reference") - least_cost, mistaken
    titles = [lesson.title for lesson in scenario.debrief.lessons]
    index = titles.index(title)
    shown = sum(index in lessons(state, rules) for state in states)
    assert shown >= LESSON_SHARE * len(states), (title, shown)
