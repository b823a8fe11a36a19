"""The keyboard's focus ring: Tab and Shift+Tab move it through what can be acted on.

Each scene has a ring over its own widgets: the enabled buttons and sliders and the text
fields, in reading order (the panels row by row, then each panel's widgets row by row).
Enter or Space presses the focused button (as a click does, through pygame_gui's own
event); the arrow keys move a focused slider by a twentieth of its range (5 points of
100); a focused text field takes the typing. A widget scrolled out of its list is
scrolled into view when focused. The ring shows only once Tab has been pressed, and a
mouse click puts it away.
"""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.core import UIElement

from game.ui.widgets.onscreen import shown_rect, widgets

SLIDER_STEP = 0.05
"""A focused slider moves by this share of its range per arrow key."""
COMPOSITE = (
    pygame_gui.elements.UIHorizontalSlider,
    pygame_gui.elements.UIVerticalScrollBar,
    pygame_gui.elements.UIHorizontalScrollBar,
)
"""Widgets whose own buttons (arrows, the sliding knob) are not focused one by one."""
FOCUSABLE = (
    pygame_gui.elements.UIButton,
    pygame_gui.elements.UIHorizontalSlider,
    pygame_gui.elements.UITextEntryLine,
)
RING_WIDTH = 3
RING_GAP = 2
ACTIVATE_KEYS = (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE)
ARROWS = {pygame.K_LEFT: -1, pygame.K_DOWN: -1, pygame.K_RIGHT: 1, pygame.K_UP: 1}


def focusable(manager: pygame_gui.UIManager) -> list[UIElement]:
    """The widgets the ring goes through, in reading order."""
    found = []
    for element in widgets(manager):
        if not isinstance(element, FOCUSABLE) or not element.is_enabled:
            continue
        if _inside_composite(element) or not _showing(element):
            continue
        found.append(element)
    return sorted(found, key=_reading_place)


def _inside_composite(element: UIElement) -> bool:
    parent = element.parent_element
    while parent is not None:
        if isinstance(parent, COMPOSITE):
            return True
        parent = getattr(parent, "parent_element", None)
    return False


def _showing(element: UIElement) -> bool:
    """Visible, in visible containers (a widget scrolled out of its list still counts)."""
    if not element.visible:
        return False
    container = element.ui_container
    inner: object = element
    while container is not None and container is not inner:
        if not container.visible:
            return False
        inner, container = container, getattr(container, "ui_container", None)
    return True


def _outermost_panel(element: UIElement) -> pygame.Rect:
    """The rectangle of the outermost container around the widget below the window's."""
    rect = pygame.Rect(element.rect)
    container = element.ui_container
    inner: object = element
    while container is not None and container is not inner:
        parent = getattr(container, "ui_container", None)
        if parent is None or parent is container:
            break
        rect = pygame.Rect(container.get_rect())
        inner, container = container, parent
    return rect


def _reading_place(element: UIElement) -> tuple[int, int, int, int]:
    panel = _outermost_panel(element)
    return (panel.top, panel.left, element.rect.top, element.rect.left)


