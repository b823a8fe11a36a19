"""Player actions against the state: each handler checks, and with ``commit`` applies.

A handler returns why an action is refused (a :class:`~game.core.messages.Refusal`), or
None. It changes the state only
when ``commit`` is true and it has found nothing to refuse, so a refused action never
changes anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from game.core import backlog, events, evidence, jobs, work
from game.core.log import note
from game.core.messages import Refusal, refused
from game.core.rules import Rules
from game.core.state import RUNNING, State
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

Handler = Callable[[State, Rules, Any, bool], Refusal | None]


def _allocate(state: State, rules: Rules, action: Allocate, commit: bool) -> Refusal | None:
    # A built Allocate always holds shares from 0 to 100 that add up to 100: the model
    # refuses any other when it is made, so there is nothing left to refuse here.
    shares = action.shares()
    if commit:
        if list(shares) != state.team.allocation:
            state.record.allocation_changes += 1
        state.team.allocation = list(shares)
        state.team.working = work.hours_at_work(rules, state.team.allocation)
    return None


def _queue_task(state: State, rules: Rules, action: QueueTask, commit: bool) -> Refusal | None:
    task_index = rules.task_index.get(action.task)
    if task_index is None:
        return refused("refused.no_such_task", task=action.task)
    reason = backlog.queue_refusal(state, rules, task_index)
    if reason is None and commit:
        backlog.enqueue(state, rules, task_index)
    return reason


def _cancel_task(state: State, rules: Rules, action: CancelTask, commit: bool) -> Refusal | None:
    task_index = rules.task_index.get(action.task)
    if task_index is None:
        return refused("refused.no_such_task", task=action.task)
    if task_index not in state.team.queues[rules.tasks[task_index].category]:
        return refused("refused.task_not_queued", task=action.task)
    if commit:
        backlog.dequeue(state, rules, task_index)
    return None


def _start_job(state: State, rules: Rules, action: StartJob, commit: bool) -> Refusal | None:
    job_index = rules.job_index.get(action.job)
    if job_index is None:
        return refused("refused.no_such_job", job=action.job)
    model_index = jobs.default_model(state, rules, job_index)
    if action.model is not None:
        model_index = jobs.find_model(state, action.model)
        if model_index is None:
            return refused("refused.no_such_model", model=action.model)
    reason = jobs.start_refusal(state, rules, job_index, model_index)
    if reason is None and commit:
        jobs.start(state, rules, job_index, model_index)
    return reason


def _stop_job(state: State, rules: Rules, action: StopJob, commit: bool) -> Refusal | None:
    run = jobs.find_run(state, action.run)
    if run is None:
        return refused("refused.no_such_run", run=action.run)
    if run.status is not RUNNING:
        return refused("refused.run_not_running", run=run.id)
    if commit:
        jobs.stop(state, run)
    return None


def _restart_job(state: State, rules: Rules, action: RestartJob, commit: bool) -> Refusal | None:
    run = jobs.find_run(state, action.run)
    if run is None:
        return refused("refused.no_such_run", run=action.run)
    reason = jobs.restart_refusal(state, run)
    if reason is None and commit:
        jobs.restart(state, rules, run)
    return reason


def _ship(state: State, rules: Rules, action: Ship, commit: bool) -> Refusal | None:
    model_index = jobs.find_model(state, action.model)
    if model_index is None:
        return refused("refused.no_such_model", model=action.model)
    if model_index == state.production.model_index:
        return refused("refused.already_in_production", model=action.model)
    if state.jobs.ab_test is not None:
        run = state.jobs.runs[state.jobs.ab_test]
        if run.model_index == model_index:
            return refused("refused.in_ab_test", model=action.model, run=run.id)
    if commit:
        ship(state, model_index)
    return None


def _choose(state: State, rules: Rules, action: Choose, commit: bool) -> Refusal | None:
    event = rules.event_index.get(action.event)
    if event is None:
        return refused("refused.no_such_event", event=action.event)
    choice = rules.events[event].choice_index.get(action.choice)
    if choice is None:
        return refused("refused.no_such_choice", event=action.event, choice=action.choice)
    reason = events.choice_refusal(state, rules, event, choice)
    if reason is None and commit:
        events.choose(state, rules, event, choice)
    return reason


def ship(state: State, model_index: int) -> None:
    """Put a model into production; counted as shipped worse when its own eval or A/B
    test measured it significantly worse than the model it replaces."""
    record = state.models[model_index]
    worse = evidence.measured_worse(state, model_index)
    state.production.model_index = model_index
    state.record.shipped += 1
    if not record.evaluated:
        state.record.shipped_unevaluated += 1
    if not record.ab_tested:
        state.record.shipped_untested += 1
    if worse:
        state.record.shipped_worse += 1
    note(state, "ship", "model.shipped", model=record.id)


HANDLERS: Final[dict[type[Any], Handler]] = {
    Allocate: _allocate,
    QueueTask: _queue_task,
    CancelTask: _cancel_task,
    StartJob: _start_job,
    StopJob: _stop_job,
    RestartJob: _restart_job,
    Ship: _ship,
    Choose: _choose,
}


def handle(state: State, rules: Rules, action: Action, commit: bool) -> Refusal | None:
    """Check an action and, with ``commit``, apply it; returns why it is refused, or None."""
    if state.clock.over:
        return refused("refused.game_over")
    handler = HANDLERS[type(action)]
    if state.clock.tick >= rules.total_ticks and handler is not _choose:
        return refused("refused.day_over")
    return handler(state, rules, action, commit)
