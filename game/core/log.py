"""The player's log: what the game tells the player, tick by tick."""

from __future__ import annotations

from dataclasses import fields

from game.core.state import LogEntry, State

# A game writes about fifty lines. Calling the dataclass (its __init__ goes through the
# class call) costs about a third more than filling in the three slots here, so note()
# fills them in itself. That is right only while they are all of LogEntry's fields,
# which this checks when the module loads.
assert [f.name for f in fields(LogEntry)] == ["tick", "kind", "text"]
_new_entry = object.__new__


def note(state: State, kind: str, text: str) -> None:
    """Add a line to the player's log."""
    entry = _new_entry(LogEntry)
    entry.tick = state.tick
    entry.kind = kind
    entry.text = text
    state.log.append(entry)
