"""Settings: UI scale, the colour-blind-safe palette, volume, mute and full screen.

Each change applies at once and is saved for the next time the game opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.ui.saves import UI_SCALES
from game.ui.scene import Command, Scene
from game.ui.widgets.build import button, label
from game.ui.widgets.text import set_fitted

if TYPE_CHECKING:
    from game.ui.app import App

ROW_HEIGHT = 44


def scale_id(scale: float) -> str:
    """The object id of a UI-scale button ('#scale_125')."""
    return f"#scale_{round(scale * 100)}"


class SettingsScene(Scene):
    """The settings screen (opened from the title or the pause menu)."""

    name = "settings"

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.volume_slider: pygame_gui.elements.UIHorizontalSlider | None = None
        self.volume_label: pygame_gui.elements.UILabel | None = None
        self.actions = {
            "#palette_toggle": self.toggle_palette,
            "#mute_toggle": self.toggle_mute,
            "#fullscreen_toggle": self.toggle_fullscreen,
            "#settings_back": self.back,
        }
        for scale in UI_SCALES:
            self.actions[scale_id(scale)] = self._scaler(scale)

    def _scaler(self, scale: float) -> Command:
        def set_scale() -> None:
            self.set_scale(scale)

        return set_scale

    def layout(self, size: tuple[int, int]) -> None:
        """One row per setting."""
        super().layout(size)
        self.ui.clear_and_reset()
        settings = self.app.settings
        width, height = size
        column = min(720, width - 48)
        left = (width - column) // 2
        name_width = 200
        right = left + name_width + 12
        control = column - name_width - 12
        label(self.ui, pygame.Rect(left, 24, column, 40), "Settings", class_id="@heading")
        y = 90
        label(
            self.ui,
            pygame.Rect(left, y, name_width, 34),
            "UI scale",
            tooltip="Makes every widget and letter larger or smaller. A window too small "
            "for the scale shows the largest scale that fits.",
        )
        each = (control - 4 * (len(UI_SCALES) - 1)) // len(UI_SCALES)
        for n, scale in enumerate(UI_SCALES):
            widget = button(
                self.ui,
                pygame.Rect(right + n * (each + 4), y, each, 34),
                f"{round(scale * 100)}%",
                scale_id(scale),
                tooltip=f"UI scale {round(scale * 100)}%",
            )
            if abs(scale - settings.ui_scale) < 1e-9:
                widget.select()
        y += ROW_HEIGHT
        label(
            self.ui,
            pygame.Rect(left, y, name_width, 34),
            "Colours",
            tooltip="A palette that people with colour-blindness tell apart (Okabe and Ito).",
        )
        button(
            self.ui,
            pygame.Rect(right, y, control, 34),
            "Colour-blind-safe palette: on"
            if settings.colourblind
            else "Colour-blind-safe palette: off",
            "#palette_toggle",
            tooltip="Switch the palette",
        )
        y += ROW_HEIGHT
        label(self.ui, pygame.Rect(left, y, name_width, 34), "Volume", tooltip="Sound volume")
        self.volume_slider = pygame_gui.elements.UIHorizontalSlider(
            pygame.Rect(right, y, control - 70, 34),
            round(settings.volume * 100),
            (0, 100),
            self.ui,
            click_increment=10,
            object_id="#volume",
        )
        self.volume_label = label(
            self.ui,
            pygame.Rect(right + control - 64, y, 64, 34),
            f"{round(settings.volume * 100)}%",
            class_id="@right",
        )
        y += ROW_HEIGHT
        label(self.ui, pygame.Rect(left, y, name_width, 34), "Sound", tooltip="Mute or unmute")
        button(
            self.ui,
            pygame.Rect(right, y, control, 34),
            "Muted" if settings.muted else "Sound on",
            "#mute_toggle",
            tooltip="Mute or unmute every sound (M)",
        )
        y += ROW_HEIGHT
        label(self.ui, pygame.Rect(left, y, name_width, 34), "Display", tooltip="Window or screen")
        button(
            self.ui,
            pygame.Rect(right, y, control, 34),
            "Full screen" if settings.fullscreen else "Window",
            "#fullscreen_toggle",
            tooltip="Switch full screen (F11)",
        )
        if not self.app.audio.available:
            y += ROW_HEIGHT
            label(
                self.ui,
                pygame.Rect(left, y, column, 24),
                "No audio device was found: the game is silent.",
                class_id="@small",
            )
        button(self.ui, pygame.Rect(left, height - 60, 160, 36), "Back", "#settings_back")

    def set_scale(self, scale: float) -> None:
        """Change the UI scale (every scene is laid out again)."""
        self.app.set_ui_scale(scale)
        self.app.save_settings()

    def toggle_palette(self) -> None:
        """Switch between the standard and the colour-blind-safe palette."""
        self.app.set_palette(not self.app.settings.colourblind)
        self.app.save_settings()

    def toggle_mute(self) -> None:
        """Mute or unmute."""
        self.app.settings.muted = self.app.audio.toggle_mute()
        self.app.save_settings()
        self.layout(self.app.logical_size())

    def toggle_fullscreen(self) -> None:
        """Switch between the window and full screen."""
        self.app.toggle_fullscreen()
        self.layout(self.app.logical_size())

    def set_volume(self, percent: int) -> None:
        """Set the volume, 0 to 100."""
        self.app.settings.volume = max(0, min(100, percent)) / 100
        self.app.audio.volume = self.app.settings.volume
        if self.volume_label is not None:
            set_fitted(self.volume_label, f"{round(self.app.settings.volume * 100)}%")
        self.app.save_settings()

    def back(self) -> None:
        """Close the settings."""
        self.app.stack.pop()

    def handle_other(self, event: pygame.event.Event) -> bool:
        """The volume slider; Esc goes back; M mutes."""
        if (
            event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED
            and event.ui_element is self.volume_slider
        ):
            self.set_volume(int(event.value))
            return True
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.back()
            return True
        if event.type == pygame.KEYDOWN and event.key == pygame.K_m:
            self.toggle_mute()
            return True
        return False
