"""The greedy player: a diligent engineer with no knowledge of the scenario's secrets.

It answers events with the cheapest choice it may take, queues every task it can, gives
its hours to the categories with queued work, starts every labeling and training job
once, evaluates every new model, A/B tests the best-measured candidate when it can, and
ships a candidate that measured better than production.

It looks at the board often, so it reads it in as few passes as it can: one over the runs
and one over the eval reports per look.
"""

from __future__ import annotations

from math import fsum

from game.core.engine import Decide
from game.core.rules import ChoiceRule, EventRule, Rules
from game.core.state import FAILED, RUNNING, JobRun, Measurement, State
from game.scenario.actions import (
    Action,
    Allocate,
    RestartJob,
    Ship,
    StartJob,
)

RECHECK_TICKS = 4
"""Ticks between looks at the board when nothing new has happened."""
MARGIN = 0.005
"""How much better (F1) a candidate must measure before it replaces production."""


def _allocation_for(state: State, rules: Rules, queuing: list[int]) -> tuple[int, int, int, int]:
    """Shares in proportion to the hours of queued work (and work being queued now)."""
    tasks = rules.tasks
    spent = state.task_spent
    owed = state.owed
    queues = state.queues
    need = [0.0, 0.0, 0.0, 0.0]
    for category in (0, 1, 2, 3):
        hours = 0.0
        for task in queues[category]:
            hours += tasks[task].hours - spent[task]
        need[category] = hours + owed[category]
    for task in queuing:
        rule = tasks[task]
        need[rule.category] += rule.hours - spent[task]
    total = fsum(need)
    if total <= 0.0:
        a = rules.scenario.allocation
        return (a.research, a.data, a.infra, a.writing)
    research, data, infra, writing = need
    shares = [
        int(100.0 * research / total),
        int(100.0 * data / total),
        int(100.0 * infra / total),
        int(100.0 * writing / total),
    ]
    # The rounding remainder goes to the category with the most work (the first of equals).
    top = 0
    for category in (1, 2, 3):
        if need[category] > need[top]:
            top = category
    shares[top] += 100 - sum(shares)
    return (shares[0], shares[1], shares[2], shares[3])


def _cheapest(state: State, event: EventRule) -> ChoiceRule | None:
    """The choice with the lowest (cost, hours) whose requirement holds, if any."""
    best: ChoiceRule | None = None
    best_cost = best_hours = 0.0
    for choice in event.choices:
        if choice.requires is not None and not choice.requires(state):
            continue
        cost = choice.cost
        hours = fsum(choice.hours)
        # Ties keep the earlier choice, as min() over (cost, hours, index) would.
        if best is None or cost < best_cost or (cost == best_cost and hours < best_hours):
            best, best_cost, best_hours = choice, cost, hours
    return best


def greedy(rules: Rules, seed: int) -> Decide:
    """A greedy player for one game."""
    kinds = rules.job_kinds
    evals: list[int] = []
    ab_tests: list[int] = []
    producers: list[int] = []  # the labeling and training jobs: they make data and models
    for index, kind in enumerate(kinds):
        if kind == "eval":
            evals.append(index)
        elif kind == "ab_test":
            ab_tests.append(index)
        else:
            producers.append(index)
    indexed_tasks = tuple(enumerate(rules.tasks))
    start = rules.scenario.allocation
    last_allocation = (start.research, start.data, start.infra, start.writing)
    seen_log = -1
    nothing: list[Action] = []

    def queue_tasks(state: State, actions: list[Action]) -> list[int]:
        queuing = []
        status = state.task_status
        for index, task in indexed_tasks:
            if status[index] == 0 and (task.requires is None or task.requires(state)):
                actions.append(task.queue_action)
                queuing.append(index)
        return queuing

    def start_jobs(
        state: State, actions: list[Action], running: set[int], last_run: dict[int, JobRun]
    ) -> None:
        labeling_busy = False
        for job in running:
            if kinds[job] == "labeling":
                labeling_busy = True
        for job in producers:
            if job in running or (labeling_busy and kinds[job] == "training"):
                continue
            last = last_run.get(job)
            restart = last is not None and last.status == FAILED and last.kind == "training"
            if last is not None and not restart:
                continue
            requires = rules.job_requires[job]
            if requires is not None and not requires(state):
                continue
            if last is None:
                actions.append(rules.start_actions[job])
            else:
                actions.append(RestartJob(run=last.id))

    def measure_and_ship(
        state: State,
        actions: list[Action],
        running: set[int],
        evaluating: set[str],
        testing: bool,
    ) -> None:
        models = state.models
        prod_id = models[state.prod].id
        if not evals:
            newest = models[-1]
            if newest.id != prod_id and newest.created_tick <= state.tick:
                actions.append(Ship(model=newest.id))
            return
        latest: dict[str, Measurement] = {}
        for measurement in state.measurements:
            latest[measurement.model] = measurement
        free_evals = []
        for job in evals:
            if job not in running:
                free_evals.append(job)
        if free_evals:
            for model in [models[state.prod], *models]:
                if free_evals and model.id not in latest and model.id not in evaluating:
                    job = free_evals.pop(0)
                    actions.append(StartJob(job=rules.jobs[job].id, model=model.id))
                    evaluating.add(model.id)
        base = latest.get(prod_id)
        if base is None:
            return
        bar = base.f1_mix + MARGIN
        best: Measurement | None = None
        for model in models:
            report = latest.get(model.id)
            if report is None or model.id == prod_id:
                continue
            if report.f1_mix > bar and (best is None or report.f1_mix > best.f1_mix):
                best = report
        if best is None:
            return
        if not ab_tests:
            actions.append(Ship(model=best.model))
            return
        for verdict in reversed(state.ab_results):
            if verdict.model == best.model and verdict.control == prod_id:
                if verdict.diff < 0.0:
                    actions.append(Ship(model=best.model))
                return
        if not testing:
            actions.append(StartJob(job=rules.jobs[ab_tests[0]].id, model=best.model))

    def decide(state: State) -> list[Action]:
        nonlocal seen_log, last_allocation
        # Like a person, it looks again when something happened (a line in the log, an
        # event waiting) and otherwise every RECHECK_TICKS ticks.
        pending = state.pending
        if len(state.log) == seen_log and not pending and state.tick % RECHECK_TICKS:
            return nothing
        seen_log = len(state.log)
        actions: list[Action] = []
        for event in pending:
            choice = _cheapest(state, rules.events[event])
            if choice is not None:
                actions.append(choice.action)
        queuing = queue_tasks(state, actions)
        # One pass over the runs for what both the job starter and the evaluator read.
        running: set[int] = set()
        last_run: dict[int, JobRun] = {}
        evaluating: set[str] = set()
        testing = False
        models = state.models
        for run in state.runs:
            last_run[run.job] = run
            if run.status == RUNNING:
                running.add(run.job)
                if run.kind == "eval":
                    evaluating.add(models[run.model].id)
                elif run.kind == "ab_test":
                    testing = True
        start_jobs(state, actions, running, last_run)
        measure_and_ship(state, actions, running, evaluating, testing)
        wanted = _allocation_for(state, rules, queuing)
        if wanted != last_allocation:
            last_allocation = wanted
            research, data, infra, writing = wanted
            actions.append(Allocate(research=research, data=data, infra=infra, writing=writing))
        return actions

    return decide
