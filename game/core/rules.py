"""A scenario prepared for simulation: indices resolved, conditions compiled, ticks counted.

Built once per scenario and shared by every game played on it; never mutated.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any, Final

from game.core.conditions import Compiler, Predicate
from game.core.state import AUTOSCALING, CHECKPOINTING, FALLBACK, MONITORING, Capability
from game.scenario.actions import Action, Choose, QueueTask, StartJob, without_time
from game.scenario.expr import Expr
from game.scenario.intervals import Evaluator, Range, Ranges
from game.scenario.model import (
    DEFAULT_FALLBACK_SHARES,
    ABTestJob,
    Choice,
    Effect,
    EvalJob,
    Event,
    Goal,
    LabelingJob,
    Lesson,
    Scenario,
    Time,
    TrainingJob,
)
from game.scenario.moments import DayClock
from game.scenario.types import CATEGORIES, Category

JobSpec = TrainingJob | EvalJob | LabelingJob | ABTestJob

# Tuples typed as of any length: mypyc 2.4 never sets a Final tuple of a fixed number of
# floats (see game/core/luck.py).
CHECKPOINT_HOURS: Final[tuple[float, ...]] = (0.0, 4.0, 2.0, 1.0)
"""Checkpoint interval per checkpointing level (0: none)."""
DETECT_HOURS: Final[tuple[float | None, ...]] = (None, 2.0, 1.0, 0.0)
"""Delay before monitoring notices a silent collapse, per level (None: never; 0: at once)."""
FALLBACK_SHARE: Final = tuple(percent / 100.0 for percent in DEFAULT_FALLBACK_SHARES)
"""Share of outage traffic the fallback path serves, per fallback level (0, 0.60, 0.90,
0.99), unless the scenario gives its own ``infra.fallback_shares``."""
AUTOSCALE_MAX: Final[tuple[float, ...]] = (1.0, 5.0, 10.0, 20.0)
"""Traffic multiple the fleet can scale to, per autoscaling level."""
RELIABILITY_BASELINE: Final = 50.0
"""Reliability above this answers one percent more of outage traffic per point."""
MAX_OUTAGE_ANSWERED: Final = 0.99
"""The most of outage traffic that fallbacks and reliability together answer, unless the
scenario's best fallback serves more."""


@dataclass(frozen=True, slots=True)
class Indices:
    """Where each id of a scenario sits in the rules' tuples: the tables an effect's ids
    are resolved with when it is prepared."""

    segment: dict[str, int]
    task: dict[str, int]
    job: dict[str, int]
    variable: dict[str, int]


@dataclass(frozen=True, slots=True)
class PreparedImprovement:
    """An ``improve`` effect with its ids resolved."""

    job_index: int
    segment_index: int | None
    """The segment whose ceiling rises; None for all of them."""
    ceiling: float
    hallucination: float


@dataclass(frozen=True, slots=True)
class PreparedEffect:
    """An effect of the scenario model, read once, when the scenario is prepared, with the
    ids in its value resolved to indices (:func:`prepared_value`)."""

    kind: str
    """The effect's key (:attr:`game.scenario.model.Effect.kind`)."""
    value: Any
    """Its value, resolved: see :func:`prepared_value`."""


def prepared_value(effect: Effect, indices: Indices) -> Any:
    """An effect's value with its ids resolved, so that applying it looks nothing up:

    - ``labels`` and ``golden``: (segment index, count) pairs;
    - ``infra``: (capability, change) pairs;
    - ``set`` and ``add``: (variable index, number) pairs;
    - ``queue``: the task's index; ``start_job``: the job's index;
    - ``improve``: a :class:`PreparedImprovement`;
    - any other: the value as the scenario gives it.
    """
    kind, value = effect.kind, effect.value
    if kind in ("labels", "golden"):
        return tuple((indices.segment[segment], count) for segment, count in value.items())
    if kind == "infra":
        return tuple((Capability(name), change) for name, change in value.items())
    if kind in ("set", "add"):
        return tuple((indices.variable[name], number) for name, number in value.items())
    if kind == "queue":
        return indices.task[value]
    if kind == "start_job":
        return indices.job[value]
    if kind == "improve":
        segment = None if value.segment is None else indices.segment[value.segment]
        return PreparedImprovement(
            indices.job[value.job], segment, value.ceiling, value.hallucination
        )
    return value


