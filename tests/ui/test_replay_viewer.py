"""The replay viewer: a recorded game moved to any tick, showing that tick's numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pygame
import pytest

from game.cli.main import main
from game.session import Session
from game.ui.app import MAX_SIZE, MIN_SIZE, App
from game.ui.formatting import dollars
from game.ui.scenes.replay_viewer import ReplayViewerScene, session_at
from game.ui.widgets.text import text_problems
from tests.ui.conftest import click, find, press, run_frames
from tests.ui.game_helpers import finished_session, loaded, policy_actions


def money_at(tick: int) -> float:
    """The money at a boundary of greedy's game on seed 3, played straight by a session."""
    session = Session.start(loaded(), 3)
    for action in policy_actions("ravi-tuesday", "greedy", 3):
        if action.tick > tick:
            break
        session.advance_to(action.tick)
        assert session.apply(action.action) is None
    session.advance_to(tick)
    return session.view().money


def open_viewer(app: App, tick: int = 0) -> ReplayViewerScene:
    scene = ReplayViewerScene(
        app,
        loaded(),
        3,
        policy_actions("ravi-tuesday", "greedy", 3),
        title="greedy, seed 3",
        tick=tick,
    )
    app.stack.push(scene)
    run_frames(app, 2)
    return scene


def test_keys_and_buttons_move_to_a_tick_and_show_its_money(app: App) -> None:
    scene = open_viewer(app)
    budget = dollars(loaded().scenario.budget)
    assert find(app, "#replay_money").text == f"Money: {dollars(money_at(0))} of {budget}"
    for _ in range(10):
        press(app, pygame.K_RIGHT, frames=1)
    assert scene.tick == 10
    assert find(app, "#replay_money").text == f"Money: {dollars(money_at(10))} of {budget}"
    assert money_at(10) != money_at(0)
    click(app, "#replay_back")
    assert scene.tick == 9
    assert find(app, "#replay_money").text == f"Money: {dollars(money_at(9))} of {budget}"
    press(app, pygame.K_END)
    assert scene.tick == scene.last_tick
    assert "(the end)" in find(app, "#replay_clock").text
    click(app, "#replay_start")
    assert scene.tick == 0


def test_the_slider_moves_to_a_tick(app: App) -> None:
    scene = open_viewer(app)
    for _ in range(3):
        click(app, "#right_button", frames=2)
    run_frames(app, 2)
    assert scene.tick == 3
    assert find(app, "#replay_slider").get_current_value() == scene.tick
    assert find(app, "#replay_money").text.startswith(f"Money: {dollars(money_at(scene.tick))}")


def test_the_end_matches_the_straight_game(app: App) -> None:
    scene = open_viewer(app, tick=10_000)
    straight = finished_session()
    assert scene.tick == straight.tick
    assert scene.session.digest() == straight.digest()
    rules = scene.rules
    halfway = session_at(loaded(), rules, 3, scene.recorded, 5)
    assert halfway.tick == 5


@pytest.mark.parametrize("size", [MIN_SIZE, MAX_SIZE])
def test_the_viewer_fits(app: App, size: tuple[int, int]) -> None:
    scene = open_viewer(app, tick=8)
    app.resize(size)
    run_frames(app, 1)
    assert text_problems(scene.ui, app.logical_size()) == []


def _write_run(tmp_path: Path) -> Path:
    path = tmp_path / "run.json"
    assert main(["simulate", str(Path("scenarios") / "tutorial.yaml"), "--record", str(path)]) == 0
    return path


@pytest.fixture(autouse=True)
def quiet(capsys: pytest.CaptureFixture[str]) -> None:
    """What simulate prints while a run file is made is not what the tests read."""


def test_the_replay_command_refuses_a_tampered_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write_run(tmp_path)
    capsys.readouterr()
    run = json.loads(path.read_text(encoding="utf-8"))
    run["score"]["total"] = min(1000, run["score"]["total"] + 1)
    path.write_text(json.dumps(run), encoding="utf-8")
    assert main(["replay", str(path)]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"mlday replay: {path}: error:")
    assert error.count("\n") == 1


def test_the_replay_command_says_when_a_file_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", str(tmp_path / "nothing.json")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_a_run_file_that_verifies_opens_at_tick_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from game.cli import replay_viewer

    path = _write_run(tmp_path)
    opened: list[ReplayViewerScene] = []
    monkeypatch.setattr(App, "run", lambda self, first=None: opened.append(first))
    assert main(["replay", str(path)]) == 0
    (viewer,) = opened
    assert isinstance(viewer, ReplayViewerScene)
    assert viewer.tick == 0
    checked = replay_viewer.check_run(str(path))
    assert viewer.recorded == tuple(checked.run.actions)
    assert viewer.title.endswith(f"score {checked.run.score.total}")
