"""Load a scenario file: read it safely, validate it, and report every problem at once.

Problems come as ``FILE:LINE:COL: error: message`` lines in plain English, with a hint
where one helps (``unknown key 'segmnts'; did you mean 'segments'?``). Lines and columns
are 1-based; columns count characters. Where each problem points, and its wording, is
the work of :mod:`game.scenario.errors`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from game.scenario.errors import Found, describe_value, translate
from game.scenario.files import read_regular
from game.scenario.model import Scenario, validate_scenario
from game.scenario.yaml_source import Document, Issue, Position, YamlError, read_yaml

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


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a file; ``line`` and ``col`` are 1-based.

    An ``error`` makes the file invalid; a ``warning`` (from the meaning checks of
    :mod:`game.scenario.lint`) is worth a look but does not.
    """

    file: str
    line: int
    col: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.severity}: {self.message}"


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


def _check(document: Document) -> tuple[Scenario | None, list[Found], int]:
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
        found.extend(translate(document, errors[:_MAX_TRANSLATED]))
        return None, found, max(len(errors) - _MAX_TRANSLATED, 0)
    if not found:
        cost = _cost_problem(scenario, document)
        if cost is not None:
            found.append(cost)
    return (None if found else scenario), found, 0


def _cost_problem(scenario: Scenario, document: Document) -> Found | None:
    """A problem when one game of the scenario would cost too much time and memory.

    A game checks every event at every tick boundary, and a repeating event may fire at
    each of them: a 54 KB file of 500 repeating events over 30 days of 5-minute ticks took
    36 s and 1.9 GB for one game. Within the limits a game takes about a second at most.
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


def _triples(issues: Iterable[Issue]) -> list[Found]:
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


def _sorted(name: str, found: Iterable[Found], untold: int = 0) -> list[Problem]:
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


def _top_level_problem(document: Document) -> Found | None:
    data = document.data
    if data is None:
        return (1, 1, EMPTY_MESSAGE)
    if isinstance(data, dict):
        return None
    pos = document.values.get((), Position(1, 1))
    what = describe_value(data)
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
