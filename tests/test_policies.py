"""Headless players: idle, random, greedy and reference."""

from __future__ import annotations

import re
from random import Random
from typing import Any

import pytest
from conftest import make_rules, rich_rules
from pydantic import ValidationError

from game.core import engine
from game.core.rules import Rules
from game.core.scoring import score
from game.core.state import State
from game.policies import POLICIES, make_policy
from game.policies.greedy import shares_for, worth_moving
from game.policies.random_policy import random_allocation
from game.scenario.actions import (
    Action,
    Choose,
    QueueTask,
    Ship,
    StartJob,
    without_time,
)


def test_the_four_policies_exist() -> None:
    assert set(POLICIES) == {"idle", "random", "greedy", "reference"}
    with pytest.raises(KeyError):
        make_policy("genius", rich_rules(), 0)


def test_idle_never_acts() -> None:
    rules = rich_rules()
    state, applied = engine.play(rules, 0, make_policy("idle", rules, 0))
    assert applied == []
    assert state.jobs.runs == [] and state.team.task_status == [0] * len(rules.tasks)
    # Events still fired and took their default answers.
    assert state.events.pending == []
    assert state.events.fired[rules.event_index["pm"]] == 1
    assert state.events.chosen[rules.event_index["pm"]] == [1]  # 'promise' needs trust > 60


def test_reference_schedule_maps_hours_to_ticks() -> None:
    rules = rich_rules()
    steps = rules.reference
    assert sorted({step.tick for step in steps}) == [0, 2, 5, 9, 10, 13]
    assert [step.action for step in steps if step.tick == 9] == [QueueTask(task="golden_es")]
    assert [step.action for step in steps if step.tick == 13] == [Ship(model="lora-1")]
    assert len([step for step in steps if step.tick == 0]) == 3


def test_reference_plays_the_whole_solution() -> None:
    rules = rich_rules(
        jobs=[
            {**job, "collapse": {"per_hour": 0}} if job["id"] == "lora" else job
            for job in rich_rules().scenario.model_dump(mode="json")["jobs"]
        ]
    )
    state, applied = engine.play(rules, 0, make_policy("reference", rules, 0))
    expected = [
        (round(step.at / rules.tick_hours), without_time(step)) for step in rules.scenario.reference
    ]
    assert applied == expected
    assert state.models[state.production.model_index].id == "lora-1"
    assert state.record.shipped == 1 and state.record.shipped_unevaluated == 0


def test_random_is_seeded() -> None:
    rules = rich_rules()
    runs = [engine.play(rules, 1, make_policy("random", rules, seed))[1] for seed in (3, 3, 4)]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_random_allocations_reach_every_split() -> None:
    """Each category sometimes gets nothing and sometimes most of the time, a quarter on
    average: the random player fuzzes the whole range of allocations."""
    rng = Random(0)
    draws = [random_allocation(rng).shares() for _ in range(2_000)]
    for category in range(4):
        shares = [split[category] for split in draws]
        assert min(shares) == 0
        assert max(shares) >= 80
        assert 22 <= sum(shares) / len(shares) <= 28


@pytest.mark.parametrize("policy", ["random", "greedy", "reference", "idle"])
def test_every_policy_finishes_every_seed(policy: str) -> None:
    rules = rich_rules()
    for seed in range(15):
        state, applied = engine.play(rules, seed, make_policy(policy, rules, seed))
        assert state.clock.over
        assert 0 <= score(state, rules).total <= 1000
        assert all(0 <= tick <= rules.total_ticks for tick, _ in applied)
        # at the final boundary, only answers to events
        assert all(type(a) is Choose for tick, a in applied if tick == rules.total_ticks)


def greedy_rules(**extra: Any) -> Rules:
    return make_rules(
        data={"labels": {"es": 100}, "golden": {"en": 400, "es": 400}},
        jobs=[
            {"id": "lora", "kind": "training", "name": "LoRA", "hours": 1, "noise": 0,
             "learning_curve": {"es": {"f1": 0.8, "at": 100, "ceiling": 0.9}}},
            {"id": "ev", "kind": "eval", "name": "Human eval", "hours": 0.5, "judge": "human"},
            *extra.pop("more_jobs", []),
        ],
        **extra,
    )  # fmt: skip


def test_greedy_trains_evaluates_and_ships_a_better_model() -> None:
    rules = greedy_rules()
    state, applied = engine.play(rules, 0, make_policy("greedy", rules, 0))
    kinds = [(tick, type(a).__name__) for tick, a in applied]
    assert (0, "StartJob") in kinds
    assert state.models[state.production.model_index].id == "lora-1"
    assert state.record.shipped_unevaluated == 0
    assert score(state, rules).true_f1 > 0.84


def test_greedy_gates_the_rollout_on_an_ab_test() -> None:
    rules = greedy_rules(
        more_jobs=[{"id": "ab", "kind": "ab_test", "name": "AB", "hours": 2, "share": 50}],
        production={"conversations_per_hour": 2000},
    )
    state, applied = engine.play(rules, 0, make_policy("greedy", rules, 0))
    started = [a for _, a in applied if isinstance(a, StartJob)]
    assert StartJob(job="ab", model="lora-1") in started
    assert state.record.ab_tests_run == 1
    assert state.models[state.production.model_index].id == "lora-1"
    assert state.record.shipped_untested == 0


