"""The window's look: where the assets live, the pygame_gui theme files, the drawing palette.

Two themes ship in assets/theme/: theme.json and colourblind.json (Okabe and Ito's palette).
Both are pygame_gui themes; the colours that custom drawing needs (charts, category
colours) sit in both under the object id ``#palette``, so switching theme switches them too.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

import pygame
import pygame_gui

ASSETS_DIR = Path(__file__).resolve().parent.parent.parent / "assets"
PALETTE_ID = "#palette"
FONT_NAME = "mlday_sans"
RICH_TEXT_SIZES = (12, 13, 14)
FONT_PATH_KEYS = ("regular_path", "bold_path", "italic_path", "bold_italic_path")


def asset_path(*parts: str) -> Path:
    """The path of a file under assets/ (whether or not it exists)."""
    return ASSETS_DIR.joinpath(*parts)


def theme_path(colourblind: bool = False) -> Path:
    """The theme file: the standard palette or the colour-blind-safe one."""
    return asset_path("theme", "colourblind.json" if colourblind else "theme.json")


def load_theme_data(colourblind: bool = False, scale: float = 1.0) -> dict[str, Any]:
    """The theme as a dict ready for ``UIManager(size, theme)``.

    Font paths in the files are relative to assets/; they come back absolute so the game
    runs from any folder. ``scale`` multiplies every font size (the UI-scale setting).
    """
    return _scaled(_raw_theme(colourblind), scale)


@cache
def _raw_theme(colourblind: bool) -> dict[str, Any]:
    with theme_path(colourblind).open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def _scaled(raw: dict[str, Any], scale: float) -> dict[str, Any]:
    data = copy.deepcopy(raw)
    for block in data.values():
        font = block.get("font") if isinstance(block, dict) else None
        if not isinstance(font, dict):
            continue
        for key in FONT_PATH_KEYS:
            if key in font:
                font[key] = str(asset_path(font[key]))
        if "size" in font:
            font["size"] = str(max(6, round(int(font["size"]) * scale)))
    return data


def make_manager(
    size: tuple[int, int], colourblind: bool = False, scale: float = 1.0
) -> pygame_gui.UIManager:
    """A UIManager wearing the game's theme, its rich-text fonts loaded in advance."""
    manager = pygame_gui.UIManager(size, load_theme_data(colourblind, scale))
    manager.preload_fonts(rich_text_fonts(scale))
    return manager


def rich_text_fonts(scale: float = 1.0) -> list[dict[str, str | int | float]]:
    """The styles that HTML text boxes use (<b>, <i>) at the body sizes, for preloading."""
    sizes = sorted({max(6, round(size * scale)) for size in RICH_TEXT_SIZES})
    return [
        {"name": FONT_NAME, "point_size": size, "style": style, "antialiased": "1"}
        for size in sizes
        for style in ("bold", "italic")
    ]


def switch_theme(manager: pygame_gui.UIManager, colourblind: bool, scale: float = 1.0) -> None:
    """Load the other palette (or scale) into a live manager; elements restyle themselves."""
    manager.get_theme().load_theme(load_theme_data(colourblind, scale))
    manager.rebuild_all_from_changed_theme_data()


@dataclass(frozen=True)
class Palette:
    """The colours custom drawing uses, read from the theme's ``#palette`` block."""

    background: pygame.Color
    panel: pygame.Color
    text: pygame.Color
    text_dim: pygame.Color
    research: pygame.Color
    data: pygame.Color
    infra: pygame.Color
    writing: pygame.Color
    money: pygame.Color
    quality_measured: pygame.Color
    quality_true: pygame.Color
    band: pygame.Color
    escalations: pygame.Color
    trust: pygame.Color
    good: pygame.Color
    bad: pygame.Color
    warn: pygame.Color
    chart_bg: pygame.Color
    chart_axis: pygame.Color
    chart_grid: pygame.Color
    bar_track: pygame.Color

    @classmethod
    def from_manager(cls, manager: pygame_gui.UIManager) -> Palette:
        """Read every palette colour from the manager's loaded theme."""
        theme = manager.get_theme()
        return cls(**{f.name: theme.get_colour(f.name, [PALETTE_ID]) for f in fields(cls)})

    def category(self, name: str) -> pygame.Color:
        """The colour of a work category (research, data, infra, writing)."""
        colour = {
            "research": self.research,
            "data": self.data,
            "infra": self.infra,
            "writing": self.writing,
        }.get(name)
        return colour if colour is not None else self.text_dim


@cache
def chart_font(size: int, bold: bool = False) -> pygame.font.Font:
    """The game's own font at a pixel size, for text drawn by hand (chart labels)."""
    if not pygame.font.get_init():
        pygame.font.init()
    name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
    return pygame.font.Font(asset_path("fonts", name), size)
