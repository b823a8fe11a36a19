"""The game state: typed records grouped by what they describe, mutated in place.

The state holds the truth (true F1 per segment, silent collapses) next to what the player
has measured. What the player may see is gathered by :mod:`game.core.view`.

A few fields are caches: worked out from the rest of the state (and the rules) to save
work on every tick. They are marked with :data:`CACHE` as their field metadata, are left
out of the state's digest (:mod:`game.replay.digest`), and are rebuilt from the rest by
:func:`game.core.caches.rebuild`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any, Final

from game.core.luck import Luck
from game.core.messages import LogLine
from game.core.record import Record

CACHE: Final[dict[str, Any]] = {"cache": True}
"""Field metadata of a cache: left out of the digest, rebuilt from the rest of the state."""


def is_cache(metadata: Any) -> bool:
    """Whether a dataclass field's metadata marks it as a cache (:data:`CACHE`)."""
    return bool(metadata.get("cache", False))


class RunStatus(StrEnum):
    """Where a job's run stands."""

    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    STOPPED = "stopped"


class TaskStatus(IntEnum):
    """Where a backlog task stands."""

    NOT_QUEUED = 0
    QUEUED = 1
    DONE = 2


class Capability(StrEnum):
    """An infrastructure capability, with a level from 0 (none) to 3."""

    CHECKPOINTING = "checkpointing"
    MONITORING = "monitoring"
    FALLBACK = "fallback"
    AUTOSCALING = "autoscaling"


# Each member is a module name too: the engine reads them every tick, and reading a member
# through its class costs ten times reading a module name on Python 3.11
# (benchmarks/bench_enum.py).
RUNNING: Final = RunStatus.RUNNING
FINISHED: Final = RunStatus.FINISHED
FAILED: Final = RunStatus.FAILED
STOPPED: Final = RunStatus.STOPPED
NOT_QUEUED: Final = TaskStatus.NOT_QUEUED
QUEUED: Final = TaskStatus.QUEUED
DONE: Final = TaskStatus.DONE
CHECKPOINTING: Final = Capability.CHECKPOINTING
MONITORING: Final = Capability.MONITORING
FALLBACK: Final = Capability.FALLBACK
AUTOSCALING: Final = Capability.AUTOSCALING

InfraLevels = dict[Capability, int]
"""The level (0 to 3) of every infrastructure capability."""

# The records below write out their constructors: the one @dataclass generates stays
# interpreted Python in the compiled build, while one written out is compiled (a JobRun
# costs about 400 instructions instead of 5,800; with the log's lines, 15% of a game's
# instructions, benchmarks/instructions.py). The parameters are the fields, in order, with
# their defaults; None stands for a value made afresh. tests/test_records.py holds them to it.


@dataclass(slots=True)
class ModelRecord(Record):
    """A model: the one in production at the start, or one a training run produced."""

    id: str
    source_job_index: int | None
    """Index of the training job that made it; None for the starting model."""
    f1: list[float]
    """True F1 per segment."""
    hallucination: float
    """True hallucination rate, percent."""
    latency_ms: float
    cost_per_request: float
    created_tick: int
    collapsed: bool = False
    """It came out of a silently collapsed run (only the debrief says so)."""
    evaluated: bool = False
    """An eval of it has finished."""
    ab_tested: bool = False
    """An A/B test of it has finished."""
    risks: list[int] = field(default_factory=list)
    """Indices of the training job's risks that struck the run that made it (the truth:
    only the debrief says so)."""
    escalation: float = field(default=0.0, metadata=CACHE)
    """Cache: true share (0-1) of its conversations escalated on the traffic mix counted
    by ``escalation_mix``: :func:`game.core.evals.escalation_rate`, kept while the mix
    holds."""
    escalation_mix: int | None = field(default=None, metadata=CACHE)
    """Cache: the :attr:`Production.mix_changes` that ``escalation`` was worked out for
    (None: not yet worked out)."""

    def __init__(
        self,
        id: str,
        source_job_index: int | None,
        f1: list[float],
        hallucination: float,
        latency_ms: float,
        cost_per_request: float,
        created_tick: int,
        collapsed: bool = False,
        evaluated: bool = False,
        ab_tested: bool = False,
        risks: list[int] | None = None,
        escalation: float = 0.0,
        escalation_mix: int | None = None,
    ) -> None:
        self.id = id
        self.source_job_index = source_job_index
        self.f1 = f1
        self.hallucination = hallucination
        self.latency_ms = latency_ms
        self.cost_per_request = cost_per_request
        self.created_tick = created_tick
        self.collapsed = collapsed
        self.evaluated = evaluated
        self.ab_tested = ab_tested
        self.risks = [] if risks is None else risks
        self.escalation = escalation
        self.escalation_mix = escalation_mix


