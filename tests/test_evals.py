"""Evals and A/B tests: binomial noise, judge bias, unmeasured segments, traffic-driven noise."""

from __future__ import annotations

import math
import statistics
from typing import Any

import pytest
from conftest import quiet_rules, ticks

from game.core import engine
from game.core.evals import Z95, escalation_rate
from game.core.rules import Rules
from game.core.state import ABResult, Measurement
from game.scenario.actions import Ship, StartJob, StopJob

F1 = {"en": 0.9, "es": 0.8}


def eval_rules(golden: dict[str, int], **job: Any) -> Rules:
    spec = {"id": "ev", "kind": "eval", "name": "Eval", "hours": 0.5, **job}
    return quiet_rules(
        production={"model": {"f1": F1, "hallucination": 3.0}},
        data={"golden": golden},
        jobs=[spec],
        events=[
            {
                "id": "calibrate",
                "title": "Calibrate",
                "text": "t",
                "trigger": {"when": "vars.calibrate > 0"},
                "effects": [{"calibrate_judge": True}],
            }
        ],
        variables={"calibrate": 0},
    )


def measure(rules: Rules, seed: int, calibrated: bool = False) -> Measurement:
    state = engine.new_game(rules, seed)
    state.data.judge_calibrated = calibrated
    assert engine.apply(state, rules, StartJob(job="ev")) is None
    ticks(state, rules, 1)
    assert state.record.evals_run == 1
    return state.results.evals[-1]


def spread(rules: Rules, seeds: int, calibrated: bool = False) -> list[Measurement]:
    return [measure(rules, seed, calibrated) for seed in range(seeds)]


def test_eval_noise_follows_the_binomial_standard_error() -> None:
    seeds = 500
    rules = eval_rules({"en": 100, "es": 400}, judge="human")
    reports = spread(rules, seeds)
    for i, (p, n) in enumerate([(0.9, 100), (0.8, 400)]):
        values = [r.f1[i] for r in reports]
        se = math.sqrt(p * (1 - p) / n)
        assert statistics.fmean(values) == pytest.approx(p, abs=4 * se / seeds**0.5)
        assert statistics.stdev(values) == pytest.approx(se, rel=0.12)


def test_a_bigger_golden_set_gives_a_smaller_spread() -> None:
    small = [r.f1[1] for r in spread(eval_rules({"es": 50}, judge="human"), 300)]
    large = [r.f1[1] for r in spread(eval_rules({"es": 2000}, judge="human"), 300)]
    ratio = statistics.stdev(small) / statistics.stdev(large)
    assert ratio == pytest.approx(math.sqrt(2000 / 50), rel=0.2)


@pytest.mark.parametrize(
    ("judge", "calibrated", "bias"),
    [("llm", False, 0.06), ("llm", True, 0.0), ("human", False, 0.0)],
)
def test_bias_only_for_an_uncalibrated_llm_judge(judge: str, calibrated: bool, bias: float) -> None:
    seeds = 300
    rules = eval_rules({"en": 400, "es": 400}, judge=judge, bias=0.06)
    reports = spread(rules, seeds, calibrated)
    se = math.sqrt(0.8 * 0.2 / 400)
    mean = statistics.fmean(r.f1[1] for r in reports)
    assert mean == pytest.approx(0.8 + bias, abs=4 * se / seeds**0.5)


def test_the_calibrate_effect_removes_the_bias() -> None:
    rules = eval_rules({"es": 1_000_000}, judge="llm", bias=0.06)
    state = engine.new_game(rules, 0)
    state.variables[0] = 1
    ticks(state, rules, 1)  # the event fires at the next boundary
    assert state.data.judge_calibrated
    engine.apply(state, rules, StartJob(job="ev"))
    ticks(state, rules, 1)
    assert state.results.evals[-1].f1[1] == pytest.approx(0.8, abs=0.002)


def test_a_segment_without_golden_examples_is_not_measured() -> None:
    rules = eval_rules({"en": 1_000_000, "es": 0}, judge="human")
    report = measure(rules, 0)
    assert report.f1[1] is None
    assert report.f1[0] == pytest.approx(0.9, abs=0.002)
    # The aggregate ignores the blind spot and looks better than the truth (0.88).
    assert report.f1_mix == pytest.approx(report.f1[0], rel=1e-12)
    assert report.f1_mix > 0.88 + 0.015
    assert report.golden == [1_000_000, 0]


