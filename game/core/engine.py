"""The tick engine: a new game, actions applied at tick boundaries, and the clock.

A game is fully described by its scenario, its seed and its timed actions. At each tick
boundary the events fire, then the player acts; :func:`advance` answers any event the
player left waiting with its default, runs one tick (the player's work,
production, then jobs) and checks the events of the next boundary. The last boundary, at
the end of the last tick, is a real one: its events fire and the player may answer them
(only answers are taken there); advancing from it ends the game.
"""

from __future__ import annotations

from collections.abc import Callable

from game.core import act, events, jobs, production, work
from game.core.luck import Luck
from game.core.rules import Rules
from game.core.state import ModelRecord, State, Traffic
from game.scenario.actions import (
    Action,
)


def new_game(rules: Rules, seed: int) -> State:
    """The state at the first tick boundary, its events already checked."""
    start = rules.start
    n_tasks = len(rules.tasks)
    n_jobs = len(rules.jobs)
    n_events = len(rules.events)
    n_segments = len(rules.segments)
    # Set field by field: a call with fifty keyword arguments costs several times more.
    # Every field is set (the state's slots reject a misspelled name, and a test reads
    # every field of a new game).
    state = State.__new__(State)
    state.tick = 0
    state.luck = Luck(seed)
    state.money = start.money
    state.ledger = {}
    state.trust = start.trust
    state.insight = 0.0
    state.reliability = start.reliability
    state.allocation = list(start.allocation)
    state.working = work.hours_at_work(rules, state.allocation)
    state.labels = list(start.labels)
    state.golden = list(start.golden)
    state.traffic = list(start.traffic)
    state.traffic_mix = 0
    state.traffic_seen = list(start.traffic)
    state.infra = list(start.infra)
    state.judge_calibrated = False
    state.variables = list(start.variables)
    state.task_status = [0] * n_tasks
    state.task_spent = [0.0] * n_tasks
    state.queues = [[], [], [], []]
    state.owed = [0.0, 0.0, 0.0, 0.0]
    state.ceiling_lift = [[0.0] * n_segments for _ in range(n_jobs)]
    state.hallucination_shift = [0.0] * n_jobs
    state.runs = []
    state.run_index = {}
    state.running = [None] * n_jobs
    state.run_counts = [0] * n_jobs
    state.ab_run = -1
    state.models = [
        ModelRecord(
            start.model_id,
            -1,
            list(start.model_f1),
            start.model_hallucination,
            start.model_latency_ms,
            start.model_cost_per_request,
            0,
        )
    ]
    state.prod = 0
    state.measurements = []
    state.ab_results = []
    state.fired = [0] * n_events
    state.live_events = []
    state.last_fired = [0] * n_events
    state.pending = []
    state.chosen = [[] for _ in range(n_events)]
    state.traffic_counts = Traffic()
    state.incidents = []
    state.outage_left = 0.0
    state.spike = 1.0
    state.spike_left = 0.0
    state.shipped = 0
    state.shipped_unevaluated = 0
    state.shipped_untested = 0
    state.evals_run = 0
    state.ab_tests_run = 0
    state.log = []
    state.obligations = []
    state.allocation_changes = 0
    state.shipped_worse = 0
    state.latency_factor = 1.0
    state.overload_reported = False
    state.over = False
    state.segment_outage_left = [0.0] * n_segments
    state.spike_scope = ""
    events.check(state, rules)
    return state


def refusal(state: State, rules: Rules, action: Action) -> str | None:
    """Why the action cannot be applied now, or None when it can. Changes nothing."""
    return act.handle(state, rules, action, commit=False)


def apply(state: State, rules: Rules, action: Action) -> str | None:
    """Apply an action at the current boundary; on refusal return the reason, change nothing."""
    return act.handle(state, rules, action, commit=True)


def advance(state: State, rules: Rules) -> None:
    """Run one tick and check the next boundary's events; ends the game after the last one.

    The boundary at ``total_ticks`` (17:00 on a one-day scenario) is the final one: the
    clock has stopped and no job runs, but its events are checked and the player may still
    answer waiting events there. Advancing from it answers the rest with their defaults
    and ends the game.
    """
    if state.over:
        return
    if state.pending:
        events.resolve_unanswered(state, rules)
    if state.tick >= rules.total_ticks:
        state.over = True
        return
    hours = rules.tick_hours
    work.work(state, rules)
    production.serve(state, rules, hours)
    jobs.progress(state, rules, hours)
    state.tick += 1
    if state.tick >= rules.total_ticks:
        jobs.stop_at_the_end(state)
    events.check(state, rules)


Decide = Callable[[State], list[Action]]


def play(rules: Rules, seed: int, decide: Decide) -> tuple[State, list[tuple[int, Action]]]:
    """Play a whole game; ``decide`` is asked for actions at every boundary (at the final
    one, only when an event waits for an answer).

    Returns the final state and the actions that were applied, with their ticks.
    """
    state = new_game(rules, seed)
    applied: list[tuple[int, Action]] = []
    handle = act.handle
    last = rules.total_ticks
    while not state.over:
        # At the final boundary only answers are taken: ask only when an event waits.
        if state.tick < last or state.pending:
            for action in decide(state):
                if handle(state, rules, action, True) is None:  # as apply() does
                    applied.append((state.tick, action))
        advance(state, rules)
    return state, applied
