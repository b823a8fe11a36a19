"""Everything by keyboard: Tab and Shift+Tab move a visible focus ring in reading order,
Enter or Space presses, the arrow keys move a focused slider by 5 points."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pygame
import pytest

from game.session import Session
from game.ui.app import App
from game.ui.scene import Scene
from game.ui.scenes.debrief import SECTION_KEYS, DebriefScene
from game.ui.scenes.event import EventDialog
from game.ui.scenes.play import PlayScene
from tests.ui.conftest import (
    CHOICES_SCENARIO,
    RAVI,
    TUTORIAL,
    click,
    find,
    run_frames,
    start_game,
    top_name,
)
from tests.ui.game_helpers import finished_session

TAB_LIMIT = 80


def key(app: App, code: int, shift: bool = False, frames: int = 2) -> None:
    """Press and release a key (with Shift when asked), then run a few frames."""
    mod = pygame.KMOD_SHIFT if shift else 0
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=mod, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=code, mod=mod, unicode="", scancode=0))
    run_frames(app, frames)


def top(app: App) -> Scene:
    scene = app.stack.top
    assert scene is not None
    return scene


def focused_id(app: App) -> str | None:
    """The object id ('#pause') of the widget the ring is on, or None."""
    scene = top(app)
    element = scene.focus.focused(scene.ui)
    return None if element is None else element.most_specific_combined_id.rsplit(".", 1)[-1]


def tab_to(app: App, object_id: str, shift: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the ring is on the widget with this object id."""
    for _ in range(TAB_LIMIT):
        key(app, pygame.K_TAB, shift=shift, frames=1)
        if focused_id(app) == object_id:
            return
    raise AssertionError(f"Tab never reached {object_id}")


def ring_order(app: App) -> list[str]:
    """The object ids the ring goes through, from a first Tab until it comes round."""
    first = None
    seen: list[str] = []
    for _ in range(TAB_LIMIT):
        key(app, pygame.K_TAB, frames=1)
        current = focused_id(app)
        assert current is not None
        if current == first:
            return seen
        first = first or current
        seen.append(current)
    raise AssertionError("the ring never came round")


def play_scene(app: App) -> PlayScene:
    return [s for s in app.stack if isinstance(s, PlayScene)][-1]


def answer_events_by_keyboard(app: App) -> None:
    while isinstance(app.stack.top, EventDialog):
        tab_to(app, "#later")
        key(app, pygame.K_RETURN)


def test_the_event_dialogs_choices_by_keyboard(app: App) -> None:
    start_game(app, RAVI)
    assert top_name(app) == "event"
    dialog = top(app)
    assert isinstance(dialog, EventDialog)
    assert focused_id(app) is None, "no ring before the first Tab"
    order = ring_order(app)
    assert order[:4] == ["#choice_alerts", "#choice_postmortem", "#choice_rerun", "#choice_move_on"]
    assert order[-1] == "#later"
    tab_to(app, "#choice_alerts")
    key(app, pygame.K_RETURN)
    assert top_name(app) == "play"
    actions = play_scene(app).game.session.actions
    assert [(t.action.do, getattr(t.action, "choice", None)) for t in actions] == [
        ("choose", "alerts")
    ]


def test_a_disabled_choice_is_not_in_the_ring(app: App, tmp_path: Path) -> None:
    scenario = tmp_path / "choices.yaml"
    scenario.write_text(CHOICES_SCENARIO, encoding="utf-8")
    start_game(app, scenario)
    assert top_name(app) == "event"
    order = ring_order(app)
    assert "#choice_expensive" not in order
    assert order == ["#choice_cheap", "#later"]
    tab_to(app, "#choice_cheap")
    key(app, pygame.K_SPACE)
    assert top_name(app) == "play"
    assert [t.action.do for t in play_scene(app).game.session.actions] == ["choose"]


def test_the_ring_reads_the_play_screen_in_order_and_shift_tab_goes_back(app: App) -> None:
    start_game(app, RAVI)
    answer_events_by_keyboard(app)
    order = ring_order(app)
    assert order[:4] == ["#pause", "#speed_1", "#speed_2", "#speed_4"]
    sliders = [f"#share_{c}" for c in ("research", "data", "infra", "writing")]
    assert [o for o in order if o.startswith("#share_")] == sliders
    assert order.index("#preset_lesson") > order.index("#share_writing")
    assert any(o.startswith("#task_") for o in order)
    assert any(o.startswith("#start_") for o in order)
    key(app, pygame.K_TAB, shift=True, frames=1)  # the ring is on the first widget
    assert focused_id(app) == order[-1]
    key(app, pygame.K_TAB, shift=True, frames=1)
    assert focused_id(app) == order[-2]


