"""Charts drawn by hand: a sparkline, a line chart over the day, horizontal score bars.

They draw only what they are given (numbers, labels and colours from the theme's palette)
onto a surface; they know nothing of the game. ``render_*`` functions return a fresh
surface of a given size, ready for a pygame_gui ``UIImage``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pygame

from game.ui.theme import Palette, chart_font

BAND_ALPHA = 70
GRID_LINES = 4
Y_MARGIN = 0.06
"""Share of the data's span left free above and below a fitted y axis."""


@dataclass(frozen=True)
class Line:
    """One series of a line chart: a value per point (None leaves a gap)."""

    label: str
    values: Sequence[float | None]
    colour: pygame.Color
    band: Sequence[tuple[float, float] | None] | None = None
    """Per point, the (low, high) of an error band around the line, or None."""
    width: int = 2


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: a label, a value and the most it could have been."""

    label: str
    value: float
    maximum: float
    colour: pygame.Color | None = None


def _span(values: Sequence[float], low: float | None, high: float | None) -> tuple[float, float]:
    lo = min(values) if low is None else low
    hi = max(values) if high is None else high
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi


def draw_sparkline(
    surface: pygame.Surface,
    rect: pygame.Rect,
    values: Sequence[float],
    colour: pygame.Color,
    *,
    low: float | None = None,
    high: float | None = None,
) -> None:
    """A small line of the values across rect, the last value marked with a dot."""
    if rect.width < 2 or rect.height < 2 or not values:
        return
    lo, hi = _span(values, low, high)
    count = len(values)
    points = [
        (
            rect.left + (i * (rect.width - 1) / (count - 1) if count > 1 else rect.width - 1),
            rect.bottom - 1 - (v - lo) / (hi - lo) * (rect.height - 1),
        )
        for i, v in enumerate(values)
    ]
    if len(points) > 1:
        pygame.draw.aalines(surface, colour, False, points)
    pygame.draw.circle(surface, colour, (round(points[-1][0]), round(points[-1][1])), 2)


def draw_line_chart(
    surface: pygame.Surface,
    rect: pygame.Rect,
    lines: Sequence[Line],
    palette: Palette,
    *,
    title: str = "",
    x_labels: Sequence[tuple[int, str]] = (),
    y_range: tuple[float | None, float | None] = (None, None),
    y_format: str = "{:,.2f}",
    font_size: int = 12,
) -> None:
    """Lines over shared x points (ticks), with optional error bands, axes and a legend.

    ``x_labels`` are (index, text) pairs written under the x axis; ``y_range`` fixes the
    low or high end of the y axis (None: fit the data).
    """
    font = chart_font(font_size)
    pygame.draw.rect(surface, palette.chart_bg, rect)
    line_h = font.get_linesize()
    top = rect.top + 4
    if title:
        surface.blit(font.render(title, True, palette.text), (rect.left + 6, top))
        top += line_h
    numbers = [v for line in lines for v in line.values if v is not None]
    for line in lines:
        for pair in line.band or ():
            if pair is not None:
                numbers.extend(pair)
    if not numbers:
        surface.blit(font.render("no data", True, palette.text_dim), (rect.left + 6, top + line_h))
        return
    lo, hi = _span(numbers, *y_range)
    margin = (hi - lo) * Y_MARGIN
    lo = lo - margin if y_range[0] is None else lo
    hi = hi + margin if y_range[1] is None else hi
    labels = [y_format.format(lo + (hi - lo) * k / GRID_LINES) for k in range(GRID_LINES + 1)]
    axis_w = max(font.size(text)[0] for text in labels) + 8
    plot = pygame.Rect(
        rect.left + axis_w,
        top + 2,
        max(1, rect.width - axis_w - 8),
        max(1, rect.bottom - top - 2 - 2 * line_h - 4),
    )
    count = max(len(line.values) for line in lines)

    def x_at(i: int) -> float:
        return plot.left + (i * (plot.width - 1) / (count - 1) if count > 1 else 0)

    def y_at(v: float) -> float:
        return plot.bottom - 1 - (min(hi, max(lo, v)) - lo) / (hi - lo) * (plot.height - 1)

    for k, text in enumerate(labels):
        y = round(plot.bottom - 1 - k * (plot.height - 1) / GRID_LINES)
        pygame.draw.line(surface, palette.chart_grid, (plot.left, y), (plot.right, y))
        image = font.render(text, True, palette.text_dim)
        surface.blit(image, (plot.left - 4 - image.get_width(), y - image.get_height() // 2))
    pygame.draw.line(surface, palette.chart_axis, plot.bottomleft, plot.bottomright)
    pygame.draw.line(surface, palette.chart_axis, plot.topleft, plot.bottomleft)
    for index, text in x_labels:
        if 0 <= index < count:
            image = font.render(text, True, palette.text_dim)
            x = min(
                max(rect.left, round(x_at(index)) - image.get_width() // 2),
                rect.right - image.get_width(),
            )
            surface.blit(image, (x, plot.bottom + 2))

    for line in lines:
        if line.band is not None:
            _draw_band(surface, line, x_at, y_at)
        for run in _runs([(i, v) for i, v in enumerate(line.values)]):
            points = [(x_at(i), y_at(v)) for i, v in run]
            if len(points) == 1:
                pygame.draw.circle(surface, line.colour, points[0], line.width + 1)
            else:
                pygame.draw.lines(surface, line.colour, False, points, line.width)

    legend_x = plot.left
    legend_y = rect.bottom - line_h - 2
    for line in lines:
        pygame.draw.rect(surface, line.colour, (legend_x, legend_y + line_h // 2 - 2, 12, 4))
        image = font.render(line.label, True, palette.text)
        surface.blit(image, (legend_x + 16, legend_y))
        legend_x += 16 + image.get_width() + 14


def _runs(points: list[tuple[int, float | None]]) -> list[list[tuple[int, float]]]:
    """Split a series at its gaps (None values) into runs of consecutive points."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for i, v in points:
        if v is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((i, v))
    if current:
        runs.append(current)
    return runs


