"""The player view shows measurements and reports, never the truth."""

from __future__ import annotations

import dataclasses
from typing import Any

from game.core.engine import advance, apply, new_game
from game.core.rules import Rules, prepare
from game.core.view import PlayerView, player_view
from game.scenario.actions import StartJob
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
    assert state.traffic[1] == 40
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
    assert view.tasks[0].blocked == "task 'doc' needs: evals_run > 0"
    assert view.jobs[0].blocked is None
