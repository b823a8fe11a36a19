"""The state's caches, rebuilt from the rest of the state and the rules.

A cache (a field marked :data:`game.core.state.CACHE`) saves work on every tick and is
kept up to date by the systems as they change the state. It says nothing the rest of the
state does not: :func:`rebuild` works each one out afresh, and the state's digest leaves
them out.
"""

from __future__ import annotations

from game.core.rules import Rules
from game.core.state import RUNNING, State
from game.core.work import hours_at_work


def rebuild(state: State, rules: Rules) -> None:
    """Work out every cache of the state afresh from the rest of it.

    Each model's escalation share is marked not worked out: production works it out again
    the next time it reads it.
    """
    state.team.working = hours_at_work(rules, state.team.allocation)
    runs = state.jobs.runs
    state.jobs.by_id = {run.id: index for index, run in enumerate(runs)}
    state.jobs.in_progress = [index for index, run in enumerate(runs) if run.status is RUNNING]
    state.events.live = [
        index
        for index, event in enumerate(rules.events)
        if max(event.at_tick, 0) <= state.clock.tick < event.closes_at
        and (event.repeat or not state.events.fired[index])
    ]
    for model in state.models:
        model.escalation = 0.0
        model.escalation_mix = None
