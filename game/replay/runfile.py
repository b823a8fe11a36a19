"""Run files: a played game as versioned JSON, to be verified by re-simulation.

The format is documented in ``docs/run-files.md``. Reading never trusts the file: every
problem (not JSON, truncated, wrong format or version, unknown keys, bad actions) becomes
a :class:`RunFileError` whose message says what and where. Writing is atomic (a temporary
file in the same folder, then a rename) and never replaces an existing file unless asked.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from game import ENGINE_VERSION
from game.core.rules import Rules
from game.core.scoring import score
from game.core.state import State
from game.replay.checkpoints import (
    CHECKPOINT_EVERY,
    MAX_CHECKPOINT_EVERY,
    Checkpoint,
    record_checkpoints,
)
from game.replay.digest import state_digest
from game.replay.replay import (
    MAX_TICK,
    ActionRecordError,
    TimedAction,
    parse_action_record,
)
from game.scenario.errors import JSON, describe_value, errors_line, format_loc
from game.scenario.expr import NameTable
from game.scenario.files import check_replaceable, read_regular
from game.scenario.load import LoadedScenario

FORMAT = "mlday-run"
VERSION: Literal[2] = 2
"""The version written; :data:`VERSIONS` are read."""
VERSIONS = (1, 2)
MAX_BYTES = 16 << 20
"""The largest run file read, in bytes (16 MiB)."""
MAX_ACTIONS = 100_000
HEX64 = r"^[0-9a-f]{64}$"
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
PLAYER_PATTERN = r"^[^\p{Cc}\p{Cf}\p{Cn}\p{Zl}\p{Zp}]+$"
"""A player's name: 1 to 40 characters, no control, format (bidi), unassigned or
line-separating characters."""
PART_DIGEST = r"^[0-9a-f]{8}$"
"""The short digest of one part of the state in a checkpoint."""


RUN_FILE = dataclasses.replace(
    JSON,
    patterns={
        HEX64: "expected 64 hexadecimal digits (0-9, a-f)",
        PART_DIGEST: "expected 8 hexadecimal digits (0-9, a-f)",
        PLAYER_PATTERN: "a player's name cannot hold control or format characters",
    },
)
"""How messages about a run file are worded."""


class RunFileError(Exception):
    """A run file that is not a valid run file; the message says why."""


class RunFileUnreadableError(RunFileError):
    """A run file that cannot be read at all (missing, a directory, no permission)."""


class RunFileExistsError(RunFileError):
    """Writing would replace an existing file, and that was not asked for."""


def _names(info: ValidationInfo) -> NameTable | None:
    context = info.context
    names = context.get("names") if isinstance(context, dict) else None
    return names if isinstance(names, NameTable) else None


def _validate_timed(value: Any, info: ValidationInfo) -> TimedAction:
    if isinstance(value, TimedAction):
        return value
    try:
        return parse_action_record(value, _names(info))
    except ActionRecordError as exc:
        raise PydanticCustomError("action", "{message}", {"message": str(exc)}) from None


TimedActionField = Annotated[
    TimedAction,
    PlainValidator(_validate_timed),
    PlainSerializer(lambda timed: timed.record(), return_type=dict[str, Any]),
]
PlayerName = Annotated[str, Field(min_length=1, max_length=40, pattern=PLAYER_PATTERN)]
PartName = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")]
_PLAYER_NAME: TypeAdapter[str] = TypeAdapter(PlayerName)


def is_player_name(name: str) -> bool:
    """Whether ``name`` may stand as a player's name in a run file (see :data:`PlayerName`)."""
    try:
        _PLAYER_NAME.validate_python(name)
    except ValidationError:
        return False
    return True


