"""Load a scenario file: read it safely, validate it, and report every problem at once.

Problems come as ``FILE:LINE:COL: error: message`` lines in plain English, with a hint
where one helps (``unknown key 'segmnts'; did you mean 'segments'?``). Lines and columns
are 1-based; columns count characters.

Where a problem points:

* a wrong value points at the value; an unknown key points at the key;
* a missing key points at the mapping that lacks it;
* a problem a validator places below its field (``at`` in the error's context) points at
  that place: at the key when the message quotes the key (``unknown segment 'es_cs'``),
  at the value otherwise;
* a problem inside a condition points at the column inside the condition when the
  condition is written on one line without escapes.
"""

from __future__ import annotations

import hashlib
import os
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from game.scenario.expr import suggest
from game.scenario.files import read_regular
from game.scenario.model import Scenario, validate_scenario
from game.scenario.types import ID_PATTERN
from game.scenario.yaml_source import Document, Issue, Position, YamlError, read_yaml
from game.scenario.yaml_source import Path as DocPath

MAX_BYTES = 1 << 20
"""The largest scenario file read, in bytes (1 MiB)."""

MAX_PROBLEMS = 200
"""Problems reported per file; a file with more gets a final '... and N more' line."""
_MAX_TRANSLATED = 1000

MAX_EVENT_TICKS = 500_000
"""Events times ticks: every event's trigger is checked at every tick boundary."""
MAX_REPEATING_EVENT_TICKS = 50_000
"""Repeating events times ticks: each may fire, and write to the log, at every boundary."""

EMPTY_MESSAGE = (
    "the file is empty; a scenario is a mapping with keys such as title, budget, segments"
)


@dataclass(frozen=True)
class Problem:
    """One problem in a file; ``line`` and ``col`` are 1-based."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: error: {self.message}"


class ScenarioError(Exception):
    """A scenario file has problems; ``problems`` lists them all, sorted by place."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class ScenarioUnreadable(ScenarioError):  # noqa: N818 (the name is the public API)
    """The file cannot be read at all (missing, a directory, no permission)."""


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario and where it came from."""

    path: str
    """The path as given."""
    id: str
    """The file stem, such as ``ravi-tuesday``."""
    sha256: str
    """Hex SHA-256 of the file's raw bytes (the content hash run files record)."""
    scenario: Scenario


def load_scenario(path: str | os.PathLike[str]) -> LoadedScenario:
    """Read and validate a scenario file; raise :class:`ScenarioError` on any problem."""
    name = os.fspath(path)
    return load_scenario_bytes(read_bytes(name), name)


def load_scenario_bytes(data: bytes, name: str) -> LoadedScenario:
    """Validate a scenario from its raw bytes; ``name`` is used in problems and for the id."""
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_BYTES:
        raise ScenarioError([Problem(name, 1, 1, _too_big(len(data)))])
    try:
        document = read_yaml(data)
    except YamlError as exc:
        raise ScenarioError(_sorted(name, _triples(exc.issues))) from None
    scenario, found, untold = _check(document)
    if scenario is None:
        raise ScenarioError(_sorted(name, found, untold))
    return LoadedScenario(path=name, id=Path(name).stem, sha256=digest, scenario=scenario)


_Found: TypeAlias = tuple[int, int, str]


