"""Scenes and the scene stack.

A scene is one screen of the window: the title, the play screen, a dialog. Scenes sit on
a stack; the top one has the keyboard and the mouse first. The lifecycle follows
Tuxemon's: a scene is ``resume``\\ d when it comes to the top, ``pause``\\ d when another
covers it or before it leaves, and ``shutdown`` when it leaves for good. ``draw`` never
changes the game.

Each scene owns a pygame_gui manager for its widgets, so a modal drawn over the play
screen shows the play screen beneath it and takes its clicks first. A scene that is not
``opaque`` (a dialog) lets the scenes below it show; the stack draws from the topmost
opaque scene upward. Events pass down the stack until a scene keeps one. A scene queued
with :meth:`SceneStack.chain` replaces the popped one (a report, then its debrief).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.ui.focus import FocusRing

if TYPE_CHECKING:
    from game.ui.app import App

Command = Callable[[], None]
"""What a button does: the actions table maps an object id to one."""


class Scene:
    """One screen. Subclasses build their widgets in :meth:`layout`."""

    opaque: bool = True
    """False for modals: the scenes beneath stay visible."""
    name: str = "scene"
    """A short name, used for the screenshots that ``--screenshots`` saves."""
    paints_backdrop: bool = False
    """True for a scene whose :meth:`draw` covers the whole window (the window then
    does not clear it first)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.ui = app.new_manager()
        self.actions: dict[str, Command] = {}
        """Object id (the last part, as '#pause') to the command its button runs."""
        self.laid_out: tuple[int, int] | None = None
        """The size the widgets were last built for."""
        self.focus = FocusRing()
        """Where Tab has put the keyboard (see :mod:`game.ui.focus`)."""

    # --- the lifecycle -------------------------------------------------------------------

    def resume(self) -> None:
        """The scene is on top again (or for the first time)."""

    def pause(self) -> None:
        """Another scene covers this one, or this one is about to leave."""

    def shutdown(self) -> None:
        """The scene leaves the stack for good: release what it holds."""
        self.ui.clear_and_reset()

    # --- one frame -----------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        """Offer an event to the scene; True when the scene keeps it."""
        if self.focus.handle(self.ui, event):
            return True
        if self.ui.process_events(event):
            return True
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            return self.run_command(event)
        return self.handle_other(event)

    def handle_other(self, event: pygame.event.Event) -> bool:
        """Events the widgets did not keep: keys, other UI events. True to keep it."""
        return False

    def run_command(self, event: pygame.event.Event) -> bool:
        """Run the command of the pressed button when the button is this scene's."""
        if getattr(event.ui_element, "ui_manager", None) is not self.ui:
            return False
        command = self.actions.get(object_id_of(event))
        if command is None:
            return False
        command()
        return True

    def screenshot_ready(self) -> bool:
        """Whether the scene shows what its one ``--screenshots`` PNG should show."""
        return True

    def autoplay_step(self) -> None:
        """What the autoplayer does on this scene in a frame (nothing by default)."""

    def update(self, dt: float) -> None:
        """Advance the scene by ``dt`` seconds of real time."""
        self.ui.update(dt)

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the scene; changes nothing in the game."""
        self.ui.draw_ui(surface)

    def layout(self, size: tuple[int, int]) -> None:
        """Rebuild the widgets for a new window size or UI scale."""
        self.laid_out = size
        self.ui.set_window_resolution(size)


def object_id_of(event: pygame.event.Event) -> str:
    """The pressed element's own object id ('#pause'), without its containers' ids."""
    combined: str = event.ui_object_id
    return combined.rsplit(".", 1)[-1]


class SceneStack:
    """Scenes on top of one another; the last one pushed is on top."""

    def __init__(self, size: Callable[[], tuple[int, int]]) -> None:
        self._scenes: list[Scene] = []
        self._chained: list[Scene] = []
        self._size = size

    def __len__(self) -> int:
        return len(self._scenes)

    def __iter__(self) -> Iterator[Scene]:
        """The scenes from the bottom up."""
        return iter(list(self._scenes))

    @property
    def top(self) -> Scene | None:
        """The scene on top, or None when the stack is empty."""
        return self._scenes[-1] if self._scenes else None

    def push(self, scene: Scene) -> None:
        """Put a scene on top; the one it covers is paused."""
        if self._scenes:
            self._scenes[-1].pause()
        self._enter(scene)

    def _enter(self, scene: Scene) -> None:
        self._scenes.append(scene)
        scene.layout(self._size())
        scene.resume()

    def pop(self) -> Scene | None:
        """Take the top scene off; a chained scene takes its place, else the one below resumes."""
        if not self._scenes:
            return None
        scene = self._scenes.pop()
        scene.pause()
        scene.shutdown()
        if self._chained:
            self._enter(self._chained.pop(0))  # the scene beneath stays paused
        elif self._scenes:
            below = self._scenes[-1]
            if below.laid_out != self._size():
                below.layout(self._size())
            below.resume()
        return scene

    def replace(self, scene: Scene) -> None:
        """Swap the top scene for another."""
        self.chain(scene)
        self.pop()

    def chain(self, scene: Scene) -> None:
        """Queue a scene to replace the next one popped."""
        self._chained.append(scene)

    def clear(self) -> None:
        """Take every scene off, top first, each shut down."""
        self._chained.clear()
        while self._scenes:
            scene = self._scenes.pop()
            scene.pause()
            scene.shutdown()

    def reset(self, scene: Scene) -> None:
        """Leave only ``scene`` on the stack."""
        self.clear()
        self.push(scene)

    def handle(self, event: pygame.event.Event) -> bool:
        """Offer the event to each scene from the top down until one keeps it."""
        for scene in reversed(list(self._scenes)):
            if scene not in self._scenes:
                continue
            if scene.handle(event):
                return True
        return False

    def update(self, dt: float) -> None:
        """Update the top scene: the ones beneath wait (a dialog stops the clock).

        The visible scenes beneath a modal only bring their widgets up to date (with no
        time passing), so that a change made from the modal shows at once.
        """
        if not self._scenes:
            return
        top = self._scenes[-1]
        for scene in self.visible():
            if scene is not top:
                scene.ui.update(0.0)
        top.update(dt)

    def visible(self) -> list[Scene]:
        """The scenes to draw, from the topmost opaque one upward."""
        start = 0
        for index in range(len(self._scenes) - 1, -1, -1):
            if self._scenes[index].opaque:
                start = index
                break
        return self._scenes[start:]

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the visible scenes, bottom first."""
        for scene in self.visible():
            scene.draw(surface)

    def layout(self, size: tuple[int, int]) -> None:
        """Lay the visible scenes out for the new size; the others when they come back."""
        for scene in self.visible():
            scene.layout(size)