def test_enter_pauses_by_the_pause_button_and_space_presses_a_focused_button(app: App) -> None:
    start_game(app, TUTORIAL)
    answer_events_by_keyboard(app)
    play = play_scene(app)
    assert play.paused
    tab_to(app, "#pause")
    key(app, pygame.K_RETURN)
    assert not play.paused
    tab_to(app, "#speed_4")
    key(app, pygame.K_SPACE)
    assert play.speed == "4"
    assert not play.paused, "Space pressed the focused button instead of pausing"


def test_sliders_move_by_5_points_and_still_add_up_to_100(app: App) -> None:
    start_game(app, RAVI)
    answer_events_by_keyboard(app)
    play = play_scene(app)
    tab_to(app, "#preset_even")
    key(app, pygame.K_RETURN)
    assert play.shares == (25, 25, 25, 25)
    tab_to(app, "#share_data", shift=True)
    key(app, pygame.K_RIGHT)
    assert play.shares[1] == 30 and sum(play.shares) == 100
    key(app, pygame.K_UP)
    assert play.shares[1] == 35 and sum(play.shares) == 100
    key(app, pygame.K_LEFT)
    key(app, pygame.K_DOWN)
    key(app, pygame.K_DOWN)
    assert play.shares[1] == 20 and sum(play.shares) == 100
    tab_to(app, "#preset_lesson")
    key(app, pygame.K_RETURN)
    assert play.shares == (20, 30, 30, 20)


def test_a_task_card_is_queued_and_cancelled_by_keyboard(app: App) -> None:
    start_game(app, RAVI)
    answer_events_by_keyboard(app)
    session = play_scene(app).game.session
    tab_to(app, "#task_training_alerts")
    key(app, pygame.K_RETURN)
    assert "training_alerts" in session.view().queues["infra"]
    tab_to(app, "#task_training_alerts")  # now a card of the queues
    key(app, pygame.K_RETURN)
    assert "training_alerts" not in session.view().queues["infra"]


def test_jobs_start_and_stop_and_models_are_measured_by_keyboard(app: App) -> None:
    start_game(app, RAVI)
    answer_events_by_keyboard(app)
    session = play_scene(app).game.session
    tab_to(app, "#start_eval_golden_baseline")
    key(app, pygame.K_RETURN)
    assert [r.job for r in session.view().runs] == ["eval_golden"]
    tab_to(app, "#start_lora_es")
    key(app, pygame.K_RETURN)
    lora = next(r for r in session.view().runs if r.job == "lora_es")
    assert lora.status == "running"
    tab_to(app, f"#stop_{lora.id}")
    key(app, pygame.K_RETURN)
    assert next(r for r in session.view().runs if r.id == lora.id).status != "running"


def test_a_click_puts_the_ring_away_and_the_ring_is_drawn(app: App) -> None:
    start_game(app, TUTORIAL)
    answer_events_by_keyboard(app)
    tab_to(app, "#menu")
    scene = top(app)
    element = scene.focus.focused(scene.ui)
    assert element is not None
    colour = scene.ui.get_theme().get_colour("focus_ring", ["#palette"])
    corner = (element.rect.left - 4, element.rect.centery)
    assert app.canvas.get_at(corner)[:3] == colour[:3]
    click(app, "#pause")
    assert focused_id(app) is None
    assert app.canvas.get_at(corner)[:3] != colour[:3]


@pytest.fixture(scope="module")
def session() -> Session:
    return finished_session()


def test_the_debriefs_sections_quiz_and_buttons_by_keyboard(app: App, session: Session) -> None:
    app.stack.push(DebriefScene(app, session))
    run_frames(app, 2)
    scene = top(app)
    assert isinstance(scene, DebriefScene)
    order = ring_order(app)
    assert order[:6] == [f"#debrief_tab_{section}" for section in SECTION_KEYS]
    foot = [
        "#debrief_play_again",
        "#debrief_other_scenario",
        "#debrief_open_folder",
        "#debrief_codex",
        "#debrief_title",
    ]
    enabled = [object_id for object_id in foot if find(app, object_id).is_enabled]
    assert "#debrief_codex" in enabled
    assert order[-len(enabled) :] == enabled
    tab_to(app, "#debrief_tab_quiz")
    key(app, pygame.K_RETURN)
    assert scene.section == "quiz"
    question = session.report().quiz[0]
    tab_to(app, f"#quiz_choice_{question.correct}")
    key(app, pygame.K_SPACE)
    assert find(app, "#quiz_feedback").html_text.startswith("<b>Right.</b>")
    tab_to(app, "#quiz_next")
    key(app, pygame.K_RETURN)
    assert find(app, "#quiz_progress").text.endswith("1 right of 1 answered")
    tab_to(app, "#debrief_tab_what_if", shift=True)
    key(app, pygame.K_RETURN)
    assert scene.section == "what_if"
    tab_to(app, "#debrief_codex")
    key(app, pygame.K_RETURN)
    assert top_name(app) == "codex"


