"""The report of an ended game: one frozen record for the command line and the debrief.

Like python-chess's ``Outcome``, a :class:`GameReport` is made once the game is over and
never changes: the score and its parts, the goals, the money and its ledger, the reveal
(what the player measured of the production model next to its true quality, per
segment), the eval reports, the lessons that applied, the quiz, and the counterfactuals
(what other decisions would have scored; empty until they are worked out).
:meth:`GameReport.as_json` is the object ``mlday simulate --json`` prints and
:meth:`GameReport.text` the breakdown it prints otherwise.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from math import fsum
from typing import Any

from game import ENGINE_VERSION
from game.core.rules import Rules
from game.core.scoring import Score, lessons, score
from game.core.state import Measurement, State
from game.core.view import MeasurementView, half_width, measurement_view
from game.replay.digest import state_digest
from game.replay.explain import Counterfactual
from game.scenario.load import LoadedScenario
from game.scenario.model import TrainingJob

FORMAT = "mlday-simulate"
VERSION = 2
"""Version 2 names quality by what it is, whatever the scenario's metric (``true_quality``
where version 1 said ``true_f1``), and says which metric that is (``metric``)."""
WIDTH = 92
"""The widest line of the readable report's lessons, quiz and counterfactuals."""


@dataclass(frozen=True, slots=True)
class ScenarioRef:
    """Which scenario file the game was played on."""

    id: str
    path: str
    sha256: str


@dataclass(frozen=True, slots=True)
class GoalResult:
    """A goal of the scenario and whether the game reached it."""

    id: str
    text: str
    points: float
    reached: bool


@dataclass(frozen=True, slots=True)
class SegmentReveal:
    """One segment of the reveal: the production model's true F1 next to what was measured."""

    segment: str
    true_f1: float
    measured_f1: float | None
    """The latest eval of the production model that measured this segment; None: never."""
    half_width: float | None
    """Half-width of the 95% interval of ``measured_f1``."""
    golden: int
    """Golden examples that eval used here (0 when never measured)."""


@dataclass(frozen=True, slots=True)
class LessonReport:
    """A debrief lesson that applied to the game."""

    title: str
    text: str


@dataclass(frozen=True, slots=True)
class QuizChoiceReport:
    """An answer to a quiz question, with what the player reads after picking it."""

    text: str
    correct: bool
    explanation: str


@dataclass(frozen=True, slots=True)
class QuizQuestion:
    """A multiple-choice question of the debrief."""

    question: str
    choices: tuple[QuizChoiceReport, ...]
    correct: int
    """Index of the correct choice."""