def test_greedy_does_not_ship_a_worse_model() -> None:
    rules = make_rules(
        data={"labels": {"es": 100}, "golden": {"en": 400, "es": 400}},
        jobs=[
            {"id": "bad", "kind": "training", "name": "Bad", "hours": 1, "noise": 0,
             "learning_curve": {"es": {"f1": 0.3, "at": 100, "ceiling": 0.9}}},
            {"id": "ev", "kind": "eval", "name": "Human eval", "hours": 0.5, "judge": "human"},
        ],
    )  # fmt: skip
    state, _ = engine.play(rules, 0, make_policy("greedy", rules, 0))
    assert len(state.models) == 2
    assert state.production.model_index == 0 and state.record.shipped == 0


def test_greedy_answers_with_the_cheapest_possible_choice() -> None:
    rules = make_rules(
        events=[
            {"id": "ask", "title": "A", "text": "t", "trigger": {"at": 0},
             "choices": [
                 {"id": "dear", "text": "d", "cost": 100},
                 {"id": "free_but_locked", "text": "f", "requires": "trust > 99"},
                 {"id": "cheap", "text": "c", "cost": 5},
             ]},
        ]
    )  # fmt: skip
    decide = make_policy("greedy", rules, 0)
    state: State = engine.new_game(rules, 0)
    actions: list[Action] = decide(state)
    assert Choose(event="ask", choice="cheap") in actions
    assert [a for a in actions if isinstance(a, Choose)] == [Choose(event="ask", choice="cheap")]


def test_greedy_shares_follow_the_work_and_the_busiest_gets_what_rounding_leaves() -> None:
    assert shares_for([0.0, 0.0, 0.0, 0.0]) is None
    assert shares_for([3.0, 1.0, 0.0, 0.0]) == (75, 25, 0, 0)
    # Rounded down to 33 each; the first of the equally busy gets the point left.
    assert shares_for([0.0, 1.0, 1.0, 1.0]) == (0, 34, 33, 33)
    # 16 + 33 + 33 + 16 = 98: both points go to the first of the two busiest.
    assert shares_for([1.0, 2.0, 2.0, 1.0]) == (16, 35, 33, 16)


def test_greedy_moves_its_hours_only_for_a_real_change() -> None:
    assert not worth_moving((50, 50, 0, 0), (50, 50, 0, 0))
    assert not worth_moving((50, 50, 0, 0), (41, 59, 0, 0))
    assert worth_moving((50, 50, 0, 0), (40, 60, 0, 0))
    assert worth_moving((50, 50, 0, 0), (49, 50, 1, 0))  # a category gets time
    assert worth_moving((50, 49, 1, 0), (50, 50, 0, 0))  # a category loses it


def conditional_rules(*steps: dict[str, Any], **overrides: Any) -> Rules:
    base = rich_rules().scenario.model_dump(mode="json")["reference"]
    return rich_rules(reference=[*base, *steps], **overrides)


def test_a_conditional_step_waits_for_its_condition_then_is_taken_once() -> None:
    step = {"at": 1, "do": "allocate", "research": 0, "data": 0, "infra": 0, "writing": 100,
            "when": 'completed("lora") >= 1 or collapsed("lora") >= 1'}  # fmt: skip
    rules = conditional_rules(step)
    for seed in range(6):
        state, applied = engine.play(rules, seed, make_policy("reference", rules, seed))
        taken = [tick for tick, action in applied if action == without_time(
            rules.scenario.reference[-1])]  # fmt: skip
        assert len(taken) == 1
        finished = [r for r in state.jobs.runs if r.job_index == 0 and r.status != "running"]
        assert finished, "the LoRA run ended one way or another"
        # taken at the first boundary after the run reported, never before
        assert taken[0] >= 6


def test_a_conditional_step_whose_condition_never_holds_is_never_taken() -> None:
    plain = rich_rules()
    rules = conditional_rules({"at": 0, "do": "ship", "model": "lora-1", "when": "trust > 99"})
    for seed in range(4):
        _, applied = engine.play(rules, seed, make_policy("reference", rules, seed))
        _, expected = engine.play(plain, seed, make_policy("reference", plain, seed))
        assert applied == expected


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("prod.f1.es > 0.7", "'prod.f1.es' reads the truth"),
        ("prod.quality > 0.8", "'prod.quality' reads the truth"),
        ("traffic.es > 25", "'traffic.es' reads the truth"),
        ("requests.hallucinated < 5", "'requests.hallucinated' reads the truth"),
        ('fired("drift") >= 1', "event 'drift' is hidden"),
    ],
)
def test_a_reference_condition_may_not_read_the_truth(when: str, message: str) -> None:
    events = rich_rules().scenario.model_dump(mode="json")["events"]
    for event in events:
        if event["id"] == "drift":
            event["hidden"] = True
    with pytest.raises(ValidationError, match=re.escape(message)):
        conditional_rules({"at": 1, "do": "ship", "model": "lora-1", "when": when}, events=events)
    # the same names are fine in a goal
    rich_rules(events=events, goals=[{"id": "g", "text": "g", "when": when}])


def test_a_reference_condition_may_read_measurements() -> None:
    when = 'ab_worse("lora") == false and eval_drop("lora") < 0.05 and evals_run >= 1'
    rules = conditional_rules({"at": 1, "do": "ship", "model": "lora-1", "when": when})
    assert rules.reference[-1].when is not None