def _check(document: Document) -> tuple[Scenario | None, list[_Found], int]:
    """The scenario (``None`` when anything is wrong), the problems found, and how many
    more problems pydantic found that were not worth placing."""
    found = _triples(document.issues)
    top = _top_level_problem(document)
    if top is not None:
        return None, [*found, top], 0
    try:
        scenario = validate_scenario(document.data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        found.extend(_Translator(document).translate(errors[:_MAX_TRANSLATED]))
        return None, found, max(len(errors) - _MAX_TRANSLATED, 0)
    if not found:
        cost = _cost_problem(scenario, document)
        found.extend([cost] if cost is not None else [])
    return (None if found else scenario), found, 0


def _cost_problem(scenario: Scenario, document: Document) -> _Found | None:
    """A problem when one game of the scenario would cost too much time and memory.

    A game checks every event at every tick boundary, and a repeating event may fire at
    each of them: 500 repeating events over 8,640 five-minute ticks would take minutes and
    gigabytes for one game. The limits keep one game under about a second.
    """
    ticks = scenario.time.total_ticks
    events = len(scenario.events)
    repeating = sum(1 for event in scenario.events if event.trigger.repeat)
    pos = document.keys.get(("events",), Position(1, 1))
    if repeating * ticks > MAX_REPEATING_EVENT_TICKS:
        return (
            pos.line,
            pos.col,
            f"{repeating} repeating events over {ticks:,} ticks is too costly to play: "
            f"repeating events times ticks is at most {MAX_REPEATING_EVENT_TICKS:,} "
            f"(here {repeating * ticks:,}); use fewer repeating events or longer ticks",
        )
    if events * ticks > MAX_EVENT_TICKS:
        return (
            pos.line,
            pos.col,
            f"{events} events over {ticks:,} ticks is too costly to play: events times "
            f"ticks is at most {MAX_EVENT_TICKS:,} (here {events * ticks:,}); use fewer "
            "events or longer ticks",
        )
    return None


def _triples(issues: Iterable[Issue]) -> list[_Found]:
    return [(issue.line, issue.col, issue.message) for issue in issues]


def read_bytes(name: str) -> bytes:
    """The bytes of a scenario file.

    Raises :class:`ScenarioUnreadable` when the file cannot be read or is not a regular
    file (a FIFO, a device), and :class:`ScenarioError` when it is over :data:`MAX_BYTES`
    (without reading it all).
    """
    try:
        data = read_regular(name, MAX_BYTES)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ScenarioUnreadable([Problem(name, 1, 1, f"cannot read the file: {reason}")]) from None
    if len(data) > MAX_BYTES:
        try:
            size = max(os.stat(name).st_size, len(data))
        except OSError:
            size = len(data)
        raise ScenarioError([Problem(name, 1, 1, _too_big(size))])
    return data


def _too_big(size: int) -> str:
    return (
        f"the file is {size / 1_000_000:.1f} MB ({size:,} bytes); "
        f"a scenario is at most 1 MiB ({MAX_BYTES:,} bytes)"
    )


def _sorted(name: str, found: Iterable[_Found], untold: int = 0) -> list[Problem]:
    """Problems in file order, without repeats, at most :data:`MAX_PROBLEMS` (then a note).

    ``untold`` counts problems found but not placed (beyond what is worth placing).
    """
    ordered = sorted(set(found))
    shown = [Problem(name, line, col, message) for line, col, message in ordered[:MAX_PROBLEMS]]
    more = len(ordered) - len(shown) + untold
    if more > 0:
        last = shown[-1]
        shown.append(Problem(name, last.line, last.col, f"... and {more:,} more problems"))
    return shown


def _top_level_problem(document: Document) -> _Found | None:
    data = document.data
    if data is None:
        return (1, 1, EMPTY_MESSAGE)
    if isinstance(data, dict):
        return None
    pos = document.values.get((), Position(1, 1))
    what = _describe(data)
    if isinstance(data, str):
        what = "only the text " + what
    elif isinstance(data, int | float) and not isinstance(data, bool):
        what = "only the number " + what
    elif isinstance(data, bool):
        what = "only the value " + what
    return (
        pos.line,
        pos.col,
        f"a scenario is a mapping with keys such as title, budget, segments; "
        f"this file holds {what}",
    )


# --- placing and rewording pydantic's errors ---------------------------------------------


@dataclass
class _Place:
    """Where an error's location lands in the document."""

    path: DocPath
    model: Any
    """The type (best effort) at the end of the location."""
    value: Any
    """The raw value at ``path``."""
    on_key: bool = False


class _Translator:
    """Turns pydantic's errors about a document into (line, col, message) triples."""

    def __init__(self, document: Document) -> None:
        self.doc = document

    def translate(self, errors: list[ErrorDetails]) -> list[_Found]:
        """Placed, reworded problems; drops noise that another problem already explains."""
        results: list[tuple[DocPath, str, _Found]] = []
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
        col_inside: int | None = None
        if kind == "scenario":
            message = str(ctx.get("message", error["msg"]))
            if "at" in ctx:
                for part in str(ctx["at"]).split("/"):
                    _step_value(place, part)
                place.on_key = bool(place.path) and f"'{place.path[-1]}'" in message
            if isinstance(ctx.get("col"), int) and not place.on_key:
                col_inside = ctx["col"] + _leading_blanks(place.value)
        elif kind == "union_tag_invalid":
            key = _unquote(ctx.get("discriminator", ""))
            message = _tag_invalid(key, ctx)
            _step_value(place, key)
        elif kind == "union_tag_not_found":
            key = _unquote(ctx.get("discriminator", ""))
            tags = _tags_of(place.model, key)
            message = f"missing required key '{key}'" + (f" (one of: {tags})" if tags else "")
        else:
            message = _reword_plain(error)
        return message, self._line_col(place, col_inside)

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


# --- wording -----------------------------------------------------------------------------

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
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "dict_type": "a mapping (key: value lines)",
    "list_type": "a list (lines starting with '- ')",
}

_BOUNDS: dict[str, tuple[str, str]] = {
    "greater_than_equal": ("ge", "must be at least {}"),
    "greater_than": ("gt", "must be more than {}"),
    "less_than_equal": ("le", "must be at most {}"),
    "less_than": ("lt", "must be less than {}"),
}


def _reword_plain(error: ErrorDetails) -> str:
    """Plain English for pydantic's own error types."""
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    value = error.get("input")
    if kind == "missing":
        return f"missing required key '{error['loc'][-1]}'"
    if kind == "extra_forbidden":
        return f"unknown key '{error['loc'][-1]}'"
    if kind in _EXPECTED:
        return f"expected {_EXPECTED[kind]}, got {_describe(value)}" + _quote_hint(kind, value)
    if kind in _BOUNDS:
        name, template = _BOUNDS[kind]
        return template.format(_number(ctx.get(name))) + f"; got {_describe(value)}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        rule = _PATTERNS.get(pattern, f"must match the pattern {pattern}")
        return f"{rule}; got {_describe(value)}"
    return _reword_sizes(kind, ctx, value) or _reword_other(error, ctx, value)


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


def _reword_other(error: ErrorDetails, ctx: dict[str, Any], value: Any) -> str:
    kind = error["type"]
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", ""))
        options = re.findall(r"'([^']*)'", expected)
        hint = suggest(value, options) if isinstance(value, str) else ""
        return f"expected {expected}, got {_describe(value)}{hint}"
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


def _field_hint(key: str, fields: list[str]) -> str:
    hint = suggest(key, fields)
    if hint or not fields:
        return hint
    if len(fields) <= 12:
        return f"; the keys here are: {', '.join(fields)}"
    return ""


def _quote_hint(kind: str, value: Any) -> str:
    if kind == "string_type" and isinstance(value, bool | int | float):
        return "; put it in quotes to use it as text"
    return ""


def _describe(value: Any) -> str:
    """A short description of a raw value, for messages."""
    if value is None:
        return "nothing (the value is empty or null)"
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
        return "a mapping"
    return type(value).__name__


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _unquote(text: Any) -> str:
    return str(text).strip("'\"")
