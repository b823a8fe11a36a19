"""What the player can see: measurements, reports and the log, never the truth.

The window draws a :class:`PlayerView`; headless players may use it too. Nothing here
reveals a model's true F1, a silent collapse before monitoring catches it, or a drift of
the traffic mix that monitoring has not noticed.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.core import backlog, events, jobs
from game.core.rules import Rules
from game.core.state import DONE, QUEUED, ABResult, Measurement, State
from game.scenario.expr import INFRA_CAPABILITIES
from game.scenario.types import CATEGORIES


@dataclass(frozen=True, slots=True)
class LogEntry:
    """A line of the player's log."""

    tick: int
    kind: str
    text: str


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
    blocked: str | None
    """Why it cannot be queued now, when it cannot."""


@dataclass(frozen=True, slots=True)
class JobView:
    """A job template and whether it can start now."""

    id: str
    name: str
    kind: str
    hours: float
    cost_per_hour: float
    needs_model: bool
    blocked: str | None


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


@dataclass(frozen=True, slots=True)
class ChoiceView:
    """An option of the waiting event."""

    id: str
    text: str
    cost: float
    hours: dict[str, float]
    blocked: str | None


@dataclass(frozen=True, slots=True)
class EventView:
    """The event waiting for an answer."""

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
class PlayerView:
    """Everything the player may see at a tick boundary."""

    tick: int
    hour: float
    total_hours: float
    money: float
    ledger: dict[str, float]
    trust: float
    allocation: dict[str, int]
    tasks: list[TaskView]
    jobs: list[JobView]
    runs: list[RunView]
    models: list[str]
    production_model: str
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
    spike: float
    """The traffic multiplier now (1 when traffic is normal)."""
    event: EventView | None
    owed: list[OwedView]
    """Choices waiting for the hours they owe, oldest first."""
    log: list[LogEntry]
    over: bool


def _task_status(status: int) -> str:
    return "done" if status == DONE else "queued" if status == QUEUED else "open"


def player_view(state: State, rules: Rules) -> PlayerView:
    """Gather what the player may see of the state."""
    tasks = [
        TaskView(
            id=rule.id,
            name=rule.name,
            category=CATEGORIES[rule.category],
            hours=rule.hours,
            hours_done=state.task_spent[i],
            cost=rule.cost,
            status=_task_status(state.task_status[i]),
            blocked=backlog.queue_refusal(state, rules, i) if state.task_status[i] == 0 else None,
        )
        for i, rule in enumerate(rules.tasks)
    ]
    job_views = [
        JobView(
            id=spec.id,
            name=spec.name,
            kind=spec.kind,
            hours=spec.hours,
            cost_per_hour=rules.job_cost_per_hour[i],
            needs_model=spec.kind in jobs.NEEDS_MODEL,
            blocked=jobs.start_refusal(
                state, rules, i, state.prod if spec.kind in jobs.NEEDS_MODEL else -1
            )
            if spec.kind != "ab_test"
            else _ab_blocked(state, rules, i),
        )
        for i, spec in enumerate(rules.jobs)
    ]
    runs = [
        RunView(
            id=run.id,
            job=rules.jobs[run.job].id,
            status=run.status,
            progress=run.progress,
            hours=rules.jobs[run.job].hours,
            billed=run.billed,
            model=state.models[run.model].id if run.model >= 0 else None,
            failure=run.failure,
        )
        for run in state.runs
    ]
    return PlayerView(
        tick=state.tick,
        hour=state.tick * rules.tick_hours,
        total_hours=rules.total_ticks * rules.tick_hours,
        money=state.money,
        ledger=dict(state.ledger),
        trust=state.trust,
        allocation=dict(zip(CATEGORIES, state.allocation, strict=True)),
        tasks=tasks,
        jobs=job_views,
        runs=runs,
        models=[m.id for m in state.models],
        production_model=state.models[state.prod].id,
        measurements=list(state.measurements),
        ab_results=list(state.ab_results),
        traffic=dict(zip(rules.segments, state.traffic_seen, strict=True)),
        labels={seg: int(n) for seg, n in zip(rules.segments, state.labels, strict=True)},
        golden={seg: int(n) for seg, n in zip(rules.segments, state.golden, strict=True)},
        infra=dict(zip(INFRA_CAPABILITIES, state.infra, strict=True)),
        insight=state.insight,
        reliability=state.reliability,
        escalation_rate=state.traffic_counts.last_rate_seen,
        incidents=list(state.incidents),
        outage=state.outage_left > 0,
        spike=state.spike,
        event=_event_view(state, rules),
        owed=[
            OwedView(
                event=rules.events[o.event].id,
                choice=rules.events[o.event].choices[o.choice].spec.id,
                text=rules.events[o.event].choices[o.choice].log_text,
                hours={c: h for c, h in zip(CATEGORIES, o.owed, strict=True) if h > 0.0},
            )
            for o in state.obligations
        ],
        log=[LogEntry(tick, kind, text) for tick, kind, text in state.log],
        over=state.over,
    )


def _ab_blocked(state: State, rules: Rules, job: int) -> str | None:
    candidates = [i for i in range(len(state.models)) if i != state.prod]
    if not candidates:
        return "there is no candidate model to test yet"
    return jobs.start_refusal(state, rules, job, candidates[-1])


def _event_view(state: State, rules: Rules) -> EventView | None:
    if not state.pending:
        return None
    index = state.pending[0]
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
