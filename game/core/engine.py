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
from game.core.messages import Refusal
from game.core.rules import Rules
from game.core.state import (
    NOT_QUEUED,
    Data,
    Events,
    Jobs,
    ModelRecord,
    Money,
    Production,
    Research,
    Results,
    State,
    Team,
)
from game.scenario.actions import (
    Action,
)


def new_game(rules: Rules, seed: int) -> State:
    """The state at the first tick boundary, its events already checked."""
    start = rules.start
    n_jobs = len(rules.jobs)
    n_events = len(rules.events)
    allocation = list(start.allocation)
    starting_model = ModelRecord(
        id=start.model_id,
        source_job_index=None,
        f1=list(start.model_f1),
        hallucination=start.model_hallucination,
        latency_ms=start.model_latency_ms,
        cost_per_request=start.model_cost_per_request,
        created_tick=0,
    )
    state = State(
        luck=Luck(seed),
        money=Money(balance=start.money),
        trust=start.trust,
        insight=0.0,
        reliability=start.reliability,
        team=Team(
            allocation=allocation,
            working=work.hours_at_work(rules, allocation),
            task_status=[NOT_QUEUED] * len(rules.tasks),
            task_spent=[0.0] * len(rules.tasks),
        ),
        data=Data(labels=list(start.labels), golden=list(start.golden)),
        production=Production(
            model_index=0,
            traffic=list(start.traffic),
            traffic_seen=list(start.traffic),
            segment_outage_left=[0.0] * len(rules.segments),
        ),
        infra=dict(start.infra),
        variables=list(start.variables),
        research=Research(
            ceiling_lift=[[0.0] * len(rules.segments) for _ in range(n_jobs)],
            hallucination_shift=[0.0] * n_jobs,
        ),
        jobs=Jobs(started=[0] * n_jobs),
        models=[starting_model],
        results=Results(),
        events=Events(
            fired=[0] * n_events,
            last_fired=[0] * n_events,
            chosen=[[] for _ in range(n_events)],
            chance_wait=[None] * n_events,
        ),
    )
    events.check(state, rules)
    return state


def refusal(state: State, rules: Rules, action: Action) -> Refusal | None:
    """Why the action cannot be applied now, or None when it can. Changes nothing."""
    return act.handle(state, rules, action, commit=False)


def apply(state: State, rules: Rules, action: Action) -> Refusal | None:
    """Apply an action at the current boundary; on refusal return the reason, change nothing."""
    return act.handle(state, rules, action, commit=True)


def advance(state: State, rules: Rules) -> None:
    """Run one tick and check the next boundary's events; ends the game after the last one.

    The boundary at ``total_ticks`` (17:00 on a one-day scenario) is the final one: the
    clock has stopped and no job runs, but its events are checked and the player may still
    answer waiting events there. Advancing from it answers the rest with their defaults
    and ends the game.
    """
    if state.clock.over:
        return
    if state.events.pending:
        events.resolve_unanswered(state, rules)
    if state.clock.tick >= rules.total_ticks:
        state.clock.over = True
        return
    hours = rules.tick_hours
    work.work(state, rules)
    production.serve(state, rules, hours)
    if state.jobs.in_progress:
        jobs.progress(state, rules, hours)
    state.clock.tick += 1
    if state.clock.tick >= rules.total_ticks and state.jobs.in_progress:
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
    while not state.clock.over:
        # At the final boundary only answers are taken: ask only when an event waits.
        if state.clock.tick < last or state.events.pending:
            for action in decide(state):
                if handle(state, rules, action, True) is None:  # as apply() does
                    applied.append((state.clock.tick, action))
        advance(state, rules)
    return state, applied