def prepared(effects: list[Effect], indices: Indices) -> tuple[PreparedEffect, ...]:
    """The effects of a scenario model, ready to apply."""
    return tuple(PreparedEffect(effect.kind, prepared_value(effect, indices)) for effect in effects)


def prepared_for(rules: Rules, effects: list[Effect]) -> tuple[PreparedEffect, ...]:
    """Effects of the scenario model prepared for these rules (as the scenario's own are)."""
    return prepared(effects, rules.indices)


@dataclass(frozen=True, slots=True)
class TaskRule:
    """A backlog task, ready to simulate."""

    id: str
    name: str
    category: int
    hours: float
    cost: float
    requires: Predicate | None
    requires_text: str
    effects: tuple[PreparedEffect, ...]
    queue_action: QueueTask
    """The action that queues the task (actions are immutable, so one serves every game)."""


@dataclass(frozen=True, slots=True)
class OutcomeRule:
    """A possible outcome of a choice, ready to simulate."""

    text: str
    """What the player reads when it comes out ("" for nothing)."""
    effects: tuple[PreparedEffect, ...]


@dataclass(frozen=True, slots=True)
class ChoiceRule:
    """An event choice, ready to simulate."""

    spec: Choice
    id: str
    text: str
    requires: Predicate | None
    cost: float
    effects: tuple[PreparedEffect, ...]
    log_text: str
    """The log line that taking the choice writes: the event's title and the choice's text."""
    hours: tuple[float, float, float, float]
    owes: tuple[tuple[int, float], ...]
    """The (category, hours) pairs of ``hours`` that are not zero."""
    outcome_weights: tuple[float, ...]
    outcomes: tuple[OutcomeRule, ...]
    """The outcomes that ``outcome_weights`` weigh, in the same order."""
    action: Choose
    """The action that takes this choice."""


@dataclass(frozen=True, slots=True)
class EventRule:
    """An event, ready to simulate."""

    id: str
    spec: Event
    title: str
    hidden: bool
    effects: tuple[PreparedEffect, ...]
    at_tick: int
    when: Predicate | None
    chance_per_tick: float
    repeat: bool
    cooldown_ticks: int
    choices: tuple[ChoiceRule, ...]
    default_choice: int | None
    """Index of the choice marked default; None: the first whose requirement holds."""
    choice_index: dict[str, int]
    """Index of each choice by its id."""
    closes_at: int
    """The first tick from which, by the clock alone, its condition can no longer hold
    (:func:`closing_tick`): from then on it cannot fire. Past the last tick when nothing in
    the clock ends it."""


@dataclass(frozen=True, slots=True)
class CurveRule:
    """A learning curve: F1 = ceiling - (ceiling - f1) * (examples / at) ** -exponent."""

    f1: float
    at: float
    ceiling: float
    exponent: float


@dataclass(frozen=True, slots=True)
class RiskRule:
    """Something that may go wrong in a training run (:class:`game.scenario.model.Risk`)."""

    chance_per_run: float
    segment: str | None
    """The segment it hurts; None for all."""
    ceiling: float
    hallucination: float


@dataclass(frozen=True, slots=True)
class TrainingRule:
    """A training job's numbers, read from the scenario model once, when it is prepared
    (:class:`game.scenario.model.TrainingJob`)."""

    hours: float
    noise: float
    hallucination: float | None
    latency_ms: float | None
    cost_per_request: float | None
    curves: tuple[CurveRule | None, ...]
    """Per segment, its learning curve; None where the job keeps the base model's F1."""
    collapse_per_hour: float
    collapse_per_run: float | None
    collapse_silent: float
    collapse_damage: float
    risks: tuple[RiskRule, ...]


def training_rule(job: TrainingJob, segments: tuple[str, ...]) -> TrainingRule:
    """A training job's numbers, ready to simulate."""
    curves = (job.learning_curve.get(segment) for segment in segments)
    collapse = job.collapse
    return TrainingRule(
        hours=job.hours,
        noise=job.noise,
        hallucination=job.hallucination,
        latency_ms=job.latency_ms,
        cost_per_request=job.cost_per_request,
        curves=tuple(
            None if curve is None else CurveRule(curve.f1, curve.at, curve.ceiling, curve.exponent)
            for curve in curves
        ),
        collapse_per_hour=collapse.per_hour,
        collapse_per_run=collapse.chance_per_run,
        collapse_silent=collapse.silent,
        collapse_damage=collapse.damage,
        risks=tuple(
            RiskRule(risk.chance_per_run, risk.segment, risk.ceiling, risk.hallucination)
            for risk in job.risks
        ),
    )


