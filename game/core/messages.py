"""What the game tells the player: a stable code and its values, made into English here.

Every line the core writes to the player's log (:class:`LogLine`) is a message: a code
that never changes meaning (``run.crashed``), and the values it speaks of (the run, the
hour). The English text is made from them by one table, :data:`TEMPLATES`, so a front end can choose
an icon by the code and a translation can bring its own table. Texts a scenario's author
wrote (event titles, choice texts, outcomes, messages) are values too, under codes such as
``event.fired``. ``docs/messages.md`` lists every code.

Why the game refuses an action is a message too (:class:`Refusal`), under a code of
:data:`REFUSALS` (``refused.no_such_model``), made into English by the same table. So are
the reasons a replay stops (:data:`REPLAY_ERRORS`, carried by
:class:`game.replay.replay.ReplayError`) and a session or a save refuses a request
(:data:`SESSION_ERRORS`, carried by :class:`game.session.SessionError` and
:class:`game.session.SaveError`): each a :class:`Message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Formatter
from typing import Final

from game.core.record import Record

Value = str | int | float
"""A value a message speaks of: an id or a text, a count, or a number of hours or dollars."""

REFUSALS: Final[dict[str, str]] = {
    "refused.game_over": "the game is over",
    "refused.day_over": "the day is over: only answers to waiting events are taken now",
    "refused.no_such_task": "there is no task '{task}'",
    "refused.task_done": "task '{task}' is already done",
    "refused.task_queued": "task '{task}' is already queued",
    "refused.task_needs": "task '{task}' needs: {requires}",
    "refused.task_not_queued": "task '{task}' is not queued",
    "refused.no_such_job": "there is no job '{job}'",
    "refused.no_such_model": "there is no model '{model}'",
    "refused.job_running": "{job} is already running",
    "refused.job_needs": "{job} needs: {requires}",
    "refused.job_needs_model": "{job} needs a model to measure",
    "refused.ab_test_on_production": (
        "an A/B test needs a candidate other than the production model"
    ),
    "refused.ab_test_running": "another A/B test is running",
    "refused.no_candidate_model": "there is no candidate model to test yet",
    "refused.no_such_run": "there is no run '{run}'",
    "refused.run_not_running": "{run} is not running",
    "refused.restart_not_training": "only training runs restart; start {job} again instead",
    "refused.run_not_failed": "{run} has not failed",
    "refused.restart_job_running": "another run of {job} is running",
    "refused.already_in_production": "{model} is already in production",
    "refused.in_ab_test": "{model} is in a running A/B test ({run}): wait for it or stop it",
    "refused.no_such_event": "there is no event '{event}'",
    "refused.no_such_choice": "event '{event}' has no choice '{choice}'",
    "refused.event_not_waiting": "event '{event}' is not waiting for an answer",
    "refused.choice_needs": "'{choice}' needs: {requires}",
}
"""The English template of each refusal's code: why an action is not taken, as a clause
that follows "Refused: " or a colon."""

REPLAY_ERRORS: Final[dict[str, str]] = {
    "replay.tick_outside": "the scenario has {ticks} ticks (boundaries 0 to {ticks})",
    "replay.tick_goes_down": "ticks must not go down (the action before is at tick {last})",
    "replay.tick_passed": "tick {tick} has passed (the game is at tick {now})",
    "replay.refused": "{action} was refused: {reason}",
}
"""The English template of each reason a replay stops at an action (or, played leniently,
skips it): a clause that follows the action's place, "actions[3] at tick 8: "."""

SESSION_ERRORS: Final[dict[str, str]] = {
    "session.bad_player": (
        "a player's name has 1 to 40 characters and no control characters: {player}"
    ),
    "session.game_over": "the game is over",
    "session.undo_ahead": "cannot go back to tick {tick}: the game is at tick {now}",
    "session.replays_refused": "actions[{index}] at tick {tick} replays as refused: {reason}",
    "save.unreadable": "{problem}",
    "save.bad_file": "{problem}",
    "save.not_an_object": "a save is a JSON object",
    "save.not_a_save": 'not an mlday save (format is {found}, expected "{expected}")',
    "save.version": "save version {found} is not supported (this mlday reads version {supported})",
    "save.bad_fields": "{problems}",
    "save.other_engine": "the game was saved by engine {saved}; this is engine {engine}",
    "save.other_scenario": (
        "the game was saved on another version of '{scenario}' "
        "(sha256 {saved}, this file is {loaded})"
    ),
    "save.action_out_of_order": "actions[{index}]: tick {tick} is out of order or after the save",
    "save.action_refused": "actions[{index}] at tick {tick}: {action} was refused: {reason}",
    "save.tick_after_end": "tick {tick} is after the end of the game",
    "save.digest_differs": "re-simulating the actions does not give the state that was saved",
    "save.cannot_continue": "cannot be continued: {problem}",
}
"""The English template of each reason the session refuses a request, or a save cannot be
read back (a clause: a save's error writes its path and a colon before it)."""

