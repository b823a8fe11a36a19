"""Evals and A/B tests: what the player gets to see of a model's true quality."""

from __future__ import annotations

import math
from math import fsum
from typing import Final

from game.core.rules import Rules
from game.core.state import FINISHED, ABResult, JobRun, Measurement, State
from game.scenario.model import ABTestJob, EvalJob

Z95: Final = 1.959964
MIN_VARIANCE: Final = 1e-6
"""Floor of p (1 - p) in a sampling error, so a perfect score still has some noise."""


def clamp01(value: float) -> float:
    """The value limited to 0..1."""
    return min(max(value, 0.0), 1.0)


def escalation_rate(rules: Rules, f1: list[float], traffic: list[float]) -> float:
    """Share (0-1) of conversations escalated, for per-segment F1 on a traffic mix.

    Per segment: base + per_missing_f1_point * 100 * (1 - F1) percent, within 0..100;
    weighted by the traffic mix (percent per segment). A mix that adds up to a little
    over 100 would give a share over 1, so the share is clamped to 0..1 as well.
    ``f1`` and ``traffic`` have one entry per segment.
    """
    serving = rules.serving
    total = 0.0
    for segment, value in enumerate(f1):
        share = traffic[segment]
        rate = serving.escalation_base + serving.escalation_slope * (1.0 - value)
        total += share * min(max(rate, 0.0), 100.0)
    return clamp01(total / 10_000.0)


def sampling_error(p: float, n: float) -> float:
    """Standard error of a share ``p`` measured on ``n`` examples."""
    return math.sqrt(max(p * (1.0 - p), MIN_VARIANCE) / n)


def measure(state: State, rules: Rules, run: JobRun, job: EvalJob) -> Measurement:
    """An eval of a model: truth + judge bias + binomial sampling noise, per segment.

    A segment with no golden examples is not measured, and the mix F1 is averaged over
    the measured segments only, weighted by the traffic mix as the player last saw it.

    The noise of a segment is drawn for the eval job, the model and the golden examples
    the segment has: the same eval of the same model on the same golden set reads the
    same, and only new golden examples (or another eval job) give a new reading.
    """
    assert run.model_index is not None
    model = state.models[run.model_index]
    bias = job.bias if job.judge == "llm" and not state.data.judge_calibrated else 0.0
    job_id = rules.jobs[run.job_index].id
    measured: list[float | None] = []
    weighted = 0.0
    weight = 0.0
    for segment, true_f1 in enumerate(model.f1):
        n = state.data.golden[segment]
        if n < 1.0:
            measured.append(None)
            continue
        segment_id = rules.segments[segment]
        z = state.luck.normal("eval", job_id, model.id, segment_id, round(n))
        value = clamp01(true_f1 + bias + sampling_error(true_f1, n) * z)
        measured.append(value)
        weighted += value * state.production.traffic_seen[segment]
        weight += state.production.traffic_seen[segment]
    n_total = fsum(state.data.golden)
    if n_total >= 1.0:
        h = clamp01(model.hallucination / 100.0)
        z = state.luck.normal("eval hallucination", job_id, model.id, round(n_total))
        h_seen = max(h + sampling_error(h, n_total) * z, 0.0) * 100.0
    else:
        h_seen = float("nan")
    model.evaluated = True
    f1_mix = weighted / weight if weight > 0.0 else float("nan")
    golden_used = [int(n) for n in state.data.golden]
    return Measurement(
        run.id, model.id, state.clock.tick + 1, measured, f1_mix, h_seen, golden_used
    )


def ab_compare(state: State, rules: Rules, run: JobRun, job: ABTestJob) -> ABResult:
    """An A/B test's report: the escalation-rate difference with binomial noise.

    The noise of each arm is drawn for the A/B job, the candidate and how many of that
    job's tests of the candidate have finished, this one included.
    """
    assert run.model_index is not None
    candidate = state.models[run.model_index]
    control = state.models[state.production.model_index]
    p_c = escalation_rate(rules, candidate.f1, state.production.traffic)
    p_p = escalation_rate(rules, control.f1, state.production.traffic)
    n_c = run.requests_candidate
    n_p = run.requests_control
    nth = sum(
        1
        for other in state.jobs.runs
        if other.job_index == run.job_index
        and other.model_index == run.model_index
        and other.status is FINISHED
    )
    key = (job.id, candidate.id, nth)
    seen_p = clamp01(p_p + _binomial_error(p_p, n_p) * state.luck.normal("ab", *key, "control"))
    seen_c = clamp01(p_c + _binomial_error(p_c, n_c) * state.luck.normal("ab", *key, "candidate"))
    se_seen = math.sqrt(seen_c * (1 - seen_c) / n_c + seen_p * (1 - seen_p) / n_p)
    candidate.ab_tested = True
    return ABResult(
        run_id=run.id,
        model_id=candidate.id,
        control_id=control.id,
        tick=state.clock.tick + 1,
        n_candidate=n_c,
        n_control=n_p,
        rate_candidate=seen_c * 100.0,
        rate_control=seen_p * 100.0,
        diff=(seen_c - seen_p) * 100.0,
        half_width=Z95 * se_seen * 100.0,
    )


def _binomial_error(p: float, n: float) -> float:
    """Standard error of a share ``p`` over ``n`` conversations (no floor: a share of 0
    or 1 is measured exactly)."""
    return math.sqrt(p * (1.0 - p) / n)