@dataclass(frozen=True, slots=True)
class ReferenceRule:
    """A step of the reference solution: its tick, its action and its condition."""

    tick: int
    action: Action
    when: Predicate | None
    """Without a condition the step is taken at its tick; with one, at the first boundary
    from its tick on where the condition holds."""


@dataclass(frozen=True, slots=True)
class ServingRule:
    """Production constants, read every tick."""

    conversations_per_hour: float
    gpu_dollars_per_hour: float
    headroom: float
    escalation_base: float
    escalation_slope: float
    """Escalation percent per missing unit of F1: the scenario's ``per_missing_f1_point``
    times 100."""


@dataclass(frozen=True, slots=True)
class OutageRule:
    """How much of an outage's traffic still gets an answer."""

    fallback_shares: tuple[float, ...]
    """Share (0-1) of outage traffic the fallback path serves, per fallback level."""
    most_answered: float
    """The most of it that fallbacks and reliability together answer: 99%, or the best
    fallback's share when that is more."""


@dataclass(frozen=True, slots=True)
class Words:
    """The scenario's own names for what the player reads."""

    metric: str
    """The quality measure in sentences, such as F1 or accuracy."""
    metric_short: str
    """Its short label, such as F1 or Acc."""
    unit_one: str
    """One unit of traffic, such as conversation or note."""
    unit_many: str
    """Many units of traffic, such as conversations or notes."""


@dataclass(frozen=True, slots=True)
class StartRule:
    """The values every new game starts from, read once per game."""

    money: float
    trust: float
    reliability: float
    allocation: tuple[int, int, int, int]
    labels: tuple[float, ...]
    golden: tuple[float, ...]
    traffic: tuple[float, ...]
    infra: dict[Capability, int]
    """The level of each infrastructure capability."""
    variables: tuple[float, ...]
    model_id: str
    """The model in production at the start: its id, true F1 per segment, hallucination
    rate, latency and cost per request."""
    model_f1: tuple[float, ...]
    model_hallucination: float
    model_latency_ms: float
    model_cost_per_request: float


@dataclass(frozen=True, slots=True)
class Rules:
    """Everything the engine reads about a scenario."""

    scenario: Scenario
    tick_hours: float
    total_ticks: int
    ticks_per_day: int
    segments: tuple[str, ...]
    segment_names: tuple[str, ...]
    """Each segment's name, as the player reads it."""
    tasks: tuple[TaskRule, ...]
    task_index: dict[str, int]
    jobs: tuple[JobSpec, ...]
    job_index: dict[str, int]
    job_requires: tuple[Predicate | None, ...]
    events: tuple[EventRule, ...]
    event_index: dict[str, int]
    events_due_at: tuple[tuple[int, ...], ...]
    """By tick, the indices of the events whose earliest tick it is (at tick 0, of those
    due from the start), leaving out those whose condition is closed by then; no entry past
    the latest earliest tick."""
    events_closed_at: tuple[tuple[int, ...], ...]
    """By tick, the indices of the events whose condition closes there
    (:attr:`EventRule.closes_at`) after they became due; no entry past the latest."""
    goals: tuple[tuple[Goal, Predicate], ...]
    lessons: tuple[tuple[Lesson, Predicate | None], ...]
    variables: tuple[str, ...]
    segment_index: dict[str, int]
    serving: ServingRule
    job_cost_per_hour: tuple[float, ...]
    job_kinds: tuple[str, ...]
    """Each job template's kind: training, eval, labeling or ab_test."""
    job_hours: tuple[float, ...]
    """Hours each job template runs, read every tick by the jobs."""
    job_ids: tuple[str, ...]
    job_names: tuple[str, ...]
    """Each job template's name, as the player reads it."""
    ab_share: tuple[float, ...]
    """Per job: the share (0-1) of conversations an A/B test gives its candidate; 0 for
    the other kinds."""
    start_actions: tuple[StartJob, ...]
    """The action that starts each job with no model named."""
    reference: tuple[ReferenceRule, ...]
    """The reference solution's steps, in file order."""
    start: StartRule
    hours_by_active: tuple[float, ...]
    """Hours of work in a tick after the context-switch penalty, by the number of
    categories that get time (0 to 4); see :func:`game.core.work.effective_hours`."""
    background: tuple[float, float, float, float]
    """Background yield per hour, per category (research, data, infra, writing)."""
    insight_lift: float
    """F1 each insight point adds to every training job's learning curves."""
    training_jobs: tuple[int, ...]
    """Indices of the training jobs."""
    training: tuple[TrainingRule | None, ...]
    """Per job, its training numbers; None for a job of another kind."""
    outage: OutageRule
    """How much of an outage's traffic the fallback and reliability answer."""
    words: Words
    """The scenario's names for its metric and its unit of traffic."""
    trust_per_incident: float
    """Trust points an incident costs."""
    indices: Indices
    """Where each id sits in the tuples above."""


