"""The greedy player: a diligent engineer with no knowledge of the scenario's secrets.

It answers events with the cheapest choice it may take, queues every task it can, gives
its hours to the categories with queued work (moving them only when the work calls for a
real change), starts every labeling and training job that can finish before the day
ends, once (restarting a failed training run that still can), evaluates every new model,
A/B tests the best-measured candidate when it can, and ships a candidate that measured
better than production.

It answers an event as soon as it waits, and looks at the rest of the board every hour
of the day. Each look is kept cheap: what depends only on the scenario is worked out once per
scenario (:class:`_Plan`), runs and eval reports are read once, as they arrive (both are
only ever appended), what follows from them is worked out again only when they change,
and equal actions are built once and shared (actions are immutable).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import floor, fsum

from game.core.conditions import Predicate
from game.core.engine import Decide
from game.core.rules import Rules
from game.core.state import DONE, FAILED, RUNNING, JobRun, Measurement, ModelRecord, State
from game.scenario.actions import Action, Allocate, Choose, QueueTask, RestartJob, Ship, StartJob

LOOK_HOURS = 1.0
"""Hours between looks at the board when no event waits for an answer."""
MARGIN = 0.005
"""How much better (F1) a candidate must measure before it replaces production."""
REALLOCATE_POINTS = 10
"""How far (percentage points, in some category) the wanted shares must be from the
current ones before it changes the allocation."""

Shares = tuple[int, int, int, int]
Option = tuple[Predicate | None, float, float, Choose]
"""An event choice as greedy weighs it: its requirement, cost, total hours and action."""
Producer = tuple[int, bool, float, Predicate | None, StartJob]
"""A labeling or training job: its index, whether it trains, its hours, its requirement
and its start."""

_NO_TASKS: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class _Plan:
    """What greedy reads of a scenario, worked out once per scenario."""

    answers: tuple[Choose | None, ...]
    """Per event, its answer when no choice has a requirement (None otherwise)."""
    answer_owes: tuple[bool, ...]
    """Per event, whether that answer owes hours."""
    options: tuple[tuple[Option, ...], ...]
    """Per event without a fixed answer, the choices to weigh at each look."""
    tasks: tuple[tuple[int, Predicate | None, QueueTask], ...]
    task_hours: tuple[float, ...]
    task_category: tuple[int, ...]
    producers: tuple[Producer, ...]
    evals: tuple[tuple[int, str], ...]
    """The eval jobs' indices and ids."""
    ab_test: str | None
    """The id of the first A/B test job, if any."""
    start_allocation: Shares
    hours_left: tuple[float, ...]
    """By tick, the hours left before the scenario ends."""
    look_ticks: int
    """Ticks between looks at the board (LOOK_HOURS, at least one tick)."""


def _cheapest(state: State, options: tuple[Option, ...]) -> Option | None:
    """The choice with the lowest (cost, hours) whose requirement holds, if any."""
    best: Option | None = None
    best_cost = best_hours = 0.0
    for option in options:
        requires, cost, hours, _ = option
        if requires is not None and not requires(state):
            continue
        # Ties keep the earlier choice, as min() over (cost, hours, index) would.
        if best is None or cost < best_cost or (cost == best_cost and hours < best_hours):
            best, best_cost, best_hours = option, cost, hours
    return best


def _answer(state: State, plan: _Plan, pending: list[int], actions: list[Action]) -> bool:
    """Answer each waiting event with its cheapest choice; whether the answers owe hours."""
    owes = False
    answers = plan.answers
    for event in pending:
        choice = answers[event]
        if choice is not None:
            actions.append(choice)
            owes = owes or plan.answer_owes[event]
            continue
        option = _cheapest(state, plan.options[event])
        if option is not None:
            actions.append(option[3])
            owes = owes or option[2] > 0.0
    return owes


