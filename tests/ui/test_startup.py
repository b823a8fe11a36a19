"""Start-up: ``mlday`` opens its title screen without importing the scenario models or the
core, imports them in the background once the first frame shows, and the command line
imports only the command asked for."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli.main import COMMANDS, Command, build_parser, chosen_command
from game.ui.preload import AFTER_TITLE, Preloader

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pydantic", "game.scenario.model", "game.core.rules", "game.session")
NEVER = ("numpy",)
"""Nothing the window needs: pydantic used to import it through pygame's lazy modules
while it read the models' field docstrings, which only the JSON Schema reads now."""

FIRST_FRAMES = f"""
import json, os, sys
import pygame

HEAVY = {HEAVY + NEVER!r}
seen = []
show = pygame.display.flip

def flip():
    show()
    seen.append(sorted(name for name in HEAVY if name in sys.modules))
    if len(seen) == 1:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_a, mod=0,
                                             unicode="a", scancode=0))
    if len(seen) == 2:
        print(json.dumps(seen), flush=True)
        os._exit(0)

pygame.display.flip = flip
sys.argv = ["mlday"]
from game.cli.main import entry
entry()
"""


def test_the_title_screen_opens_without_the_core_which_loads_before_the_first_key(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
        "XDG_DATA_HOME": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAMES],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    first, after_a_key = json.loads(result.stdout.strip().splitlines()[-1])
    assert first == []
    assert after_a_key == sorted(HEAVY)


def test_the_command_named_is_the_first_word_that_is_not_an_option() -> None:
    assert chosen_command(["--version"]) is None
    assert chosen_command([]) is None
    play = chosen_command(["play", "x.yaml", "--autoplay", "greedy"])
    assert play is not None and play.module == "game.cli.play"
    assert chosen_command(["-h", "verify"]) is not None
    assert chosen_command(["plya", "verify"]) is None


def test_every_command_is_listed_and_a_misspelt_one_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["--help"])
    assert stop.value.code == 0
    listing = " ".join(capsys.readouterr().out.split())
    for command in COMMANDS:
        assert f"{command.name} {command.help}" in listing
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["plya"])
    assert stop.value.code == 2
    assert "invalid choice: 'plya'" in capsys.readouterr().err


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command.name)
def test_the_listed_help_is_the_commands_own(command: Command) -> None:
    """The listing's line (kept in main, so that listing imports nothing) is the line the
    command's module registers."""
    parser = argparse.ArgumentParser(prog="mlday")
    importlib.import_module(command.module).register(parser.add_subparsers(metavar="COMMAND"))
    listing = " ".join(parser.format_help().split())
    assert f"{command.name} {command.help}" in listing


def test_a_preloader_imports_its_modules_in_the_background_and_stops_at_a_missing_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("probe_first", "probe_second"):
        (tmp_path / f"{name}.py").write_text("LOADED = True\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    preloader = Preloader(("probe_first", "probe_missing", "probe_second"))
    preloader.wait()  # not started: returns at once
    assert "probe_first" not in sys.modules
    preloader.start()
    preloader.wait()
    assert "probe_first" in sys.modules
    assert "probe_second" not in sys.modules
    monkeypatch.delitem(sys.modules, "probe_first")


def test_what_is_preloaded_exists() -> None:
    for name in AFTER_TITLE:
        importlib.import_module(name)
