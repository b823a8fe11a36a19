"""The greedy player: a diligent engineer with no knowledge of the scenario's secrets.

It answers events with the cheapest choice it may take, queues every task it can, gives
its hours to the categories with queued work, starts every labeling and training job
once, evaluates every new model, A/B tests the best-measured candidate when it can, and
ships a candidate that measured better than production.
"""

from __future__ import annotations

from game.core.engine import Decide
from game.core.rules import Rules
from game.core.state import FAILED, RUNNING, Measurement, State
from game.scenario.actions import (
    Action,
    Allocate,
    Choose,
    QueueTask,
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
    need = [0.0, 0.0, 0.0, 0.0]
    for category, queue in enumerate(state.queues):
        for task in queue:
            need[category] += rules.tasks[task].hours - state.task_spent[task]
        need[category] += state.owed[category]
    for task in queuing:
        need[rules.tasks[task].category] += rules.tasks[task].hours - state.task_spent[task]
    total = sum(need)
    if total <= 0:
        a = rules.scenario.allocation
        return (a.research, a.data, a.infra, a.writing)
    shares = [int(100 * n / total) for n in need]
    shares[max(range(4), key=lambda i: need[i])] += 100 - sum(shares)
    return (shares[0], shares[1], shares[2], shares[3])


def _latest(measurements: list[Measurement], model: str) -> Measurement | None:
    for report in reversed(measurements):
        if report.model == model:
            return report
    return None


def greedy(rules: Rules, seed: int) -> Decide:
    """A greedy player for one game."""
    kinds = [job.kind for job in rules.jobs]
    evals = [i for i, k in enumerate(kinds) if k == "eval"]
    ab_tests = [i for i, k in enumerate(kinds) if k == "ab_test"]
    producers = [i for i, k in enumerate(kinds) if k in ("labeling", "training")]
    start = rules.scenario.allocation
    last_allocation = [(start.research, start.data, start.infra, start.writing)]

    def answer_events(state: State, actions: list[Action]) -> None:
        for event in state.pending:
            rule = rules.events[event]
            options = [
                (c.spec.cost, sum(c.hours), i)
                for i, c in enumerate(rule.choices)
                if c.requires is None or c.requires(state)
            ]
            if options:
                choice = rule.choices[min(options)[2]].spec.id
                actions.append(Choose(event=rule.id, choice=choice))

    def queue_tasks(state: State, actions: list[Action]) -> list[int]:
        queuing = []
        for index, task in enumerate(rules.tasks):
            if state.task_status[index] == 0 and (task.requires is None or task.requires(state)):
                actions.append(QueueTask(task=task.id))
                queuing.append(index)
        return queuing

    def start_jobs(state: State, actions: list[Action]) -> None:
        busy = {run.job for run in state.runs if run.status == RUNNING}
        labeling_busy = any(rules.jobs[j].kind == "labeling" for j in busy)
        for job in producers:
            if job in busy or (kinds[job] == "training" and labeling_busy):
                continue
            runs = [run for run in state.runs if run.job == job]
            requires = rules.job_requires[job]
            if requires is not None and not requires(state):
                continue
            if not runs:
                actions.append(StartJob(job=rules.jobs[job].id))
                busy.add(job)
            elif runs[-1].status == FAILED and runs[-1].kind == "training":
                actions.append(RestartJob(run=runs[-1].id))
                busy.add(job)

    def measure_and_ship(state: State, actions: list[Action]) -> None:
        running = {run.job for run in state.runs if run.status == RUNNING}
        prod_id = state.models[state.prod].id
        if not evals:
            newest = state.models[-1]
            if newest.id != prod_id and newest.created_tick <= state.tick:
                actions.append(Ship(model=newest.id))
            return
        measured = {m.model for m in state.measurements}
        evaluating = {
            state.models[run.model].id
            for run in state.runs
            if run.kind == "eval" and run.status == RUNNING
        }
        free_evals = [j for j in evals if j not in running]
        for model in [state.models[state.prod], *state.models]:
            if free_evals and model.id not in measured and model.id not in evaluating:
                job = free_evals.pop(0)
                actions.append(StartJob(job=rules.jobs[job].id, model=model.id))
                evaluating.add(model.id)
        base = _latest(state.measurements, prod_id)
        if base is None:
            return
        best = None
        for model in state.models:
            report = _latest(state.measurements, model.id)
            if model.id == prod_id or report is None:
                continue
            better = report.f1_mix > base.f1_mix + MARGIN
            if better and (best is None or report.f1_mix > best.f1_mix):
                best = report
        if best is None:
            return
        if not ab_tests:
            actions.append(Ship(model=best.model))
            return
        verdicts = [r for r in state.ab_results if r.model == best.model and r.control == prod_id]
        if verdicts:
            if verdicts[-1].diff < 0:
                actions.append(Ship(model=best.model))
            return
        testing = any(run.kind == "ab_test" and run.status == RUNNING for run in state.runs)
        if not testing:
            actions.append(StartJob(job=rules.jobs[ab_tests[0]].id, model=best.model))

    seen_log = [-1]
    nothing: list[Action] = []

    def decide(state: State) -> list[Action]:
        # Like a person, it looks again when something happened (a line in the log, an
        # event waiting) and otherwise every RECHECK_TICKS ticks.
        news = len(state.log) != seen_log[0] or state.pending
        if not news and state.tick % RECHECK_TICKS:
            return nothing
        seen_log[0] = len(state.log)
        actions: list[Action] = []
        answer_events(state, actions)
        queuing = queue_tasks(state, actions)
        start_jobs(state, actions)
        measure_and_ship(state, actions)
        wanted = _allocation_for(state, rules, queuing)
        if wanted != last_allocation[0]:
            last_allocation[0] = wanted
            research, data, infra, writing = wanted
            actions.append(Allocate(research=research, data=data, infra=infra, writing=writing))
        return actions

    return decide
