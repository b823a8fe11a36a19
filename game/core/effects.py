"""Effects: the changes that tasks, events and choices make to the game.

One function per effect key of :class:`game.scenario.model.Effect`; the key's docstring in
the scenario model is the authoring reference. Each takes the value as it was prepared
with the scenario (:func:`game.core.rules.prepared_value`): its ids already resolved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from math import fsum
from typing import Any, Final

from game.core import backlog, jobs
from game.core.ledger import spend
from game.core.log import note
from game.core.rules import PreparedEffect, PreparedImprovement, Rules
from game.core.state import DONE, FALLBACK, MONITORING, QUEUED, Capability, State
from game.scenario.model import MAX_LEVEL, Outage, Spike

SegmentCounts = tuple[tuple[int, int], ...]
"""A prepared ``labels`` or ``golden`` value: (segment index, count) pairs."""
InfraChanges = tuple[tuple[Capability, int], ...]
"""A prepared ``infra`` value: (capability, change in level) pairs."""
VariableNumbers = tuple[tuple[int, float], ...]
"""A prepared ``set`` or ``add`` value: (variable index, number) pairs."""


def _clamp(value: float, low: float, high: float) -> float:
    return low if value < low else high if value > high else value


def _money(state: State, rules: Rules, value: float, item: str) -> None:
    spend(state, item, -value)


def _trust(state: State, rules: Rules, value: float, item: str) -> None:
    state.trust = _clamp(state.trust + value, 0.0, 100.0)


def _insight(state: State, rules: Rules, value: float, item: str) -> None:
    gain_insight(state, rules, value)


def gain_insight(state: State, rules: Rules, points: float) -> None:
    """Add insight (never below 0); each point gained or lost moves every training job's
    learning curves by ``insight_lift`` F1, for the runs that finish after it."""
    before = state.insight
    state.insight = max(0.0, before + points)
    lift = (state.insight - before) * rules.insight_lift
    if lift:
        for job_index in rules.training_jobs:
            lifts = state.research.ceiling_lift[job_index]
            for segment in range(len(lifts)):
                lifts[segment] += lift


def _reliability(state: State, rules: Rules, value: float, item: str) -> None:
    state.reliability = _clamp(state.reliability + value, 0.0, 100.0)


def _labels(state: State, rules: Rules, value: SegmentCounts, item: str) -> None:
    labels = state.data.labels
    for segment_index, count in value:
        labels[segment_index] = max(0.0, labels[segment_index] + count)


def _golden(state: State, rules: Rules, value: SegmentCounts, item: str) -> None:
    golden = state.data.golden
    for segment_index, count in value:
        golden[segment_index] = max(0.0, golden[segment_index] + count)


def drift(state: State, rules: Rules, shifts: dict[str, float]) -> None:
    """Move traffic share between segments; the unnamed ones make room in proportion."""
    traffic = state.production.traffic
    named = [rules.segment_index[segment] for segment in shifts]
    for segment, delta in shifts.items():
        index = rules.segment_index[segment]
        traffic[index] = _clamp(traffic[index] + delta, 0.0, 100.0)
    others = [index for index in range(len(traffic)) if index not in named]
    room = 100.0 - fsum(traffic[index] for index in named)
    if room < 0 or not others:
        total = fsum(traffic)
        if total <= 0:
            traffic[:] = [100.0 / len(traffic)] * len(traffic)
        else:
            traffic[:] = [share * 100.0 / total for share in traffic]
    else:
        old = fsum(traffic[index] for index in others)
        for index in others:
            traffic[index] = room * (traffic[index] / old if old > 0 else 1.0 / len(others))
    state.production.mix_changes += 1
    if state.infra[MONITORING] >= 1:
        notice_drift(state, rules)


def notice_drift(state: State, rules: Rules) -> None:
    """Monitoring shows the player the traffic mix as it now is."""
    if state.production.traffic_seen != state.production.traffic:
        state.production.traffic_seen[:] = state.production.traffic
        shares = zip(rules.segments, state.production.traffic, strict=True)
        mix = ", ".join(f"{segment} {share:.0f}%" for segment, share in shares)
        note(state, "monitoring", "monitoring.drift", mix=mix)


def _traffic(state: State, rules: Rules, value: dict[str, float], item: str) -> None:
    drift(state, rules, value)


def _infra(state: State, rules: Rules, value: InfraChanges, item: str) -> None:
    for capability, delta in value:
        state.infra[capability] = int(_clamp(state.infra[capability] + delta, 0, MAX_LEVEL))
    if state.infra[MONITORING] >= 1:
        notice_drift(state, rules)


def _start_job(state: State, rules: Rules, job_index: int, item: str) -> None:
    job_id = rules.job_ids[job_index]
    if state.clock.tick >= rules.total_ticks:
        note(state, "job", "job.too_late", job=job_id, job_name=rules.job_names[job_index])
        return
    model_index = jobs.default_model(state, rules, job_index)
    reason = jobs.start_refusal(state, rules, job_index, model_index)
    if reason is None:
        jobs.start(state, rules, job_index, model_index)
    else:
        note(
            state,
            "job",
            "job.not_started",
            job=job_id,
            job_name=rules.job_names[job_index],
            reason=reason.text,
        )


def _queue(state: State, rules: Rules, task_index: int, item: str) -> None:
    if state.team.task_status[task_index] not in (DONE, QUEUED):
        backlog.enqueue(state, rules, task_index)
        task = rules.tasks[task_index]
        note(state, "task", "task.queued_by_event", task=task.id, task_name=task.name)


def _outage(state: State, rules: Rules, value: float | Outage, item: str) -> None:
    if isinstance(value, Outage):
        _segment_outage(state, rules, value)
        return
    state.production.outage_left = max(state.production.outage_left, value)
    if state.infra[FALLBACK] == 0:
        record_incident(state, rules, "upstream API outage with no fallback path")


def _segment_outage(state: State, rules: Rules, value: Outage) -> None:
    """An outage of some segments' traffic: each of them is down for the longer of this
    outage and any it is already in."""
    left = state.production.segment_outage_left
    for segment in value.segments:
        index = rules.segment_index[segment]
        left[index] = max(left[index], value.hours)
    names = segment_names(rules, value.segments)
    unit = rules.words.unit_many
    note(state, "ops", "outage.segments_down", segments=names, unit=unit, hours=value.hours)
    if state.infra[FALLBACK] == 0:
        what = f"upstream API outage for {names} {unit} with no fallback path"
        record_incident(state, rules, what)


def segment_names(rules: Rules, segments: Iterable[str]) -> str:
    """The player-facing names of some segments, as "A, B and C"."""
    names = [rules.segment_names[rules.segment_index[segment]] for segment in segments]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _spike(state: State, rules: Rules, value: Spike, item: str) -> None:
    production = state.production
    multiplier = value.multiplier
    scope = ""
    if value.segments is not None:
        # The named segments' traffic multiplies; the fleet sees the whole load grow by
        # their share of it.
        shares = (production.traffic[rules.segment_index[segment]] for segment in value.segments)
        share = fsum(shares) / 100.0
        multiplier = 1.0 + (value.multiplier - 1.0) * share
        scope = segment_names(rules, value.segments)
    if multiplier >= production.spike:
        production.spike_scope = scope
    production.spike = max(production.spike, multiplier)
    production.spike_left = max(production.spike_left, value.hours)
    production.overload_reported = False


def _improve(state: State, rules: Rules, value: PreparedImprovement, item: str) -> None:
    lifts = state.research.ceiling_lift[value.job_index]
    for segment_index in range(len(lifts)):
        if value.segment_index is None or value.segment_index == segment_index:
            lifts[segment_index] += value.ceiling
    state.research.hallucination_shift[value.job_index] += value.hallucination


def _calibrate(state: State, rules: Rules, value: bool, item: str) -> None:
    state.data.judge_calibrated = value


def _set(state: State, rules: Rules, value: VariableNumbers, item: str) -> None:
    for variable_index, number in value:
        state.variables[variable_index] = number


def _add(state: State, rules: Rules, value: VariableNumbers, item: str) -> None:
    for variable_index, number in value:
        state.variables[variable_index] += number


def _message(state: State, rules: Rules, value: str, item: str) -> None:
    note(state, "message", "scenario.message", text=value)


def _incident(state: State, rules: Rules, value: str, item: str) -> None:
    record_incident(state, rules, value)


def record_incident(state: State, rules: Rules, what: str) -> None:
    """Count an incident; trust falls by the scenario's per-incident amount."""
    state.production.incidents.append(what)
    state.trust = _clamp(state.trust - rules.trust_per_incident, 0.0, 100.0)
    note(state, "incident", "incident.recorded", what=what)


APPLY: Final[dict[str, Callable[[State, Rules, Any, str], None]]] = {
    "money": _money,
    "trust": _trust,
    "insight": _insight,
    "reliability": _reliability,
    "labels": _labels,
    "golden": _golden,
    "traffic": _traffic,
    "infra": _infra,
    "start_job": _start_job,
    "queue": _queue,
    "outage": _outage,
    "spike": _spike,
    "improve": _improve,
    "calibrate_judge": _calibrate,
    "set": _set,
    "add": _add,
    "message": _message,
    "incident": _incident,
}


def apply_effects(state: State, rules: Rules, effects: Iterable[PreparedEffect], item: str) -> None:
    """Apply prepared effects in order; money they move is booked under ``item``."""
    for effect in effects:
        APPLY[effect.kind](state, rules, effect.value, item)
