"""Effects: the changes that tasks, events and choices make to the game.

One function per effect key of :class:`game.scenario.model.Effect`; the key's docstring in
the scenario model is the authoring reference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from math import fsum
from typing import Any

from game.core import backlog, jobs
from game.core.ledger import spend
from game.core.log import note
from game.core.rules import PreparedEffect, Rules
from game.core.state import DONE, FALLBACK, MONITORING, QUEUED, Capability, State
from game.scenario.model import MAX_LEVEL, Effect, Improvement, Outage, Spike


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


def _labels(state: State, rules: Rules, value: dict[str, int], item: str) -> None:
    labels = state.data.labels
    for segment, count in value.items():
        index = rules.segment_index[segment]
        labels[index] = max(0.0, labels[index] + count)


def _golden(state: State, rules: Rules, value: dict[str, int], item: str) -> None:
    golden = state.data.golden
    for segment, count in value.items():
        index = rules.segment_index[segment]
        golden[index] = max(0.0, golden[index] + count)


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


def _infra(state: State, rules: Rules, value: dict[str, int], item: str) -> None:
    for name, delta in value.items():
        capability = Capability(name)
        state.infra[capability] = int(_clamp(state.infra[capability] + delta, 0, MAX_LEVEL))
    if state.infra[MONITORING] >= 1:
        notice_drift(state, rules)


def _start_job(state: State, rules: Rules, value: str, item: str) -> None:
    job_index = rules.job_index[value]
    if state.clock.tick >= rules.total_ticks:
        note(state, "job", "job.too_late", job=value, job_name=rules.jobs[job_index].name)
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
            job=value,
            job_name=rules.jobs[job_index].name,
            reason=reason.text,
        )


def _queue(state: State, rules: Rules, value: str, item: str) -> None:
    task_index = rules.task_index[value]
    if state.team.task_status[task_index] not in (DONE, QUEUED):
        backlog.enqueue(state, rules, task_index)
        name = rules.tasks[task_index].name
        note(state, "task", "task.queued_by_event", task=value, task_name=name)


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


def _improve(state: State, rules: Rules, value: Improvement, item: str) -> None:
    job_index = rules.job_index[value.job]
    lifts = state.research.ceiling_lift[job_index]
    for index, segment in enumerate(rules.segments):
        if value.segment is None or value.segment == segment:
            lifts[index] += value.ceiling
    state.research.hallucination_shift[job_index] += value.hallucination


def _calibrate(state: State, rules: Rules, value: bool, item: str) -> None:
    state.data.judge_calibrated = value


def _set(state: State, rules: Rules, value: dict[str, float], item: str) -> None:
    for name, number in value.items():
        state.variables[rules.variables.index(name)] = number


def _add(state: State, rules: Rules, value: dict[str, float], item: str) -> None:
    for name, number in value.items():
        state.variables[rules.variables.index(name)] += number


def _message(state: State, rules: Rules, value: str, item: str) -> None:
    note(state, "message", "scenario.message", text=value)


def _incident(state: State, rules: Rules, value: str, item: str) -> None:
    record_incident(state, rules, value)


def record_incident(state: State, rules: Rules, what: str) -> None:
    """Count an incident; trust falls by the scenario's per-incident amount."""
    state.production.incidents.append(what)
    state.trust = _clamp(state.trust - rules.scenario.trust.per_incident, 0.0, 100.0)
    note(state, "incident", "incident.recorded", what=what)


APPLY: dict[str, Callable[[State, Rules, Any, str], None]] = {
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


def apply_effects(
    state: State, rules: Rules, effects: Iterable[Effect | PreparedEffect], item: str
) -> None:
    """Apply effects in order; money they move is booked under ``item``."""
    for effect in effects:
        APPLY[effect.kind](state, rules, effect.value, item)
