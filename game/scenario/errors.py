"""Validation errors in plain English: one translator and one value describer.

pydantic reports what is wrong with a document as error records (a type such as
``int_parsing``, a location, the input, a context). :func:`error_message` turns any such
record into a sentence a teacher can act on (``expected a number, got 'a lot'``), and
:func:`describe_value` is how every message shows a raw value. Scenarios, run files and
action records all use these two, each with its own :class:`Wording` (a YAML file has
keys and mappings; a JSON action record has fields and objects).

For scenarios, :func:`translate` also places each error in the YAML file (line and
column), following these rules:

* a wrong value points at the value; an unknown key points at the key;
* a missing key points at the mapping that lacks it;
* a problem a validator places below its field (``at`` in the error's context) points at
  that place: at the key when the message quotes the key (``unknown segment 'es_cs'``),
  at the value otherwise;
* a problem inside a condition points at the column inside the condition when the
  condition is written on one line without escapes.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from game.scenario.expr import suggest
from game.scenario.model import Scenario
from game.scenario.types import ID_PATTERN
from game.scenario.yaml_source import Document
from game.scenario.yaml_source import Path as DocPath

Found: TypeAlias = tuple[int, int, str]
"""A placed problem: 1-based line and column, and the message."""


# --- wording -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    """What one kind of document calls its parts, for messages."""

    entry: str = "key"
    """What a named entry is called: ``key`` in YAML and run files, ``field`` in actions."""
    null: str = "nothing (the value is empty or null)"
    mapping: str = "a mapping"
    expected_mapping: str = "a mapping (key: value lines)"
    expected_list: str = "a list (lines starting with '- ')"
    patterns: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """What a regular expression of a field means, in words (beside the shared ones)."""


YAML = Wording()
"""Scenario files."""
JSON = Wording(
    null="null", mapping="an object", expected_mapping="an object", expected_list="a list"
)
"""Run files and other JSON documents."""
ACTION_RECORD = Wording(
    entry="field",
    null="null",
    mapping="an object",
    expected_mapping="an object",
    expected_list="a list",
)
"""Timed action records (in run files and action files)."""

_PATTERNS: dict[str, str] = {
    ID_PATTERN: "an id is lower_snake_case: a small letter, then small letters, digits or _"
    " (at most 40 characters)",
    r"^([01][0-9]|2[0-3]):[0-5][0-9]$": "expected a time of day as HH:MM, such as 09:00",
}

_EXPECTED: dict[str, str] = {
    "float_parsing": "a number",
    "float_type": "a number",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "int_parsing_size": "a smaller whole number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "text",
}
_EXPECTED_MAPPING = frozenset({"model_type", "model_attributes_type", "dict_type"})

_BOUNDS: dict[str, tuple[str, str]] = {
    "greater_than_equal": ("ge", "must be at least {}"),
    "greater_than": ("gt", "must be more than {}"),
    "less_than_equal": ("le", "must be at most {}"),
    "less_than": ("lt", "must be less than {}"),
}


def describe_value(value: Any, wording: Wording = YAML) -> str:
    """A short description of a raw value, for messages: ``'a lot'``, ``3``, ``a list``."""
    if value is None:
        return wording.null
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return repr(shown)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return wording.mapping
    return type(value).__name__


def error_message(error: ErrorDetails, wording: Wording = YAML, *, tags: str = "") -> str:
    """Plain English for one pydantic error (its place is said separately).

    ``tags`` lists what a discriminated union accepts, for a missing discriminator.
    """
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error.get("input")
    loc = error["loc"]
    if kind == "scenario":
        return str(ctx.get("message", error["msg"]))
    if kind == "missing":
        return f"missing required {wording.entry} '{loc[-1]}'"
    if kind == "extra_forbidden":
        return f"unknown {wording.entry} '{loc[-1]}'"
    if kind == "union_tag_invalid":
        return _tag_invalid(_unquote(ctx.get("discriminator", "")), ctx)
    if kind == "union_tag_not_found":
        key = _unquote(ctx.get("discriminator", ""))
        return f"missing required {wording.entry} '{key}'" + (f" (one of: {tags})" if tags else "")
    expected = _expected(kind, wording)
    if expected is not None:
        got = describe_value(value, wording)
        return f"expected {expected}, got {got}" + _quote_hint(kind, value) + _number_hint(value)
    if kind in _BOUNDS:
        name, template = _BOUNDS[kind]
        return template.format(_number(ctx.get(name))) + f"; got {describe_value(value, wording)}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        rule = wording.patterns.get(pattern) or _PATTERNS.get(pattern)
        rule = rule or f"must match the pattern {pattern}"
        return f"{rule}; got {describe_value(value, wording)}"
    return _reword_sizes(kind, ctx, value) or _reword_other(error, ctx, value, wording)


def error_place(error: ErrorDetails) -> list[int | str]:
    """The location an :func:`error_message` is about.

    A missing or unknown entry is about the mapping that holds it (the message names the
    entry); a validator's ``at`` context goes one or more steps further down.
    """
    loc = list(error["loc"])
    kind = error["type"]
    if kind in ("missing", "extra_forbidden") and loc:
        return loc[:-1]
    ctx = dict(error.get("ctx") or {})
    if kind == "scenario" and "at" in ctx:
        loc += [int(p) if p.isdigit() else p for p in str(ctx["at"]).split("/")]
    return loc


def format_loc(loc: Iterable[int | str]) -> str:
    """``("actions", 3, "task")`` as ``actions[3].task``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def errors_line(
    errors: Iterable[ErrorDetails],
    wording: Wording,
    *,
    limit: int | None = None,
    skip: Iterable[str] = (),
    tags: str = "",
) -> str:
    """Errors as one line, ``place: message; place: message``, without repeats.

    ``skip`` names location steps left out (a union's tag, such as ``queue_task``); with
    ``limit``, the line ends with ``and N more problems`` past that many; ``tags`` is
    passed on to :func:`error_message`.
    """
    skipped = set(skip)
    lines: list[str] = []
    for error in errors:
        place = format_loc(part for part in error_place(error) if part not in skipped)
        message = error_message(error, wording, tags=tags)
        lines.append(f"{place}: {message}" if place else message)
    unique = list(dict.fromkeys(lines))
    if limit is None or len(unique) <= limit:
        return "; ".join(unique)
    more = len(unique) - limit
    return "; ".join(unique[:limit]) + f"; and {more} more problem{'s' if more > 1 else ''}"


