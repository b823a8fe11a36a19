"""Events: triggers (at, when, chance, mean time), once or repeat, choices, defaults, outcomes."""

from __future__ import annotations

import math
from typing import Any

import pytest
from conftest import quiet_rules, ticks
from pydantic import ValidationError

from game.core import engine, ledger
from game.core import events as events_module
from game.core.rules import Rules
from game.core.state import State
from game.core.view import player_view
from game.scenario.actions import Allocate, Choose


def event(eid: str = "ev", trigger: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"id": eid, "title": eid.upper(), "text": "t", "trigger": trigger or {"at": 0}, **extra}


def first_fired(state: State, rules: Rules, index: int = 0) -> int | None:
    """Tick of the boundary where the event first fired, playing to the end."""
    while True:
        if state.events.fired[index]:
            return state.clock.tick
        if state.clock.over:
            return None
        engine.advance(state, rules)


def test_at_fires_at_the_first_boundary_at_or_after_the_hour() -> None:
    rules = quiet_rules(events=[event(trigger={"at": 2}), event("b", trigger={"at": 1.2})])
    state = engine.new_game(rules, 0)
    assert state.events.fired == [0, 0]
    ticks(state, rules, 3)
    assert state.events.fired == [0, 1]  # hour 1.5 is the first boundary at or after 1.2
    ticks(state, rules, 1)
    assert state.events.fired == [1, 1]
    ticks(state, rules, 10)
    assert state.events.fired == [1, 1]


def test_when_fires_once_the_condition_holds() -> None:
    rules = quiet_rules(variables={"x": 0}, events=[event(trigger={"when": "vars.x >= 2"})])
    state = engine.new_game(rules, 0)
    ticks(state, rules, 3)
    assert state.events.fired == [0]
    state.variables[0] = 2
    ticks(state, rules, 1)
    assert state.events.fired == [1]
    assert state.events.last_fired == [4]


def test_at_and_when_must_both_hold() -> None:
    rules = quiet_rules(variables={"x": 1}, events=[event(trigger={"at": 2, "when": "vars.x > 0"})])
    state = engine.new_game(rules, 0)
    assert first_fired(state, rules) == 4
    rules = quiet_rules(variables={"x": 0}, events=[event(trigger={"at": 2, "when": "vars.x > 0"})])
    state = engine.new_game(rules, 0)
    ticks(state, rules, 6)
    state.variables[0] = 1
    assert first_fired(state, rules) == 7


def test_chance_per_hour_over_many_seeds() -> None:
    p, seeds = 0.2, 800
    rules = quiet_rules(events=[event(trigger={"chance_per_hour": p})])
    q = 1 - (1 - p) ** 0.5  # per 30-minute tick
    firsts = [first_fired(engine.new_game(rules, s), rules) for s in range(seeds)]
    at_zero = sum(f == 0 for f in firsts) / seeds
    assert at_zero == pytest.approx(q, abs=4 * math.sqrt(q * (1 - q) / seeds))
    ever = 1 - (1 - q) ** rules.total_ticks  # one draw per boundary, ticks 0..15
    fired = sum(f is not None for f in firsts) / seeds
    assert fired == pytest.approx(ever, abs=4 * math.sqrt(ever * (1 - ever) / seeds))


def test_mean_hours_over_many_seeds() -> None:
    mean, seeds = 4.0, 800
    rules = quiet_rules(events=[event(trigger={"mean_hours": mean})])
    firsts = [first_fired(engine.new_game(rules, s), rules) for s in range(seeds)]
    q = 1 - math.exp(-0.5 / mean)
    at_zero = sum(f == 0 for f in firsts) / seeds
    assert at_zero == pytest.approx(q, abs=4 * math.sqrt(q * (1 - q) / seeds))
    ever = 1 - math.exp(-rules.total_ticks * 0.5 / mean)
    fired = sum(f is not None for f in firsts) / seeds
    assert fired == pytest.approx(ever, abs=4 * math.sqrt(ever * (1 - ever) / seeds))


def test_an_events_chance_does_not_depend_on_the_other_events() -> None:
    """The chance of an event at a boundary is drawn for that event and that boundary: an
    event before it in the file whose condition holds, and so draws its own chance, moves
    nothing."""
    gated = event("gated", trigger={"when": "vars.x > 0", "chance_per_hour": 0.5, "repeat": True})
    lucky = event("lucky", trigger={"chance_per_hour": 0.5, "repeat": True})
    gated_fired = 0
    for seed in range(20):
        fired_at: list[list[int]] = []
        for x in (0, 1):
            rules = quiet_rules(variables={"x": x}, events=[gated, lucky])
            state = engine.new_game(rules, seed)
            ticks_fired = []
            while not state.clock.over:
                if state.events.fired[1] and state.events.last_fired[1] == state.clock.tick:
                    ticks_fired.append(state.clock.tick)
                engine.advance(state, rules)
            fired_at.append(ticks_fired)
            gated_fired += state.events.fired[0]
        assert fired_at[0] == fired_at[1]
    assert gated_fired > 0


