"""Player actions: small, typed, serialisable records.

The same records make up a scenario's reference solution (stamped with ``at``, an hour)
and a run file's action list (stamped with ``tick``). The engine checks each against the
state when it is applied and refuses an invalid one with a reason.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    TypeAdapter,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from game.scenario.expr import Expr, ExprError, NameTable, parse_expr, suggest
from game.scenario.moments import Moment
from game.scenario.types import EventRef, JobRef, TaskRef, names_of, refusal

RunId = Annotated[str, Field(min_length=1, max_length=60)]


class ActionBase(BaseModel):
    """Fields and settings every action shares."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Allocate(ActionBase):
    """Split the player's hours across the four kinds of work (percent, sum 100)."""

    do: Literal["allocate"] = "allocate"
    research: int = Field(ge=0, le=100)
    data: int = Field(ge=0, le=100)
    infra: int = Field(ge=0, le=100)
    writing: int = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _sums_to_100(self) -> Allocate:
        total = self.research + self.data + self.infra + self.writing
        if total != 100:
            raise refusal(f"the allocation adds up to {total}%, not 100%")
        return self

    def shares(self) -> tuple[int, int, int, int]:
        """Percentages in category order: research, data, infra, writing."""
        # One lookup of the fields rather than four: a pydantic model's attributes are
        # looked up the slow way, and the engine asks for the shares at every allocation.
        fields = self.__dict__
        return (fields["research"], fields["data"], fields["infra"], fields["writing"])


class QueueTask(ActionBase):
    """Put a task at the end of its category's queue."""

    do: Literal["queue_task"] = "queue_task"
    task: TaskRef


class CancelTask(ActionBase):
    """Take a task out of its queue; hours already spent on it are kept."""

    do: Literal["cancel_task"] = "cancel_task"
    task: TaskRef


class StartJob(ActionBase):
    """Start a run of a job; evals and A/B tests name the model they measure."""

    do: Literal["start_job"] = "start_job"
    job: JobRef
    model: RunId | None = None
    """The model an eval measures or an A/B test tries against production."""


class StopJob(ActionBase):
    """Stop a running job; what it has billed stays billed."""

    do: Literal["stop_job"] = "stop_job"
    run: RunId
    """The run's id, such as lora_es-1."""


class RestartJob(ActionBase):
    """Restart a failed training run, from its last checkpoint when there is one."""

    do: Literal["restart_job"] = "restart_job"
    run: RunId


class Ship(ActionBase):
    """Put a model into production."""

    do: Literal["ship"] = "ship"
    model: RunId


class Choose(ActionBase):
    """Answer the event waiting for an answer."""

    do: Literal["choose"] = "choose"
    event: EventRef
    choice: str

    @model_validator(mode="after")
    def _known_choice(self, info: ValidationInfo) -> Choose:
        table = names_of(info)
        if table is not None and self.event in table.choices:
            options = list(table.choices[self.event])
            if self.choice not in options:
                hint = suggest(self.choice, options)
                raise refusal(f"event '{self.event}' has no choice '{self.choice}'{hint}", "choice")
        return self


Action = Annotated[
    Allocate | QueueTask | CancelTask | StartJob | StopJob | RestartJob | Ship | Choose,
    Field(discriminator="do"),
]
ACTION_ADAPTER: TypeAdapter[Action] = TypeAdapter(Action)


def _check_player_condition(value: Any, info: ValidationInfo) -> Expr:
    if isinstance(value, Expr):
        return value
    if not isinstance(value, str):
        raise refusal('a condition must be text, such as: ab_worse("lora_es") == false')
    table = names_of(info)
    player = replace(table, player_view=True) if table is not None else NameTable(permissive=True)
    try:
        return parse_expr(value, player)
    except ExprError as exc:
        raise refusal(exc.message, col=exc.col) from None


PlayerCondition = Annotated[
    Expr,
    PlainValidator(_check_player_condition),
    PlainSerializer(lambda e: e.source, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": 'A condition on what the player can see, such as: ab_worse("lora_es") '
            "== false",
        }
    ),
]
"""A condition that reads only what the player can see: no truth names, no hidden events."""


class _At(BaseModel):
    at: Moment
    """When the step is taken, on a tick: hours since the start, or a day and a clock such
    as {day: 2, clock: "10:00"}."""
    when: PlayerCondition | None = None
    """Take the step only if this holds. With a condition, the step waits from its hour
    until the first boundary where the condition holds, and is then taken once. It may read
    only what the player can see: never the truth (prod.f1, prod.quality, traffic...) nor
    a hidden event."""


class AtAllocate(Allocate, _At):
    """Allocate, at an hour."""


class AtQueueTask(QueueTask, _At):
    """Queue a task, at an hour."""


class AtCancelTask(CancelTask, _At):
    """Cancel a task, at an hour."""


class AtStartJob(StartJob, _At):
    """Start a job, at an hour."""


class AtStopJob(StopJob, _At):
    """Stop a job, at an hour."""


class AtRestartJob(RestartJob, _At):
    """Restart a job, at an hour."""


class AtShip(Ship, _At):
    """Ship a model, at an hour."""


class AtChoose(Choose, _At):
    """Answer an event, at an hour."""


ReferenceStep = Annotated[
    AtAllocate
    | AtQueueTask
    | AtCancelTask
    | AtStartJob
    | AtStopJob
    | AtRestartJob
    | AtShip
    | AtChoose,
    Field(discriminator="do"),
]


def without_time(step: ActionBase) -> Action:
    """The plain action of a reference step."""
    data = step.model_dump(exclude={"at", "when"}, exclude_none=True)
    return ACTION_ADAPTER.validate_python(data)
