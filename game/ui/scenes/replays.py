"""The recorded games of this computer (the data folder's runs/), to open in the replay viewer."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.replay.runfile import RunFile, RunFileError, read_run
from game.replay.verify import shipped_scenario_folders
from game.scenario.load import LoadedScenario, ScenarioError, load_scenario
from game.ui.saves import RUNS_FOLDER
from game.ui.scene import Scene
from game.ui.widgets.build import button, label

if TYPE_CHECKING:
    from game.ui.app import App

MAX_LISTED = 200


def run_files(folder: Path) -> list[Path]:
    """The run files of a folder, newest first."""
    if not folder.is_dir():
        return []
    files = [path for path in folder.glob("*.json") if path.is_file()]
    files.sort(key=lambda path: (-path.stat().st_mtime_ns, path.name))
    return files[:MAX_LISTED]


def scenario_of(run: RunFile) -> LoadedScenario:
    """The run's scenario with the recorded sha256: the shipped one, else the file it was
    played on (these are this computer's own games); ScenarioError when neither fits."""
    candidates = [folder / f"{run.scenario.id}.yaml" for folder in shipped_scenario_folders()]
    candidates.append(Path(run.scenario.path))
    for candidate in candidates:
        if not candidate.is_file():
            continue
        try:
            loaded = load_scenario(candidate)
        except ScenarioError:
            continue
        if loaded.sha256 == run.scenario.sha256:
            return loaded
    raise ScenarioError([])


class ReplayListScene(Scene):
    """Pick a recorded game."""

    name = "replays"

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.files = run_files(app.store.folder / RUNS_FOLDER)
        self.actions = {"#replays_back": self.back}
        for n, path in enumerate(self.files):
            self.actions[f"#run_{n}"] = partial(self.open, path)

    def layout(self, size: tuple[int, int]) -> None:
        """One row per run file, newest first."""
        super().layout(size)
        self.ui.clear_and_reset()
        width, height = size
        margin = max(24, width // 12)
        inner = width - 2 * margin
        label(self.ui, pygame.Rect(margin, 24, inner, 36), "Replays", class_id="@heading")
        if not self.files:
            label(
                self.ui,
                pygame.Rect(margin, 80, inner, 28),
                "No recorded games yet: every finished game is recorded here.",
            )
        scroll = pygame_gui.elements.UIScrollingContainer(
            pygame.Rect(margin, 120 if not self.files else 70, inner, height - 200),
            self.ui,
            allow_scroll_x=False,
        )
        row_width = inner - 24
        for n, path in enumerate(self.files):
            button(
                self.ui,
                pygame.Rect(0, n * 36, row_width, 32),
                path.stem,
                f"#run_{n}",
                container=scroll,
                tooltip=f"Open {path} in the replay viewer",
            )
        scroll.set_scrollable_area_dimensions((row_width, max(1, len(self.files) * 36)))
        button(self.ui, pygame.Rect(margin, height - 56, 160, 36), "Back", "#replays_back")

    def open(self, path: Path) -> None:
        """Open a run file in the replay viewer; a problem is shown, never raised."""
        from game.ui.scenes.replay_viewer import ReplayViewerScene

        try:
            run = read_run(path)
            loaded = scenario_of(run)
        except RunFileError as error:
            self.app.notify(f"{path.name}: {error}")
            return
        except ScenarioError:
            self.app.notify(f"{path.name}: its scenario file is not here any more")
            return
        self.app.stack.push(
            ReplayViewerScene(self.app, loaded, run.seed, run.actions, title=path.stem)
        )

    def back(self) -> None:
        """Back to the title."""
        self.app.stack.pop()

    def handle_other(self, event: pygame.event.Event) -> bool:
        """Esc goes back."""
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.back()
            return True
        return False
