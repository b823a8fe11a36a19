"""Training: learning curves, run-to-run noise and what a collapse does to a model."""

from __future__ import annotations

import math

from game.core.rules import Rules
from game.core.state import JobRun, ModelRecord, State
from game.scenario.model import Curve, TrainingJob

MAX_F1 = 0.999


def curve_f1(curve: Curve, examples: float, lift: float) -> float:
    """F1 on a power-law learning curve: ceiling - (ceiling - f1) * (n / at) ** -exponent.

    ``lift`` (from research) raises the curve's ceiling and shifts the whole curve up.
    """
    n = max(examples, 1.0)
    gap = (curve.ceiling - curve.f1) * float((n / curve.at) ** (-curve.exponent))
    return curve.ceiling + lift - gap


def collapse_time(
    state: State, run_id: str, attempt: int, job: TrainingJob, hours: float
) -> float | None:
    """Hours into the next ``hours`` of running when the run collapses; None for never.

    The run collapses at a constant hazard: ``per_hour`` is the chance per hour. The wait
    is drawn for the run and its attempt (0 when it starts, k at its k-th restart).
    """
    p = job.collapse.per_hour
    if p <= 0.0:
        return None
    if p >= 1.0:
        return 0.0
    rate = -math.log1p(-p)
    when = state.luck.exponential(1.0 / rate, "collapse", run_id, attempt)
    return when if when < hours else None


def train_model(state: State, rules: Rules, run: JobRun, job: TrainingJob) -> ModelRecord:
    """The model a finished run produces, drawn from the learning curves with noise.

    Each segment's noise is drawn for the run and the segment, so it does not depend on
    anything else the player did.
    """
    assert run.base_model_index is not None
    base = state.models[run.base_model_index]
    lifts = state.research.ceiling_lift[run.job_index]
    f1: list[float] = []
    for i, segment in enumerate(rules.segments):
        curve = job.learning_curve.get(segment)
        if curve is None:
            value = base.f1[i]
        else:
            value = curve_f1(curve, run.labels[i], lifts[i])
            if job.noise > 0.0:
                value += job.noise * state.luck.normal("training noise", run.id, segment)
        f1.append(min(max(value, 0.0), MAX_F1))
    hallucination = job.hallucination if job.hallucination is not None else base.hallucination
    hallucination = max(0.0, hallucination + state.research.hallucination_shift[run.job_index])
    collapsed = run.collapse_at is not None and run.silent
    if collapsed:
        keep = 1.0 - job.collapse.damage / 100.0
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
    )
