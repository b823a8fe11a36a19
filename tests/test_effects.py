"""Every effect key of the scenario format, applied to a state."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import make_doc, quiet_rules, ticks
from pydantic import ValidationError

from game.core import engine, ledger
from game.core.effects import APPLY, apply_effects
from game.core.rules import Rules, prepared_for
from game.core.state import Capability, RunStatus, State, TaskStatus
from game.scenario.actions import Allocate, QueueTask
from game.scenario.model import Effect, validate_scenario

COVERED = {
    "money", "trust", "insight", "reliability", "labels", "golden", "traffic", "infra",
    "start_job", "queue", "outage", "spike", "improve", "calibrate_judge", "set", "add",
    "message", "incident",
}  # fmt: skip
"""The keys this module's tests apply (``apply`` refuses any other)."""


def rules_for_effects() -> Rules:
    return quiet_rules(
        variables={"x": 1.0, "y": 0.0},
        trust={"start": 50, "per_incident": 8},
        infra={"fallback": 1, "monitoring": 0},
        tasks=[
            {"id": "doc", "name": "Doc", "category": "writing", "hours": 1,
             "requires": "trust > 99"},
        ],
        jobs=[
            {"id": "lora", "kind": "training", "name": "LoRA", "hours": 1,
             "learning_curve": {"es": {"f1": 0.6, "at": 100, "ceiling": 0.9}}},
            {"id": "ev", "kind": "eval", "name": "Eval", "hours": 1},
        ],
    )  # fmt: skip


RULES = rules_for_effects()


def apply(effect: dict[str, Any], state: State | None = None) -> State:
    (key,) = effect
    assert key in COVERED
    state = state or engine.new_game(RULES, 0)
    apply_effects(state, RULES, prepared_for(RULES, [Effect.model_validate(effect)]), ledger.EVENTS)
    return state


def test_money_gained_and_spent_is_booked() -> None:
    state = apply({"money": 500})
    assert state.money.balance == 10_500
    assert state.money.ledger == {ledger.EVENTS: -500}
    apply({"money": -200}, state)
    assert state.money.balance == 10_300
    assert state.money.ledger == {ledger.EVENTS: -300}
    assert 10_000 - sum(state.money.ledger.values()) == state.money.balance


@pytest.mark.parametrize(
    ("key", "delta", "expected"),
    [
        ("trust", 10, 60.0),
        ("trust", 70, 100.0),
        ("trust", -100, 0.0),
        ("reliability", 20, 70.0),
        ("reliability", 60, 100.0),
        ("reliability", -80, 0.0),
        ("insight", 12.5, 12.5),
        ("insight", -5, 0.0),
    ],
)
def test_scalar_effects_are_clamped(key: str, delta: float, expected: float) -> None:
    state = apply({key: delta})
    assert getattr(state, key) == expected


def test_labels_and_golden_are_added_and_never_negative() -> None:
    state = apply({"labels": {"es": 500}})
    apply({"labels": {"en": -10}}, state)
    assert state.data.labels == [0.0, 500.0]
    apply({"golden": {"en": 40, "es": 60}}, state)
    apply({"golden": {"es": -100}}, state)
    assert state.data.golden == [40.0, 0.0]


def test_traffic_drifts() -> None:
    state = apply({"traffic": {"en": -30}})
    assert state.production.traffic == pytest.approx([50.0, 50.0])
    assert state.production.traffic_seen == [80.0, 20.0]  # no monitoring


def test_infra_levels_are_raised_and_clamped() -> None:
    state = apply({"infra": {"fallback": 1, "autoscaling": 2}})
    assert state.infra == {"checkpointing": 0, "monitoring": 0, "fallback": 2, "autoscaling": 2}
    apply({"infra": {"fallback": 3, "checkpointing": -2}}, state)
    assert state.infra == {"checkpointing": 0, "monitoring": 0, "fallback": 3, "autoscaling": 2}


def test_start_job_starts_a_training_run() -> None:
    state = apply({"start_job": "lora"})
    assert [(r.id, r.status) for r in state.jobs.runs] == [("lora-1", RunStatus.RUNNING)]
    apply({"start_job": "lora"}, state)  # already running: a note, no second run
    assert len(state.jobs.runs) == 1
    assert any("Could not start" in line.text for line in state.log)


