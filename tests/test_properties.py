"""Properties over random action sequences: money adds up, allocations sum to 100, scores
stay in range, the engine never raises, and replays are exact."""

from __future__ import annotations

import copy
import functools
import math
from typing import Any

import pytest
from conftest import RICH, rich_rules, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from game.core import caches, engine
from game.core.evals import escalation_rate
from game.core.messages import Refusal
from game.core.rules import Rules
from game.core.scoring import score
from game.core.state import RunStatus, State
from game.replay.digest import state_digest
from game.scenario.actions import (
    ACTION_ADAPTER,
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

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TOTAL_TICKS = 16

TASKS = [t["id"] for t in RICH["tasks"]] + ["junk_task"]
JOBS = [j["id"] for j in RICH["jobs"]] + ["junk_job"]
MODELS = ["baseline", "lora-1", "lora-2", "full-1", "ev-1", "nope"]
RUNS = [f"{j}-{n}" for j in JOBS for n in (1, 2)]
EVENT_CHOICES = [(e["id"], c["id"]) for e in RICH["events"] for c in e.get("choices", [])]
EVENTS = [e["id"] for e in RICH["events"]] + ["junk_event"]


@st.composite
def allocations(draw: st.DrawFn) -> Allocate:
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=3, max_size=3)))
    shares = [cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 100 - cuts[2]]
    return Allocate(research=shares[0], data=shares[1], infra=shares[2], writing=shares[3])


def action_strategy(state: State | None = None) -> st.SearchStrategy[Action]:
    """Actions naming scenario ids, junk ids and (given a state) its models, runs and events."""
    models = MODELS + ([m.id for m in state.models[1:]] * 5 if state else [])
    runs = RUNS + ([r.id for r in state.jobs.runs] * 3 if state else [])
    choices = list(EVENT_CHOICES)
    if state is not None:
        pending = {RICH["events"][i]["id"] for i in state.events.pending}
        choices += [(e, c) for e, c in EVENT_CHOICES if e in pending] * 4
    return _strategy(tuple(models), tuple(runs), tuple(choices))


@functools.lru_cache(maxsize=512)
def _strategy(
    models: tuple[str, ...], runs: tuple[str, ...], choices: tuple[tuple[str, str], ...]
) -> st.SearchStrategy[Action]:
    return st.one_of(
        allocations(),
        st.builds(QueueTask, task=st.sampled_from(TASKS)),
        st.builds(CancelTask, task=st.sampled_from(TASKS)),
        st.builds(StartJob, job=st.sampled_from(JOBS), model=st.none() | st.sampled_from(models)),
        st.builds(StopJob, run=st.sampled_from(runs)),
        st.builds(RestartJob, run=st.sampled_from(runs)),
        st.builds(Ship, model=st.sampled_from(models)),
        st.sampled_from(choices).map(lambda ec: Choose(event=ec[0], choice=ec[1])),
        st.builds(Choose, event=st.sampled_from(EVENTS), choice=st.sampled_from(["x", "wait"])),
    )


actions = action_strategy()
timed_actions = st.lists(st.tuples(st.integers(0, TOTAL_TICKS + 1), actions), max_size=40).map(
    lambda steps: sorted(steps, key=lambda step: step[0])
)


@functools.lru_cache(maxsize=64)
def rules_for(budget: int, levels: tuple[int, int, int, int], trust: int) -> Rules:
    infra = dict(
        zip(("checkpointing", "monitoring", "fallback", "autoscaling"), levels, strict=True)
    )
    return rich_rules(budget=budget, infra=infra, trust={"start": trust})


scenarios = st.builds(
    rules_for,
    budget=st.sampled_from([0, 100, 800, 5_000, 100_000]),
    levels=st.tuples(*[st.integers(0, 3)] * 4),
    trust=st.sampled_from([0, 30, 65, 100]),
)