@dataclass(frozen=True, slots=True)
class GameReport:
    """Everything the end of one game shows; made by :func:`game_report`."""

    engine: str
    scenario: ScenarioRef
    seed: int
    policy: str | None
    """The headless policy that played, None for a human or a file of actions."""
    player: str
    score: Score
    goals: tuple[GoalResult, ...]
    budget: float
    spent: float
    money_left: float
    ledger: tuple[tuple[str, float], ...]
    """Dollars spent per item, items sorted by name."""
    production_model: str
    reveal: tuple[SegmentReveal, ...]
    measurements: tuple[MeasurementView, ...]
    """Every eval report of the game in order, with error bars."""
    lessons: tuple[LessonReport, ...]
    quiz: tuple[QuizQuestion, ...]
    actions_applied: int
    digest: str
    """The final-state digest, as in run files."""
    counterfactuals: tuple[Counterfactual, ...] = field(default=())
    metric: str = "F1"
    """The scenario's short label for its quality measure, such as F1 or Acc."""
    metric_name: str = "F1"
    """The scenario's name for its quality measure in sentences, such as F1 or accuracy."""
    struck: tuple[str, ...] = ()
    """What the risks that struck the production model's run did (the truth)."""
    traffic_unit: str = "conversations"
    """The scenario's word for many units of its traffic, such as conversations or notes."""

    def as_json(self) -> dict[str, Any]:
        """The ``mlday simulate --json`` object (documented in docs/run-files.md)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "engine": self.engine,
            "scenario": {
                "id": self.scenario.id,
                "path": self.scenario.path,
                "sha256": self.scenario.sha256,
            },
            "seed": self.seed,
            "policy": self.policy,
            "player": self.player,
            "metric": {"name": self.metric_name, "short": self.metric},
            "score": _score_json(self.score),
            "money": {
                "budget": _money(self.budget),
                "spent": _money(self.spent),
                "left": _money(self.money_left),
            },
            "ledger": {item: _money(dollars) for item, dollars in self.ledger},
            "production_model": self.production_model,
            "true_quality": {r.segment: _num(r.true_f1, 4) for r in self.reveal},
            "measured_quality": {r.segment: _num(r.measured_f1, 4) for r in self.reveal},
            "measurements": [_measurement_json(m) for m in self.measurements],
            "lessons": [lesson.title for lesson in self.lessons],
            "actions_applied": self.actions_applied,
            "digest": self.digest,
            "goals": [
                {"id": g.id, "text": g.text, "points": g.points, "reached": g.reached}
                for g in self.goals
            ],
            "reveal": [
                {
                    "segment": r.segment,
                    "true_quality": _num(r.true_f1, 4),
                    "measured_quality": _num(r.measured_f1, 4),
                    "half_width": _num(r.half_width, 4),
                    "golden": r.golden,
                }
                for r in self.reveal
            ],
            "debrief": {
                "lessons": [{"title": x.title, "text": x.text} for x in self.lessons],
                "quiz": [_question_json(q) for q in self.quiz],
            },
            "counterfactuals": [
                {"change": c.change, "score": c.score.total, "gain": c.gain, "moved": c.moved}
                for c in self.counterfactuals
            ],
        }

    def text(self) -> str:
        """The readable breakdown ``mlday simulate`` prints."""
        lines = self._header() + self._score_lines() + self._money_lines()
        lines += self._reveal_lines() + self._lesson_lines() + self._quiz_lines()
        lines += self._counterfactual_lines()
        lines += [f"Actions applied: {self.actions_applied}", f"Digest: {self.digest}"]
        return "\n".join(lines)

    def _header(self) -> list[str]:
        who = f"policy {self.policy}" if self.policy else "scripted actions"
        return [
            f"{self.scenario.id} (sha256 {self.scenario.sha256[:12]}), seed {self.seed}, "
            f"{who}, player {self.player}",
            "",
        ]

    def _score_lines(self) -> list[str]:
        lines = [f"Score {self.score.total} / 1000"]
        lines += [f"  {name:<12}{points:>8.1f}" for name, points in self.score.parts.items()]
        reached = sum(goal.reached for goal in self.goals)
        lines += ["", f"Goals reached: {reached} of {len(self.goals)}"]
        lines += [f"  [{'x' if goal.reached else ' '}] {goal.text}" for goal in self.goals]
        return [*lines, ""]

    def _money_lines(self) -> list[str]:
        left, budget = _dollars(_money(self.money_left)), _dollars(_money(self.budget))
        lines = [f"Money left: {left} of {budget}"]
        for item, dollars in sorted(self.ledger, key=lambda kv: (-_money_or_zero(kv[1]), kv[0])):
            lines.append(f"  {item:<28}{_dollars(_money(dollars)):>12}")
        return [*lines, ""]

    def _reveal_lines(self) -> list[str]:
        lines = [
            f"Production model: {self.production_model}",
            f"  {'segment':<12}{'true ' + self.metric:>9}{'measured ' + self.metric:>14}"
            f"{'95% +-':>9}",
        ]
        for reveal in self.reveal:
            true = _num(reveal.true_f1, 4)
            seen = _num(reveal.measured_f1, 4)
            bar = _num(reveal.half_width, 4)
            lines.append(
                f"  {reveal.segment:<12}{'n/a' if true is None else f'{true:.3f}':>9}"
                f"{'not measured' if seen is None else f'{seen:.3f}':>14}"
                f"{'' if bar is None else f'{bar:.3f}':>9}"
            )
        lines += [f"  Its run was struck: {text}" for text in self.struck]
        return [*lines, ""]

    def _lesson_lines(self) -> list[str]:
        if not self.lessons:
            return ["Lessons: none apply", ""]
        lines = ["Lessons:"]
        for lesson in self.lessons:
            lines.append(f"  - {lesson.title}")
            lines += _wrapped(lesson.text, "    ")
        return [*lines, ""]

    def _quiz_lines(self) -> list[str]:
        if not self.quiz:
            return []
        lines = ["Quiz:"]
        for number, question in enumerate(self.quiz, start=1):
            lines.append(f"  {number}. {question.question}")
            for choice in question.choices:
                lines.append(f"     [{'x' if choice.correct else ' '}] {choice.text}")
            explanation = question.choices[question.correct].explanation
            lines += _wrapped(explanation, "     ")
        return [*lines, ""]

    def _counterfactual_lines(self) -> list[str]:
        if not self.counterfactuals:
            return []
        lines = ["What one change would have done, under the same luck:"]
        for other in self.counterfactuals:
            moved = f" ({other.moved_text()})" if other.moved else ""
            lines += _wrapped(f"{other.change}: {other.gain:+d}{moved}", "  - ")
        return [*lines, ""]


def game_report(
    loaded: LoadedScenario,
    rules: Rules,
    state: State,
    *,
    seed: int,
    policy: str | None,
    player: str,
    actions: int,
    counterfactuals: tuple[Counterfactual, ...] = (),
) -> GameReport:
    """The report of a game as it stands (normally over: it reveals the truth)."""
    debrief = rules.scenario.debrief
    return GameReport(
        engine=ENGINE_VERSION,
        scenario=ScenarioRef(loaded.id, loaded.path, loaded.sha256),
        seed=seed,
        policy=policy,
        player=player,
        score=score(state, rules),
        goals=tuple(
            GoalResult(goal.id, goal.text, goal.points, bool(reached(state)))
            for goal, reached in rules.goals
        ),
        budget=rules.scenario.budget,
        spent=fsum(state.money.ledger.values()),
        money_left=state.money.balance,
        ledger=tuple(sorted(state.money.ledger.items())),
        production_model=state.models[state.production.model_index].id,
        reveal=reveal(state, rules),
        measurements=tuple(
            measurement_view(m, rules.segments, state.production.traffic_seen)
            for m in state.results.evals
        ),
        lessons=tuple(
            LessonReport(rules.lessons[i][0].title, rules.lessons[i][0].text)
            for i in lessons(state, rules)
        ),
        quiz=tuple(
            QuizQuestion(
                question.question,
                tuple(QuizChoiceReport(c.text, c.correct, c.explanation) for c in question.choices),
                next(i for i, c in enumerate(question.choices) if c.correct),
            )
            for question in debrief.quiz
        ),
        actions_applied=actions,
        digest=state_digest(state),
        counterfactuals=counterfactuals,
        metric=rules.words.metric_short,
        metric_name=rules.words.metric,
        struck=struck_texts(state, rules),
        traffic_unit=rules.words.unit_many,
    )


def struck_texts(state: State, rules: Rules) -> tuple[str, ...]:
    """What the risks that struck the production model's run did, as the scenario says."""
    model = state.models[state.production.model_index]
    job = model.source_job_index
    spec = rules.jobs[job] if job is not None else None
    if not isinstance(spec, TrainingJob):
        return ()
    return tuple(spec.risks[index].text or "a risk of the run struck" for index in model.risks)


