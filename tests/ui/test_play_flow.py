"""The real window driven by posted mouse and keyboard events, from the title to the debrief."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.replay.runfile import read_run
from game.scenario.load import load_scenario
from game.session import Session
from game.ui.app import App
from game.ui.scenes.event import EventDialog
from game.ui.scenes.play import PlayScene
from tests.ui.conftest import (
    CHOICES_SCENARIO,
    ROOT,
    TUTORIAL,
    click,
    find,
    has,
    press,
    run_frames,
    start_game,
    top_name,
    window_point,
)


def play_scene(app: App) -> PlayScene:
    scenes = [scene for scene in app.stack if isinstance(scene, PlayScene)]
    assert scenes, "no play screen"
    return scenes[-1]


def first_open_choice(dialog: EventDialog) -> str:
    return next(f"#choice_{c.id}" for c in dialog.event.choices if c.blocked is None)


def test_title_to_tutorial_to_debrief_by_mouse_and_keys(app: App, data_dir: Path) -> None:
    from game.ui.scenes.title import TitleScene

    app.stack.push(TitleScene(app))
    run_frames(app, 1)
    assert find(app, "#continue").is_enabled is False  # nothing saved yet
    click(app, "#new_game")
    assert top_name(app) == "briefing"
    click(app, "#start")
    assert top_name(app) == "play"
    answered = 0
    press(app, pygame.K_3)  # 4x
    for _ in range(400):
        name = top_name(app)
        if name == "debrief":
            break
        if name == "event":
            top = app.stack.top
            assert isinstance(top, EventDialog)
            click(app, first_open_choice(top))
            answered += 1
            continue
        if play_scene(app).paused:
            press(app, pygame.K_SPACE)
        run_frames(app, 1, dt=0.5)
    assert top_name(app) == "debrief"
    assert answered >= 1
    runs = list((data_dir / "runs").glob("tutorial-*.json"))
    assert len(runs) == 1
    run = read_run(runs[0])
    assert any(timed.action.do == "choose" for timed in run.actions)
    assert app.store.best_scores()["tutorial"].score == run.score.total
    assert not app.store.has_autosave()


def test_an_event_answered_by_clicking_a_choice(app: App) -> None:
    start_game(app, TUTORIAL)
    press(app, pygame.K_SPACE)  # the clock starts; the owner asks at 13:30
    for _ in range(10):
        if top_name(app) == "event":
            break
        run_frames(app, 1, dt=2.0)
    dialog = app.stack.top
    assert isinstance(dialog, EventDialog)
    event_id = dialog.event.id
    assert event_id == "owner_asks"
    assert "free" in find(app, "#choice_write").text
    tick = play_scene(app).game.session.tick
    run_frames(app, 5, dt=2.0)  # the clock stands still while the dialog is open
    assert play_scene(app).game.session.tick == tick
    click(app, "#choice_write")
    assert top_name(app) == "play"
    session = play_scene(app).game.session
    assert any(
        t.action.do == "choose" and t.action.event == event_id  # type: ignore[union-attr]
        for t in session.actions
    )


@pytest.fixture
def choices_file(tmp_path: Path) -> Path:
    path = tmp_path / "offer.yaml"
    path.write_text(CHOICES_SCENARIO, encoding="utf-8")
    return path


def test_a_disabled_choice_cannot_be_clicked(app: App, choices_file: Path) -> None:
    start_game(app, choices_file)
    run_frames(app, 2)
    assert top_name(app) == "event"
    blocked = find(app, "#choice_expensive")
    assert not blocked.is_enabled
    assert "trust" in (blocked.tool_tip_text or "")
    click(app, "#choice_expensive")
    press(app, pygame.K_1)  # the key of the same choice is refused too
    assert top_name(app) == "event"
    assert play_scene(app).game.session.actions == []
    click(app, "#choice_cheap")
    assert top_name(app) == "play"
    assert [t.action.do for t in play_scene(app).game.session.actions] == ["choose"]


def test_rewind_to_an_earlier_hour(app: App) -> None:
    start_game(app, TUTORIAL)
    play = play_scene(app)
    while top_name(app) == "event":
        click(app, "#later")
    click(app, "#preset_even")
    for _ in range(4):
        play.advance()
        while top_name(app) == "event":
            click(app, "#later")
    session = play.game.session
    assert session.tick == 4
    click(app, "#rewind")
    assert top_name(app) == "rewind"
    press(app, pygame.K_LEFT)
    press(app, pygame.K_LEFT)  # from tick 3 to tick 1
    click(app, "#rewind_go")
    assert session.tick == 1
    straight = Session.start(load_scenario(TUTORIAL.resolve()), 0, player=session.player)
    for timed in session.actions:
        straight.advance_to(timed.tick)
        assert straight.apply(timed.action) is None
    straight.advance_to(1)
    assert straight.digest() == session.digest()
    assert has(app, "#rewind")


def test_the_log_of_a_game_of_several_days_names_each_day(app: App) -> None:
    start_game(app, ROOT / "scenarios" / "silent-collapse.yaml")
    play = play_scene(app)
    session = play.game.session
    per_day = round(session.rules.scenario.time.hours_per_day / session.rules.tick_hours)
    while session.tick <= per_day + 2 and not session.over:
        if top_name(app) == "event":
            click(app, "#later")
        else:
            play.advance()
            run_frames(app, 1)
    app.resize((1300, 720))  # the log is built again whole
    run_frames(app, 1)
    log = play.log
    assert log is not None
    stamps = [line.stamp for line in log.lines]
    assert stamps.count("Day 1") == 1
    assert stamps.count("Day 2") == 1
    assert stamps.index("Day 1") < stamps.index("Day 2")
    assert [line.text for line in log.lines if line.stamp.startswith("Day")] == ["", ""]
    assert len(log.lines) == len(session.view().log) + 2


def test_the_log_grows_a_line_at_a_time_follows_its_end_and_scrolls_by_wheel(app: App) -> None:
    start_game(app, ROOT / "scenarios" / "ravi-tuesday.yaml")
    play = play_scene(app)
    session = play.game.session
    log = play.log
    assert log is not None
    while log.first_row < 3 and not session.over:
        if top_name(app) == "event":
            click(app, "#later")
        else:
            before = list(log.lines)
            play.advance()
            run_frames(app, 1)
            if play.log is not log:
                break
            assert log.lines[: len(before)] == before  # appended, never built again
            assert log.at_end
    assert play.log is log
    assert log.lines and [line.text for line in log.lines] == [
        entry.text for entry in session.view().log
    ]
    assert log.first_row > 0
    while top_name(app) == "event":
        click(app, "#later")
    image = find(app, "#log")
    pygame.event.post(
        pygame.event.Event(
            pygame.MOUSEMOTION,
            pos=window_point(app, image.rect.center),
            rel=(1, 1),
            buttons=(0, 0, 0),
        )
    )
    run_frames(app, 1)
    pygame.event.post(
        pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=3, flipped=False, precise_x=0.0, precise_y=3.0)
    )
    run_frames(app, 30)
    assert not log.at_end
    scrolled = log.first_row
    lines = len(log.lines)
    while len(log.lines) == lines and not session.over:
        while top_name(app) == "event":
            click(app, "#later")
        play.advance()
        run_frames(app, 1)
    assert log.first_row == scrolled  # a player reading back is not pulled to the end


def test_every_kind_of_message_has_an_icon_and_the_log_shows_it(app: App) -> None:
    import re

    from game.ui.theme import asset_path
    from game.ui.widgets.log import KIND_LOOKS

    log_codes = (ROOT / "docs" / "messages.md").read_text(encoding="utf-8").split("## Refusals")[0]
    documented = set(re.findall(r"^\| `[a-z_.]+` \| .* \| ([a-z_]+) \|", log_codes, re.MULTILINE))
    assert documented and documented <= set(KIND_LOOKS)
    for icon, _, _ in KIND_LOOKS.values():
        assert asset_path("icons", f"{icon}.png").is_file(), icon
    start_game(app, ROOT / "scenarios" / "ravi-tuesday.yaml")
    play = play_scene(app)
    while len(play.game.session.view().log) < 3:
        if top_name(app) == "event":
            click(app, "#later")
        else:
            play.advance()
            run_frames(app, 1)
    log = play.log
    assert log is not None
    for line, entry in zip(log.lines, play.game.session.view().log, strict=False):
        assert line.kind == entry.kind
        assert line.icon == KIND_LOOKS[entry.kind][0]


def test_a_tick_of_the_running_clock_rebuilds_its_changed_panels_one_a_frame(app: App) -> None:
    start_game(app, ROOT / "scenarios" / "ravi-tuesday.yaml")
    play = play_scene(app)
    while top_name(app) == "event":
        click(app, "#later")
    press(app, pygame.K_3)  # 4x
    if play.paused:
        press(app, pygame.K_SPACE)
    session = play.game.session
    most = 0
    for _ in range(400):
        tick = session.tick
        run_frames(app, 1)
        if top_name(app) == "event":
            click(app, "#later")
            continue
        if session.tick != tick:
            stale = play.stale_panels
            most = max(most, len(stale))
            for left in range(len(stale) - 1, -1, -1):
                run_frames(app, 1)
                if top_name(app) != "play" or session.tick != tick + 1:
                    break
                assert len(play.stale_panels) <= left
        if most or session.over:
            break
    assert most  # the panels a tick changed were not built in the tick's frame
    assert not session.over
    while play.stale_panels and top_name(app) == "play":
        run_frames(app, 1)
    play.refresh()  # building everything at once finds nothing left to change
    assert play.stale_panels == []