def check_invariants(state: State, rules: Rules) -> None:
    budget = rules.scenario.budget
    assert math.isclose(
        budget - sum(state.money.ledger.values()), state.money.balance, abs_tol=1e-6
    )
    assert sum(state.team.allocation) == 100 and min(state.team.allocation) >= 0
    assert 0.0 <= state.trust <= 100.0
    assert 0.0 <= state.reliability <= 100.0
    assert math.isclose(sum(state.production.traffic), 100.0, abs_tol=1e-6)
    assert all(x >= 0 for x in state.data.labels + state.data.golden)
    assert all(0 <= level <= 3 for level in state.infra.values())
    for category, queue in enumerate(state.team.queues):
        assert all(rules.tasks[t].category == category for t in queue)
        assert len(set(queue)) == len(queue)
    for model in state.models:
        assert all(0.0 <= f <= 1.0 for f in model.f1)
    counts = state.production.counts
    assert math.isclose(
        counts.served + counts.degraded + counts.failed, counts.total, rel_tol=1e-9, abs_tol=1e-6
    )
    check_bookkeeping(state, rules)


def check_bookkeeping(state: State, rules: Rules) -> None:
    """The caches agree with rebuilding them from the rest of the state."""
    testing = [
        i
        for i, run in enumerate(state.jobs.runs)
        if run.kind == "ab_test" and run.status == RunStatus.RUNNING
    ]
    assert testing == ([] if state.jobs.ab_test is None else [state.jobs.ab_test])
    running_jobs = [state.jobs.runs[i].job_index for i in state.jobs.in_progress]
    assert len(set(running_jobs)) == len(running_jobs)  # a job runs once at a time
    rebuilt = copy.deepcopy(state)
    caches.rebuild(rebuilt, rules)
    assert rebuilt.team.working == state.team.working
    assert rebuilt.jobs.by_id == state.jobs.by_id
    assert rebuilt.jobs.in_progress == state.jobs.in_progress
    assert rebuilt.events.live == state.events.live
    for model in state.models:
        if model.escalation_mix == state.production.mix_changes:
            assert model.escalation == escalation_rate(rules, model.f1, state.production.traffic)
    assert state_digest(rebuilt) == state_digest(state)


def apply_checked(
    state: State, rules: Rules, action: Action, applied: list[tuple[int, Action]]
) -> None:
    """Apply an action; a refusal must give a reason and change nothing at all."""
    allocation = list(state.team.allocation)
    before = snapshot(state)
    reason = engine.apply(state, rules, action)
    if reason is None:
        applied.append((state.clock.tick, action))
    else:
        assert isinstance(reason, Refusal) and reason.text
        assert state.team.allocation == allocation
        assert snapshot(state) == before
    check_invariants(state, rules)


def play_steps(
    rules: Rules, seed: int, steps: list[tuple[int, Action]]
) -> tuple[State, list[tuple[int, Action]]]:
    """Play the steps (actions at ticks), checking every invariant; return the applied ones."""
    state = engine.new_game(rules, seed)
    check_invariants(state, rules)
    applied: list[tuple[int, Action]] = []
    pending = list(steps)
    while True:
        while pending and pending[0][0] <= state.clock.tick:
            _, action = pending.pop(0)
            apply_checked(state, rules, action, applied)
        if state.clock.over:
            break
        engine.advance(state, rules)
        check_invariants(state, rules)
    return state, applied


def play_drawn(
    data: st.DataObject, rules: Rules, seed: int
) -> tuple[State, list[tuple[int, Action]]]:
    """Play with actions drawn at each boundary from what the state names, plus junk."""
    state = engine.new_game(rules, seed)
    applied: list[tuple[int, Action]] = []
    while True:
        count = data.draw(st.integers(0, 3), label=f"actions at {state.clock.tick}")
        for _ in range(count):
            action = data.draw(action_strategy(state))
            apply_checked(state, rules, action, applied)
        if state.clock.over:
            return state, applied
        engine.advance(state, rules)
        check_invariants(state, rules)


def check_score(state: State, rules: Rules) -> None:
    result = score(state, rules)
    assert 0 <= result.total <= 1000
    weights = rules.scenario.score.weights
    for part, value in result.parts.items():
        weight = getattr(weights, part)
        low = -weight if part == "budget" else 0
        assert low <= value <= weight, (part, value)


