"""The player's log: what the game tells the player, tick by tick."""

from __future__ import annotations

from game.core.messages import LogLine, Value
from game.core.state import State


def note(state: State, kind: str, code: str, **values: Value) -> None:
    """Add a line to the player's log: a message of this code and values
    (:data:`game.core.messages.TEMPLATES`)."""
    state.log.append(LogLine(state.clock.tick, kind, code, values))