def reveal(state: State, rules: Rules) -> tuple[SegmentReveal, ...]:
    """Per segment, the production model's true F1 next to its latest measurement there."""
    prod = state.models[state.production.model_index]
    latest: list[tuple[float, int] | None] = [None] * len(rules.segments)
    for measurement in state.results.evals:
        if measurement.model_id == prod.id:
            _keep_measured(latest, measurement)
    found: list[SegmentReveal] = []
    for segment, true_f1, seen in zip(rules.segments, prod.f1, latest, strict=True):
        if seen is None:
            found.append(SegmentReveal(segment, true_f1, None, None, 0))
        else:
            value, golden = seen
            found.append(SegmentReveal(segment, true_f1, value, half_width(value, golden), golden))
    return tuple(found)


def _keep_measured(latest: list[tuple[float, int] | None], measurement: Measurement) -> None:
    for index, (value, golden) in enumerate(zip(measurement.f1, measurement.golden, strict=True)):
        if value is not None and math.isfinite(value) and golden >= 1:
            latest[index] = (value, golden)


def _score_json(result: Score) -> dict[str, object]:
    """The score as run files write it, but for the true quality's name: ``true_quality``,
    in the scenario's metric (run files keep ``true_f1``, their format's name)."""
    return {
        "true_quality" if key == "true_f1" else key: value
        for key, value in result.as_dict().items()
    }


def _measurement_json(m: MeasurementView) -> dict[str, Any]:
    return {
        "run": m.run,
        "model": m.model,
        "tick": m.tick,
        "quality": {s.segment: _num(s.f1, 4) for s in m.segments},
        "quality_mix": _num(m.f1_mix, 4),
        "hallucination": _num(m.hallucination, 3),
        "quality_half_width": {s.segment: _num(s.half_width, 4) for s in m.segments},
        "quality_mix_half_width": _num(m.f1_mix_half_width, 4),
    }


def _question_json(question: QuizQuestion) -> dict[str, Any]:
    return {
        "question": question.question,
        "choices": [
            {"text": c.text, "correct": c.correct, "explanation": c.explanation}
            for c in question.choices
        ],
        "correct": question.correct,
    }


def _wrapped(text: str, indent: str) -> list[str]:
    """Text as indented lines of at most :data:`WIDTH` characters (none for no text)."""
    return textwrap.wrap(
        " ".join(text.split()), WIDTH, initial_indent=indent, subsequent_indent=indent
    )


def _num(value: float | None, digits: int) -> float | None:
    """A number rounded for JSON; None for a missing, NaN or infinite value."""
    if value is None or not math.isfinite(value):
        return None
    return round(value, digits)


def _money(value: float) -> float | None:
    return _num(value, 2)


def _money_or_zero(value: float) -> float:
    rounded = _money(value)
    return 0.0 if rounded is None else rounded


def _dollars(value: float | None) -> str:
    return "n/a" if value is None else f"${value:,.2f}"