@SETTINGS
@given(rules=scenarios, seed=st.integers(0, 2**32 - 1), steps=timed_actions)
def test_random_action_sequences_keep_every_invariant(
    rules: Rules, seed: int, steps: list[tuple[int, Action]]
) -> None:
    state, _ = play_steps(rules, seed, steps)
    assert state.clock.over
    check_score(state, rules)


@SETTINGS
@given(rules=scenarios, seed=st.integers(0, 2**32 - 1), data=st.data())
def test_actions_drawn_from_the_state_keep_every_invariant(
    rules: Rules, seed: int, data: st.DataObject
) -> None:
    state, _ = play_drawn(data, rules, seed)
    check_score(state, rules)


@SETTINGS
@given(rules=scenarios, seed=st.integers(0, 2**32 - 1), data=st.data())
def test_replays_are_exact(rules: Rules, seed: int, data: st.DataObject) -> None:
    played, applied = play_drawn(data, rules, seed)
    # Through the serialised form, as a run file would carry them.
    carried = [
        (tick, ACTION_ADAPTER.validate_json(ACTION_ADAPTER.dump_json(action)))
        for tick, action in applied
    ]
    assert [a for _, a in carried] == [a for _, a in applied]
    replayed = engine.new_game(rules, seed)
    queue = list(carried)
    while not replayed.clock.over:
        while queue and queue[0][0] == replayed.clock.tick:
            assert engine.apply(replayed, rules, queue.pop(0)[1]) is None
        engine.advance(replayed, rules)
    assert not queue
    assert snapshot(replayed) == snapshot(played)
    assert score(replayed, rules) == score(played, rules)


@SETTINGS
@given(shares=st.lists(st.integers(-10, 110), min_size=4, max_size=4))
def test_allocations_sum_to_100_or_are_refused(shares: list[int]) -> None:
    rules = rules_for(5_000, (0, 0, 0, 0), 50)
    state = engine.new_game(rules, 0)
    names = ("research", "data", "infra", "writing")
    valid = sum(shares) == 100 and all(0 <= s <= 100 for s in shares)
    if not valid:
        with pytest.raises(ValidationError) as refused:
            Allocate(**dict(zip(names, shares, strict=True)))
        if all(0 <= s <= 100 for s in shares):  # the sum alone is wrong: the reason says so
            assert f"adds up to {sum(shares)}%, not 100%" in str(refused.value)
        return
    action = Allocate(**dict(zip(names, shares, strict=True)))
    assert engine.apply(state, rules, action) is None
    assert state.team.allocation == shares
    engine.advance(state, rules)
    assert state.team.allocation == shares


@SETTINGS
@given(
    money=st.floats(-1e12, 1e12),
    trust=st.floats(0, 100),
    incidents=st.integers(0, 30),
    f1=st.lists(st.floats(0, 1), min_size=3, max_size=3),
    hallucination=st.floats(0, 100),
    served=st.floats(0, 1),
    degraded=st.floats(0, 1),
)
def test_scores_stay_in_range(
    money: float,
    trust: float,
    incidents: int,
    f1: list[float],
    hallucination: float,
    served: float,
    degraded: float,
) -> None:
    rules = rules_for(5_000, (0, 0, 0, 0), 50)
    state = engine.new_game(rules, 0)
    state.money.balance = money
    state.trust = trust
    state.production.incidents = ["x"] * incidents
    state.models[0].f1 = f1
    state.models[0].hallucination = hallucination
    counts = state.production.counts
    counts.total = 1000.0
    counts.served = 1000.0 * served
    counts.degraded = (1000.0 - counts.served) * degraded
    counts.failed = counts.total - counts.served - counts.degraded
    check_score(state, rules)


def test_the_strategies_reach_every_action_kind() -> None:
    kinds: set[str] = set()

    @settings(max_examples=80, deadline=None)
    @given(action=actions)
    def collect(action: Any) -> None:
        kinds.add(action.do)

    collect()
    assert kinds == {
        "allocate",
        "queue_task",
        "cancel_task",
        "start_job",
        "stop_job",
        "restart_job",
        "ship",
        "choose",
    }
