"""The greedy player: a diligent engineer with no knowledge of the scenario's secrets.

Like a person, it answers each event as soon as it waits, with the cheapest choice it
may take, and looks at the rest of the board every hour of the day. At each look it:

- queues every task it can;
- starts every labeling and training job that can finish before the day ends, once,
  and restarts a failed training run that still can (training waits for labeling);
- evaluates every model that has no eval report yet;
- A/B tests the best-measured candidate against production when the scenario has an
  A/B test, and ships it when it measured better (and, with a test, won it);
- gives its hours to the categories in proportion to their queued work, when its work
  has changed and the new shares differ enough from the current ones.
"""

from __future__ import annotations

from functools import lru_cache
from math import floor, fsum
from operator import attrgetter

from game.core.engine import Decide
from game.core.jobs import running_runs
from game.core.rules import ChoiceRule, EventRule, Rules
from game.core.state import DONE, FAILED, NOT_QUEUED, RUNNING, JobRun, Measurement, State
from game.scenario.actions import Action, Allocate, RestartJob, Ship, StartJob

LOOK_HOURS = 1.0
"""Hours between looks at the board when no event waits for an answer."""
MARGIN = 0.005
"""How much better (F1) a candidate must measure before it replaces production."""
REALLOCATE_POINTS = 10
"""How far (percentage points, in some category) the wanted shares must be from the
current ones before it changes the allocation."""

ACTIONS_KEPT = 1024
"""How many of the actions it builds are kept for later games, of each kind."""

Shares = tuple[int, int, int, int]


# Actions are immutable, so one serves every game; building one (a validated model) costs
# more than a whole look at the board.
@lru_cache(maxsize=ACTIONS_KEPT)
def allocate(shares: Shares) -> Allocate:
    """The action that sets these shares."""
    research, data, infra, writing = shares
    return Allocate(research=research, data=data, infra=infra, writing=writing)


@lru_cache(maxsize=ACTIONS_KEPT)
def start_on(job: str, model: str) -> StartJob:
    """The action that starts the job (an eval or an A/B test) on the model."""
    return StartJob(job=job, model=model)


@lru_cache(maxsize=ACTIONS_KEPT)
def ship(model: str) -> Ship:
    """The action that ships the model."""
    return Ship(model=model)


def cheapest_choice(state: State, event: EventRule) -> ChoiceRule | None:
    """The choice with the lowest cost, then the fewest hours, whose requirement holds.

    Of equal choices, the first; None when no choice may be taken.
    """
    allowed = [
        choice for choice in event.choices if choice.requires is None or choice.requires(state)
    ]
    return min(allowed, key=lambda choice: (choice.cost, fsum(choice.hours)), default=None)


def shares_for(hours: list[float]) -> Shares | None:
    """Percentages in proportion to the hours of work per category; None with no work.

    Each share is rounded down; what the rounding leaves goes to the category with the
    most work (the first of equals).
    """
    total = fsum(hours)
    if total <= 0.0:
        return None
    shares = [floor(100.0 * category_hours / total) for category_hours in hours]
    busiest = max(range(len(hours)), key=hours.__getitem__)
    shares[busiest] += 100 - sum(shares)
    research, data, infra, writing = shares
    return (research, data, infra, writing)


def worth_moving(current: Shares, wanted: Shares) -> bool:
    """Whether the wanted shares differ enough from the current ones to change to them.

    They do when a category gains or loses all its time, or moves by REALLOCATE_POINTS.
    """
    return any(
        (now == 0) != (new == 0) or abs(now - new) >= REALLOCATE_POINTS
        for now, new in zip(current, wanted, strict=True)
    )


def latest_reports(state: State) -> dict[str, Measurement]:
    """Each measured model's latest eval report, by model id."""
    return {report.model_id: report for report in state.results.evals}


