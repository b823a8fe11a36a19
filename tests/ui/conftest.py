"""Headless window tests: a dummy video and audio driver, a private data folder, and
helpers that post real mouse and keyboard events at widgets' rectangles."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from collections.abc import Iterator
from pathlib import Path

import pygame
import pygame_gui
import pytest

from game.ui.app import App
from game.ui.saves import Settings, Store


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private user data folder (XDG_DATA_HOME points into the test's folder)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "xdg" / "mlday"
    return folder


@pytest.fixture
def app(data_dir: Path) -> Iterator[App]:
    """A window at 1280x720 with default settings."""
    window = App(Store(data_dir), Settings())
    yield window
    window.quit()
    pygame.display.quit()


def elements(app: App) -> list[pygame_gui.core.UIElement]:
    """Every widget of the visible scenes, bottom scene first."""
    found: list[pygame_gui.core.UIElement] = []
    for scene in app.stack.visible():
        for sprite in scene.ui.get_sprite_group().sprites():
            if isinstance(sprite, pygame_gui.core.UIElement):
                found.append(sprite)
    return found


def find(app: App, object_id: str) -> pygame_gui.core.UIElement:
    """The widget of the top scenes with this object id ('#pause'); fails when none is."""
    matches = [
        element
        for element in elements(app)
        if element.get_object_ids()
        and element.get_object_ids()[-1] == object_id
        and element.visible
    ]
    assert matches, f"no visible widget {object_id}"
    return matches[-1]


def has(app: App, object_id: str) -> bool:
    """Whether a visible widget with this object id is on screen."""
    return any(
        element.get_object_ids() and element.get_object_ids()[-1] == object_id and element.visible
        for element in elements(app)
    )


def window_point(app: App, point: tuple[int, int]) -> tuple[int, int]:
    """A point of the scenes' layout in window pixels (the UI scale undone)."""
    logical = app.logical_size()
    width, height = app.window_size
    return (round(point[0] * width / logical[0]), round(point[1] * height / logical[1]))


def click(app: App, object_id: str, frames: int = 2) -> None:
    """Press and release the left button on a widget, then run a few frames."""
    element = find(app, object_id)
    pos = window_point(app, element.rect.center)
    pygame.event.post(
        pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
    )
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
    run_frames(app, frames)


def press(app: App, key: int, frames: int = 2, unicode: str = "") -> None:
    """Press and release a key, then run a few frames."""
    pygame.event.post(
        pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=unicode, scancode=0)
    )
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode=unicode, scancode=0))
    run_frames(app, frames)


def run_frames(app: App, frames: int, dt: float = 1 / 60) -> None:
    """Run frames of the loop with the events waiting."""
    for _ in range(frames):
        app.step(dt)


ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "scenarios" / "tutorial.yaml"
RAVI = ROOT / "scenarios" / "ravi-tuesday.yaml"

CHOICES_SCENARIO = """\
format: 1
title: "A choice you cannot afford"
summary: "One event, one choice out of reach."
briefing: "A short day to test the event dialog."
time: {days: 1, hours_per_day: 2, tick_minutes: 30}
budget: 1000
segments:
  - {id: en, name: English, traffic: 100}
production:
  model: {f1: {en: 0.8}}
goals:
  - {id: thanked, text: "Thank the helper", when: "trust >= 0"}
events:
  - id: offer
    title: "An offer"
    text: "Someone offers help."
    trigger: {at: 0}
    choices:
      - id: expensive
        text: "The help that needs the owner's full trust"
        requires: "trust >= 99"
      - id: cheap
        text: "Say thanks"
        default: true
"""


def top_name(app: App) -> str:
    """The name of the scene on top ('play', 'event', ...)."""
    top = app.stack.top
    assert top is not None
    return top.name if top.name != "scene" else type(top).__name__.removesuffix("Scene").lower()


def start_game(app: App, scenario: Path, seed: int = 0) -> None:
    """Open the title, then a new game of a scenario (as the briefing's Start does)."""
    from game.scenario.load import load_scenario
    from game.ui.scenes.title import TitleScene

    app.stack.push(TitleScene(app))
    app.start_game(load_scenario(scenario.resolve()), seed)
    run_frames(app, 1)
