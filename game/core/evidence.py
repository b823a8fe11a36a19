"""What the player's own measurements say about a model against the one in production.

Only reports the player has seen are read here (eval measurements and A/B results), never
the truth: reference-solution conditions and the gate goal rest on these.
"""

from __future__ import annotations

import math
from typing import Final

from game.core.state import Measurement, State

Z95: Final = 1.959964
"""The two-sided 95% normal quantile."""


def newest_model(state: State, job_index: int) -> int | None:
    """Index of the newest model a training job produced, None when it produced none."""
    for index in range(len(state.models) - 1, -1, -1):
        if state.models[index].source_job_index == job_index:
            return index
    return None


def last_measurement(state: State, model_index: int) -> Measurement | None:
    """The latest finished eval of a model, None when it has none."""
    model_id = state.models[model_index].id
    for measurement in reversed(state.results.evals):
        if measurement.model_id == model_id:
            return measurement
    return None


def segment_gaps(state: State, model_index: int) -> list[tuple[float, float]]:
    """Per segment measured in both the model's latest eval and production's: how far the
    model reads below production, and the standard error of that difference."""
    if model_index == state.production.model_index:
        return []
    candidate = last_measurement(state, model_index)
    production = last_measurement(state, state.production.model_index)
    if candidate is None or production is None:
        return []
    gaps = []
    for segment, new in enumerate(candidate.f1):
        old = production.f1[segment]
        n_new = candidate.golden[segment]
        n_old = production.golden[segment]
        if new is None or old is None or n_new < 1 or n_old < 1:
            continue
        variance = new * (1.0 - new) / n_new + old * (1.0 - old) / n_old
        gaps.append((old - new, math.sqrt(max(variance, 1e-12))))
    return gaps


def eval_drop(state: State, model_index: int) -> float:
    """The most the model's latest eval reads below production's, over the segments both
    measured; 0 when nothing falls or either is unmeasured."""
    return max((gap for gap, _ in segment_gaps(state, model_index)), default=0.0)


def eval_worse(state: State, model_index: int) -> bool:
    """Whether the model's latest eval reads significantly below production's on some
    segment: the drop exceeds 1.96 standard errors of the difference."""
    return any(gap > Z95 * error for gap, error in segment_gaps(state, model_index))


def ab_tested(state: State, model_index: int) -> bool:
    """Whether an A/B test of the model has reported."""
    model_id = state.models[model_index].id
    return any(result.model_id == model_id for result in state.results.ab_tests)


def ab_worse(state: State, model_index: int) -> bool:
    """Whether an A/B test measured the model significantly worse: more escalations, with
    the 95% interval above zero."""
    model_id = state.models[model_index].id
    return any(
        result.model_id == model_id and result.significant and result.diff > 0.0
        for result in state.results.ab_tests
    )


def measured_worse(state: State, model_index: int) -> bool:
    """Whether the evidence calls the model worse than production: its eval or its A/B
    test measured it significantly worse."""
    return eval_worse(state, model_index) or ab_worse(state, model_index)
