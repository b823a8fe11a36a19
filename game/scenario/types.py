"""Shared field types of the scenario format: ids, references, percentages, conditions.

References (a task id, a segment id, a condition's names) are checked against the
scenario's :class:`NameTable`, passed to pydantic as the validation context. Errors are
raised as :class:`PydanticCustomError` of type ``scenario`` whose context may carry
``at`` (a path below the field, ``/``-separated) and ``col`` (a column inside the text),
so the loader can point at the exact place.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from game.scenario.expr import Expr, ExprError, NameTable, parse_expr, suggest

ID_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"


class Category(StrEnum):
    """The four kinds of work an ML engineer's hours go to."""

    RESEARCH = "research"
    DATA = "data"
    INFRA = "infra"
    WRITING = "writing"


CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)


def refusal(message: str, *at: str | int, col: int | None = None) -> PydanticCustomError:
    """A validation error the loader can place: ``at`` is a path below the field."""
    ctx: dict[str, Any] = {"message": message}
    if at:
        ctx["at"] = "/".join(str(part) for part in at)
    if col is not None:
        ctx["col"] = col
    return PydanticCustomError("scenario", "{message}", ctx)


def names_of(info: ValidationInfo) -> NameTable | None:
    """The scenario's name table, when validation was given one."""
    context = info.context
    if isinstance(context, dict):
        table = context.get("names")
        if isinstance(table, NameTable):
            return table
    return None


def _check_condition(value: Any, info: ValidationInfo) -> Expr:
    if isinstance(value, Expr):
        return value
    if isinstance(value, bool):
        value = "true" if value else "false"
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        raise refusal("a condition must be text, such as: labels.es_cs >= 500")
    try:
        return parse_expr(value, names_of(info) or _PERMISSIVE)
    except ExprError as exc:
        raise refusal(exc.message, col=exc.col) from None


_PERMISSIVE = NameTable(permissive=True)

Condition = Annotated[
    Expr,
    PlainValidator(_check_condition),
    PlainSerializer(lambda e: e.source, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": 'A condition, such as: labels.es_cs >= 500 and done("label_es")',
        }
    ),
]


def _ref_checker(kind: str) -> Callable[[str, ValidationInfo], str]:
    def check(value: str, info: ValidationInfo) -> str:
        table = names_of(info)
        if table is None:
            return value
        options: list[str] = list(getattr(table, kind + "s"))
        if value not in options:
            raise refusal(f"unknown {kind} '{value}'{suggest(value, options)}")
        return value

    return check


Id = Annotated[str, Field(pattern=ID_PATTERN)]
SegmentRef = Annotated[str, AfterValidator(_ref_checker("segment"))]
TaskRef = Annotated[str, AfterValidator(_ref_checker("task"))]
JobRef = Annotated[str, AfterValidator(_ref_checker("job"))]
EventRef = Annotated[str, AfterValidator(_ref_checker("event"))]


def _key_checker(
    kind: str, advice: str = ""
) -> Callable[[dict[str, Any], ValidationInfo], dict[str, Any]]:
    def check(value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        table = names_of(info)
        if table is None:
            return value
        options: list[str] = list(getattr(table, kind + "s"))
        for key in value:
            if key not in options:
                raise refusal(f"unknown {kind} '{key}'{advice}{suggest(key, options)}", key)
        return value

    return check


check_segment_keys = _key_checker("segment")
"""Refuses a mapping key that is not one of the scenario's segment ids."""
_check_variable_keys = _key_checker("variable", " (declare it under variables:)")


# The shared types carry no description: a field's own docstring describes it.
Percent = Annotated[float, Field(ge=0, le=100)]
Dollars = Annotated[float, Field(ge=0, le=1e9)]
Hours = Annotated[float, Field(ge=0, le=10_000)]
Probability = Annotated[float, Field(ge=0, le=1)]
F1 = Annotated[float, Field(ge=0, le=1)]

SegmentCounts = Annotated[
    dict[str, Annotated[int, Field(ge=-1_000_000, le=1_000_000)]],
    AfterValidator(check_segment_keys),
]
SegmentF1 = Annotated[dict[str, F1], AfterValidator(check_segment_keys)]
SegmentShift = Annotated[
    dict[str, Annotated[float, Field(ge=-100, le=100)]], AfterValidator(check_segment_keys)
]
VariableValues = Annotated[
    dict[str, Annotated[float, Field(ge=-1e9, le=1e9)]], AfterValidator(_check_variable_keys)
]