def test_the_aggregate_weights_measured_segments_by_traffic() -> None:
    rules = eval_rules({"en": 1_000_000, "es": 1_000_000}, judge="human")
    report = measure(rules, 1)
    assert report.f1[0] is not None and report.f1[1] is not None
    assert report.f1_mix == pytest.approx(0.8 * report.f1[0] + 0.2 * report.f1[1])


def test_no_golden_set_at_all_measures_nothing() -> None:
    report = measure(eval_rules({}, judge="human"), 0)
    assert report.f1 == [None, None]
    assert math.isnan(report.f1_mix)
    assert math.isnan(report.hallucination)


def test_hallucination_measurement_is_noisy_around_the_truth() -> None:
    rules = eval_rules({"en": 300, "es": 100}, judge="human")
    values = [r.hallucination for r in spread(rules, 300)]
    se = math.sqrt(0.03 * 0.97 / 400) * 100
    assert statistics.fmean(values) == pytest.approx(3.0, abs=4 * se / 300**0.5)
    assert statistics.stdev(values) == pytest.approx(se, rel=0.15)


def test_an_evaluated_model_ships_as_evaluated() -> None:
    rules = quiet_rules(
        data={"labels": {"es": 100}, "golden": {"es": 100}},
        jobs=[
            {"id": "lora", "kind": "training", "name": "L", "hours": 0.5, "noise": 0,
             "learning_curve": {"es": {"f1": 0.7, "at": 100, "ceiling": 0.9}}},
            {"id": "ev", "kind": "eval", "name": "E", "hours": 0.5},
        ],
    )  # fmt: skip
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, StartJob(job="lora"))
    ticks(state, rules, 1)
    assert engine.apply(state, rules, StartJob(job="ev", model="lora-1")) is None
    ticks(state, rules, 1)
    assert state.results.evals[-1].model_id == "lora-1"
    assert state.models[1].evaluated and not state.models[0].evaluated
    engine.apply(state, rules, Ship(model="lora-1"))
    assert (
        state.record.shipped,
        state.record.shipped_unevaluated,
        state.record.shipped_untested,
    ) == (1, 0, 1)


# A/B tests --------------------------------------------------------------------------


def ab_rules(hours: float, per_hour: float = 250, share: float = 50) -> Rules:
    return quiet_rules(
        production={"conversations_per_hour": per_hour},
        data={"labels": {"es": 100}},
        time={"days": 3},
        jobs=[
            {"id": "lora", "kind": "training", "name": "L", "hours": 0.5, "noise": 0,
             "learning_curve": {"es": {"f1": 0.8, "at": 100, "ceiling": 0.9}}},
            {"id": "ab", "kind": "ab_test", "name": "AB", "hours": hours, "share": share},
        ],
    )  # fmt: skip


def ab_test(rules: Rules, seed: int) -> ABResult:
    state = engine.new_game(rules, seed)
    engine.apply(state, rules, StartJob(job="lora"))
    ticks(state, rules, 1)
    assert engine.apply(state, rules, StartJob(job="ab", model="lora-1")) is None
    hours = rules.jobs[1].hours
    ticks(state, rules, round(hours / rules.tick_hours))
    assert state.record.ab_tests_run == 1
    assert state.models[1].ab_tested
    return state.results.ab_tests[-1]


def true_diff(rules: Rules) -> tuple[float, float, float]:
    traffic = [80.0, 20.0]
    p_c = escalation_rate(rules, [0.9, 0.8], traffic)
    p_p = escalation_rate(rules, [0.9, 0.6], traffic)
    return p_c, p_p, (p_c - p_p) * 100


def test_ab_noise_matches_the_binomial_spread() -> None:
    rules = ab_rules(hours=4)
    p_c, p_p, diff = true_diff(rules)
    seeds = 400
    results = [ab_test(rules, s) for s in range(seeds)]
    n = results[0].n_candidate
    expected_sd = 100 * math.sqrt(p_c * (1 - p_c) / n + p_p * (1 - p_p) / n)
    diffs = [r.diff for r in results]
    assert statistics.fmean(diffs) == pytest.approx(diff, abs=4 * expected_sd / seeds**0.5)
    assert statistics.stdev(diffs) == pytest.approx(expected_sd, rel=0.12)
    hw = results[0].half_width
    assert hw == pytest.approx(Z95 * expected_sd, rel=0.1)
    covered = sum(abs(r.diff - diff) <= r.half_width for r in results) / seeds
    assert covered == pytest.approx(0.95, abs=0.04)