def cost_per_hour(job: JobSpec) -> float:
    """Dollars a run of the job bills per hour of running."""
    if isinstance(job, TrainingJob):
        return job.gpus * job.gpu_price
    if isinstance(job, LabelingJob):
        return job.items * job.price_per_item / job.hours
    return job.cost / job.hours


def _hour(scenario: Scenario, moment: float | DayClock | None) -> float:
    return 0.0 if moment is None else scenario.hour_of(moment)


def _chance_per_tick(event: Event, tick_hours: float) -> float:
    trig = event.trigger
    if trig.chance_per_hour is not None:
        return 1.0 - float((1.0 - trig.chance_per_hour) ** tick_hours)
    if trig.mean_hours is not None:
        return 1.0 - math.exp(-tick_hours / trig.mean_hours)
    return 1.0


def prepare(scenario: Scenario) -> Rules:
    """Resolve ids to indices and compile every condition of a validated scenario."""
    time = scenario.time
    tick_hours = time.tick_hours
    ticks_per_day = round(time.hours_per_day / tick_hours)
    segments = tuple(s.id for s in scenario.segments)
    compiler = Compiler(
        segments=segments,
        tasks=[t.id for t in scenario.tasks],
        jobs=[j.id for j in scenario.jobs],
        events=[e.id for e in scenario.events],
        choices={e.id: [c.id for c in e.choices] for e in scenario.events},
        variables=list(scenario.variables),
        tick_hours=tick_hours,
        ticks_per_day=ticks_per_day,
        total_ticks=time.total_ticks,
        budget=scenario.budget,
    )

    def maybe(expr: Expr | None) -> Predicate | None:
        return None if expr is None else compiler.compile(expr)

    indices = Indices(
        segment={segment: index for index, segment in enumerate(segments)},
        task={task.id: index for index, task in enumerate(scenario.tasks)},
        job={job.id: index for index, job in enumerate(scenario.jobs)},
        variable={name: index for index, name in enumerate(scenario.variables)},
    )

    tasks = tuple(
        TaskRule(
            id=t.id,
            name=t.name,
            category=CATEGORIES.index(t.category.value),
            hours=t.hours,
            cost=t.cost,
            requires=maybe(t.requires),
            requires_text=str(t.requires or ""),
            effects=prepared(t.effects, indices),
            queue_action=QueueTask(task=t.id),
        )
        for t in scenario.tasks
    )
    events = []
    for event in scenario.events:
        trig = event.trigger
        choices = tuple(
            ChoiceRule(
                spec=c,
                id=c.id,
                text=c.text,
                requires=maybe(c.requires),
                cost=c.cost,
                effects=prepared(c.effects, indices),
                log_text=f"{event.title}: {c.text}",
                hours=_per_category(c.hours),
                owes=tuple((i, h) for i, h in enumerate(_per_category(c.hours)) if h),
                outcome_weights=tuple(o.weight for o in c.outcomes),
                outcomes=tuple(
                    OutcomeRule(text=o.text, effects=prepared(o.effects, indices))
                    for o in c.outcomes
                ),
                action=Choose(event=event.id, choice=c.id),
            )
            for c in event.choices
        )
        default = next((i for i, c in enumerate(event.choices) if c.default), None)
        events.append(
            EventRule(
                id=event.id,
                spec=event,
                title=event.title,
                hidden=event.hidden,
                effects=prepared(event.effects, indices),
                at_tick=math.ceil(_hour(scenario, trig.at) / tick_hours - 1e-9),
                when=maybe(trig.when),
                chance_per_tick=_chance_per_tick(event, tick_hours),
                repeat=trig.repeat,
                cooldown_ticks=math.ceil(trig.cooldown_hours / tick_hours - 1e-9),
                choices=choices,
                default_choice=default,
                choice_index={c.id: i for i, c in enumerate(event.choices)},
                closes_at=closing_tick(trig.when, ticks_per_day, time.days, time),
            )
        )
    return Rules(
        scenario=scenario,
        tick_hours=tick_hours,
        total_ticks=time.total_ticks,
        ticks_per_day=ticks_per_day,
        segments=segments,
        segment_names=tuple(s.name for s in scenario.segments),
        tasks=tasks,
        task_index=indices.task,
        jobs=tuple(scenario.jobs),
        job_index=indices.job,
        job_requires=tuple(maybe(j.requires) for j in scenario.jobs),
        events=tuple(events),
        event_index={e.id: i for i, e in enumerate(events)},
        events_due_at=_events_due_at(events),
        events_closed_at=_events_closed_at(events, time.total_ticks),
        goals=tuple((g, compiler.compile(g.when)) for g in scenario.goals),
        lessons=tuple((lesson, maybe(lesson.when)) for lesson in scenario.debrief.lessons),
        variables=tuple(scenario.variables),
        segment_index=indices.segment,
        serving=_serving_rule(scenario),
        job_cost_per_hour=tuple(cost_per_hour(job) for job in scenario.jobs),
        job_kinds=tuple(job.kind for job in scenario.jobs),
        job_hours=tuple(job.hours for job in scenario.jobs),
        job_ids=tuple(job.id for job in scenario.jobs),
        job_names=tuple(job.name for job in scenario.jobs),
        ab_share=tuple(
            job.share / 100.0 if isinstance(job, ABTestJob) else 0.0 for job in scenario.jobs
        ),
        start_actions=tuple(StartJob(job=job.id) for job in scenario.jobs),
        reference=_reference_steps(scenario, tick_hours, compiler),
        start=_start_rule(scenario, segments),
        hours_by_active=_hours_by_active(scenario, tick_hours),
        background=(
            scenario.background.research,
            scenario.background.data,
            scenario.background.infra,
            scenario.background.writing,
        ),
        insight_lift=scenario.background.insight_lift,
        training_jobs=tuple(i for i, job in enumerate(scenario.jobs) if job.kind == "training"),
        training=tuple(
            training_rule(job, segments) if isinstance(job, TrainingJob) else None
            for job in scenario.jobs
        ),
        outage=_outage_rule(scenario),
        words=Words(
            metric=scenario.metric.name,
            metric_short=scenario.metric.short,
            unit_one=scenario.traffic_unit.one,
            unit_many=scenario.traffic_unit.many,
        ),
        trust_per_incident=scenario.trust.per_incident,
        indices=indices,
    )


