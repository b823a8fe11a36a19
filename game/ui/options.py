"""How ``mlday play`` was asked to run the window (kept apart from the autoplayer, which
needs the core: the title screen opens without it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class PlayOptions:
    """How ``mlday play`` was asked to run the window."""

    autoplay: str | None = None
    """The policy that plays by itself, or None for a person."""
    speed: str = "1"
    """The clock's starting speed: 1, 2, 4 or max (a tick a frame)."""
    screenshots: Path | None = None
    """Where to save one PNG per scene shown."""
    exit_at_end: bool = False
    """Close the window once the debrief has been shown."""
    record: Path | None = None
    """Where to write the run file of the finished game (else the data folder's runs/)."""
