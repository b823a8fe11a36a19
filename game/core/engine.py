"""The tick engine: a new game, actions applied at tick boundaries, and the clock.

A game is fully described by its scenario, its seed and its timed actions. At each tick
boundary the events fire, then the player acts; :func:`advance` answers any event the
player left waiting with its default, runs one tick (the player's work, jobs,
production) and checks the events of the next boundary.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from game.core import backlog, events, jobs, production, work
from game.core.log import note
from game.core.rules import Rules
from game.core.state import RUNNING, STOPPED, ModelRecord, State, Traffic
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


def new_game(rules: Rules, seed: int) -> State:
    """The state at the first tick boundary, its events already checked."""
    scenario = rules.scenario
    segments = rules.segments
    spec = scenario.production.model
    allocation = scenario.allocation
    traffic = [s.traffic for s in scenario.segments]
    state = State(
        tick=0,
        rng=np.random.default_rng(seed),
        money=float(scenario.budget),
        ledger={},
        trust=float(scenario.trust.start),
        insight=0.0,
        reliability=float(scenario.infra.reliability),
        allocation=[allocation.research, allocation.data, allocation.infra, allocation.writing],
        labels=[float(scenario.data.labels.get(s, 0)) for s in segments],
        golden=[float(scenario.data.golden.get(s, 0)) for s in segments],
        traffic=traffic,
        traffic_seen=list(traffic),
        infra=[
            scenario.infra.checkpointing,
            scenario.infra.monitoring,
            scenario.infra.fallback,
            scenario.infra.autoscaling,
        ],
        judge_calibrated=False,
        variables=list(scenario.variables.values()),
        task_status=[0] * len(rules.tasks),
        task_spent=[0.0] * len(rules.tasks),
        queues=[[], [], [], []],
        owed=[0.0, 0.0, 0.0, 0.0],
        ceiling_lift=[[0.0] * len(segments) for _ in rules.jobs],
        hallucination_shift=[0.0] * len(rules.jobs),
        runs=[],
        run_counts=[0] * len(rules.jobs),
        models=[
            ModelRecord(
                id=spec.id,
                source_job=-1,
                f1=[spec.f1[s] for s in segments],
                hallucination=spec.hallucination,
                latency_ms=spec.latency_ms,
                cost_per_request=spec.cost_per_request,
                created_tick=0,
            )
        ],
        prod=0,
        measurements=[],
        ab_results=[],
        fired=[0] * len(rules.events),
        last_fired=[0] * len(rules.events),
        pending=[],
        chosen=[[] for _ in rules.events],
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
    if state.over:
        return "the game is over"
    if isinstance(action, Allocate):
        return None
    if isinstance(action, QueueTask | CancelTask):
        task = rules.task_index.get(action.task)
        if task is None:
            return f"there is no task '{action.task}'"
        if isinstance(action, QueueTask):
            return backlog.queue_refusal(state, rules, task)
        if task not in state.queues[rules.tasks[task].category]:
            return f"task '{action.task}' is not queued"
        return None
    if isinstance(action, StartJob):
        job = rules.job_index.get(action.job)
        if job is None:
            return f"there is no job '{action.job}'"
        model = -1
        if action.model is not None:
            model = jobs.find_model(state, action.model)
            if model < 0:
                return f"there is no model '{action.model}'"
        elif rules.jobs[job].kind == "eval":
            model = state.prod
        return jobs.start_refusal(state, rules, job, model)
    if isinstance(action, StopJob | RestartJob):
        run = jobs.find_run(state, action.run)
        if run is None:
            return f"there is no run '{action.run}'"
        if isinstance(action, StopJob):
            return None if run.status == RUNNING else f"{run.id} is not running"
        return jobs.restart_refusal(state, run)
    if isinstance(action, Ship):
        model = jobs.find_model(state, action.model)
        if model < 0:
            return f"there is no model '{action.model}'"
        if model == state.prod:
            return f"{action.model} is already in production"
        return None
    if isinstance(action, Choose):
        event = rules.event_index.get(action.event)
        if event is None:
            return f"there is no event '{action.event}'"
        ids = [c.spec.id for c in rules.events[event].choices]
        if action.choice not in ids:
            return f"event '{action.event}' has no choice '{action.choice}'"
        return events.choice_refusal(state, rules, event, ids.index(action.choice))
    return f"unknown action {action!r}"


def apply(state: State, rules: Rules, action: Action) -> str | None:
    """Apply an action at the current boundary; on refusal return the reason, change nothing."""
    reason = refusal(state, rules, action)
    if reason is not None:
        return reason
    if isinstance(action, Allocate):
        state.allocation = list(action.shares())
    elif isinstance(action, QueueTask):
        backlog.enqueue(state, rules, rules.task_index[action.task])
    elif isinstance(action, CancelTask):
        backlog.dequeue(state, rules, rules.task_index[action.task])
    elif isinstance(action, StartJob):
        job = rules.job_index[action.job]
        if action.model is not None:
            model = jobs.find_model(state, action.model)
        else:
            model = state.prod if rules.jobs[job].kind == "eval" else -1
        jobs.start(state, rules, job, model)
    elif isinstance(action, StopJob):
        run = jobs.find_run(state, action.run)
        assert run is not None
        jobs.stop(state, run)
    elif isinstance(action, RestartJob):
        run = jobs.find_run(state, action.run)
        assert run is not None
        jobs.restart(state, rules, run)
    elif isinstance(action, Ship):
        ship(state, jobs.find_model(state, action.model))
    elif isinstance(action, Choose):
        event = rules.event_index[action.event]
        ids = [c.spec.id for c in rules.events[event].choices]
        events.choose(state, rules, event, ids.index(action.choice))
    return None


def ship(state: State, model: int) -> None:
    """Put a model into production."""
    record = state.models[model]
    state.prod = model
    state.shipped += 1
    if not record.evaluated:
        state.shipped_unevaluated += 1
    if not record.ab_tested:
        state.shipped_untested += 1
    note(state, "ship", f"Shipped {record.id} to production.")


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
    while not state.over:
        for action in decide(state):
            if apply(state, rules, action) is None:
                applied.append((state.tick, action))
        advance(state, rules)
    return state, applied