def _make_plan(rules: Rules) -> _Plan:
    """The plan of a scenario."""
    answers: list[Choose | None] = []
    answer_owes: list[bool] = []
    options: list[tuple[Option, ...]] = []
    for event in rules.events:
        weighed = tuple(
            (choice.requires, choice.cost, fsum(choice.hours), choice.action)
            for choice in event.choices
        )
        if any(requires is not None for requires, _, _, _ in weighed):
            answers.append(None)
            answer_owes.append(False)
            options.append(weighed)
        else:  # the cheapest, the first of equals (as in _cheapest)
            cheapest = min(weighed, key=lambda option: option[1:3], default=None)
            answers.append(None if cheapest is None else cheapest[3])
            answer_owes.append(cheapest is not None and cheapest[2] > 0.0)
            options.append(())
    kinds = rules.job_kinds
    start = rules.scenario.allocation
    return _Plan(
        answers=tuple(answers),
        answer_owes=tuple(answer_owes),
        options=tuple(options),
        tasks=tuple((i, task.requires, task.queue_action) for i, task in enumerate(rules.tasks)),
        task_hours=tuple(task.hours for task in rules.tasks),
        task_category=tuple(task.category for task in rules.tasks),
        producers=tuple(
            (
                job,
                kind == "training",
                rules.job_hours[job],
                rules.job_requires[job],
                rules.start_actions[job],
            )
            for job, kind in enumerate(kinds)
            if kind not in ("eval", "ab_test")
        ),
        evals=tuple((job, rules.jobs[job].id) for job, kind in enumerate(kinds) if kind == "eval"),
        ab_test=next((rules.jobs[j].id for j, kind in enumerate(kinds) if kind == "ab_test"), None),
        start_allocation=(start.research, start.data, start.infra, start.writing),
        hours_left=tuple(
            (rules.total_ticks - tick) * rules.tick_hours for tick in range(rules.total_ticks + 1)
        ),
        look_ticks=max(1, round(LOOK_HOURS / rules.tick_hours)),
    )


_PLANS: dict[int, tuple[Rules, _Plan]] = {}
"""Plans by the id of their rules, which each entry keeps alive (so the id stays theirs)."""
_MAX_PLANS = 8


def _plan_for(rules: Rules) -> _Plan:
    """The plan of a scenario, made on first use (rules are never mutated)."""
    entry = _PLANS.get(id(rules))
    if entry is not None and entry[0] is rules:
        return entry[1]
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    plan = _make_plan(rules)
    _PLANS[id(rules)] = (rules, plan)
    return plan


@lru_cache(maxsize=1024)
def _allocate(shares: Shares) -> Allocate:
    """The (shared) action that sets these shares."""
    research, data, infra, writing = shares
    return Allocate(research=research, data=data, infra=infra, writing=writing)


@lru_cache(maxsize=1024)
def _start(job: str, model: str) -> StartJob:
    """The (shared) action that starts a job on a model."""
    return StartJob(job=job, model=model)


@lru_cache(maxsize=1024)
def _restart(run: str) -> RestartJob:
    """The (shared) action that restarts a run."""
    return RestartJob(run=run)


@lru_cache(maxsize=1024)
def _ship(model: str) -> Ship:
    """The (shared) action that ships a model."""
    return Ship(model=model)


def _queue_tasks(state: State, plan: _Plan, actions: list[Action]) -> list[int]:
    """Queue every task not queued yet whose requirement holds; returns their indices."""
    queuing = []
    status = state.task_status
    for index, requires, queue_action in plan.tasks:
        if status[index] == 0 and (requires is None or requires(state)):
            actions.append(queue_action)
            queuing.append(index)
    return queuing


