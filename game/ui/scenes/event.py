"""An event dialog: the clock stops; each choice shows its cost in money and hours.

A choice whose requirement is not met is a disabled button whose tooltip gives the
reason. Keys 1 to 9 pick a choice; "Decide later" (Esc) leaves the event waiting: if it
is still waiting when the clock moves, its default choice is taken.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game.core.view import ChoiceView, EventView
from game.scenario.actions import Choose
from game.ui.scene import Command
from game.ui.scenes.modal import Modal
from game.ui.widgets.build import button, label, paragraphs, text_box

if TYPE_CHECKING:
    from game.ui.app import App
    from game.ui.scenes.play import PlayScene

CHOICE_HEIGHT = 34


def choice_id(choice: ChoiceView) -> str:
    """The object id of a choice's button ('#choice_escalate')."""
    return f"#choice_{choice.id}"


def cost_text(choice: ChoiceView) -> str:
    """'$200 · 2 h data, 1 h writing', or 'free'."""
    parts = []
    if choice.cost:
        parts.append(f"${choice.cost:,.0f}")
    hours = ", ".join(f"{h:g} h {category}" for category, h in choice.hours.items() if h)
    if hours:
        parts.append(hours)
    return " · ".join(parts) if parts else "free"


class EventDialog(Modal):
    """One waiting event and its choices."""

    name = "event"

    def __init__(self, app: App, play: PlayScene, event: EventView) -> None:
        super().__init__(app)
        self.play = play
        self.event = event
        self.actions = {"#later": self.later}
        for choice in event.choices:
            self.actions[choice_id(choice)] = self._chooser(choice)
        self.box_size = (640, 220 + max(1, len(event.choices)) * (CHOICE_HEIGHT + 6))

    def _chooser(self, choice: ChoiceView) -> Command:
        def choose() -> None:
            self.choose(choice.id)

        return choose

    def layout(self, size: tuple[int, int]) -> None:
        """The title, the story, one button per choice with its cost, and Decide later."""
        super().layout(size)
        rect = self.frame(size)
        inner = rect.width - 24
        label(
            self.ui,
            pygame.Rect(12, 8, inner, 32),
            self.event.title,
            container=self.box,
            class_id="@heading",
        )
        choices_height = len(self.event.choices) * (CHOICE_HEIGHT + 6)
        text_height = rect.height - 48 - choices_height - 56
        text_box(
            self.ui,
            pygame.Rect(12, 44, inner, max(60, text_height)),
            paragraphs(self.event.text),
            container=self.box,
            object_id="#event_text",
        )
        y = 44 + max(60, text_height) + 8
        for n, choice in enumerate(self.event.choices):
            cost = cost_text(choice)
            button(
                self.ui,
                pygame.Rect(12, y, inner, CHOICE_HEIGHT),
                f"{n + 1}. {choice.text}",
                choice_id(choice),
                tail=f"  ({cost})",
                container=self.box,
                tooltip=f"{choice.text}\nCosts: {cost}. The hours are owed: they are worked "
                "before your queues.",
                blocked=None if choice.blocked is None else choice.blocked.text,
            )
            y += CHOICE_HEIGHT + 6
        button(
            self.ui,
            pygame.Rect(rect.width - 12 - 180, rect.height - 44, 180, 32),
            "Decide later",
            "#later",
            container=self.box,
            tooltip="Close and answer later (Esc). If it still waits when the clock moves, "
            "its default choice is taken.",
        )

    def choose(self, choice: str) -> None:
        """Answer the event with a choice (refused ones change nothing and say why)."""
        action = Choose(event=self.event.id, choice=choice)
        reason = self.play.apply(action)
        if reason is None:
            self.app.stack.pop()

    def later(self) -> None:
        """Leave the event waiting and close the dialog."""
        self.play.dismiss(self.event.id)
        self.app.stack.pop()

    def handle_other(self, event: pygame.event.Event) -> bool:
        """Keys 1 to 9 choose; Esc decides later."""
        if event.type != pygame.KEYDOWN:
            return False
        if event.key == pygame.K_ESCAPE:
            self.later()
            return True
        if pygame.K_1 <= event.key <= pygame.K_9:
            index = event.key - pygame.K_1
            if index < len(self.event.choices):
                choice = self.event.choices[index]
                if choice.blocked is None:
                    self.choose(choice.id)
                else:
                    self.app.notify(f"Not possible: {choice.blocked.text}")
            return True
        return False

    def autoplay_step(self) -> None:
        """The autoplayer answers with its policy's choice, or leaves it to the default."""
        action = self.play.next_autoplay_answer(self.event.id)
        if action is None:
            self.app.stack.pop()
            return
        assert isinstance(action, Choose)
        self.choose(action.choice)
