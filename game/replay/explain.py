"""The counterfactual debrief: the player's game replayed with one decision changed.

Each change is a new list of timed actions: the player's, with one action removed,
replaced, moved or added. It is replayed under the same seed, leniently: an action the
change makes impossible (an eval of a model that was never trained, a second answer to an
event) is left out, and the actions that were applied are what the change lists. Replaying
those actions strictly, or with ``mlday simulate --seed S --actions FILE``, gives the
listed score.

The changes tried, in this order (a change whose game is one already tried is left out):

- each other choice of each event the player answered or let take its default;
- each model shipped: not shipped, or shipped at each other boundary where it existed;
- each job started: not started;
- each task queued: not queued (so not done); a task an event queued: cancelled there;
- each task left undone that the player never queued: queued as soon as it could be;
- each cancel, stop or restart: not taken;
- each step of the reference solution, as the reference player took it on this seed,
  that the player did not take: taken at its tick;
- the allocation: every one of the player's allocations replaced by the reference's.

With ``seeds``, each change is also replayed on the paired seeds ``seed .. seed + seeds
- 1`` next to the player's own actions, and its mean score over them is given, so a lucky
outcome on one seed is told apart from a decision that pays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from math import fsum
from typing import Any

from game.core.engine import advance, apply, new_game, play, refusal
from game.core.rules import Rules
from game.core.scoring import PARTS, Score, score
from game.core.state import DONE, QUEUED, State
from game.policies import make_policy
from game.replay.replay import SkippedAction, TimedAction, replay_lenient, timed
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

FORMAT = "mlday-explain"
VERSION = 1
MAX_SEEDS = 1000
"""The most paired seeds a change is averaged over."""


@dataclass(frozen=True, slots=True)
class Counterfactual:
    """The player's game with one decision changed, and what it would have scored."""

    change: str
    """One line of plain English: "Had you answered ... with ... instead of ...\"."""
    kind: str
    """What was changed: choice, ship, job, task, action, reference or allocation."""
    actions: tuple[TimedAction, ...]
    """The whole list of timed actions that plays this game (every one is applied)."""
    score: Score
    gain: int
    """Points above (or below, when negative) the player's score on the same seed."""
    moved: dict[str, float]
    """The score parts that moved, in points, the biggest move first."""
    mean: float | None = None
    """Mean score of ``actions`` over the paired seeds (None without them)."""
    mean_gain: float | None = None
    """Mean over the paired seeds of this change's score minus the player's."""

    def moved_text(self) -> str:
        """The parts that moved, as the debrief prints them: ``quality +250, budget -11``."""
        return ", ".join(f"{part} {_points(delta)}" for part, delta in self.moved.items())

    def luck(self) -> str | None:
        """A note when the gain on this seed and the mean gain disagree in sign."""
        if self.mean_gain is None:
            return None
        if self.gain > 0 and self.mean_gain <= 0:
            return "luck: it gains on this seed, not on average"
        if self.gain < 0 and self.mean_gain >= 0:
            return "bad luck: it loses on this seed, not on average"
        if self.gain == 0 and self.mean_gain != 0:
            return "it happens not to matter on this seed"
        return None

    def as_dict(self) -> dict[str, Any]:
        """The JSON-ready record of ``mlday explain --json``."""
        record: dict[str, Any] = {
            "change": self.change,
            "kind": self.kind,
            "score": self.score.total,
            "gain": self.gain,
            "parts": dict(self.score.parts),
            "moved": dict(self.moved),
            "actions": [timed_action.record() for timed_action in self.actions],
        }
        if self.mean is not None and self.mean_gain is not None:
            record["mean"] = round(self.mean, 2)
            record["mean_gain"] = round(self.mean_gain, 2)
        return record