def _allocation_for(state: State, plan: _Plan, queuing: Sequence[int]) -> Shares:
    """Shares in proportion to the hours of queued work (and work being queued now)."""
    hours_of = plan.task_hours
    spent = state.task_spent
    owed = state.owed
    # Per category, the hours left in its queue (added up in queue order) and the hours
    # owed. Written out per category: this runs at most looks.
    queue_r, queue_d, queue_i, queue_w = state.queues
    research = data = infra = writing = 0.0
    if queue_r:
        for task in queue_r:
            research += hours_of[task] - spent[task]
    if queue_d:
        for task in queue_d:
            data += hours_of[task] - spent[task]
    if queue_i:
        for task in queue_i:
            infra += hours_of[task] - spent[task]
    if queue_w:
        for task in queue_w:
            writing += hours_of[task] - spent[task]
    owed_r, owed_d, owed_i, owed_w = owed
    research += owed_r
    data += owed_d
    infra += owed_i
    writing += owed_w
    if queuing:
        need = [research, data, infra, writing]
        for task in queuing:
            need[plan.task_category[task]] += hours_of[task] - spent[task]
        research, data, infra, writing = need
    total = fsum((research, data, infra, writing))
    if total <= 0.0:
        return plan.start_allocation
    # The shares rounded down (floor() is int() for these non-negative numbers, and cheaper).
    r = floor(100.0 * research / total)
    d = floor(100.0 * data / total)
    i = floor(100.0 * infra / total)
    w = floor(100.0 * writing / total)
    # The rounding remainder goes to the category with the most work (the first of equals).
    extra = 100 - r - d - i - w
    if research >= data and research >= infra and research >= writing:
        return (r + extra, d, i, w)
    if data >= infra and data >= writing:
        return (r, d + extra, i, w)
    if infra >= writing:
        return (r, d, i + extra, w)
    return (r, d, i, w + extra)


def _worth_moving(current: Shares, wanted: Shares) -> bool:
    """Whether the wanted shares differ enough from the current ones to change to them.

    They do when a category gains or loses all its time, or moves by REALLOCATE_POINTS.
    """
    now_r, now_d, now_i, now_w = current
    r, d, i, w = wanted
    points = REALLOCATE_POINTS
    return (
        (now_r == 0) != (r == 0)
        or (now_d == 0) != (d == 0)
        or (now_i == 0) != (i == 0)
        or (now_w == 0) != (w == 0)
        or not -points < now_r - r < points
        or not -points < now_d - d < points
        or not -points < now_i - i < points
        or not -points < now_w - w < points
    )


def _busy(runs: list[JobRun], kind: str) -> bool:
    """Whether a run of this kind is in progress."""
    for run in runs:  # noqa: SIM110 (any() over a generator costs more)
        if run.status == RUNNING and run.kind == kind:
            return True
    return False


def _job_running(runs: list[JobRun], job: int) -> bool:
    """Whether a run of this job is in progress."""
    for run in runs:  # noqa: SIM110 (any() over a generator costs more)
        if run.status == RUNNING and run.job == job:
            return True
    return False


def _start_jobs(
    state: State,
    producers: list[Producer],
    hours_left: float,
    actions: list[Action],
    last_run: list[JobRun | None],
) -> list[Producer]:
    """Start each labeling and training job that never ran; restart a failed training run.

    Training waits while a labeling job is in progress. A job that cannot finish before
    the scenario ends is not started (nor restarted). Returns the producers it may still
    start or restart while no new run appears: the others stay as they are until one does
    (hours left only fall, and only a new run changes a job's last run).
    """
    runs = state.runs
    still: list[Producer] = []
    for producer in producers:
        job, training, hours, requires, start = producer
        last = last_run[job]
        if last is not None and (not training or last.status != FAILED):
            if training and last.status == RUNNING:  # it may yet fail and want a restart
                still.append(producer)
            continue
        if hours - (0.0 if last is None else last.checkpoint) > hours_left:
            continue
        still.append(producer)
        if training and _busy(runs, "labeling"):
            continue
        # A job that never ran is not running; a failed run's job may be running again.
        if last is not None and _job_running(runs, job):
            continue
        if requires is None or requires(state):
            actions.append(start if last is None else _restart(last.id))
    return still


def _evaluate(
    state: State, plan: _Plan, actions: list[Action], latest: dict[str, Measurement]
) -> None:
    """Start the free evals on the models never measured nor being measured, in order."""
    runs = state.runs
    free = []
    for job, job_id in plan.evals:
        if not _job_running(runs, job):
            free.append(job_id)
    if not free:
        return
    models = state.models
    evaluating = []
    for run in runs:
        if run.status == RUNNING and run.kind == "eval":
            evaluating.append(models[run.model].id)
    for model in (models[state.prod], *models):
        model_id = model.id
        if model_id not in latest and model_id not in evaluating:
            actions.append(_start(free.pop(0), model_id))
            if not free:
                return
            evaluating.append(model_id)


