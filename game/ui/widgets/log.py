"""The play screen's log: timestamped lines that only ever grow, drawn a row at a time.

pygame_gui's text box lays out and draws its whole text again whenever an appended line
makes it taller (about 25 ms with a day's log, a stutter at every tick at 4x). Here each
line is wrapped once, when it arrives, and only the rows in view are drawn (a week's log
kept as pictures would take tens of megabytes): an image beside a scroll bar, which the
mouse wheel over the log moves too. The log follows its newest line until the player
scrolls up, and again once they scroll back to the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pygame
import pygame_gui

from game.ui.theme import Palette, asset_path, chart_font

FONT_SIZE = 14
SCROLL_BAR_WIDTH = 16
WHEEL_ROWS = 2
"""Rows the log moves per notch of the mouse wheel."""
PADDING = (10, 4)
"""Pixels between the log's edge and its text, across and down."""


KIND_LOOKS: dict[str, tuple[str, str, str]] = {
    "ship": ("ship", "good", "good"),
    "job": ("job", "text_dim", "text"),
    "alert": ("job_failed", "bad", "bad"),
    "eval": ("eval", "quality_measured", "text"),
    "task": ("task_done", "good", "text"),
    "event": ("event", "warn", "warn"),
    "choice": ("choice", "warn", "text"),
    "outcome": ("choice", "text_dim", "text"),
    "message": ("message", "text_dim", "text"),
    "incident": ("incident", "bad", "bad"),
    "monitoring": ("monitoring", "band", "text"),
    "ops": ("monitoring", "text_dim", "text"),
}
"""Each kind of message the core writes: its icon (assets/icons/), and the palette's
colours of the icon and of the text."""


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line of the log: an icon for its kind of message, a bold stamp (the time, or a
    day's name) and its text, in the colour of its kind."""

    stamp: str
    text: str
    colour: pygame.Color
    kind: str | None = None
    """The kind of message (a key of :data:`KIND_LOOKS`), None for a line of the window's."""
    icon: str | None = None
    icon_colour: pygame.Color | None = None

    @classmethod
    def of_kind(cls, stamp: str, text: str, kind: str, palette: Palette) -> LogLine:
        """A message's line, with the icon and colours of its kind (plain when unknown)."""
        looks = KIND_LOOKS.get(kind)
        if looks is None:
            return cls(stamp, text, palette.text, kind)
        icon, icon_colour, text_colour = looks
        return cls(
            stamp,
            text,
            getattr(palette, text_colour),
            kind,
            icon,
            getattr(palette, icon_colour),
        )


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the log on the screen: a line, or the part of a long line that fits."""

    line: LogLine
    first: bool
    """The line's first row, which carries its icon and stamp."""
    text: str
    indent: int
    """Pixels before the words: the icon's and the stamp's width."""


@cache
def log_icon(name: str, size: int, colour: tuple[int, int, int, int]) -> pygame.Surface:
    """An icon of assets/icons/ at a size, tinted (the icons are light on transparent)."""
    image = pygame.image.load(asset_path("icons", f"{name}.png")).convert_alpha()
    image = pygame.transform.smoothscale(image, (size, size))
    image.fill(colour, special_flags=pygame.BLEND_RGBA_MULT)
    return image


class LogView:
    """A scrolling log in a rectangle of a manager; lines are added with :meth:`append`."""

    def __init__(
        self,
        manager: pygame_gui.UIManager,
        rect: pygame.Rect,
        background: pygame.Color,
        stamp_colour: pygame.Color,
        *,
        tooltip: str,
        empty: LogLine,
    ) -> None:
        self.lines: list[LogLine] = []
        """Every line shown so far, oldest first."""
        self._background = background
        self._stamp_colour = stamp_colour
        self._font = chart_font(FONT_SIZE)
        self._bold = chart_font(FONT_SIZE, bold=True)
        self._rows: list[Row] = []
        self._rendered: dict[int, pygame.Surface] = {}
        """The rows in view, drawn (a row is drawn again only when it scrolls back in)."""
        self._first = 0
        """The row at the top of the view."""
        view = pygame.Rect(rect.left, rect.top, rect.width - SCROLL_BAR_WIDTH, rect.height)
        self._view_rows = max(1, (view.height - 2 * PADDING[1]) // self._font.get_linesize())
        self._image = pygame_gui.elements.UIImage(
            view, pygame.Surface(view.size).convert(), manager, object_id="#log"
        )
        self._image.set_tooltip(tooltip)
        self._bar = pygame_gui.elements.UIVerticalScrollBar(
            pygame.Rect(view.right, rect.top, SCROLL_BAR_WIDTH, rect.height),
            1.0,
            manager,
            object_id="#log_scroll",
        )
        self._manager = manager
        self._mouse: tuple[int, int] | None = None
        """Where the mouse last moved to, in the manager's pixels."""
        self._empty = self._wrap(empty)
        self._draw()

    @property
    def first_row(self) -> int:
        """The index of the row at the top of the view."""
        return self._first

    @property
    def row_count(self) -> int:
        """How many rows the log's lines take, wrapped to its width."""
        return len(self._rows)

    @property
    def at_end(self) -> bool:
        """Whether the newest row is in view."""
        return self._first + self._view_rows >= len(self._rows)

    def append(self, lines: Iterable[LogLine]) -> None:
        """Add lines at the bottom; a log that showed its end keeps showing it."""
        following = self.at_end
        for line in lines:
            self.lines.append(line)
            self._rows.extend(self._wrap(line))
        if following:
            self._first = self._last_first()
        self._sync_bar()
        self._draw()

    def handle(self, event: pygame.event.Event) -> bool:
        """The mouse wheel over the log scrolls it (True then: the event is kept)."""
        if event.type == pygame.MOUSEMOTION:
            self._mouse = self._manager.calculate_scaled_mouse_position(event.pos)
            return False
        if event.type != pygame.MOUSEWHEEL or self._mouse is None:
            return False
        over = self._image.rect.collidepoint(self._mouse) or self._bar.rect.collidepoint(
            self._mouse
        )
        if not over or event.y == 0:
            return False
        self.scroll(-event.y * WHEEL_ROWS)
        return True

    def scroll(self, rows: int) -> None:
        """Move the view by a number of rows (up when negative), within the log."""
        first = max(0, min(self._first + rows, self._last_first()))
        if first != self._first:
            self._first = first
            self._sync_bar()
            self._draw()

    def update(self) -> None:
        """Follow the scroll bar when the player has moved it (call once per frame)."""
        if not self._bar.check_has_moved_recently():
            return
        first = round(self._bar.start_percentage * len(self._rows))
        first = max(0, min(first, self._last_first()))
        if first != self._first:
            self._first = first
            self._draw()

    def kill(self) -> None:
        """Take the log off the screen."""
        self._image.kill()
        self._bar.kill()

    def _last_first(self) -> int:
        return max(0, len(self._rows) - self._view_rows)

    def _sync_bar(self) -> None:
        total = max(1, len(self._rows))
        self._bar.set_visible_percentage(min(1.0, self._view_rows / total))
        self._bar.set_scroll_from_start_percentage(self._first / total)

    def _wrap(self, line: LogLine) -> list[Row]:
        """The line's rows: the icon and the stamp, then words up to the width."""
        width = self._image.rect.width - 2 * PADDING[0]
        space = self._font.size(" ")[0]
        indent = self._bold.size(line.stamp)[0] + space if line.stamp else 0
        icon = self._icon(line)
        if icon is not None:
            indent += icon.get_width() + space
        rows: list[Row] = []
        current: list[str] = []
        for word in line.text.split():
            trial = " ".join([*current, word])
            if current and indent + self._font.size(trial)[0] > width:
                rows.append(Row(line, not rows, " ".join(current), indent))
                current = [word]
            else:
                current.append(word)
        if current or not rows:
            rows.append(Row(line, not rows, " ".join(current), indent))
        return rows

    def _icon(self, line: LogLine) -> pygame.Surface | None:
        if line.icon is None:
            return None
        colour = line.icon_colour if line.icon_colour is not None else line.colour
        return log_icon(line.icon, self._font.get_height() - 2, tuple(colour))

    def _render(self, row: Row) -> pygame.Surface:
        """One row drawn: on a line's first, its icon and stamp, then its words."""
        text = self._font.render(row.text, True, row.line.colour) if row.text else None
        width = row.indent + (text.get_width() if text is not None else 0)
        height = self._font.get_linesize()
        surface = pygame.Surface((max(1, width), height), pygame.SRCALPHA)
        left = 0
        icon = self._icon(row.line) if row.first else None
        if icon is not None:
            surface.blit(icon, (0, (height - icon.get_height()) // 2))
            left = icon.get_width() + self._font.size(" ")[0]
        if row.first and row.line.stamp:
            surface.blit(self._bold.render(row.line.stamp, True, self._stamp_colour), (left, 0))
        if text is not None:
            surface.blit(text, (row.indent, 0))
        return surface

    def _draw(self) -> None:
        surface = pygame.Surface(self._image.rect.size).convert()
        surface.fill(self._background)
        rows = self._rows or self._empty
        height = self._font.get_linesize()
        shown = range(self._first, min(len(rows), self._first + self._view_rows))
        rendered = {n: self._rendered.get(n) or self._render(rows[n]) for n in shown}
        for place, n in enumerate(shown):
            surface.blit(rendered[n], (PADDING[0], PADDING[1] + place * height))
        self._rendered = rendered if self._rows else {}
        self._image.set_image(surface)