@dataclass(frozen=True, slots=True)
class Explanation:
    """The player's game, and each one-decision change to it, best first."""

    seed: int
    score: Score
    """The player's score, replayed."""
    actions: tuple[TimedAction, ...]
    """The player's actions that the engine applied."""
    skipped: tuple[SkippedAction, ...]
    """The player's actions that the engine refused (left out of every change)."""
    counterfactuals: tuple[Counterfactual, ...]
    """Every change whose game differs from the player's, the best first (ties keep the
    order of the list in the module's docstring)."""
    seeds: int = 0
    """How many paired seeds each change was averaged over (0: none)."""
    mean: float | None = None
    """Mean score of the player's actions over the paired seeds."""

    def as_dict(self) -> dict[str, Any]:
        """The JSON document of ``mlday explain --json`` (documented in docs/run-files.md)."""
        base: dict[str, Any] = {
            "seed": self.seed,
            "score": self.score.total,
            "parts": dict(self.score.parts),
            "actions": [timed_action.record() for timed_action in self.actions],
            "skipped": len(self.skipped),
        }
        document: dict[str, Any] = {"format": FORMAT, "version": VERSION, "base": base}
        if self.seeds and self.mean is not None:
            base["mean"] = round(self.mean, 2)
            document["seeds"] = {"first": self.seed, "count": self.seeds}
        document["counterfactuals"] = [change.as_dict() for change in self.counterfactuals]
        return document


def explain(
    rules: Rules, seed: int, actions: Iterable[TimedAction], *, seeds: int = 0
) -> Explanation:
    """Replay the player's game with each of its decisions changed in turn, best first.

    ``actions`` are the player's timed actions (those the engine refuses are skipped);
    with ``seeds`` above 0 every change also gets its mean over that many paired seeds.
    """
    if not 0 <= seeds <= MAX_SEEDS:
        raise ValueError(f"seeds must be between 0 and {MAX_SEEDS}; got {seeds}")
    played = replay_lenient(rules, seed, actions)
    applied = played.applied
    base = score(played.state, rules)
    trace = _trace(rules, seed, applied)
    _, reference_applied = play(rules, seed, make_policy("reference", rules, seed))
    reference = timed(reference_applied)
    candidates = [
        *_choices(rules, applied, trace),
        *_ships(rules, applied, trace),
        *_removals(rules, applied, trace),
        *_cancels(rules, applied, trace),
        *_tasks_left(rules, applied, trace),
        *_reference_steps(rules, applied, reference),
        *_allocation(rules, applied, reference),
    ]
    changes = _play_all(rules, seed, applied, base, candidates)
    mean: float | None = None
    if seeds:
        mean, changes = _paired(rules, range(seed, seed + seeds), applied, changes)
    changes.sort(key=lambda change: -change.gain)
    return Explanation(
        seed=seed,
        score=base,
        actions=tuple(applied),
        skipped=tuple(played.skipped),
        counterfactuals=tuple(changes),
        seeds=seeds,
        mean=mean,
    )


# --- the player's game, boundary by boundary ------------------------------------------


@dataclass(frozen=True, slots=True)
class _Boundary:
    """What happened at one tick boundary of the player's game."""

    tick: int
    waiting: tuple[int, ...]
    """Events waiting for an answer when the boundary began."""
    answered: dict[int, int]
    """Event -> index in the applied actions of the player's answer."""
    defaulted: dict[int, int]
    """Event -> the choice it took by default, because the player did not answer."""
    queued: tuple[int, ...]
    """Tasks in a queue after the player's actions."""
    queueable: tuple[int, ...]
    """Tasks the player could have queued after their actions."""
    models: tuple[str, ...]
    """Models that existed after the player's actions."""


@dataclass(frozen=True, slots=True)
class _Trace:
    boundaries: tuple[_Boundary, ...]
    runs: dict[int, str]
    """Index in the applied actions of each start_job -> the run it started."""
    state: State


def _trace(rules: Rules, seed: int, applied: list[TimedAction]) -> _Trace:
    """Replay the applied actions, noting at every boundary what the player faced."""
    state = new_game(rules, seed)
    boundaries: list[_Boundary] = []
    runs: dict[int, str] = {}
    position = 0
    while not state.clock.over:
        tick = state.clock.tick
        waiting = tuple(state.events.pending)
        chosen_before = [len(chosen) for chosen in state.events.chosen]
        answered: dict[int, int] = {}
        while position < len(applied) and applied[position].tick == tick:
            action = applied[position].action
            started = len(state.jobs.runs)
            refused = apply(state, rules, action)
            if refused is not None:  # the lenient replay applied it: this cannot happen
                raise RuntimeError(f"an applied action was refused on replay: {refused}")
            if isinstance(action, Choose):
                answered[rules.event_index[action.event]] = position
            if len(state.jobs.runs) > started:
                runs[position] = state.jobs.runs[-1].id
            position += 1
        queued = tuple(
            task for task, status in enumerate(state.team.task_status) if status == QUEUED
        )
        queueable = tuple(
            task
            for task, rule in enumerate(rules.tasks)
            if refusal(state, rules, rule.queue_action) is None
        )
        models = tuple(model.id for model in state.models)
        advance(state, rules)
        defaulted: dict[int, int] = {}
        for event, chosen in enumerate(state.events.chosen):
            by_player = chosen_before[event] + (1 if event in answered else 0)
            if len(chosen) > by_player:
                defaulted[event] = chosen[-1]
        boundaries.append(_Boundary(tick, waiting, answered, defaulted, queued, queueable, models))
    return _Trace(tuple(boundaries), runs, state)


