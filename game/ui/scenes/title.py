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

    name = "title"

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
            MenuItem(
                "#continue",
                "Continue",
                "Resume the game you left",
                None if self.app.store.has_autosave() else "there is no game to continue",
            ),
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

    def resume(self) -> None:
        """Back on top: Continue may have changed (a game ended, or was left)."""
        self.layout(self.app.logical_size())

    def continue_game(self) -> None:
        """Resume the autosaved game; a save that cannot be continued is reported."""
        if not self.app.continue_game():
            self.layout(self.app.logical_size())

    def new_game(self) -> None:
        """Start with the tutorial's briefing."""
        from game.ui.scenes.briefing import BriefingScene
        from game.ui.scenes.picker import load_entry, scenario_files

        files = scenario_files()
        if not files:
            self.app.notify("No scenarios were found next to the game.")
            return
        entry = load_entry(files[0])
        if entry.loaded is None:
            self.app.notify(f"The tutorial cannot be loaded: {entry.problem}")
            return
        self.app.stack.push(BriefingScene(self.app, entry.loaded))

    def scenarios(self) -> None:
        """Open the scenario picker."""
        from game.ui.scenes.picker import PickerScene

        self.app.stack.push(PickerScene(self.app))

    def replays(self) -> None:
        """Open the list of recorded games."""
        from game.ui.scenes.replays import ReplayListScene

        self.app.stack.push(ReplayListScene(self.app))

    def codex(self) -> None:
        """Open the career codex."""
        from game.ui.scenes.codex import CodexScene

        self.app.stack.push(CodexScene(self.app))

    def settings(self) -> None:
        """Open the settings."""
        from game.ui.scenes.settings import SettingsScene

        self.app.stack.push(SettingsScene(self.app))
