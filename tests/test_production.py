"""Production: serving, escalations, outages and fallback, spikes and autoscaling, drift."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import QUIET, make_rules, ticks

from game.core import engine, ledger
from game.core.conditions import true_quality
from game.core.evals import escalation_rate
from game.core.rules import Rules
from game.core.scoring import served_percent
from game.core.state import State

PER_HOUR = 200.0


def at_start(*effects: dict[str, Any], at: float = 0) -> list[dict[str, Any]]:
    return [{"id": "hit", "title": "Hit", "text": "t", "trigger": {"at": at}, "effects": effects}]


def serving_rules(infra: dict[str, Any] | None = None, **overrides: Any) -> Rules:
    layer = {
        "production": {
            "conversations_per_hour": PER_HOUR,
            "serving": {"gpus": 2, "gpu_price": 4.0, "headroom": 1.5},
        },
        "infra": infra or {},
        "trust": {"start": 50, "per_incident": 7},
    }
    return make_rules(QUIET, layer, overrides)


def test_a_quiet_tick_serves_everything_and_bills_serving_and_api() -> None:
    rules = make_rules(
        production={
            "conversations_per_hour": PER_HOUR,
            "model": {"cost_per_request": 0.01, "hallucination": 2.5},
            "serving": {"gpus": 3, "gpu_price": 2.0},
        },
        background={"research": 0, "data": 0, "infra": 0, "writing": 0},
    )
    state = engine.new_game(rules, 0)
    ticks(state, rules, 2)
    counts = state.production.counts
    assert counts.total == counts.served == 200.0
    assert counts.failed == counts.degraded == 0.0
    assert state.money.ledger[ledger.SERVING] == pytest.approx(3 * 2.0 * 1.0)
    assert state.money.ledger[ledger.API] == pytest.approx(200 * 0.01)
    rate = escalation_rate(rules, [0.9, 0.6], [80.0, 20.0])
    assert rate == pytest.approx(0.168)
    assert counts.escalations == pytest.approx(200 * rate)
    assert counts.hallucinations == pytest.approx(200 * 0.025)
    assert served_percent(state) == 100.0
    assert state.production.incidents == []


def test_the_escalation_rate_the_dashboard_shows_is_noisy_around_the_truth() -> None:
    rules = serving_rules()
    seen = []
    for seed in range(300):
        state = engine.new_game(rules, seed)
        ticks(state, rules, 1)
        seen.append(state.production.counts.last_rate_seen)
    mean = sum(seen) / len(seen)
    sd = (sum((x - mean) ** 2 for x in seen) / (len(seen) - 1)) ** 0.5
    expected_sd = 100 * (0.168 * 0.832 / 100) ** 0.5
    assert mean == pytest.approx(16.8, abs=4 * expected_sd / 300**0.5)
    assert sd == pytest.approx(expected_sd, rel=0.15)


def test_an_outage_without_fallback_fails_requests_and_is_an_incident() -> None:
    rules = serving_rules({"fallback": 0}, events=at_start({"outage": 0.75}))
    state = engine.new_game(rules, 0)
    assert state.production.outage_left == 0.75
    assert len(state.production.incidents) == 1 and state.trust == 43.0
    ticks(state, rules, 1)
    assert state.production.counts.failed == pytest.approx(100.0)
    assert state.production.counts.served == pytest.approx(0.0)
    ticks(state, rules, 1)  # a quarter of an hour of outage left in this tick
    assert state.production.counts.failed == pytest.approx(150.0)
    assert state.production.counts.served == pytest.approx(50.0)
    assert state.production.outage_left == 0.0
    ticks(state, rules, 2)
    assert state.production.counts.failed == pytest.approx(150.0)
    assert served_percent(state) == pytest.approx(100 * 250 / 400)
    assert len(state.production.incidents) == 1


@pytest.mark.parametrize(("level", "share"), [(1, 0.60), (2, 0.90), (3, 0.99)])
def test_an_outage_with_fallback_degrades_instead_of_failing(level: int, share: float) -> None:
    rules = serving_rules({"fallback": level}, events=at_start({"outage": 1.0}))
    state = engine.new_game(rules, 0)
    ticks(state, rules, 2)
    counts = state.production.counts
    assert counts.degraded == pytest.approx(200 * share)
    assert counts.failed == pytest.approx(200 * (1 - share))
    assert counts.served == pytest.approx(0.0)
    assert served_percent(state) == pytest.approx(100 * 0.5 * share)
    assert state.production.incidents == []
    assert state.trust == 50.0


def test_a_spike_without_autoscaling_times_requests_out_once_an_incident() -> None:
    rules = serving_rules(
        {"autoscaling": 0}, events=at_start({"spike": {"multiplier": 3, "hours": 1}})
    )
    state = engine.new_game(rules, 0)
    assert state.production.spike == 3.0
    ticks(state, rules, 1)
    counts = state.production.counts
    assert counts.total == pytest.approx(300.0)
    assert counts.failed == pytest.approx(150.0)  # beyond 1.5x headroom
    assert state.production.latency_factor == pytest.approx(2.0)
    ticks(state, rules, 1)
    assert counts.failed == pytest.approx(300.0)
    assert state.production.spike == 1.0 and state.production.latency_factor == 1.0
    assert state.money.ledger[ledger.SERVING] == pytest.approx(2 * 4.0 * 1.0)
    assert len(state.production.incidents) == 1
    assert state.trust == 43.0
    ticks(state, rules, 2)
    assert counts.failed == pytest.approx(300.0)


def test_latency_name_includes_the_spike() -> None:
    rules = serving_rules(
        {"autoscaling": 0},
        events=at_start({"spike": {"multiplier": 3, "hours": 1}}),
        goals=[{"id": "slow", "text": "s", "when": "prod.latency_ms > 999 and spike == 3"}],
        score={"weights": {"goals": 100, "trust": 150}},
    )
    state = engine.new_game(rules, 0)
    ticks(state, rules, 1)
    assert rules.goals[0][1](state) is True


def test_a_spike_within_headroom_is_absorbed() -> None:
    rules = serving_rules(
        {"autoscaling": 0}, events=at_start({"spike": {"multiplier": 1.4, "hours": 1}})
    )
    state = engine.new_game(rules, 0)
    ticks(state, rules, 2)
    assert state.production.counts.failed == 0.0
    assert state.production.counts.served == pytest.approx(280.0)
    assert state.production.latency_factor == 1.0
    assert state.production.incidents == []


def test_a_spike_with_autoscaling_is_served_and_billed() -> None:
    rules = serving_rules(
        {"autoscaling": 1}, events=at_start({"spike": {"multiplier": 3, "hours": 1}})
    )
    state = engine.new_game(rules, 0)
    ticks(state, rules, 2)
    assert state.production.counts.failed == 0.0
    assert state.production.counts.served == pytest.approx(600.0)
    assert state.production.latency_factor == 1.0
    assert state.production.incidents == []
    assert state.money.ledger[ledger.SERVING] == pytest.approx(2 * 4.0 * 3 * 1.0)
    ticks(state, rules, 1)
    assert state.money.ledger[ledger.SERVING] == pytest.approx(2 * 4.0 * (3 + 0.5))


@pytest.mark.parametrize(("level", "cap"), [(1, 5.0), (2, 10.0), (3, 20.0)])
def test_a_spike_beyond_the_autoscaling_limit_still_times_out(level: int, cap: float) -> None:
    rules = serving_rules(
        {"autoscaling": level}, events=at_start({"spike": {"multiplier": 25, "hours": 1}})
    )
    state = engine.new_game(rules, 0)
    ticks(state, rules, 1)
    demand = PER_HOUR * 25 * 0.5
    assert state.production.counts.failed == pytest.approx(demand * (1 - cap / 25))
    assert state.production.latency_factor == pytest.approx(25 / cap)
    assert state.money.ledger[ledger.SERVING] == pytest.approx(2 * 4.0 * cap * 0.5)
    assert len(state.production.incidents) == 1


def test_a_second_spike_is_a_second_incident() -> None:
    events = [
        *at_start({"spike": {"multiplier": 4, "hours": 0.5}}),
        {"id": "again", "title": "Again", "text": "t", "trigger": {"at": 2},
         "effects": [{"spike": {"multiplier": 4, "hours": 0.5}}]},
    ]  # fmt: skip
    rules = serving_rules(events=events)
    state = engine.new_game(rules, 0)
    ticks(state, rules, 8)
    assert len(state.production.incidents) == 2


def test_drift_moves_traffic_and_only_monitoring_notices() -> None:
    for monitoring, noticed in ((0, False), (1, True)):
        rules = serving_rules({"monitoring": monitoring}, events=at_start({"traffic": {"es": 20}}))
        state = engine.new_game(rules, 0)
        assert state.production.traffic == pytest.approx([60.0, 40.0])
        assert sum(state.production.traffic) == pytest.approx(100.0)
        assert true_quality(state) == pytest.approx(0.6 * 0.9 + 0.4 * 0.6)
        if noticed:
            assert state.production.traffic_seen == pytest.approx([60.0, 40.0])
            assert any(line.kind == "monitoring" for line in state.log)
        else:
            assert state.production.traffic_seen == [80.0, 20.0]
            assert not any(line.kind == "monitoring" for line in state.log)
        ticks(state, rules, 2)
        assert state.production.counts.escalations == pytest.approx(
            200 * escalation_rate(rules, [0.9, 0.6], [60.0, 40.0])
        )


def test_drift_makes_room_in_proportion() -> None:
    rules = serving_rules(
        segments=[
            {"id": "en", "name": "E", "traffic": 60},
            {"id": "es", "name": "S", "traffic": 30},
            {"id": "de", "name": "D", "traffic": 10},
        ],
        production={"model": {"f1": {"en": 0.9, "es": 0.6, "de": 0.7}}},
        events=at_start({"traffic": {"de": 30}}),
    )
    state = engine.new_game(rules, 0)
    assert state.production.traffic == pytest.approx([40.0, 20.0, 40.0])


def test_a_drift_that_overfills_is_normalised() -> None:
    rules = serving_rules(events=at_start({"traffic": {"en": 30, "es": 50}}))
    state = engine.new_game(rules, 0)
    assert state.production.traffic == pytest.approx([100 * 100 / 170, 100 * 70 / 170])


def test_a_drift_that_empties_every_segment_does_not_crash() -> None:
    rules = serving_rules(events=at_start({"traffic": {"en": -100, "es": -100}}))
    state = engine.new_game(rules, 0)
    ticks(state, rules, 1)
    assert sum(state.production.traffic) == pytest.approx(100.0)


def test_an_ab_test_serves_its_share_with_the_candidate() -> None:
    rules = serving_rules(
        data={"labels": {"es": 100}},
        jobs=[
            {"id": "lora", "kind": "training", "name": "L", "hours": 0.5, "noise": 0,
             "hallucination": 1.0,
             "learning_curve": {"es": {"f1": 0.8, "at": 100, "ceiling": 0.9}}},
            {"id": "ab", "kind": "ab_test", "name": "AB", "hours": 4, "share": 25},
        ],
    )  # fmt: skip
    state: State = engine.new_game(rules, 0)
    from game.scenario.actions import StartJob

    engine.apply(state, rules, StartJob(job="lora"))
    ticks(state, rules, 1)
    before = state.production.counts.escalations
    before_h = state.production.counts.hallucinations
    engine.apply(state, rules, StartJob(job="ab", model="lora-1"))
    ticks(state, rules, 1)
    control = escalation_rate(rules, [0.9, 0.6], [80.0, 20.0])
    candidate = escalation_rate(rules, [0.9, 0.8], [80.0, 20.0])
    assert state.production.counts.escalations - before == pytest.approx(
        100 * (0.75 * control + 0.25 * candidate)
    )
    assert state.production.counts.hallucinations - before_h == pytest.approx(
        100 * (0.75 * 0.02 + 0.25 * 0.01)
    )
    run = state.jobs.runs[-1]
    assert (run.requests_candidate, run.requests_control) == pytest.approx((25.0, 75.0))


def test_a_spike_ending_inside_a_tick_is_prorated() -> None:
    rules = serving_rules(events=at_start({"spike": {"multiplier": 3, "hours": 0.75}}))
    state = engine.new_game(rules, 0)
    ticks(state, rules, 2)
    assert state.production.counts.total == pytest.approx(PER_HOUR * (0.75 * 3 + 0.25))


def test_a_served_spike_does_not_pad_the_service_level_of_an_outage_day() -> None:
    outage = {"id": "down", "title": "Down", "text": "t", "trigger": {"at": 0},
              "effects": [{"outage": 2.0}]}  # fmt: skip
    levels = {}
    for name, spike in (
        ("none", None),
        ("autoscaled", {"multiplier": 10, "hours": 1}),
        ("staggered", {"multiplier": 1.4, "hours": 3}),
    ):
        events = [outage]
        if spike is not None:
            events = [outage, *at_start({"spike": spike}, at=4)]
        rules = serving_rules({"autoscaling": 2}, events=events)
        state = engine.new_game(rules, 0)
        while not state.clock.over:
            engine.advance(state, rules)
        levels[name] = served_percent(state)
    # Two hours of eight down, whatever the later traffic: 75% of the day's time served.
    assert levels == pytest.approx({"none": 75.0, "autoscaled": 75.0, "staggered": 75.0})


def test_the_service_level_weighs_time_not_conversations() -> None:
    spike = {"multiplier": 10, "hours": 1}
    rules = serving_rules({"autoscaling": 0}, events=at_start({"spike": spike}))
    state = engine.new_game(rules, 0)
    while not state.clock.over:
        engine.advance(state, rules)
    counts = state.production.counts
    # One hour of eight at 15% (headroom 1.5 of 10x): (7 + 0.15) / 8 of the day.
    assert served_percent(state) == pytest.approx(100 * 7.15 / 8)
    assert counts.served / counts.total == 0.5  # by conversations, half the day's failed


@pytest.mark.parametrize(
    ("spiked", "down", "expected"),
    [(0.5, 0.0, 0.5 * 0.2 + 0.0), (0.0, 0.5, 0.5 * 0.3), (0.25, 0.5, 0.25 * 0.06 + 0.25 * 0.3)],
)
def test_service_hours_of_a_tick_with_a_spike_and_an_outage(
    spiked: float, down: float, expected: float
) -> None:
    from game.core.production import service_hours

    assert service_hours(0.5, spiked, 0.2, down, 0.3) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("reliability", "fallback", "share"),
    [(50, 0, 0.0), (60, 0, 0.10), (40, 0, 0.0), (58, 2, 0.98), (80, 2, 0.99)],
)
def test_reliability_above_50_answers_more_of_an_outage(
    reliability: float, fallback: int, share: float
) -> None:
    infra = {"fallback": fallback, "reliability": reliability}
    rules = serving_rules(infra, events=at_start({"outage": 1.0}))
    state = engine.new_game(rules, 0)
    ticks(state, rules, 2)
    counts = state.production.counts
    assert counts.degraded == pytest.approx(200 * share)
    assert counts.failed == pytest.approx(200 * (1 - share))


def test_infra_background_hours_raise_reliability_and_so_the_outage_answers() -> None:
    outage = at_start({"outage": 1.0}, at=4)
    idle = serving_rules(events=outage, background={"infra": 2.0})
    states = []
    for allocation in ({"research": 100, "data": 0, "infra": 0, "writing": 0},
                       {"research": 0, "data": 0, "infra": 100, "writing": 0}):  # fmt: skip
        rules = make_rules(QUIET, idle.scenario.model_dump(), {"allocation": allocation})
        state = engine.new_game(rules, 0)
        ticks(state, rules, 10)
        states.append(state)
    research, infra = states
    assert research.reliability == 50.0 and infra.reliability == pytest.approx(60.0)
    assert research.production.counts.degraded == 0.0
    assert infra.production.counts.degraded > 0.0
    assert served_percent(infra) > served_percent(research)
