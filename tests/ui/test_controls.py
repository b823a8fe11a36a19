"""Keys and the allocation controls: space, 1-3, Esc, F5, F11, F12; linked sliders; settings."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.ui.app import App
from game.ui.scenes.play import PlayScene
from game.ui.widgets.allocation import PRESETS, rebalance, switch_cost
from tests.ui.conftest import (
    CHOICES_SCENARIO,
    TUTORIAL,
    click,
    find,
    press,
    run_frames,
    start_game,
    top_name,
)


def play_of(app: App) -> PlayScene:
    return [s for s in app.stack if isinstance(s, PlayScene)][-1]


@pytest.mark.parametrize(
    ("shares", "moved", "value", "expected"),
    [
        ((25, 25, 25, 25), 0, 40, (40, 20, 20, 20)),
        ((20, 30, 30, 20), 1, 100, (0, 100, 0, 0)),
        ((100, 0, 0, 0), 0, 70, (70, 10, 10, 10)),
        ((20, 30, 30, 20), 3, 0, (25, 38, 37, 0)),
        ((10, 0, 0, 90), 3, 50, (50, 0, 0, 50)),
    ],
)
def test_linked_shares_always_add_up_to_100(
    shares: tuple[int, int, int, int], moved: int, value: int, expected: tuple[int, ...]
) -> None:
    result = rebalance(shares, moved, value)
    assert result == expected
    assert sum(result) == 100


def test_switch_cost_text() -> None:
    assert switch_cost(10, (25, 25, 25, 25)) == "4 kinds of work: switching costs 30% of your hours"
    assert switch_cost(10, (100, 0, 0, 0)) == "One kind of work: no switching cost"


def test_space_pauses_and_1_to_3_set_the_speed(app: App) -> None:
    start_game(app, TUTORIAL)
    play = play_of(app)
    assert play.paused
    press(app, pygame.K_SPACE)
    assert not play.paused
    assert find(app, "#pause").text == "Pause"
    for key, speed in ((pygame.K_2, "2"), (pygame.K_3, "4"), (pygame.K_1, "1")):
        press(app, key)
        assert play.speed == speed
    press(app, pygame.K_SPACE)
    assert play.paused
    tick = play.game.session.tick
    run_frames(app, 3, dt=5.0)
    assert play.game.session.tick == tick  # paused: the clock stands still


def test_presets_and_sliders_apply_when_the_clock_moves(app: App) -> None:
    start_game(app, TUTORIAL)
    play = play_of(app)
    click(app, "#preset_even")
    assert play.shares == PRESETS["even"]
    assert play.game.session.view().allocation["research"] != 25  # not yet applied
    slider = find(app, "#share_research")
    right_arrow = (slider.rect.right - 8, slider.rect.centery)
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        pygame.event.post(pygame.event.Event(kind, pos=right_arrow, button=1))
    run_frames(app, 3)
    assert play.shares[0] == 30 and sum(play.shares) == 100
    press(app, pygame.K_l)
    assert play.shares == PRESETS["lesson"]
    press(app, pygame.K_e)
    play.advance()
    assert play.game.session.view().allocation == dict(
        zip(("research", "data", "infra", "writing"), PRESETS["even"], strict=True)
    )


def test_esc_opens_the_pause_menu_and_closes_it(app: App) -> None:
    start_game(app, TUTORIAL)
    press(app, pygame.K_ESCAPE)
    assert top_name(app) == "pause"
    press(app, pygame.K_ESCAPE)
    assert top_name(app) == "play"
    press(app, pygame.K_ESCAPE)
    click(app, "#to_title")
    assert top_name(app) == "title"
    assert find(app, "#continue").is_enabled


def test_f12_saves_a_screenshot_and_f11_never_fails(app: App, data_dir: Path) -> None:
    start_game(app, TUTORIAL)
    press(app, pygame.K_F12)
    shots = list((data_dir / "screenshots").glob("*.png"))
    assert len(shots) == 1 and shots[0].stat().st_size > 0
    press(app, pygame.K_F11)
    press(app, pygame.K_F11)
    assert top_name(app) == "play"


def test_f5_shows_a_broken_scenario_in_the_window(app: App, tmp_path: Path) -> None:
    path = tmp_path / "offer.yaml"
    path.write_text(CHOICES_SCENARIO, encoding="utf-8")
    start_game(app, path)
    click(app, "#choice_cheap")
    path.write_text(CHOICES_SCENARIO.replace("budget: 1000", "budget: lots"), "utf-8")
    press(app, pygame.K_F5)
    assert top_name(app) == "problems"
    assert (
        "offer.yaml:6:9: error: expected a number, got 'lots'"
        in find(app, "#problems_text").html_text
    )
    press(app, pygame.K_RETURN)
    assert top_name(app) == "play"
    digest = play_of(app).game.session.digest()
    path.write_text(CHOICES_SCENARIO.replace("budget: 1000", "budget: 2000"), "utf-8")
    press(app, pygame.K_F5)
    play = play_of(app)
    assert play.game.loaded.scenario.budget == 2000
    assert [t.action.do for t in play.game.session.actions] == ["choose"]
    assert play.game.session.digest() != digest


def test_settings_palette_and_scale_apply_and_are_saved(app: App, data_dir: Path) -> None:
    from game.ui.saves import load_settings
    from game.ui.scenes.title import TitleScene

    app.resize((1920, 1080))
    app.stack.push(TitleScene(app))
    run_frames(app, 1)
    click(app, "#settings")
    assert top_name(app) == "settings"
    click(app, "#palette_toggle")
    assert app.settings.colourblind
    click(app, "#scale_150")
    assert app.scale == 1.5
    assert app.logical_size() == (1280, 720)
    click(app, "#mute_toggle")
    saved, _ = load_settings(data_dir)
    assert saved.colourblind and saved.ui_scale == 1.5 and saved.muted
    click(app, "#settings_back")
    assert top_name(app) == "title"
