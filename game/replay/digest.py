"""A digest of the whole game state, stable across processes and platforms.

The state is turned into canonical JSON: dataclasses become objects of their fields (by
:func:`dataclasses.fields`), except the caches (fields marked with
:data:`game.core.state.CACHE`, rebuilt from the rest), tuples become lists, dict keys are
sorted, enums are written as their values, and floats are written as
``format(x, ".12g")`` strings (so the last bits of a platform's maths library do not
matter). The game's luck is a dataclass of its seed alone. Nothing here depends on
``hash()`` or on set order, so ``PYTHONHASHSEED`` cannot change a digest.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from game.core.state import State, is_cache

JsonValue = None | bool | int | str | list["JsonValue"] | dict[str, "JsonValue"]


def canonical(value: Any) -> JsonValue:
    """The canonical JSON-ready form of a state value; TypeError for anything unknown."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):  # a StrEnum too
        return str(value)
    if isinstance(value, int):  # an IntEnum too
        return int(value)
    if isinstance(value, float):
        return format(value, ".12g")
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    if isinstance(value, dict):
        return _canonical_dict(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            item.name: canonical(getattr(value, item.name))
            for item in dataclasses.fields(value)
            if not is_cache(item.metadata)
        }
    raise TypeError(f"cannot digest a value of type {type(value).__name__}")


def _canonical_dict(value: dict[Any, Any]) -> dict[str, JsonValue]:
    result: dict[str, JsonValue] = {}
    for key in value:
        if not isinstance(key, str):
            raise TypeError(f"cannot digest a dict key of type {type(key).__name__}")
        result[str(key)] = canonical(value[key])
    return dict(sorted(result.items()))


def canonical_json(state: State) -> str:
    """The canonical JSON text of a state (sorted keys, no spaces, ASCII only)."""
    return json.dumps(canonical(state), sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def state_digest(state: State) -> str:
    """Hex SHA-256 of the canonical JSON of every field of the state."""
    return hashlib.sha256(canonical_json(state).encode("ascii")).hexdigest()


PART_DIGEST_LENGTH = 8
"""Hex digits kept of each part's SHA-256 in a checkpoint (32 bits: enough to name what
changed; the whole state is still checked by :func:`state_digest`)."""


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)
"""The canonical JSON writer (one instance: a part is written thousands of times a game)."""


def _compact(value: Any) -> str:
    return _ENCODER.encode(canonical(value))


def _short(digest: Any) -> str:
    return str(digest.hexdigest())[:PART_DIGEST_LENGTH]


def _fields(value: Any) -> list[tuple[str, Any]]:
    """Each field of a dataclass that is not a cache, by name, in the class's order."""
    return [
        (item.name, getattr(value, item.name))
        for item in dataclasses.fields(value)
        if not is_cache(item.metadata)
    ]


def state_parts(state: State) -> list[tuple[str, Any]]:
    """The parts a checkpoint digests, by name: each field of the state that is not a
    cache (``clock``, ``money``, ``trust``, ``team``, ``production``, ``log``...)."""
    return _fields(state)


def part_digests(state: State) -> dict[str, str]:
    """A short hex SHA-256 of each part's canonical JSON (:func:`state_parts`), by name."""
    return {
        name: _short(hashlib.sha256(_compact(value).encode("ascii")))
        for name, value in state_parts(state)
    }


class PartDigester:
    """:func:`part_digests` taken again and again along one game, at linear cost.

    The log grows all game long (a long scenario's log holds a hundred thousand lines),
    so hashing it whole at every checkpoint would cost the square of its length. Lines
    are only ever appended to it, and each is a tuple that cannot change, so the log's
    SHA-256 is kept running here: each call hashes only the lines added since the last.
    The result is the same as :func:`part_digests` (the hash of ``[line,line,...]``). A
    log that got shorter, or whose last hashed line is no longer in its place, is hashed
    again from the start.
    """

    def __init__(self) -> None:
        self._log = hashlib.sha256(b"[")
        self._seen = 0
        self._last: object = None

    def _restart(self) -> None:
        self._log = hashlib.sha256(b"[")
        self._seen = 0

    def __call__(self, state: State) -> dict[str, str]:
        """The short digest of each part of ``state``, by name."""
        parts: dict[str, str] = {}
        for name, value in state_parts(state):
            if name == "log":
                parts[name] = self._log_digest(value)
            else:
                parts[name] = _short(hashlib.sha256(_compact(value).encode("ascii")))
        return parts

    def _log_digest(self, log: list[Any]) -> str:
        if len(log) < self._seen or (self._seen and log[self._seen - 1] is not self._last):
            self._restart()
        for line in log[self._seen :]:
            prefix = b"," if self._seen else b""
            self._log.update(prefix + _compact(line).encode("ascii"))
            self._seen += 1
        self._last = log[-1] if log else None
        closed = self._log.copy()
        closed.update(b"]")
        return _short(closed)
