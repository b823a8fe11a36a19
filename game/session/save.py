"""Saved games: a game in progress written to a file, and read back by re-simulation.

A save holds what a run file holds except the score: the engine version, the scenario
(id, path, sha256), the seed, the player, the timed actions, and also the tick the game
had reached and the digest of the state there. Reading it replays the actions to that
tick and checks the digest, so a save that was edited, or that another engine or
scenario would play differently, is refused. Every problem is a :class:`SaveError` (or
one of its kinds) carrying the path and the reason: a message with a code of
:data:`game.core.messages.SESSION_ERRORS` (``save.*``) and its values.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from game.core.messages import Message, message
from game.replay.runfile import (
    HEX64,
    MAX_ACTIONS,
    PlayerName,
    RunFileError,
    RunFileUnreadableError,
    RunScenario,
    TimedActionField,
    describe_errors,
    load_json,
    write_atomic,
)
from game.scenario.expr import NameTable

FORMAT = "mlday-save"
VERSION = 1


class SaveError(Exception):
    """A save that cannot be read back; ``path`` says which, and ``message`` why (a code
    and its values; ``reason`` is its English text)."""

    def __init__(self, path: str | os.PathLike[str], message: Message) -> None:
        super().__init__(f"{os.fspath(path)}: {message.text}")
        self.path = os.fspath(path)
        self.message = message

    @property
    def reason(self) -> str:
        """Why, in English."""
        return self.message.text


class SaveUnreadableError(SaveError):
    """The file cannot be read at all (missing, a directory, no permission)."""


class SaveCorruptError(SaveError):
    """The file is not a well-formed save (not JSON, truncated, a bad field or action)."""


class SaveVersionError(SaveError):
    """A save of a format version this mlday does not read."""


class SaveMismatchError(SaveError):
    """A well-formed save that does not fit: another scenario or engine, or a digest that
    re-simulation does not reproduce."""


class SaveFile(BaseModel):
    """A saved game in progress, version 1."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    format: Literal["mlday-save"] = "mlday-save"
    version: Literal[1] = 1
    engine: str = Field(min_length=1, max_length=40)
    scenario: RunScenario
    seed: int = Field(ge=0, lt=2**63)
    player: PlayerName
    policy: str | None = Field(default=None, max_length=40)
    tick: int = Field(ge=0, le=1_000_000)
    """The tick boundary the game had reached."""
    actions: list[TimedActionField] = Field(max_length=MAX_ACTIONS)
    digest: str = Field(pattern=HEX64)
    """Hex SHA-256 of the state at ``tick`` (:func:`game.replay.digest.state_digest`)."""


def write_save(path: str | os.PathLike[str], save: SaveFile) -> None:
    """Write a save atomically (a temporary file, then a rename), replacing an older one."""
    text = json.dumps(save.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    write_atomic(Path(path), text.encode("utf-8"), force=True)


def read_save(path: str | os.PathLike[str], names: NameTable | None = None) -> SaveFile:
    """Read and check a save's fields (not yet its replay); a :class:`SaveError` kind.

    With ``names`` (the scenario's :meth:`~game.scenario.model.Scenario.names`) the ids in
    the actions are checked against the scenario too.
    """
    try:
        raw = load_json(path)
    except RunFileUnreadableError as exc:
        raise SaveUnreadableError(path, message("save.unreadable", problem=str(exc))) from None
    except RunFileError as exc:
        raise SaveCorruptError(path, message("save.bad_file", problem=str(exc))) from None
    return parse_save(raw, path, names)


def parse_save(raw: Any, path: str | os.PathLike[str], names: NameTable | None = None) -> SaveFile:
    """Check a parsed JSON document as a save; a :class:`SaveError` kind says what is wrong."""
    if not isinstance(raw, dict):
        raise SaveCorruptError(path, message("save.not_an_object"))
    found_format = raw.get("format")
    if found_format != FORMAT:
        found = _shown(found_format)
        raise SaveCorruptError(path, message("save.not_a_save", found=found, expected=FORMAT))
    found_version = raw.get("version")
    if found_version != VERSION or isinstance(found_version, bool):
        found = _shown(found_version)
        raise SaveVersionError(path, message("save.version", found=found, supported=VERSION))
    try:
        return SaveFile.model_validate(raw, context={"names": names})
    except ValidationError as exc:
        problems = describe_errors(exc.errors(include_url=False))
        raise SaveCorruptError(path, message("save.bad_fields", problems=problems)) from None


def _shown(value: Any) -> str:
    """A value read from the file, as JSON cut to 40 characters, or "missing"."""
    return "missing" if value is None else json.dumps(value)[:40]
