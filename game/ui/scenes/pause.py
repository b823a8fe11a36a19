"""The pause menu: resume, rewind, settings, back to the title, quit."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game.ui.scenes.modal import Modal
from game.ui.widgets.build import label
from game.ui.widgets.menu import MenuItem, build_menu

if TYPE_CHECKING:
    from game.ui.app import App
    from game.ui.scenes.play import PlayScene


class PauseMenu(Modal):
    """Esc on the play screen. The game is saved at every tick, so leaving loses nothing."""

    name = "pause"
    box_size = (400, 380)

    def __init__(self, app: App, play: PlayScene) -> None:
        super().__init__(app)
        self.play = play
        self.actions = {
            "#resume": self.resume_game,
            "#menu_rewind": self.rewind,
            "#menu_settings": self.settings,
            "#to_title": self.to_title,
            "#menu_quit": app.quit,
        }

    def layout(self, size: tuple[int, int]) -> None:
        """A heading and the menu."""
        super().layout(size)
        rect = self.frame(size)
        label(
            self.ui,
            pygame.Rect(12, 8, rect.width - 24, 32),
            "Paused",
            container=self.box,
            class_id="@heading",
        )
        rewind = None if self.play.game.rewind else "rewinding is turned off in this game"
        items = [
            MenuItem("#resume", "Resume", "Back to the game (Esc)"),
            MenuItem("#menu_rewind", "Rewind", "Go back to an earlier hour", rewind),
            MenuItem("#menu_settings", "Settings", "UI scale, palette, sound, full screen"),
            MenuItem("#to_title", "Title screen", "Leave the game; Continue resumes it"),
            MenuItem("#menu_quit", "Quit", "Close the game; Continue resumes it next time"),
        ]
        build_menu(self.ui, items, (rect.centerx, rect.centery + 20))

    def handle_other(self, event: pygame.event.Event) -> bool:
        """Esc resumes."""
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.resume_game()
            return True
        return False

    def resume_game(self) -> None:
        """Close the menu."""
        self.app.stack.pop()

    def rewind(self) -> None:
        """Close the menu and open the rewind dialog."""
        self.app.stack.pop()
        self.play.open_rewind()

    def settings(self) -> None:
        """Open the settings over the game."""
        from game.ui.scenes.settings import SettingsScene

        self.app.stack.push(SettingsScene(self.app))

    def to_title(self) -> None:
        """Leave the game for the title screen (the autosave keeps it)."""
        from game.ui.scenes.title import TitleScene

        self.app.stack.reset(TitleScene(self.app))
