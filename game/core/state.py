"""The game state: plain typed dataclasses, mutated in place by the systems.

The state holds the truth (true F1 per segment, silent collapses) next to what the player
has measured. What the player may see is gathered by :mod:`game.core.view`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from game.core.luck import Luck

RUNNING = "running"
FINISHED = "finished"
FAILED = "failed"
STOPPED = "stopped"

QUEUED = 1
DONE = 2


@dataclass(slots=True)
class ModelRecord:
    """A model: the one in production at the start, or one a training run produced."""

    id: str
    source_job: int
    """Index of the training job that made it, -1 for the starting model."""
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
    ab_tested: bool = False
    escalation: float = 0.0
    """True share (0-1) of its conversations escalated on traffic mix number
    ``escalation_mix``: :func:`game.core.evals.escalation_rate`, kept while the mix holds."""
    escalation_mix: int = -1
    """The :attr:`State.traffic_mix` that ``escalation`` was worked out for (-1: none)."""
    risks: list[int] = field(default_factory=list)
    """Indices of the training job's risks that struck the run that made it (the truth:
    only the debrief says so)."""


@dataclass(slots=True)
class JobRun:
    """One run of a job template."""

    id: str
    job: int
    kind: str
    status: str
    started_tick: int
    model: int = -1
    """Model measured (eval, A/B test) or produced (training, once finished)."""
    progress: float = 0.0
    """Hours run so far."""
    labels: list[float] = field(default_factory=list)
    """Training data snapshot, per segment, taken when the run started."""
    collapse_at: float = -1.0
    """Hours into the run when it collapses, -1 when it does not."""
    silent: bool = False
    collapses: int = 0
    """Times the run failed (loudly, or a silent collapse that monitoring caught)."""
    base: int = -1
    """Training: the production model when the run started (segments without a curve
    keep its F1)."""
    checkpoint: float = 0.0
    """Progress saved by the last checkpoint, hours."""
    requests_candidate: float = 0.0
    requests_control: float = 0.0
    billed: float = 0.0
    failure: str = ""
    """Why it failed, as the player was told."""


@dataclass(slots=True)
class Measurement:
    """An eval's report: what the player sees of a model's quality."""

    run: str
    model: str
    tick: int
    f1: list[float | None]
    """Measured F1 per segment; None where the golden set has no examples."""
    f1_mix: float
    """Traffic-weighted F1 over the measured segments."""
    hallucination: float
    golden: list[int]
    """Golden examples per segment the eval used."""


@dataclass(slots=True)
class ABResult:
    """An A/B test's report: the escalation-rate change of a candidate against production."""

    run: str
    model: str
    control: str
    tick: int
    n_candidate: float
    n_control: float
    rate_candidate: float
    rate_control: float
    diff: float
    """Measured candidate minus control escalation rate, percentage points."""
    half_width: float
    """Half-width of the 95% interval of diff, percentage points."""

    @property
    def significant(self) -> bool:
        """Whether the 95% interval excludes zero."""
        return abs(self.diff) > self.half_width


@dataclass(slots=True)
class Obligation:
    """A choice taken whose hours are still owed: its effects wait until they are worked."""

    event: int
    choice: int
    tick: int
    """The tick it was taken at."""
    owed: list[float]
    """Hours still owed per category (research, data, infra, writing)."""


LogLine = tuple[int, str, str]
"""A line of the player's log: the tick it was written at, its kind and its text."""


@dataclass(slots=True)
class Traffic:
    """Production counters since the start (expected counts, so fractional)."""

    total: float = 0.0
    served: float = 0.0
    degraded: float = 0.0
    failed: float = 0.0
    escalations: float = 0.0
    escalations_seen: float = 0.0
    hallucinations: float = 0.0
    last_rate_seen: float = 0.0
    """Escalation rate the dashboard showed for the last tick, percent."""
    hours: float = 0.0
    """Hours of service so far."""
    service_hours: float = 0.0
    """Hours of service, each weighted by the share of its conversations answered (a
    fallback answer counts half): the time-based service level is this over ``hours``."""


@dataclass(slots=True)
class State:
    """Everything about one game at a tick boundary."""

    tick: int
    luck: Luck
    """The game's chance: every random number, keyed by its purpose (:mod:`game.core.luck`)."""
    money: float
    ledger: dict[str, float]
    """Dollars spent per item; money = budget - sum(ledger)."""
    trust: float
    insight: float
    reliability: float
    allocation: list[int]
    working: list[tuple[int, float]]
    """Each category with a share of the time and its hours of work in a tick: worked out
    from the allocation whenever it is set (:func:`game.core.work.hours_at_work`)."""
    labels: list[float]
    golden: list[float]
    traffic: list[float]
    traffic_mix: int
    """How many times the traffic mix has changed (each drift counts one)."""
    traffic_seen: list[float]
    infra: list[int]
    judge_calibrated: bool
    variables: list[float]
    task_status: list[int]
    task_spent: list[float]
    queues: list[list[int]]
    owed: list[float]
    """Hours owed per category to event choices, spent before the queue."""
    ceiling_lift: list[list[float]]
    """Per training job, per segment: F1 added to the curve by research."""
    hallucination_shift: list[float]
    runs: list[JobRun]
    run_index: dict[str, int]
    """Index in ``runs`` of each run, by its id."""
    running: list[int | None]
    """Per job, the index in ``runs`` of its run in progress (a job runs once at a time)."""
    run_counts: list[int]
    ab_run: int
    """Index in ``runs`` of the A/B test in progress, -1 when none is (one runs at a time)."""
    models: list[ModelRecord]
    prod: int
    measurements: list[Measurement]
    ab_results: list[ABResult]
    fired: list[int]
    live_events: list[int]
    """Indices, in file order, of the events whose earliest tick has come and that may
    still fire: an event that fires only once leaves the list when it fires."""
    last_fired: list[int]
    pending: list[int]
    chosen: list[list[int]]
    """Per event, the indices of the choices taken."""
    traffic_counts: Traffic
    incidents: list[str]
    outage_left: float
    spike: float
    spike_left: float
    shipped: int
    shipped_unevaluated: int
    shipped_untested: int
    evals_run: int
    ab_tests_run: int
    log: list[LogLine]
    obligations: list[Obligation] = field(default_factory=list)
    """Choices whose owed hours are not yet worked, oldest first (``owed`` is their sum)."""
    allocation_changes: int = 0
    """Times the player changed the allocation."""
    shipped_worse: int = 0
    """Models shipped although their own eval or A/B test had measured them significantly
    worse than production (:func:`game.core.evidence.measured_worse`)."""
    latency_factor: float = 1.0
    """Latency multiple under load (1 when the fleet keeps up)."""
    overload_reported: bool = False
    over: bool = False
    segment_outage_left: list[float] = field(default_factory=list)
    """Per segment, hours left of an outage of that segment's traffic alone."""
    spike_scope: str = ""
    """The names of the segments whose traffic the current spike multiplies ("" for all)."""
