"""The tick engine: a new game, actions applied at tick boundaries, and the clock.

A game is fully described by its scenario, its seed and its timed actions. At each tick
boundary the events fire, then the player acts; :func:`advance` answers any event the
player left waiting with its default, runs one tick (the player's work,
production, then jobs) and checks the events of the next boundary.
"""

from __future__ import annotations

from collections.abc import Callable

from game.core import act, events, jobs, production, work
from game.core.draws import Draws
from game.core.rules import Rules
from game.core.state import RUNNING, STOPPED, ModelRecord, State, Traffic
from game.scenario.actions import (
    Action,
)


def new_game(rules: Rules, seed: int) -> State:
    """The state at the first tick boundary, its events already checked."""
    start = rules.start
    spec = rules.scenario.production.model
    n_jobs = len(rules.jobs)
    n_events = len(rules.events)
    n_segments = len(rules.segments)
    state = State(
        tick=0,
        rng=Draws.seeded(seed),
        money=start.money,
        ledger={},
        trust=start.trust,
        insight=0.0,
        reliability=start.reliability,
        allocation=list(start.allocation),
        labels=list(start.labels),
        golden=list(start.golden),
        traffic=list(start.traffic),
        traffic_mix=0,
        traffic_seen=list(start.traffic),
        infra=list(start.infra),
        judge_calibrated=False,
        variables=list(start.variables),
        task_status=[0] * len(rules.tasks),
        task_spent=[0.0] * len(rules.tasks),
        queues=[[], [], [], []],
        owed=[0.0, 0.0, 0.0, 0.0],
        ceiling_lift=[[0.0] * n_segments for _ in range(n_jobs)],
        hallucination_shift=[0.0] * n_jobs,
        runs=[],
        run_counts=[0] * n_jobs,
        ab_run=-1,
        models=[
            ModelRecord(
                id=spec.id,
                source_job=-1,
                f1=list(start.model_f1),
                hallucination=spec.hallucination,
                latency_ms=spec.latency_ms,
                cost_per_request=spec.cost_per_request,
                created_tick=0,
            )
        ],
        prod=0,
        measurements=[],
        ab_results=[],
        fired=[0] * n_events,
        live_events=[],
        last_fired=[0] * n_events,
        pending=[],
        chosen=[[] for _ in range(n_events)],
        traffic_counts=Traffic(),
        incidents=[],
        outage_left=0.0,
        spike=1.0,
        spike_left=0.0,
        shipped=0,
        shipped_unevaluated=0,
        shipped_untested=0,
        evals_run=0,
        ab_tests_run=0,
        log=[],
    )
    events.check(state, rules)
    return state


def refusal(state: State, rules: Rules, action: Action) -> str | None:
    """Why the action cannot be applied now, or None when it can. Changes nothing."""
    return act.handle(state, rules, action, commit=False)


def apply(state: State, rules: Rules, action: Action) -> str | None:
    """Apply an action at the current boundary; on refusal return the reason, change nothing."""
    return act.handle(state, rules, action, commit=True)


def advance(state: State, rules: Rules) -> None:
    """Run one tick and check the next boundary's events; ends the game after the last tick."""
    if state.over:
        return
    if state.pending:
        events.resolve_unanswered(state, rules)
    hours = rules.tick_hours
    work.work(state, rules)
    production.serve(state, rules, hours)
    jobs.progress(state, rules, hours)
    state.tick += 1
    if state.tick >= rules.total_ticks:
        state.over = True
        state.ab_run = -1
        for run in state.runs:
            if run.status == RUNNING:
                run.status = STOPPED
                run.failure = "still running when the scenario ended"
        return
    events.check(state, rules)


Decide = Callable[[State], list[Action]]


def play(rules: Rules, seed: int, decide: Decide) -> tuple[State, list[tuple[int, Action]]]:
    """Play a whole game; ``decide`` is asked for actions at every boundary.

    Returns the final state and the actions that were applied, with their ticks.
    """
    state = new_game(rules, seed)
    applied: list[tuple[int, Action]] = []
    handle = act.handle
    while not state.over:
        for action in decide(state):
            if handle(state, rules, action, True) is None:  # as apply() does
                applied.append((state.tick, action))
        advance(state, rules)
    return state, applied
