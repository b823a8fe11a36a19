"""The career codex: what the job is, then and now, the hard parts, how to get there.

Reachable from the title screen and from the debrief's lessons, which open it at the page
they touch. Pages are chosen with the buttons on the left, the links inside a page, or the
up and down keys; Esc or Back returns to the screen below. The links of a page are also
buttons in a row under its text ("See also"), so Tab reaches them and Enter follows one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pygame
import pygame_gui
from pygame_gui.core import ObjectID

from game.ui.codex_pages import DEFAULT_PAGE, PAGE_IDS, links, page
from game.ui.scene import Scene
from game.ui.widgets.text import set_fitted

if TYPE_CHECKING:
    from game.ui.app import App

MARGIN = 24
NAV_WIDTH = 240
ROW = 44
LINKS_LABEL = 90
"""Pixels of the 'See also' label before a page's link buttons."""


def page_button_id(page_id: str) -> str:
    """The object id of the button that opens a page ('#codex_evals')."""
    return f"#codex_{page_id}"


def link_button_id(page_id: str) -> str:
    """The object id of the button that follows a page's link to another ('#link_evals')."""
    return f"#link_{page_id}"


class CodexScene(Scene):
    """The codex, open at one page."""

    def __init__(self, app: App, page_id: str = DEFAULT_PAGE) -> None:
        super().__init__(app)
        page(page_id)  # an unknown page is a bug of the caller: fail here, loudly
        self.page_id = page_id
        self.actions = {"#codex_back": self.back}
        for known in PAGE_IDS:
            self.actions[page_button_id(known)] = self._opener(known)
            self.actions[link_button_id(known)] = self._opener(known)
        self._buttons: dict[str, pygame_gui.elements.UIButton] = {}
        self._title: pygame_gui.elements.UILabel | None = None
        self._body: pygame_gui.elements.UITextBox | None = None
        self._links: list[pygame_gui.core.UIElement] = []
        self._links_row: pygame.Rect | None = None

    def _opener(self, page_id: str) -> Callable[[], None]:
        return lambda: self.open(page_id)

    def open(self, page_id: str) -> None:
        """Show another page."""
        shown = page(page_id)
        self.page_id = page_id
        for known, button in self._buttons.items():
            if known == page_id:
                button.select()
            else:
                button.unselect()
        if self._title is not None:
            set_fitted(self._title, shown.title)
        if self._body is not None:
            self._body.set_text(shown.body)
        self._build_links()

    def _build_links(self) -> None:
        """The row under the text: 'See also' and one button per page the text links to."""
        for widget in self._links:
            widget.kill()
        self._links = []
        row = self._links_row
        targets = links(self.page_id)
        if row is None or not targets:
            return
        heading = pygame_gui.elements.UILabel(
            pygame.Rect(row.left, row.top, LINKS_LABEL, row.height),
            "See also",
            self.ui,
            object_id=ObjectID("#codex_see_also", "@small"),
        )
        self._links.append(heading)
        left = row.left + LINKS_LABEL
        width = (row.right - left) // len(targets)
        for n, (target, words) in enumerate(targets):
            button = pygame_gui.elements.UIButton(
                pygame.Rect(left + n * width, row.top, width - 8, row.height),
                "",
                self.ui,
                object_id=ObjectID(link_button_id(target), "@link"),
            )
            set_fitted(button, words, f"Open the page: {page(target).title}")
            self._links.append(button)

    def back(self) -> None:
        """Return to the screen below."""
        self.app.stack.pop()

    def layout(self, size: tuple[int, int]) -> None:
        """Page buttons on the left, the page on the right, Back at the foot."""
        super().layout(size)
        self.ui.clear_and_reset()
        width, height = size
        pygame_gui.elements.UILabel(
            pygame.Rect(MARGIN, MARGIN, NAV_WIDTH, 40),
            "The career codex",
            self.ui,
            object_id=ObjectID("#codex_heading", "@subheading"),
        )
        self._buttons = {}
        for n, known in enumerate(PAGE_IDS):
            self._buttons[known] = pygame_gui.elements.UIButton(
                pygame.Rect(MARGIN, MARGIN + 56 + n * (ROW + 8), NAV_WIDTH, ROW),
                page(known).title,
                self.ui,
                tool_tip_text=f"Open the page: {page(known).title}",
                object_id=ObjectID(page_button_id(known), "@codex_page"),
            )
        pygame_gui.elements.UIButton(
            pygame.Rect(MARGIN, height - MARGIN - ROW, NAV_WIDTH, ROW),
            "Back",
            self.ui,
            tool_tip_text="Return to the previous screen (Esc)",
            object_id=ObjectID("#codex_back", "@menu_button"),
        )
        left = MARGIN * 2 + NAV_WIDTH
        text_width = width - left - MARGIN
        self._title = pygame_gui.elements.UILabel(
            pygame.Rect(left, MARGIN, text_width, 40),
            "",
            self.ui,
            object_id=ObjectID("#codex_title", "@heading"),
        )
        body_height = height - 2 * MARGIN - 56 - ROW - 8
        self._links_row = pygame.Rect(left, height - MARGIN - ROW, text_width, ROW)
        self._links = []
        self._body = pygame_gui.elements.UITextBox(
            "",
            pygame.Rect(left, MARGIN + 56, text_width, body_height),
            self.ui,
            object_id=ObjectID("#codex_body", "@codex_text"),
        )
        self.open(self.page_id)

    def handle_other(self, event: pygame.event.Event) -> bool:
        """Links between pages, Esc to leave, up and down to turn pages."""
        if event.type == pygame_gui.UI_TEXT_BOX_LINK_CLICKED and event.ui_element is self._body:
            target = str(event.link_target)
            if target in PAGE_IDS:
                self.open(target)
                return True
            return False
        if event.type != pygame.KEYDOWN:
            return False
        if event.key == pygame.K_ESCAPE:
            self.back()
            return True
        if event.key in (pygame.K_DOWN, pygame.K_PAGEDOWN, pygame.K_UP, pygame.K_PAGEUP):
            step = 1 if event.key in (pygame.K_DOWN, pygame.K_PAGEDOWN) else -1
            index = (PAGE_IDS.index(self.page_id) + step) % len(PAGE_IDS)
            self.open(PAGE_IDS[index])
            return True
        return False