@pytest.mark.parametrize(
    ("trigger", "times", "ticks_fired"),
    [
        ({"at": 0}, 1, [0]),
        ({"at": 0, "repeat": True}, 17, list(range(17))),  # the final boundary too
        ({"at": 0, "repeat": True, "cooldown_hours": 1}, 9, list(range(0, 17, 2))),
        ({"at": 1, "repeat": True, "cooldown_hours": 2.5}, 3, [2, 7, 12]),
    ],
)
def test_once_and_repeat_with_cooldown(
    trigger: dict[str, Any], times: int, ticks_fired: list[int]
) -> None:
    rules = quiet_rules(
        variables={"n": 0},
        events=[event(trigger=trigger, effects=[{"add": {"n": 1}}])],
    )
    state = engine.new_game(rules, 0)
    seen = []
    while not state.clock.over:
        if state.events.last_fired[0] == state.clock.tick and state.events.fired[0]:
            seen.append(state.clock.tick)
        engine.advance(state, rules)
    assert state.events.fired == [times]
    assert state.variables == [times]
    assert seen == ticks_fired


def test_a_repeating_event_with_choices_waits_while_pending() -> None:
    rules = quiet_rules(
        events=[event(trigger={"at": 0, "repeat": True}, choices=[{"id": "ok", "text": "ok"}])]
    )
    state = engine.new_game(rules, 0)
    assert state.events.pending == [0]
    events_module.check(state, rules)
    assert state.events.fired == [1] and state.events.pending == [0]
    ticks(state, rules, 1)  # the default answer, then it fires again
    assert state.events.fired == [2] and state.events.chosen == [[0]]


def choice_rules(**extra: Any) -> Rules:
    return quiet_rules(
        variables={"n": 0},
        background={"writing": 10.0},
        trust={"start": 50},
        events=[
            event(
                "pm",
                effects=[{"add": {"n": 100}}],
                choices=[
                    {"id": "promise", "text": "Promise", "requires": "trust > 80",
                     "effects": [{"add": {"n": 1}}]},
                    {"id": "explain", "text": "Explain", "cost": 25, "hours": {"writing": 1},
                     "effects": [{"add": {"n": 2}}, {"trust": 5}]},
                    {"id": "ignore", "text": "Ignore", "effects": [{"add": {"n": 3}}],
                     **extra},
                ],
            )
        ],
    )  # fmt: skip


def test_event_effects_apply_when_it_fires() -> None:
    rules = choice_rules()
    state = engine.new_game(rules, 0)
    assert state.events.pending == [0]
    assert state.variables == [100.0]


def test_a_choice_pays_at_once_and_takes_effect_when_its_hours_are_worked() -> None:
    rules = choice_rules()
    state = engine.new_game(rules, 0)
    assert engine.apply(state, rules, Choose(event="pm", choice="explain")) is None
    assert state.events.pending == [] and state.events.chosen == [[1]]
    assert state.money.ledger == {ledger.EVENTS: 25.0}  # paid now
    assert state.team.owed == [0.0, 0.0, 0.0, 1.0]
    assert state.variables == [100.0] and state.trust == 50.0  # not yet in effect
    assert [(o.event_index, o.choice_index, o.owed) for o in state.team.obligations] == [
        (0, 1, [0, 0, 0, 1.0])
    ]
    view = player_view(state, rules)
    owed = [(o.event, o.choice, o.hours) for o in view.obligations]
    assert owed == [("pm", "explain", {"writing": 1})]
    assert view.owed == {"research": 0.0, "data": 0.0, "infra": 0.0, "writing": 1.0}
    assert str(engine.apply(state, rules, Choose(event="pm", choice="explain"))) == (
        "event 'pm' is not waiting for an answer"
    )
    assert engine.apply(state, rules, Allocate(research=0, data=0, infra=0, writing=100)) is None
    ticks(state, rules, 1)  # half an hour worked: half owed
    assert state.team.owed == [0.0, 0.0, 0.0, 0.5] and state.variables == [100.0]
    ticks(state, rules, 1)
    assert state.team.owed == [0.0, 0.0, 0.0, 0.0] and state.team.obligations == []
    assert state.variables == [102.0] and state.trust == 55.0


