"""What the player can see: measurements, reports and the log, never the truth.

The window draws a :class:`PlayerView`; headless players may use it too. Nothing here
reveals a model's true F1, a silent collapse before monitoring catches it, or a drift of
the traffic mix that monitoring has not noticed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from game.core import act, backlog, events, jobs
from game.core.evals import Z95
from game.core.messages import Refusal, Value, refused
from game.core.rules import Rules
from game.core.state import DONE, QUEUED, ABResult, Measurement, State
from game.scenario.actions import CancelTask, RestartJob, Ship, StopJob
from game.scenario.types import CATEGORIES


@dataclass(frozen=True, slots=True)
class LogEntry:
    """A line of the player's log."""

    tick: int
    kind: str
    text: str
    """The message in English."""
    code: str
    """The message's stable code (:data:`game.core.messages.TEMPLATES`): a front end may
    choose an icon by it, or a translation its own text."""
    values: dict[str, Value]
    """The values the message speaks of, by name."""


@dataclass(frozen=True, slots=True)
class TaskView:
    """A backlog task as the player sees it."""

    id: str
    name: str
    category: str
    hours: float
    hours_done: float
    cost: float
    status: str
    """'open', 'queued' or 'done'."""
    blocked: Refusal | None
    """Why it cannot be queued now, when it cannot."""
    cancel_refused: Refusal | None
    """Why it cannot be taken out of its queue now (None when it is queued)."""


@dataclass(frozen=True, slots=True)
class JobView:
    """A job template and whether it can start now."""

    id: str
    name: str
    kind: str
    hours: float
    cost_per_hour: float
    needs_model: bool
    blocked: Refusal | None


@dataclass(frozen=True, slots=True)
class RunView:
    """A run as reported: a silently collapsed run still reports success."""

    id: str
    job: str
    status: str
    progress: float
    hours: float
    billed: float
    model: str | None
    failure: str
    stop_refused: Refusal | None
    """Why the run cannot be stopped now, or None."""
    restart_refused: Refusal | None
    """Why the run cannot be restarted now, or None."""


@dataclass(frozen=True, slots=True)
class ChoiceView:
    """An option of the waiting event."""

    id: str
    text: str
    cost: float
    hours: dict[str, float]
    blocked: Refusal | None


@dataclass(frozen=True, slots=True)
class EventView:
    """An event waiting for an answer."""

    id: str
    title: str
    text: str
    choices: list[ChoiceView]


@dataclass(frozen=True, slots=True)
class OwedView:
    """A choice taken whose hours are still owed: it takes effect once they are worked."""

    event: str
    choice: str
    text: str
    hours: dict[str, float]
    """Hours still owed per category."""


@dataclass(frozen=True, slots=True)
class SegmentMeasurement:
    """One segment of an eval report, with its error bar."""

    segment: str
    f1: float | None
    """Measured F1; None where the golden set had no examples."""
    half_width: float | None
    """Half-width of the 95% interval of ``f1``, from the golden examples used."""
    golden: int
    """Golden examples the eval used in this segment."""


@dataclass(frozen=True, slots=True)
class MeasurementView:
    """An eval report with error bars, as the player reads it."""

    run: str
    model: str
    tick: int
    """The tick boundary at which the report arrived."""
    segments: list[SegmentMeasurement]
    f1_mix: float | None
    """Traffic-weighted F1 over the measured segments; None when none was measured."""
    f1_mix_half_width: float | None
    """Half-width of the 95% interval of ``f1_mix``, weighted by the traffic mix the
    player sees now."""
    hallucination: float | None
    """Measured hallucination rate, percent; None when nothing was measured."""


@dataclass(frozen=True, slots=True)
class ModelView:
    """A model as the player knows it: where it came from and what evals said of it."""

    id: str
    in_production: bool
    created_tick: int
    evaluated: bool
    ab_tested: bool
    measurements: list[MeasurementView]
    """Its eval reports, oldest first."""
    ship_refused: Refusal | None
    """Why it cannot be shipped now, or None."""