# --- the changes tried ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Candidate:
    change: str
    kind: str
    actions: list[TimedAction]
    needed: TimedAction | None = None
    """An action the change adds: unless the engine applies it, the change did not happen."""


def _choices(rules: Rules, applied: list[TimedAction], trace: _Trace) -> list[_Candidate]:
    """Each other choice of each event the player answered or let take its default."""
    found: list[_Candidate] = []
    for boundary in trace.boundaries:
        for event in boundary.waiting:
            rule = rules.events[event]
            player = boundary.answered.get(event)
            if player is not None:
                answer = applied[player].action
                assert isinstance(answer, Choose)
                taken = rule.choice_index[answer.choice]
                instead = f'instead of "{rule.choices[taken].spec.text}"'
            elif event in boundary.defaulted:
                taken = boundary.defaulted[event]
                instead = f'instead of leaving it to "{rule.choices[taken].spec.text}"'
            else:
                continue
            for index, choice in enumerate(rule.choices):
                if index == taken:
                    continue
                new = TimedAction(boundary.tick, choice.action)
                actions = (
                    _replace(applied, player, new) if player is not None else _add(applied, new)
                )
                change = (
                    f'Had you answered "{rule.title}" ({clock(rules, boundary.tick)}) '
                    f'with "{choice.spec.text}" {instead}'
                )
                found.append(_Candidate(change, "choice", actions, new))
    return found


def _ships(rules: Rules, applied: list[TimedAction], trace: _Trace) -> list[_Candidate]:
    """Each model shipped: not shipped, or shipped at each other boundary where it existed."""
    found: list[_Candidate] = []
    for index, timed_action in enumerate(applied):
        action = timed_action.action
        if not isinstance(action, Ship):
            continue
        when = clock(rules, timed_action.tick)
        without = _remove(applied, index)
        found.append(_Candidate(f"Had you not shipped {action.model} ({when})", "ship", without))
        for boundary in trace.boundaries:
            tick = boundary.tick
            if tick == timed_action.tick or tick >= rules.total_ticks:
                continue
            if action.model not in boundary.models:
                continue
            moved = TimedAction(tick, action)
            change = f"Had you shipped {action.model} at {clock(rules, tick)} instead of {when}"
            found.append(_Candidate(change, "ship", _add(without, moved), moved))
    return found


def _removals(rules: Rules, applied: list[TimedAction], trace: _Trace) -> list[_Candidate]:
    """Each job started, task queued, cancel, stop and restart: not taken."""
    found: list[_Candidate] = []
    done = trace.state.team.task_status
    for index, timed_action in enumerate(applied):
        action = timed_action.action
        when = clock(rules, timed_action.tick)
        if isinstance(action, StartJob):
            run = trace.runs.get(index, action.job)
            change = f"Had you not started {_job(rules, action)} ({run}, {when})"
            kind = "job"
        elif isinstance(action, QueueTask):
            task = rules.task_index[action.task]
            name = rules.tasks[task].name
            if done[task] == DONE:
                change = f'Had you not done "{name}" (queued at {when})'
            else:
                change = f'Had you not queued "{name}" ({when}; it was never finished)'
            kind = "task"
        elif isinstance(action, CancelTask):
            change = f'Had you not cancelled "{_task_name(rules, action.task)}" ({when})'
            kind = "action"
        elif isinstance(action, StopJob):
            change = f"Had you not stopped {action.run} ({when})"
            kind = "action"
        elif isinstance(action, RestartJob):
            change = f"Had you not restarted {action.run} ({when})"
            kind = "action"
        else:
            continue
        found.append(_Candidate(change, kind, _remove(applied, index)))
    return found