def test_start_job_of_an_eval_measures_production() -> None:
    state = apply({"start_job": "ev"})
    assert [(r.id, r.status, r.model_index) for r in state.jobs.runs] == [
        ("ev-1", RunStatus.RUNNING, state.production.model_index)
    ]


def test_queue_puts_a_task_in_its_queue_even_when_its_requirement_fails() -> None:
    state = apply({"queue": "doc"})
    assert state.team.queues == [[], [], [], [0]]
    assert state.team.task_status == [TaskStatus.QUEUED]
    apply({"queue": "doc"}, state)
    assert state.team.queues == [[], [], [], [0]]


def test_outage_lasts_the_longest_and_is_an_incident_only_without_fallback() -> None:
    state = apply({"outage": 2})
    apply({"outage": 1}, state)
    assert state.production.outage_left == 2.0
    assert state.production.incidents == []
    state.infra[Capability.FALLBACK] = 0
    apply({"outage": 1}, state)
    assert len(state.production.incidents) == 1
    assert state.trust == 42.0


def test_spike_keeps_the_largest_multiplier_and_duration() -> None:
    state = apply({"spike": {"multiplier": 3, "hours": 1}})
    apply({"spike": {"multiplier": 2, "hours": 4}}, state)
    assert (state.production.spike, state.production.spike_left) == (3.0, 4.0)
    assert state.production.overload_reported is False


def test_improve_lifts_ceilings_and_cuts_hallucination() -> None:
    state = apply({"improve": {"job": "lora", "ceiling": 0.02}})
    apply(
        {"improve": {"job": "lora", "segment": "es", "ceiling": 0.03, "hallucination": -1}}, state
    )
    assert state.research.ceiling_lift == [[0.02, 0.05], [0.0, 0.0]]
    assert state.research.hallucination_shift == [-1.0, 0.0]


def test_calibrate_judge() -> None:
    state = apply({"calibrate_judge": True})
    assert state.data.judge_calibrated is True


def test_set_and_add_variables() -> None:
    state = apply({"set": {"y": 7}})
    apply({"add": {"x": 2.5, "y": -1}}, state)
    assert state.variables == [3.5, 6.0]


def test_message_goes_to_the_log() -> None:
    state = apply({"message": "Hello there"})
    assert (state.log[-1].kind, state.log[-1].text) == ("message", "Hello there")


def test_incident_is_recorded_and_costs_trust() -> None:
    state = apply({"incident": "wrong refund promised"})
    assert state.production.incidents == ["wrong refund promised"]
    assert state.trust == 42.0
    assert "wrong refund promised" in state.log[-1].text


def test_effects_apply_in_order() -> None:
    state = engine.new_game(RULES, 0)
    effects = [Effect(set={"x": 2}), Effect(add={"x": 3}), Effect(set={"y": 1})]
    apply_effects(state, RULES, prepared_for(RULES, effects), ledger.TASKS)
    assert state.variables == [5.0, 1.0]


def test_money_from_a_task_is_booked_under_tasks() -> None:
    rules = quiet_rules(
        tasks=[
            {"id": "grant", "name": "G", "category": "writing", "hours": 0.5,
             "effects": [{"money": 300}]}
        ]
    )  # fmt: skip
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, Allocate(research=0, data=0, infra=0, writing=100))
    engine.apply(state, rules, QueueTask(task="grant"))
    ticks(state, rules, 1)
    assert state.money.ledger == {ledger.TASKS: -300}
    assert state.money.balance == 10_300


def test_an_effect_needs_exactly_one_key() -> None:
    with pytest.raises(ValidationError, match="exactly one key"):
        Effect.model_validate({"money": 1, "trust": 2})
    with pytest.raises(ValidationError, match="exactly one key"):
        Effect.model_validate({})


def test_effect_references_are_checked() -> None:
    doc = make_doc(
        events=[
            {"id": "e", "title": "E", "text": "t", "trigger": {"at": 0},
             "effects": [{"infra": {"fallbak": 1}}, {"labels": {"de": 5}}, {"start_job": "x"}]}
        ]
    )  # fmt: skip
    with pytest.raises(ValidationError) as info:
        validate_scenario(doc)
    text = str(info.value)
    assert "unknown infra capability 'fallbak'; did you mean 'fallback'?" in text
    assert "unknown segment 'de'" in text
    assert "unknown job 'x'" in text


def test_every_effect_key_has_a_handler_and_a_test() -> None:
    assert set(APPLY) == set(Effect.model_fields) == COVERED
