"""The debrief, driven by posted mouse and keyboard events on a finished game."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.session import GameNotOverError, Session
from game.ui.app import MAX_SIZE, MIN_SIZE, App
from game.ui.codex_pages import page, page_for_lesson
from game.ui.scenes import debrief as debrief_module
from game.ui.scenes.codex import CodexScene
from game.ui.scenes.debrief import SECTION_KEYS, DebriefScene
from game.ui.scenes.replay_viewer import ReplayViewerScene
from game.ui.widgets.text import text_problems
from tests.ui.conftest import click, find, has, press, run_frames
from tests.ui.game_helpers import finished_session, loaded


@pytest.fixture
def session() -> Session:
    return finished_session()


def open_debrief(app: App, session: Session, **options: object) -> DebriefScene:
    scene = DebriefScene(app, session, **options)  # type: ignore[arg-type]
    app.stack.push(scene)
    run_frames(app, 2)
    return scene


def test_the_score_and_each_part_are_shown(app: App, session: Session) -> None:
    scene = open_debrief(app, session)
    report = session.report()
    assert find(app, "#score_total").text == f"{report.score.total} / 1000"
    weights = session.rules.scenario.score.weights
    for name, value in report.score.parts.items():
        label = find(app, f"#part_{name}")
        assert label.text == f"{name}  {value:,.0f} / {getattr(weights, name):,.0f}"
        assert has(app, f"#part_bar_{name}")
    assert scene.section == "score"


def test_a_quiz_answer_gets_feedback_at_once(app: App, session: Session) -> None:
    open_debrief(app, session)
    click(app, "#debrief_tab_quiz")
    quiz = session.report().quiz
    question = quiz[0]
    wrong = next(n for n, choice in enumerate(question.choices) if not choice.correct)
    assert "Pick an answer" in find(app, "#quiz_feedback").html_text
    click(app, f"#quiz_choice_{wrong}")
    feedback = find(app, "#quiz_feedback").html_text
    assert "Not quite." in feedback
    assert question.choices[question.correct].text in feedback
    assert find(app, f"#quiz_choice_{question.correct}").text.startswith("The right answer")
    click(app, f"#quiz_choice_{question.correct}")  # answered: the buttons are disabled
    assert "Not quite." in find(app, "#quiz_feedback").html_text

    click(app, "#quiz_next")
    second = quiz[1]
    click(app, f"#quiz_choice_{second.correct}")
    assert find(app, "#quiz_feedback").html_text.startswith("<b>Right.</b>")
    assert find(app, "#quiz_progress").text.endswith("1 right of 2 answered")


def test_a_lesson_links_to_its_codex_page(app: App, session: Session) -> None:
    open_debrief(app, session)
    click(app, "#debrief_tab_lessons")
    lesson = session.report().lessons[0]
    expected = page(page_for_lesson(lesson.title, lesson.text))
    assert find(app, "#debrief_lesson_codex").text.endswith(expected.title)
    click(app, "#debrief_lesson_codex")
    top = app.stack.top
    assert isinstance(top, CodexScene)
    assert top.page_id == expected.id
    assert find(app, "#codex_title").text == expected.title
    press(app, pygame.K_ESCAPE)
    assert isinstance(app.stack.top, DebriefScene)


def test_a_counterfactual_replays_the_changed_game(app: App, session: Session) -> None:
    scene = open_debrief(app, session)
    click(app, "#debrief_tab_what_if")
    assert scene.changes, "greedy's game on seed 3 has changes that move its score"
    best = scene.changes[0]
    assert find(app, "#whatif_points_0").text == f"{best.gain:+d}"
    assert best.change in find(app, "#whatif_text_0").html_text
    click(app, "#debrief_whatif_0")
    viewer = app.stack.top
    assert isinstance(viewer, ReplayViewerScene)
    assert viewer.recorded == best.actions
    assert viewer.tick == best.first_tick


def test_the_charts_and_the_reveal_are_drawn(app: App, session: Session) -> None:
    open_debrief(app, session)
    press(app, pygame.K_RIGHT)
    assert has(app, "#reveal_chart")
    text = find(app, "#reveal_text").html_text
    for reveal in session.report().reveal:
        assert f"{reveal.true_f1:.3f}" in text
    click(app, "#debrief_tab_charts")
    for chart in ("#chart_quality", "#chart_budget", "#chart_escalations"):
        assert has(app, chart)


def test_open_the_run_file_folder(
    app: App, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(debrief_module, "open_folder", opened.append)
    open_debrief(app, session, run_file=tmp_path / "runs" / "run.json")
    click(app, "#debrief_open_folder")
    assert opened == [tmp_path / "runs"]


def test_buttons_without_a_destination_are_disabled_with_a_reason(
    app: App, session: Session
) -> None:
    calls: list[str] = []
    open_debrief(app, session, on_play_again=lambda: calls.append("again"))
    click(app, "#debrief_play_again")
    assert calls == ["again"]
    folder = find(app, "#debrief_open_folder")
    assert not folder.is_enabled
    assert folder.tool_tip_text == "No run file was written for this game"
    assert not find(app, "#debrief_other_scenario").is_enabled


def test_no_debrief_before_the_end(app: App) -> None:
    with pytest.raises(GameNotOverError):
        DebriefScene(app, Session.start(loaded(), 0))


@pytest.mark.parametrize("size", [MIN_SIZE, MAX_SIZE])
def test_every_section_fits_the_window(app: App, session: Session, size: tuple[int, int]) -> None:
    scene = open_debrief(app, session, changes=None)
    app.resize(size)
    for key in SECTION_KEYS:
        scene.show(key)
        if key == "quiz":
            scene.answer(0)
        run_frames(app, 1)
        assert text_problems(scene.ui, app.logical_size()) == [], key


def test_the_keyboard_answers_the_quiz_and_opens_a_lesson_page(app: App, session: Session) -> None:
    scene = open_debrief(app, session)
    for _ in range(SECTION_KEYS.index("quiz")):
        press(app, pygame.K_RIGHT)
    assert scene.section == "quiz"
    question = session.report().quiz[0]
    press(app, pygame.K_1 + question.correct)
    assert find(app, "#quiz_feedback").html_text.startswith("<b>Right.</b>")
    press(app, pygame.K_DOWN)
    assert scene.question == 1
    press(app, pygame.K_RIGHT)  # round to the first section
    assert scene.section == "score"
    click(app, "#debrief_tab_lessons")
    press(app, pygame.K_DOWN)
    lesson = session.report().lessons[1]
    press(app, pygame.K_RETURN)
    top = app.stack.top
    assert isinstance(top, CodexScene)
    assert top.page_id == page_for_lesson(lesson.title, lesson.text)


def test_the_charts_tab_of_a_game_of_several_days_says_days(app: App) -> None:
    open_debrief(app, finished_session("silent-collapse"))
    assert find(app, "#debrief_tab_charts").text == "The days"


def test_the_charts_tab_of_a_one_day_game_says_the_day(app: App, session: Session) -> None:
    open_debrief(app, session)
    assert find(app, "#debrief_tab_charts").text == "The day"