def test_ab_noise_shrinks_with_traffic_and_duration() -> None:
    def sd(rules: Rules) -> tuple[float, float]:
        results = [ab_test(rules, s) for s in range(200)]
        return statistics.stdev(r.diff for r in results), results[0].n_candidate

    base, n_base = sd(ab_rules(hours=2))
    longer, n_longer = sd(ab_rules(hours=8))
    busier, n_busier = sd(ab_rules(hours=2, per_hour=1000))
    assert n_longer == pytest.approx(4 * n_base) and n_busier == pytest.approx(4 * n_base)
    # The spread falls as one over the square root of the conversations seen.
    assert longer == pytest.approx(base * math.sqrt(n_base / n_longer), rel=0.2)
    assert busier == pytest.approx(base / 2, rel=0.2)


def test_escalation_rate_formula() -> None:
    rules = ab_rules(hours=1)
    # base 4% + 0.8 points per missing F1 point: 12% at 0.9, 36% at 0.6.
    assert escalation_rate(rules, [0.9, 0.6], [80.0, 20.0]) == pytest.approx(
        (0.8 * 12 + 0.2 * 36) / 100
    )
    assert escalation_rate(rules, [0.0, 0.0], [50.0, 50.0]) == pytest.approx(0.84)


@pytest.mark.parametrize("hours", [0.5, 2.0])
def test_an_ab_test_counts_all_the_traffic_of_its_duration(hours: float) -> None:
    result = ab_test(ab_rules(hours=hours, share=40), 0)
    assert result.n_candidate == pytest.approx(250 * hours * 0.4)
    assert result.n_control == pytest.approx(250 * hours * 0.6)


def test_one_ab_test_at_a_time_and_another_after_it_ends() -> None:
    rules = ab_rules(hours=1)
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, StartJob(job="lora"))
    ticks(state, rules, 1)
    assert engine.apply(state, rules, StartJob(job="ab", model="lora-1")) is None
    assert state.jobs.ab_test == 1  # the game's second run
    assert str(engine.apply(state, rules, Ship(model="lora-1"))) == (
        "lora-1 is in a running A/B test (ab-1): wait for it or stop it"
    )
    ticks(state, rules, 2)  # it finishes
    assert state.jobs.ab_test is None
    assert engine.apply(state, rules, StartJob(job="ab", model="lora-1")) is None
    assert engine.apply(state, rules, StopJob(run="ab-2")) is None
    assert state.jobs.ab_test is None
    assert engine.apply(state, rules, StartJob(job="ab", model="lora-1")) is None
    assert state.jobs.runs[state.jobs.ab_test].id == "ab-3"


def test_escalation_shares_are_clamped_to_0_1() -> None:
    """A traffic mix adding up to a little over 100 with an escalation base of 100 once
    gave a share over 1, and the A/B report the square root of a negative number."""
    rules = quiet_rules(
        production={"conversations_per_hour": 250, "escalation": {"base": 100}},
        data={"labels": {"es": 100}},
        time={"days": 3},
        jobs=ab_rules(hours=1).scenario.model_dump(mode="json")["jobs"],
    )
    assert escalation_rate(rules, [0.9, 0.6], [50.009, 50.0]) == 1.0
    assert escalation_rate(rules, [1.0, 1.0], [0.0, 0.0]) == 0.0
    state = engine.new_game(rules, 0)
    state.production.traffic = [50.009, 50.0]
    engine.apply(state, rules, StartJob(job="lora"))
    ticks(state, rules, 1)
    assert engine.apply(state, rules, StartJob(job="ab", model="lora-1")) is None
    ticks(state, rules, 2)
    (result,) = state.results.ab_tests
    assert result.rate_candidate == result.rate_control == 100.0
    assert result.diff == 0.0
    assert result.half_width == 0.0
