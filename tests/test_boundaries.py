"""Architecture boundaries: the headless core never imports pygame."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

REQUIRED = ["game", "game.core.engine", "game.policies"]
OPTIONAL = ["game.scenario.load", "game.replay"]


def core_modules() -> list[str]:
    """Every module of game/core, game/scenario and game/policies."""
    names = []
    for package in ("core", "scenario", "policies"):
        for path in sorted((ROOT / "game" / package).glob("*.py")):
            stem = path.stem
            names.append(f"game.{package}" if stem == "__init__" else f"game.{package}.{stem}")
    return names


def test_the_core_does_not_import_pygame_in_a_fresh_interpreter() -> None:
    modules = list(REQUIRED)
    modules += [m for m in OPTIONAL if importlib.util.find_spec(m) is not None]
    modules += [m for m in core_modules() if m not in modules]
    assert "game.core.engine" in modules and "game.scenario.model" in modules
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'pygame' or m.startswith('pygame.')))\n"
    )
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout


def test_playing_a_game_does_not_import_pygame() -> None:
    script = (
        "import sys\n"
        "sys.path.insert(0, 'tests')\n"
        "from conftest import rich_rules\n"
        "from game.core.engine import play\n"
        "from game.core.scoring import score\n"
        "from game.policies import make_policy\n"
        "rules = rich_rules()\n"
        "for name in ('idle', 'random', 'greedy', 'reference'):\n"
        "    state, _ = play(rules, 1, make_policy(name, rules, 1))\n"
        "    score(state, rules)\n"
        "print('pygame' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