PartDigest = Annotated[str, Field(pattern=PART_DIGEST)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class RunScenario(_Model):
    """Which scenario the game was played on."""

    id: str = Field(min_length=1, max_length=200)
    """The scenario file's stem, such as ``ravi-tuesday``."""
    path: str = Field(min_length=1, max_length=4096)
    """The scenario file's path as given when the run was made."""
    sha256: str = Field(pattern=HEX64)
    """Hex SHA-256 of the scenario file's bytes."""


class RunScore(_Model):
    """The claimed score, as :meth:`game.core.scoring.Score.as_dict` writes it."""

    total: int = Field(ge=0, le=1000)
    parts: dict[str, float]
    goals: dict[str, bool]
    true_f1: float
    true_hallucination: float
    served_percent: float


class RunCheckpoint(_Model):
    """The short digest of each part of the state at one tick boundary."""

    tick: int = Field(ge=0, le=MAX_TICK)
    parts: dict[PartName, PartDigest] = Field(min_length=1, max_length=200)

    def checkpoint(self) -> Checkpoint:
        """The checkpoint as :mod:`game.replay.checkpoints` compares it."""
        return Checkpoint(self.tick, self.parts)


class RunCheckpoints(_Model):
    """Checkpoints every ``every`` ticks, from tick 0 to the end (version 2)."""

    every: int = Field(ge=1, le=MAX_CHECKPOINT_EVERY)
    at: list[RunCheckpoint] = Field(max_length=MAX_TICK + 1)

    @model_validator(mode="after")
    def _in_order(self) -> RunCheckpoints:
        ticks = [checkpoint.tick for checkpoint in self.at]
        if not ticks or ticks[0] != 0:
            raise ValueError("the checkpoints start at tick 0")
        for index, (before, tick) in enumerate(itertools.pairwise(ticks), start=1):
            if tick <= before or (tick - before != self.every and index != len(ticks) - 1):
                raise ValueError(
                    f"at[{index}]: checkpoints come every {self.every} ticks; "
                    f"tick {tick} follows tick {before}"
                )
        return self


class RunFile(_Model):
    """A run file, version 2 (version 1 has no checkpoints)."""

    format: Literal["mlday-run"] = "mlday-run"
    version: Literal[1, 2] = VERSION
    engine: str = Field(min_length=1, max_length=40)
    """The engine version that played the game (``game.ENGINE_VERSION``)."""
    scenario: RunScenario
    seed: int = Field(ge=0, lt=2**63)
    player: PlayerName
    policy: str | None = Field(max_length=40)
    """The headless policy that played, or null for a human or an action file."""
    actions: list[TimedActionField] = Field(max_length=MAX_ACTIONS)
    score: RunScore
    digest: str = Field(pattern=HEX64)
    """Hex SHA-256 of the final state (:func:`game.replay.digest.state_digest`)."""
    checkpoints: RunCheckpoints | None = None
    """State checkpoints along the game (required in version 2, absent in version 1)."""

    @model_validator(mode="after")
    def _checkpoints_by_version(self) -> RunFile:
        if self.version >= 2 and self.checkpoints is None:
            raise ValueError("missing required key 'checkpoints' (version 2 run files carry them)")
        if self.version == 1 and self.checkpoints is not None:
            raise ValueError("version 1 run files have no checkpoints")
        return self


def make_run(
    loaded: LoadedScenario,
    rules: Rules,
    state: State,
    *,
    seed: int,
    player: str,
    policy: str | None,
    actions: Iterable[TimedAction],
) -> RunFile:
    """The run file of a finished game: its inputs, its score, its final-state digest and
    its checkpoints (taken by replaying the actions, which must therefore replay)."""
    actions = list(actions)
    checkpoints = record_checkpoints(rules, seed, actions)
    return RunFile(
        engine=ENGINE_VERSION,
        scenario=RunScenario(id=loaded.id, path=Path(loaded.path).as_posix(), sha256=loaded.sha256),
        seed=seed,
        player=player,
        policy=policy,
        actions=actions,
        score=RunScore.model_validate(score(state, rules).as_dict()),
        digest=state_digest(state),
        checkpoints=RunCheckpoints(
            every=CHECKPOINT_EVERY,
            at=[RunCheckpoint(tick=c.tick, parts=dict(c.parts)) for c in checkpoints],
        ),
    )


# --- reading -----------------------------------------------------------------------------


def read_run(path: str | os.PathLike[str]) -> RunFile:
    """Read and check a run file; :class:`RunFileUnreadableError` or :class:`RunFileError`."""
    return parse_run(load_json(path))


def load_json(path: str | os.PathLike[str]) -> Any:
    """The JSON document in a file, refusing duplicate keys, NaN and oversized files."""
    return parse_json_text(_decode(_read_bytes(path)))


def _read_bytes(path: str | os.PathLike[str]) -> bytes:
    try:
        data = read_regular(path, MAX_BYTES)
    except OSError as exc:
        raise RunFileUnreadableError(
            f"cannot read the file: {exc.strerror or type(exc).__name__}"
        ) from None
    if len(data) > MAX_BYTES:
        raise RunFileError(f"the file is larger than {MAX_BYTES >> 20} MiB")
    return data


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RunFileError(f"not UTF-8 text (bad byte at offset {exc.start})") from None


def parse_json_text(text: str) -> Any:
    """Parse JSON text strictly; :class:`RunFileError` with the line and column."""
    if not text.strip():
        raise RunFileError("the file is empty")
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise RunFileError(f"the JSON ends too early (truncated?): {exc.msg}") from None
        raise RunFileError(
            f"not valid JSON: line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise RunFileError("not valid JSON: nested too deeply") from None
    except ValueError as exc:
        raise RunFileError(f"not valid JSON: {exc}") from None
    place = surrogate_place(document) if _SURROGATE_ESCAPE.search(text) else None
    if place is not None:
        where = format_loc(place) or "the document"
        raise RunFileError(
            f"{where}: a \\u escape names half of a UTF-16 pair (a lone surrogate such "
            "as \\ud800), which is not a character"
        )
    return document


def surrogate_place(document: Any) -> list[int | str] | None:
    """Where the first string (or key) holding a lone surrogate is, or None."""
    stack: list[tuple[list[int | str], Any]] = [([], document)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, str) and not _is_utf8(value):
            return loc
        if isinstance(value, list):
            stack.extend(([*loc, i], item) for i, item in reversed(list(enumerate(value))))
        elif isinstance(value, dict):
            for key in value:
                if not _is_utf8(key):
                    return loc
            stack.extend(([*loc, k], v) for k, v in reversed(list(value.items())))
    return None


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key '{key}' appears twice in one object")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_run(raw: Any, names: NameTable | None = None) -> RunFile:
    """Check a parsed JSON document as a run file; :class:`RunFileError` says what is wrong."""
    if not isinstance(raw, dict):
        raise RunFileError(f"a run file is a JSON object, not {describe_value(raw, JSON)}")
    found_format = raw.get("format")
    if found_format != FORMAT:
        shown = "missing" if found_format is None else json.dumps(found_format)[:40]
        raise RunFileError(f'not an mlday run file (format is {shown}, expected "{FORMAT}")')
    found_version = raw.get("version")
    if found_version not in VERSIONS or isinstance(found_version, bool):
        shown = "missing" if found_version is None else json.dumps(found_version)[:40]
        readable = " and ".join(str(v) for v in VERSIONS)
        raise RunFileError(
            f"run file version {shown} is not supported (this mlday reads versions {readable})"
        )
    try:
        return RunFile.model_validate(raw, context={"names": names})
    except ValidationError as exc:
        raise RunFileError(describe_errors(exc.errors(include_url=False))) from None


def describe_errors(errors: list[ErrorDetails], limit: int = 3) -> str:
    """Pydantic's errors about a run file as ``place: message; ...`` (at most ``limit``)."""
    return errors_line(errors, RUN_FILE, limit=limit)


# --- writing -----------------------------------------------------------------------------


def run_json(run: RunFile) -> str:
    """The run file's text: indented JSON, keys in the documented order, a final newline."""
    return json.dumps(run.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def write_run(path: str | os.PathLike[str], run: RunFile, *, force: bool = False) -> None:
    """Write a run file atomically; :class:`RunFileExistsError` when it exists and not ``force``.

    The text goes to a temporary file in the same folder first, then takes the final
    name in one step, so a reader never sees half a file.
    """
    try:
        data = run_json(run).encode("utf-8")
    except UnicodeEncodeError:
        raise RunFileError(
            "the run holds text that is not UTF-8 (a file name with bytes that are not "
            "UTF-8?); rename the file"
        ) from None
    write_atomic(Path(path), data, force=force)


def write_atomic(target: Path, data: bytes, *, force: bool) -> None:
    """Write bytes to ``target`` through a temporary file in the same folder and a rename.

    With ``force`` only a regular file is replaced; a symlink, FIFO or device node at
    ``target`` is refused (:class:`~game.scenario.files.FileRefusedError`, an ``OSError``).
    """
    if not force and os.path.lexists(target):
        raise RunFileExistsError(f"{target} exists; use --force to replace it")
    temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _place(temp, target, force)
    finally:
        temp.unlink(missing_ok=True)


def _place(temp: Path, target: Path, force: bool) -> None:
    if force:
        check_replaceable(target)  # never a symlink, FIFO or device node
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)  # fails when the target appeared meanwhile: never replaces it
    except FileExistsError:
        raise RunFileExistsError(f"{target} exists; use --force to replace it") from None
    except OSError:
        os.replace(temp, target)  # a file system without hard links
