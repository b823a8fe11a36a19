"""Evals and A/B tests: what the player gets to see of a model's true quality."""

from __future__ import annotations

import math
from math import fsum

from game.core.rules import Rules
from game.core.state import ABResult, JobRun, Measurement, ModelRecord, State
from game.scenario.model import ABTestJob, EvalJob

Z95 = 1.959964


def escalation_rate(rules: Rules, f1: list[float], traffic: list[float]) -> float:
    """Share (0-1) of conversations escalated, for per-segment F1 on a traffic mix.

    Per segment: base + per_missing_f1_point * 100 * (1 - F1) percent, capped at 100.
    ``f1`` and ``traffic`` have one entry per segment.
    """
    serving = rules.serving
    base = serving.escalation_base
    slope = serving.escalation_slope
    total = 0.0
    # Indexing rather than zip(): this runs every tick, and a zip costs more than the sum.
    segment = 0
    for value in f1:
        rate = base + slope * (1.0 - value)
        total += traffic[segment] * (rate if rate < 100.0 else 100.0)
        segment += 1  # noqa: SIM113 (enumerate() costs more here)
    return total / 10_000.0


def measure(state: State, rules: Rules, run: JobRun, job: EvalJob) -> Measurement:
    """An eval of a model: truth + judge bias + binomial sampling noise, per segment.

    A segment with no golden examples is not measured, and the mix F1 is averaged over
    the measured segments only, weighted by the traffic mix as the player last saw it.
    """
    model = state.models[run.model]
    bias = job.bias if job.judge == "llm" and not state.judge_calibrated else 0.0
    rng = state.rng
    measured: list[float | None] = []
    weighted = 0.0
    weight = 0.0
    golden = state.golden
    traffic_seen = state.traffic_seen
    segment = -1
    for true_f1 in model.f1:
        segment += 1
        n = golden[segment]
        if n < 1.0:
            measured.append(None)
            continue
        # max(p (1 - p), 1e-6) and then min(1, max(0, value)), spelled out as comparisons
        # (the builtins cost more than the rest of the loop).
        variance = true_f1 * (1.0 - true_f1)
        if variance < 1e-6:
            variance = 1e-6
        value = true_f1 + bias + math.sqrt(variance / n) * rng.standard_normal()
        if not value > 0.0:
            value = 0.0
        elif not value < 1.0:
            value = 1.0
        measured.append(value)
        weighted += value * traffic_seen[segment]
        weight += traffic_seen[segment]
    n_total = fsum(state.golden)
    h = model.hallucination / 100.0
    if n_total >= 1.0:
        variance = h * (1.0 - h)
        if variance < 1e-6:  # max(variance, 1e-6) and max(0.0, seen), spelled out
            variance = 1e-6
        seen = h + math.sqrt(variance / n_total) * rng.standard_normal()
        h_seen = (seen if seen > 0.0 else 0.0) * 100.0
    else:
        h_seen = float("nan")
    model.evaluated = True
    f1_mix = weighted / weight if weight > 0.0 else float("nan")
    golden_used = list(map(int, state.golden))
    return Measurement(run.id, model.id, state.tick + 1, measured, f1_mix, h_seen, golden_used)


def ab_compare(state: State, rules: Rules, run: JobRun, job: ABTestJob) -> ABResult:
    """An A/B test's report: the escalation-rate difference with binomial noise."""
    candidate: ModelRecord = state.models[run.model]
    control = state.models[state.prod]
    p_c = escalation_rate(rules, candidate.f1, state.traffic)
    p_p = escalation_rate(rules, control.f1, state.traffic)
    n_c = run.requests_candidate
    n_p = run.requests_control
    rng = state.rng
    seen_p = _clip01(p_p + math.sqrt(p_p * (1 - p_p) / n_p) * rng.standard_normal())
    seen_c = _clip01(p_c + math.sqrt(p_c * (1 - p_c) / n_c) * rng.standard_normal())
    se_seen = math.sqrt(seen_c * (1 - seen_c) / n_c + seen_p * (1 - seen_p) / n_p)
    candidate.ab_tested = True
    return ABResult(
        run.id,
        candidate.id,
        control.id,
        state.tick + 1,
        n_c,
        n_p,
        seen_c * 100.0,  # rate_candidate
        seen_p * 100.0,  # rate_control
        (seen_c - seen_p) * 100.0,  # diff
        Z95 * se_seen * 100.0,  # half_width
    )


def _clip01(value: float) -> float:
    return 0.0 if value < 0.0 else 1.0 if value > 1.0 else value