@dataclass(frozen=True, slots=True)
class PlayerView:
    """Everything the player may see at a tick boundary."""

    tick: int
    hour: float
    total_hours: float
    money: float
    ledger: dict[str, float]
    trust: float
    allocation: dict[str, int]
    owed: dict[str, float]
    """Hours owed per category to event choices, worked before the queue."""
    obligations: list[OwedView]
    """The choices waiting for the hours they owe, oldest first (``owed`` is their sum)."""
    queues: dict[str, list[str]]
    """The ids of the queued tasks of each category, in the order they are worked."""
    tasks: list[TaskView]
    jobs: list[JobView]
    runs: list[RunView]
    models: list[str]
    production_model: str
    model_views: list[ModelView]
    """Each model with its measurements and error bars, in the order they were made."""
    measurements: list[Measurement]
    ab_results: list[ABResult]
    traffic: dict[str, float]
    """The traffic mix as last measured (drift shows only once monitoring notices)."""
    labels: dict[str, int]
    """Labeled training examples per segment."""
    golden: dict[str, int]
    """Golden eval examples per segment."""
    infra: dict[str, int]
    """Infra capability levels."""
    insight: float
    reliability: float
    escalation_rate: float
    """Escalation rate the dashboard showed for the last tick, percent (noisy)."""
    incidents: list[str]
    outage: bool
    outage_segments: list[str]
    """The segments whose traffic the upstream outage hits now: every segment in an outage
    of all traffic, none when there is no outage."""
    spike: float
    """The traffic multiplier now (1 when traffic is normal)."""
    spike_segments: str
    """The names of the segments whose traffic the spike multiplies ("" for all)."""
    metric: str
    """The scenario's name for its quality measure, such as F1 or accuracy."""
    metric_short: str
    """Its short label, such as F1 or Acc."""
    unit_one: str
    """What one unit of traffic is called, such as conversation or note."""
    unit_many: str
    """What many are called, such as conversations or notes."""
    event: EventView | None
    """The first event waiting for an answer (the one the clock would answer first)."""
    events: list[EventView]
    """Every event waiting for an answer, in the order they fired."""
    log: list[LogEntry]
    over: bool


def _task_status(status: int) -> str:
    return "done" if status == DONE else "queued" if status == QUEUED else "open"


def player_view(state: State, rules: Rules) -> PlayerView:
    """Gather what the player may see of the state."""
    waiting = [_event_view(state, rules, index) for index in state.events.pending]
    return PlayerView(
        tick=state.clock.tick,
        hour=state.clock.tick * rules.tick_hours,
        total_hours=rules.total_ticks * rules.tick_hours,
        money=state.money.balance,
        ledger=dict(state.money.ledger),
        trust=state.trust,
        allocation=dict(zip(CATEGORIES, state.team.allocation, strict=True)),
        owed=dict(zip(CATEGORIES, state.team.owed, strict=True)),
        obligations=[
            OwedView(
                event=rules.events[o.event_index].id,
                choice=rules.events[o.event_index].choices[o.choice_index].spec.id,
                text=rules.events[o.event_index].choices[o.choice_index].log_text,
                hours={c: h for c, h in zip(CATEGORIES, o.owed, strict=True) if h > 0.0},
            )
            for o in state.team.obligations
        ],
        queues={
            category: [rules.tasks[task_index].id for task_index in queue]
            for category, queue in zip(CATEGORIES, state.team.queues, strict=True)
        },
        tasks=_task_views(state, rules),
        jobs=_job_views(state, rules),
        runs=_run_views(state, rules),
        models=[m.id for m in state.models],
        production_model=state.models[state.production.model_index].id,
        model_views=_model_views(state, rules),
        measurements=list(state.results.evals),
        ab_results=list(state.results.ab_tests),
        traffic=dict(zip(rules.segments, state.production.traffic_seen, strict=True)),
        labels={seg: int(n) for seg, n in zip(rules.segments, state.data.labels, strict=True)},
        golden={seg: int(n) for seg, n in zip(rules.segments, state.data.golden, strict=True)},
        infra={capability.value: level for capability, level in state.infra.items()},
        insight=state.insight,
        reliability=state.reliability,
        escalation_rate=state.production.counts.last_rate_seen,
        incidents=list(state.production.incidents),
        outage=state.production.outage_left > 0 or max(state.production.segment_outage_left) > 0,
        outage_segments=_outage_segments(state, rules),
        spike=state.production.spike,
        spike_segments=state.production.spike_scope,
        metric=rules.words.metric,
        metric_short=rules.words.metric_short,
        unit_one=rules.words.unit_one,
        unit_many=rules.words.unit_many,
        event=waiting[0] if waiting else None,
        events=waiting,
        log=[
            LogEntry(line.tick, line.kind, line.text, line.code, dict(line.values))
            for line in state.log
        ],
        over=state.clock.over,
    )


def _outage_segments(state: State, rules: Rules) -> list[str]:
    """The segments an upstream outage hits now: all of them in an outage of all traffic."""
    production = state.production
    return [
        segment
        for segment, left in zip(rules.segments, production.segment_outage_left, strict=True)
        if left > 0 or production.outage_left > 0
    ]


