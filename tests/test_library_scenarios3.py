"""The course library's last two scenarios, and what the whole library's quizzes cover.

"Build, buy or skip" and "The week" are also in the parametrised checks of
tests/test_library_scenarios2.py (validation, balance, quiz, lessons, events). Here: in
both, the reference reads its evidence and beats its own recorded action lists replayed
blind; each of their costliest mistakes costs points and shows its lesson; and across
every shipped scenario the quizzes cover each topic of the lesson the game teaches.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from test_scenario_figures import figures_script

from game.core.engine import play
from game.core.rules import Rules, prepare
from game.core.scoring import lessons, score
from game.core.state import State, TaskStatus
from game.policies import make_policy
from game.replay.replay import replay_lenient, timed
from game.scenario.actions import AtChoose, AtQueueTask, AtStartJob, ReferenceStep
from game.scenario.load import load_scenario
from game.scenario.model import Scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BUY = SCENARIOS / "build-buy-skip.yaml"
WEEK = SCENARIOS / "the-week.yaml"
SEEDS = range(50)
EVIDENCE_MARGIN = 30
"""How far the reference must beat the best of its own recorded scripts, on the mean."""

Change = Callable[[list[ReferenceStep]], list[ReferenceStep]]


@cache
def rules_of(path: Path) -> Rules:
    """The prepared rules of a scenario, loaded through the loader."""
    return prepare(load_scenario(path).scenario)


@cache
def reference_games(path: Path) -> tuple[State, ...]:
    """The reference solution's final states over SEEDS."""
    rules = rules_of(path)
    return tuple(play(rules, seed, make_policy("reference", rules, seed))[0] for seed in SEEDS)


def mean(rules: Rules, states: tuple[State, ...] | list[State]) -> float:
    return statistics.fmean(score(state, rules).total for state in states)


def variant(path: Path, change: Change) -> tuple[Rules, list[State]]:
    """The scenario with its reference changed, and that reference's games over SEEDS."""
    scenario: Scenario = rules_of(path).scenario
    rules = prepare(scenario.model_copy(update={"reference": change(list(scenario.reference))}))
    states = [play(rules, seed, make_policy("reference", rules, seed))[0] for seed in SEEDS]
    return rules, states


def answering(event: str, choice: str) -> Change:
    """Every answer to the event replaced by one unconditional answer, at the first's hour."""

    def change(steps: list[ReferenceStep]) -> list[ReferenceStep]:
        answers = [s for s in steps if isinstance(s, AtChoose) and s.event == event]
        assert answers, event
        kept = [s for s in steps if s not in answers]
        return [*kept, AtChoose(at=answers[0].at, event=event, choice=choice)]

    return change


def without_task(task: str) -> Change:
    def change(steps: list[ReferenceStep]) -> list[ReferenceStep]:
        kept = [s for s in steps if not (isinstance(s, AtQueueTask) and s.task == task)]
        assert len(kept) == len(steps) - 1, task
        return kept

    return change


def named_mistake(name: str) -> Change:
    """A mistake that scripts/scenario_figures.py names for build-buy-skip, as a change of
    its reference."""
    mistake = getattr(figures_script(), name)
    return lambda steps: mistake(rules_of(BUY).scenario, steps)


def titles(state: State, rules: Rules) -> set[str]:
    return {rules.scenario.debrief.lessons[i].title for i in lessons(state, rules)}


# -- Reading the evidence pays ---------------------------------------------------------


@pytest.mark.parametrize("path", [BUY, WEEK], ids=lambda p: p.stem)
def test_the_reference_beats_its_own_recorded_scripts(path: Path) -> None:
    """Each of the reference's action lists of seeds 0-2, replayed blind on every seed
    (refused actions skipped), scores at least 30 points below the reference itself."""
    rules = rules_of(path)
    reference = mean(rules, reference_games(path))
    for recorded in range(3):
        script = timed(play(rules, recorded, make_policy("reference", rules, recorded))[1])
        blind = [replay_lenient(rules, seed, script).state for seed in SEEDS]
        assert mean(rules, blind) <= reference - EVIDENCE_MARGIN, recorded


# -- Build, buy or skip ------------------------------------------------------------------


def test_buy_the_pilot_decides_the_road() -> None:
    """The reference ships the hosted LLM exactly on the days it knows the claims, and the
    LoRA router on the others; both kinds of day come up."""
    rules = rules_of(BUY)
    weak = rules.event_index["api_weak_on_claims"]
    kinds = {True: 0, False: 0}
    for state in reference_games(BUY):
        weak_day = state.events.fired[weak] > 0
        kinds[weak_day] += 1
        live = state.models[state.production.model_index].id
        assert live.startswith("lora_router" if weak_day else "api_router"), live
    assert min(kinds.values()) >= 10