def _outage_rule(scenario: Scenario) -> OutageRule:
    shares = tuple(share / 100.0 for share in scenario.infra.fallback_shares)
    return OutageRule(fallback_shares=shares, most_answered=max(MAX_OUTAGE_ANSWERED, *shares))


def _start_rule(scenario: Scenario, segments: tuple[str, ...]) -> StartRule:
    allocation = scenario.allocation
    infra = scenario.infra
    model = scenario.production.model
    return StartRule(
        money=float(scenario.budget),
        trust=float(scenario.trust.start),
        reliability=float(infra.reliability),
        allocation=(allocation.research, allocation.data, allocation.infra, allocation.writing),
        labels=tuple(float(scenario.data.labels.get(s, 0)) for s in segments),
        golden=tuple(float(scenario.data.golden.get(s, 0)) for s in segments),
        traffic=tuple(s.traffic for s in scenario.segments),
        infra={
            CHECKPOINTING: infra.checkpointing,
            MONITORING: infra.monitoring,
            FALLBACK: infra.fallback,
            AUTOSCALING: infra.autoscaling,
        },
        variables=tuple(scenario.variables.values()),
        model_id=model.id,
        model_f1=tuple(model.f1[s] for s in segments),
        model_hallucination=model.hallucination,
        model_latency_ms=model.latency_ms,
        model_cost_per_request=model.cost_per_request,
    )


