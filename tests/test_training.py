"""Training: power-law learning curves, run-to-run noise, research lifts."""

from __future__ import annotations

import itertools
import statistics
from typing import Any

import pytest
from conftest import quiet_rules, ticks

from game.core import engine
from game.core.rules import CurveRule
from game.core.state import ModelRecord, RunStatus
from game.core.training import MAX_F1, curve_f1
from game.scenario.actions import Allocate, QueueTask, StartJob


def job(curve: dict[str, Any], **extra: Any) -> dict[str, Any]:
    spec = {
        "id": "lora",
        "kind": "training",
        "name": "LoRA",
        "hours": 1,
        "noise": 0,
        "learning_curve": curve,
    }
    spec.update(extra)
    return spec


ES_CURVE = {"es": {"f1": 0.6, "at": 150, "ceiling": 0.9, "exponent": 0.3}}


def train(seed: int = 0, labels: dict[str, int] | None = None, **extra: Any) -> ModelRecord:
    rules = quiet_rules(
        jobs=[job(extra.pop("curve", ES_CURVE), **extra)],
        data={"labels": labels or {}},
    )
    state = engine.new_game(rules, seed)
    assert engine.apply(state, rules, StartJob(job="lora")) is None
    ticks(state, rules, 2)
    run = state.jobs.runs[0]
    assert run.status == RunStatus.FINISHED
    return state.models[run.model_index]


@pytest.mark.parametrize(
    ("examples", "expected"),
    [
        (150, 0.6),
        (1500, 0.9 - 0.3 * 10**-0.3),
        (15, 0.9 - 0.3 * 10**0.3),
        (150_000, 0.9 - 0.3 * 1000**-0.3),
        (0, 0.9 - 0.3 * 150**0.3),  # fewer than one example counts as one
    ],
)
def test_curve_follows_the_power_law(examples: float, expected: float) -> None:
    curve = CurveRule(f1=0.6, at=150, ceiling=0.9, exponent=0.3)
    assert curve_f1(curve, examples, 0.0) == pytest.approx(expected, abs=1e-12)


def test_curve_has_diminishing_returns_and_approaches_the_ceiling() -> None:
    curve = CurveRule(f1=0.6, at=150, ceiling=0.9, exponent=0.3)
    values = [curve_f1(curve, n, 0.0) for n in (150, 300, 600, 1200, 2400)]
    gains = [b - a for a, b in itertools.pairwise(values)]
    assert all(g > 0 for g in gains)
    assert all(later < earlier for earlier, later in itertools.pairwise(gains))
    assert curve_f1(curve, 1e12, 0.0) == pytest.approx(0.9, abs=1e-3)


def test_lift_shifts_the_curve_and_its_ceiling() -> None:
    curve = CurveRule(f1=0.6, at=150, ceiling=0.9, exponent=0.3)
    assert curve_f1(curve, 150, 0.05) == pytest.approx(0.65)
    assert curve_f1(curve, 1e12, 0.05) == pytest.approx(0.95, abs=1e-3)


def test_a_trained_model_follows_the_curves_exactly_with_no_noise() -> None:
    curve = {
        "en": {"f1": 0.8, "at": 100, "ceiling": 0.95, "exponent": 0.2},
        "es": {"f1": 0.6, "at": 150, "ceiling": 0.9, "exponent": 0.3},
    }
    model = train(labels={"en": 800, "es": 1500}, curve=curve)
    assert model.f1 == pytest.approx([0.95 - 0.15 * 8**-0.2, 0.9 - 0.3 * 10**-0.3], abs=1e-12)
    assert model.id == "lora-1" and model.source_job_index == 0 and not model.collapsed


def test_a_segment_without_a_curve_keeps_the_production_f1() -> None:
    model = train(labels={"es": 150})
    assert model.f1 == pytest.approx([0.9, 0.6])


def test_the_model_uses_the_labels_of_when_the_run_started() -> None:
    rules = quiet_rules(jobs=[job(ES_CURVE, hours=1)], data={"labels": {"es": 150}})
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, StartJob(job="lora"))
    state.data.labels[1] = 1_000_000
    ticks(state, rules, 2)
    assert state.models[-1].f1[1] == pytest.approx(0.6)


def test_f1_is_clipped_below_one() -> None:
    curve = {"es": {"f1": 1.0, "at": 10, "ceiling": 1.0}}
    model = train(labels={"es": 10}, curve=curve, noise=0.2, seed=3)
    assert 0.0 <= model.f1[1] <= MAX_F1


def test_hallucination_latency_and_cost_come_from_the_job_or_production() -> None:
    same = train(labels={"es": 150})
    assert (same.hallucination, same.latency_ms, same.cost_per_request) == (2.0, 500.0, 0.0)
    own = train(labels={"es": 150}, hallucination=1.2, latency_ms=300, cost_per_request=0.01)
    assert (own.hallucination, own.latency_ms, own.cost_per_request) == (1.2, 300.0, 0.01)


def test_run_to_run_noise_has_the_stated_spread() -> None:
    noise, seeds = 0.02, 400
    values = [train(seed=s, labels={"es": 150}, noise=noise).f1 for s in range(seeds)]
    es = [v[1] for v in values]
    assert statistics.fmean(es) == pytest.approx(0.6, abs=4 * noise / seeds**0.5)
    assert statistics.stdev(es) == pytest.approx(noise, rel=0.12)
    assert {v[0] for v in values} == {0.9}  # the segment with no curve has no noise
    assert len(set(es)) == seeds


def test_research_lifts_the_ceiling_of_one_job_and_segment() -> None:
    rules = quiet_rules(
        jobs=[job(ES_CURVE)],
        data={"labels": {"es": 150}},
        tasks=[
            {
                "id": "paper",
                "name": "Read paper",
                "category": "research",
                "hours": 0.5,
                "effects": [
                    {"improve": {"job": "lora", "segment": "es", "ceiling": 0.05}},
                    {"improve": {"job": "lora", "hallucination": -0.5}},
                ],
            }
        ],
    )
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, Allocate(research=100, data=0, infra=0, writing=0))
    engine.apply(state, rules, QueueTask(task="paper"))
    ticks(state, rules, 1)
    assert state.research.ceiling_lift == [[0.0, 0.05]]
    assert state.research.hallucination_shift == [-0.5]
    engine.apply(state, rules, StartJob(job="lora"))
    ticks(state, rules, 2)
    model = state.models[-1]
    assert model.f1 == pytest.approx([0.9, 0.65])
    assert model.hallucination == pytest.approx(1.5)
