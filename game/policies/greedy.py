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

from dataclasses import dataclass
from functools import lru_cache
from math import floor, fsum
from typing import Final

from game.core.engine import Decide
from game.core.jobs import running_runs
from game.core.rules import ChoiceRule, EventRule, Rules
from game.core.state import DONE, FAILED, NOT_QUEUED, RUNNING, JobRun, Measurement, State
from game.scenario.actions import Action, Allocate, RestartJob, Ship, StartJob

LOOK_HOURS: Final = 1.0
"""Hours between looks at the board when no event waits for an answer."""
MARGIN: Final = 0.005
"""How much better (F1) a candidate must measure before it replaces production."""
REALLOCATE_POINTS: Final = 10
"""How far (percentage points, in some category) the wanted shares must be from the
current ones before it changes the allocation."""

ACTIONS_KEPT: Final = 1024
"""How many of the actions it builds are kept for later games, of each kind."""

# Of any length to the type checker, so that the compiled build keeps shares as tuple
# objects: typed as four ints, they were unboxed and boxed again at every call and index,
# about 1,600 instructions a reallocation (callgrind).
Shares = tuple[int, ...]
"""Percent of the hours per category (research, data, infra, writing)."""


# Actions are immutable, so one serves every game; building one (a validated model) costs
# more than a whole look at the board.
@lru_cache(maxsize=ACTIONS_KEPT)
def allocate(shares: Shares) -> Allocate:
    """The action that sets these shares."""
    research, data, infra, writing = shares
    return Allocate(research=research, data=data, infra=infra, writing=writing)


@lru_cache(maxsize=ACTIONS_KEPT)
def start_on(job_id: str, model_id: str) -> StartJob:
    """The action that starts the job (an eval or an A/B test) on the model."""
    return StartJob(job=job_id, model=model_id)


@lru_cache(maxsize=ACTIONS_KEPT)
def restart(run: str) -> RestartJob:
    """The action that restarts the run."""
    return RestartJob(run=run)


@lru_cache(maxsize=ACTIONS_KEPT)
def ship(model: str) -> Ship:
    """The action that ships the model."""
    return Ship(model=model)


def answer_order(event: EventRule) -> list[ChoiceRule]:
    """The event's choices from the cheapest: lowest cost, then fewest hours, then file
    order. The first whose requirement holds is the cheapest possible answer."""
    return sorted(event.choices, key=lambda choice: (choice.cost, fsum(choice.hours)))


@dataclass(frozen=True, slots=True)
class Plan:
    """What the greedy player knows of a scenario before its game starts: the same for
    every game on it (:func:`plan_for`)."""

    rules: Rules
    look_ticks: int
    """Ticks between looks at the board."""
    answers: tuple[tuple[ChoiceRule, ...], ...]
    """Per event, its choices from the cheapest (:func:`answer_order`)."""
    jobs_to_run: tuple[int, ...]
    """The labeling and training jobs, in file order."""
    labeling_jobs: tuple[int, ...]
    trains: tuple[bool, ...]
    """Per job, whether it is a training job."""
    evals: tuple[int, ...]
    ab_test: int | None
    """The first A/B test job, if the scenario has one."""
    start_allocation: Shares
    """The scenario's shares, which it keeps while no work is waiting."""


def make_plan(rules: Rules) -> Plan:
    """The greedy player's plan for a scenario."""
    kinds = rules.job_kinds
    start = rules.scenario.allocation
    return Plan(
        rules=rules,
        look_ticks=max(1, round(LOOK_HOURS / rules.tick_hours)),
        answers=tuple(tuple(answer_order(event)) for event in rules.events),
        jobs_to_run=tuple(
            index for index, kind in enumerate(kinds) if kind in ("labeling", "training")
        ),
        labeling_jobs=tuple(index for index, kind in enumerate(kinds) if kind == "labeling"),
        trains=tuple(kind == "training" for kind in kinds),
        evals=tuple(index for index, kind in enumerate(kinds) if kind == "eval"),
        ab_test=next((index for index, kind in enumerate(kinds) if kind == "ab_test"), None),
        start_allocation=(start.research, start.data, start.infra, start.writing),
    )


_last_plan: list[Plan] = []
"""The plan made last (games come in long series on one scenario)."""


def plan_for(rules: Rules) -> Plan:
    """The plan for these rules: the one made last when it was for them, else a new one
    (rules are never changed, so a plan holds as long as they exist)."""
    if not _last_plan or _last_plan[0].rules is not rules:
        _last_plan[:] = [make_plan(rules)]
    return _last_plan[0]


def shares_for(hours: list[float]) -> Shares | None:
    """Percentages in proportion to the hours of work per category; None with no work.

    Each share is rounded down; what the rounding leaves goes to the category with the
    most work (the first of equals).
    """
    total = fsum(hours)
    if total <= 0.0:
        return None
    shares = []
    left = 100
    busiest = 0
    for category, category_hours in enumerate(hours):
        share = floor(100.0 * category_hours / total)
        shares.append(share)
        left -= share
        if category_hours > hours[busiest]:
            busiest = category
    shares[busiest] += left
    return tuple(shares)


