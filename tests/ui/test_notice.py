"""Notices ("screenshot saved") never cover a button, a slider or a scroll bar."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.session import Session
from game.ui.app import App
from game.ui.notice import place
from game.ui.saves import Settings, Store
from game.ui.scenes.debrief import SECTION_KEYS, DebriefScene
from game.ui.widgets.onscreen import ACTIONABLE, shown_rect
from tests.ui.conftest import TUTORIAL, click, elements, press, run_frames, start_game
from tests.ui.game_helpers import finished_session

LONG_NOTICE = "screenshot saved: " + "/a/long/folder/name" * 6 + "/mlday-0001.png"


def actionable_in_window(app: App) -> list[pygame.Rect]:
    """Every button, slider and scroll bar of the visible scenes, in window pixels."""
    found = []
    across = app.window_size[0] / app.logical_size()[0]
    down = app.window_size[1] / app.logical_size()[1]
    for element in elements(app):
        rect = shown_rect(element) if isinstance(element, ACTIONABLE) else None
        if rect is not None:
            found.append(
                pygame.Rect(
                    int(rect.x * across),
                    int(rect.y * down),
                    int(rect.width * across) + 1,
                    int(rect.height * down) + 1,
                )
            )
    return found


def assert_notice_covers_nothing_actionable(app: App) -> None:
    box = app.notice.box
    assert box is not None, "the notice was not drawn"
    assert app.screen.get_rect().contains(box)
    covered = [rect for rect in actionable_in_window(app) if rect.colliderect(box)]
    assert covered == [], f"the notice at {box} covers {covered}"


@pytest.mark.parametrize("size", [(1024, 600), (1280, 720), (2560, 1440)])
@pytest.mark.parametrize("section", SECTION_KEYS)
def test_a_notice_on_the_debrief_leaves_every_button_clear(
    data_dir: Path, size: tuple[int, int], section: str, session: Session
) -> None:
    app = App(Store(data_dir), Settings(), size=size)
    try:
        app.stack.push(DebriefScene(app, session))
        run_frames(app, 2)
        click(app, f"#debrief_tab_{section}")
        app.notify(LONG_NOTICE)
        run_frames(app, 1)
        assert_notice_covers_nothing_actionable(app)
        press(app, pygame.K_F12)  # the screenshot's own notice
        assert app.notice.text.startswith("screenshot saved")
        assert_notice_covers_nothing_actionable(app)
    finally:
        app.quit()


@pytest.fixture(scope="module")
def session() -> Session:
    return finished_session()


def test_a_notice_leaves_the_buttons_clear_at_a_ui_scale_of_2(
    data_dir: Path, session: Session
) -> None:
    app = App(Store(data_dir), Settings(ui_scale=2.0), size=(2560, 1440))
    try:
        assert app.logical_size() == (1280, 720)
        app.stack.push(DebriefScene(app, session))
        run_frames(app, 2)
        app.notify(LONG_NOTICE)
        run_frames(app, 1)
        assert_notice_covers_nothing_actionable(app)
    finally:
        app.quit()


def test_a_notice_on_the_play_screen_leaves_every_button_clear(app: App) -> None:
    start_game(app, TUTORIAL)
    app.notify("Run lora_es-1 failed: crashed at hour 0.5 of the run (loss spike, node failure)")
    run_frames(app, 1)
    assert_notice_covers_nothing_actionable(app)


def test_a_notice_goes_to_the_foot_when_it_is_clear_and_moves_up_when_not() -> None:
    area = pygame.Rect(0, 0, 1000, 600)
    assert place((200, 40), area, []) == pygame.Rect(400, 548, 200, 40)
    row_of_buttons = [pygame.Rect(0, 540, 1000, 60)]
    moved = place((200, 40), area, row_of_buttons)
    assert moved.collidelist(row_of_buttons) == -1
    assert moved.top == 12, "the top's centre comes second"
    text_at_top = [pygame.Rect(0, 0, 1000, 100)]
    between = place((200, 40), area, row_of_buttons, text_at_top)
    assert between.collidelist(row_of_buttons + text_at_top) == -1
    covered_text = place((200, 40), area, row_of_buttons, [area])
    assert covered_text.collidelist(row_of_buttons) == -1
