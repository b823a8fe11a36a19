"""Charts draw what they are given, inside their rectangle, in the theme's colours."""

from __future__ import annotations

import os
from collections.abc import Iterator

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame
import pytest

from game.ui.theme import Palette, make_manager
from game.ui.widgets.charts import (
    Bar,
    Line,
    draw_line_chart,
    draw_score_bars,
    draw_sparkline,
    render_line_chart,
)

BLACK = pygame.Color(0, 0, 0)


@pytest.fixture
def palette() -> Iterator[Palette]:
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((320, 200))
    yield Palette.from_manager(make_manager((320, 200)))
    pygame.display.quit()


def _colours(surface: pygame.Surface, rect: pygame.Rect) -> set[tuple[int, int, int]]:
    return {
        tuple(surface.get_at((x, y)))[:3]
        for x in range(rect.left, rect.right)
        for y in range(rect.top, rect.bottom)
    }


def test_sparkline_stays_in_its_rect_in_the_given_colour(palette: Palette) -> None:
    surface = pygame.Surface((200, 100))
    surface.fill(BLACK)
    rect = pygame.Rect(50, 30, 100, 40)
    draw_sparkline(surface, rect, [1.0, 3.0, 2.0, 5.0], palette.escalations)
    inside = _colours(surface, rect)
    assert tuple(palette.escalations)[:3] in inside
    outside = _colours(surface, pygame.Rect(0, 0, 200, 28)) | _colours(
        surface, pygame.Rect(0, 72, 200, 28)
    )
    assert outside == {(0, 0, 0)}


def test_score_bars_fill_in_proportion_and_overspending_is_red(palette: Palette) -> None:
    surface = pygame.Surface((400, 120))
    bars = [Bar("quality", 300, 400), Bar("budget", -50, 100), Bar("trust", 0, 100)]
    tracks = draw_score_bars(surface, surface.get_rect(), bars, palette)
    assert len(tracks) == 3
    quality, budget, trust = tracks
    filled_to = quality.left + round(0.75 * quality.width)
    assert surface.get_at((filled_to - 3, quality.centery)) == palette.good
    assert surface.get_at((filled_to + 3, quality.centery)) == palette.bar_track
    assert surface.get_at((budget.left + 5, budget.centery)) == palette.bad
    assert surface.get_at((trust.left + 5, trust.centery)) == palette.bar_track


def test_line_chart_draws_both_lines_and_the_band(palette: Palette) -> None:
    measured: list[float | None] = [None, 0.8, 0.8, 0.85]
    band: list[tuple[float, float] | None] = [None, (0.75, 0.85), (0.75, 0.85), (0.8, 0.9)]
    chart = render_line_chart(
        (300, 160),
        [
            Line("measured", measured, palette.quality_measured, band=band),
            Line("true", [0.7, 0.7, 0.72, 0.9], palette.quality_true),
        ],
        palette,
        title="Quality",
    )
    seen = _colours(chart, chart.get_rect())
    assert tuple(palette.quality_measured)[:3] in seen
    assert tuple(palette.quality_true)[:3] in seen


def test_line_chart_without_data_says_so(palette: Palette) -> None:
    surface = pygame.Surface((200, 100))
    draw_line_chart(surface, surface.get_rect(), [Line("x", [None, None], palette.money)], palette)
    assert tuple(palette.money)[:3] not in _colours(surface, surface.get_rect())
