"""Autosaves, continuing, best scores and settings; a game killed with kill -9 continues to
the same end as the game played straight through."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.cli.main import main as mlday
from game.ui.app import App
from game.ui.saves import Settings, Store, load_settings, save_settings
from tests.ui.conftest import ROOT, TUTORIAL, click, find, run_frames, start_game, top_name


def test_every_tick_is_autosaved_and_continue_resumes_the_exact_game(app: App) -> None:
    from game.ui.scenes.play import PlayScene

    start_game(app, TUTORIAL)
    play = app.stack.top
    assert isinstance(play, PlayScene)
    click(app, "#preset_lesson")
    for _ in range(3):
        play.advance()
        while top_name(app) == "event":
            click(app, "#later")
    app.store.flush()
    saved = json.loads(app.store.autosave.read_text(encoding="utf-8"))
    assert saved["format"] == "mlday-save" and saved["tick"] == 3
    digest = play.game.session.digest()
    from game.ui.scenes.title import TitleScene

    app.stack.reset(TitleScene(app))
    run_frames(app, 1)
    assert find(app, "#continue").is_enabled
    click(app, "#continue")
    resumed = [s for s in app.stack if isinstance(s, PlayScene)][-1]
    assert resumed.game.session.digest() == digest
    assert resumed.game.session.tick == 3


def test_a_corrupt_autosave_is_reported_and_set_aside(app: App, data_dir: Path) -> None:
    from game.ui.scenes.title import TitleScene

    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "autosave.json").write_text('{"format": "mlday-save", "vers', encoding="utf-8")
    app.stack.push(TitleScene(app))
    run_frames(app, 1)
    click(app, "#continue")
    assert top_name(app) == "title"
    assert not (data_dir / "autosave.json").exists()
    kept = list(data_dir.glob("autosave.unusable-*.json"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8").startswith('{"format"')
    assert app.store.problems and "autosave.json" in app.store.problems[-1]
    assert not find(app, "#continue").is_enabled


def test_an_old_version_save_is_set_aside(data_dir: Path) -> None:
    from game.session import SaveError
    from game.ui.game import Game

    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "autosave.json").write_text(
        json.dumps({"format": "mlday-save", "version": 99}), encoding="utf-8"
    )
    store = Store(data_dir)
    with pytest.raises(SaveError, match="version"):
        Game.resume(store)
    assert [p.name for p in data_dir.glob("autosave.*")] == ["autosave.unusable-1.json"]


def test_best_scores_keep_the_best_and_survive_a_corrupt_file(data_dir: Path) -> None:
    store = Store(data_dir)
    assert store.record("tutorial", 700, 0, data_dir / "a.json")
    assert not store.record("tutorial", 650, 1, data_dir / "b.json")
    assert store.record("tutorial", 800, 2, data_dir / "c.json")
    assert store.best_scores()["tutorial"].score == 800
    store.best_file.write_text("not json", encoding="utf-8")
    assert store.best_scores() == {}
    assert list(data_dir.glob("best-scores.unreadable-*.json"))


def test_settings_round_trip_and_bad_values_keep_defaults(data_dir: Path) -> None:
    save_settings(data_dir, Settings(ui_scale=1.5, colourblind=True, volume=0.3, muted=True))
    loaded, problem = load_settings(data_dir)
    assert problem is None
    assert (loaded.ui_scale, loaded.colourblind, loaded.volume, loaded.muted) == (
        1.5,
        True,
        0.3,
        True,
    )
    (data_dir / "settings.json").write_text('{"ui_scale": "huge", "volume": 7}', "utf-8")
    odd, _ = load_settings(data_dir)
    assert odd.ui_scale == 1.0 and odd.volume == 1.0


def _mlday(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "game", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_killed_with_kill_9_then_continued_ends_as_the_straight_game(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
    }
    autosave = tmp_path / "xdg" / "mlday" / "autosave.json"
    first = _mlday(["play", str(TUTORIAL), "--autoplay", "greedy", "--speed", "4"], env)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if autosave.exists() and json.loads(autosave.read_text("utf-8"))["tick"] >= 2:
                break
            assert first.poll() is None, first.communicate()
            time.sleep(0.05)
        else:
            pytest.fail("no autosave at tick 2 within the time allowed")
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate()
    assert first.returncode == -signal.SIGKILL
    json.loads(autosave.read_text("utf-8"))  # whole and loadable after the kill
    record = tmp_path / "continued.json"
    second = _mlday(
        [
            "play",
            "--continue",
            "--autoplay",
            "greedy",
            "--speed",
            "max",
            "--exit-at-end",
            "--record",
            str(record),
        ],
        env,
    )
    _out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err
    continued = json.loads(record.read_text("utf-8"))
    straight = subprocess.run(
        [sys.executable, "-m", "game", "simulate", str(TUTORIAL), "--policy", "greedy", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert continued["digest"] == json.loads(straight.stdout)["digest"]
    assert not autosave.exists()


def test_no_display_says_so_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "SDL_VIDEODRIVER": "no-such-driver"}
    result = subprocess.run(
        [sys.executable, "-m", "game", "play", str(TUTORIAL)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0] and "mlday simulate" in lines[0]
    assert result.stdout == ""


def test_play_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert mlday(["play"]) == 2
    assert "--continue" in capsys.readouterr().err
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: [", encoding="utf-8")
    assert mlday(["play", str(broken)]) == 1
    assert "broken.yaml:" in capsys.readouterr().err
    assert mlday(["play", str(tmp_path / "missing.yaml")]) == 2
    existing = tmp_path / "run.json"
    existing.write_text("{}", encoding="utf-8")
    assert mlday(["play", str(TUTORIAL), "--record", str(existing)]) == 2
    assert existing.read_text(encoding="utf-8") == "{}"