LOG_LINES: Final[dict[str, str]] = {
    "model.shipped": "Shipped {model} to production.",
    "job.started": "Started {job_name} ({run}, {hours:g} h).",
    "job.started_on": "Started {job_name} on {model} ({run}, {hours:g} h).",
    "job.too_late": "Too late to start {job_name}: the day is over.",
    "job.not_started": "Could not start {job_name}: {reason}.",
    "run.stopped": "Stopped {run}.",
    "run.restarted": "Restarted {run} from zero.",
    "run.restarted_from_checkpoint": "Restarted {run} from its checkpoint at {checkpoint:g} h.",
    "run.crashed": (
        "Training run {run} failed: crashed at hour {hour:.1f} of the run "
        "(loss spike, node failure)."
    ),
    "run.collapse_caught": (
        "Training run {run} failed: monitoring caught a silent collapse: the loss diverged "
        "at hour {hour:.1f}."
    ),
    "training.finished": "{job_name} finished: model {model} is ready.",
    "eval.finished": "Eval {run} of {model} finished: {metric} {f1:.3f}.",
    "labeling.delivered": "{job_name} delivered {items} labeled {segment} items.",
    "ab_test.no_result": "A/B test {run} saw no {unit}: there is no result.",
    "ab_test.finished": (
        "A/B test {run}: escalations {diff:+.1f} points (95% interval +-{half_width:.1f})."
    ),
    "task.done": "Done: {task_name}.",
    "task.queued_by_event": "Added to your queue: {task_name}.",
    "event.fired": "{title}",
    "event.chosen": "{title}: {choice_text}",
    "event.outcome": "{text}",
    "event.unanswerable": "{title}: no answer was possible.",
    "scenario.message": "{text}",
    "incident.recorded": "Incident: {what}.",
    "monitoring.drift": "Monitoring: the traffic mix drifted to {mix}.",
    "traffic.normal": "Traffic is back to normal.",
    "outage.segments_down": "Upstream API down for {segments} {unit} ({hours:g} h).",
    "outage.segments_back": "The upstream API is back for {segments} {unit}.",
}
"""The English template of each line the core writes to the player's log."""

TEMPLATES: Final[dict[str, str]] = {**LOG_LINES, **REFUSALS, **REPLAY_ERRORS, **SESSION_ERRORS}
"""The English template of every code (the log's lines, the refusals, the replay's and the
session's errors), filled with the message's values by :meth:`str.format`."""

RUN_FAILURES: Final[dict[str, str]] = {
    "run.crashed": "crashed at hour {hour:.1f} of the run (loss spike, node failure)",
    "run.collapse_caught": (
        "monitoring caught a silent collapse: the loss diverged at hour {hour:.1f}"
    ),
}
"""Why a run failed, as its report says it (without the log line's "Training run ...
failed: "), by the code of the log line."""


def placeholders(template: str) -> set[str]:
    """The names of the values a template reads."""
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def text(code: str, values: dict[str, Value]) -> str:
    """A message in English: the code's template filled with the values."""
    return TEMPLATES[code].format(**values)


# Messages and log lines write out their constructors: the one @dataclass generates stays
# interpreted Python in the compiled build, about 1,600 instructions a log line (a game
# writes some 45) where the written one takes 200 (benchmarks/instructions.py).
# tests/test_records.py holds them to their fields.
@dataclass(frozen=True, slots=True)
class Message:
    """A message that is not a log line: a code of :data:`TEMPLATES` and its values."""

    code: str
    values: dict[str, Value]

    def __init__(self, code: str, values: dict[str, Value]) -> None:
        # Frozen: its fields are set as the generated constructor sets them.
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "values", values)

    def __reduce__(self) -> tuple[type[Message], tuple[str, dict[str, Value]]]:
        """Copied and pickled by calling the constructor, as a record is
        (:class:`game.core.record.Record`)."""
        return (type(self), (self.code, self.values))

    @property
    def text(self) -> str:
        """The message in English (a clause, without a capital or a full stop)."""
        return text(self.code, self.values)

    def __str__(self) -> str:
        return self.text


def message(code: str, **values: Value) -> Message:
    """A message of the code (a key of :data:`TEMPLATES`) with its values."""
    if code not in TEMPLATES:
        raise KeyError(f"no message code {code!r}")
    return Message(code, values)


@dataclass(frozen=True, slots=True, init=False)
class Refusal(Message):
    """Why the game will not take an action: a code of :data:`REFUSALS` and its values."""


def refused(code: str, **values: Value) -> Refusal:
    """A refusal of the code (``"refused."`` and a key of :data:`REFUSALS`) with its values."""
    if code not in REFUSALS:
        raise KeyError(f"no refusal code {code!r}")
    return Refusal(code, values)


@dataclass(slots=True)
class LogLine(Record):
    """A line of the player's log: the tick it was written at, its kind, and its message
    (a code and its values). A line never changes once written."""

    tick: int
    kind: str
    """What it is about, for the log's colours: ship, job, alert, eval, task, event,
    choice, outcome, message, incident, monitoring or ops."""
    code: str
    """The message's code: a key of :data:`TEMPLATES`."""
    values: dict[str, Value]
    """The values the message speaks of, by the names its template reads."""

    def __init__(self, tick: int, kind: str, code: str, values: dict[str, Value]) -> None:
        self.tick = tick
        self.kind = kind
        self.code = code
        self.values = values

    @property
    def text(self) -> str:
        """The message in English."""
        return text(self.code, self.values)