class FocusRing:
    """Which widget of a scene the keyboard is on, kept across rebuilds by object id."""

    def __init__(self) -> None:
        self.shown = False
        """True once Tab was pressed (until a click)."""
        self._id: str | None = None
        self._index = -1

    def focused(self, manager: pygame_gui.UIManager) -> UIElement | None:
        """The focused widget, found again among the current ones; None when hidden."""
        if not self.shown:
            return None
        targets = focusable(manager)
        if not targets:
            return None
        for index, element in enumerate(targets):
            if element.most_specific_combined_id == self._id:
                self._index = index
                return element
        # The widget went (a card finished): the one now at its place in the ring.
        element = targets[min(max(self._index, 0), len(targets) - 1)]
        self._id = element.most_specific_combined_id
        return element

    def move(self, manager: pygame_gui.UIManager, step: int) -> UIElement | None:
        """Tab (+1) or Shift+Tab (-1); the first Tab shows the ring on the first widget."""
        targets = focusable(manager)
        if not targets:
            return None
        current = self.focused(manager)
        if current is None:
            index = 0 if step > 0 else len(targets) - 1
        else:
            index = (targets.index(current) + step) % len(targets)
        self.shown = True
        self._index = index
        element = targets[index]
        self._id = element.most_specific_combined_id
        scroll_into_view(manager, element)
        _give_text_focus(manager, element)
        return element

    def hide(self) -> None:
        """Put the ring away (a click: the mouse is in use)."""
        self.shown = False

    def handle(self, manager: pygame_gui.UIManager, event: pygame.event.Event) -> bool:
        """Tab, Shift+Tab, Enter, Space and the arrows for the ring; True when used."""
        if event.type == pygame.MOUSEBUTTONDOWN:
            self.hide()
            return False
        if event.type != pygame.KEYDOWN:
            return False
        if event.key == pygame.K_TAB:
            self.move(manager, -1 if event.mod & pygame.KMOD_SHIFT else 1)
            return True
        element = self.focused(manager)
        if element is None:
            return False
        if isinstance(element, pygame_gui.elements.UITextEntryLine):
            return False  # typing goes to the field; Tab leaves it
        if event.key in ACTIVATE_KEYS and isinstance(element, pygame_gui.elements.UIButton):
            press(element)
            return True
        step = ARROWS.get(event.key)
        if step is not None and isinstance(element, pygame_gui.elements.UIHorizontalSlider):
            nudge(element, step)
            return True
        return False

    def draw(self, manager: pygame_gui.UIManager, surface: pygame.Surface) -> None:
        """Draw the ring round the focused widget (nothing when hidden)."""
        element = self.focused(manager)
        if element is None:
            return
        rect = shown_rect(element)
        if rect is None:
            return
        colour = manager.get_theme().get_colour("focus_ring", ["#palette"])
        ring = rect.inflate(2 * (RING_GAP + RING_WIDTH), 2 * (RING_GAP + RING_WIDTH))
        pygame.draw.rect(surface, colour, ring, width=RING_WIDTH, border_radius=4)


def press(button: pygame_gui.elements.UIButton) -> None:
    """Press a button as a click does: pygame_gui's pressed event, for the scenes to run."""
    pygame.event.post(
        pygame.event.Event(
            pygame_gui.UI_BUTTON_PRESSED,
            {
                "ui_element": button,
                "ui_object_id": button.most_specific_combined_id,
                "mouse_button": pygame.BUTTON_LEFT,
            },
        )
    )


def nudge(slider: pygame_gui.elements.UIHorizontalSlider, step: int) -> None:
    """Move a slider by a twentieth of its range, as dragging it would (its moved event)."""
    low, high = slider.value_range
    span = high - low
    amount = max(1, round(abs(span) * SLIDER_STEP))
    value = min(high, max(low, slider.get_current_value() + step * amount))
    if value == slider.get_current_value():
        return
    slider.set_current_value(value)
    pygame.event.post(
        pygame.event.Event(
            pygame_gui.UI_HORIZONTAL_SLIDER_MOVED,
            {
                "value": slider.get_current_value(),
                "ui_element": slider,
                "ui_object_id": slider.most_specific_combined_id,
            },
        )
    )


def scroll_into_view(manager: pygame_gui.UIManager, element: UIElement) -> None:
    """Scroll the list holding ``element`` (if any) until the widget shows whole."""
    for scrolling in widgets(manager):
        if not isinstance(scrolling, pygame_gui.elements.UIScrollingContainer):
            continue
        content = scrolling.get_container()
        if not _within(element, content) or scrolling.vert_scroll_bar is None:
            continue
        view = shown_rect(scrolling)
        if view is None or view.contains(element.rect):
            return
        offset = element.rect.top - content.get_rect().top
        below = element.rect.top >= view.top
        top = offset + element.rect.height - view.height if below else offset
        height = content.get_rect().height
        scrolling.vert_scroll_bar.set_scroll_from_start_percentage(top / height)
        return


def _within(element: UIElement, container: object) -> bool:
    current = element.ui_container
    inner: object = element
    while current is not None and current is not inner:
        if current is container:
            return True
        inner, current = current, getattr(current, "ui_container", None)
    return False


def _give_text_focus(manager: pygame_gui.UIManager, element: UIElement) -> None:
    """A text field takes the typing when focused; any other widget gives it back."""
    if isinstance(element, pygame_gui.elements.UITextEntryLine):
        manager.set_focus_set(element)
    else:
        manager.set_focus_set(None)
