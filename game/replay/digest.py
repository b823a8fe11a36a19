"""A digest of the whole game state, stable across processes and platforms.

The state is turned into canonical JSON: dataclasses become objects of every field (by
:func:`dataclasses.fields`), tuples become lists, dict keys are sorted, floats are written
as ``format(x, ".12g")`` strings (so the last bits of a platform's maths library do not
matter), and the numpy generator is written as its bit generator's state. Nothing here
depends on ``hash()`` or on set order, so ``PYTHONHASHSEED`` cannot change a digest.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

import numpy as np

from game.core.state import State

JsonValue = None | bool | int | str | list["JsonValue"] | dict[str, "JsonValue"]


def canonical(value: Any) -> JsonValue:
    """The canonical JSON-ready form of a state value; TypeError for anything unknown."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return format(value, ".12g")
    if isinstance(value, list | tuple):
        return [canonical(item) for item in value]
    if isinstance(value, dict):
        return _canonical_dict(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return _canonical_numpy(value)


def _canonical_dict(value: dict[Any, Any]) -> dict[str, JsonValue]:
    result: dict[str, JsonValue] = {}
    for key in value:
        if not isinstance(key, str):
            raise TypeError(f"cannot digest a dict key of type {type(key).__name__}")
        result[key] = canonical(value[key])
    return dict(sorted(result.items()))


def _canonical_numpy(value: Any) -> JsonValue:
    if isinstance(value, np.random.Generator):
        return canonical(value.bit_generator.state)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return format(float(value), ".12g")
    if isinstance(value, np.ndarray):
        return canonical(value.tolist())
    raise TypeError(f"cannot digest a value of type {type(value).__name__}")


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


def part_digests(state: State) -> dict[str, str]:
    """A short hex SHA-256 of each top-level field's canonical JSON, by field name."""
    return {
        item.name: _short(hashlib.sha256(_compact(getattr(state, item.name)).encode("ascii")))
        for item in dataclasses.fields(state)
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
        """The short digest of each part of ``state``, by field name."""
        parts: dict[str, str] = {}
        for item in dataclasses.fields(state):
            value = getattr(state, item.name)
            if item.name == "log":
                parts[item.name] = self._log_digest(value)
            else:
                parts[item.name] = _short(hashlib.sha256(_compact(value).encode("ascii")))
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
