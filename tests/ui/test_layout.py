"""Every scene at the smallest and the largest window: no text overflows, overlaps or is cut."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from game.ui.app import MAX_SIZE, MIN_SIZE, App
from game.ui.scene import Scene
from game.ui.widgets.text import text_problems
from tests.ui.conftest import RAVI, click, run_frames, start_game, top_name


def problems_of(app: App) -> list[str]:
    found: list[str] = []
    for scene in app.stack.visible():
        found += [f"{scene.name}: {p}" for p in text_problems(scene.ui, app.logical_size())]
    return found


def open_title(app: App) -> None:
    from game.ui.scenes.title import TitleScene

    app.stack.push(TitleScene(app))


def open_picker(app: App) -> None:
    open_title(app)
    click(app, "#scenarios")


def open_briefing(app: App) -> None:
    open_picker(app)
    click(app, "#pick_1")


def open_settings(app: App) -> None:
    open_title(app)
    click(app, "#settings")


def open_play_with_event(app: App) -> None:
    start_game(app, RAVI)  # Ravi's day opens with an event and a full backlog
    assert top_name(app) in ("event", "play")
    run_frames(app, 1)


def open_pause(app: App) -> None:
    start_game(app, RAVI)
    while top_name(app) == "event":
        click(app, "#later")
    click(app, "#menu")


SCENES: dict[str, Callable[[App], None]] = {
    "title": open_title,
    "picker": open_picker,
    "briefing": open_briefing,
    "settings": open_settings,
    "play and event": open_play_with_event,
    "pause": open_pause,
}


@pytest.mark.parametrize("name", list(SCENES))
def test_text_fits_at_the_smallest_and_largest_sizes(app: App, name: str) -> None:
    SCENES[name](app)
    for size in (MIN_SIZE, MAX_SIZE, (1280, 720)):
        app.resize(size)
        run_frames(app, 1)
        assert app.window_size == size
        assert problems_of(app) == [], size


def test_the_window_is_held_between_the_supported_sizes(app: App) -> None:
    open_title(app)
    app.resize((640, 400))
    assert app.window_size == MIN_SIZE
    app.resize((4000, 3000))
    assert app.window_size == MAX_SIZE


@pytest.mark.parametrize("scale", [0.75, 1.5, 2.0])
def test_ui_scale_keeps_text_in_its_boxes(app: App, scale: float) -> None:
    open_play_with_event(app)
    app.set_ui_scale(scale)
    run_frames(app, 1)
    assert problems_of(app) == []
    logical = app.logical_size()
    assert logical[0] >= MIN_SIZE[0] and logical[1] >= MIN_SIZE[1]


@pytest.mark.filterwarnings("ignore:Label Rect is too small")
def test_the_checker_sees_overflowing_text(app: App) -> None:
    """The check itself can fail: a label made too narrow for its text is reported."""
    import pygame
    import pygame_gui

    class Narrow(Scene):
        def layout(self, size: tuple[int, int]) -> None:
            super().layout(size)
            pygame_gui.elements.UILabel(
                pygame.Rect(10, 10, 40, 20), "a label far too long for its box", self.ui
            )
            pygame_gui.elements.UIButton(pygame.Rect(30, 15, 80, 20), "over", self.ui)

    app.stack.push(Narrow(app))
    run_frames(app, 1)
    found = problems_of(app)
    assert any("text of" in p for p in found)
    assert any("overlaps" in p for p in found)


def test_a_shortened_choice_keeps_its_cost_whole(app: App) -> None:
    import pygame

    from game.ui.widgets.build import button
    from game.ui.widgets.text import PADDING

    manager = app.new_manager()
    long_text = "1. Send a one-page plan: LoRA runs on one serverless H100 at about $6 each"
    widget = button(manager, pygame.Rect(0, 0, 300, 30), long_text, "#c", tail="  ($2,400)")
    assert widget.text.endswith("…  ($2,400)")
    assert widget.font.size(widget.text)[0] <= 300 - PADDING
    assert long_text + "  ($2,400)" in (widget.tool_tip_text or "")
    short = button(manager, pygame.Rect(0, 0, 300, 30), "2. Skip", "#d", tail="  (free)")
    assert short.text == "2. Skip  (free)"


def test_a_blocked_card_says_what_it_needs_once() -> None:
    from game.core.messages import refused
    from game.core.view import TaskView
    from game.ui.widgets.cards import card_details

    task = TaskView(
        id="model_card",
        name="Write the model card",
        category="writing",
        hours=1.0,
        hours_done=0.0,
        cost=0.0,
        status="open",
        blocked=refused("refused.task_needs", task="model_card", requires="evals_run >= 1"),
        cancel_refused=None,
    )
    assert card_details(task) == "needs: evals_run >= 1"
