"""The scenario picker: each shipped scenario with its summary, length and best local score."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.replay.verify import shipped_scenario_folders
from game.scenario.load import LoadedScenario, ScenarioError, load_scenario
from game.ui.scene import Scene
from game.ui.widgets.build import button, label

if TYPE_CHECKING:
    from game.ui.app import App

ROW_HEIGHT = 64
TUTORIAL = "tutorial"


@dataclass(frozen=True, slots=True)
class Entry:
    """A scenario file and what loading it gave: the scenario, or its first problem."""

    path: Path
    loaded: LoadedScenario | None
    problem: str | None


def scenario_files() -> list[Path]:
    """The shipped scenarios, the tutorial first, then by name."""
    for folder in shipped_scenario_folders():
        files = sorted(folder.glob("*.yaml"))
        if files:
            return sorted(files, key=lambda p: (p.stem != TUTORIAL, p.stem))
    return []


def load_entry(path: Path) -> Entry:
    """Load one scenario for the list; a broken one keeps its first problem."""
    try:
        return Entry(path, load_scenario(path.resolve()), None)
    except ScenarioError as error:
        first = error.problems[0] if error.problems else None
        return Entry(path, None, str(first) if first else str(error))


def length_text(loaded: LoadedScenario) -> str:
    """'1 day of 8 hours, 30-minute ticks'."""
    time = loaded.scenario.time
    days = f"{time.days} day" + ("s" if time.days != 1 else "")
    hours = f"{time.hours_per_day:g} hours"
    return f"{days} of {hours}, {time.tick_minutes}-minute ticks"


class PickerScene(Scene):
    """Pick a scenario; its briefing opens next."""

    name = "picker"

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.entries = [load_entry(path) for path in scenario_files()]
        self.actions = {"#back": self.back}
        for n, entry in enumerate(self.entries):
            self.actions[f"#pick_{n}"] = partial(self.pick, entry)

    def layout(self, size: tuple[int, int]) -> None:
        """A heading, one row per scenario, and Back."""
        super().layout(size)
        self.ui.clear_and_reset()
        width, height = size
        margin = max(24, width // 12)
        inner = width - 2 * margin
        label(self.ui, pygame.Rect(margin, 24, inner, 36), "Scenarios", class_id="@heading")
        best = self.app.store.best_scores()
        scroll = pygame_gui.elements.UIScrollingContainer(
            pygame.Rect(margin, 70, inner, height - 70 - 70),
            self.ui,
            allow_scroll_x=False,
        )
        row_width = inner - 24
        for n, entry in enumerate(self.entries):
            top = n * (ROW_HEIGHT + 8)
            if entry.loaded is None:
                title = entry.path.stem
                details = f"cannot be loaded: {entry.problem}"
                blocked: str | None = entry.problem
            else:
                scenario = entry.loaded.scenario
                title = scenario.title
                record = best.get(entry.loaded.id)
                score = f"best {record.score} / 1000" if record else "not played yet"
                details = f"{scenario.summary}  ·  {length_text(entry.loaded)}  ·  {score}"
                blocked = None
            button(
                self.ui,
                pygame.Rect(0, top, min(360, row_width // 3), 30),
                title,
                f"#pick_{n}",
                container=scroll,
                tooltip="Read the briefing and start",
                blocked=blocked,
            )
            label(
                self.ui,
                pygame.Rect(0, top + 32, row_width, 24),
                details,
                container=scroll,
                class_id="@small",
            )
        scroll.set_scrollable_area_dimensions((row_width, len(self.entries) * (ROW_HEIGHT + 8)))
        button(self.ui, pygame.Rect(margin, height - 56, 160, 36), "Back", "#back")

    def handle_other(self, event: pygame.event.Event) -> bool:
        """Esc goes back to the title."""
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.back()
            return True
        return False

    def pick(self, entry: Entry) -> None:
        """Open the scenario's briefing."""
        from game.ui.scenes.briefing import BriefingScene

        if entry.loaded is not None:
            self.app.stack.push(BriefingScene(self.app, entry.loaded))

    def back(self) -> None:
        """Back to the title screen."""
        self.app.stack.pop()
