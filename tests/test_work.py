"""The player's hours: the context-switch penalty, FIFO task queues, background work."""

from __future__ import annotations

import pytest
from conftest import quiet_rules, ticks

from game.core import engine, ledger
from game.core.state import TaskStatus
from game.core.work import effective_hours
from game.scenario.actions import Allocate, CancelTask, Choose, QueueTask


def alloc(research: int, data: int, infra: int, writing: int) -> Allocate:
    return Allocate(research=research, data=data, infra=infra, writing=writing)


def task(tid: str, category: str = "data", hours: float = 1.0, **extra: object) -> dict:
    return {"id": tid, "name": tid.upper(), "category": category, "hours": hours, **extra}


@pytest.mark.parametrize(
    ("switch", "allocation", "hours"),
    [
        (5, [25, 25, 25, 25], 0.5 * 0.85),
        (5, [0, 100, 0, 0], 0.5),
        (5, [50, 50, 0, 0], 0.5 * 0.95),
        (10, [0, 40, 30, 30], 0.5 * 0.80),
        (0, [25, 25, 25, 25], 0.5),
        (40, [25, 25, 25, 25], 0.0),
    ],
)
def test_context_switch_penalty(switch: float, allocation: list[int], hours: float) -> None:
    rules = quiet_rules(context_switch=switch)
    assert effective_hours(rules, allocation) == pytest.approx(hours)


def test_four_categories_at_five_percent_lose_fifteen_percent_of_background() -> None:
    rates = {"research": 4.0, "data": 200.0, "infra": 8.0, "writing": 8.0}
    rules = quiet_rules(
        context_switch=5, background=rates, trust={"start": 10}, infra={"reliability": 10}
    )
    state = engine.new_game(rules, 0)
    assert engine.apply(state, rules, alloc(25, 25, 25, 25)) is None
    ticks(state, rules, 1)
    each = 0.5 * 0.85 * 0.25
    assert state.insight == pytest.approx(4.0 * each)
    assert sum(state.data.labels) == pytest.approx(200.0 * each)
    assert state.reliability == pytest.approx(10 + 8.0 * each)
    assert state.trust == pytest.approx(10 + 8.0 * each)


def test_labels_spread_by_traffic_share() -> None:
    rules = quiet_rules(background={"data": 100.0})
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, alloc(0, 100, 0, 0))
    ticks(state, rules, 2)  # one hour of data work: 100 labels
    assert state.data.labels == pytest.approx([80.0, 20.0])


def test_reliability_and_trust_are_capped_at_100() -> None:
    rules = quiet_rules(
        background={"infra": 50.0, "writing": 50.0},
        trust={"start": 95},
        infra={"reliability": 97},
    )
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, alloc(0, 0, 50, 50))
    ticks(state, rules, 4)
    assert state.reliability == 100.0
    assert state.trust == 100.0


def test_a_category_with_no_share_gets_no_hours() -> None:
    rules = quiet_rules(background={"research": 10.0, "data": 100.0}, tasks=[task("a")])
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, alloc(100, 0, 0, 0))
    engine.apply(state, rules, QueueTask(task="a"))
    ticks(state, rules, 4)
    assert state.team.task_spent == [0.0]
    assert state.data.labels == [0.0, 0.0]
    assert state.insight == pytest.approx(20.0)


def test_queue_is_first_in_first_out() -> None:
    rules = quiet_rules(tasks=[task("a"), task("b"), task("c")])
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, alloc(0, 100, 0, 0))
    for tid in ("b", "a", "c"):
        assert engine.apply(state, rules, QueueTask(task=tid)) is None
    assert state.team.queues[1] == [1, 0, 2]
    ticks(state, rules, 2)
    assert state.team.task_status == [TaskStatus.QUEUED, TaskStatus.DONE, TaskStatus.QUEUED]
    ticks(state, rules, 1)
    assert state.team.task_spent == [0.5, 1.0, 0.0]
    ticks(state, rules, 1)
    assert state.team.task_status == [TaskStatus.DONE, TaskStatus.DONE, TaskStatus.QUEUED]
    ticks(state, rules, 2)
    assert state.team.task_status == [TaskStatus.DONE, TaskStatus.DONE, TaskStatus.DONE]
    assert state.team.queues[1] == []


def test_several_short_tasks_finish_in_one_tick() -> None:
    rules = quiet_rules(tasks=[task("a", hours=0.1), task("b", hours=0.2), task("c", hours=0.5)])
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, alloc(0, 100, 0, 0))
    for tid in ("a", "b", "c"):
        engine.apply(state, rules, QueueTask(task=tid))
    ticks(state, rules, 1)
    assert state.team.task_status == [TaskStatus.DONE, TaskStatus.DONE, TaskStatus.QUEUED]
    assert state.team.task_spent[2] == pytest.approx(0.2)


