"""The transient notice ("screenshot saved", "a job failed"): a line of text shown for a
few seconds where it covers nothing the player can act on.

The box goes to the foot of the window, centred, when that place is clear; otherwise to
the first clear place found from the foot upward. A place that covers nothing at all is
preferred to one that covers only text.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pygame

from game.ui.theme import chart_font

NOTICE_SECONDS = 3.0
MARGIN = 12
"""Pixels between the box and the window's edges."""
PADDING = (20, 10)
STEP = (16, 8)
"""How far apart the places tried are, across and down."""
TEXT = (240, 240, 240)
BOX = (40, 44, 56)
EDGE = (120, 128, 150)


class Notice:
    """One line of text with a time left to show it."""

    def __init__(self, font_size: int = 15) -> None:
        self.text = ""
        self.left = 0.0
        self.box: pygame.Rect | None = None
        """Where the notice was last drawn, in window pixels (None when not shown)."""
        self._font = chart_font(font_size, bold=True)
        self._image: tuple[tuple[str, int], pygame.Surface] | None = None
        """The text rendered, and for which text and window width."""

    def show(self, text: str, seconds: float = NOTICE_SECONDS) -> None:
        """Show ``text`` for ``seconds`` (in place of any notice showing)."""
        self.text = text
        self.left = seconds

    @property
    def showing(self) -> bool:
        """Whether the notice is still to be drawn."""
        return self.left > 0

    def tick(self, dt: float) -> None:
        """Let ``dt`` seconds pass."""
        self.left = max(0.0, self.left - dt)
        if not self.showing:
            self.box = None

    def draw(
        self, screen: pygame.Surface, actionable: Sequence[pygame.Rect], text: Sequence[pygame.Rect]
    ) -> None:
        """Draw the notice on ``screen`` clear of the ``actionable`` rectangles, and of the
        ``text`` ones where it can be."""
        area = screen.get_rect()
        image = self._rendered(area.width)
        size = (image.get_width() + 2 * PADDING[0], image.get_height() + 2 * PADDING[1])
        box = place(size, area, actionable, text)
        pygame.draw.rect(screen, BOX, box, border_radius=6)
        pygame.draw.rect(screen, EDGE, box, width=1, border_radius=6)
        screen.blit(image, image.get_rect(center=box.center))
        self.box = box

    def _rendered(self, width: int) -> pygame.Surface:
        """The text as an image, made again only when the text or the window changes."""
        key = (self.text, width)
        if self._image is None or self._image[0] != key:
            self._image = (key, self._font.render(self._fitted(width), True, TEXT))
        return self._image[1]

    def _fitted(self, width: int) -> str:
        """The text, shortened with an ellipsis until it fits the window."""
        room = width - 2 * (MARGIN + PADDING[0])
        text = self.text
        while text and self._font.size(text)[0] > room:
            text = text[:-2] + "…"
        return text


def place(
    size: tuple[int, int],
    area: pygame.Rect,
    actionable: Sequence[pygame.Rect],
    text: Sequence[pygame.Rect] = (),
) -> pygame.Rect:
    """A box of ``size`` inside ``area``: the first place tried that overlaps nothing
    (centred, or at either side), else the first place that overlaps no ``actionable``
    rectangle, else the foot's centre."""
    clear = [*actionable, *text]
    for box in _places(size, area, every_column=False):
        if box.collidelist(clear) == -1:
            return box
    for box in _places(size, area, every_column=True):
        if box.collidelist(actionable) == -1:
            return box
    return next(_places(size, area, every_column=False))


def _places(size: tuple[int, int], area: pygame.Rect, every_column: bool) -> Iterator[pygame.Rect]:
    """Places for the box, best first: the foot's centre, the top's centre, then row by
    row from the foot upward, each row from its centre outward (or only its centre and
    its two ends)."""
    inner = area.inflate(-2 * MARGIN, -2 * MARGIN)
    width, height = min(size[0], inner.width), min(size[1], inner.height)
    centre_x = inner.centerx - width // 2
    box = pygame.Rect(centre_x, inner.bottom - height, width, height)
    yield box
    yield box.move(0, inner.top - box.top)
    if every_column:
        lefts = range(inner.left, inner.right - width + 1, STEP[0])
        xs = [*sorted(lefts, key=lambda x: abs(x - centre_x)), inner.right - width]
    else:
        xs = [centre_x, inner.left, inner.right - width]
    for y in range(inner.bottom - height, inner.top - 1, -STEP[1]):
        for x in xs:
            yield pygame.Rect(x, y, width, height)
