"""Both shipped themes load in pygame_gui without a warning; custom drawing reads the theme."""

from __future__ import annotations

import json
import os
import random
import warnings
from collections.abc import Iterator
from dataclasses import fields

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame
import pygame_gui
import pytest
from pygame_gui.core import UIAppearanceTheme

from game.ui.theme import (
    PALETTE_ID,
    GameTheme,
    Palette,
    ThemeCache,
    combined_ids,
    load_theme_data,
    make_manager,
    theme_path,
    themed_ids,
)


@pytest.fixture(autouse=True)
def display() -> Iterator[pygame.Surface]:
    pygame.display.init()
    pygame.font.init()
    yield pygame.display.set_mode((640, 360))
    pygame.display.quit()


def _palette_in_file(colourblind: bool) -> dict[str, str]:
    data = json.loads(theme_path(colourblind).read_text(encoding="utf-8"))
    block: dict[str, str] = data[PALETTE_ID]["colours"]
    return block


@pytest.mark.parametrize("colourblind", [False, True])
def test_theme_validates_and_loads_without_warnings(colourblind: bool) -> None:
    data = load_theme_data(colourblind)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        manager = make_manager((640, 360), colourblind)
        assert manager.get_theme().validate_theme_data(data) == []
        pygame_gui.elements.UIButton(pygame.Rect(0, 0, 120, 30), "Ship", manager)
        pygame_gui.elements.UILabel(
            pygame.Rect(0, 40, 200, 40),
            "Debrief",
            manager,
            object_id=pygame_gui.core.ObjectID(class_id="@heading"),
        )
        manager.update(0.016)
        manager.draw_ui(pygame.display.get_surface())


def test_both_themes_style_the_same_elements() -> None:
    standard = json.loads(theme_path(False).read_text(encoding="utf-8"))
    safe = json.loads(theme_path(True).read_text(encoding="utf-8"))
    assert standard.keys() == safe.keys()
    for key in standard:
        assert standard[key].keys() == safe[key].keys(), key


@pytest.mark.parametrize("colourblind", [False, True])
def test_palette_colours_come_from_the_theme_file(colourblind: bool) -> None:
    palette = Palette.from_manager(make_manager((640, 360), colourblind))
    in_file = _palette_in_file(colourblind)
    assert {f.name for f in fields(Palette)} == set(in_file)
    for name, hex_colour in in_file.items():
        assert getattr(palette, name) == pygame.Color(hex_colour), name


def test_the_colourblind_palette_differs_and_switches_live() -> None:
    themes = ThemeCache()
    manager = themes.manager((640, 360), colourblind=False)
    label = pygame_gui.elements.UILabel(pygame.Rect(0, 0, 100, 30), "x", manager)
    before = Palette.from_manager(manager)
    themes.switch(manager, colourblind=True)
    after = Palette.from_manager(manager)
    assert before.research != after.research
    assert after.infra == pygame.Color(_palette_in_file(True)["infra"])
    assert label.ui_theme is manager.get_theme()


def test_a_theme_is_parsed_once_and_shared_by_the_managers_that_wear_it() -> None:
    themes = ThemeCache()
    first = themes.manager((640, 360))
    second = themes.manager((800, 600))
    other = themes.manager((640, 360), colourblind=True)
    assert first.get_theme() is second.get_theme()
    assert other.get_theme() is not first.get_theme()
    assert themes.manager((640, 360), colourblind=True).get_theme() is other.get_theme()
    assert Palette.from_manager(second) == Palette.from_manager(make_manager((640, 360)))
    themes.switch(second, colourblind=True)
    assert second.get_theme() is other.get_theme()
    assert first.get_theme() is not other.get_theme()


def test_category_colours_are_distinct() -> None:
    for colourblind in (False, True):
        palette = Palette.from_manager(make_manager((640, 360), colourblind))
        colours = {tuple(palette.category(c)) for c in ("research", "data", "infra", "writing")}
        assert len(colours) == 4


