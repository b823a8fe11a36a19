"""The player's log: what the game tells the player, tick by tick."""

from __future__ import annotations

from game.core.state import State


def note(state: State, kind: str, text: str) -> None:
    """Add a line to the player's log.

    A few paths run many times a game append the same tuple themselves, written out.
    """
    state.log.append((state.clock.tick, kind, text))
