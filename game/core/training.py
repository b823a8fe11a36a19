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
    n = 1.0 if examples < 1.0 else examples  # max(examples, 1.0), spelled out
    ceiling = curve.ceiling
    gap = (ceiling - curve.f1) * float((n / curve.at) ** (-curve.exponent))
    return ceiling + lift - gap


def collapse_time(state: State, job: TrainingJob, hours: float) -> float:
    """Hours into the next ``hours`` of running when the run collapses, or -1 for never.

    The run collapses at a constant hazard: ``per_hour`` is the chance per hour.
    """
    p = job.collapse.per_hour
    if p <= 0.0:
        return -1.0
    if p >= 1.0:
        return 0.0
    rate = -math.log1p(-p)
    when = state.rng.exponential(1.0 / rate)
    return when if when < hours else -1.0


def train_model(state: State, rules: Rules, run: JobRun, job: TrainingJob) -> ModelRecord:
    """The model a finished run produces, drawn from the learning curves with noise."""
    base = state.models[run.base]
    lifts = state.ceiling_lift[run.job]
    f1: list[float] = []
    curves = job.learning_curve
    noise = job.noise
    for i, seg in enumerate(rules.segments):
        curve = curves.get(seg)
        if curve is None:
            value = base.f1[i]
        else:
            value = curve_f1(curve, run.labels[i], lifts[i])
            if noise > 0.0:
                value += noise * state.rng.standard_normal()
        # min(MAX_F1, max(0.0, value)), spelled out
        if not value > 0.0:
            value = 0.0
        elif not value < MAX_F1:
            value = MAX_F1
        f1.append(value)
    hallucination = job.hallucination if job.hallucination is not None else base.hallucination
    hallucination = max(0.0, hallucination + state.hallucination_shift[run.job])
    collapsed = run.collapse_at >= 0.0 and run.silent
    if collapsed:
        keep = 1.0 - job.collapse.damage / 100.0
        f1 = [value * keep for value in f1]
        hallucination = min(100.0, hallucination * 3.0)
    latency_ms = job.latency_ms if job.latency_ms is not None else base.latency_ms
    cost = job.cost_per_request if job.cost_per_request is not None else base.cost_per_request
    return ModelRecord(
        run.id, run.job, f1, hallucination, latency_ms, cost, state.tick + 1, collapsed
    )