def _expected(kind: str, wording: Wording) -> str | None:
    if kind in _EXPECTED_MAPPING:
        return wording.expected_mapping
    if kind == "list_type":
        return wording.expected_list
    return _EXPECTED.get(kind)


def _reword_sizes(kind: str, ctx: dict[str, Any], value: Any) -> str | None:
    if kind == "string_too_short":
        return (
            "must not be empty"
            if ctx.get("min_length") == 1
            else (f"must have at least {ctx.get('min_length')} characters")
        )
    if kind == "string_too_long":
        size = len(value) if isinstance(value, str) else "too many"
        return f"is too long: {size:,} characters; at most {ctx.get('max_length')}"
    if kind == "too_short":
        least, got = ctx.get("min_length"), ctx.get("actual_length")
        return f"needs at least {least} item{'s' if least != 1 else ''}; got {got}"
    if kind == "too_long":
        return f"has too many items: at most {ctx.get('max_length')}"
    return None


def _reword_other(error: ErrorDetails, ctx: dict[str, Any], value: Any, wording: Wording) -> str:
    kind = error["type"]
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", ""))
        options = re.findall(r"'([^']*)'", expected)
        hint = suggest(value, options) if isinstance(value, str) else ""
        return f"expected {expected}, got {describe_value(value, wording)}{hint}"
    if kind == "finite_number":
        return "must be a finite number"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _tag_invalid(key: str, ctx: dict[str, Any]) -> str:
    tag = str(ctx.get("tag", ""))
    options = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", "")))
    listed = ", ".join(options)
    return f"{key}: '{tag}' is unknown; expected one of: {listed}{suggest(tag, options)}"


def _quote_hint(kind: str, value: Any) -> str:
    if kind == "string_type" and isinstance(value, bool | int | float):
        return "; put it in quotes to use it as text"
    return ""


_PERCENT = re.compile(r"\s*([-+]?[0-9][0-9,_]*(?:\.[0-9]+)?)\s*%\s*")
_DOLLARS = re.compile(r"\s*\$\s*([0-9][0-9,_]*(?:\.[0-9]+)?)\s*([kK]?)\s*")
_COMMAS = re.compile(r"\s*[-+]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?\s*")
_CLOCK = re.compile(r"\s*([01]?[0-9]|2[0-3]):([0-5][0-9])\s*")