def _hours_by_active(scenario: Scenario, tick_hours: float) -> tuple[float, ...]:
    # The arithmetic of the context-switch penalty, in the order work.effective_hours used
    # to do it at every tick, so the hours are the same to the last bit.
    return tuple(
        tick_hours * max(0.0, 1.0 - scenario.context_switch * max(0, active - 1) / 100.0)
        for active in range(5)
    )


def _events_due_at(events: list[EventRule]) -> tuple[tuple[int, ...], ...]:
    last = max((event.at_tick for event in events), default=0)
    return tuple(
        tuple(
            index
            for index, event in enumerate(events)
            if max(event.at_tick, 0) == tick < event.closes_at
        )
        for tick in range(last + 1)
    )


def _events_closed_at(events: list[EventRule], total_ticks: int) -> tuple[tuple[int, ...], ...]:
    closing = [
        (index, event.closes_at)
        for index, event in enumerate(events)
        if max(event.at_tick, 0) < event.closes_at <= total_ticks
    ]
    last = max((tick for _, tick in closing), default=-1)
    return tuple(
        tuple(index for index, closes_at in closing if closes_at == tick)
        for tick in range(last + 1)
    )


CLOCK_NAMES: Final = frozenset({"hour", "tick", "day", "hours_left"})
"""The names a condition reads of the clock."""


def clock_ranges(first: int, last: int, ticks_per_day: int, days: int, time: Time) -> Ranges:
    """What the clock's names can read from tick ``first`` to tick ``last``; every other
    name and every function may read anything."""
    hours, total = time.tick_hours, time.total_ticks
    names = {
        "hour": Range(first * hours, last * hours),
        "tick": Range(first, last),
        "day": Range(min(first // ticks_per_day + 1, days), min(last // ticks_per_day + 1, days)),
        "hours_left": Range((total - last) * hours, (total - first) * hours),
    }
    return Ranges(names=names, calls={}, default_call={})


def closing_tick(when: Expr | None, ticks_per_day: int, days: int, time: Time) -> int:
    """The first tick from which, by the clock alone, the condition is surely false at
    every boundary to the end (``hour <= 2`` closes after hour 2); one past the last tick
    when the clock never closes it.

    The interval arithmetic of :mod:`game.scenario.intervals` judges the condition with
    the clock's names bounded and everything else free. A condition false over the ticks
    from t to the end is false over those from t + 1, so the first such tick is found by
    halving.
    """
    total = time.total_ticks
    never = total + 1
    tree = None if when is None else when.tree.body
    if tree is None or not any(
        isinstance(node, ast.Name) and node.id in CLOCK_NAMES for node in ast.walk(tree)
    ):
        return never

    def closed(tick: int) -> bool:
        ranges = clock_ranges(tick, total, ticks_per_day, days, time)
        return Evaluator(ranges).value(tree).truth is False

    if not closed(total):
        return never
    low, high = 0, total  # closed(high) holds; find the first tick where it does
    while low < high:
        middle = (low + high) // 2
        if closed(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _reference_steps(
    scenario: Scenario, tick_hours: float, compiler: Compiler
) -> tuple[ReferenceRule, ...]:
    return tuple(
        ReferenceRule(
            tick=round(scenario.hour_of(step.at) / tick_hours),
            action=without_time(step),
            when=None if step.when is None else compiler.compile(step.when),
        )
        for step in scenario.reference
    )


def _serving_rule(scenario: Scenario) -> ServingRule:
    production = scenario.production
    return ServingRule(
        conversations_per_hour=production.conversations_per_hour,
        gpu_dollars_per_hour=production.serving.gpus * production.serving.gpu_price,
        headroom=production.serving.headroom,
        escalation_base=production.escalation.base,
        escalation_slope=production.escalation.per_missing_f1_point * 100.0,
    )


def _per_category(hours: dict[Category, float]) -> tuple[float, float, float, float]:
    research, data, infra, writing = (float(hours.get(cat, 0.0)) for cat in Category)
    return (research, data, infra, writing)
