"""The score: parts, bands, overspending, goals, clamping, lessons."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import make_rules, quiet_rules, ticks

from game.core import engine
from game.core.scoring import PARTS, band, lessons, score, served_percent
from game.core.state import ModelRecord
from game.scenario.model import Band

ALL_WEIGHTS = {
    "quality": 300,
    "safety": 100,
    "budget": 150,
    "reliability": 150,
    "trust": 100,
    "goals": 200,
}


@pytest.mark.parametrize(
    ("value", "floor", "target", "expected"),
    [
        (0.6, 0.6, 0.85, 0.0),
        (0.5, 0.6, 0.85, 0.0),
        (0.85, 0.6, 0.85, 1.0),
        (0.95, 0.6, 0.85, 1.0),
        (0.725, 0.6, 0.85, 0.5),
        (4.0, 6.0, 2.0, 0.5),  # lower is better
        (1.0, 6.0, 2.0, 1.0),
        (7.0, 6.0, 2.0, 0.0),
        (5.0, 5.0, 5.0, 1.0),
        (4.9, 5.0, 5.0, 0.0),
    ],
)
def test_band(value: float, floor: float, target: float, expected: float) -> None:
    assert band(value, Band(floor=floor, target=target)) == pytest.approx(expected)


def test_the_starting_state_scores_its_parts() -> None:
    rules = make_rules()
    state = engine.new_game(rules, 0)
    result = score(state, rules)
    assert result.parts == {
        "quality": pytest.approx(350 * (0.84 - 0.6) / 0.25, abs=0.05),
        "safety": 100.0,
        "budget": 150.0,
        "reliability": 150.0,
        "trust": 125.0,
        "goals": 0.0,
    }
    assert result.total == (336 + 100 + 150 + 150 + 125)
    assert result.true_f1 == pytest.approx(0.84)
    assert result.true_hallucination == 2.0
    assert result.served_percent == 100.0
    assert tuple(result.parts) == PARTS
    assert result.as_dict()["total"] == result.total


def test_a_perfect_game_scores_1000() -> None:
    rules = make_rules(
        score={"weights": ALL_WEIGHTS},
        goals=[{"id": "g", "text": "g", "when": "true"}],
    )
    state = engine.new_game(rules, 0)
    state.models[0].f1 = [0.9, 0.9]
    state.trust = 100
    assert score(state, rules).total == 1000


def test_quality_and_safety_use_the_truth_of_the_production_model() -> None:
    rules = make_rules()
    state = engine.new_game(rules, 0)
    state.models.append(ModelRecord("m", 0, [0.7, 0.7], 4.0, 500, 0.0, 0))
    state.production.model_index = 1
    result = score(state, rules)
    assert result.parts["quality"] == pytest.approx(350 * 0.4)
    assert result.parts["safety"] == pytest.approx(100 * 0.5)


@pytest.mark.parametrize(
    ("money", "part"),
    [(10_000, 150.0), (5_000, 75.0), (0, 0.0), (-5_000, -75.0), (-50_000, -150.0), (20_000, 150.0)],
)
def test_budget_part_and_overspending(money: float, part: float) -> None:
    rules = make_rules()
    state = engine.new_game(rules, 0)
    state.money.balance = money
    assert score(state, rules).parts["budget"] == part


def test_overspending_lowers_the_score() -> None:
    rules = make_rules()
    state = engine.new_game(rules, 0)
    base = score(state, rules).total
    state.money.balance = -10_000
    assert score(state, rules).total == base - 300


def test_reliability_is_the_time_based_service_level_and_incidents_are_penalties() -> None:
    rules = make_rules(score={"incident_penalty": 20})
    state = engine.new_game(rules, 0)
    counts = state.production.counts
    counts.total, counts.served, counts.degraded, counts.failed = 1000.0, 960.0, 30.0, 10.0
    counts.hours, counts.service_hours = 8.0, 7.8
    assert served_percent(state) == pytest.approx(97.5)
    assert score(state, rules).parts["reliability"] == pytest.approx(150 * 0.5)
    state.production.incidents = ["a", "b"]
    assert score(state, rules).parts["reliability"] == pytest.approx(150 * 0.5 * 0.6)
    state.production.incidents = ["x"] * 6
    assert score(state, rules).parts["reliability"] == 0.0


def test_trust_part() -> None:
    rules = make_rules()
    state = engine.new_game(rules, 0)
    state.trust = 80
    assert score(state, rules).parts["trust"] == 200.0


def goal_rules(**extra: Any) -> Any:
    return make_rules(
        score={"weights": ALL_WEIGHTS},
        variables={"x": 0},
        goals=[
            {"id": "small", "text": "s", "when": "vars.x >= 1", "points": 100},
            {"id": "big", "text": "b", "when": "vars.x >= 2", "points": 300},
        ],
        **extra,
    )


def test_goals_part_splits_by_points() -> None:
    rules = goal_rules()
    state = engine.new_game(rules, 0)
    assert score(state, rules).parts["goals"] == 0.0
    state.variables[0] = 1
    result = score(state, rules)
    assert result.parts["goals"] == pytest.approx(200 * 0.25)
    assert result.goals == {"small": True, "big": False}
    state.variables[0] = 2
    assert score(state, rules).parts["goals"] == 200.0


def test_the_total_clamps_at_zero() -> None:
    rules = make_rules(trust={"start": 0})
    state = engine.new_game(rules, 0)
    state.models[0].f1 = [0.1, 0.1]
    state.models[0].hallucination = 50
    state.money.balance = -1e9
    state.production.incidents = ["x"] * 20
    result = score(state, rules)
    assert result.parts["budget"] == -150.0
    assert sum(result.parts.values()) < 0
    assert result.total == 0


def test_parts_are_rounded_and_the_total_is_their_rounded_sum() -> None:
    rules = make_rules()
    state = engine.new_game(rules, 0)
    state.money.balance = 1234.567
    state.trust = 33.333
    result = score(state, rules)
    for value in result.parts.values():
        assert value == round(value, 1)
    assert abs(result.total - sum(result.parts.values())) <= 1


def test_a_whole_idle_game_scores_what_its_parts_say() -> None:
    rules = make_rules()
    state = engine.new_game(rules, 0)
    ticks(state, rules, rules.total_ticks)
    result = score(state, rules)
    spent = 10_000 - state.money.balance
    assert spent > 0  # serving and API requests cost money every tick
    assert result.parts["budget"] == pytest.approx(150 * state.money.balance / 10_000, abs=0.05)
    assert 0 <= result.total <= 1000


def test_lessons_apply_by_condition() -> None:
    rules = quiet_rules(
        variables={"x": 0},
        debrief={
            "lessons": [
                {"title": "Always", "text": "a"},
                {"title": "When x", "text": "b", "when": "vars.x > 0"},
                {"title": "Unless x", "text": "c", "when": "vars.x == 0"},
            ]
        },
    )
    state = engine.new_game(rules, 0)
    assert lessons(state, rules) == [0, 2]
    state.variables[0] = 1
    assert lessons(state, rules) == [0, 1]
