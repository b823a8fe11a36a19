"""What the window keeps between games: settings, the autosave, best scores, run files.

Everything lives in the user data folder (platformdirs; ``XDG_DATA_HOME`` is honoured on
Linux). Every file is written atomically: a temporary file, fsync, then one rename, so a
crash or ``kill -9`` at any moment leaves the old file or the new one, never half of
either. A file that cannot be read is reported and set aside under a new name; nothing
the player had is deleted.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import platformdirs

from game.replay.runfile import write_atomic

APP_NAME = "mlday"
SETTINGS_FILE = "settings.json"
UI_SCALES = (0.75, 1.0, 1.25, 1.5, 2.0)


@dataclass(slots=True)
class Settings:
    """The player's preferences."""

    ui_scale: float = 1.0
    colourblind: bool = False
    volume: float = 0.8
    """0 to 1."""
    muted: bool = False
    fullscreen: bool = False

    @classmethod
    def from_dict(cls, raw: object) -> Settings:
        """Settings from a JSON object; unknown keys and bad values keep their defaults."""
        settings = cls()
        if not isinstance(raw, dict):
            return settings
        for spec in fields(cls):
            value = raw.get(spec.name)
            default = getattr(settings, spec.name)
            if isinstance(default, bool):
                if isinstance(value, bool):
                    setattr(settings, spec.name, value)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                setattr(settings, spec.name, float(value))
        settings.ui_scale = min(UI_SCALES, key=lambda s: abs(s - settings.ui_scale))
        settings.volume = min(1.0, max(0.0, settings.volume))
        return settings


def data_dir() -> Path:
    """The user data folder of the game (not created here)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class SaveError(Exception):
    """A file of the data folder could not be used; it was set aside as ``kept``."""

    def __init__(self, path: Path, reason: str, kept: Path | None) -> None:
        where = f"; kept as {kept.name}" if kept is not None else ""
        super().__init__(f"{path}: {reason}{where}")
        self.path = path
        self.reason = reason
        self.kept = kept


def write_json(path: Path, value: Any) -> None:
    """Write a JSON document atomically (temporary file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    write_atomic(path, text.encode("utf-8"), force=True)


def set_aside(path: Path, why: str) -> Path:
    """Rename an unusable file out of the way (``name.why-N.json``); returns the new path."""
    for n in range(1, 10_000):
        kept = path.with_name(f"{path.stem}.{why}-{n}{path.suffix}")
        if not kept.exists():
            os.replace(path, kept)
            return kept
    raise OSError(f"{path}: too many files set aside already")


def load_settings(folder: Path) -> tuple[Settings, str | None]:
    """The saved settings, and a problem to report when the file could not be read."""
    path = folder / SETTINGS_FILE
    if not path.exists():
        return Settings(), None
    try:
        return Settings.from_dict(json.loads(path.read_text(encoding="utf-8"))), None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        kept = set_aside(path, "unreadable")
        return Settings(), f"{path}: {error}; kept as {kept.name}, defaults used"


def save_settings(folder: Path, settings: Settings) -> None:
    """Write the settings file."""
    write_json(folder / SETTINGS_FILE, asdict(settings))
