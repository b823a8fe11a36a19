"""A modal: a framed box over the scene beneath, which stays visible and keeps still."""

from __future__ import annotations

import pygame

from game.ui.scene import Scene
from game.ui.widgets.build import panel

SHADE = (0, 0, 0, 140)
MOUSE_AND_KEYS = (
    pygame.MOUSEBUTTONDOWN,
    pygame.MOUSEBUTTONUP,
    pygame.MOUSEMOTION,
    pygame.MOUSEWHEEL,
    pygame.KEYDOWN,
    pygame.KEYUP,
    pygame.TEXTINPUT,
)
_SHADES: dict[tuple[int, int], pygame.Surface] = {}
"""The shade over the scenes beneath a dialog, made once per window size."""


class Modal(Scene):
    """A dialog: the scenes beneath show through a shade and get none of the input."""

    opaque = False
    box_size = (560, 360)

    def box_rect(self, size: tuple[int, int]) -> pygame.Rect:
        """The dialog's frame, centred, never larger than the window."""
        width = min(self.box_size[0], size[0] - 40)
        height = min(self.box_size[1], size[1] - 40)
        rect = pygame.Rect(0, 0, width, height)
        rect.center = (size[0] // 2, size[1] // 2)
        return rect

    def frame(self, size: tuple[int, int]) -> pygame.Rect:
        """Clear the dialog and draw its frame; returns the frame's rectangle."""
        self.ui.clear_and_reset()
        rect = self.box_rect(size)
        self.box = panel(self.ui, rect, object_id="#dialog", layer=1)
        return rect

    def handle(self, event: pygame.event.Event) -> bool:
        """The dialog's widgets first; no mouse or key reaches the scenes beneath."""
        if super().handle(event):
            return True
        return event.type in MOUSE_AND_KEYS

    def draw(self, surface: pygame.Surface) -> None:
        """Shade what is beneath, then draw the dialog."""
        size = surface.get_size()
        shade = _SHADES.get(size)
        if shade is None:
            shade = pygame.Surface(size, pygame.SRCALPHA)
            shade.fill(SHADE)
            _SHADES[size] = shade
        surface.blit(shade, (0, 0))
        super().draw(surface)
