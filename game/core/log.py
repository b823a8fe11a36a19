"""The player's log: what the game tells the player, tick by tick."""

from __future__ import annotations

from game.core.state import LogEntry, State


def note(state: State, kind: str, text: str) -> None:
    """Add a line to the player's log."""
    state.log.append(LogEntry(state.tick, kind, text))
