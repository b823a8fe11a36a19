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


def _money(s: State, r: Rules, value: float, item: str) -> None:
    spend(s, item, -value)


def _trust(s: State, r: Rules, value: float, item: str) -> None:
    s.trust = _clamp(s.trust + value, 0.0, 100.0)


def _insight(s: State, r: Rules, value: float, item: str) -> None:
    gain_insight(s, r, value)


def gain_insight(s: State, r: Rules, points: float) -> None:
    """Add insight (never below 0); each point gained or lost moves every training job's
    learning curves by ``insight_lift`` F1, for the runs that finish after it."""
    before = s.insight
    s.insight = max(0.0, before + points)
    lift = (s.insight - before) * r.insight_lift
    if lift:
        for job in r.training_jobs:
            lifts = s.research.ceiling_lift[job]
            for segment in range(len(lifts)):
                lifts[segment] += lift


def _reliability(s: State, r: Rules, value: float, item: str) -> None:
    s.reliability = _clamp(s.reliability + value, 0.0, 100.0)


def _labels(s: State, r: Rules, value: dict[str, int], item: str) -> None:
    for seg, count in value.items():
        i = r.segment_index[seg]
        s.data.labels[i] = max(0.0, s.data.labels[i] + count)


def _golden(s: State, r: Rules, value: dict[str, int], item: str) -> None:
    for seg, count in value.items():
        i = r.segment_index[seg]
        s.data.golden[i] = max(0.0, s.data.golden[i] + count)


def drift(s: State, r: Rules, shifts: dict[str, float]) -> None:
    """Move traffic share between segments; the unnamed ones make room in proportion."""
    named = [r.segment_index[seg] for seg in shifts]
    for seg, delta in shifts.items():
        i = r.segment_index[seg]
        s.production.traffic[i] = _clamp(s.production.traffic[i] + delta, 0.0, 100.0)
    others = [i for i in range(len(s.production.traffic)) if i not in named]
    room = 100.0 - fsum(s.production.traffic[i] for i in named)
    if room < 0 or not others:
        total = fsum(s.production.traffic)
        if total <= 0:
            s.production.traffic[:] = [100.0 / len(s.production.traffic)] * len(
                s.production.traffic
            )
        else:
            s.production.traffic[:] = [t * 100.0 / total for t in s.production.traffic]
    else:
        old = fsum(s.production.traffic[i] for i in others)
        for i in others:
            s.production.traffic[i] = room * (
                s.production.traffic[i] / old if old > 0 else 1.0 / len(others)
            )
    s.production.mix_changes += 1
    if s.infra[MONITORING] >= 1:
        notice_drift(s, r)


def notice_drift(s: State, r: Rules) -> None:
    """Monitoring shows the player the traffic mix as it now is."""
    if s.production.traffic_seen != s.production.traffic:
        s.production.traffic_seen[:] = s.production.traffic
        shares = zip(r.segments, s.production.traffic, strict=True)
        mix = ", ".join(f"{segment} {share:.0f}%" for segment, share in shares)
        note(s, "monitoring", "monitoring.drift", mix=mix)


def _traffic(s: State, r: Rules, value: dict[str, float], item: str) -> None:
    drift(s, r, value)


def _infra(s: State, r: Rules, value: dict[str, int], item: str) -> None:
    for name, delta in value.items():
        capability = Capability(name)
        s.infra[capability] = int(_clamp(s.infra[capability] + delta, 0, MAX_LEVEL))
    if s.infra[MONITORING] >= 1:
        notice_drift(s, r)


def _start_job(s: State, r: Rules, value: str, item: str) -> None:
    job_index = r.job_index[value]
    if s.clock.tick >= r.total_ticks:
        note(s, "job", "job.too_late", job=value, job_name=r.jobs[job_index].name)
        return
    model_index = jobs.default_model(s, r, job_index)
    reason = jobs.start_refusal(s, r, job_index, model_index)
    if reason is None:
        jobs.start(s, r, job_index, model_index)
    else:
        note(
            s,
            "job",
            "job.not_started",
            job=value,
            job_name=r.jobs[job_index].name,
            reason=reason.text,
        )


def _queue(s: State, r: Rules, value: str, item: str) -> None:
    task = r.task_index[value]
    if s.team.task_status[task] not in (DONE, QUEUED):
        backlog.enqueue(s, r, task)
        note(s, "task", "task.queued_by_event", task=value, task_name=r.tasks[task].name)


def _outage(s: State, r: Rules, value: float | Outage, item: str) -> None:
    if isinstance(value, Outage):
        _segment_outage(s, r, value)
        return
    s.production.outage_left = max(s.production.outage_left, value)
    if s.infra[FALLBACK] == 0:
        record_incident(s, r, "upstream API outage with no fallback path")


def _segment_outage(s: State, r: Rules, value: Outage) -> None:
    """An outage of some segments' traffic: each of them is down for the longer of this
    outage and any it is already in."""
    left = s.production.segment_outage_left
    for seg in value.segments:
        i = r.segment_index[seg]
        left[i] = max(left[i], value.hours)
    names = segment_names(r, value.segments)
    unit = r.words.unit_many
    note(s, "ops", "outage.segments_down", segments=names, unit=unit, hours=value.hours)
    if s.infra[FALLBACK] == 0:
        record_incident(s, r, f"upstream API outage for {names} {unit} with no fallback path")


def segment_names(r: Rules, segments: Iterable[str]) -> str:
    """The player-facing names of some segments, as "A, B and C"."""
    names = [r.segment_names[r.segment_index[seg]] for seg in segments]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _spike(s: State, r: Rules, value: Spike, item: str) -> None:
    production = s.production
    multiplier = value.multiplier
    scope = ""
    if value.segments is not None:
        # The named segments' traffic multiplies; the fleet sees the whole load grow by
        # their share of it.
        share = fsum(production.traffic[r.segment_index[seg]] for seg in value.segments) / 100.0
        multiplier = 1.0 + (value.multiplier - 1.0) * share
        scope = segment_names(r, value.segments)
    if multiplier >= production.spike:
        production.spike_scope = scope
    production.spike = max(production.spike, multiplier)
    production.spike_left = max(production.spike_left, value.hours)
    production.overload_reported = False


def _improve(s: State, r: Rules, value: Improvement, item: str) -> None:
    job = r.job_index[value.job]
    lifts = s.research.ceiling_lift[job]
    for i, seg in enumerate(r.segments):
        if value.segment is None or value.segment == seg:
            lifts[i] += value.ceiling
    s.research.hallucination_shift[job] += value.hallucination


def _calibrate(s: State, r: Rules, value: bool, item: str) -> None:
    s.data.judge_calibrated = value


def _set(s: State, r: Rules, value: dict[str, float], item: str) -> None:
    for name, number in value.items():
        s.variables[r.variables.index(name)] = number


def _add(s: State, r: Rules, value: dict[str, float], item: str) -> None:
    for name, number in value.items():
        s.variables[r.variables.index(name)] += number


def _message(s: State, r: Rules, value: str, item: str) -> None:
    note(s, "message", "scenario.message", text=value)


def _incident(s: State, r: Rules, value: str, item: str) -> None:
    record_incident(s, r, value)


def record_incident(s: State, r: Rules, what: str) -> None:
    """Count an incident; trust falls by the scenario's per-incident amount."""
    s.production.incidents.append(what)
    s.trust = _clamp(s.trust - r.scenario.trust.per_incident, 0.0, 100.0)
    note(s, "incident", "incident.recorded", what=what)


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
