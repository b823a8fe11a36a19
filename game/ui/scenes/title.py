"""The title screen: continue, new game, scenarios, replays, the career codex, settings, quit."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame
import pygame_gui
from pygame_gui.core import ObjectID

from game.ui.scene import Scene
from game.ui.widgets.menu import MenuItem, build_menu

if TYPE_CHECKING:
    from game.ui.app import App


class TitleScene(Scene):
    """The first screen."""

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.actions = {
            "#continue": self.continue_game,
            "#new_game": self.new_game,
            "#scenarios": self.scenarios,
            "#replays": self.replays,
            "#codex": self.codex,
            "#settings": self.settings,
            "#quit": app.quit,
        }

    def items(self) -> list[MenuItem]:
        """The menu, with Continue disabled when there is no game to continue."""
        return [
            MenuItem("#continue", "Continue", "Resume the game you left", None),
            MenuItem("#new_game", "New game", "Start with the tutorial"),
            MenuItem("#scenarios", "Scenarios", "Pick a scenario to play"),
            MenuItem("#replays", "Replays", "Watch a recorded game tick by tick"),
            MenuItem("#codex", "The career codex", "What the job is and how to get there"),
            MenuItem("#settings", "Settings", "UI scale, palette, sound, full screen"),
            MenuItem("#quit", "Quit", "Close the game"),
        ]

    def layout(self, size: tuple[int, int]) -> None:
        """Title text at the top, the menu in the middle."""
        super().layout(size)
        self.ui.clear_and_reset()
        width, height = size
        pygame_gui.elements.UILabel(
            pygame.Rect(0, height // 10, width, 60),
            "mlday",
            self.ui,
            object_id=ObjectID("#title_heading", "@heading"),
        )
        pygame_gui.elements.UILabel(
            pygame.Rect(0, height // 10 + 60, width, 30),
            "A day in the life of a machine-learning engineer",
            self.ui,
            object_id=ObjectID("#title_subheading", "@subheading"),
        )
        build_menu(self.ui, self.items(), (width // 2, height // 2 + 50))

    def handle_other(self, event: pygame.event.Event) -> bool:
        """Esc on the title screen quits."""
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.app.quit()
            return True
        return False

    def continue_game(self) -> None:
        """Resume the autosaved game."""

    def new_game(self) -> None:
        """Start the tutorial."""

    def scenarios(self) -> None:
        """Open the scenario picker."""

    def replays(self) -> None:
        """Open the replay viewer."""

    def codex(self) -> None:
        """Open the career codex."""

    def settings(self) -> None:
        """Open the settings."""