def _number_hint(value: Any) -> str:
    """How to write, as a plain number, text that looks like one (``80%``, ``$6,000``)."""
    if not isinstance(value, str):
        return ""
    if match := _PERCENT.fullmatch(value):
        return f"; write a percentage as a plain number: {_plain(match[1])}"
    if match := _DOLLARS.fullmatch(value):
        thousands = 1000 if match[2] else 1
        dollars = _plain(match[1], thousands)
        return f"; write dollars as a plain number, without '$' or commas: {dollars}"
    if _COMMAS.fullmatch(value):
        return f"; write the number without commas: {_plain(value)}"
    if match := _CLOCK.fullmatch(value):
        clock = f"{int(match[1]):02d}:{match[2]}"
        return (
            "; a clock time is not a number here: write a number of hours (a trigger's or "
            f'a reference step\'s at takes a day and a clock: {{day: 1, clock: "{clock}"}})'
        )
    return ""


def _plain(text: str, times: int = 1) -> str:
    """``'6,000'`` as ``6000``: a number written without separators."""
    number = float(text.replace(",", "").replace("_", "").strip()) * times
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else str(number)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _unquote(text: Any) -> str:
    return str(text).strip("'\"")


def translate(document: Document, errors: list[ErrorDetails]) -> list[Found]:
    """pydantic's errors about a scenario document, placed and reworded, without noise."""
    return _Translator(document).translate(errors)


# --- placing errors in a scenario file --------------------------------------------------


@dataclass
class _Place:
    """Where an error's location lands in the document."""

    path: DocPath
    model: Any
    """The type (best effort) at the end of the location."""
    value: Any
    """The raw value at ``path``."""
    on_key: bool = False


_USED_TWICE = re.compile(r".* id '(.+)' is used twice")


class _Translator:
    """Turns pydantic's errors about a document into (line, col, message) triples."""

    def __init__(self, document: Document) -> None:
        self.doc = document

    def translate(self, errors: list[ErrorDetails]) -> list[Found]:
        """Placed, reworded problems; drops noise that another problem already explains."""
        results: list[tuple[DocPath, str, Found]] = []
        suggested: set[tuple[DocPath, str]] = set()
        for error in errors:
            place = self.locate(error["loc"])
            if self._spoiled(place.path):
                continue
            hint = ""
            if error["type"] == "extra_forbidden":
                place.on_key = True
                hint = self._unknown_key_hint(error["loc"])
                if hint.startswith("; did you mean"):
                    suggested.add((place.path[:-1], hint.split("'")[1]))
            message, (line, col) = self.reword(error, place)
            results.append((place.path, _missing_name(error), (line, col, message + hint)))
        return [
            found
            for path, missing, found in results
            if not (missing and (path, missing) in suggested)
        ]

    def _unknown_key_hint(self, loc: tuple[int | str, ...]) -> str:
        parent = self.locate(loc[:-1])
        return _field_hint(str(loc[-1]), _fields_of(parent.model))

    def _spoiled(self, path: DocPath) -> bool:
        return any(path[:n] in self.doc.spoiled for n in range(len(path) + 1))

    def locate(self, loc: tuple[int | str, ...]) -> _Place:
        """Walk the document along ``loc``, skipping union tags and absent keys."""
        place = _Place(path=(), model=Scenario, value=self.doc.data)
        for element in loc:
            if element == "[key]":
                place.on_key = True
                continue
            next_model, is_tag = _step_type(place.model, element)
            place.model = next_model
            if not is_tag:
                _step_value(place, element)
        return place

    def reword(self, error: ErrorDetails, place: _Place) -> tuple[str, tuple[int, int]]:
        """The plain-English message and the (line, col) it points at."""
        kind = error["type"]
        ctx: dict[str, Any] = dict(error.get("ctx") or {})
        tags = ""
        if kind == "union_tag_not_found":
            tags = _tags_of(place.model, _unquote(ctx.get("discriminator", "")))
        message = error_message(error, YAML, tags=tags)
        col_inside: int | None = None
        if kind == "scenario":
            message += self._first_use(message, place)
            if "at" in ctx:
                for part in str(ctx["at"]).split("/"):
                    _step_value(place, part)
                place.on_key = bool(place.path) and f"'{place.path[-1]}'" in message
            if isinstance(ctx.get("col"), int) and not place.on_key:
                col_inside = ctx["col"] + _leading_blanks(place.value)
        elif kind == "union_tag_invalid":
            _step_value(place, _unquote(ctx.get("discriminator", "")))
        return message, self._line_col(place, col_inside)

    def _first_use(self, message: str, place: _Place) -> str:
        """`` (first at line N)`` for an id used twice in the list at ``place``."""
        match = _USED_TWICE.fullmatch(message)
        if match is None or not isinstance(place.value, list):
            return ""
        for index, item in enumerate(place.value):
            if isinstance(item, dict) and item.get("id") == match[1]:
                pos = self.doc.values.get((*place.path, index, "id"))
                return f" (first at line {pos.line})" if pos is not None else ""
        return ""

    def _line_col(self, place: _Place, col_inside: int | None) -> tuple[int, int]:
        table = self.doc.keys if place.on_key else self.doc.values
        path = place.path
        pos = table.get(path)
        while pos is None and path:
            path = path[:-1]
            pos = self.doc.values.get(path)
        if pos is None:
            return (1, 1)
        if col_inside is not None and pos.inner is not None and path == place.path:
            return (pos.line, pos.col + pos.inner + col_inside)
        return (pos.line, pos.col)


