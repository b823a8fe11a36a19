"""The scenario format, version 1, as typed pydantic models.

Every class docstring and field docstring here is the authoring reference: the JSON
Schema is generated from them, and ``docs/scenario-format.md`` is tested against them.
Units are human ones: hours, dollars, percentages (0-100), F1 scores (0-1).
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from game.scenario.actions import ReferenceStep
from game.scenario.expr import INFRA_CAPABILITIES, NameTable
from game.scenario.moments import DayClock, Moment, hour_of, moment_problem
from game.scenario.types import (
    F1,
    Category,
    Condition,
    Dollars,
    Hours,
    Id,
    JobRef,
    Percent,
    Probability,
    SegmentCounts,
    SegmentF1,
    SegmentRef,
    SegmentShift,
    TaskRef,
    VariableValues,
    check_segment_keys,
    names_of,
    refusal,
)

FORMAT_VERSION = 1
MAX_LEVEL = 3
DEFAULT_FALLBACK_SHARES = [0.0, 60.0, 90.0, 99.0]
"""Percent of outage traffic the fallback path serves at levels 0 to 3, unless a scenario
gives its own."""


class Strict(BaseModel):
    """Base of every scenario model: unknown keys are errors; the string under a field
    documents it (read for the JSON Schema by :mod:`game.scenario.field_docs`); a default is
    checked and converted like a written value (a float field's default of ``500`` is the
    float 500.0, whichever way the core is built)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, validate_default=True
    )