def _task_views(state: State, rules: Rules) -> list[TaskView]:
    return [
        TaskView(
            id=rule.id,
            name=rule.name,
            category=CATEGORIES[rule.category],
            hours=rule.hours,
            hours_done=state.team.task_spent[i],
            cost=rule.cost,
            status=_task_status(state.team.task_status[i]),
            blocked=backlog.queue_refusal(state, rules, i)
            if state.team.task_status[i] == 0
            else None,
            cancel_refused=act.handle(state, rules, CancelTask(task=rule.id), False),
        )
        for i, rule in enumerate(rules.tasks)
    ]


def _job_views(state: State, rules: Rules) -> list[JobView]:
    return [
        JobView(
            id=spec.id,
            name=spec.name,
            kind=spec.kind,
            hours=spec.hours,
            cost_per_hour=rules.job_cost_per_hour[i],
            needs_model=spec.kind in jobs.NEEDS_MODEL,
            blocked=jobs.start_refusal(state, rules, i, jobs.default_model(state, rules, i))
            if spec.kind != "ab_test"
            else _ab_blocked(state, rules, i),
        )
        for i, spec in enumerate(rules.jobs)
    ]


def _run_views(state: State, rules: Rules) -> list[RunView]:
    return [
        RunView(
            id=run.id,
            job=rules.jobs[run.job_index].id,
            status=run.status,
            progress=run.progress,
            hours=rules.jobs[run.job_index].hours,
            billed=run.billed,
            model=None if run.model_index is None else state.models[run.model_index].id,
            failure=run.failure,
            stop_refused=act.handle(state, rules, StopJob(run=run.id), False),
            restart_refused=act.handle(state, rules, RestartJob(run=run.id), False),
        )
        for run in state.jobs.runs
    ]


def _model_views(state: State, rules: Rules) -> list[ModelView]:
    weights = state.production.traffic_seen
    return [
        ModelView(
            id=model.id,
            in_production=index == state.production.model_index,
            created_tick=model.created_tick,
            evaluated=model.evaluated,
            ab_tested=model.ab_tested,
            measurements=[
                measurement_view(m, rules.segments, weights)
                for m in state.results.evals
                if m.model_id == model.id
            ],
            ship_refused=act.handle(state, rules, Ship(model=model.id), False),
        )
        for index, model in enumerate(state.models)
    ]


def half_width(f1: float, examples: float) -> float:
    """Half-width of the 95% interval of an F1 measured on ``examples`` golden examples.

    The binomial standard error of the measured value, as the player can work it out
    (from what was measured, not from the truth the eval sampled around).
    """
    variance = max(f1 * (1.0 - f1), 1e-6)
    return Z95 * math.sqrt(variance / examples)


def measurement_view(
    measurement: Measurement, segments: tuple[str, ...], weights: list[float]
) -> MeasurementView:
    """An eval report with a 95% error bar per segment and for the traffic-weighted mix.

    ``weights`` is the traffic mix the player sees, one share per segment; the mix's
    variance is the weighted sum of the segments' variances.
    """
    parts: list[SegmentMeasurement] = []
    variance_sum = 0.0
    weight_sum = 0.0
    for segment, f1, golden, weight in zip(
        segments, measurement.f1, measurement.golden, weights, strict=True
    ):
        if f1 is None or golden < 1:
            parts.append(SegmentMeasurement(segment, None, None, golden))
            continue
        bar = half_width(f1, golden)
        parts.append(SegmentMeasurement(segment, f1, bar, golden))
        variance_sum += (weight * bar / Z95) ** 2
        weight_sum += weight
    mix = measurement.f1_mix if math.isfinite(measurement.f1_mix) else None
    mix_bar = Z95 * math.sqrt(variance_sum) / weight_sum if mix is not None and weight_sum else None
    seen = measurement.hallucination
    return MeasurementView(
        run=measurement.run_id,
        model=measurement.model_id,
        tick=measurement.tick,
        segments=parts,
        f1_mix=mix,
        f1_mix_half_width=mix_bar,
        hallucination=seen if math.isfinite(seen) else None,
    )


def _ab_blocked(state: State, rules: Rules, job: int) -> Refusal | None:
    candidates = [i for i in range(len(state.models)) if i != state.production.model_index]
    if not candidates:
        return refused("refused.no_candidate_model")
    return jobs.start_refusal(state, rules, job, candidates[-1])


def _event_view(state: State, rules: Rules, index: int) -> EventView:
    rule = rules.events[index]
    return EventView(
        id=rule.id,
        title=rule.spec.title,
        text=rule.spec.text,
        choices=[
            ChoiceView(
                id=choice.spec.id,
                text=choice.spec.text,
                cost=choice.spec.cost,
                hours={c: h for c, h in zip(CATEGORIES, choice.hours, strict=True) if h},
                blocked=events.choice_refusal(state, rules, index, i),
            )
            for i, choice in enumerate(rule.choices)
        ],
    )