def test_buy_relabeling_is_taken_only_where_the_audit_found_noise() -> None:
    rules = rules_of(BUY)
    noisy = rules.event_index["noisy_old_labels"]
    relabel = rules.task_index["relabel"]
    weak = rules.event_index["api_weak_on_claims"]
    built = [state for state in reference_games(BUY) if state.events.fired[weak]]
    assert any(state.events.fired[noisy] for state in built)
    assert any(not state.events.fired[noisy] for state in built)
    for state in built:
        relabeled = state.team.task_status[relabel] == TaskStatus.DONE
        assert relabeled == bool(state.events.fired[noisy])


@pytest.mark.parametrize(
    ("change", "lesson", "cost"),
    [
        (answering("churn_ask", "build"), "The churn model had nothing to learn from", 60),
        (answering("summaries_ask", "build"), "Summaries are a commodity", 40),
        (
            answering("new_paper", "reproduce"),
            "You reproduced a whole paper to get its cheapest idea",
            100,
        ),
    ],
    ids=["churn", "summaries", "paper"],
)
def test_buy_each_mistake_costs_and_shows_its_lesson(
    change: Change, lesson: str, cost: int
) -> None:
    rules, states = variant(BUY, change)
    assert mean(rules, states) <= mean(rules_of(BUY), reference_games(BUY)) - cost
    assert all(lesson in titles(state, rules) for state in states)


def test_buy_buying_blind_costs_on_the_days_the_api_does_not_fit() -> None:
    rules, states = variant(BUY, named_mistake("buying_blind"))
    weak = rules.event_index["api_weak_on_claims"]
    pairs = [
        (blind, planned)
        for blind, planned in zip(states, reference_games(BUY), strict=True)
        if blind.events.fired[weak]
    ]
    assert len(pairs) >= 10
    lesson = "You bought a model that did not know your claims"
    for blind, planned in pairs:
        assert score(blind, rules).total <= score(planned, rules).total - 100
        assert lesson in titles(blind, rules)


def test_buy_building_on_every_day_costs() -> None:
    """Labeling claims and auditing the old labels whatever the pilot said: on the days the
    hosted LLM fits, the afternoon and $300 buy a router no better than the one live."""

    rules, states = variant(BUY, named_mistake("building_every_day"))
    assert mean(rules, states) <= mean(rules_of(BUY), reference_games(BUY)) - 20


# -- The week ----------------------------------------------------------------------------


@pytest.mark.parametrize("job", ["label_subs", "label_es"])
def test_week_guessing_which_segment_grows_costs(job: str) -> None:
    """The vendor labels one batch a week: spent on Tuesday morning on a guess, it misses
    the segment that grew in about half the weeks."""

    def change(steps: list[ReferenceStep]) -> list[ReferenceStep]:
        changed: list[ReferenceStep] = []
        for step in steps:
            if isinstance(step, AtStartJob) and step.job.startswith("label_"):
                if step.job == job:
                    changed.append(step.model_copy(update={"when": None}))
            else:
                changed.append(step)
        return changed

    rules, states = variant(WEEK, change)
    assert mean(rules, states) <= mean(rules_of(WEEK), reference_games(WEEK)) - EVIDENCE_MARGIN


def test_week_drift_seen_is_answered_by_labeling_the_segment_that_grew() -> None:
    rules = rules_of(WEEK)
    grew = {"drift_subs": "label_subs", "drift_es": "label_es"}
    jobs = {job: rules.job_index[job] for job in grew.values()}
    retrained = 0
    for state in reference_games(WEEK):
        for drift, job in grew.items():
            other = next(j for j in grew.values() if j != job)
            if state.events.fired[rules.event_index[drift]]:
                assert state.jobs.started[jobs[other]] == 0
                retrained += state.jobs.started[jobs[job]] > 0
    assert retrained >= 0.9 * len(SEEDS)