def _cancels(rules: Rules, applied: list[TimedAction], trace: _Trace) -> list[_Candidate]:
    """Each task done that an event queued, not the player: cancelled where it was queued."""
    by_player = _queued_by_player(applied)
    found: list[_Candidate] = []
    for task, rule in enumerate(rules.tasks):
        if trace.state.team.task_status[task] != DONE or rule.id in by_player:
            continue
        for boundary in trace.boundaries:
            if task in boundary.queued and boundary.tick < rules.total_ticks:
                cancel = TimedAction(boundary.tick, CancelTask(task=rule.id))
                change = (
                    f'Had you cancelled "{rule.name}" when it was queued for you '
                    f"({clock(rules, boundary.tick)}) instead of doing it"
                )
                found.append(_Candidate(change, "task", _add(applied, cancel), cancel))
                break
    return found


def _queued_by_player(applied: list[TimedAction]) -> set[str]:
    return {t.action.task for t in applied if isinstance(t.action, QueueTask)}


def _tasks_left(rules: Rules, applied: list[TimedAction], trace: _Trace) -> list[_Candidate]:
    """Each task not done that the player never queued: queued as soon as it could be."""
    by_player = _queued_by_player(applied)
    found: list[_Candidate] = []
    for task, rule in enumerate(rules.tasks):
        if trace.state.team.task_status[task] == DONE or rule.id in by_player:
            continue
        for boundary in trace.boundaries:
            if task in boundary.queueable and boundary.tick < rules.total_ticks:
                queue = TimedAction(boundary.tick, rule.queue_action)
                change = f'Had you queued "{rule.name}" at {clock(rules, boundary.tick)}'
                found.append(_Candidate(change, "task", _add(applied, queue), queue))
                break
    return found


def _reference_steps(
    rules: Rules, applied: list[TimedAction], reference: list[TimedAction]
) -> list[_Candidate]:
    """Each step of the reference solution that the player did not take: taken.

    The steps are the reference player's actions on this seed (so a step with a condition
    is there only when the reference player took it). A step counts as taken when the
    player applied the same action at any tick, each of the player's actions matching one
    step; allocations are left to :func:`_allocation`.
    """
    unmatched = [t.action for t in applied if not isinstance(t.action, Allocate)]
    found: list[_Candidate] = []
    for step in reference:
        if isinstance(step.action, Allocate):
            continue
        if step.action in unmatched:
            unmatched.remove(step.action)
            continue
        change = (
            f"Had you {_describe(rules, step.action)} at {clock(rules, step.tick)}, "
            "as the reference solution does"
        )
        found.append(_Candidate(change, "reference", _add(applied, step), step))
    return found


def _allocation(
    rules: Rules, applied: list[TimedAction], reference: list[TimedAction]
) -> list[_Candidate]:
    """The player's allocations, every one of them, replaced by the reference's."""
    mine = _allocations(applied)
    theirs = _allocations(reference)
    if mine == theirs:
        return []
    actions = [t for t in applied if not isinstance(t.action, Allocate)]
    for tick, allocation in theirs:
        actions = _add(actions, TimedAction(tick, allocation))
    if theirs:
        plan = ", ".join(f"{clock(rules, tick)} {_shares(split)}" for tick, split in theirs)
        change = f"Had you split your hours as the reference solution does ({plan})"
    else:
        change = "Had you kept the starting split of your hours, as the reference solution does"
    return [_Candidate(change, "allocation", actions)]


def _allocations(actions: list[TimedAction]) -> list[tuple[int, Allocate]]:
    found = []
    for timed_action in actions:
        if isinstance(timed_action.action, Allocate):
            found.append((timed_action.tick, timed_action.action))
    return found


# --- playing the changes ------------------------------------------------------------------


def _play_all(
    rules: Rules,
    seed: int,
    applied: list[TimedAction],
    base: Score,
    candidates: list[_Candidate],
) -> list[Counterfactual]:
    """Play each candidate; keep those that happened and differ from every game before."""
    seen: list[list[TimedAction]] = [applied]
    changes: list[Counterfactual] = []
    for candidate in candidates:
        played = replay_lenient(rules, seed, candidate.actions)
        actions = played.applied
        needed = candidate.needed
        if needed is not None and not any(t is needed for t in actions):
            continue
        if actions in seen:
            continue
        seen.append(actions)
        result = score(played.state, rules)
        changes.append(
            Counterfactual(
                change=candidate.change,
                kind=candidate.kind,
                actions=tuple(actions),
                score=result,
                gain=result.total - base.total,
                moved=_moved(base, result),
            )
        )
    return changes


