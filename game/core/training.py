"""Training: learning curves, run-to-run noise and what a collapse does to a model."""

from __future__ import annotations

import math
from math import fsum
from typing import Final

from game.core.rules import CurveRule, Rules, TrainingRule
from game.core.state import JobRun, ModelRecord, State

MAX_F1: Final = 0.999


def curve_f1(curve: CurveRule, examples: float, lift: float) -> float:
    """F1 on a power-law learning curve: ceiling - (ceiling - f1) * (n / at) ** -exponent.

    ``lift`` (from research) raises the curve's ceiling and shifts the whole curve up.
    """
    n = max(examples, 1.0)
    gap = (curve.ceiling - curve.f1) * float((n / curve.at) ** (-curve.exponent))
    return curve.ceiling + lift - gap


def collapse_time(
    state: State, run_id: str, attempt: int, job: TrainingRule, hours: float
) -> float | None:
    """Hours into the next ``hours`` of running when the run collapses; None for never.

    The run collapses at a constant hazard: ``per_hour`` is the chance per hour. The wait
    is drawn for the run and its attempt (0 when it starts, k at its k-th restart).
    With ``chance_per_run`` instead, one draw for the run and its attempt decides whether
    it collapses, and a second when, evenly over the hours it has left.
    """
    chance = job.collapse_per_run
    if chance is not None:
        if state.luck.uniform("collapse per run", run_id, attempt) >= chance:
            return None
        return state.luck.uniform("collapse hour", run_id, attempt) * hours
    p = job.collapse_per_hour
    if p <= 0.0:
        return None
    if p >= 1.0:
        return 0.0
    rate = -math.log1p(-p)
    when = state.luck.exponential(1.0 / rate, "collapse", run_id, attempt)
    return when if when < hours else None


def train_model(state: State, rules: Rules, run: JobRun, job: TrainingRule) -> ModelRecord:
    """The model a finished run produces, drawn from the learning curves with noise.

    Each segment's noise is drawn for the run and the segment, and each of the job's risks
    for the run (:func:`risks_struck`), so none depends on anything else the player did.
    """
    assert run.base_model_index is not None
    base = state.models[run.base_model_index]
    lifts = state.research.ceiling_lift[run.job_index]
    struck = risks_struck(state, run.id, job)
    f1: list[float] = []
    for i, segment in enumerate(rules.segments):
        curve = job.curves[i]
        if curve is None:
            value = base.f1[i]
        else:
            value = curve_f1(curve, run.labels[i], lifts[i])
            if job.noise > 0.0:
                value += job.noise * state.luck.normal("training noise", run.id, segment)
        for risk in struck:
            if job.risks[risk].segment in (None, segment):
                value += job.risks[risk].ceiling
        f1.append(min(max(value, 0.0), MAX_F1))
    hallucination = job.hallucination if job.hallucination is not None else base.hallucination
    shift = state.research.hallucination_shift[run.job_index]
    shift += fsum(job.risks[index].hallucination for index in struck)
    hallucination = max(0.0, hallucination + shift)
    collapsed = run.collapse_at is not None and run.silent
    if collapsed:
        keep = 1.0 - job.collapse_damage / 100.0
        f1 = [value * keep for value in f1]
        hallucination = min(100.0, hallucination * 3.0)
    latency_ms = job.latency_ms if job.latency_ms is not None else base.latency_ms
    cost = job.cost_per_request if job.cost_per_request is not None else base.cost_per_request
    return ModelRecord(
        id=run.id,
        source_job_index=run.job_index,
        f1=f1,
        hallucination=hallucination,
        latency_ms=latency_ms,
        cost_per_request=cost,
        created_tick=state.clock.tick + 1,
        collapsed=collapsed,
        risks=struck,
    )


def risks_struck(state: State, run_id: str, job: TrainingRule) -> list[int]:
    """Indices of the job's risks that strike this run: one draw per risk, keyed by the
    run, so neither when it started nor what else happened changes them."""
    return [
        index
        for index, risk in enumerate(job.risks)
        if state.luck.uniform("risk", run_id, index) < risk.chance_per_run
    ]
