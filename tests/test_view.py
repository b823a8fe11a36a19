"""The player view shows measurements and reports, never the truth."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest

from game.core.engine import advance, apply, new_game, refusal
from game.core.messages import Refusal
from game.core.rules import Rules, prepare
from game.core.view import PlayerView, player_view
from game.scenario.actions import (
    CancelTask,
    Choose,
    QueueTask,
    RestartJob,
    Ship,
    StartJob,
    StopJob,
)
from game.scenario.model import validate_scenario


def _rules(**extra: Any) -> Rules:
    raw: dict[str, Any] = {
        "title": "View test",
        "budget": 1000,
        "score": {"weights": {"goals": 0, "quality": 500}},
        "segments": [
            {"id": "en", "name": "English", "traffic": 80},
            {"id": "es", "name": "Spanish", "traffic": 20},
        ],
        "production": {"model": {"f1": {"en": 0.9, "es": 0.6}}},
        "data": {"labels": {"en": 1000, "es": 100}, "golden": {"en": 200}},
        "jobs": [
            {
                "id": "ft",
                "kind": "training",
                "name": "Fine-tune",
                "hours": 1,
                "learning_curve": {"es": {"f1": 0.6, "at": 100, "ceiling": 0.9}},
                "collapse": {"per_hour": 1.0, "silent": 100},
            },
            {"id": "ev", "kind": "eval", "name": "Eval", "hours": 0.5},
        ],
    }
    raw.update(extra)
    return prepare(validate_scenario(raw))


def _field_names(view: PlayerView) -> set[str]:
    names: set[str] = set()
    stack: list[Any] = [view]
    while stack:
        item = stack.pop()
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            for field in dataclasses.fields(item):
                names.add(field.name)
                stack.append(getattr(item, field.name))
        elif isinstance(item, list):
            stack.extend(item)
    return names


def test_a_silent_collapse_reports_success_without_monitoring() -> None:
    rules = _rules()
    state = new_game(rules, 1)
    assert apply(state, rules, StartJob(job="ft")) is None
    for _ in range(3):
        advance(state, rules)
    run = player_view(state, rules).runs[0]
    assert run.status == "finished"
    assert run.failure == ""
    assert state.models[-1].collapsed


def test_monitoring_reports_the_silent_collapse() -> None:
    rules = _rules(infra={"monitoring": 3})
    state = new_game(rules, 1)
    apply(state, rules, StartJob(job="ft"))
    advance(state, rules)
    run = player_view(state, rules).runs[0]
    assert run.status == "failed"
    assert "silent collapse" in run.failure


def test_the_view_holds_no_true_quality() -> None:
    rules = _rules()
    state = new_game(rules, 3)
    apply(state, rules, StartJob(job="ev"))
    advance(state, rules)
    view = player_view(state, rules)
    assert len(view.measurements) == 1
    assert view.measurements[0].f1[1] is None
    names = _field_names(view)
    assert "collapsed" not in names
    assert "hallucination_shift" not in names
    assert not any(name.startswith("true") for name in names)


def test_drift_is_invisible_until_monitoring_notices() -> None:
    drift_event = {
        "id": "drift",
        "title": "Drift",
        "text": "More Spanish",
        "trigger": {"at": 0},
        "effects": [{"traffic": {"es": 20}}],
    }
    blind = _rules(events=[drift_event])
    state = new_game(blind, 0)
    assert state.production.traffic[1] == 40
    assert player_view(state, blind).traffic == {"en": 80, "es": 20}
    watched = _rules(events=[drift_event], infra={"monitoring": 1})
    state = new_game(watched, 0)
    assert player_view(state, watched).traffic == {"en": 60, "es": 40}


def test_blocked_tasks_and_jobs_say_why() -> None:
    rules = _rules(
        tasks=[
            {
                "id": "doc",
                "name": "Write a model card",
                "category": "writing",
                "hours": 1,
                "requires": "evals_run > 0",
            }
        ]
    )
    view = player_view(new_game(rules, 0), rules)
    assert str(view.tasks[0].blocked) == "task 'doc' needs: evals_run > 0"
    assert view.jobs[0].blocked is None


def _busy_rules() -> Rules:
    return _rules(
        tasks=[
            {"id": "a", "name": "First", "category": "data", "hours": 3},
            {"id": "b", "name": "Second", "category": "data", "hours": 3},
            {"id": "c", "name": "Third", "category": "writing", "hours": 1},
        ],
        events=[
            {
                "id": "pm",
                "title": "The PM",
                "text": "A demo?",
                "trigger": {"at": 0},
                "choices": [
                    {"id": "yes", "text": "Yes", "hours": {"writing": 1.5}},
                    {"id": "no", "text": "No"},
                ],
            },
            {
                "id": "exec",
                "title": "An executive",
                "text": "A number?",
                "trigger": {"at": 0},
                "choices": [{"id": "ok", "text": "Fine"}, {"id": "later", "text": "Later"}],
            },
        ],
    )


def test_the_view_shows_queue_order_hours_owed_and_every_waiting_event() -> None:
    rules = _busy_rules()
    state = new_game(rules, 0)
    view = player_view(state, rules)
    assert [event.id for event in view.events] == ["pm", "exec"]
    assert view.event == view.events[0]
    assert [c.id for c in view.events[1].choices] == ["ok", "later"]
    for task in ("b", "a", "c"):
        assert apply(state, rules, QueueTask(task=task)) is None
    assert apply(state, rules, Choose(event="exec", choice="ok")) is None
    assert apply(state, rules, Choose(event="pm", choice="yes")) is None
    view = player_view(state, rules)
    assert view.queues == {"research": [], "data": ["b", "a"], "infra": [], "writing": ["c"]}
    assert view.owed == {"research": 0.0, "data": 0.0, "infra": 0.0, "writing": 1.5}
    assert view.events == [] and view.event is None


def test_measurements_carry_95_percent_error_bars() -> None:
    rules = _rules()
    state = new_game(rules, 3)
    apply(state, rules, StartJob(job="ev"))
    advance(state, rules)
    view = player_view(state, rules)
    (model,) = view.model_views
    assert model.in_production and model.evaluated
    (report,) = model.measurements
    en, es = report.segments
    assert en.golden == 200 and en.f1 is not None and en.half_width is not None
    assert en.half_width == pytest.approx(1.959964 * math.sqrt(en.f1 * (1 - en.f1) / 200))
    assert (es.f1, es.half_width, es.golden) == (None, None, 0)
    assert report.f1_mix == pytest.approx(en.f1)
    assert report.f1_mix_half_width == pytest.approx(en.half_width)


def test_refusals_in_the_view_are_the_engines() -> None:
    rules = _busy_rules()
    state = new_game(rules, 1)
    apply(state, rules, QueueTask(task="a"))
    apply(state, rules, StartJob(job="ft"))
    apply(state, rules, StartJob(job="ev"))
    for _ in range(3):
        advance(state, rules)
    view = player_view(state, rules)
    assert len(view.runs) == 2 and len(view.model_views) == 2
    for task in view.tasks:
        assert task.cancel_refused == refusal(state, rules, CancelTask(task=task.id))
    assert view.tasks[0].cancel_refused is None
    assert str(view.tasks[1].cancel_refused) == "task 'b' is not queued"
    for run in view.runs:
        assert run.stop_refused == refusal(state, rules, StopJob(run=run.id))
        assert run.restart_refused == refusal(state, rules, RestartJob(run=run.id))
    assert view.runs[1].restart_refused is not None
    for model in view.model_views:
        assert model.ship_refused == refusal(state, rules, Ship(model=model.id))
    assert view.model_views[0].ship_refused == Refusal(
        "refused.already_in_production", {"model": "baseline"}
    )
    assert str(view.model_views[0].ship_refused) == "baseline is already in production"
    assert view.model_views[1].ship_refused is None


def test_a_hidden_true_f1_leaves_the_view_unchanged() -> None:
    rules = _rules()
    state = new_game(rules, 3)
    apply(state, rules, StartJob(job="ev"))
    apply(state, rules, StartJob(job="ft"))
    for _ in range(3):
        advance(state, rules)
    before = player_view(state, rules)
    for model in state.models:
        model.f1 = [0.01 for _ in model.f1]
        model.hallucination = 40.0
        model.collapsed = not model.collapsed
    state.production.traffic = [50.0, 50.0]
    assert player_view(state, rules) == before
