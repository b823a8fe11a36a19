"""What the window keeps between games: settings, the autosave, best scores, run files.

Everything lives in the user data folder (platformdirs; ``XDG_DATA_HOME`` is honoured on
Linux). Every file is written atomically: a temporary file, fsync, then one rename, so a
crash or ``kill -9`` at any moment leaves the old file or the new one, never half of
either. The autosave is written on a thread of its own (:mod:`game.ui.writer`), away
from the frames; reading or removing it waits for the write under way. A file that
cannot be read is reported and set aside under a new name; nothing the player had is
deleted.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import platformdirs

from game.ui.writer import LatestWriter

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
    from game.replay.runfile import write_atomic  # the run files' module needs the core

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


AUTOSAVE_FILE = "autosave.json"
BEST_FILE = "best-scores.json"
BEST_FORMAT = "mlday-best"
BEST_VERSION = 1
RUNS_FOLDER = "runs"


@dataclass(frozen=True, slots=True)
class Best:
    """The best local score of a scenario, and the run file that made it."""

    score: int
    seed: int
    run: str


class Store:
    """The files of the user data folder; problems met while reading are kept in ``problems``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[str] = []
        """Files that could not be used (each already set aside), to tell the player."""
        self._writer = LatestWriter()

    @property
    def autosave(self) -> Path:
        """The autosave of the game in progress."""
        return self.folder / AUTOSAVE_FILE

    def has_autosave(self) -> bool:
        """Whether there is a game to continue."""
        self.flush()
        return self.autosave.is_file()

    def write_autosave(self, write: Callable[[Path], None]) -> None:
        """Write the autosave in the background: ``write`` is given its path, and writes
        atomically. A newer autosave asked for meanwhile replaces one still waiting."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.autosave
        self._writer.submit(lambda: write(path))

    def flush(self) -> None:
        """Wait until the autosave asked for last is on disk (an ``OSError`` when it failed)."""
        self._writer.flush()

    def set_aside_autosave(self, reason: str) -> str:
        """Move an autosave that cannot be continued out of the way; the message to show."""
        self.flush()
        kept = set_aside(self.autosave, "unusable")
        message = f"{self.autosave}: {reason}; kept as {kept.name}"
        self.problems.append(message)
        return message

    def finish_autosave(self) -> None:
        """The game ended and its run file is written: its autosave has served."""
        self.flush()
        self.autosave.unlink(missing_ok=True)

    # --- best scores ---------------------------------------------------------------------

    @property
    def best_file(self) -> Path:
        """The file of local best scores."""
        return self.folder / BEST_FILE

    def best_scores(self) -> dict[str, Best]:
        """Best local score per scenario id; an unreadable or old file is set aside."""
        path = self.best_file
        if not path.is_file():
            return {}
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return _parse_best(raw)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as error:
            kept = set_aside(path, "unreadable")
            self.problems.append(f"{path}: {error}; kept as {kept.name}")
            return {}

    def record(self, scenario_id: str, score: int, seed: int, run: Path) -> bool:
        """Note a finished game's score; True when it is a new best for its scenario."""
        scores = self.best_scores()
        old = scores.get(scenario_id)
        if old is not None and old.score >= score:
            return False
        scores[scenario_id] = Best(score, seed, str(run))
        write_json(
            self.best_file,
            {
                "format": BEST_FORMAT,
                "version": BEST_VERSION,
                "scores": {key: asdict(best) for key, best in sorted(scores.items())},
            },
        )
        return True

    # --- run files -----------------------------------------------------------------------

    def run_path(self, scenario_id: str, seed: int) -> Path:
        """A new run file's path for a finished game (never an existing file)."""
        folder = self.folder / RUNS_FOLDER
        n = 1
        while (folder / f"{scenario_id}-seed{seed}-{n:03d}.json").exists():
            n += 1
        return folder / f"{scenario_id}-seed{seed}-{n:03d}.json"


def _parse_best(raw: object) -> dict[str, Best]:
    if not isinstance(raw, dict) or raw.get("format") != BEST_FORMAT:
        raise ValueError("not a best-scores file")
    if raw.get("version") != BEST_VERSION:
        raise ValueError(f"version {raw.get('version')!r} is not {BEST_VERSION}")
    scores = raw.get("scores")
    if not isinstance(scores, dict):
        raise ValueError("'scores' is not an object")
    found: dict[str, Best] = {}
    for key, entry in scores.items():
        if not isinstance(entry, dict):
            raise ValueError(f"scores.{key} is not an object")
        score, seed, run = entry.get("score"), entry.get("seed"), entry.get("run")
        if not (isinstance(score, int) and isinstance(seed, int) and isinstance(run, str)):
            raise ValueError(f"scores.{key} needs a whole score and seed and a run path")
        found[str(key)] = Best(score, seed, run)
    return found
