"""Text that fits its box: shortening to a width, and a check that nothing overflows.

Labels and buttons get their text through :func:`set_fitted`, which shortens it with an
ellipsis when the box is too narrow and puts the whole text in the tooltip. The check
:func:`text_problems` reads every text widget of a manager and reports text wider or
taller than its box, text boxes that overlap one another, and boxes outside the window.
"""

from __future__ import annotations

from itertools import combinations

import pygame
import pygame_gui
from pygame_gui.core.interfaces import IGUIFontInterface

ELLIPSIS = "…"
PADDING = 8
"""Pixels of a box's width kept free around its text (pygame_gui's own padding)."""

TextWidget = pygame_gui.elements.UILabel | pygame_gui.elements.UIButton


def fit_text(font: IGUIFontInterface, text: str, width: int) -> str:
    """The text, shortened with an ellipsis when it is wider than ``width`` pixels."""
    if font.size(text)[0] <= width:
        return text
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if font.size(text[:mid].rstrip() + ELLIPSIS)[0] <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + ELLIPSIS if low else ""


def set_fitted(
    widget: TextWidget, text: str, tooltip: str | None = None, *, tail: str = ""
) -> None:
    """Show ``text`` then ``tail`` on a label or button, shortened to its box (the text
    before its tail, when the tail fits); the tooltip says it whole."""
    whole = text + tail
    font = widget.font
    shown = whole
    if font is not None:
        room = widget.rect.width - PADDING
        shown = fit_text(font, whole, room)
        if shown != whole and tail and font.size(tail)[0] < room:
            shown = fit_text(font, text, room - font.size(tail)[0]) + tail
    if shown != widget.text:
        widget.set_text(shown)
    if tooltip is not None:
        widget.set_tooltip(tooltip if shown == whole else f"{whole}\n\n{tooltip}")
    elif shown != whole:
        widget.set_tooltip(whole)


def text_widgets(manager: pygame_gui.UIManager) -> list[pygame_gui.core.UIElement]:
    """The visible labels, buttons and text boxes of a manager."""
    kinds = (
        pygame_gui.elements.UILabel,
        pygame_gui.elements.UIButton,
        pygame_gui.elements.UITextBox,
    )
    return [
        sprite
        for sprite in manager.get_sprite_group().sprites()
        if isinstance(sprite, kinds) and sprite.visible and _shown(sprite)
    ]


def _shown(element: pygame_gui.core.UIElement) -> bool:
    """Whether any of the element shows through its containers (not scrolled out of sight)."""
    area = element.rect.clip(_view(element))
    return bool(area.width > 0 and area.height > 0)


def _view(element: pygame_gui.core.UIElement) -> pygame.Rect:
    """The part of the screen the element's containers let it draw on."""
    view = pygame.Rect(-(10**6), -(10**6), 2 * 10**6, 2 * 10**6)
    seen: list[object] = []
    container = element.ui_container
    while container is not None and not any(container is s for s in seen):
        seen.append(container)
        inner = container.get_container()
        view = view.clip(inner.get_rect())
        container = getattr(inner, "ui_container", None)
    return view


def _name(element: pygame_gui.core.UIElement) -> str:
    ids = element.get_object_ids()
    text = str(getattr(element, "text", ""))
    return f"{ids[-1] if ids else type(element).__name__} {text[:30]!r}"


def text_problems(manager: pygame_gui.UIManager, size: tuple[int, int]) -> list[str]:
    """Every text widget whose text overflows its box, overlaps another, or leaves the window."""
    problems: list[str] = []
    window = pygame.Rect((0, 0), size)
    shown = text_widgets(manager)
    for element in shown:
        if not window.contains(element.rect):
            problems.append(f"{_name(element)} at {element.rect} is outside the window {size}")
        view = _view(element)
        if not view.contains(element.rect) and not _scrolled(element):
            problems.append(f"{_name(element)} at {element.rect} is clipped to {view}")
        if not isinstance(element, pygame_gui.elements.UILabel | pygame_gui.elements.UIButton):
            continue
        font = element.font
        text = element.text
        if font is None or not text:
            continue
        width, height = font.size(text)
        if width > element.rect.width - 2 or height > element.rect.height:
            problems.append(
                f"{_name(element)}: text of {width}x{height} in a box of "
                f"{element.rect.width}x{element.rect.height}"
            )
    for first, second in combinations(shown, 2):
        if first.rect.colliderect(second.rect) and not _nested(first, second):
            problems.append(f"{_name(first)} overlaps {_name(second)}")
    return problems


def _scrolled(element: pygame_gui.core.UIElement) -> bool:
    """Inside a scrolling container, being partly out of view is what scrolling is for."""
    seen: list[object] = []
    container = element.ui_container
    while container is not None and not any(container is s for s in seen):
        seen.append(container)
        inner = container.get_container()
        ids = inner.get_object_ids()
        if ids and ids[-1] in ("#scrolling_container", "#scrollable_container"):
            return True
        parent = getattr(inner, "ui_container", None)
        container = parent
    return False


def _nested(first: pygame_gui.core.UIElement, second: pygame_gui.core.UIElement) -> bool:
    """Widgets of different containers: their containers' own places are checked instead."""
    return first.ui_container is not second.ui_container
