"""The career codex: every page opens by click, link and key; lessons map to pages."""

from __future__ import annotations

import pygame
import pygame_gui
import pytest
import yaml

from game.ui.app import MAX_SIZE, MIN_SIZE, App
from game.ui.codex_pages import DEFAULT_PAGE, PAGE_IDS, PAGES, page, page_for_lesson
from game.ui.scenes.codex import CodexScene, page_button_id
from game.ui.widgets.text import text_problems
from tests.ui.conftest import click, find, press, run_frames
from tests.ui.game_helpers import SCENARIOS


def open_codex(app: App, page_id: str = DEFAULT_PAGE) -> CodexScene:
    scene = CodexScene(app, page_id)
    app.stack.push(scene)
    run_frames(app, 2)
    return scene


def test_the_four_pages_of_the_job_exist() -> None:
    titles = {p.title for p in PAGES}
    assert {"What the job is", "Then and now", "The hard parts", "How to get there"} <= titles
    body = page("get_there").body
    for needed in ("Calculus", "statistics", "degree", "portfolio", "18 months"):
        assert needed in body
    for row in ("Training a classifier", "Deploying", "Monitoring", "Evaluation", "Scaling"):
        assert row in page("then_and_now").body


def test_every_page_opens_by_its_button(app: App) -> None:
    scene = open_codex(app)
    for page_id in PAGE_IDS:
        click(app, page_button_id(page_id))
        assert scene.page_id == page_id
        assert find(app, "#codex_title").text == page(page_id).title
        assert find(app, "#codex_body").html_text == page(page_id).body


def test_links_inside_a_page_open_other_pages(app: App) -> None:
    scene = open_codex(app, "job")
    body = find(app, "#codex_body")
    pygame.event.post(
        pygame.event.Event(
            pygame_gui.UI_TEXT_BOX_LINK_CLICKED,
            link_target="evals",
            ui_element=body,
            ui_object_id="#codex_body",
        )
    )
    run_frames(app, 2)
    assert scene.page_id == "evals"


def test_keys_turn_pages_and_escape_leaves(app: App) -> None:
    scene = open_codex(app, PAGE_IDS[0])
    press(app, pygame.K_DOWN)
    assert scene.page_id == PAGE_IDS[1]
    press(app, pygame.K_UP)
    press(app, pygame.K_UP)
    assert scene.page_id == PAGE_IDS[-1]
    press(app, pygame.K_ESCAPE)
    assert app.stack.top is not scene


def test_every_link_in_the_pages_names_a_page() -> None:
    for shown in PAGES:
        for target in shown.body.split("href='")[1:]:
            assert target.split("'")[0] in PAGE_IDS, shown.id


def test_each_shipped_lesson_maps_to_a_page() -> None:
    found = set()
    for path in sorted(SCENARIOS.glob("*.yaml")):
        lessons = yaml.safe_load(path.read_text(encoding="utf-8"))["debrief"]["lessons"]
        for lesson in lessons:
            found.add(page_for_lesson(lesson["title"], lesson.get("text", "")))
    assert found <= set(PAGE_IDS)
    assert len(found) >= 3, "lessons spread over the pages they touch"
    assert page_for_lesson("You never measured Spanish", "no golden examples") == "evals"
    assert page_for_lesson("You ignored the collapsed run") == "hard_parts"
    assert page_for_lesson("Nothing to do with anything") == DEFAULT_PAGE


def test_an_unknown_page_is_refused(app: App) -> None:
    with pytest.raises(KeyError, match="no codex page"):
        CodexScene(app, "salary")


@pytest.mark.parametrize("size", [MIN_SIZE, MAX_SIZE])
def test_every_page_fits(app: App, size: tuple[int, int]) -> None:
    scene = open_codex(app)
    app.resize(size)
    for page_id in PAGE_IDS:
        scene.open(page_id)
        run_frames(app, 1)
        assert text_problems(scene.ui, app.logical_size()) == [], page_id


def test_the_documented_keywords_match_the_code() -> None:
    text = (SCENARIOS.parent / "docs" / "debrief.md").read_text(encoding="utf-8")
    table = text.split("<!-- codex-keywords -->", 1)[1].split("\n\n", 1)[0]
    rows = [line.split("|")[1:4] for line in table.strip().splitlines()[2:]]
    documented = {cells[0].strip().strip("`"): cells[2].strip() for cells in rows}
    assert documented == {p.id: ", ".join(p.keywords) for p in PAGES}
