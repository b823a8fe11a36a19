"""Luck keyed by purpose: a decision moves only the draws it owns (common random numbers).

Two games on the same seed, one with a decision changed, share every draw they both make:
an extra eval of the production model costs its price and changes nothing else, on any
seed. The games here replay the reference solution of Ravi's Tuesday as a fixed list of
actions, with one action added or changed.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from functools import cache
from pathlib import Path
from unittest import mock

import pytest
from conftest import quiet_rules
from hypothesis import given, settings
from hypothesis import strategies as st

from game.core.engine import advance, new_game, play
from game.core.luck import KeyPart, Luck
from game.core.rules import Rules, prepare
from game.core.scoring import Score, score
from game.core.state import State
from game.policies import make_policy
from game.replay.replay import TimedAction, replay_lenient
from game.scenario.actions import Action, Choose, StartJob
from game.scenario.load import load_scenario

RAVI = Path(__file__).resolve().parent.parent / "scenarios" / "ravi-tuesday.yaml"
SEEDS = st.integers(0, 2**63 - 1)
SETTINGS = settings(max_examples=40, deadline=None)

Key = tuple[KeyPart, ...]


@cache
def ravi() -> Rules:
    return prepare(load_scenario(RAVI).scenario)


@cache
def reference_actions() -> tuple[TimedAction, ...]:
    """The reference solution's actions as played on seed 0: a fixed list from here on."""
    rules = ravi()
    _, applied = play(rules, 0, make_policy("reference", rules, 0))
    return tuple(TimedAction(tick, action) for tick, action in applied)


def job_of_kind(rules: Rules, kind: str) -> int:
    return rules.job_kinds.index(kind)


def with_action(at: int, action: Action) -> list[TimedAction]:
    """The reference actions with one more, after the others at its tick."""
    actions = list(reference_actions())
    place = sum(1 for timed in actions if timed.tick <= at)
    actions.insert(place, TimedAction(at, action))
    return actions


def with_choice(event: str, choice: str) -> list[TimedAction]:
    """The reference actions with another answer to one event."""
    actions = list(reference_actions())
    for place, timed in enumerate(actions):
        if isinstance(timed.action, Choose) and timed.action.event == event:
            actions[place] = TimedAction(timed.tick, Choose(event=event, choice=choice))
            return actions
    raise AssertionError(f"the reference does not answer {event}")


@dataclass(frozen=True)
class Game:
    """A replayed game, the actions it skipped, and every draw it made (key: value)."""

    state: State
    skipped: list[str]
    draws: dict[Key, float]

    def drawn(self, purpose: str) -> dict[Key, float]:
        """The draws made for one purpose (the key's first part)."""
        return {key: value for key, value in self.draws.items() if key[0] == purpose}


@contextmanager
def recording() -> Iterator[dict[Key, float]]:
    """Record every uniform the game's luck computes (normals and exponentials are made
    from one each)."""
    draws: dict[Key, float] = {}
    compute: Callable[..., float] = Luck.uniform

    def uniform(game_luck: Luck, *key: KeyPart) -> float:
        value = compute(game_luck, *key)
        draws[key] = value
        return value

    with mock.patch.object(Luck, "uniform", uniform):
        yield draws


def replayed(seed: int, actions: list[TimedAction]) -> Game:
    with recording() as draws:
        result = replay_lenient(ravi(), seed, actions)
    skipped = [f"{s.timed.tick} {s.timed.action!r}: {s.reason}" for s in result.skipped]
    return Game(result.state, skipped, dict(draws))


def parts_except(result: Score, part: str) -> dict[str, float]:
    return {name: value for name, value in result.parts.items() if name != part}


def models(state: State) -> list[tuple[object, ...]]:
    """Each model's id and truth."""
    return [(m.id, m.f1, m.hallucination, m.collapsed) for m in state.models]


def readings(state: State, until: int | None = None) -> list[tuple[object, ...]]:
    """Each measurement (reported by boundary ``until``) without the id of the run that
    made it: an extra run renumbers the later runs of its job."""
    return [astuple(m)[1:] for m in state.results.evals if until is None or m.tick <= until]


def fired_at(state: State) -> list[tuple[int, str]]:
    """The boundary and title of every event the player saw, in order."""
    return [(line.tick, line.text) for line in state.log if line.kind == "event"]


# --- one extra eval of the production model -------------------------------------------------