@dataclass(slots=True)
class JobRun(Record):
    """One run of a job template."""

    id: str
    job_index: int
    """Index of its job in the rules."""
    kind: str
    """The job's kind: training, eval, labeling or ab_test."""
    status: RunStatus
    started_tick: int
    model_index: int | None = None
    """Model measured (eval, A/B test) or produced (training, once finished)."""
    progress: float = 0.0
    """Hours run so far."""
    labels: list[float] = field(default_factory=list)
    """Training data snapshot, per segment, taken when the run started."""
    collapse_at: float | None = None
    """Hours into the run when it collapses; None when it does not."""
    silent: bool = False
    """The collapse is silent: the run would report success with a broken model."""
    collapses: int = 0
    """Times the run failed (loudly, or a silent collapse that monitoring caught)."""
    base_model_index: int | None = None
    """Training: the production model when the run started (segments without a curve
    keep its F1)."""
    checkpoint: float = 0.0
    """Progress saved by the last checkpoint, hours."""
    requests_candidate: float = 0.0
    """A/B test: conversations the candidate answered."""
    requests_control: float = 0.0
    """A/B test: conversations the production model answered during the test."""
    billed: float = 0.0
    """Dollars billed so far."""
    failure: str = ""
    """Why it failed, as the player was told."""

    def __init__(
        self,
        id: str,
        job_index: int,
        kind: str,
        status: RunStatus,
        started_tick: int,
        model_index: int | None = None,
        progress: float = 0.0,
        labels: list[float] | None = None,
        collapse_at: float | None = None,
        silent: bool = False,
        collapses: int = 0,
        base_model_index: int | None = None,
        checkpoint: float = 0.0,
        requests_candidate: float = 0.0,
        requests_control: float = 0.0,
        billed: float = 0.0,
        failure: str = "",
    ) -> None:
        self.id = id
        self.job_index = job_index
        self.kind = kind
        self.status = status
        self.started_tick = started_tick
        self.model_index = model_index
        self.progress = progress
        self.labels = [] if labels is None else labels
        self.collapse_at = collapse_at
        self.silent = silent
        self.collapses = collapses
        self.base_model_index = base_model_index
        self.checkpoint = checkpoint
        self.requests_candidate = requests_candidate
        self.requests_control = requests_control
        self.billed = billed
        self.failure = failure


@dataclass(slots=True)
class Measurement(Record):
    """An eval's report: what the player sees of a model's quality."""

    run_id: str
    model_id: str
    tick: int
    f1: list[float | None]
    """Measured F1 per segment; None where the golden set has no examples."""
    f1_mix: float
    """Traffic-weighted F1 over the measured segments."""
    hallucination: float
    golden: list[int]
    """Golden examples per segment the eval used."""

    def __init__(
        self,
        run_id: str,
        model_id: str,
        tick: int,
        f1: list[float | None],
        f1_mix: float,
        hallucination: float,
        golden: list[int],
    ) -> None:
        self.run_id = run_id
        self.model_id = model_id
        self.tick = tick
        self.f1 = f1
        self.f1_mix = f1_mix
        self.hallucination = hallucination
        self.golden = golden


@dataclass(slots=True)
class ABResult(Record):
    """An A/B test's report: the escalation-rate change of a candidate against production."""

    run_id: str
    model_id: str
    """The candidate."""
    control_id: str
    """The model in production during the test."""
    tick: int
    n_candidate: float
    n_control: float
    rate_candidate: float
    rate_control: float
    diff: float
    """Measured candidate minus control escalation rate, percentage points."""
    half_width: float
    """Half-width of the 95% interval of diff, percentage points."""

    def __init__(
        self,
        run_id: str,
        model_id: str,
        control_id: str,
        tick: int,
        n_candidate: float,
        n_control: float,
        rate_candidate: float,
        rate_control: float,
        diff: float,
        half_width: float,
    ) -> None:
        self.run_id = run_id
        self.model_id = model_id
        self.control_id = control_id
        self.tick = tick
        self.n_candidate = n_candidate
        self.n_control = n_control
        self.rate_candidate = rate_candidate
        self.rate_control = rate_control
        self.diff = diff
        self.half_width = half_width

    @property
    def significant(self) -> bool:
        """Whether the 95% interval excludes zero."""
        return abs(self.diff) > self.half_width