def _best_candidate(
    models: list[ModelRecord], prod_id: str, latest: dict[str, Measurement]
) -> Measurement | None:
    """The best report of a model other than production that beats it by the margin."""
    base = latest.get(prod_id)
    if base is None:
        return None
    bar = base.f1_mix + MARGIN
    best: Measurement | None = None
    for model in models:
        report = latest.get(model.id)
        if report is None or model.id == prod_id:
            continue
        if report.f1_mix > bar and (best is None or report.f1_mix > best.f1_mix):
            best = report
    return best


def _ship_or_test(state: State, plan: _Plan, actions: list[Action], best: Measurement) -> None:
    """Ship the best candidate, after an A/B test against production when there is one."""
    ab_test = plan.ab_test
    model = best.model
    if ab_test is None:
        actions.append(_ship(model))
        return
    prod_id = state.models[state.prod].id
    for verdict in reversed(state.ab_results):
        if verdict.model == model and verdict.control == prod_id:
            if verdict.diff < 0.0:
                actions.append(_ship(model))
            return
    if state.ab_run < 0:
        actions.append(_start(ab_test, model))


def greedy(rules: Rules, seed: int) -> Decide:
    """A greedy player for one game."""
    plan = _plan_for(rules)
    evals = plan.evals
    last_allocation = plan.start_allocation
    look_ticks = plan.look_ticks
    # Runs and eval reports are only ever appended, so each is read once, as it arrives.
    seen_runs = 0
    last_run: list[JobRun | None] = [None] * len(rules.jobs)  # each job's last run
    seen_reports = 0
    latest: dict[str, Measurement] = {}  # each model's last report
    prod = -1
    measured = 0  # the models before this index all have a report
    # The best candidate, given the reports and prod (a new model has no report yet).
    best: Measurement | None = None
    nothing: list[Action] = []
    # It re-plans its hours only when its work changes: a task queued (by anyone) or
    # finished, or hours owed to its answers.
    owed_hours = True  # (at the first look, to plan at all)
    done = 0
    unqueued = len(rules.tasks)
    # The labeling and training jobs it may yet start or restart (see _start_jobs).
    producers = list(plan.producers)

    def decide(state: State) -> list[Action]:
        nonlocal last_allocation, seen_runs, seen_reports, prod, measured, best
        nonlocal owed_hours, done, unqueued, producers
        # Like a person, it answers an event at once and looks at the board every hour.
        pending = state.pending
        if state.tick % look_ticks:  # between looks it only answers the events that wait
            if not pending:
                return nothing
            answering: list[Action] = []
            owed_hours = _answer(state, plan, pending, answering) or owed_hours
            return answering
        actions: list[Action] = []
        owes = _answer(state, plan, pending, actions) if pending else False
        status = state.task_status
        now_unqueued = status.count(0)
        queuing = _queue_tasks(state, plan, actions) if now_unqueued else _NO_TASKS
        runs = state.runs
        if len(runs) > seen_runs:
            for run in runs[seen_runs:]:
                last_run[run.job] = run
            seen_runs = len(runs)
            producers = list(plan.producers)
        if producers:
            producers = _start_jobs(
                state, producers, plan.hours_left[state.tick], actions, last_run
            )
        models = state.models
        if evals:
            reports = state.measurements
            if len(reports) != seen_reports or state.prod != prod:
                for report in reports[seen_reports:]:
                    latest[report.model] = report
                seen_reports, prod = len(reports), state.prod
                best = _best_candidate(models, models[prod].id, latest)
            while measured < len(models) and models[measured].id in latest:
                measured += 1
            if measured < len(models):
                _evaluate(state, plan, actions, latest)
            if best is not None:
                _ship_or_test(state, plan, actions, best)
        else:
            newest = models[-1]
            if newest.id != models[state.prod].id and newest.created_tick <= state.tick:
                actions.append(_ship(newest.id))
        finished = status.count(DONE)
        if owed_hours or queuing or finished != done or now_unqueued != unqueued:
            done = finished
            wanted = _allocation_for(state, plan, queuing)
            if wanted != last_allocation and _worth_moving(last_allocation, wanted):
                last_allocation = wanted
                actions.append(_allocate(wanted))
        unqueued = now_unqueued - len(queuing)
        owed_hours = owes  # the answers given now owe hours from the next tick
        return actions

    return decide