@SETTINGS
@given(seed=SEEDS)
def test_an_extra_eval_of_production_costs_its_price_and_changes_nothing_else(seed: int) -> None:
    rules = ravi()
    job = job_of_kind(rules, "eval")
    extra = StartJob(job=rules.job_ids[job], model=rules.start.model_id)
    base = replayed(seed, list(reference_actions()))
    more = replayed(seed, with_action(1, extra))  # 09:30: the morning's eval is done
    assert more.skipped == base.skipped
    assert len(more.state.results.evals) == len(base.state.results.evals) + 1

    cost = rules.job_cost_per_hour[job] * rules.job_hours[job]
    assert cost > 0
    assert base.state.money.balance - more.state.money.balance == pytest.approx(
        cost, rel=1e-9, abs=1e-9
    )
    before, after = score(base.state, rules), score(more.state, rules)
    assert parts_except(after, "budget") == parts_except(before, "budget")
    assert after.goals == before.goals
    weight = rules.scenario.score.weights.budget
    moved = before.parts["budget"] - after.parts["budget"]
    assert abs(moved - weight * cost / rules.scenario.budget) <= 0.1 + 1e-9  # parts round to 0.1

    assert models(more.state) == models(base.state)
    extra_run = f"{rules.job_ids[job]}-2"
    others = [m for m in more.state.results.evals if m.run_id != extra_run]
    assert [astuple(m)[1:] for m in others] == readings(base.state)
    assert [astuple(r)[1:] for r in more.state.results.ab_tests] == [
        astuple(r)[1:] for r in base.state.results.ab_tests
    ]
    assert more.state.production.counts == base.state.production.counts
    assert fired_at(more.state) == fired_at(base.state)
    assert more.state.production.incidents == base.state.production.incidents
    assert more.state.trust == base.state.trust


# --- draws are pure functions of the seed and the key ----------------------------------------


@SETTINGS
@given(seed=SEEDS, at=st.integers(0, 15))
def test_a_later_action_never_changes_a_draw_before_it(seed: int, at: int) -> None:
    rules = ravi()
    extra = StartJob(job=rules.job_ids[job_of_kind(rules, "eval")], model=rules.start.model_id)
    base = replayed(seed, list(reference_actions()))
    more = replayed(seed, with_action(at, extra))
    # Every draw the two games both make has the same value, whenever it was made ...
    for key in base.draws.keys() & more.draws.keys():
        assert more.draws[key] == base.draws[key]
    # ... and what happened before the action is the same game.
    assert [line for line in more.state.log if line.tick < at] == [
        line for line in base.state.log if line.tick < at
    ]
    assert readings(more.state, until=at) == readings(base.state, until=at)
    assert base.drawn("dashboard") == more.drawn("dashboard")


@SETTINGS
@given(seeds=st.lists(SEEDS, min_size=2, max_size=2, unique=True))
def test_two_seeds_give_two_days(seeds: list[int]) -> None:
    one, two = (replayed(seed, list(reference_actions())) for seed in seeds)
    assert one.drawn("dashboard").keys() == two.drawn("dashboard").keys()
    assert one.drawn("dashboard") != two.drawn("dashboard")
    assert (
        one.state.production.counts.escalations_seen != two.state.production.counts.escalations_seen
    )
    # (Whether both days train a model at all depends on their luck: a run may collapse.)
    assert readings(one.state, until=17) != readings(two.state, until=17)


# --- other decisions move only their own draws --------------------------------------------


def check_unrelated_draws_stay(base: Game, changed: Game, purposes: tuple[str, ...]) -> None:
    """The draws of these purposes are the same draws, key for key, in both games (a
    training run that crashed draws no noise, in both)."""
    assert base.drawn("dashboard")
    for purpose in purposes:
        assert changed.drawn(purpose) == base.drawn(purpose), purpose


@SETTINGS
@given(seed=SEEDS)
def test_an_extra_labeling_batch_moves_no_other_draw(seed: int) -> None:
    rules = ravi()
    labeling = rules.job_ids[job_of_kind(rules, "labeling")]
    base = replayed(seed, list(reference_actions()))
    # 13:00: the guide's batch has been delivered, the LoRA is trained.
    more = replayed(seed, with_action(8, StartJob(job=labeling)))
    assert more.skipped == base.skipped
    assert more.state.data.golden != base.state.data.golden  # the batch did arrive
    check_unrelated_draws_stay(base, more, ("dashboard", "training noise"))
    assert models(more.state) == models(base.state)
    assert fired_at(more.state) == fired_at(base.state)