@dataclass(slots=True)
class Obligation(Record):
    """A choice taken whose hours are still owed: its effects wait until they are worked."""

    event_index: int
    choice_index: int
    tick: int
    """The tick it was taken at."""
    owed: list[float]
    """Hours still owed per category (research, data, infra, writing)."""

    def __init__(self, event_index: int, choice_index: int, tick: int, owed: list[float]) -> None:
        self.event_index = event_index
        self.choice_index = choice_index
        self.tick = tick
        self.owed = owed


@dataclass(slots=True)
class Clock(Record):
    """Where the day stands."""

    tick: int = 0
    """Tick boundaries passed since the start."""
    over: bool = False
    """The game has ended: no action is taken and the clock no longer moves."""

    def __init__(self, tick: int = 0, over: bool = False) -> None:
        self.tick = tick
        self.over = over


@dataclass(slots=True)
class Money(Record):
    """The money left and where the rest went."""

    balance: float
    """Dollars left: the budget minus the sum of the ledger."""
    ledger: dict[str, float] = field(default_factory=dict)
    """Dollars spent per item (negative: income), by item name."""

    def __init__(self, balance: float, ledger: dict[str, float] | None = None) -> None:
        self.balance = balance
        self.ledger = {} if ledger is None else ledger


@dataclass(slots=True)
class Team(Record):
    """The player's hours: how they are shared out, the task queues and what is owed."""

    allocation: list[int]
    """Percent of the hours per category (research, data, infra, writing)."""
    working: list[tuple[int, float]] = field(metadata=CACHE)
    """Cache: each category with a share of the time and its hours of work in a tick,
    worked out from the allocation (:func:`game.core.work.hours_at_work`)."""
    task_status: list[TaskStatus]
    """Per task: not queued, queued or done."""
    task_spent: list[float]
    """Per task: hours worked on it so far."""
    queues: list[list[int]] = field(default_factory=lambda: [[], [], [], []])
    """Per category, the indices of its queued tasks, first in first out."""
    owed: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0, 0.0])
    """Hours owed per category to event choices, spent before the queue (the sum of
    ``obligations``)."""
    obligations: list[Obligation] = field(default_factory=list)
    """Choices whose owed hours are not yet worked, oldest first."""

    def __init__(
        self,
        allocation: list[int],
        working: list[tuple[int, float]],
        task_status: list[TaskStatus],
        task_spent: list[float],
        queues: list[list[int]] | None = None,
        owed: list[float] | None = None,
        obligations: list[Obligation] | None = None,
    ) -> None:
        self.allocation = allocation
        self.working = working
        self.task_status = task_status
        self.task_spent = task_spent
        self.queues = [[], [], [], []] if queues is None else queues
        self.owed = [0.0, 0.0, 0.0, 0.0] if owed is None else owed
        self.obligations = [] if obligations is None else obligations


@dataclass(slots=True)
class Data(Record):
    """The labeled data: training labels, the golden set and the LLM judge."""

    labels: list[float]
    """Training labels per segment."""
    golden: list[float]
    """Golden (held-out, hand-checked) examples per segment."""
    judge_calibrated: bool = False
    """The LLM judge has been calibrated against human labels (no bias left)."""

    def __init__(
        self, labels: list[float], golden: list[float], judge_calibrated: bool = False
    ) -> None:
        self.labels = labels
        self.golden = golden
        self.judge_calibrated = judge_calibrated


@dataclass(slots=True)
class Counters(Record):
    """Production counters since the start (expected counts, so fractional)."""

    total: float = 0.0
    """Conversations asked for."""
    served: float = 0.0
    """Conversations answered normally."""
    degraded: float = 0.0
    """Conversations answered by the fallback path during an outage."""
    failed: float = 0.0
    """Conversations not answered (an outage without fallback, a spike's timeouts)."""
    escalations: float = 0.0
    """True escalations to a human."""
    escalations_seen: float = 0.0
    """Escalations the (noisy) dashboard showed."""
    hallucinations: float = 0.0
    """True hallucinated answers."""
    last_rate_seen: float = 0.0
    """Escalation rate the dashboard showed for the last tick, percent."""
    hours: float = 0.0
    """Hours of service so far."""
    service_hours: float = 0.0
    """Hours of service, each weighted by the share of its conversations answered (a
    fallback answer counts half): the time-based service level is this over ``hours``."""

    def __init__(
        self,
        total: float = 0.0,
        served: float = 0.0,
        degraded: float = 0.0,
        failed: float = 0.0,
        escalations: float = 0.0,
        escalations_seen: float = 0.0,
        hallucinations: float = 0.0,
        last_rate_seen: float = 0.0,
        hours: float = 0.0,
        service_hours: float = 0.0,
    ) -> None:
        self.total = total
        self.served = served
        self.degraded = degraded
        self.failed = failed
        self.escalations = escalations
        self.escalations_seen = escalations_seen
        self.hallucinations = hallucinations
        self.last_rate_seen = last_rate_seen
        self.hours = hours
        self.service_hours = service_hours