def test_a_choice_whose_hours_are_never_worked_never_takes_effect() -> None:
    rules = choice_rules()
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, Allocate(research=0, data=100, infra=0, writing=0))
    engine.apply(state, rules, Choose(event="pm", choice="explain"))
    while not state.clock.over:
        engine.advance(state, rules)
    assert state.variables == [100.0] and state.trust == 50.0
    assert state.team.owed == [0.0, 0.0, 0.0, 1.0]
    assert state.money.ledger[ledger.EVENTS] == 25.0


def test_a_choice_whose_requirement_fails_is_refused_with_the_reason() -> None:
    rules = choice_rules()
    state = engine.new_game(rules, 0)
    assert str(engine.apply(state, rules, Choose(event="pm", choice="promise"))) == (
        "'promise' needs: trust > 80"
    )
    assert state.events.pending == [0] and state.variables == [100.0]
    state.trust = 90
    assert engine.apply(state, rules, Choose(event="pm", choice="promise")) is None
    assert state.variables == [101.0]


def test_unknown_events_and_choices_are_refused() -> None:
    rules = choice_rules()
    state = engine.new_game(rules, 0)
    assert str(engine.apply(state, rules, Choose(event="nope", choice="x"))) == (
        "there is no event 'nope'"
    )
    assert str(engine.apply(state, rules, Choose(event="pm", choice="x"))) == (
        "event 'pm' has no choice 'x'"
    )


def test_the_marked_default_is_taken_when_the_clock_moves_on() -> None:
    rules = choice_rules(default=True)
    state = engine.new_game(rules, 0)
    ticks(state, rules, 1)
    assert state.events.chosen == [[2]] and state.variables == [103.0]
    assert state.events.pending == []


def test_without_a_marked_default_the_first_possible_choice_is_taken() -> None:
    rules = choice_rules()
    state = engine.new_game(rules, 0)
    ticks(state, rules, 1)
    assert state.events.chosen == [[1]]  # 'promise' needs trust > 80
    assert state.money.ledger.get(ledger.EVENTS) == 25.0


def test_a_default_whose_requirement_fails_falls_back_to_the_first_possible() -> None:
    rules = choice_rules(default=True, requires="trust > 99")
    state = engine.new_game(rules, 0)
    ticks(state, rules, 1)
    assert state.events.chosen == [[1]]


def test_an_event_with_no_possible_choice_is_dropped_with_a_note() -> None:
    rules = quiet_rules(
        events=[event(choices=[{"id": "a", "text": "a", "requires": "trust > 99"}])]
    )
    state = engine.new_game(rules, 0)
    ticks(state, rules, 1)
    assert state.events.pending == [] and state.events.chosen == [[]]
    assert any("no answer was possible" in line.text for line in state.log)


def test_weighted_outcomes_are_drawn_by_weight() -> None:
    rules = quiet_rules(
        variables={"a": 0, "b": 0, "c": 0},
        events=[
            event(
                trigger={"at": 0, "repeat": True},
                choices=[
                    {
                        "id": "roll",
                        "text": "Roll",
                        "outcomes": [
                            {"weight": 1, "text": "A", "effects": [{"add": {"a": 1}}]},
                            {"weight": 3, "effects": [{"add": {"b": 1}}]},
                            {"weight": 6, "effects": [{"add": {"c": 1}}]},
                        ],
                    }
                ],
            )
        ],
    )
    totals = [0.0, 0.0, 0.0]
    for seed in range(150):
        state = engine.new_game(rules, seed)
        ticks(state, rules, rules.total_ticks)
        totals = [t + v for t, v in zip(totals, state.variables, strict=True)]
    draws = sum(totals)
    assert draws == 150 * 16
    for got, share in zip(totals, (0.1, 0.3, 0.6), strict=True):
        assert got / draws == pytest.approx(share, abs=4 * math.sqrt(share * (1 - share) / draws))


def test_events_fire_in_file_order_and_see_each_others_effects() -> None:
    rules = quiet_rules(
        variables={"x": 0},
        events=[
            event("first", trigger={"at": 1}, effects=[{"set": {"x": 1}}]),
            event("second", trigger={"when": 'fired("first") > 0 and vars.x == 1'}),
        ],
    )
    state = engine.new_game(rules, 0)
    ticks(state, rules, 2)
    assert state.events.fired == [1, 1]
    assert state.events.last_fired == [2, 2]


def test_chose_and_fired_read_the_event_history() -> None:
    rules = quiet_rules(
        events=[
            event("pm", choices=[{"id": "yes", "text": "y"}, {"id": "no", "text": "n"}]),
            event("after", trigger={"when": 'chose("pm", "no")'}),
        ]
    )
    state = engine.new_game(rules, 0)
    engine.apply(state, rules, Choose(event="pm", choice="no"))
    ticks(state, rules, 1)
    assert state.events.fired == [1, 1]


