"""The briefing: the story, the goals and the starting numbers, then Start."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame
import pygame_gui
from pygame_gui.core import ObjectID

from game.scenario.load import LoadedScenario
from game.ui.scene import Scene
from game.ui.scenes.picker import length_text
from game.ui.widgets.build import button, escape, label, paragraphs, text_box

if TYPE_CHECKING:
    from game.ui.app import App

MAX_SEED = 2**63 - 1


def goals_html(loaded: LoadedScenario) -> str:
    """The goals, each with its points."""
    goals = loaded.scenario.goals
    if not goals:
        return "<i>No goals beyond the score itself.</i>"
    return "<br>".join(f"• {escape(goal.text)} <i>({goal.points} points)</i>" for goal in goals)


def numbers_html(loaded: LoadedScenario) -> str:
    """The starting numbers the player may know (never a model's true quality)."""
    s = loaded.scenario
    lines = [
        f"<b>Time</b>: {escape(length_text(loaded))}, from {s.time.start_clock}",
        f"<b>Budget</b>: ${s.budget:,.0f}",
        f"<b>Trust</b>: {s.trust.start:g} of 100",
        "<b>Your hours</b>: "
        f"research {s.allocation.research}%, data {s.allocation.data}%, "
        f"infra {s.allocation.infra}%, writing {s.allocation.writing}%",
        f"<b>Switching</b>: each extra kind of work in a tick costs {s.context_switch:g}% "
        "of your hours",
        f"<b>Production</b>: {escape(s.production.model.name)}, "
        f"{s.production.conversations_per_hour:g} {escape(s.traffic_unit.many)} an hour",
    ]
    for segment in s.segments:
        labels = s.data.labels.get(segment.id, 0)
        golden = s.data.golden.get(segment.id, 0)
        lines.append(
            f"<b>{escape(segment.name)}</b>: {segment.traffic:g}% of traffic, "
            f"{labels:,.0f} labeled examples, {golden:,.0f} golden eval examples"
        )
    return "<br>".join(lines)


class BriefingScene(Scene):
    """Read the story and the goals; choose a seed; start."""

    name = "briefing"

    def __init__(self, app: App, loaded: LoadedScenario, seed: int = 0) -> None:
        super().__init__(app)
        self.loaded = loaded
        self.seed = seed
        self.seed_entry: pygame_gui.elements.UITextEntryLine | None = None
        self.actions = {"#start": self.start, "#back": self.back}

    def layout(self, size: tuple[int, int]) -> None:
        """The story on the left, goals and numbers on the right, the buttons below."""
        super().layout(size)
        self.ui.clear_and_reset()
        width, height = size
        margin = 24
        column = (width - 3 * margin) // 2
        body_top = 72
        body_height = height - body_top - 80
        label(
            self.ui,
            pygame.Rect(margin, 20, width - 2 * margin, 40),
            self.loaded.scenario.title,
            class_id="@heading",
        )
        story = self.loaded.scenario.briefing or self.loaded.scenario.summary
        text_box(
            self.ui,
            pygame.Rect(margin, body_top, column, body_height),
            paragraphs(story),
            object_id="#briefing_story",
        )
        right = 2 * margin + column
        goals_height = body_height * 2 // 5
        text_box(
            self.ui,
            pygame.Rect(right, body_top, column, goals_height),
            "<b>Goals</b><br>" + goals_html(self.loaded),
            object_id="#briefing_goals",
        )
        text_box(
            self.ui,
            pygame.Rect(right, body_top + goals_height + 8, column, body_height - goals_height - 8),
            "<b>Starting numbers</b><br>" + numbers_html(self.loaded),
            object_id="#briefing_numbers",
        )
        bottom = height - 56
        button(self.ui, pygame.Rect(margin, bottom, 140, 36), "Back", "#back")
        label(
            self.ui,
            pygame.Rect(width - margin - 480, bottom, 60, 36),
            "Seed",
            tooltip="The seed fixes the day's luck: the same seed and choices give the same "
            "game, so scores on one seed can be compared.",
        )
        self.seed_entry = pygame_gui.elements.UITextEntryLine(
            pygame.Rect(width - margin - 416, bottom, 200, 36),
            self.ui,
            object_id=ObjectID("#seed", None),
        )
        self.seed_entry.set_allowed_characters("numbers")
        self.seed_entry.set_text_length_limit(19)
        self.seed_entry.set_text(str(self.seed))
        button(
            self.ui,
            pygame.Rect(width - margin - 200, bottom, 200, 36),
            "Start the day",
            "#start",
            class_id="@primary",
            tooltip="Start playing (Enter)",
        )

    def handle_other(self, event: pygame.event.Event) -> bool:
        """Enter starts, Esc goes back."""
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.start()
            return True
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.back()
            return True
        return False

    def chosen_seed(self) -> int:
        """The seed typed in (digits only), held to the run files' range."""
        text = self.seed_entry.get_text() if self.seed_entry is not None else ""
        return min(MAX_SEED, int(text)) if text.isdigit() else self.seed

    def start(self) -> None:
        """Open the play screen on a new game, in place of the briefing."""
        self.app.start_game(self.loaded, self.chosen_seed(), replace=self)

    def autoplay_step(self) -> None:
        """Autoplay reads the briefing for one frame, then starts."""
        self.start()

    def back(self) -> None:
        """Back to where the briefing was opened from."""
        self.app.stack.pop()