def test_leftover_hours_flow_into_background_work() -> None:
    rules = quiet_rules(background={"data": 100.0}, tasks=[task("a", hours=0.75)])
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, alloc(0, 100, 0, 0))
    engine.apply(state, rules, QueueTask(task="a"))
    ticks(state, rules, 1)
    assert state.data.labels == [0.0, 0.0]
    ticks(state, rules, 1)
    assert state.team.task_status == [TaskStatus.DONE]
    # 0.25 h left over in the second tick: 25 labels, 80/20 by traffic.
    assert state.data.labels == pytest.approx([20.0, 5.0])


def test_only_the_tasks_category_works_on_it() -> None:
    rules = quiet_rules(
        background={"research": 2.0}, tasks=[task("doc", category="writing", hours=0.5)]
    )
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, alloc(50, 0, 0, 50))
    engine.apply(state, rules, QueueTask(task="doc"))
    assert state.team.queues == [[], [], [], [0]]
    ticks(state, rules, 1)
    assert state.team.task_spent == [0.25]
    assert state.insight == pytest.approx(0.5)
    ticks(state, rules, 1)
    assert state.team.task_status == [TaskStatus.DONE]


def test_finishing_a_task_bills_its_cost_and_applies_its_effects() -> None:
    rules = quiet_rules(
        tasks=[task("a", hours=0.5, cost=120.0, effects=[{"labels": {"es": 500}}, {"trust": 3}])]
    )
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, alloc(0, 100, 0, 0))
    engine.apply(state, rules, QueueTask(task="a"))
    trust = state.trust
    ticks(state, rules, 1)
    assert state.money.ledger == {ledger.TASKS: 120.0}
    assert state.money.balance == pytest.approx(10_000 - 120.0)
    assert state.data.labels == [0.0, 500.0]
    assert state.trust == pytest.approx(trust + 3)


def test_a_task_effect_can_queue_the_next_task_in_the_same_tick() -> None:
    rules = quiet_rules(
        tasks=[task("a", hours=0.25, effects=[{"queue": "b"}]), task("b", hours=0.25)]
    )
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, alloc(0, 100, 0, 0))
    engine.apply(state, rules, QueueTask(task="a"))
    ticks(state, rules, 1)
    assert state.team.task_status == [TaskStatus.DONE, TaskStatus.DONE]


def test_cancel_keeps_the_hours_spent() -> None:
    rules = quiet_rules(background={"data": 100.0}, tasks=[task("a", hours=1.0)])
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, alloc(0, 100, 0, 0))
    engine.apply(state, rules, QueueTask(task="a"))
    ticks(state, rules, 1)
    assert engine.apply(state, rules, CancelTask(task="a")) is None
    assert state.team.queues[1] == [] and state.team.task_status == [0]
    ticks(state, rules, 1)
    assert state.team.task_spent == [0.5]
    assert sum(state.data.labels) == pytest.approx(50.0)  # the hours went to background
    assert engine.apply(state, rules, QueueTask(task="a")) is None
    ticks(state, rules, 1)
    assert state.team.task_status == [TaskStatus.DONE]


def test_queue_refusals_have_reasons() -> None:
    rules = quiet_rules(
        tasks=[task("a", hours=0.5), task("b", requires='done("a") and labels.es >= 10')]
    )
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, alloc(0, 100, 0, 0))
    assert str(engine.apply(state, rules, QueueTask(task="b"))) == (
        "task 'b' needs: done(\"a\") and labels.es >= 10"
    )
    assert str(engine.apply(state, rules, CancelTask(task="a"))) == "task 'a' is not queued"
    assert str(engine.apply(state, rules, QueueTask(task="zzz"))) == "there is no task 'zzz'"
    assert engine.apply(state, rules, QueueTask(task="a")) is None
    assert str(engine.apply(state, rules, QueueTask(task="a"))) == "task 'a' is already queued"
    ticks(state, rules, 1)
    assert str(engine.apply(state, rules, QueueTask(task="a"))) == "task 'a' is already done"
    assert str(engine.apply(state, rules, CancelTask(task="a"))) == "task 'a' is not queued"
    assert str(engine.apply(state, rules, QueueTask(task="b"))) == (
        "task 'b' needs: done(\"a\") and labels.es >= 10"
    )
    state.data.labels[1] = 10
    assert engine.apply(state, rules, QueueTask(task="b")) is None


def test_hours_owed_to_a_choice_come_before_the_queue() -> None:
    rules = quiet_rules(
        background={"data": 100.0},
        tasks=[task("a", hours=0.5)],
        events=[
            {
                "id": "ask",
                "title": "Ask",
                "text": "t",
                "trigger": {"at": 0},
                "choices": [{"id": "help", "text": "h", "hours": {"data": 0.75}}],
            }
        ],
    )
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, alloc(0, 100, 0, 0))
    engine.apply(state, rules, QueueTask(task="a"))
    assert state.events.pending == [0]
    engine.apply(state, rules, Choose(event="ask", choice="help"))
    assert state.team.owed == [0.0, 0.75, 0.0, 0.0]
    ticks(state, rules, 1)
    assert state.team.owed[1] == pytest.approx(0.25)
    assert state.team.task_spent == [0.0]
    ticks(state, rules, 1)
    assert state.team.owed[1] == 0.0
    assert state.team.task_spent == [0.25]
    assert state.data.labels == [0.0, 0.0]