@SETTINGS
@given(seed=SEEDS)
def test_another_answer_moves_no_other_draw(seed: int) -> None:
    base = replayed(seed, list(reference_actions()))
    # The paper bookmarked, not read: the LoRA's Spanish ceiling is lower, its noise is not.
    other = replayed(seed, with_choice("new_paper", "bookmark"))
    assert other.skipped == base.skipped
    check_unrelated_draws_stay(base, other, ("dashboard", "training noise"))
    lora = [m for m in base.state.models if m.id == "lora_es-1"]
    if lora and not lora[0].collapsed:
        segments = ravi().segments
        es_cs = segments.index("es_cs")
        base_f1 = lora[0].f1
        other_f1 = next(m.f1 for m in other.state.models if m.id == "lora_es-1")
        assert other_f1[es_cs] < base_f1[es_cs]  # no paper trick
        # The hour not spent reading went to background research, whose insight lifts
        # every segment alike; nothing else moved.
        lifts = [
            o - b for i, (o, b) in enumerate(zip(other_f1, base_f1, strict=True)) if i != es_cs
        ]
        assert lifts == pytest.approx([lifts[0]] * len(lifts), abs=1e-12)
        assert lifts[0] >= 0.0


@SETTINGS
@given(seed=SEEDS)
def test_an_outcome_drawn_for_a_choice_moves_no_other_draw(seed: int) -> None:
    base = replayed(seed, list(reference_actions()))
    # The rerun of last night's run has outcomes to draw; the alerts have none.
    rerun = replayed(seed, with_choice("collapsed_run", "rerun"))
    assert rerun.drawn("event outcome")
    assert not base.drawn("event outcome")
    check_unrelated_draws_stay(base, rerun, ("dashboard",))
    assert rerun.drawn("event chance") == base.drawn("event chance")
    # The upstream outage (if any) strikes at the same boundary.
    outage = [line for line in fired_at(base.state) if "API is down" in line[1]]
    assert outage == [line for line in fired_at(rerun.state) if "API is down" in line[1]]


# --- an event's chance, drawn ahead -------------------------------------------------------


def test_failures_before_a_success_follow_the_geometric_law() -> None:
    """P(at least n failures) = (1 - c) ** n, over many keys of one seed."""
    chance, keys = 0.2, 20_000
    waits = [Luck(3).failures(chance, "wait", key) for key in range(keys)]
    for n in range(6):
        share = sum(wait >= n for wait in waits) / keys
        expected = (1 - chance) ** n
        assert share == pytest.approx(expected, abs=4 * (expected * (1 - expected) / keys) ** 0.5)
    assert statistics.fmean(waits) == pytest.approx((1 - chance) / chance, rel=0.05)


def chance_rules(when: str | None) -> Rules:
    trigger: dict[str, object] = {"chance_per_hour": 0.2, "repeat": True}
    if when is not None:
        trigger["when"] = when
    lucky = {"id": "lucky", "title": "Lucky", "text": "t", "trigger": trigger}
    return quiet_rules(events=[lucky])


def boundaries_fired(rules: Rules, seed: int) -> tuple[list[int], dict[Key, float]]:
    """The boundaries at which the only event fired, and the draws of the game."""
    with recording() as draws:
        state = new_game(rules, seed)
        fired = []
        while not state.clock.over:
            if state.events.fired[0] and state.events.last_fired[0] == state.clock.tick:
                fired.append(state.clock.tick)
            advance(state, rules)
    return fired, dict(draws)


def test_an_events_chance_is_counted_in_the_boundaries_where_its_trigger_holds() -> None:
    """The wait before an event's chance comes up is drawn for the event and counted in the
    boundaries where the rest of its trigger holds: with a condition that holds from
    boundary 6 rather than 3, it fires three boundaries later, at the same point of its
    window (the old draw per boundary gave other boundaries other luck)."""
    moved = 0
    for seed in range(30):
        early, _ = boundaries_fired(chance_rules("tick >= 3"), seed)
        late, _ = boundaries_fired(chance_rules("tick >= 6"), seed)
        last = chance_rules(None).total_ticks
        assert late == [tick + 3 for tick in early if tick + 3 <= last]
        moved += bool(early)
    assert moved > 10


def test_an_events_chance_costs_a_draw_per_time_it_comes_up_not_per_boundary() -> None:
    """One draw for the wait to each firing (the last one never ends within the day): not
    one at each of the 17 boundaries."""
    rules = chance_rules(None)
    draws_per_game = []
    for seed in range(30):
        fired, draws = boundaries_fired(rules, seed)
        chance_draws = [key for key in draws if key[0] == "event chance"]
        waits = len(fired) + (not fired or fired[-1] < rules.total_ticks)
        assert chance_draws == [("event chance", "lucky", n) for n in range(waits)]
        draws_per_game.append(len(chance_draws))
    assert statistics.fmean(draws_per_game) < rules.total_ticks / 2
