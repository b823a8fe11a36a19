"""The tick engine: a new game, the clock, refusals that change nothing, determinism."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import make_rules, rich_rules, snapshot, ticks

from game.core import engine
from game.core.messages import Refusal
from game.core.rules import Rules
from game.core.scoring import score
from game.core.state import ABResult, Capability, Measurement, ModelRecord, State
from game.policies import make_policy
from game.scenario.actions import (
    Action,
    Allocate,
    CancelTask,
    Choose,
    QueueTask,
    RestartJob,
    Ship,
    StartJob,
    StopJob,
)
from game.scenario.expr import INFRA_CAPABILITIES


def test_a_new_game_sets_every_field_of_the_state() -> None:
    state = engine.new_game(rich_rules(), 0)
    for field in dataclasses.fields(State):
        value = getattr(state, field.name)  # an unset slot raises AttributeError
        if field.default is not dataclasses.MISSING:
            assert value == field.default, field.name


def test_a_new_game_starts_from_the_scenario() -> None:
    rules = make_rules(
        budget=1234,
        allocation={"research": 10, "data": 40, "infra": 40, "writing": 10},
        data={"labels": {"es": 7}, "golden": {"en": 3}},
        infra={"checkpointing": 1, "monitoring": 2, "fallback": 3, "autoscaling": 0,
               "reliability": 61},
        trust={"start": 44},
        variables={"a": 1.5},
    )  # fmt: skip
    state = engine.new_game(rules, 0)
    assert state.clock.tick == 0 and not state.clock.over
    assert state.money.balance == 1234.0 and state.money.ledger == {}
    assert state.team.allocation == [10, 40, 40, 10]
    assert state.data.labels == [0.0, 7.0] and state.data.golden == [3.0, 0.0]
    assert state.infra == {"checkpointing": 1, "monitoring": 2, "fallback": 3, "autoscaling": 0}
    assert state.reliability == 61.0 and state.trust == 44.0
    assert state.variables == [1.5]
    assert state.production.traffic == [80.0, 20.0] and state.production.traffic_seen == [
        80.0,
        20.0,
    ]
    assert [m.id for m in state.models] == ["baseline"] and state.production.model_index == 0
    assert state.models[0].f1 == [0.9, 0.6]


@pytest.mark.parametrize(
    ("time", "total"),
    [
        ({}, 16),
        ({"days": 2}, 32),
        ({"tick_minutes": 60}, 8),
        ({"hours_per_day": 6, "tick_minutes": 15}, 24),
        ({"days": 5, "hours_per_day": 8, "tick_minutes": 120}, 20),
    ],
)
def test_the_clock_moves_in_whole_ticks_to_the_end(time: dict[str, int], total: int) -> None:
    rules = make_rules(time=time)
    assert rules.total_ticks == total
    state = engine.new_game(rules, 0)
    ticks(state, rules, total - 1)
    assert state.clock.tick == total - 1 and not state.clock.over
    ticks(state, rules, 1)
    assert state.clock.tick == total and not state.clock.over  # the final boundary
    ticks(state, rules, 1)
    assert state.clock.tick == total and state.clock.over
    before = snapshot(state)
    engine.advance(state, rules)
    assert snapshot(state) == before


def test_play_asks_at_every_boundary_and_records_applied_actions() -> None:
    rules = make_rules(tasks=[{"id": "a", "name": "A", "category": "data", "hours": 1}])
    asked: list[int] = []

    def decide(state: State) -> list[Action]:
        asked.append(state.clock.tick)
        if state.clock.tick == 3:
            return [QueueTask(task="a"), QueueTask(task="a"), Ship(model="nope")]
        return []

    state, applied = engine.play(rules, 0, decide)
    assert asked == list(range(16))  # the final boundary only when an event waits
    assert applied == [(3, QueueTask(task="a"))]
    assert state.clock.over


def test_play_asks_at_the_final_boundary_when_an_event_waits() -> None:
    rules = make_rules(
        events=[
            {"id": "review", "title": "R", "text": "t", "trigger": {"at": 8},
             "choices": [{"id": "a", "text": "a"}, {"id": "b", "text": "b"}]},
        ]
    )  # fmt: skip
    asked: list[int] = []

    def decide(state: State) -> list[Action]:
        asked.append(state.clock.tick)
        return [Choose(event="review", choice="b")] if state.events.pending else []

    state, applied = engine.play(rules, 0, decide)
    assert asked == list(range(17))
    assert applied == [(16, Choose(event="review", choice="b"))]
    assert state.events.chosen == [[1]] and state.clock.over


def test_at_the_final_boundary_only_answers_are_taken() -> None:
    rules = make_rules()
    state = engine.new_game(rules, 0)
    ticks(state, rules, rules.total_ticks)
    action = Allocate(research=25, data=25, infra=25, writing=25)
    refused = "the day is over: only answers to waiting events are taken now"
    assert str(engine.apply(state, rules, action)) == refused
    assert str(engine.apply(state, rules, QueueTask(task="golden_es"))) == refused


def test_after_the_end_every_action_is_refused() -> None:
    rules = make_rules()
    state = engine.new_game(rules, 0)
    ticks(state, rules, rules.total_ticks + 1)
    action = Allocate(research=25, data=25, infra=25, writing=25)
    assert str(engine.apply(state, rules, action)) == "the game is over"
    assert engine.refusal(state, rules, action) == Refusal("refused.game_over", {})


def invalid_actions(state: State) -> list[Action]:
    return [
        QueueTask(task="nope"),
        QueueTask(task="golden_es"),  # needs done("label_es")
        CancelTask(task="doc"),
        StartJob(job="nope"),
        StartJob(job="full"),  # needs labels.es >= 300
        StartJob(job="ev", model="nope"),
        StartJob(job="ab"),
        StartJob(job="ab", model="baseline"),
        StopJob(run="nope-1"),
        RestartJob(run="nope-1"),
        Ship(model="baseline"),
        Ship(model="nope"),
        Choose(event="nope", choice="x"),
        Choose(event="drift", choice="x"),
        Choose(event="compute", choice="pay"),  # not waiting
    ]


def test_invalid_actions_are_refused_with_a_reason_and_change_nothing() -> None:
    rules = rich_rules()
    for seed in range(3):
        state = engine.new_game(rules, seed)
        engine.apply(state, rules, QueueTask(task="label_es"))
        engine.apply(state, rules, StartJob(job="lora"))
        ticks(state, rules, 2)
        for action in invalid_actions(state):
            before = snapshot(state)
            reason = engine.apply(state, rules, action)
            assert isinstance(reason, Refusal) and reason.text, action
            assert snapshot(state) == before, action


def test_refused_mid_game_actions_change_nothing() -> None:
    rules = rich_rules()
    state = engine.new_game(rules, 4)
    engine.apply(state, rules, StartJob(job="lora"))
    ticks(state, rules, 6)
    run = state.jobs.runs[0]
    actions: list[Action] = [
        StartJob(job="lora"),
        RestartJob(run=run.id),
        QueueTask(task="label_es"),
    ]
    engine.apply(state, rules, QueueTask(task="label_es"))
    for action in actions:
        if engine.refusal(state, rules, action) is None:
            continue
        before = snapshot(state)
        assert engine.apply(state, rules, action)
        assert snapshot(state) == before


def test_the_refusal_of_a_choice_with_an_unmet_requirement_changes_nothing() -> None:
    rules = rich_rules(trust={"start": 30})
    state = engine.new_game(rules, 0)
    ticks(state, rules, 2)
    assert rules.event_index["pm"] in state.events.pending
    before = snapshot(state)
    assert str(engine.apply(state, rules, Choose(event="pm", choice="promise"))) == (
        "'promise' needs: trust > 60"
    )
    assert snapshot(state) == before


def play_policy(rules: Rules, seed: int, policy: str = "random") -> State:
    state, _ = engine.play(rules, seed, make_policy(policy, rules, seed))
    return state


@pytest.mark.parametrize("policy", ["idle", "random", "greedy", "reference"])
def test_same_seed_and_actions_give_identical_states(policy: str) -> None:
    rules = rich_rules()
    for seed in (0, 7):
        one = play_policy(rules, seed, policy)
        two = play_policy(rules, seed, policy)
        assert snapshot(one) == snapshot(two)
        assert score(one, rules) == score(two, rules)


def test_a_second_prepare_of_the_same_scenario_plays_the_same() -> None:
    one = play_policy(rich_rules(), 3, "greedy")
    two = play_policy(rich_rules(), 3, "greedy")
    assert snapshot(one) == snapshot(two)


def test_different_seeds_usually_differ() -> None:
    rules = rich_rules()
    states = [snapshot(play_policy(rules, seed, "idle")) for seed in range(10)]
    assert len({s["production"] for s in states}) == 10
    assert len({s["luck"] for s in states}) == 10


def test_interleaving_games_does_not_change_them() -> None:
    rules = rich_rules()
    alone = play_policy(rules, 5, "greedy")
    a = engine.new_game(rules, 5)
    b = engine.new_game(rules, 6)
    decide_a = make_policy("greedy", rules, 5)
    decide_b = make_policy("greedy", rules, 6)
    while not a.clock.over:
        for state, decide in ((a, decide_a), (b, decide_b)):
            for action in decide(state):
                engine.apply(state, rules, action)
            engine.advance(state, rules)
    assert snapshot(a) == snapshot(alone)


def test_allocation_changes_count_only_real_changes() -> None:
    rules = make_rules()
    state = engine.new_game(rules, 0)
    same = Allocate(research=20, data=30, infra=30, writing=20)
    assert engine.apply(state, rules, same) is None
    assert state.record.allocation_changes == 0
    assert engine.apply(state, rules, Allocate(research=0, data=100, infra=0, writing=0)) is None
    assert engine.apply(state, rules, same) is None
    assert state.record.allocation_changes == 2


def test_shipping_a_model_its_own_ab_test_called_worse_is_counted() -> None:
    rules = make_rules()
    state = engine.new_game(rules, 0)
    for name in ("worse", "fine"):
        state.models.append(ModelRecord(name, None, [0.9, 0.6], 2.0, 500.0, 0.002, 0))
    state.results.ab_tests = [
        ABResult("ab-1", "worse", "baseline", 3, 250, 250, 30.0, 18.0, 12.0, 6.0),
        ABResult("ab-2", "fine", "baseline", 5, 250, 250, 21.0, 18.0, 3.0, 6.0),
    ]
    assert engine.apply(state, rules, Ship(model="fine")) is None
    assert state.record.shipped_worse == 0
    assert engine.apply(state, rules, Ship(model="worse")) is None
    assert state.record.shipped_worse == 1


def test_shipping_a_model_its_own_eval_called_worse_is_counted() -> None:
    rules = make_rules()
    state = engine.new_game(rules, 0)
    state.models.append(ModelRecord("forgot", None, [0.8, 0.7], 2.0, 500.0, 0.002, 0))
    state.results.evals = [
        Measurement("ev-1", "baseline", 1, [0.90, None], 0.9, 2.0, [1200, 0]),
        Measurement("ev-2", "forgot", 5, [0.84, 0.70], 0.83, 2.0, [1200, 100]),
    ]
    assert engine.apply(state, rules, Ship(model="forgot")) is None
    assert state.record.shipped_worse == 1
    state.results.evals[1].f1[0] = 0.89  # within the error bars
    state.production.model_index = 0
    assert engine.apply(state, rules, Ship(model="forgot")) is None
    assert state.record.shipped_worse == 1


def test_the_infra_capabilities_are_the_ones_scenarios_name() -> None:
    assert [capability.value for capability in Capability] == list(INFRA_CAPABILITIES)
