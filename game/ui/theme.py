"""The window's look: where the assets live, the pygame_gui theme files, the drawing palette.

Two themes ship in assets/theme/: theme.json and colourblind.json (Okabe and Ito's palette).
Both are pygame_gui themes; the colours that custom drawing needs (charts, category
colours) sit in both under the object id ``#palette``, so switching theme switches them too.
"""

from __future__ import annotations

import copy
import io
import json
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

import i18n  # type: ignore[import-untyped]
import pygame
import pygame_gui
from pygame_gui import PackageResource
from pygame_gui.core import UIAppearanceTheme
from pygame_gui.core.resource_loaders import IResourceLoader

ASSETS_DIR = Path(__file__).resolve().parent.parent.parent / "assets"
PALETTE_ID = "#palette"
LOCALE = "en"
FONT_NAME = "mlday_sans"
RICH_TEXT_SIZES = (14,)
FONT_PATH_KEYS = ("regular_path", "bold_path", "italic_path", "bold_italic_path")
BACKDROP = (20, 22, 28)
"""The colour behind every scene."""


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


ThemeSource = str | os.PathLike[str] | io.StringIO | PackageResource | dict[str, Any]


class GameTheme(UIAppearanceTheme):
    """pygame_gui's theme with a compact cache of each widget's combined theming ids.

    pygame_gui 0.6.14 keys that cache with ``str.join`` over the characters of a widget's
    id lists, so a key grows with the product of their lengths: about 0.6 MB for a widget
    three containers deep, kept for the manager's life (over 50 MB for the play screen)
    and built again at every lookup (a third of the time the play screen takes to lay
    out). Here the key is the lists themselves.

    The library's list holds every path of ids, 4 to the power of the depth (a button in
    a panel's scrolling list took 13 ms, a stutter at each tick that builds new cards),
    yet a lookup only ever finds the ids the theme has blocks for. So the list here is
    :func:`themed_ids`: the most specific id, then the library's ids that the loaded
    theme has blocks for, in the library's order.
    """

    def __init__(self, resource_loader: IResourceLoader, locale: str) -> None:
        self._combined: dict[tuple[tuple[str | None, ...] | None, ...], list[str]] = {}
        self._themed: frozenset[str] = frozenset()
        super().__init__(resource_loader, locale)

    def load_theme(self, file_path: ThemeSource) -> None:
        """Load theme data (a file or a dict) over what is loaded, and forget the ids
        worked out for the blocks there were before."""
        super().load_theme(file_path)
        self._themed = frozenset(
            {
                *self.ui_element_fonts_info,
                *self.ele_font_res,
                *self.ui_element_colours,
                *self.ui_element_image_locs,
                *self.ui_element_image_surfaces,
                *self.ui_element_misc_data,
            }
        )
        self._combined.clear()

    def build_all_combined_ids(
        self,
        element_base_ids: list[str | None] | None,
        element_ids: list[str] | None,
        class_ids: list[str | None] | None,
        object_ids: list[str | None] | None,
    ) -> list[str]:
        """The theming ids of a widget, most specific first (cached)."""
        key = tuple(
            None if ids is None else tuple(ids)
            for ids in (element_base_ids, element_ids, class_ids, object_ids)
        )
        found = self._combined.get(key)
        if found is None:
            found = themed_ids(element_base_ids, element_ids, class_ids, object_ids, self._themed)
            self._combined[key] = found
        return found


def themed_ids(
    element_base_ids: Sequence[str | None] | None,
    element_ids: Sequence[str] | None,
    class_ids: Sequence[str | None] | None,
    object_ids: Sequence[str | None] | None,
    themed: Collection[str],
) -> list[str]:
    """The ids of :func:`combined_ids` that are in ``themed``, in its order, after its
    first (most specific) id; without building the whole list.

    Each level offers its ids in the order object, class, element, base. The library's
    list holds all whole paths, then all paths less their first level, and so on; among
    paths of one length, a path comes first in the order of its choices, level by level.
    So a themed id ``a.b`` matches when ``a`` and ``b`` are offered at the last two levels,
    and its place is given by its length, then by the positions of its parts' choices.
    """
    levels = _checked_levels(element_base_ids, element_ids, class_ids, object_ids)
    if not levels:
        return []
    assert element_base_ids is not None and element_ids is not None
    assert class_ids is not None and object_ids is not None
    offered = [
        [
            choice
            for choice in (object_ids[n], class_ids[n], element_ids[n], element_base_ids[n])
            if choice is not None
        ]
        for n in range(levels)
    ]
    most_specific = ".".join(choices[0] for choices in offered)
    ranked: list[tuple[int, tuple[int, ...], str]] = []
    for name in themed:
        parts = name.split(".")
        first = levels - len(parts)
        if first < 0:
            continue
        places = tuple(
            choices.index(part) if part in choices else -1
            for choices, part in zip(offered[first:], parts, strict=True)
        )
        if -1 not in places and name != most_specific:
            ranked.append((-len(parts), places, name))
    return [most_specific, *(name for _, _, name in sorted(ranked))]


def _checked_levels(
    element_base_ids: Sequence[str | None] | None,
    element_ids: Sequence[str] | None,
    class_ids: Sequence[str | None] | None,
    object_ids: Sequence[str | None] | None,
) -> int:
    """How deep a widget's id lists go: 0 when any is missing; an error when they differ."""
    if element_base_ids is None or element_ids is None or class_ids is None:
        return 0
    if object_ids is None:
        return 0
    levels = len(element_ids)
    if not len(object_ids) == len(class_ids) == len(element_base_ids) == levels:
        raise ValueError(
            f"id lists of unequal lengths: elements {element_ids}, classes {class_ids}, "
            f"objects {object_ids}, bases {element_base_ids}"
        )
    return levels