def _step_value(place: _Place, element: int | str) -> None:
    """Move one step down the raw document; stay put when the step does not exist."""
    value = place.value
    if isinstance(value, dict) and isinstance(element, str) and element in value:
        place.path = (*place.path, element)
        place.value = value[element]
    elif isinstance(value, list):
        index = int(element) if isinstance(element, str) and element.isdigit() else element
        if isinstance(index, int) and 0 <= index < len(value):
            place.path = (*place.path, index)
            place.value = value[index]


def _leading_blanks(value: Any) -> int:
    return len(value) - len(value.lstrip()) if isinstance(value, str) else 0


def _missing_name(error: ErrorDetails) -> str:
    if error["type"] == "missing" and error["loc"]:
        return str(error["loc"][-1])
    if error["type"] == "union_tag_not_found":
        return _unquote(dict(error.get("ctx") or {}).get("discriminator", ""))
    return ""


# --- walking the model types -------------------------------------------------------------


def _unwrap(tp: Any) -> Any:
    """Strip ``Annotated`` and ``X | None`` around a type."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(members) != 1:
                return tp
            tp = members[0]
        else:
            return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _step_type(tp: Any, element: int | str) -> tuple[Any, bool]:
    """The type one step down ``element``, and whether ``element`` was a union's tag."""
    tp = _unwrap(tp)
    if tp is None:
        return None, False
    if _is_model(tp):
        field = tp.model_fields.get(element) if isinstance(element, str) else None
        return (field.annotation if field is not None else None), False
    origin = typing.get_origin(tp)
    if origin is list:
        return typing.get_args(tp)[0], False
    if origin is dict:
        return typing.get_args(tp)[1], False
    if origin in (typing.Union, types.UnionType):
        for member in typing.get_args(tp):
            if _is_model(member) and element in _literal_values(member):
                return member, True
    return None, False


def _literal_values(model: type[BaseModel]) -> list[Any]:
    values: list[Any] = []
    for field in model.model_fields.values():
        if typing.get_origin(field.annotation) is typing.Literal:
            values.extend(typing.get_args(field.annotation))
    return values


def _fields_of(tp: Any) -> list[str]:
    """Field names of the model at a place, when the place is a model."""
    tp = _unwrap(tp)
    return list(tp.model_fields) if _is_model(tp) else []


def _tags_of(tp: Any, key: str) -> str:
    """The tags a discriminated union at a place accepts, as ``a, b, c``."""
    tp = _unwrap(tp)
    tags: list[str] = []
    for member in typing.get_args(tp):
        field = member.model_fields.get(key) if _is_model(member) else None
        if field is not None and typing.get_origin(field.annotation) is typing.Literal:
            tags.extend(str(v) for v in typing.get_args(field.annotation))
    return ", ".join(tags)


def _field_hint(key: str, fields: list[str]) -> str:
    hint = suggest(key, fields)
    if hint or not fields:
        return hint
    if len(fields) <= 12:
        return f"; the keys here are: {', '.join(fields)}"
    return ""