@dataclass(slots=True)
class Production(Record):
    """The model in production, the traffic it serves and what went wrong."""

    model_index: int
    """Index in :attr:`State.models` of the model in production."""
    traffic: list[float]
    """True traffic share per segment, percent."""
    traffic_seen: list[float]
    """The traffic share per segment as the player last saw it."""
    mix_changes: int = 0
    """How many times the traffic mix has changed (each drift counts one)."""
    counts: Counters = field(default_factory=Counters)
    incidents: list[str] = field(default_factory=list)
    """What each incident was, in order."""
    outage_left: float = 0.0
    """Hours of upstream outage still to come."""
    segment_outage_left: list[float] = field(default_factory=list)
    """Per segment, hours still to come of an outage of that segment's traffic alone."""
    spike: float = 1.0
    """Traffic multiple of the spike in progress (1: none)."""
    spike_scope: str = ""
    """The names of the segments whose traffic the spike multiplies ("" for all)."""
    spike_left: float = 0.0
    """Hours of the spike still to come."""
    latency_factor: float = 1.0
    """Latency multiple under load (1 when the fleet keeps up)."""
    overload_reported: bool = False
    """The current spike's timeouts have been counted as an incident."""

    def __init__(
        self,
        model_index: int,
        traffic: list[float],
        traffic_seen: list[float],
        mix_changes: int = 0,
        counts: Counters | None = None,
        incidents: list[str] | None = None,
        outage_left: float = 0.0,
        segment_outage_left: list[float] | None = None,
        spike: float = 1.0,
        spike_scope: str = "",
        spike_left: float = 0.0,
        latency_factor: float = 1.0,
        overload_reported: bool = False,
    ) -> None:
        self.model_index = model_index
        self.traffic = traffic
        self.traffic_seen = traffic_seen
        self.mix_changes = mix_changes
        self.counts = Counters() if counts is None else counts
        self.incidents = [] if incidents is None else incidents
        self.outage_left = outage_left
        self.segment_outage_left = [] if segment_outage_left is None else segment_outage_left
        self.spike = spike
        self.spike_scope = spike_scope
        self.spike_left = spike_left
        self.latency_factor = latency_factor
        self.overload_reported = overload_reported


@dataclass(slots=True)
class Research(Record):
    """What research has added to the training jobs' learning curves."""

    ceiling_lift: list[list[float]]
    """Per training job, per segment: F1 added to the curve."""
    hallucination_shift: list[float]
    """Per training job: hallucination points added (negative: removed)."""

    def __init__(self, ceiling_lift: list[list[float]], hallucination_shift: list[float]) -> None:
        self.ceiling_lift = ceiling_lift
        self.hallucination_shift = hallucination_shift


@dataclass(slots=True)
class Jobs(Record):
    """Every run of every job."""

    runs: list[JobRun] = field(default_factory=list)
    """Every run, in the order they were started."""
    started: list[int] = field(default_factory=list)
    """Per job, how many runs of it were started (it numbers the run ids)."""
    ab_test: int | None = None
    """Index in ``runs`` of the A/B test in progress; None when none is (one at a time)."""
    by_id: dict[str, int] = field(default_factory=dict, metadata=CACHE)
    """Cache: index in ``runs`` of each run, by its id."""
    in_progress: list[int] = field(default_factory=list, metadata=CACHE)
    """Cache: indices in ``runs`` of the runs in progress, in the order they were started
    (a job runs once at a time)."""

    def __init__(
        self,
        runs: list[JobRun] | None = None,
        started: list[int] | None = None,
        ab_test: int | None = None,
        by_id: dict[str, int] | None = None,
        in_progress: list[int] | None = None,
    ) -> None:
        self.runs = [] if runs is None else runs
        self.started = [] if started is None else started
        self.ab_test = ab_test
        self.by_id = {} if by_id is None else by_id
        self.in_progress = [] if in_progress is None else in_progress


@dataclass(slots=True)
class Results(Record):
    """The reports the player has received of the models."""

    evals: list[Measurement] = field(default_factory=list)
    """Finished evals, oldest first."""
    ab_tests: list[ABResult] = field(default_factory=list)
    """Finished A/B tests with a result, oldest first."""

    def __init__(
        self, evals: list[Measurement] | None = None, ab_tests: list[ABResult] | None = None
    ) -> None:
        self.evals = [] if evals is None else evals
        self.ab_tests = [] if ab_tests is None else ab_tests