def combined_ids(
    element_base_ids: Sequence[str | None] | None,
    element_ids: Sequence[str] | None,
    class_ids: Sequence[str | None] | None,
    object_ids: Sequence[str | None] | None,
) -> list[str]:
    """pygame_gui's theming ids of a widget from its id lists, most specific first.

    Every path from the outermost container to the widget picks, level by level, the
    object id, the class id, the element id, then the element's base id (those present),
    in that order of preference; each path's ids are joined with dots. Then, while every
    id still has a dot, each id loses its outermost part and is added again.
    """
    levels = _checked_levels(element_base_ids, element_ids, class_ids, object_ids)
    if not levels:
        return []
    assert element_base_ids is not None and element_ids is not None
    assert class_ids is not None and object_ids is not None
    found: list[str] = []

    def walk(index: int, path: list[str]) -> None:
        if index == levels:
            found.append(".".join(path))
            return
        for candidate in (object_ids[index], class_ids[index]):
            if candidate is not None:
                walk(index + 1, [*path, candidate])
        walk(index + 1, [*path, element_ids[index]])
        base = element_base_ids[index]
        if base is not None:
            walk(index + 1, [*path, base])

    if levels:
        walk(0, [])
    current = list(found)
    every_has_a_dot = bool(current)
    while every_has_a_dot:
        for index, combined in enumerate(current):
            dot = combined.find(".")
            if dot == -1:
                every_has_a_dot = False
            else:
                current[index] = combined[dot + 1 :]
                found.append(current[index])
    return found


class GameUIManager(pygame_gui.UIManager):
    """A UIManager whose themes are :class:`GameTheme`; given an already loaded theme (and
    the resource loader that loaded its fonts), it wears that one instead of parsing the
    theme again and starting a loader of its own (five threads, ~5 ms)."""

    def __init__(
        self,
        size: tuple[int, int],
        theme: ThemeSource | GameTheme,
        *,
        starting_language: str = LOCALE,
        resource_loader: IResourceLoader | None = None,
    ) -> None:
        self._loaded_theme = theme if isinstance(theme, GameTheme) else None
        source = None if isinstance(theme, GameTheme) else theme
        super().__init__(
            size, source, starting_language=starting_language, resource_loader=resource_loader
        )
        # Each manager adds pygame_gui's translations folder to i18n's search path again;
        # every translated text then searched the folder once per manager ever made.
        i18n.load_path[:] = list(dict.fromkeys(i18n.load_path))

    def create_new_theme(self, theme_path: ThemeSource | None = None) -> GameTheme:
        """The theme given already loaded, else a new theme loaded from a path or a dict."""
        if theme_path is None and self._loaded_theme is not None:
            return self._loaded_theme
        theme = GameTheme(self.resource_loader, LOCALE)
        if theme_path is not None:
            theme.load_theme(theme_path)
        return theme


def make_manager(
    size: tuple[int, int], colourblind: bool = False, scale: float = 1.0
) -> pygame_gui.UIManager:
    """A UIManager wearing the game's theme, its rich-text fonts loaded in advance."""
    manager = GameUIManager(size, load_theme_data(colourblind, scale), starting_language=LOCALE)
    manager.preload_fonts(rich_text_fonts(scale))
    return manager


class ThemeCache:
    """The game's themes, each parsed once per palette and scale and shared by every
    manager that wears it (parsing the theme took ~34 ms, each time a scene opened)."""

    def __init__(self) -> None:
        self._themes: dict[tuple[bool, float], tuple[GameTheme, IResourceLoader]] = {}

    def manager(
        self, size: tuple[int, int], colourblind: bool = False, scale: float = 1.0
    ) -> pygame_gui.UIManager:
        """A UIManager wearing the theme of the palette and scale, parsed the first time."""
        known = self._themes.get((colourblind, scale))
        if known is not None:
            theme, loader = known
            return GameUIManager(size, theme, resource_loader=loader)
        manager = make_manager(size, colourblind, scale)
        parsed = manager.get_theme()
        assert isinstance(parsed, GameTheme)
        self._themes[(colourblind, scale)] = (parsed, manager.resource_loader)
        return manager

    def switch(self, manager: pygame_gui.UIManager, colourblind: bool, scale: float = 1.0) -> None:
        """Dress a live manager and its elements in the theme of another palette or scale."""
        if (colourblind, scale) not in self._themes:
            self.manager(manager.window_resolution, colourblind, scale)
        theme, _ = self._themes[(colourblind, scale)]
        manager.ui_theme = theme
        for sprite in manager.get_sprite_group().sprites():
            if isinstance(sprite, pygame_gui.core.UIElement):
                sprite.ui_theme = theme
        manager.rebuild_all_from_changed_theme_data()


def rich_text_fonts(scale: float = 1.0) -> list[dict[str, str | int | float]]:
    """The styles that HTML text boxes use (<b>, <i>) at the body sizes, for preloading."""
    sizes = sorted({max(6, round(size * scale)) for size in RICH_TEXT_SIZES})
    return [
        {"name": FONT_NAME, "point_size": size, "style": style, "antialiased": "1"}
        for size in sizes
        for style in ("bold", "italic")
    ]


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
    focus_ring: pygame.Color

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
