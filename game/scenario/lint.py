"""Checks that catch meaning: what a valid scenario says that can never happen.

The loader refuses files that break the format. These checks read a scenario that loaded
and find what it says that the game can never do: a trigger that cannot hold within the
scenario's time, a goal or condition outside what the engine can produce (an F1 above 1),
a requirement that can never be met (a task that needs itself, a cycle), a choice with no
effect, a job too long for the scenario, a reference step that names what never exists.

Conditions are judged by interval arithmetic over their checked tree: every name and
function has the range of values the engine can give it in this scenario (an F1 is 0 to
1, ``day`` is 1 to ``time.days``, a task that can never be queued is never done), and a
comparison whose sides can never meet is always false. What can be reached (tasks, jobs,
events, choices) is found by a fixed point: nothing at first, then whatever a condition
allows given what is reachable so far, until nothing changes; whatever is left out waits
on something unreachable, or on itself.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from game.scenario.actions import (
    AtChoose,
    AtQueueTask,
    AtRestartJob,
    AtShip,
    AtStartJob,
    AtStopJob,
)
from game.scenario.expr import INFRA_CAPABILITIES, Expr
from game.scenario.intervals import (
    BOOL,
    COUNT,
    INF,
    Evaluator,
    Key,
    Range,
    Ranges,
    describe,
    leaf,
    number_text,
)
from game.scenario.load import Problem
from game.scenario.model import MAX_LEVEL, Effect, Outage, Scenario, TrainingJob
from game.scenario.moments import DayClock
from game.scenario.yaml_source import Document

Severity = Literal["error", "warning"]
Path: TypeAlias = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """A problem at a place in the scenario document.

    ``col`` is a column (from 0) inside the condition text at ``path``, when the problem
    is a piece of a condition.
    """

    path: Path
    severity: Severity
    message: str
    col: int | None = None


def lint(scenario: Scenario) -> list[Finding]:
    """Every meaning problem of a scenario that loaded, in no particular order."""
    return _Linter(scenario).run()


def place(findings: list[Finding], document: Document, name: str) -> list[Problem]:
    """The findings at their lines and columns in the file, sorted by place."""
    notices = {_placed(finding, document, name) for finding in findings}
    return sorted(notices)


def _placed(finding: Finding, document: Document, name: str) -> Problem:
    path = finding.path
    pos = document.values.get(path)
    while pos is None and path:
        path = path[:-1]
        pos = document.values.get(path)
    if pos is None:
        return Problem(name, 1, 1, finding.message, finding.severity)
    col = pos.col
    if finding.col is not None and pos.inner is not None and path == finding.path:
        value = _value_at(document, path)
        lead = len(value) - len(value.lstrip()) if isinstance(value, str) else 0
        col += pos.inner + lead + finding.col
    return Problem(name, pos.line, col, finding.message, finding.severity)


def _value_at(document: Document, path: Path) -> object:
    value: object = document.data
    for step in path:
        if isinstance(value, dict) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and step < len(value):
            value = value[step]
        else:
            return None
    return value


JOB_COUNTS = ("running", "completed", "started", "collapsed")
"""Functions of a job that count or test its runs."""
MODEL_READINGS = (
    "shipped_from",
    "struck",
    "evaluated",
    "eval_drop",
    "eval_worse",
    "ab_tested",
    "ab_worse",
)
"""Functions of a job that read the models it trained: 0 for a job that trains none."""


# --- the linter ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """What can happen in a game of the scenario."""

    tasks: frozenset[str] = frozenset()
    jobs: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
    choices: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Moment:
    """When a condition is read: from tick ``first_tick`` to ``last_tick`` (every tick
    boundary, the end included, is a moment where events fire and answers are given)."""

    first_tick: int
    last_tick: int
    at_end: bool = False


@dataclass(frozen=True)
class Subject:
    """A condition to judge: where it is, what it belongs to, when it is read."""

    path: Path
    expr: Expr
    title: str
    """What can never happen, such as ``this event can never fire``."""
    moment: Moment
    own: Mapping[Key, Range] = field(default_factory=dict)
    """Calls whose range differs while the condition matters (a task's own done())."""
    owner: Key | None = None


class _Linter:
    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        time = scenario.time
        self.tick_hours = time.tick_hours
        self.total_ticks = time.total_ticks
        self.ticks_per_day = round(time.hours_per_day * 60) // time.tick_minutes
        self.total_hours = self.total_ticks * self.tick_hours
        self.findings: list[Finding] = []
        self.effects = list(self._all_effects())
        self.reach = Reach()
        self.names_at: dict[Moment, dict[str, Range]] = {}
        self.ranges_at: dict[tuple[Moment, Reach], Ranges] = {}

    def run(self) -> list[Finding]:
        self.reach = self._reachable()
        self._check_conditions()
        self._check_choices()
        self._check_jobs()
        self._check_reference()
        return self.findings

    def add(self, path: Path, severity: Severity, message: str, col: int | None = None) -> None:
        self.findings.append(Finding(path, severity, message, col))

    # --- the scenario's facts

    def _all_effects(self) -> Iterator[tuple[Key, Path, Effect]]:
        """Every effect with its source (what must happen for it to apply) and path."""
        for t, task in enumerate(self.s.tasks):
            for i, e in enumerate(task.effects):
                yield ("done", task.id), ("tasks", t, "effects", i), e
        for v, event in enumerate(self.s.events):
            for i, e in enumerate(event.effects):
                yield ("fired", event.id), ("events", v, "effects", i), e
            for c, choice in enumerate(event.choices):
                base: Path = ("events", v, "choices", c)
                source: Key = ("chose", event.id, choice.id)
                for i, e in enumerate(choice.effects):
                    yield source, (*base, "effects", i), e
                for o, outcome in enumerate(choice.outcomes):
                    for i, e in enumerate(outcome.effects):
                        yield source, (*base, "outcomes", o, "effects", i), e

    def _can_apply(self, source: Key, reach: Reach) -> bool:
        if source[0] == "done":
            return source[1] in reach.tasks
        if source[0] == "fired":
            return source[1] in reach.events
        return (source[1], source[2]) in reach.choices

    def _variable_range(self, name: str) -> Range:
        start = self.s.variables[name]
        values = [start]
        up = down = False
        for _, _, effect in self.effects:
            if effect.set is not None and name in effect.set:
                values.append(effect.set[name])
            if effect.add is not None and name in effect.add:
                up |= effect.add[name] > 0
                down |= effect.add[name] < 0
        lo, hi = min(values), max(values)
        why = f"effects keep vars.{name} between {number_text(-INF if down else lo)} and "
        why += f"{number_text(INF if up else hi)}"
        return Range(-INF if down else lo, INF if up else hi, why)

    def _names(self, moment: Moment) -> dict[str, Range]:
        if moment not in self.names_at:
            self.names_at[moment] = self._names_now(moment)
        return self.names_at[moment]

    def _names_now(self, moment: Moment) -> dict[str, Range]:
        s, th = self.s, self.tick_hours
        first, last = moment.first_tick, moment.last_tick
        days = s.time.days
        total = self.total_hours
        if moment.at_end:
            clock = f"goals and lessons are read when the scenario ends, at hour {total:g}"
        elif first == 0:
            clock = f"the scenario lasts {total:g} hours"
        else:
            clock = f"it is read from hour {first * th:g} to the end, hour {total:g}"
        day_clock = f"the scenario has {days} day" + ("s" if days > 1 else "")
        income = any(e.money is not None and e.money > 0 for _, _, e in self.effects)
        spikes = [e.spike.multiplier for _, _, e in self.effects if e.spike is not None]
        outages = [
            e.outage.hours if isinstance(e.outage, Outage) else e.outage
            for _, _, e in self.effects
            if e.outage is not None
        ]
        f1 = "an F1 score"
        names: dict[str, Range] = {
            "hour": Range(first * th, last * th, clock),
            "tick": Range(first, last, clock),
            "day": Range(
                min(first // self.ticks_per_day + 1, days),
                min(last // self.ticks_per_day + 1, days),
                day_clock,
            ),
            "hours_left": Range(
                (self.total_ticks - last) * th, (self.total_ticks - first) * th, clock
            ),
            "money": Range(
                -INF,
                INF if income else s.budget,
                "" if income else "no effect brings money in, so money never exceeds the budget",
            ),
            "spent": Range(
                -INF if income else 0,
                INF,
                "" if income else "no effect brings money in, so nothing is ever earned back",
            ),
            "budget": Range(s.budget, s.budget),
            "trust": Range(0, 100),
            "insight": Range(0, INF),
            "reliability": Range(0, 100),
            "escalation_rate": Range(0, 100, "a percentage"),
            "outage": Range(
                0,
                max(outages, default=0.0),
                "no effect starts an outage longer than that",
            ),
            "spike": Range(1, max(spikes, default=1.0), "no effect multiplies traffic more"),
            "judge_calibrated": BOOL,
            "prod.quality": Range(0, 1, f1),
            "prod.hallucination": Range(0, 100, "a percentage"),
            "prod.latency_ms": Range(0, INF, "a time"),
        }
        for count in (
            "incidents",
            "shipped_worse",
            "allocation_changes",
            "shipped",
            "shipped_unevaluated",
            "shipped_untested",
            "evals_run",
            "ab_tests_run",
            "requests.total",
            "requests.failed",
            "requests.degraded",
            "requests.hallucinated",
        ):
            names[count] = Range(0, INF, "a count")
        for seg in s.segments:
            names[f"labels.{seg.id}"] = Range(0, INF, "a count")
            names[f"golden.{seg.id}"] = Range(0, INF, "a count")
            names[f"traffic.{seg.id}"] = Range(0, 100, "a percentage of traffic")
            names[f"prod.f1.{seg.id}"] = Range(0, 1, f1)
        for cap in INFRA_CAPABILITIES:
            names[f"infra.{cap}"] = Range(0, MAX_LEVEL, "a level")
        for var in s.variables:
            names[f"vars.{var}"] = self._variable_range(var)
        return names

    def _ranges(self, moment: Moment, reach: Reach) -> Ranges:
        if (moment, reach) not in self.ranges_at:
            self.ranges_at[(moment, reach)] = self._ranges_now(moment, reach)
        return self.ranges_at[(moment, reach)]

    def _ranges_now(self, moment: Moment, reach: Reach) -> Ranges:
        defaults = {
            "done": BOOL,
            "queued": BOOL,
            "running": BOOL,
            "completed": COUNT,
            "started": COUNT,
            "collapsed": COUNT,
            "fired": COUNT,
            "waiting": BOOL,
            "chose": BOOL,
            "shipped_from": BOOL,
            "struck": BOOL,
            "evaluated": BOOL,
            "eval_drop": COUNT,
            "eval_worse": BOOL,
            "ab_tested": BOOL,
            "ab_worse": BOOL,
        }
        calls: dict[Key, Range] = {}
        for task in self.s.tasks:
            if task.id not in reach.tasks:
                why = f"task '{task.id}' can never be queued"
                calls[("done", task.id)] = calls[("queued", task.id)] = Range(0, 0, why)
            elif moment.at_end:
                calls[("queued", task.id)] = BOOL
        for job in self.s.jobs:
            if job.id not in reach.jobs:
                why = f"job '{job.id}' can never start"
                for fname in (*JOB_COUNTS, *MODEL_READINGS):
                    calls[(fname, job.id)] = Range(0, 0, why)
                continue
            if not isinstance(job, TrainingJob):
                why = f"'{job.id}' is a {job.kind} job: it makes no model, and never collapses"
                for fname in ("collapsed", *MODEL_READINGS):
                    calls[(fname, job.id)] = Range(0, 0, why)
            elif not job.risks:
                why = f"job '{job.id}' has no risks"
                calls[("struck", job.id)] = Range(0, 0, why)
            if moment.at_end:
                why = "every run has stopped when the scenario ends"
                calls[("running", job.id)] = Range(0, 0, why)
        for event in self.s.events:
            if event.id not in reach.events:
                why = f"event '{event.id}' can never fire"
                calls[("fired", event.id)] = calls[("waiting", event.id)] = Range(0, 0, why)
            elif not event.trigger.repeat:
                calls[("fired", event.id)] = Range(0, 1, f"event '{event.id}' fires at most once")
            for choice in event.choices:
                if (event.id, choice.id) not in reach.choices:
                    why = f"choice '{choice.id}' of event '{event.id}' can never be taken"
                    calls[("chose", event.id, choice.id)] = Range(0, 0, why)
        return Ranges(self._names(moment), calls, defaults)

    # --- moments and subjects

    def _anytime(self) -> Moment:
        return Moment(0, self.total_ticks)

    def _end(self) -> Moment:
        return Moment(self.total_ticks, self.total_ticks, at_end=True)

    def _trigger_moment(self, at: float | DayClock | None) -> Moment:
        hour = 0.0 if at is None else self.s.hour_of(at)
        first = math.ceil(hour / self.tick_hours - 1e-9)
        return Moment(min(first, self.total_ticks), self.total_ticks)

    def _subjects(self) -> Iterator[Subject]:
        s = self.s
        for t, task in enumerate(s.tasks):
            if task.requires is not None:
                own: dict[Key, Range] = {
                    ("done", task.id): Range(0, 0, "a task cannot be queued once it is done"),
                    ("queued", task.id): Range(0, 0, "a task cannot be queued while it is queued"),
                }
                yield Subject(
                    ("tasks", t, "requires"),
                    task.requires,
                    f"task '{task.id}' can never be queued",
                    self._anytime(),
                    own,
                    ("task", task.id),
                )
        for j, job in enumerate(s.jobs):
            if job.requires is not None:
                why = "a job has no runs before its first start"
                own = {(f, job.id): Range(0, 0, why) for f in ("completed", "started", "collapsed")}
                own[("running", job.id)] = Range(0, 0, why)
                own[("shipped_from", job.id)] = Range(0, 0, why)
                yield Subject(
                    ("jobs", j, "requires"),
                    job.requires,
                    f"job '{job.id}' can never start",
                    self._anytime(),
                    own,
                    ("job", job.id),
                )
        for v, event in enumerate(s.events):
            moment = self._trigger_moment(event.trigger.at)
            if event.trigger.when is not None:
                why = "an event has not fired before it first fires"
                yield Subject(
                    ("events", v, "trigger", "when"),
                    event.trigger.when,
                    f"event '{event.id}' can never fire",
                    moment,
                    {
                        ("fired", event.id): Range(0, 0, why),
                        ("waiting", event.id): Range(0, 0, why),
                    },
                    ("event", event.id),
                )
            for c, choice in enumerate(event.choices):
                if choice.requires is not None:
                    why = "a choice has not been taken before it is first taken"
                    yield Subject(
                        ("events", v, "choices", c, "requires"),
                        choice.requires,
                        f"choice '{choice.id}' can never be taken",
                        Moment(moment.first_tick, self.total_ticks),
                        {("chose", event.id, choice.id): Range(0, 0, why)},
                        ("choice", event.id, choice.id),
                    )
        for k, step in enumerate(s.reference):
            when = getattr(step, "when", None)
            if isinstance(when, Expr):
                first = math.ceil(self.s.hour_of(step.at) / self.tick_hours - 1e-9)
                yield Subject(
                    ("reference", k, "when"),
                    when,
                    "this step can never be taken",
                    Moment(first, self.total_ticks),
                )
        for g, goal in enumerate(s.goals):
            yield Subject(
                ("goals", g, "when"), goal.when, f"goal '{goal.id}' can never be met", self._end()
            )
        for i, lesson in enumerate(s.debrief.lessons):
            if lesson.when is not None:
                yield Subject(
                    ("debrief", "lessons", i, "when"),
                    lesson.when,
                    "this lesson can never show",
                    self._end(),
                )

    # --- what can happen

    def _reachable(self) -> Reach:
        reach = Reach()
        subjects = {s.owner: s for s in self._subjects() if s.owner is not None}
        while True:
            queued = {
                effect.queue
                for source, _, effect in self.effects
                if effect.queue and self._can_apply(source, reach)
            }
            tasks = {
                t.id
                for t in self.s.tasks
                if t.id in queued or self._may_hold(subjects.get(("task", t.id)), reach)
            }
            jobs = {j.id for j in self.s.jobs if self._may_hold(subjects.get(("job", j.id)), reach)}
            events = {
                e.id for e in self.s.events if self._may_hold(subjects.get(("event", e.id)), reach)
            }
            choices = {
                (e.id, c.id)
                for e in self.s.events
                for c in e.choices
                if e.id in events and self._may_hold(subjects.get(("choice", e.id, c.id)), reach)
            }
            grown = Reach(frozenset(tasks), frozenset(jobs), frozenset(events), frozenset(choices))
            if grown == reach:
                return reach
            reach = grown

    def _may_hold(self, subject: Subject | None, reach: Reach) -> bool:
        if subject is None:
            return True
        ranges = self._ranges(subject.moment, reach).with_calls(subject.own)
        return Evaluator(ranges).value(subject.expr.tree.body).truth is not False

    # --- the checks

    def _check_conditions(self) -> None:
        everything = Reach(
            tasks=frozenset(t.id for t in self.s.tasks),
            jobs=frozenset(j.id for j in self.s.jobs),
            events=frozenset(e.id for e in self.s.events),
            choices=frozenset((e.id, c.id) for e in self.s.events for c in e.choices),
        )
        queued_by_effects = {("task", e.queue) for _, _, e in self.effects if e.queue}
        for subject in self._subjects():
            if subject.owner in queued_by_effects:
                continue  # an effect queues it: its requirement only keeps the player out
            body = subject.expr.tree.body
            free = Evaluator(self._ranges(subject.moment, everything))
            if free.value(body).truth is False:
                self._never(subject, free)
                continue
            alone = Evaluator(free.ranges.with_calls(subject.own))
            if alone.value(body).truth is False:
                self._never(subject, alone, own=True)
                continue
            final = Evaluator(self._ranges(subject.moment, self.reach).with_calls(subject.own))
            if final.value(body).truth is False:
                self._never(subject, final, cycle=self._cycle(subject))

    def _never(
        self, subject: Subject, ev: Evaluator, *, own: bool = False, cycle: str = ""
    ) -> None:
        piece = ev.culprit(subject.expr.tree.body)
        text = ast.get_source_segment(subject.expr.source, piece) or ast.unparse(piece)
        col = _column(subject.expr, piece)
        if own:
            whys = [ev.ranges.call(key[0], key[1:]).why for _, key in _leaves(piece)]
            why = next((w for w in whys if w), "")
            message = f"{subject.title}: it requires itself ({text}), and {why}"
            self.add(subject.path, "error", message, col)
            return
        reasons: list[str] = []
        for source, key in _leaves(piece):
            r = ev.ranges.call(key[0], key[1:]) if key[0] != "name" else ev.value(_node(source))
            reasons.append(f"{source} is {describe(r)}" + (f" ({r.why})" if r.why else ""))
        message = f"{subject.title}: {text} is never true"
        if cycle:
            message += f"; the requirements form a cycle: {cycle}"
        elif reasons:
            message += ", since " + "; ".join(dict.fromkeys(reasons))
        self.add(subject.path, "error", message, col)

    def _cycle(self, subject: Subject) -> str:
        """``a needs b, b needs a`` when the subject waits on itself through others."""
        by_owner = {s.owner: s for s in self._subjects() if s.owner is not None}
        chain: list[Key] = []
        current = subject.owner
        while current is not None and current not in chain:
            chain.append(current)
            ahead = by_owner.get(current)
            current = self._first_unreachable(ahead) if ahead is not None else None
        if current is None or current != subject.owner:
            return ""
        names = [f"{kind} '{rest[-1]}'" for kind, *rest in chain]
        pairs = zip(names, [*names[1:], names[0]], strict=True)
        return ", ".join(f"{a} needs {b}" for a, b in pairs)

    def _first_unreachable(self, subject: Subject) -> Key | None:
        for _, key in _leaves(subject.expr.tree.body):
            fname, args = key[0], key[1:]
            if fname in ("done", "queued") and args[0] not in self.reach.tasks:
                return ("task", args[0])
            job_call = fname in (*JOB_COUNTS, *MODEL_READINGS)
            if job_call and args[0] not in self.reach.jobs:
                return ("job", args[0])
            if fname in ("fired", "waiting") and args[0] not in self.reach.events:
                return ("event", args[0])
            if fname == "chose" and (args[0], args[1]) not in self.reach.choices:
                return ("choice", args[0], args[1])
        return None

    def _check_choices(self) -> None:
        read = {
            key
            for subject in self._subjects()
            for _, key in _leaves(subject.expr.tree.body)
            if key[0] == "chose"
        }
        for v, event in enumerate(self.s.events):
            for c, choice in enumerate(event.choices):
                path: Path = ("events", v, "choices", c)
                does = bool(
                    choice.effects
                    or any(o.effects for o in choice.outcomes)
                    or choice.cost
                    or any(choice.hours.values())
                    or ("chose", event.id, choice.id) in read
                )
                if choice.wait and does:
                    self.add(
                        (*path, "wait"),
                        "warning",
                        f"choice '{choice.id}' says wait: true (it does nothing on purpose), "
                        "but it has effects, a cost, hours, or a condition reads it",
                    )
                elif not choice.wait and not does:
                    self.add(
                        (*path, "id"),
                        "warning",
                        f"choice '{choice.id}' has no effect: no effects, outcomes, cost or "
                        f'hours, and no condition reads chose("{event.id}", "{choice.id}"); '
                        "if it does nothing on purpose, add wait: true",
                    )

    def _check_jobs(self) -> None:
        for j, job in enumerate(self.s.jobs):
            for r, risk in enumerate(job.risks if isinstance(job, TrainingJob) else []):
                if risk.ceiling == 0 and risk.hallucination == 0:
                    self.add(
                        ("jobs", j, "risks", r),
                        "warning",
                        "this risk changes nothing when it strikes: give it a ceiling (F1 "
                        "lost, such as -0.1) or a hallucination",
                    )
                elif risk.chance_per_run == 0:
                    self.add(
                        ("jobs", j, "risks", r, "chance_per_run"),
                        "warning",
                        "this risk never strikes: its chance_per_run is 0",
                    )
            if job.hours > self.total_hours + 1e-9 and not job.unfinishable:
                self.add(
                    ("jobs", j, "hours"),
                    "warning",
                    f"job '{job.id}' takes {job.hours:g} hours, but the scenario lasts "
                    f"{self.total_hours:g}: a run can never finish (if that is the "
                    "lesson, add unfinishable: true)",
                )

    # --- the reference solution

    def _check_reference(self) -> None:
        jobs = {job.id: job for job in self.s.jobs}
        pushed = {e.start_job for _, _, e in self.effects if e.start_job}
        events = {event.id: event for event in self.s.events}
        starts: dict[str, list[float]] = {}
        hour_of = self.s.hour_of
        for step in sorted(self.s.reference, key=lambda step: hour_of(step.at)):
            if isinstance(step, AtStartJob):
                starts.setdefault(step.job, []).append(hour_of(step.at))
        for k, step in enumerate(self.s.reference):
            path: Path = ("reference", k)
            # A step with a condition waits from its hour until the condition holds: when
            # it is taken is not known, only that it is not sooner.
            waits = getattr(step, "when", None) is not None
            at = hour_of(step.at)
            if isinstance(step, AtQueueTask) and step.task not in self.reach.tasks:
                self.add(
                    (*path, "task"),
                    "error",
                    f"this step can never be taken: task '{step.task}' can never be queued "
                    "(see its requires)",
                )
            elif isinstance(step, AtStartJob):
                job = jobs[step.job]
                if step.job not in self.reach.jobs:
                    self.add(
                        (*path, "job"),
                        "error",
                        f"this step can never be taken: job '{step.job}' can never start "
                        "(see its requires)",
                    )
                if job.kind == "ab_test" and step.model is None:
                    self.add(
                        (*path, "job"),
                        "error",
                        f"'{step.job}' is an A/B test: it needs a model to try, "
                        "such as model: JOB-1",
                    )
                if step.model is not None:
                    self._check_model(path, at, step.model, starts, jobs, pushed, waits)
                finish = at + job.hours
                if finish > self.total_hours + 1e-9 and not job.unfinishable:
                    self.add(
                        (*path, "at"),
                        "warning",
                        f"a run of '{step.job}' started at hour {at:g} takes "
                        f"{job.hours:g} hours and cannot finish before the end "
                        f"(hour {self.total_hours:g})",
                    )
            elif isinstance(step, AtShip):
                self._check_model(path, at, step.model, starts, jobs, pushed, waits)
            elif isinstance(step, AtStopJob | AtRestartJob):
                self._check_run(path, step, starts, jobs, pushed, waits)
            elif isinstance(step, AtChoose):
                event = events[step.event]
                if step.event not in self.reach.events:
                    self.add(
                        (*path, "event"),
                        "error",
                        f"this step can never be taken: event '{step.event}' can never fire",
                    )
                elif (step.event, step.choice) not in self.reach.choices:
                    self.add(
                        (*path, "choice"),
                        "error",
                        f"this step can never be taken: choice '{step.choice}' can never be "
                        "taken (see its requires)",
                    )
                elif (
                    not waits
                    and event.trigger.at is not None
                    and at < hour_of(event.trigger.at) - 1e-9
                ):
                    self.add(
                        (*path, "at"),
                        "error",
                        f"this step can never be taken: at hour {at:g} event "
                        f"'{step.event}' has not fired yet (it fires from hour "
                        f"{hour_of(event.trigger.at):g})",
                    )

    def _check_model(
        self,
        path: Path,
        at: float,
        model: str,
        starts: dict[str, list[float]],
        jobs: Mapping[str, object],
        pushed: set[str],
        waits: bool,
    ) -> None:
        if model == self.s.production.model.id:
            return
        job_id, number = _run_parts(model)
        job = jobs.get(job_id)
        where = (*path, "model")
        known = f"'{self.s.production.model.id}' (production) or JOB-N for a training job"
        if job is None or number is None:
            self.add(where, "error", f"there is no model '{model}': models are {known}")
            return
        if not isinstance(job, TrainingJob):
            self.add(
                where,
                "error",
                f"there is no model '{model}': '{job_id}' is not a training job, "
                "so its runs make no model",
            )
            return
        hours = None if waits else job.hours
        self._check_number(where, at, model, job_id, number, starts, pushed, hours, waits)

    def _check_run(
        self,
        path: Path,
        step: AtStopJob | AtRestartJob,
        starts: dict[str, list[float]],
        jobs: Mapping[str, object],
        pushed: set[str],
        waits: bool,
    ) -> None:
        job_id, number = _run_parts(step.run)
        job = jobs.get(job_id)
        where = (*path, "run")
        if job is None or number is None:
            self.add(
                where, "error", f"there is no run '{step.run}': runs are named JOB-N, as lora-1"
            )
            return
        if isinstance(step, AtRestartJob) and not isinstance(job, TrainingJob):
            self.add(
                where, "error", f"only training runs restart, and '{job_id}' is not a training job"
            )
            return
        self._check_number(
            where, self.s.hour_of(step.at), step.run, job_id, number, starts, pushed, None, waits
        )

    def _check_number(
        self,
        where: Path,
        at: float,
        name: str,
        job_id: str,
        number: int,
        starts: dict[str, list[float]],
        pushed: set[str],
        hours: float | None,
        waits: bool,
    ) -> None:
        if job_id in pushed:
            return
        earlier = [h for h in starts.get(job_id, []) if waits or h <= at + 1e-9]
        if number > len(earlier):
            count = len(earlier)
            said = {
                0: f"does not start '{job_id}'",
                1: f"starts '{job_id}' once",
                2: f"starts '{job_id}' twice",
            }.get(count, f"starts '{job_id}' {count} times")
            self.add(
                where,
                "error",
                f"'{name}' does not exist at hour {at:g}: the reference {said}"
                + ("" if waits else " by then"),
            )
        elif hours is not None and earlier[number - 1] + hours > at + 1e-9:
            self.add(
                where,
                "error",
                f"'{name}' is not trained yet at hour {at:g}: its run starts at hour "
                f"{earlier[number - 1]:g} and takes {hours:g} hours",
            )


def _run_parts(name: str) -> tuple[str, int | None]:
    match = re.fullmatch(r"(.+)-([0-9]+)", name)
    if match is None or int(match.group(2)) < 1:
        return name, None
    return match.group(1), int(match.group(2))


def _leaves(node: ast.expr) -> list[tuple[str, Key]]:
    """The names and named calls in a tree, in reading order, each once."""
    found: list[tuple[int, str, Key]] = []
    todo: list[ast.AST] = [node]
    while todo:
        child = todo.pop()
        got = leaf(child) if isinstance(child, ast.expr) else None
        if isinstance(child, ast.Call) and got is None:
            todo.extend(child.args)
        elif got is None:
            todo.extend(ast.iter_child_nodes(child))
        elif got[0] not in ("true", "false", "True", "False"):
            found.append((int(getattr(child, "col_offset", 0)), *got))
    found.sort(key=lambda item: item[0])
    return list(dict.fromkeys((source, key) for _, source, key in found))


def _node(source: str) -> ast.expr:
    return ast.parse(source, mode="eval").body


def _column(expr: Expr, piece: ast.expr) -> int:
    offset = int(getattr(piece, "col_offset", 0))
    return len(expr.source.encode("utf-8")[:offset].decode("utf-8", errors="ignore"))