@dataclass(slots=True)
class Events(Record):
    """Which events fired, which wait for an answer and what was answered."""

    fired: list[int]
    """Per event, the times it fired."""
    last_fired: list[int]
    """Per event, the tick it last fired at (0 before it fires)."""
    chosen: list[list[int]]
    """Per event, the indices of the choices taken."""
    chance_wait: list[int | None]
    """Per event with a chance below 1: how many more boundaries where the rest of its
    trigger holds must pass before its chance comes up (None: not drawn yet)."""
    pending: list[int] = field(default_factory=list)
    """Indices of the events waiting for an answer, oldest first."""
    live: list[int] = field(default_factory=list, metadata=CACHE)
    """Cache: indices, in file order, of the events whose earliest tick has come and that
    may still fire (an event that fires only once leaves the list when it fires, and any
    event leaves it when the clock closes its condition:
    :attr:`game.core.rules.EventRule.closes_at`)."""

    def __init__(
        self,
        fired: list[int],
        last_fired: list[int],
        chosen: list[list[int]],
        chance_wait: list[int | None],
        pending: list[int] | None = None,
        live: list[int] | None = None,
    ) -> None:
        self.fired = fired
        self.last_fired = last_fired
        self.chosen = chosen
        self.chance_wait = chance_wait
        self.pending = [] if pending is None else pending
        self.live = [] if live is None else live


@dataclass(slots=True)
class PlayerRecord(Record):
    """The record of what the player did, read by goals and the debrief."""

    shipped: int = 0
    """Models put into production."""
    shipped_unevaluated: int = 0
    """Models shipped without a finished eval."""
    shipped_untested: int = 0
    """Models shipped without a finished A/B test."""
    shipped_worse: int = 0
    """Models shipped although their own eval or A/B test had measured them significantly
    worse than production (:func:`game.core.evidence.measured_worse`)."""
    evals_run: int = 0
    """Evals finished."""
    ab_tests_run: int = 0
    """A/B tests finished with a result."""
    allocation_changes: int = 0
    """Times the player changed the allocation."""

    def __init__(
        self,
        shipped: int = 0,
        shipped_unevaluated: int = 0,
        shipped_untested: int = 0,
        shipped_worse: int = 0,
        evals_run: int = 0,
        ab_tests_run: int = 0,
        allocation_changes: int = 0,
    ) -> None:
        self.shipped = shipped
        self.shipped_unevaluated = shipped_unevaluated
        self.shipped_untested = shipped_untested
        self.shipped_worse = shipped_worse
        self.evals_run = evals_run
        self.ab_tests_run = ab_tests_run
        self.allocation_changes = allocation_changes


@dataclass(slots=True)
class State(Record):
    """Everything about one game at a tick boundary."""

    luck: Luck
    """The game's chance: every random number, keyed by its purpose (:mod:`game.core.luck`)."""
    money: Money
    trust: float
    """Stakeholders' trust, 0 to 100."""
    insight: float
    """Research insight gained (never below 0)."""
    reliability: float
    """Infrastructure reliability, 0 to 100."""
    team: Team
    data: Data
    production: Production
    infra: InfraLevels
    variables: list[float]
    """The scenario's own variables, in the order it declares them."""
    research: Research
    jobs: Jobs
    models: list[ModelRecord]
    """Every model: the starting one first, then one per finished training run."""
    results: Results
    events: Events
    clock: Clock = field(default_factory=Clock)
    record: PlayerRecord = field(default_factory=PlayerRecord)
    log: list[LogLine] = field(default_factory=list)
    """What the game told the player, oldest first."""

    def __init__(
        self,
        luck: Luck,
        money: Money,
        trust: float,
        insight: float,
        reliability: float,
        team: Team,
        data: Data,
        production: Production,
        infra: InfraLevels,
        variables: list[float],
        research: Research,
        jobs: Jobs,
        models: list[ModelRecord],
        results: Results,
        events: Events,
        clock: Clock | None = None,
        record: PlayerRecord | None = None,
        log: list[LogLine] | None = None,
    ) -> None:
        self.luck = luck
        self.money = money
        self.trust = trust
        self.insight = insight
        self.reliability = reliability
        self.team = team
        self.data = data
        self.production = production
        self.infra = infra
        self.variables = variables
        self.research = research
        self.jobs = jobs
        self.models = models
        self.results = results
        self.events = events
        self.clock = Clock() if clock is None else clock
        self.record = PlayerRecord() if record is None else record
        self.log = [] if log is None else log
