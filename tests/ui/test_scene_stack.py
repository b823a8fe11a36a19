"""The scene stack: lifecycle order, events passed down, modals drawn over, chained scenes."""

from __future__ import annotations

import pygame

from game.ui.app import App
from game.ui.scene import Scene


class Counting(Scene):
    """A scene that records what the stack asks of it, and keeps the keys it is told to."""

    def __init__(self, app: App, name: str, log: list[str], keeps: set[int], opaque: bool = True):
        super().__init__(app)
        self.name = name
        self.log = log
        self.keeps = keeps
        self.opaque = opaque

    def resume(self) -> None:
        self.log.append(f"{self.name}.resume")

    def pause(self) -> None:
        self.log.append(f"{self.name}.pause")

    def shutdown(self) -> None:
        self.log.append(f"{self.name}.shutdown")
        super().shutdown()

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            self.log.append(f"{self.name}.key{event.key}")
            return event.key in self.keeps
        return False

    def update(self, dt: float) -> None:
        self.log.append(f"{self.name}.update")

    def draw(self, surface: pygame.Surface) -> None:
        self.log.append(f"{self.name}.draw")


def key(k: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)


def test_lifecycle_order_push_pop(app: App) -> None:
    log: list[str] = []
    a = Counting(app, "a", log, set())
    b = Counting(app, "b", log, set())
    app.stack.push(a)
    app.stack.push(b)
    app.stack.pop()
    assert log == ["a.resume", "a.pause", "b.resume", "b.pause", "b.shutdown", "a.resume"]


def test_events_pass_down_until_a_scene_keeps_one(app: App) -> None:
    log: list[str] = []
    bottom = Counting(app, "bottom", log, {pygame.K_a})
    middle = Counting(app, "middle", log, {pygame.K_b}, opaque=False)
    top = Counting(app, "top", log, set(), opaque=False)
    for scene in (bottom, middle, top):
        app.stack.push(scene)
    log.clear()
    assert app.stack.handle(key(pygame.K_a))
    assert log == ["top.key97", "middle.key97", "bottom.key97"]
    log.clear()
    assert app.stack.handle(key(pygame.K_b))
    assert log == ["top.key98", "middle.key98"]
    log.clear()
    assert not app.stack.handle(key(pygame.K_c))
    assert log == ["top.key99", "middle.key99", "bottom.key99"]


def test_drawn_from_the_topmost_opaque_scene_and_only_the_top_updates(app: App) -> None:
    log: list[str] = []
    first = Counting(app, "first", log, set())
    second = Counting(app, "second", log, set())
    modal = Counting(app, "modal", log, set(), opaque=False)
    for scene in (first, second, modal):
        app.stack.push(scene)
    log.clear()
    app.step()
    assert log == ["modal.update", "second.draw", "modal.draw"]


def test_a_chained_scene_replaces_the_popped_one(app: App) -> None:
    log: list[str] = []
    base = Counting(app, "base", log, set())
    report = Counting(app, "report", log, set())
    debrief = Counting(app, "debrief", log, set())
    app.stack.push(base)
    app.stack.push(report)
    app.stack.chain(debrief)
    log.clear()
    app.stack.pop()
    assert app.stack.top is debrief
    assert log == ["report.pause", "report.shutdown", "debrief.resume"]
    assert len(app.stack) == 2
