"""The two shipped scenarios: they validate, reproduce the seed's numbers, and are balanced.

Ravi's Tuesday must reproduce the reference day (docs/sources.md): F1 0.87 and hallucination
2.1% on the blind test set, Spanish code-switching unmeasured, escalations 20% -> 17.6%; and its
reference plan must beat doing nothing, shipping unevaluated and skipping the Spanish data
by clear margins. The tutorial's reference must score 850+. Every event of both files must
fire in at least one of the games played here. The day's hazards teach without breaking the
plan: the upstream outage never leaves the plan's A/B test without traffic, and the drift
toward Spanish is visible only through monitoring.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from game.core.engine import Decide, advance, new_game, play
from game.core.evals import escalation_rate
from game.core.rules import Rules, prepare
from game.core.scoring import lessons, score
from game.core.state import State
from game.core.view import player_view
from game.policies import make_policy
from game.scenario.actions import (
    Action,
    AtShip,
    ReferenceStep,
    StartJob,
    StopJob,
    without_time,
)
from game.scenario.load import load_scenario
from game.scenario.model import Scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
RAVI = SCENARIOS / "ravi-tuesday.yaml"
TUTORIAL = SCENARIOS / "tutorial.yaml"
SEEDS = range(50)

Factory = Callable[[Rules, int], Decide]


@cache
def rules_of(path: Path) -> Rules:
    """The prepared rules of a shipped scenario, loaded through the loader."""
    return prepare(load_scenario(path).scenario)


def scripted(rules: Rules, steps: list[ReferenceStep]) -> Factory:
    """A player that takes these timed steps (like the reference policy, on other steps)."""
    schedule: dict[int, list[Action]] = {}
    for step in steps:
        schedule.setdefault(round(step.at / rules.tick_hours), []).append(without_time(step))

    def factory(_rules: Rules, _seed: int) -> Decide:
        return lambda state: schedule.get(state.tick, [])

    return factory


def policy(name: str) -> Factory:
    return lambda rules, seed: make_policy(name, rules, seed)


def ravi_variants(scenario: Scenario) -> dict[str, list[ReferenceStep]]:
    """The reference plan and the two plans it must clearly beat."""
    plan = list(scenario.reference)
    candidate = "lora_es-1"
    ship_times = [s.at for s in plan if s.do == "ship"]
    assert ship_times, "the reference plan ships a model"
    # Ship the LoRA model as soon as it is trained: no eval of it, no A/B test.
    lora_start = next(s.at for s in plan if s.do == "start_job" and s.job == "lora_es")
    unevaluated: list[ReferenceStep] = [
        s for s in plan if s.do != "ship" and not (s.do == "start_job" and s.model == candidate)
    ]
    unevaluated.append(AtShip(at=lora_start + 1.5, model=candidate))
    # The plan without the Spanish labeling batch (its guide is what starts the batch).
    skip_spanish = [s for s in plan if not (s.do == "queue_task" and s.task == "annotation_guide")]
    assert len(skip_spanish) == len(plan) - 1
    return {"reference": plan, "unevaluated": unevaluated, "skip_spanish": skip_spanish}


@cache
def games(path: Path, name: str) -> tuple[State, ...]:
    """Final states of one policy or plan over SEEDS (played once, shared by the tests)."""
    rules = rules_of(path)
    factories: dict[str, Factory] = {n: policy(n) for n in ("idle", "random", "greedy")}
    if path == RAVI:
        for variant, steps in ravi_variants(rules.scenario).items():
            factories[variant] = scripted(rules, steps)
    else:
        factories["reference"] = policy("reference")
    factory = factories[name]
    return tuple(play(rules, seed, factory(rules, seed))[0] for seed in SEEDS)


def mean_score(path: Path, name: str) -> float:
    rules = rules_of(path)
    return statistics.mean(score(state, rules).total for state in games(path, name))


RAVI_PLAYERS = ("reference", "unevaluated", "skip_spanish", "idle", "random", "greedy")
TUTORIAL_PLAYERS = ("reference", "idle", "random", "greedy")


# -- Both files validate ------------------------------------------------------------------


@pytest.mark.parametrize("path", [RAVI, TUTORIAL], ids=lambda p: p.stem)
def test_shipped_scenario_validates(path: Path) -> None:
    loaded = load_scenario(path)
    assert loaded.id == path.stem
    assert loaded.scenario.reference, "a shipped scenario has a reference solution"
    assert loaded.scenario.debrief.lessons


@pytest.mark.parametrize("path", [RAVI, TUTORIAL], ids=lambda p: p.stem)
def test_reference_steps_are_all_accepted(path: Path) -> None:
    rules = rules_of(path)
    _, applied = play(rules, 0, make_policy("reference", rules, 0))
    assert len(applied) == len(rules.scenario.reference)


# -- Ravi's Tuesday reproduces the seed's numbers -------------------------------------------


def _first_eval(rules: Rules, seed: int) -> State:
    """A game in which the player only evaluates the production model at 09:00."""
    eval_job = next(j.id for j in rules.jobs if j.kind == "eval")
    start: list[Action] = [StartJob(job=eval_job, model=rules.scenario.production.model.id)]
    nothing: list[Action] = []
    state, _ = play(rules, seed, lambda s: start if s.tick == 0 else nothing)
    return state


def test_ravi_blind_test_set_reads_087_and_hides_spanish() -> None:
    rules = rules_of(RAVI)
    spanish = rules.segment_index["es_cs"]
    reports = [_first_eval(rules, seed).measurements[0] for seed in range(50)]
    assert all(r.tick == 1 for r in reports), "the first eval reads before 10:00"
    assert all(r.f1[spanish] is None for r in reports), "Spanish code-switching is not measured"
    f1 = statistics.mean(r.f1_mix for r in reports)
    hallucination = statistics.mean(r.hallucination for r in reports)
    assert f1 == pytest.approx(0.87, abs=0.006)
    assert hallucination == pytest.approx(2.1, abs=0.1)
    # The truth on the traffic mix is clearly lower: the aggregate hides the blind spot.
    spec = rules.scenario.production.model
    true_mix = sum(spec.f1[s.id] * s.traffic for s in rules.scenario.segments) / 100
    assert true_mix < f1 - 0.03
    assert spec.hallucination == 2.1


def test_ravi_escalations_match_the_briefing() -> None:
    rules = rules_of(RAVI)
    scenario = rules.scenario
    segments = rules.segments
    traffic = [s.traffic for s in scenario.segments]
    today = 100 * escalation_rate(
        rules, [scenario.production.model.f1[s] for s in segments], traffic
    )
    assert today == pytest.approx(17.6, abs=0.1)
    # The older model (F1 0.80 on every segment) escalated 20%: 12% fewer since the ship.
    yesterday = 100 * escalation_rate(rules, [0.80] * len(segments), traffic)
    assert yesterday == pytest.approx(20.0, abs=0.01)
    assert (yesterday - today) / yesterday == pytest.approx(0.12, abs=0.005)
    for figure in ("0.87", "2.1%", "20%", "17.6%", "12%", "500", "LoRA", "A/B"):
        assert figure in scenario.briefing, figure
    # The first half hour of production: expected escalations exactly, and what the
    # dashboard shows (with binomial noise) on average over seeds.
    shown = []
    for seed in range(50):
        state = new_game(rules, seed)
        advance(state, rules)
        counts = state.traffic_counts
        assert 100 * counts.escalations / counts.served == pytest.approx(today, abs=1e-9)
        shown.append(counts.last_rate_seen)
    assert statistics.mean(shown) == pytest.approx(17.6, abs=1.5)


def test_ravi_ab_test_can_only_see_large_effects() -> None:
    """A one-day A/B test can only detect large effects (docs/sources.md#ab-tests); the
    plan's test shows it."""
    results = [
        state.ab_results[0]
        for state in games(RAVI, "reference")
        if state.ab_results and state.ab_results[0].n_candidate > 200
    ]
    assert len(results) >= 10
    assert statistics.mean(r.half_width for r in results) > 5.0
    assert sum(r.significant for r in results) < len(results) / 2


# -- Ravi's Tuesday's hazards teach without breaking the plan ------------------------------


def _lesson_titles(state: State, rules: Rules) -> set[str]:
    return {rules.scenario.debrief.lessons[i].title for i in lessons(state, rules)}


def test_ravi_outage_never_leaves_the_plans_ab_test_without_traffic() -> None:
    """The outage strikes in the morning: it costs conversations, not the plan's A/B test."""
    rules = rules_of(RAVI)
    outage = rules.event_index["api_outage"]
    states = games(RAVI, "reference")
    hit = [state for state in states if state.fired[outage]]
    assert 5 <= len(hit) <= 30, "the outage is a hazard of some days, not of all"
    for state in states:
        trained = any(m.id == "lora_es-1" for m in state.models)
        if not trained:
            continue  # a rare collapsed LoRA run: nothing to test or ship
        assert len(state.ab_results) == 1
        assert state.ab_results[0].n_candidate >= 50
        assert state.shipped == 1 and state.shipped_untested == 0
    # The plan builds the fallback: in outage games the debrief explains fallbacks.
    for state in hit:
        assert "Outages happen; fallbacks decide what customers see" in _lesson_titles(state, rules)


def test_ravi_ab_test_inside_the_outage_gives_no_result() -> None:
    """A candidate A/B tested while the fallback answers learns nothing, and the debrief
    says why."""
    rules = rules_of(RAVI)
    outage = rules.event_index["api_outage"]
    # Train at 09:00 (before finance's freeze), A/B test the candidate from 10:30 to 12:30.
    steps: list[Action] = [StartJob(job="lora_es")]
    ab: list[Action] = [StartJob(job="ab_test", model="lora_es-1")]
    nothing: list[Action] = []
    swallowed = 0
    for seed in range(50):
        state, _ = play(
            rules, seed, lambda s: steps if s.tick == 0 else ab if s.tick == 3 else nothing
        )
        if not state.fired[outage] or state.last_fired[outage] > 3:
            continue
        if not any(m.id == "lora_es-1" for m in state.models):
            continue
        swallowed += 1
        assert not state.ab_results and state.ab_tests_run == 0
        assert "An A/B test with no traffic proves nothing" in _lesson_titles(state, rules)
    assert swallowed >= 3


def test_ravi_drift_is_seen_only_through_monitoring() -> None:
    rules = rules_of(RAVI)
    spanish = rules.segment_index["es_cs"]
    drift = rules.event_index["drift"]
    assert rules.scenario.events[drift].hidden
    drift_title = rules.scenario.events[drift].title
    for name, monitored in (("idle", False), ("reference", True)):
        for state in games(RAVI, name):
            assert state.fired[drift] == 1
            assert state.traffic[spanish] == pytest.approx(28.0)
            seen = player_view(state, rules).traffic["es_cs"]
            assert seen == pytest.approx(28.0 if monitored else 20.0), name
            assert all(drift_title not in text for _, _, text in state.log)


def test_ravi_full_fine_tune_lesson_follows_the_run_not_the_bill() -> None:
    """Starting the $4,000 run earns the lesson, even when it is stopped after $165."""
    rules = rules_of(RAVI)
    title = "The bill for a full fine-tune"
    start: list[Action] = [StartJob(job="full_ft")]
    stop: list[Action] = [StopJob(run="full_ft-1")]
    nothing: list[Action] = []
    state, applied = play(
        rules, 0, lambda s: start if s.tick == 0 else stop if s.tick == 1 else nothing
    )
    assert len(applied) == 2
    assert rules.scenario.budget - state.money < 1000
    assert title in _lesson_titles(state, rules)
    assert all(title not in _lesson_titles(s, rules) for s in games(RAVI, "reference"))


# -- Ravi's Tuesday is balanced -----------------------------------------------------------


def test_ravi_reference_plan_scores_well() -> None:
    assert mean_score(RAVI, "reference") >= 750


def test_ravi_plan_beats_doing_nothing() -> None:
    assert mean_score(RAVI, "reference") - mean_score(RAVI, "idle") >= 300


def test_ravi_plan_beats_shipping_unevaluated() -> None:
    assert mean_score(RAVI, "reference") - mean_score(RAVI, "unevaluated") >= 80


def test_ravi_plan_beats_skipping_the_spanish_data() -> None:
    assert mean_score(RAVI, "reference") - mean_score(RAVI, "skip_spanish") >= 120
    # And the reason is the truth: Spanish code-switching F1 in production.
    rules = rules_of(RAVI)
    spanish = rules.segment_index["es_cs"]

    def spanish_f1(name: str) -> float:
        return statistics.mean(s.models[s.prod].f1[spanish] for s in games(RAVI, name))

    assert spanish_f1("reference") - spanish_f1("skip_spanish") >= 0.06


def test_ravi_greedy_and_random_do_not_beat_the_plan() -> None:
    plan = mean_score(RAVI, "reference")
    assert mean_score(RAVI, "greedy") <= plan - 150
    assert mean_score(RAVI, "random") <= plan - 150


# -- The tutorial -------------------------------------------------------------------------


def test_tutorial_reference_scores_850_plus() -> None:
    assert mean_score(TUTORIAL, "reference") >= 850


def test_tutorial_is_hard_to_lose_badly() -> None:
    for name in ("idle", "random", "greedy"):
        assert mean_score(TUTORIAL, name) >= 500, name
    assert mean_score(TUTORIAL, "reference") - mean_score(TUTORIAL, "idle") >= 150


# -- Every event fires somewhere ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "players"),
    [(RAVI, RAVI_PLAYERS), (TUTORIAL, TUTORIAL_PLAYERS)],
    ids=["ravi-tuesday", "tutorial"],
)
def test_every_event_fires_in_some_game(path: Path, players: tuple[str, ...]) -> None:
    rules = rules_of(path)
    fired = [0] * len(rules.events)
    for name in players:
        for state in games(path, name):
            for index, count in enumerate(state.fired):
                fired[index] += count
    never = [event.id for event, count in zip(rules.events, fired, strict=True) if not count]
    assert not never, f"events that never fired: {never}"
