"""Where a scene's widgets show on screen, and which of them a player can act on.

A widget inside a scrolling container keeps its place when scrolled out of view; what
shows of it is its rectangle clipped by every container around it.
"""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.core import UIElement

ACTIONABLE = (
    pygame_gui.elements.UIButton,
    pygame_gui.elements.UIHorizontalSlider,
    pygame_gui.elements.UIHorizontalScrollBar,
    pygame_gui.elements.UIVerticalScrollBar,
    pygame_gui.elements.UISelectionList,
    pygame_gui.elements.UIDropDownMenu,
    pygame_gui.elements.UITextEntryLine,
    pygame_gui.elements.UICheckBox,
)
"""Widgets a click or a key does something with."""
READABLE = (
    pygame_gui.elements.UILabel,
    pygame_gui.elements.UITextBox,
    pygame_gui.elements.UIImage,
    pygame_gui.elements.UIStatusBar,
)
"""Widgets that show something to read."""


def shown_rect(element: UIElement) -> pygame.Rect | None:
    """The part of a widget that shows, in the scene's coordinates; None when none does."""
    if not element.visible:
        return None
    shown = pygame.Rect(element.rect)
    inner: object = element
    container = element.ui_container
    while container is not None and container is not inner:
        if not container.visible:
            return None
        shown = shown.clip(container.get_rect())
        inner, container = container, getattr(container, "ui_container", None)
    return shown if shown.width > 0 and shown.height > 0 else None


def widgets(manager: pygame_gui.UIManager) -> list[UIElement]:
    """Every widget of a manager, in the order they were made."""
    return [
        sprite for sprite in manager.get_sprite_group().sprites() if isinstance(sprite, UIElement)
    ]


def shown_rects(manager: pygame_gui.UIManager, kinds: tuple[type, ...]) -> list[pygame.Rect]:
    """What shows of the manager's widgets of these kinds."""
    found = []
    for element in widgets(manager):
        if isinstance(element, kinds):
            rect = shown_rect(element)
            if rect is not None:
                found.append(rect)
    return found