def worth_moving(current: Shares, wanted: Shares) -> bool:
    """Whether the wanted shares differ enough from the current ones to change to them.

    They do when a category gains or loses all its time, or moves by REALLOCATE_POINTS.
    """
    for category, now in enumerate(current):
        new = wanted[category]
        if (now == 0) != (new == 0) or abs(now - new) >= REALLOCATE_POINTS:
            return True
    return False


def best_of(state: State, reports: dict[str, Measurement]) -> Measurement | None:
    """Of the latest eval reports by model id, that of the best-measured model other than
    production (the first of equals), if it beats production's measured F1 by more than
    MARGIN."""
    prod_id = state.models[state.production.model_index].id
    production = reports.get(prod_id)
    if production is None:
        return None
    best: Measurement | None = None
    for model in state.models:
        report = reports.get(model.id)
        if report is None or model.id == prod_id:
            continue
        if best is None or report.f1_mix > best.f1_mix:
            best = report
    if best is None or best.f1_mix <= production.f1_mix + MARGIN:
        return None
    return best


class Greedy:
    """A greedy player for one game: :meth:`decide`, given the state at each boundary,
    returns the actions to take there.

    It is the only player of its game, so it remembers what it has read instead of reading
    it all again at each look: the runs and eval reports it has seen (both lists only
    grow), the tasks it has not yet seen queued or done (nothing takes a task out of its
    queue but the player, and this one never does), and the best candidate, which changes
    only with a new report or a new model in production.
    """

    def __init__(self, plan: Plan) -> None:
        rules = plan.rules
        self.rules = rules
        self.plan = plan
        self.jobs_to_run = list(plan.jobs_to_run)
        """The labeling and training jobs it may yet start or restart, in file order."""
        self.allocation = plan.start_allocation
        """The shares it last set."""
        self.to_queue = list(range(len(rules.tasks)))
        """The tasks it has not yet seen queued or done, in file order."""
        self.last_run: list[int | None] = [None] * len(rules.jobs)
        """Per job, the index in the state's runs of its newest run (None: it never ran)."""
        self.runs_read = 0
        """How many of the state's runs it has read into ``last_run``."""
        self.reports: dict[str, Measurement] = {}
        """Each measured model's latest eval report, by model id."""
        self.reports_read = 0
        """How many of the state's eval reports it has read into ``reports``."""
        self.best: Measurement | None = None
        """The best candidate's report, as of ``best_as_of``."""
        self.best_as_of = (-1, -1)
        """The reports read and the production model when ``best`` was chosen."""
        # It re-plans its hours only when its work changes: hours owed to its answers,
        # a task queued (by anyone) or finished. What it last knew of that:
        self.answers_owe_hours = True  # (so that the first look plans)
        self.unqueued = len(rules.tasks)
        self.finished = 0

    def decide(self, state: State) -> list[Action]:
        """The actions to take at this boundary: the answers to the waiting events, and at
        each look the rest."""
        actions, owe_hours = self.answer_events(state)
        plan = self.plan
        if state.clock.tick % plan.look_ticks:
            self.answers_owe_hours = self.answers_owe_hours or owe_hours
            return actions
        hours_owed = self.answers_owe_hours
        self.answers_owe_hours = owe_hours  # owed from the next tick: planned at the next look
        self.read_news(state)
        queuing = self.queue_tasks(state, actions)
        running = running_runs(state)
        busy = [run.job_index for run in running]
        if self.jobs_to_run:
            self.start_jobs(state, busy, actions)
        if plan.evals:
            self.evaluate(state, running, busy, actions)
            best = self.best_candidate(state)
            if best is not None:
                self.ship_or_test(state, best, actions)
        else:
            self.ship_newest(state, actions)
        unqueued = len(self.to_queue)  # queue_tasks kept just the tasks not queued
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
        if not state.events.pending:
            return actions, owe_hours
        answers = self.plan.answers
        for event in state.events.pending:
            for choice in answers[event]:
                if choice.requires is None or choice.requires(state):
                    actions.append(choice.action)
                    owe_hours = owe_hours or bool(choice.owes)
                    break
        return actions, owe_hours

    def read_news(self, state: State) -> None:
        """Read the runs and the eval reports that are new since the last look."""
        runs = state.jobs.runs
        if len(runs) > self.runs_read:
            for index in range(self.runs_read, len(runs)):
                self.last_run[runs[index].job_index] = index
            self.runs_read = len(runs)
        measurements = state.results.evals
        if len(measurements) > self.reports_read:
            for report in measurements[self.reports_read :]:
                self.reports[report.model_id] = report
            self.reports_read = len(measurements)

    def queue_tasks(self, state: State, actions: list[Action]) -> list[int]:
        """Queue every task not queued yet whose requirement holds; returns their indices."""
        status = state.team.task_status
        tasks = self.rules.tasks
        queuing = []
        not_seen_queued = []
        for index in self.to_queue:
            if status[index] is not NOT_QUEUED:
                continue
            not_seen_queued.append(index)
            task = tasks[index]
            if task.requires is None or task.requires(state):
                actions.append(task.queue_action)
                queuing.append(index)
        self.to_queue = not_seen_queued
        return queuing

    def start_jobs(self, state: State, busy: list[int], actions: list[Action]) -> None:
        """Start each labeling and training job that never ran; restart a failed training
        run. Training waits while a labeling job runs. A job that cannot finish before the
        scenario ends is neither started nor restarted.

        The jobs it is done with leave ``jobs_to_run`` for good: those that ran (but a
        training run that may yet fail, or has failed) and those too long for the hours
        left, which only fall.
        """
        rules = self.rules
        hours_left = (rules.total_ticks - state.clock.tick) * rules.tick_hours
        labeling: bool | None = None  # whether a labeling job runs, once a training job asks
        still_to_run = []
        for job_index in self.jobs_to_run:
            training = self.plan.trains[job_index]
            last_index = self.last_run[job_index]
            last = None if last_index is None else state.jobs.runs[last_index]
            if last is not None and not (training and last.status in (RUNNING, FAILED)):
                continue
            if job_index in busy:
                still_to_run.append(job_index)
                continue
            hours_to_go = rules.job_hours[job_index] - (0.0 if last is None else last.checkpoint)
            if hours_to_go > hours_left:
                continue
            still_to_run.append(job_index)
            if training:
                if labeling is None:
                    labeling = any(other in busy for other in self.plan.labeling_jobs)
                if labeling:
                    continue
            requires = rules.job_requires[job_index]
            if requires is None or requires(state):
                actions.append(rules.start_actions[job_index] if last is None else restart(last.id))
        self.jobs_to_run = still_to_run

    def evaluate(
        self, state: State, running: list[JobRun], busy: list[int], actions: list[Action]
    ) -> None:
        """Start the free evals on the models neither measured nor being measured:
        production first, then the others in order."""
        models = state.models
        reports = self.reports
        if len(reports) == len(models):  # every model measured: nothing left to do
            return
        free = [job_index for job_index in self.plan.evals if job_index not in busy]
        if not free:
            return
        measuring = [
            models[run.model_index].id
            for run in running
            if run.kind == "eval" and run.model_index is not None
        ]
        prod = state.production.model_index
        order = [prod] + [index for index in range(len(models)) if index != prod]
        started = 0
        for model_index in order:
            model_id = models[model_index].id
            if model_id not in reports and model_id not in measuring:
                actions.append(start_on(self.rules.job_ids[free[started]], model_id))
                started += 1
                if started == len(free):
                    return

    def best_candidate(self, state: State) -> Measurement | None:
        """The report of the best-measured model other than production (the first of
        equals), if it beats production's measured F1 by more than MARGIN."""
        as_of = (self.reports_read, state.production.model_index)
        if as_of != self.best_as_of:
            self.best_as_of = as_of
            self.best = best_of(state, self.reports)
        return self.best

    def ship_or_test(self, state: State, best: Measurement, actions: list[Action]) -> None:
        """Ship the best candidate, after an A/B test against production when there is one:
        the latest verdict on the pair decides; without one, it starts the test when no
        other runs."""
        ab_test = self.plan.ab_test
        if ab_test is None:
            actions.append(ship(best.model_id))
            return
        prod_id = state.models[state.production.model_index].id
        for verdict in reversed(state.results.ab_tests):
            if verdict.model_id == best.model_id and verdict.control_id == prod_id:
                if verdict.diff < 0.0:
                    actions.append(ship(best.model_id))
                return
        if state.jobs.ab_test is None:
            actions.append(start_on(self.rules.job_ids[ab_test], best.model_id))

    def ship_newest(self, state: State, actions: list[Action]) -> None:
        """With no eval to measure by, ship the newest model once it exists."""
        newest = state.models[-1]
        production = state.models[state.production.model_index]
        if newest.id != production.id and newest.created_tick <= state.clock.tick:
            actions.append(ship(newest.id))

    def reallocate(self, state: State, queuing: list[int], actions: list[Action]) -> None:
        """Set shares in proportion to the hours of work waiting in each category (the
        queued tasks, the tasks being queued now and the hours owed), when they differ
        enough from the current ones."""
        tasks = self.rules.tasks
        team = state.team
        spent = team.task_spent
        hours = []
        for category, queue in enumerate(team.queues):
            waiting = 0.0
            for task_index in queue:
                waiting += tasks[task_index].hours - spent[task_index]
            hours.append(waiting + team.owed[category])
        for task_index in queuing:
            task = tasks[task_index]
            hours[task.category] += task.hours - spent[task_index]
        wanted = shares_for(hours) or self.plan.start_allocation
        if worth_moving(self.allocation, wanted):
            self.allocation = wanted
            actions.append(allocate(wanted))


def greedy(rules: Rules, seed: int) -> Decide:
    """A greedy player for one game (it needs no luck: the seed is not used)."""
    return Greedy(plan_for(rules)).decide