def _draw_band(
    surface: pygame.Surface,
    line: Line,
    x_at: Callable[[int], float],
    y_at: Callable[[float], float],
) -> None:
    layer = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    colour = pygame.Color(line.colour.r, line.colour.g, line.colour.b, BAND_ALPHA)
    pairs = list(line.band or ())
    runs = _runs([(i, None if pair is None else 0.0) for i, pair in enumerate(pairs)])
    for run in runs:
        bounds = [(i, pair) for i, _ in run if (pair := pairs[i]) is not None]
        upper = [(x_at(i), y_at(high)) for i, (_, high) in bounds]
        lower = [(x_at(i), y_at(low)) for i, (low, _) in reversed(bounds)]
        if len(upper) == 1:
            pygame.draw.line(layer, colour, upper[0], lower[0], 5)
        else:
            pygame.draw.polygon(layer, colour, upper + lower)
    surface.blit(layer, (0, 0))


def draw_score_bars(
    surface: pygame.Surface,
    rect: pygame.Rect,
    bars: Sequence[Bar],
    palette: Palette,
    *,
    font_size: int = 13,
    show_values: bool = True,
) -> list[pygame.Rect]:
    """One labelled bar per part, filled to value/maximum; returns each bar's rectangle.

    A negative value (an overspent budget) is drawn from the bar's start in the
    palette's ``bad`` colour. ``show_values`` writes "value / maximum" after each bar.
    """
    if not bars:
        return []
    font = chart_font(font_size)
    labelled = [bar.label for bar in bars if bar.label]
    label_w = max(font.size(label)[0] for label in labelled) + 10 if labelled else 0
    value_texts = [f"{bar.value:,.0f} / {bar.maximum:,.0f}" if show_values else "" for bar in bars]
    value_w = max(font.size(text)[0] for text in value_texts) + 10 if show_values else 0
    row_h = rect.height // len(bars)
    track_w = max(1, rect.width - label_w - value_w)
    placed: list[pygame.Rect] = []
    for k, (bar, value_text) in enumerate(zip(bars, value_texts, strict=True)):
        y = rect.top + k * row_h
        bar_h = max(4, min(row_h - 6, font.get_linesize()))
        track = pygame.Rect(rect.left + label_w, y + (row_h - bar_h) // 2, track_w, bar_h)
        if bar.label:
            label = font.render(bar.label, True, palette.text)
            surface.blit(label, (rect.left, y + (row_h - label.get_height()) // 2))
        pygame.draw.rect(surface, palette.bar_track, track, border_radius=3)
        share = bar.value / bar.maximum if bar.maximum > 0 else 0.0
        share = max(-1.0, min(1.0, share))
        fill_w = round(abs(share) * track.width)
        if fill_w > 0:
            colour = palette.bad if share < 0 else (bar.colour or palette.good)
            fill = pygame.Rect(track.left, track.top, fill_w, track.height)
            pygame.draw.rect(surface, colour, fill, border_radius=3)
        if show_values:
            text = font.render(value_text, True, palette.text)
            surface.blit(text, (track.right + 8, y + (row_h - text.get_height()) // 2))
        placed.append(track)
    return placed


def render_line_chart(
    size: tuple[int, int],
    lines: Sequence[Line],
    palette: Palette,
    *,
    title: str = "",
    x_labels: Sequence[tuple[int, str]] = (),
    y_range: tuple[float | None, float | None] = (None, None),
    y_format: str = "{:,.2f}",
    font_size: int = 12,
) -> pygame.Surface:
    """A new surface of `size` holding a line chart (arguments as for draw_line_chart)."""
    surface = pygame.Surface(size, pygame.SRCALPHA)
    draw_line_chart(
        surface,
        surface.get_rect(),
        lines,
        palette,
        title=title,
        x_labels=x_labels,
        y_range=y_range,
        y_format=y_format,
        font_size=font_size,
    )
    return surface


def render_score_bars(
    size: tuple[int, int], bars: Sequence[Bar], palette: Palette, font_size: int = 13
) -> pygame.Surface:
    """A new transparent surface of `size` holding score bars."""
    surface = pygame.Surface(size, pygame.SRCALPHA)
    draw_score_bars(surface, surface.get_rect(), bars, palette, font_size=font_size)
    return surface


@dataclass(frozen=True)
class IntervalRow:
    """One row of the reveal: a measurement with its error bar next to the truth."""

    label: str
    measured: float | None
    """None: never measured (drawn as such)."""
    half_width: float | None
    truth: float


def draw_interval_rows(
    surface: pygame.Surface,
    rect: pygame.Rect,
    rows: Sequence[IntervalRow],
    palette: Palette,
    *,
    low: float = 0.0,
    high: float = 1.0,
    font_size: int = 13,
) -> list[pygame.Rect]:
    """Per row, the measured value as a dot with its 95% bar and the truth as a diamond,
    on a shared axis from `low` to `high`; returns each row's track rectangle."""
    if not rows:
        return []
    font = chart_font(font_size)
    label_w = max(font.size(row.label)[0] for row in rows) + 12
    axis_h = font.get_linesize() + 4
    row_h = max(12, (rect.height - axis_h) // len(rows))
    track_left = rect.left + label_w
    track_w = max(1, rect.width - label_w - 12)

    def x_at(value: float) -> int:
        share = (min(high, max(low, value)) - low) / (high - low)
        return round(track_left + share * track_w)

    for k in range(GRID_LINES + 1):
        value = low + (high - low) * k / GRID_LINES
        x = x_at(value)
        pygame.draw.line(
            surface, palette.chart_grid, (x, rect.top), (x, rect.top + row_h * len(rows))
        )
        text = font.render(f"{value:.2f}", True, palette.text_dim)
        left = min(max(rect.left, x - text.get_width() // 2), rect.right - text.get_width())
        surface.blit(text, (left, rect.top + row_h * len(rows) + 2))
    tracks: list[pygame.Rect] = []
    for n, row in enumerate(rows):
        top = rect.top + n * row_h
        middle = top + row_h // 2
        label = font.render(row.label, True, palette.text)
        surface.blit(label, (rect.left, middle - label.get_height() // 2))
        track = pygame.Rect(track_left, top + 2, track_w, row_h - 4)
        pygame.draw.line(surface, palette.chart_axis, (track.left, middle), (track.right, middle))
        if row.measured is not None:
            spread = row.half_width or 0.0
            left, right = x_at(row.measured - spread), x_at(row.measured + spread)
            band = pygame.Rect(left, middle - 5, max(2, right - left), 10)
            pygame.draw.rect(surface, palette.band, band, border_radius=3)
            pygame.draw.circle(surface, palette.quality_measured, (x_at(row.measured), middle), 6)
        x = x_at(row.truth)
        diamond = [(x, middle - 8), (x + 8, middle), (x, middle + 8), (x - 8, middle)]
        pygame.draw.polygon(surface, palette.quality_true, diamond)
        tracks.append(track)
    return tracks