def best_candidate(state: State, reports: dict[str, Measurement]) -> Measurement | None:
    """The report of the best-measured model other than production (the first of equals),
    if it beats production's measured F1 by more than MARGIN."""
    prod_id = state.models[state.production.model_index].id
    production = reports.get(prod_id)
    if production is None:
        return None
    others = [reports[m.id] for m in state.models if m.id != prod_id and m.id in reports]
    best = max(others, key=attrgetter("f1_mix"), default=None)
    if best is None or best.f1_mix <= production.f1_mix + MARGIN:
        return None
    return best


class Greedy:
    """A greedy player for one game: called with the state at each boundary, it returns
    the actions to take there."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.look_ticks = max(1, round(LOOK_HOURS / rules.tick_hours))
        kinds = rules.job_kinds
        self.jobs_to_run = [
            job for job, kind in enumerate(kinds) if kind in ("labeling", "training")
        ]
        """The labeling and training jobs it may yet start or restart, in file order."""
        self.evals = [job for job, kind in enumerate(kinds) if kind == "eval"]
        self.ab_test = next((job for job, kind in enumerate(kinds) if kind == "ab_test"), None)
        start = rules.scenario.allocation
        self.start_allocation: Shares = (start.research, start.data, start.infra, start.writing)
        """The scenario's shares, which it keeps while no work is waiting."""
        self.allocation = self.start_allocation
        """The shares it last set."""
        # It re-plans its hours only when its work changes: hours owed to its answers,
        # a task queued (by anyone) or finished. What it last knew of that:
        self.answers_owe_hours = True  # (so that the first look plans)
        self.unqueued = len(rules.tasks)
        self.finished = 0

    def __call__(self, state: State) -> list[Action]:
        actions, owe_hours = self.answer_events(state)
        if state.clock.tick % self.look_ticks:
            self.answers_owe_hours = self.answers_owe_hours or owe_hours
            return actions
        hours_owed = self.answers_owe_hours
        self.answers_owe_hours = owe_hours  # owed from the next tick: planned at the next look
        queuing = self.queue_tasks(state, actions)
        running = running_runs(state)
        if self.jobs_to_run:
            self.start_jobs(state, running, actions)
        if self.evals:
            reports = latest_reports(state)
            self.evaluate(state, running, reports, actions)
            best = best_candidate(state, reports)
            if best is not None:
                self.ship_or_test(state, best, actions)
        else:
            self.ship_newest(state, actions)
        unqueued = state.team.task_status.count(NOT_QUEUED)
        finished = state.team.task_status.count(DONE)
        if hours_owed or queuing or finished != self.finished or unqueued != self.unqueued:
            self.reallocate(state, queuing, actions)
        self.finished = finished
        self.unqueued = unqueued - len(queuing)
        return actions

    def answer_events(self, state: State) -> tuple[list[Action], bool]:
        """The cheapest possible answer to each waiting event, and whether any owes hours."""
        actions: list[Action] = []
        owe_hours = False
        for event in state.events.pending:
            choice = cheapest_choice(state, self.rules.events[event])
            if choice is not None:
                actions.append(choice.action)
                owe_hours = owe_hours or bool(choice.owes)
        return actions, owe_hours

    def queue_tasks(self, state: State, actions: list[Action]) -> list[int]:
        """Queue every task not queued yet whose requirement holds; returns their indices."""
        queuing = []
        for index, task in enumerate(self.rules.tasks):
            if state.team.task_status[index] is NOT_QUEUED and (
                task.requires is None or task.requires(state)
            ):
                actions.append(task.queue_action)
                queuing.append(index)
        return queuing

    def start_jobs(self, state: State, running: list[JobRun], actions: list[Action]) -> None:
        """Start each labeling and training job that never ran; restart a failed training
        run. Training waits while a labeling job runs. A job that cannot finish before the
        scenario ends is neither started nor restarted.

        The jobs it is done with leave ``jobs_to_run`` for good: those that ran (but a
        training run that may yet fail, or has failed) and those too long for the hours
        left, which only fall.
        """
        rules = self.rules
        last_runs = {run.job_index: run for run in state.jobs.runs}
        running_jobs = [run.job_index for run in running]
        labeling = any(run.kind == "labeling" for run in running)
        hours_left = (rules.total_ticks - state.clock.tick) * rules.tick_hours
        still_to_run = []
        for job in self.jobs_to_run:
            training = rules.job_kinds[job] == "training"
            last = last_runs.get(job)
            if last is not None and not (training and last.status in (RUNNING, FAILED)):
                continue
            if job in running_jobs:
                still_to_run.append(job)
                continue
            hours_to_go = rules.job_hours[job] - (0.0 if last is None else last.checkpoint)
            if hours_to_go > hours_left:
                continue
            still_to_run.append(job)
            if training and labeling:
                continue
            requires = rules.job_requires[job]
            if requires is None or requires(state):
                actions.append(
                    rules.start_actions[job] if last is None else RestartJob(run=last.id)
                )
        self.jobs_to_run = still_to_run

    def evaluate(
        self,
        state: State,
        running: list[JobRun],
        reports: dict[str, Measurement],
        actions: list[Action],
    ) -> None:
        """Start the free evals on the models neither measured nor being measured:
        production first, then the others in order."""
        models = state.models
        if all(model.id in reports for model in models):  # nothing left to measure
            return
        measuring = [
            models[run.model_index].id
            for run in running
            if run.kind == "eval" and run.model_index is not None
        ]
        production_first = dict.fromkeys(
            [models[state.production.model_index].id, *(model.id for model in models)]
        )
        unmeasured = [
            model for model in production_first if model not in reports and model not in measuring
        ]
        if not unmeasured:
            return
        busy = [run.job_index for run in running]
        free = [job for job in self.evals if job not in busy]
        for job, model in zip(free, unmeasured, strict=False):
            actions.append(start_on(self.rules.job_ids[job], model))

    def ship_or_test(self, state: State, best: Measurement, actions: list[Action]) -> None:
        """Ship the best candidate, after an A/B test against production when there is one:
        the latest verdict on the pair decides; without one, it starts the test when no
        other runs."""
        if self.ab_test is None:
            actions.append(ship(best.model_id))
            return
        prod_id = state.models[state.production.model_index].id
        for verdict in reversed(state.results.ab_tests):
            if verdict.model_id == best.model_id and verdict.control_id == prod_id:
                if verdict.diff < 0.0:
                    actions.append(ship(best.model_id))
                return
        if state.jobs.ab_test is None:
            actions.append(start_on(self.rules.job_ids[self.ab_test], best.model_id))

    def ship_newest(self, state: State, actions: list[Action]) -> None:
        """With no eval to measure by, ship the newest model once it exists."""
        newest = state.models[-1]
        if (
            newest.id != state.models[state.production.model_index].id
            and newest.created_tick <= state.clock.tick
        ):
            actions.append(ship(newest.id))

    def reallocate(self, state: State, queuing: list[int], actions: list[Action]) -> None:
        """Set shares in proportion to the hours of work waiting in each category (the
        queued tasks, the tasks being queued now and the hours owed), when they differ
        enough from the current ones."""
        tasks = self.rules.tasks
        spent = state.team.task_spent
        hours = [0.0, 0.0, 0.0, 0.0]
        for category, queue in enumerate(state.team.queues):
            for task in queue:
                hours[category] += tasks[task].hours - spent[task]
            hours[category] += state.team.owed[category]
        for task in queuing:
            hours[tasks[task].category] += tasks[task].hours - spent[task]
        wanted = shares_for(hours) or self.start_allocation
        if wanted != self.allocation and worth_moving(self.allocation, wanted):
            self.allocation = wanted
            actions.append(allocate(wanted))


def greedy(rules: Rules, seed: int) -> Decide:
    """A greedy player for one game (it needs no luck: the seed is not used)."""
    return Greedy(rules)