@pytest.mark.parametrize(
    ("change", "lesson", "cost"),
    [
        (answering("gpu_freeze", "accept"), "The freeze cost you the week's retraining", 100),
        (answering("gpu_freeze", "reserve"), "A reserved node for a week of LoRA runs", 200),
        (answering("pm_magic", "promise"), "You promised magic", 20),
        (answering("promo_warning", "hope"), "You hoped the spike would be smaller", 20),
        (answering("translate_ask", "build"), "You built a commodity", 10),
        (without_task("nightly_eval"), "Nothing watched production", 100),
    ],
    ids=["freeze", "reserve", "promise", "hope", "translate", "unwatched"],
)
def test_week_each_mistake_costs_and_shows_its_lesson(
    change: Change, lesson: str, cost: int
) -> None:
    rules, states = variant(WEEK, change)
    assert mean(rules, states) <= mean(rules_of(WEEK), reference_games(WEEK)) - cost
    assert all(lesson in titles(state, rules) for state in states)


# -- What the library's quizzes cover -----------------------------------------------------

COVERAGE: dict[str, list[tuple[str, str]]] = {
    "the job's loop: fine-tune, evaluate, serve, monitor": [
        ("api-outage", "What is the job's loop, in order?"),
        ("the-week", "What are the four parts of the ML engineer's loop"),
    ],
    "then and now: training a classifier (weeks of labeling to hours of prompting or LoRA)": [
        ("build-buy-skip", "How did training a text classifier change?"),
        ("silent-collapse", "You need a classifier that routes tickets to three queues."),
    ],
    "then and now: deploying (Docker, GPU and web server to one command)": [
        ("launch-10x", "How did deploying a model change?"),
    ],
    "then and now: monitoring (dashboards to eval-as-monitoring)": [
        ("api-outage", "How has monitoring a model in production changed?"),
        ("the-week", "How did monitoring a model change?"),
    ],
    "then and now: evaluation (one held-out number to judges and golden sets)": [
        ("eval-that-matters", "How did evaluation change in recent years?"),
    ],
    "then and now: scaling (provisioning to autoscaling serverless, billed at month end)": [
        ("launch-10x", "How did scaling for a traffic spike change?"),
    ],
    "hard part: choosing the right problem (build, buy or skip)": [
        ("build-buy-skip", "Which of today's three requests was the right problem"),
        ("build-buy-skip", "When should you buy a hosted model"),
    ],
    "hard part: designing an eval that measures what matters": [
        ("eval-that-matters", "Your golden set has 800 English examples and no Spanish"),
        ("eval-that-matters", "The eval reads F1 0.88 and the truth turns out to be 0.83."),
    ],
    "hard part: explaining a model's limits to a product manager": [
        ("the-week", "The PM wants to tell the board"),
    ],
    "hard part: debugging a run that collapsed silently": [
        ("silent-collapse", "A training run reads 'running, 60%'"),
        ("silent-collapse", "The alert says the loss went to NaN at hour 3."),
    ],
    "hard part: negotiating compute": [
        ("the-week", "Finance froze GPU spending"),
    ],
    "hard part: reading a paper and deciding what to take from it": [
        ("build-buy-skip", "A paper reports a big gain"),
    ],
    "hard part: degrading gracefully when an API goes down": [
        ("api-outage", "Your assistant calls a hosted LLM API and it goes down at lunch."),
        ("api-outage", "Why build the fallback in the morning"),
    ],
    "evals are where careers are made and broken": [
        ("eval-that-matters", "Why do people say evals are where ML careers are made and broken?"),
        ("the-week", "Why do evals decide careers?"),
    ],
    "the way into the job": [
        ("the-week", "What gets someone into this job, and keeps them in it?"),
    ],
}
"""Each topic of the lesson the game teaches, and the quiz questions that ask about it."""


@cache
def quiz_questions(stem: str) -> tuple[str, ...]:
    return tuple(
        q.question for q in load_scenario(SCENARIOS / f"{stem}.yaml").scenario.debrief.quiz
    )


@pytest.mark.parametrize("topic", sorted(COVERAGE))
def test_the_library_quizzes_cover_every_topic_of_the_lesson(topic: str) -> None:
    assert COVERAGE[topic], topic
    for stem, start in COVERAGE[topic]:
        matches = [q for q in quiz_questions(stem) if q.startswith(start)]
        assert len(matches) == 1, (stem, start)


def test_every_shipped_scenario_has_five_quiz_questions_with_explanations() -> None:
    paths = sorted(SCENARIOS.glob("*.yaml"))
    assert len(paths) >= 8
    for path in paths:
        quiz = load_scenario(path).scenario.debrief.quiz
        assert len(quiz) >= 5, path.stem
        for question in quiz:
            assert all(choice.explanation.strip() for choice in question.choices), path.stem
