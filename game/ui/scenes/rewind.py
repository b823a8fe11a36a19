"""The rewind dialog: go back to any earlier hour of the game, by re-simulation."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.ui.scenes.modal import Modal
from game.ui.widgets.build import button, label
from game.ui.widgets.text import set_fitted

if TYPE_CHECKING:
    from game.ui.app import App
    from game.ui.scenes.play import PlayScene


class RewindDialog(Modal):
    """Pick a boundary from the first to the present with a slider (or the arrow keys)."""

    name = "rewind"
    box_size = (520, 200)

    def __init__(self, app: App, play: PlayScene) -> None:
        super().__init__(app)
        self.play = play
        self.latest = play.game.session.tick
        self.target = max(0, self.latest - 1)
        self.slider: pygame_gui.elements.UIHorizontalSlider | None = None
        self.readout: pygame_gui.elements.UILabel | None = None
        self.actions = {"#rewind_go": self.go, "#rewind_cancel": self.cancel}

    def layout(self, size: tuple[int, int]) -> None:
        """A slider over the ticks, what it points at, and the buttons."""
        super().layout(size)
        rect = self.frame(size)
        inner = rect.width - 24
        label(
            self.ui,
            pygame.Rect(12, 8, inner, 30),
            "Rewind to an earlier hour",
            container=self.box,
            class_id="@heading",
        )
        self.slider = pygame_gui.elements.UIHorizontalSlider(
            pygame.Rect(12, 48, inner, 26),
            self.target,
            (0, max(1, self.latest)),
            self.ui,
            container=self.box,
            object_id="#rewind_slider",
        )
        self.readout = label(self.ui, pygame.Rect(12, 80, inner, 26), "", container=self.box)
        button(
            self.ui,
            pygame.Rect(12, rect.height - 48, 140, 34),
            "Cancel",
            "#rewind_cancel",
            container=self.box,
            tooltip="Keep playing from now (Esc)",
        )
        button(
            self.ui,
            pygame.Rect(rect.width - 12 - 200, rect.height - 48, 200, 34),
            "Rewind",
            "#rewind_go",
            container=self.box,
            class_id="@primary",
            tooltip="Go back there (Enter); what you did after it is undone",
        )
        self._show()

    def _show(self) -> None:
        from game.ui.scenes.play import clock_text

        play = self.play
        hour = self.target * play.game.session.rules.tick_hours
        clock, _ = clock_text(play.start_clock, hour, play.hours_per_day)
        if self.readout is not None:
            set_fitted(
                self.readout,
                f"Back to {clock} (tick {self.target} of {self.latest})",
                "The game as it stood when the clock reached that hour, before your actions there.",
            )

    def set_target(self, tick: int) -> None:
        """Point the dialog at a boundary."""
        self.target = max(0, min(self.latest, tick))
        if self.slider is not None and self.slider.get_current_value() != self.target:
            self.slider.set_current_value(self.target)
        self._show()

    def go(self) -> None:
        """Rewind and close."""
        self.app.stack.pop()
        self.play.undo_to(self.target)

    def cancel(self) -> None:
        """Close without rewinding."""
        self.app.stack.pop()

    def handle_other(self, event: pygame.event.Event) -> bool:
        """The slider; arrows move it, Enter rewinds, Esc cancels."""
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED and event.ui_element is self.slider:
            self.set_target(int(event.value))
            return True
        if event.type != pygame.KEYDOWN:
            return False
        keys = {
            pygame.K_LEFT: lambda: self.set_target(self.target - 1),
            pygame.K_RIGHT: lambda: self.set_target(self.target + 1),
            pygame.K_RETURN: self.go,
            pygame.K_ESCAPE: self.cancel,
        }
        command = keys.get(event.key)
        if command is None:
            return False
        command()
        return True