def _moved(base: Score, result: Score) -> dict[str, float]:
    deltas = {
        part: round(result.parts.get(part, 0.0) - base.parts.get(part, 0.0), 1)
        for part in (*PARTS, *sorted(set(result.parts) - set(PARTS)))
    }
    moved = [(part, delta) for part, delta in deltas.items() if delta != 0.0]
    moved.sort(key=lambda item: -abs(item[1]))
    return dict(moved)


def _paired(
    rules: Rules, seeds: range, applied: list[TimedAction], changes: list[Counterfactual]
) -> tuple[float, list[Counterfactual]]:
    """The player's mean over the seeds, and each change with its mean and mean gain."""
    count = len(seeds)
    base_totals = [score(replay_lenient(rules, s, applied).state, rules).total for s in seeds]
    base_mean = fsum(base_totals) / count
    averaged: list[Counterfactual] = []
    for change in changes:
        totals = [score(replay_lenient(rules, s, change.actions).state, rules).total for s in seeds]
        gains = [total - mine for total, mine in zip(totals, base_totals, strict=True)]
        averaged.append(
            Counterfactual(
                change=change.change,
                kind=change.kind,
                actions=change.actions,
                score=change.score,
                gain=change.gain,
                moved=change.moved,
                mean=fsum(totals) / count,
                mean_gain=fsum(gains) / count,
            )
        )
    return base_mean, averaged


# --- lists of actions -----------------------------------------------------------------


def _remove(actions: list[TimedAction], index: int) -> list[TimedAction]:
    return actions[:index] + actions[index + 1 :]


def _replace(actions: list[TimedAction], index: int, new: TimedAction) -> list[TimedAction]:
    return [*actions[:index], new, *actions[index + 1 :]]


def _add(actions: list[TimedAction], new: TimedAction) -> list[TimedAction]:
    """The actions with ``new`` after every action at its tick or before."""
    place = len(actions)
    while place > 0 and actions[place - 1].tick > new.tick:
        place -= 1
    return [*actions[:place], new, *actions[place:]]


# --- plain English ----------------------------------------------------------------------


def clock(rules: Rules, tick: int) -> str:
    """The wall-clock time of a tick boundary, ``14:30`` (``day 2 14:30`` after the first)."""
    time = rules.scenario.time
    hours, minutes = (int(part) for part in time.start_clock.split(":"))
    day, into_day = divmod(tick, rules.ticks_per_day) if rules.ticks_per_day else (0, tick)
    if tick == rules.total_ticks and into_day == 0 and day > 0:
        day, into_day = day - 1, rules.ticks_per_day  # the end of the last day
    total = hours * 60 + minutes + into_day * time.tick_minutes
    shown = f"{total // 60 % 24:02d}:{total % 60:02d}"
    return f"day {day + 1} {shown}" if time.days > 1 else shown


def _points(delta: float) -> str:
    return f"{delta:+.0f}" if abs(delta) >= 0.5 else f"{delta:+.1f}"


def _describe(rules: Rules, action: Action) -> str:
    """What an action does, after "Had you": ``queued "Write the model card"``."""
    if isinstance(action, QueueTask):
        return f'queued "{_task_name(rules, action.task)}"'
    if isinstance(action, CancelTask):
        return f'cancelled "{_task_name(rules, action.task)}"'
    if isinstance(action, StartJob):
        return f"started {_job(rules, action)}"
    if isinstance(action, StopJob):
        return f"stopped {action.run}"
    if isinstance(action, RestartJob):
        return f"restarted {action.run}"
    if isinstance(action, Ship):
        return f"shipped {action.model}"
    if isinstance(action, Choose):
        event = rules.events[rules.event_index[action.event]]
        choice = event.choices[event.choice_index[action.choice]]
        return f'answered "{event.title}" with "{choice.spec.text}"'
    return f"split your hours {_shares(action)}"


def _job(rules: Rules, action: StartJob) -> str:
    job = rules.job_index.get(action.job)
    name = rules.jobs[job].name if job is not None else action.job
    return f'"{name}"' + (f" on {action.model}" if action.model is not None else "")


def _task_name(rules: Rules, task_id: str) -> str:
    task = rules.task_index.get(task_id)
    return rules.tasks[task].name if task is not None else task_id


def _shares(action: Allocate) -> str:
    named = zip(("research", "data", "infra", "writing"), action.shares(), strict=True)
    given = [(name, share) for name, share in named if share]
    if len(given) == 1:
        return f"all {given[0][0]}"
    return " / ".join(f"{name} {share}%" for name, share in given)
