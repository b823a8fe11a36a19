"""Short constructors for the widgets the scenes are made of, with the theme's ids."""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.core import ObjectID
from pygame_gui.core.interfaces import IContainerLikeInterface

from game.ui.widgets.text import set_fitted

Container = IContainerLikeInterface | None


def label(
    manager: pygame_gui.UIManager,
    rect: pygame.Rect,
    text: str,
    *,
    container: Container = None,
    object_id: str = "#label",
    class_id: str | None = None,
    tooltip: str | None = None,
) -> pygame_gui.elements.UILabel:
    """A one-line label; text too long for it is shortened and shown whole in the tooltip."""
    widget = pygame_gui.elements.UILabel(
        rect, "", manager, container=container, object_id=ObjectID(object_id, class_id)
    )
    set_fitted(widget, text, tooltip)
    return widget


def button(
    manager: pygame_gui.UIManager,
    rect: pygame.Rect,
    text: str,
    object_id: str,
    *,
    container: Container = None,
    class_id: str | None = None,
    tooltip: str | None = None,
    blocked: str | None = None,
    tail: str = "",
) -> pygame_gui.elements.UIButton:
    """A button; ``blocked`` disables it and its tooltip says why. A ``tail`` after the
    text stays whole when the text is shortened to fit."""
    widget = pygame_gui.elements.UIButton(
        rect, "", manager, container=container, object_id=ObjectID(object_id, class_id)
    )
    set_fitted(widget, text, blocked if blocked is not None else tooltip, tail=tail)
    if blocked is not None:
        widget.disable()
    return widget


def text_box(
    manager: pygame_gui.UIManager,
    rect: pygame.Rect,
    html: str,
    *,
    container: Container = None,
    object_id: str = "#text",
    class_id: str | None = None,
) -> pygame_gui.elements.UITextBox:
    """A wrapping, scrolling block of text (pygame_gui's HTML subset)."""
    return pygame_gui.elements.UITextBox(
        html, rect, manager, container=container, object_id=ObjectID(object_id, class_id)
    )


def panel(
    manager: pygame_gui.UIManager,
    rect: pygame.Rect,
    *,
    container: Container = None,
    object_id: str = "#panel",
    layer: int = 1,
) -> pygame_gui.elements.UIPanel:
    """A framed panel to group widgets."""
    return pygame_gui.elements.UIPanel(
        rect, starting_height=layer, manager=manager, container=container, object_id=object_id
    )


PANEL_BORDER = 1
"""The width of a panel's border (the theme's ``panel`` block)."""


def bare_panel(
    manager: pygame_gui.UIManager, rect: pygame.Rect, *, object_id: str
) -> pygame_gui.core.UIContainer:
    """The inside of a panel without a picture of its own: widgets sit in it as in a
    :func:`panel`, and the scene draws the frame once on its backdrop
    (:func:`draw_panel_frames`) instead of blending it into every frame."""
    inside = rect.inflate(-2 * PANEL_BORDER, -2 * PANEL_BORDER)
    return pygame_gui.core.UIContainer(inside, manager, object_id=object_id)


def draw_panel_frames(
    manager: pygame_gui.UIManager, surface: pygame.Surface, rects: list[pygame.Rect]
) -> None:
    """Draw panels' backgrounds and borders in the theme's colours."""
    theme = manager.get_theme()
    fill = theme.get_colour("dark_bg", ["panel"])
    edge = theme.get_colour("normal_border", ["panel"])
    radius = int(str(theme.get_misc_data("shape_corner_radius", ["panel"]) or 0))
    for rect in rects:
        pygame.draw.rect(surface, fill, rect, border_radius=radius)
        pygame.draw.rect(surface, edge, rect, width=PANEL_BORDER, border_radius=radius)


def escape(text: str) -> str:
    """Text made safe for pygame_gui's HTML text boxes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def paragraphs(text: str) -> str:
    """Plain text with blank-line paragraphs, as text-box HTML."""
    blocks = [" ".join(block.split()) for block in text.strip().split("\n\n")]
    return "<br><br>".join(escape(block) for block in blocks if block)