def test_an_event_timed_after_the_end_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"the last one is at hour 8, the end"):
        quiet_rules(events=[event(trigger={"at": 8.5})])  # hour 8 is the end of the day


def test_an_event_fires_at_the_end_of_the_day_and_may_be_answered_there() -> None:
    rules = quiet_rules(
        variables={"n": 0},
        events=[
            event("review", trigger={"at": 8}, choices=[
                {"id": "own_it", "text": "o", "effects": [{"add": {"n": 1}}]},
                {"id": "write", "text": "w", "hours": {"writing": 1},
                 "effects": [{"add": {"n": 5}}]},
                {"id": "shrug", "text": "s", "default": True, "effects": [{"add": {"n": 2}}]},
            ]),
            event("demo", trigger={"when": "hours_left == 0 and vars.n == 0"}),
        ],
    )  # fmt: skip
    state = engine.new_game(rules, 0)
    ticks(state, rules, rules.total_ticks - 1)
    assert state.events.fired == [0, 0]
    ticks(state, rules, 1)  # the final boundary, hour 8
    assert state.clock.tick == rules.total_ticks and not state.clock.over
    assert state.events.fired == [1, 1] and state.events.pending == [0]
    assert engine.apply(state, rules, Choose(event="review", choice="own_it")) is None
    assert state.variables == [1.0]
    ticks(state, rules, 1)
    assert state.clock.over and state.events.fired == [1, 1] and state.variables == [1.0]


def test_at_the_end_a_default_applies_and_owed_hours_never_come() -> None:
    rules = quiet_rules(
        variables={"n": 0},
        events=[
            event("review", trigger={"at": 8}, choices=[
                {"id": "write", "text": "w", "hours": {"writing": 1},
                 "effects": [{"add": {"n": 5}}]},
                {"id": "shrug", "text": "s", "default": True, "effects": [{"add": {"n": 2}}]},
            ]),
        ],
    )  # fmt: skip
    for answer, n in ((None, 2.0), ("write", 0.0)):
        state = engine.new_game(rules, 0)
        ticks(state, rules, rules.total_ticks)
        if answer is not None:
            assert engine.apply(state, rules, Choose(event="review", choice=answer)) is None
        ticks(state, rules, 1)
        assert state.clock.over and state.variables == [n]


def test_no_event_fires_after_the_end() -> None:
    rules = quiet_rules(events=[event(trigger={"at": 8})])  # the last boundary is hour 8
    state = engine.new_game(rules, 0)
    ticks(state, rules, rules.total_ticks)
    assert state.events.fired == [1]
    state.events.fired[0] = 0
    state.events.pending.clear()
    ticks(state, rules, 1)
    assert state.clock.over and state.events.fired == [0]


@pytest.mark.parametrize(
    ("when", "closes_at"),
    [
        ("hour <= 2", 5),  # hour 2 is tick 4: from tick 5 on it cannot hold
        ("tick == 0", 1),
        ("hours_left >= 6", 5),
        ("hour <= 2 and trust > 10", 5),
        ("hour <= 2 or trust > 10", 17),  # trust may hold at any time
        ("day >= 1", 17),
        ("hour >= 3", 17),  # opens late, never closes
        ("trust > 10", 17),  # does not read the clock
    ],
)
def test_the_clock_closes_a_condition_from_the_first_tick_it_can_no_longer_hold(
    when: str, closes_at: int
) -> None:
    rules = quiet_rules(events=[event(trigger={"when": when})])
    assert rules.total_ticks == 16
    assert rules.events[0].closes_at == closes_at


def test_an_event_whose_window_has_closed_is_no_longer_looked_at() -> None:
    window = event("window", trigger={"at": 1, "when": "hour <= 2", "mean_hours": 1000})
    always = event("always", trigger={"when": "hour >= 0", "mean_hours": 1000})
    rules = quiet_rules(events=[window, always])
    assert rules.events_closed_at[5] == (0,)
    state = engine.new_game(rules, 0)
    ticks(state, rules, 4)
    assert state.events.live == [0, 1]
    ticks(state, rules, 1)
    assert state.events.live == [1]  # hour 2.5: the window's condition can never hold again
    ticks(state, rules, 11)
    assert state.events.fired[0] == 0


def test_an_event_closed_before_it_is_due_never_goes_live() -> None:
    rules = quiet_rules(events=[event(trigger={"at": 3, "when": "hour <= 2"})])
    assert rules.events[0].closes_at == 5
    assert all(0 not in due for due in rules.events_due_at)
    state = engine.new_game(rules, 0)
    ticks(state, rules, 16)
    assert state.events.fired == [0]
    assert state.events.live == []