def test_from_the_title_to_the_play_screen_by_keyboard(app: App) -> None:
    from game.ui.scenes.title import TitleScene

    app.stack.push(TitleScene(app))
    run_frames(app, 1)
    order = ring_order(app)
    assert order == ["#new_game", "#scenarios", "#replays", "#codex", "#settings", "#quit"], (
        "Continue is disabled with nothing saved, so the ring skips it"
    )
    tab_to(app, "#new_game")
    key(app, pygame.K_RETURN)
    assert top_name(app) == "briefing"
    tab_to(app, "#start")
    key(app, pygame.K_SPACE)
    assert top_name(app) == "play"


def test_the_settings_volume_by_keyboard(app: App) -> None:
    from game.ui.scenes.settings import SettingsScene

    app.settings.volume = 0.5
    app.stack.push(SettingsScene(app))
    run_frames(app, 1)
    tab_to(app, "#volume")
    key(app, pygame.K_RIGHT)
    assert app.settings.volume == pytest.approx(0.55)
    key(app, pygame.K_LEFT)
    key(app, pygame.K_LEFT)
    assert app.settings.volume == pytest.approx(0.45)


def advance_until(app: App, done: Callable[[], bool], limit: int = 16) -> None:
    """Move the clock a tick at a time (events answered later) until ``done()``."""
    play = play_scene(app)
    for _ in range(limit):
        answer_events_by_keyboard(app)
        if done():
            return
        play.advance()
        run_frames(app, 1)
    answer_events_by_keyboard(app)
    assert done(), "the clock ran out"


def test_a_run_is_restarted_and_its_model_measured_tested_and_shipped_by_keyboard(
    app: App,
) -> None:
    start_game(app, RAVI, seed=3)
    answer_events_by_keyboard(app)
    session = play_scene(app).game.session

    def run_of(job: str) -> str | None:
        runs = [r for r in session.view().runs if r.job == job]
        return runs[-1].status if runs else None

    tab_to(app, "#start_lora_es")
    key(app, pygame.K_RETURN)
    advance_until(app, lambda: run_of("lora_es") != "running")
    assert run_of("lora_es") == "failed", "with seed 3 the first run crashes: pick another seed"
    tab_to(app, "#restart_lora_es-1")
    key(app, pygame.K_RETURN)
    assert run_of("lora_es") == "running"
    advance_until(app, lambda: run_of("lora_es") == "finished")
    model = next(r.model for r in session.view().runs if r.job == "lora_es")
    assert model is not None
    tab_to(app, f"#start_eval_golden_{model}")
    key(app, pygame.K_RETURN)
    advance_until(app, lambda: run_of("eval_golden") == "finished")
    tab_to(app, f"#start_ab_test_{model}")
    key(app, pygame.K_RETURN)
    advance_until(app, lambda: run_of("ab_test") == "finished")
    tab_to(app, f"#ship_{model}")
    key(app, pygame.K_RETURN)
    assert session.view().production_model == model


def test_the_links_inside_a_codex_page_are_reached_by_tab_and_followed_by_enter(
    app: App,
) -> None:
    from game.ui.codex_pages import links, page
    from game.ui.scenes.codex import CodexScene, link_button_id

    codex = CodexScene(app, "job")
    app.stack.push(codex)
    run_frames(app, 2)
    targets = [target for target, _ in links("job")]
    assert targets and all(f"<a href='{target}'>" in page("job").body for target in targets)
    order = ring_order(app)
    link_ids = [link_button_id(target) for target in targets]
    assert [i for i in order if i in link_ids] == link_ids  # every link, in the text's order
    assert order.index("#codex_back") < order.index(link_ids[0])  # after the page list
    tab_to(app, link_button_id("evals"))
    key(app, pygame.K_RETURN)
    assert codex.page_id == "evals"
    assert find(app, "#codex_title").text == page("evals").title
    assert all(link_button_id(target) not in ring_order(app) for target in targets)
    codex.open("job")
    run_frames(app, 1)
    tab_to(app, link_ids[-1], shift=True)
    key(app, pygame.K_SPACE)
    assert codex.page_id == targets[-1]