def _unique_ids(items: list[Any], what: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.id in seen:
            raise refusal(f"{what} id '{item.id}' is used twice", index, "id")
        seen.add(item.id)


class Time(Strict):
    """How long the scenario lasts and how the clock moves."""

    days: int = Field(1, ge=1, le=30)
    """Working days in the scenario."""
    hours_per_day: float = Field(8, gt=0, le=24)
    """Working hours in a day."""
    tick_minutes: int = Field(30, ge=5, le=240)
    """Minutes of game time per tick; the clock moves in whole ticks."""
    start_clock: str = Field("09:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    """The wall-clock time the day starts at, shown to the player (HH:MM)."""

    @model_validator(mode="after")
    def _whole_ticks(self) -> Time:
        if (self.hours_per_day * 60) % self.tick_minutes:
            raise refusal(
                f"a day of {self.hours_per_day:g} hours is not a whole number of "
                f"{self.tick_minutes}-minute ticks",
                "tick_minutes",
            )
        return self

    @property
    def tick_hours(self) -> float:
        """Hours per tick."""
        return self.tick_minutes / 60

    @property
    def total_ticks(self) -> int:
        """Ticks in the whole scenario."""
        return round(self.days * self.hours_per_day * 60) // self.tick_minutes


class Allocation(Strict):
    """How the player's hours split across the four kinds of work, in percent (sum 100)."""

    research: int = Field(20, ge=0, le=100)
    data: int = Field(30, ge=0, le=100)
    infra: int = Field(30, ge=0, le=100)
    writing: int = Field(20, ge=0, le=100)

    @model_validator(mode="after")
    def _sums_to_100(self) -> Allocation:
        total = self.research + self.data + self.infra + self.writing
        if total != 100:
            raise refusal(f"the allocation adds up to {total}%, not 100%")
        return self


class Background(Strict):
    """What an hour of a category yields when no task of that category is queued."""

    research: float = Field(1.0, ge=0, le=100)
    """Insight points per research hour (reading papers, trying ideas)."""
    insight_lift: float = Field(0.001, ge=0, le=0.05)
    """F1 each insight point adds to the learning curves of every training job, for the
    runs that finish after it was gained."""
    data: float = Field(100.0, ge=0, le=10_000)
    """Generic labeled examples per data hour, spread over segments by traffic share."""
    infra: float = Field(2.0, ge=0, le=100)
    """Reliability points per infra hour (paying down tech debt). Each point above 50
    answers one percent more of the conversations an upstream outage would fail."""
    writing: float = Field(2.0, ge=0, le=100)
    """Trust points per writing hour (docs, model cards, honest updates)."""


class Segment(Strict):
    """A slice of customers with its own share of traffic."""

    id: Id
    name: str
    """The name shown to the player."""
    traffic: float = Field(gt=0, le=100)
    """Share of conversations, percent; the segments' shares add up to 100."""


class ModelSpec(Strict):
    """The model serving production when the scenario starts."""

    id: Id = "baseline"
    """The id actions use to name this model."""
    name: str = "Production model"
    f1: SegmentF1
    """True F1 on each segment (the player never sees these numbers directly)."""
    hallucination: Percent = 2.0
    """True hallucination rate, percent of answers."""
    latency_ms: float = Field(500, gt=0, le=60_000)
    """Median latency in milliseconds."""
    cost_per_request: Dollars = 0.002
    """Upstream API and token cost per conversation, dollars."""


class Escalation(Strict):
    """How quality turns into conversations escalated to a human."""

    base: Percent = 4.0
    """Escalation rate of a perfect model, percent."""
    per_missing_f1_point: float = Field(0.8, ge=0, le=10)
    """Extra escalation percentage points per F1 point (0.01) below 1.0."""


class Serving(Strict):
    """The fixed GPU fleet that serves production."""

    gpus: int = Field(2, ge=0, le=10_000)
    """GPUs serving at normal traffic."""
    gpu_price: Dollars = 3.95
    """Dollars per GPU-hour (Modal H100, May 2026)."""
    headroom: float = Field(1.5, ge=1, le=100)
    """Multiple of normal traffic the fixed fleet absorbs before requests time out."""


class Production(Strict):
    """Production traffic and the model serving it."""

    model: ModelSpec
    conversations_per_hour: float = Field(250, gt=0, le=1e7)
    """Conversations per hour at normal traffic."""
    escalation: Escalation = Escalation()
    serving: Serving = Serving()


class Data(Strict):
    """The labeled data the team has when the scenario starts."""

    labels: SegmentCounts = {}
    """Labeled training examples per segment."""
    golden: SegmentCounts = {}
    """Golden (held-out eval) examples per segment; a segment with none is not measured."""

    @field_validator("labels", "golden")
    @classmethod
    def _non_negative(cls, value: dict[str, int]) -> dict[str, int]:
        for key, count in value.items():
            if count < 0:
                raise refusal("counts cannot be negative", key)
        return value


class Infra(Strict):
    """Infrastructure capability levels (0 none to 3 best) and reliability."""

    checkpointing: int = Field(0, ge=0, le=MAX_LEVEL)
    """Level 0: a failed run restarts from zero; 1-3: checkpoints every 4, 2, 1 hours."""
    monitoring: int = Field(0, ge=0, le=MAX_LEVEL)
    """Level 0: silent collapse goes unseen; 1-3: detected 2 hours, 1 hour, 0 hours after it
    happens (always before the run reports success); drift is noticed from level 1."""
    fallback: int = Field(0, ge=0, le=MAX_LEVEL)
    """Share of outage traffic a fallback path serves, degraded: by level, the percent of
    fallback_shares (0%, 60%, 90%, 99% unless the scenario says otherwise)."""
    fallback_shares: Annotated[list[Percent], Field(min_length=4, max_length=4)] = (
        DEFAULT_FALLBACK_SHARES
    )
    """Percent of outage traffic the fallback path serves at levels 0, 1, 2 and 3, each at
    least the one before; 100 means a fallback that serves everything."""
    autoscaling: int = Field(0, ge=0, le=MAX_LEVEL)
    """Traffic multiple the fleet can scale to: none, 5x, 10x, 20x (billed per GPU-hour)."""
    reliability: Percent = 50
    """Starting reliability, 0 to 100."""

    @field_validator("fallback_shares")
    @classmethod
    def _rising(cls, value: list[float]) -> list[float]:
        for level in range(1, len(value)):
            if value[level] < value[level - 1]:
                raise refusal(
                    f"level {level} serves {value[level]:g}%, less than level {level - 1}'s "
                    f"{value[level - 1]:g}%: each level serves at least the one before",
                    level,
                )
        return value


class Trust(Strict):
    """The product manager's and leadership's confidence in the ML team."""

    start: Percent = 50
    """Trust at the start, 0 to 100."""
    per_incident: float = Field(5, ge=0, le=100)
    """Trust lost per incident."""


class Effect(Strict):
    """One change to the game; write exactly one key per effect."""

    money: float | None = Field(None, ge=-1e9, le=1e9)
    """Dollars gained (positive) or spent (negative)."""
    trust: float | None = Field(None, ge=-100, le=100)
    """Trust points gained or lost."""
    insight: float | None = Field(None, ge=-1000, le=1000)
    """Insight points gained or lost."""
    reliability: float | None = Field(None, ge=-100, le=100)
    """Reliability points gained or lost."""
    labels: SegmentCounts | None = None
    """Labeled training examples added per segment."""
    golden: SegmentCounts | None = None
    """Golden eval examples added per segment."""
    traffic: SegmentShift | None = None
    """Drift: traffic share moved to (positive) or from (negative) segments, in
    percentage points; the other segments make room in proportion to their share."""
    infra: dict[str, Annotated[int, Field(ge=-MAX_LEVEL, le=MAX_LEVEL)]] | None = None
    """Infra levels raised (or lowered), such as {fallback: 1}."""
    start_job: JobRef | None = None
    """Starts a run of the job (its cost is billed as it runs)."""
    queue: TaskRef | None = None
    """Puts the task at the end of its category's queue."""
    outage: OutageValue | None = None
    """The upstream API goes down for this many hours, for all traffic; or, written as
    {hours: 2, segments: [es_cs]}, only for those segments' conversations."""
    spike: Spike | None = None
    """Traffic multiplies for a while."""
    improve: Improvement | None = None
    """A technique from research: lifts a training job's ceilings or cuts hallucination."""
    calibrate_judge: bool | None = None
    """Marks the LLM judge as calibrated against human labels (its bias disappears)."""
    set: VariableValues | None = None
    """Sets scenario variables."""
    add: VariableValues | None = None
    """Adds to scenario variables."""
    message: str | None = Field(None, max_length=2000)
    """A line in the player's log."""
    incident: str | None = Field(None, max_length=500)
    """Records an incident with this description (trust falls by trust.per_incident)."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Effect:
        chosen = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(chosen) != 1:
            names = ", ".join(type(self).model_fields)
            got = ", ".join(chosen) if chosen else "none"
            raise refusal(f"an effect has exactly one key (one of: {names}); got {got}")
        return self

    @field_validator("infra")
    @classmethod
    def _known_capability(cls, value: dict[str, int] | None) -> dict[str, int] | None:
        for key in value or {}:
            if key not in INFRA_CAPABILITIES:
                from game.scenario.expr import suggest

                options = list(INFRA_CAPABILITIES)
                raise refusal(f"unknown infra capability '{key}'{suggest(key, options)}", key)
        return value

    @cached_property
    def kind(self) -> str:
        """The effect's key."""
        for name in type(self).model_fields:
            if getattr(self, name) is not None:
                return name
        raise AssertionError("validated effects have a key")

    @cached_property
    def value(self) -> Any:
        """The effect's value."""
        return getattr(self, self.kind)


class Spike(Strict):
    """A traffic spike."""

    multiplier: float = Field(gt=1, le=100)
    """Traffic multiplies by this."""
    hours: float = Field(gt=0, le=10_000)
    """How long it lasts."""
    segments: SegmentList | None = None
    """Only these segments' traffic multiplies; all traffic when left out. The fleet is
    shared, so their extra load can still time out everyone's requests."""


class Outage(Strict):
    """An upstream outage that hits only some segments' conversations."""

    hours: float = Field(gt=0, le=10_000)
    """How long the API is down for them."""
    segments: SegmentList
    """The segments whose conversations fail (or fall back); the others are served."""


def _outage_form(value: Any) -> str:
    return "scoped" if isinstance(value, dict | Outage) else "hours"


OutageValue = Annotated[
    Annotated[Annotated[float, Field(gt=0, le=10_000)], Tag("hours")]
    | Annotated[Outage, Tag("scoped")],
    Discriminator(_outage_form),
]
"""Hours of an outage of all traffic, or an :class:`Outage` of some segments."""


class Improvement(Strict):
    """What a research technique does to a training job."""

    job: JobRef
    segment: SegmentRef | None = None
    """The segment whose ceiling rises; all segments when left out."""
    ceiling: float = Field(0, ge=-1, le=1)
    """F1 added to the learning curve's ceiling."""
    hallucination: float = Field(0, ge=-100, le=100)
    """Percentage points added to (negative: cut from) the trained model's hallucination."""


class Task(Strict):
    """A piece of the player's own work in the backlog."""

    id: Id
    name: str
    category: Category
    """Which hours do it: research, data, infra or writing."""
    hours: float = Field(gt=0, le=1000)
    """Effort in the player's hours."""
    cost: Dollars = 0
    """Dollars billed when the task is finished."""
    requires: Condition | None = None
    """Condition to queue the task; unmet, it is shown disabled with this condition."""
    effects: list[Effect] = []
    """What finishing the task does."""
    description: str = ""


class Curve(Strict):
    """A learning curve: F1 = ceiling - (ceiling - f1) * (examples / at) ** -exponent."""

    f1: F1
    """F1 reached with `at` labeled examples."""
    at: int = Field(gt=0, le=10_000_000)
    """Labeled examples at which the curve reaches `f1`."""
    ceiling: F1
    """The best F1 this method reaches with unlimited data."""
    exponent: float = Field(0.3, ge=0.01, le=1)
    """How fast the gap closes; published curves sit between 0.07 and 0.35."""

    @model_validator(mode="after")
    def _below_ceiling(self) -> Curve:
        if self.f1 > self.ceiling:
            raise refusal(f"f1 {self.f1} is above the ceiling {self.ceiling}", "f1")
        return self


class Collapse(Strict):
    """How a training run can collapse."""

    per_hour: Probability = 0.0
    """Chance per hour of running that the run collapses."""
    chance_per_run: Probability | None = None
    """Chance that a run collapses at all, instead of a chance per hour: decided once per
    run (and once more at each restart), then the hour is drawn evenly over the run."""
    silent: Percent = 50
    """Percent of collapses that are silent: the run reports success with a broken model."""
    damage: Percent = 50
    """Percent of F1 a silently collapsed model loses (its hallucination rate triples)."""

    @model_validator(mode="after")
    def _one_chance(self) -> Collapse:
        if self.chance_per_run is not None and self.per_hour > 0:
            raise refusal("give per_hour or chance_per_run, not both", "chance_per_run")
        return self


class Risk(Strict):
    """Something that may go wrong in a training run: drawn once per run, keyed by the
    run, so when the run starts does not change whether it strikes."""

    chance_per_run: Probability
    """Chance that it strikes a run."""
    segment: SegmentRef | None = None
    """The segment it hurts; every segment when left out."""
    ceiling: float = Field(0, ge=-1, le=1)
    """F1 added to (negative: taken from) that segment's learning curve for the run."""
    hallucination: float = Field(0, ge=-100, le=100)
    """Percentage points added to the trained model's hallucination rate."""
    text: str = Field("", max_length=500)
    """What happened, for the debrief (the player is not told when it strikes)."""


class JobBase(Strict):
    """Fields every job template has."""

    id: Id
    name: str
    hours: float = Field(gt=0, le=1000)
    """Wall-clock duration of one run."""
    requires: Condition | None = None
    """Condition to start the job; unmet, it is shown disabled with this condition."""
    description: str = ""
    unfinishable: bool = False
    """Says that a run is not meant to finish before the scenario ends (the lesson is that
    it cannot), so that `mlday validate` does not warn that it is too long."""


class TrainingJob(JobBase):
    """A fine-tune: turns the labeled data into a new candidate model."""

    kind: Literal["training"]
    gpus: int = Field(1, ge=1, le=100_000)
    """GPUs the run holds."""
    gpu_price: Dollars = 3.95
    """Dollars per GPU-hour."""
    learning_curve: SegmentCurves
    """A curve per segment; a segment without one keeps the production model's F1."""
    noise: float = Field(0.01, ge=0, le=0.2)
    """Run-to-run spread of F1 (standard deviation)."""
    hallucination: Percent | None = None
    """Hallucination rate of the trained model; the production model's when left out."""
    latency_ms: float | None = Field(None, gt=0, le=60_000)
    cost_per_request: Dollars | None = None
    collapse: Collapse = Collapse()
    risks: list[Risk] = Field([], max_length=20)
    """What may go wrong in a run beyond a collapse, each with its chance per run, such as
    adapters that forget some English."""


class EvalJob(JobBase):
    """An eval run: measures a model on the golden set, per segment."""

    kind: Literal["eval"]
    cost: Dollars = 0
    """Dollars per run (judge API calls, human raters)."""
    judge: Literal["llm", "human"] = "llm"
    """Who grades: an LLM judge (biased until calibrated) or humans."""
    bias: float = Field(0.04, ge=-0.5, le=0.5)
    """F1 an uncalibrated LLM judge adds to every segment's measurement."""


class LabelingJob(JobBase):
    """A labeling-vendor batch: adds labeled examples of one segment when done."""

    kind: Literal["labeling"]
    segment: SegmentRef
    items: int = Field(gt=0, le=10_000_000)
    price_per_item: Dollars = 0.05
    """Dollars per labeled item."""
    golden_share: Percent = 0
    """Percent of the items kept as golden eval examples instead of training labels."""


class ABTestJob(JobBase):
    """An A/B test: serves a candidate to part of the traffic and compares escalations."""

    kind: Literal["ab_test"]
    share: float = Field(50, gt=0, lt=100)
    """Percent of traffic served by the candidate during the test."""
    cost: Dollars = 0
    """Dollars per run."""


Job = Annotated[TrainingJob | EvalJob | LabelingJob | ABTestJob, Field(discriminator="kind")]


class Trigger(Strict):
    """When an event fires: every condition given must hold."""

    at: Moment | None = None
    """Earliest moment it may fire: hours since the start, or a day and a clock such as
    {day: 2, clock: "10:00"}."""
    when: Condition | None = None
    """Condition that must hold."""
    chance_per_hour: Probability | None = None
    """Chance per hour that it fires while the rest holds."""
    mean_hours: float | None = Field(None, gt=0, le=10_000)
    """Mean time to happen, in hours, while the rest holds (instead of a chance)."""
    repeat: bool = False
    """May fire more than once."""
    cooldown_hours: Hours = 0
    """With repeat: hours before it may fire again."""

    @model_validator(mode="after")
    def _some_trigger(self) -> Trigger:
        if self.cooldown_hours and not self.repeat:
            raise refusal("cooldown_hours needs repeat: true", "cooldown_hours")
        if self.chance_per_hour is not None and self.mean_hours is not None:
            raise refusal("give chance_per_hour or mean_hours, not both", "mean_hours")
        if all(v is None for v in (self.at, self.when, self.chance_per_hour, self.mean_hours)):
            raise refusal("a trigger needs at least one of: at, when, chance_per_hour, mean_hours")
        return self


class Outcome(Strict):
    """One possible result of a choice, drawn by weight."""

    weight: float = Field(gt=0, le=1e6)
    text: str = ""
    effects: list[Effect] = []


class Choice(Strict):
    """An option the player can take when an event fires."""

    id: Id
    text: str
    requires: Condition | None = None
    """Condition to take it; unmet, it is shown disabled with this condition."""
    cost: Dollars = 0
    """Dollars it costs."""
    hours: dict[Category, Hours] = {}
    """Hours of the player's work it takes, per category (done before queued tasks)."""
    effects: list[Effect] = []
    outcomes: list[Outcome] = []
    """Weighted random results; one is drawn when the choice is taken."""
    default: bool = False
    """Taken when the clock moves on before the player answers."""
    wait: bool = False
    """Says that the choice does nothing on purpose (wait and see, ignore it), so that
    `mlday validate` does not warn that it has no effect."""


class Event(Strict):
    """Something that happens to the player, with choices."""

    id: Id
    title: str
    text: str
    trigger: Trigger
    effects: list[Effect] = []
    """What happens as soon as it fires, before any choice."""
    choices: list[Choice] = []
    """The options; none means the event is news to read."""
    hidden: bool = False
    """Happens without telling the player (no log line); for changes only monitoring
    would notice, such as drift. A hidden event has no choices."""

    @model_validator(mode="after")
    def _hidden_has_no_choices(self) -> Event:
        if self.hidden and self.choices:
            raise refusal("a hidden event cannot have choices", "choices")
        return self

    @field_validator("choices")
    @classmethod
    def _choices_ok(cls, value: list[Choice]) -> list[Choice]:
        _unique_ids(value, "choice")
        defaults = [i for i, c in enumerate(value) if c.default]
        if len(defaults) > 1:
            raise refusal("only one choice can be the default", defaults[1], "default")
        return value


class Goal(Strict):
    """A condition checked at the end, worth points."""

    id: Id
    text: str
    when: Condition
    points: int = Field(100, ge=1, le=1000)
    """Its share of the goals part of the score, relative to the other goals."""


class Weights(Strict):
    """How the 1000 points split; the six weights add up to 1000."""

    quality: int = Field(350, ge=0, le=1000)
    """True F1 of the production model on the final traffic mix."""
    safety: int = Field(100, ge=0, le=1000)
    """True hallucination rate of the production model."""
    budget: int = Field(150, ge=0, le=1000)
    """Money left; overspending takes points away."""
    reliability: int = Field(150, ge=0, le=1000)
    """Conversations served and incidents."""
    trust: int = Field(100, ge=0, le=1000)
    """Trust at the end."""
    goals: int = Field(150, ge=0, le=1000)
    """Goals reached."""

    @model_validator(mode="after")
    def _sums_to_1000(self) -> Weights:
        total = sum(getattr(self, name) for name in type(self).model_fields)
        if total != 1000:
            raise refusal(f"the weights add up to {total}, not 1000")
        return self


class Band(Strict):
    """A linear scale from no points (at `floor`) to full points (at `target`)."""

    floor: float
    target: float


class ScoreRules(Strict):
    """How the final score is computed."""

    weights: Weights = Weights()
    f1: Band = Band(floor=0.6, target=0.85)
    """Quality: no points at `floor` F1 or below, full points at `target` or above."""
    hallucination: Band = Band(floor=6.0, target=2.0)
    """Safety: no points at `floor` percent or above, full points at `target` or below."""
    served: Band = Band(floor=95.0, target=100.0)
    """Reliability: percent of conversations served (degraded counts half)."""
    incident_penalty: Percent = 10
    """Percent of the reliability part lost per incident."""


class Lesson(Strict):
    """A debrief lesson, shown when its condition holds at the end."""

    title: str
    text: str
    when: Condition | None = None
    """Shown when this holds at the end; always shown when left out."""


class QuizChoice(Strict):
    text: str
    correct: bool = False
    explanation: str = ""
    """Shown after the player picks this answer."""


class Question(Strict):
    """A multiple-choice question with instant feedback."""

    question: str
    choices: list[QuizChoice] = Field(min_length=2)

    @field_validator("choices")
    @classmethod
    def _one_correct(cls, value: list[QuizChoice]) -> list[QuizChoice]:
        if sum(c.correct for c in value) != 1:
            raise refusal("exactly one choice is correct: mark it with correct: true")
        return value


class Debrief(Strict):
    """What the player reads after the end."""

    lessons: list[Lesson] = []
    quiz: list[Question] = []


class Metric(Strict):
    """The name of the quality measure the player reads (F1 unless the scenario says)."""

    name: str = Field("F1", min_length=1, max_length=40)
    """The measure's name in sentences, such as accuracy."""
    short: str = Field("F1", min_length=1, max_length=8)
    """Its short label for tables and gauges, such as Acc."""


class TrafficUnit(Strict):
    """What one unit of production traffic is called (a conversation unless the scenario
    says)."""

    one: str = Field("conversation", min_length=1, max_length=40)
    """The word for one, such as note."""
    many: str = Field("conversations", min_length=1, max_length=40)
    """The word for many, such as notes."""


class Scenario(Strict):
    """A scenario: one day (or week) in the life of an ML engineer."""

    format: Literal[1] = 1
    """The format version; this is version 1."""
    title: str = Field(min_length=1, max_length=200)
    summary: str = ""
    """One line for the scenario picker."""
    briefing: str = ""
    """What the player reads before the clock starts."""
    metric: Metric = Metric()
    """What the scenario calls its quality measure, in the player's words; the numbers are
    still scores from 0 to 1 on learning curves."""
    traffic_unit: TrafficUnit = TrafficUnit()
    """What the scenario calls one unit of production traffic."""
    time: Time = Time()
    budget: Dollars
    """Dollars to spend."""
    allocation: Allocation = Allocation()
    """How the player's hours split at the start."""
    context_switch: float = Field(5, ge=0, le=50)
    """Percent of each tick's hours lost per category beyond the first that gets time."""
    background: Background = Background()
    segments: list[Segment] = Field(min_length=1, max_length=20)
    production: Production
    data: Data = Data()
    infra: Infra = Infra()
    trust: Trust = Trust()
    variables: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")], float] = {}
    """Named numbers of the scenario's own, with starting values; read as vars.NAME."""
    tasks: list[Task] = Field([], max_length=500)
    jobs: list[Job] = Field([], max_length=200)
    events: list[Event] = Field([], max_length=500)
    goals: list[Goal] = Field([], max_length=100)
    score: ScoreRules = ScoreRules()
    debrief: Debrief = Debrief()
    reference: list[ReferenceStep] = Field([], max_length=2000)
    """A solution that plays well: timed actions, used by the reference policy."""

    def _effects(self) -> list[tuple[tuple[str | int, ...], Effect]]:
        """Every effect in the scenario with its path."""
        found: list[tuple[tuple[str | int, ...], Effect]] = []
        for t, task in enumerate(self.tasks):
            found += [(("tasks", t, "effects", i), e) for i, e in enumerate(task.effects)]
        for v, event in enumerate(self.events):
            found += [(("events", v, "effects", i), e) for i, e in enumerate(event.effects)]
            for c, choice in enumerate(event.choices):
                base: tuple[str | int, ...] = ("events", v, "choices", c)
                found += [((*base, "effects", i), e) for i, e in enumerate(choice.effects)]
                for o, outcome in enumerate(choice.outcomes):
                    found += [
                        ((*base, "outcomes", o, "effects", i), e)
                        for i, e in enumerate(outcome.effects)
                    ]
        return found

    def hour_of(self, moment: float | DayClock) -> float:
        """Hours since the start of a moment written in the scenario."""
        return hour_of(moment, self.time)

    def names(self) -> NameTable:
        """The ids this scenario defines, for validating actions and conditions against it."""
        return NameTable(
            segments=[s.id for s in self.segments],
            tasks=[t.id for t in self.tasks],
            jobs=[j.id for j in self.jobs],
            events=[e.id for e in self.events],
            choices={e.id: [c.id for c in e.choices] for e in self.events},
            variables=list(self.variables),
            hidden_events=[e.id for e in self.events if e.hidden],
        )

    @field_validator("segments")
    @classmethod
    def _segments_ok(cls, value: list[Segment]) -> list[Segment]:
        _unique_ids(value, "segment")
        total = sum(s.traffic for s in value)
        if abs(total - 100) > 0.01:
            raise refusal(f"the segments' traffic adds up to {total:g}%, not 100%")
        return value

    @field_validator("tasks", "jobs", "events", "goals")
    @classmethod
    def _ids_unique(cls, value: list[Any], info: ValidationInfo) -> list[Any]:
        _unique_ids(value, str(info.field_name)[:-1])
        return value

    @model_validator(mode="after")
    def _cross_checks(self, info: ValidationInfo) -> Scenario:
        if names_of(info) is None:
            return self
        missing = [s.id for s in self.segments if s.id not in self.production.model.f1]
        if missing:
            raise refusal(
                f"production.model.f1 has no value for segment '{missing[0]}'",
                "production",
                "model",
                "f1",
            )
        end_hour = self.time.days * self.time.hours_per_day
        last_hour = end_hour - self.time.tick_hours
        for step_index, step in enumerate(self.reference):
            problem = moment_problem(step.at, self.time)
            if problem is not None:
                raise refusal(problem, "reference", step_index, "at")
            at = self.hour_of(step.at)
            ticks = at / self.time.tick_hours
            final = step.do == "choose" and abs(at - end_hour) <= 1e-9
            if at > last_hour + 1e-9 and not final:
                raise refusal(
                    f"the step at {_moment_text(step.at, at)} is after the last tick "
                    f"(hour {last_hour:g}); only answers to events are taken at the end "
                    f"(hour {end_hour:g})",
                    "reference",
                    step_index,
                    "at",
                )
            if abs(ticks - round(ticks)) > 1e-6:
                raise refusal(
                    f"hour {at:g} is not on a tick; ticks are "
                    f"{self.time.tick_minutes} minutes long",
                    "reference",
                    step_index,
                    "at",
                )
        for index, event in enumerate(self.events):
            if event.trigger.at is None:
                continue
            problem = moment_problem(event.trigger.at, self.time)
            if problem is not None:
                raise refusal(problem, "events", index, "trigger", "at")
            at = self.hour_of(event.trigger.at)
            if at > end_hour + 1e-9:
                raise refusal(
                    f"the event is timed at hour {at:g}, but events fire at tick "
                    f"boundaries and the last one is at hour {end_hour:g}, the end",
                    "events",
                    index,
                    "trigger",
                    "at",
                )
        ab_jobs = {job.id for job in self.jobs if job.kind == "ab_test"}
        for path, effect in self._effects():
            if effect.start_job in ab_jobs:
                raise refusal(
                    f"an effect cannot start the A/B test '{effect.start_job}': it needs a "
                    "candidate model, which only the player can name",
                    *path,
                    "start_job",
                )
        if self.score.weights.goals > 0 and not self.goals:
            raise refusal(
                f"score.weights.goals gives {self.score.weights.goals} points to goals, "
                "but there are no goals: add goals or set the weight to 0",
                "score",
                "weights",
                "goals",
            )
        return self


def _moment_text(moment: float | DayClock, hour: float) -> str:
    """``hour 9``, or ``day 2 10:00 (hour 9)`` for a moment written as a day and a clock."""
    if isinstance(moment, DayClock):
        return f"{moment} (hour {hour:g})"
    return f"hour {hour:g}"


def _unique_segments(value: list[str]) -> list[str]:
    for index, segment in enumerate(value):
        if segment in value[:index]:
            raise refusal(f"segment '{segment}' is listed twice", index)
    return value


SegmentList = Annotated[
    list[SegmentRef], Field(min_length=1, max_length=20), AfterValidator(_unique_segments)
]
"""Some of the scenario's segments, each named once."""

SegmentCurves = Annotated[dict[str, Curve], Field(min_length=1), AfterValidator(check_segment_keys)]

Spike.model_rebuild()
Outage.model_rebuild()
Effect.model_rebuild()
TrainingJob.model_rebuild()


def name_table(raw: Any) -> NameTable:
    """Collect the ids a raw (unvalidated) scenario document defines, tolerating any shape."""

    def ids(section: str) -> list[str]:
        items = raw.get(section) if isinstance(raw, dict) else None
        if not isinstance(items, list):
            return []
        return [str(item["id"]) for item in items if isinstance(item, dict) and "id" in item]

    choices: dict[str, list[str]] = {}
    events = raw.get("events") if isinstance(raw, dict) else None
    for event in events if isinstance(events, list) else []:
        if isinstance(event, dict) and "id" in event and isinstance(event.get("choices"), list):
            choices[str(event["id"])] = [
                str(c["id"]) for c in event["choices"] if isinstance(c, dict) and "id" in c
            ]
    variables = raw.get("variables") if isinstance(raw, dict) else None
    return NameTable(
        segments=ids("segments"),
        tasks=ids("tasks"),
        jobs=ids("jobs"),
        events=ids("events"),
        choices=choices,
        variables=[str(k) for k in variables] if isinstance(variables, dict) else [],
        hidden_events=[
            str(event["id"])
            for event in (events if isinstance(events, list) else [])
            if isinstance(event, dict) and "id" in event and event.get("hidden") is True
        ],
    )


def validate_scenario(raw: Any) -> Scenario:
    """Validate a raw document into a :class:`Scenario`, checking every reference."""
    return Scenario.model_validate(raw, context={"names": name_table(raw)})
