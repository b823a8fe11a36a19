"""A centred column of menu buttons, as on the title screen and the pause menu."""

from __future__ import annotations

from dataclasses import dataclass

import pygame
import pygame_gui
from pygame_gui.core import ObjectID

BUTTON_SIZE = (320, 44)
GAP = 10


@dataclass(frozen=True, slots=True)
class MenuItem:
    """A button of a menu: its object id (the key of the actions table) and its text."""

    object_id: str
    text: str
    tooltip: str
    blocked: str | None = None
    """Why the button is disabled, when it is (shown as its tooltip)."""


def build_menu(
    manager: pygame_gui.UIManager,
    items: list[MenuItem],
    centre: tuple[int, int],
    container: pygame_gui.core.interfaces.IContainerLikeInterface | None = None,
) -> dict[str, pygame_gui.elements.UIButton]:
    """Lay the buttons out in a column centred on ``centre``; returns them by object id."""
    height = len(items) * BUTTON_SIZE[1] + (len(items) - 1) * GAP
    top = centre[1] - height // 2
    buttons: dict[str, pygame_gui.elements.UIButton] = {}
    for n, item in enumerate(items):
        rect = pygame.Rect(0, 0, *BUTTON_SIZE)
        rect.midtop = (centre[0], top + n * (BUTTON_SIZE[1] + GAP))
        button = pygame_gui.elements.UIButton(
            rect,
            item.text,
            manager,
            container=container,
            tool_tip_text=item.blocked or item.tooltip,
            object_id=ObjectID(item.object_id, "@menu_button"),
        )
        if item.blocked is not None:
            button.disable()
        buttons[item.object_id] = button
    return buttons