def test_ui_scale_multiplies_font_sizes() -> None:
    normal = load_theme_data(scale=1.0)["label"]["font"]["size"]
    large = load_theme_data(scale=1.5)["label"]["font"]["size"]
    assert int(large) == round(int(normal) * 1.5)
    assert os.path.isabs(load_theme_data()["label"]["font"]["regular_path"])


IdLists = tuple[list[str | None], list[str], list[str | None], list[str | None]]


def random_id_lists(pick: random.Random, kinds: list[str], most_levels: int) -> IdLists:
    """Random parent ids, element kinds, class ids and object ids for a nesting of fewer
    than ``most_levels`` levels, as pygame_gui's theme lookup takes them."""
    levels = pick.randrange(0, most_levels)

    def maybe(options: list[str]) -> list[str | None]:
        return [pick.choice([None, *options]) for _ in range(levels)]

    elements = [pick.choice(kinds) for _ in range(levels)]
    return (
        maybe(["base", "window"]),
        elements,
        maybe(["@menu", "@small"]),
        maybe(["#play", "#card_3", "#log"]),
    )


def test_combined_ids_follow_pygame_gui_rule() -> None:
    manager = make_manager((640, 360))
    library = UIAppearanceTheme(manager.resource_loader, "en")
    pick = random.Random(13)
    for _ in range(300):
        args = random_id_lists(pick, ["panel", "button", "label", "text_box"], 5)
        assert combined_ids(*args) == library.build_all_combined_ids(*args), args


def test_the_game_theme_keeps_short_cache_keys() -> None:
    manager = make_manager((640, 360))
    theme = manager.get_theme()
    assert isinstance(theme, GameTheme)
    panel = pygame_gui.elements.UIPanel(pygame.Rect(0, 0, 300, 300), manager=manager)
    inner = pygame_gui.elements.UIPanel(
        pygame.Rect(0, 0, 200, 200), manager=manager, container=panel
    )
    button = pygame_gui.elements.UIButton(
        pygame.Rect(0, 0, 100, 30), "Ship", manager, container=inner, object_id="#ship"
    )
    assert "panel.panel.#ship" in button.combined_element_ids
    assert all(len(key) < 1000 for key in theme.unique_theming_ids)


def test_themed_ids_are_the_library_ids_a_theme_lookup_can_find() -> None:
    """themed_ids: the most specific id, then the ids of the library's list that the
    theme has blocks for, in the library's order."""
    pick = random.Random(29)
    for _ in range(300):
        args = random_id_lists(pick, ["panel", "button", "label", "container"], 6)
        every = combined_ids(*args)
        themed = {*pick.sample(every, min(len(every), 6)), "button", "panel.#play", "nowhere"}
        expected = every[:1]
        for name in every:
            if name in themed and name not in expected:
                expected.append(name)
        assert themed_ids(*args, themed) == expected, args


def test_a_card_in_a_scrolling_list_finds_the_library_s_colours() -> None:
    manager = make_manager((640, 360))
    panel = pygame_gui.elements.UIPanel(pygame.Rect(0, 0, 300, 300), manager=manager)
    scroll = pygame_gui.elements.UIScrollingContainer(
        pygame.Rect(0, 0, 280, 280), manager, container=panel
    )
    card = pygame_gui.elements.UIButton(
        pygame.Rect(0, 0, 100, 30),
        "Card",
        manager,
        container=scroll,
        object_id=pygame_gui.core.ObjectID("#task_x", "@research"),
    )
    library = UIAppearanceTheme(manager.resource_loader, "en")
    library.load_theme(load_theme_data())
    every = library.build_all_combined_ids(
        card.element_base_ids, card.element_ids, card.class_ids, card.object_ids
    )
    theme = manager.get_theme()
    for colour in ("normal_border", "normal_bg", "normal_text"):
        assert theme.get_colour(colour, card.combined_element_ids) == library.get_colour(
            colour, every
        )
    assert card.combined_element_ids[0] == every[0]
    assert len(card.combined_element_ids) < len(every)
