"""The debrief: how the day went, what was true, what would have changed the score.

Sections, in the order a player reads them (buttons along the top, or left and right):
the score and its parts; the reveal (what you measured against the truth, per segment);
what would have changed your score (the counterfactuals of :func:`game.replay.explain`,
each with the points it moves and a button that replays the changed game); the lessons
that applied, each linked to the career codex page it touches; the day in charts; and
the quiz, with feedback the moment an answer is picked. Keys: left and right between
sections; in the quiz, 1 to 9 answer and up and down change question; in "What if", 1 to 4
replay a change; in the lessons, up and down choose one and Enter opens its codex page;
Esc returns to the title screen. The foot of the screen plays
again, picks another scenario, opens the folder of the run file, opens the codex, or
returns to the title.
"""

from __future__ import annotations

import html
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pygame
import pygame_gui
from pygame_gui.core import ObjectID

from game.replay.explain import Counterfactual
from game.replay.replay import TimedAction
from game.session import GameReport, Session
from game.ui.codex_pages import page, page_for_lesson
from game.ui.formatting import clock_at, dollars, points
from game.ui.scene import Scene
from game.ui.scenes.codex import CodexScene
from game.ui.scenes.replay_viewer import ReplayViewerScene
from game.ui.theme import Palette
from game.ui.widgets.charts import (
    Bar,
    IntervalRow,
    Line,
    draw_interval_rows,
    draw_score_bars,
    render_line_chart,
)
from game.ui.widgets.text import set_fitted

if TYPE_CHECKING:
    from game.ui.app import App

log = logging.getLogger(__name__)

SECTIONS: tuple[tuple[str, str], ...] = (
    ("score", "Score"),
    ("reveal", "The reveal"),
    ("what_if", "What if"),
    ("lessons", "Lessons"),
    ("charts", "The day"),
    ("quiz", "Quiz"),
)
SECTION_KEYS = tuple(key for key, _ in SECTIONS)
MAX_WHAT_IFS = 4
DIGIT_KEYS = (
    pygame.K_1,
    pygame.K_2,
    pygame.K_3,
    pygame.K_4,
    pygame.K_5,
    pygame.K_6,
    pygame.K_7,
    pygame.K_8,
    pygame.K_9,
)
"""Keys 1 to 9: an answer of the quiz, or a change of "What if" to replay."""
MARGIN = 20
ROW = 40
GAP = 8

PART_MEANINGS = {
    "quality": "True F1 of the model in production at the end, on the real traffic mix.",
    "safety": "True hallucination rate of the model in production.",
    "budget": "Money left at the end; overspending takes points away.",
    "reliability": "Conversations served (fallback answers count half), less incidents.",
    "trust": "The trust of the people you work with, at the end of the day.",
    "goals": "The scenario's goals you reached.",
}

Callback = Callable[[], None]


@dataclass(frozen=True)
class WhatIf:
    """One change to the player's game, as the debrief shows it."""

    change: str
    gain: int
    moved: str
    """The score parts that moved: "quality +250, budget -11"."""
    actions: tuple[TimedAction, ...]
    first_tick: int
    """The first tick where the changed game's actions differ from the player's."""


def what_ifs(
    report: GameReport, played: Sequence[TimedAction], limit: int = MAX_WHAT_IFS
) -> list[WhatIf]:
    """The best one-decision changes of an explained report, with where each departs from
    the played actions."""
    return [
        WhatIf(c.change, c.gain, c.moved_text(), c.actions, _first_difference(played, c))
        for c in report.counterfactuals[:limit]
    ]


def _first_difference(played: Sequence[TimedAction], change: Counterfactual) -> int:
    for mine, theirs in zip(played, change.actions, strict=False):
        if mine != theirs:
            return min(mine.tick, theirs.tick)
    longer = played if len(played) > len(change.actions) else change.actions
    shorter = min(len(played), len(change.actions))
    return longer[shorter].tick if len(longer) > shorter else 0


def open_folder(folder: Path) -> None:
    """Show a folder in the system's file manager (without waiting for it)."""
    if sys.platform.startswith("win"):
        os.startfile(folder)  # type: ignore[attr-defined]  # only on Windows
        return
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    subprocess.Popen([opener, str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class DebriefScene(Scene):
    """The end of a game: the score, the truth, the counterfactuals, lessons and the quiz."""

    def __init__(
        self,
        app: App,
        session: Session,
        *,
        run_file: Path | None = None,
        on_play_again: Callback | None = None,
        on_pick_scenario: Callback | None = None,
        on_title: Callback | None = None,
        changes: list[WhatIf] | None = None,
    ) -> None:
        super().__init__(app)
        self.session = session
        self.report: GameReport = session.report(explained=changes is None)
        self.run_file = run_file
        self.changes = what_ifs(self.report, session.actions) if changes is None else changes
        self.section = SECTION_KEYS[0]
        self.lesson = 0
        self.question = 0
        self.answers: dict[int, int] = {}
        """The choice picked for each quiz question answered so far."""
        self._callbacks = {
            "#debrief_play_again": on_play_again,
            "#debrief_other_scenario": on_pick_scenario,
            "#debrief_title": on_title,
        }
        self.actions = {
            "#debrief_open_folder": self.open_run_folder,
            "#debrief_codex": lambda: self.open_codex(self._lesson_page()),
            "#debrief_lesson_codex": lambda: self.open_codex(self._lesson_page()),
            "#quiz_previous": lambda: self.show_question(self.question - 1),
            "#quiz_next": lambda: self.show_question(self.question + 1),
        }
        for object_id, callback in self._callbacks.items():
            if callback is not None:
                self.actions[object_id] = callback
        for key in SECTION_KEYS:
            self.actions[f"#debrief_tab_{key}"] = self._shower(key)
        for n in range(len(self.changes)):
            self.actions[f"#debrief_whatif_{n}"] = self._replayer(n)
        most_choices = max((len(q.choices) for q in self.report.quiz), default=0)
        for n in range(most_choices):
            self.actions[f"#quiz_choice_{n}"] = self._answerer(n)
        self._size = (0, 0)
        self._lesson_text: pygame_gui.elements.UITextBox | None = None
        self._lesson_button: pygame_gui.elements.UIButton | None = None

    # --- commands -------------------------------------------------------------------------

    def _shower(self, key: str) -> Callback:
        return lambda: self.show(key)

    def _replayer(self, n: int) -> Callback:
        return lambda: self.replay_change(n)

    def _answerer(self, n: int) -> Callback:
        return lambda: self.answer(n)

    def show(self, key: str) -> None:
        """Open a section of the debrief."""
        if key not in SECTION_KEYS:
            raise KeyError(f"no debrief section {key!r}")
        self.section = key
        self.layout(self._size)

    def show_question(self, index: int) -> None:
        """Show another quiz question (held within the quiz)."""
        self.question = max(0, min(index, len(self.report.quiz) - 1))
        self.layout(self._size)

    def answer(self, choice: int) -> None:
        """Pick an answer to the question shown; the feedback appears at once."""
        if not self.report.quiz or self.question in self.answers:
            return
        if not 0 <= choice < len(self.report.quiz[self.question].choices):
            return
        self.answers[self.question] = choice
        self.layout(self._size)

    def replay_change(self, n: int) -> None:
        """Open the replay viewer on the game with one change, where it first differs."""
        change = self.changes[n]
        self.app.stack.push(
            ReplayViewerScene(
                self.app,
                self.session.loaded,
                self.session.seed,
                change.actions,
                title=f"{change.change} ({points(change.gain)} points)",
                rules=self.session.rules,
                tick=change.first_tick,
            )
        )

    def open_codex(self, page_id: str) -> None:
        """Open the career codex at a page."""
        self.app.stack.push(CodexScene(self.app, page_id))

    def open_run_folder(self) -> None:
        """Show the folder holding the run file in the file manager."""
        if self.run_file is None:
            return
        try:
            open_folder(self.run_file.parent)
        except OSError as error:
            self.app.notify(f"cannot open {self.run_file.parent}: {error}")

    def _lesson_page(self) -> str:
        if not self.report.lessons:
            return "job"
        lesson = self.report.lessons[self.lesson]
        return page_for_lesson(lesson.title, lesson.text)

    # --- layout ---------------------------------------------------------------------------

    def layout(self, size: tuple[int, int]) -> None:
        """The header and section buttons, the open section, the buttons at the foot."""
        super().layout(size)
        self._size = size
        self.ui.clear_and_reset()
        width, height = size
        total = self.report.score.total
        heading = pygame_gui.elements.UILabel(
            pygame.Rect(MARGIN, MARGIN, width - 2 * MARGIN - 280, 48),
            "",
            self.ui,
            object_id=ObjectID("#debrief_heading", "@heading"),
        )
        set_fitted(heading, f"Debrief: {self.session.rules.scenario.title}")
        score_label = pygame_gui.elements.UILabel(
            pygame.Rect(width - MARGIN - 280, MARGIN - 4, 280, 56),
            f"{total} / 1000",
            self.ui,
            object_id=ObjectID("#score_total", "@right"),
        )
        score_label.tool_tip_text = "Your score, computed on the truth of what you shipped"
        tab_w = (width - 2 * MARGIN - GAP * (len(SECTIONS) - 1)) // len(SECTIONS)
        top = MARGIN + 60
        several_days = self.session.loaded.scenario.time.days > 1
        for n, (key, title) in enumerate(SECTIONS):
            if key == "charts" and several_days:
                title = "The days"
            button = pygame_gui.elements.UIButton(
                pygame.Rect(MARGIN + n * (tab_w + GAP), top, tab_w, ROW),
                title,
                self.ui,
                tool_tip_text=f"Show {title.lower()} (left and right keys move between these)",
                object_id=ObjectID(f"#debrief_tab_{key}", "@debrief_tab"),
            )
            if key == self.section:
                button.select()
        foot = height - MARGIN - ROW
        content = pygame.Rect(MARGIN, top + ROW + 14, width - 2 * MARGIN, foot - top - ROW - 28)
        builders: dict[str, Callable[[pygame.Rect], None]] = {
            "score": self._build_score,
            "reveal": self._build_reveal,
            "what_if": self._build_what_if,
            "lessons": self._build_lessons,
            "charts": self._build_charts,
            "quiz": self._build_quiz,
        }
        builders[self.section](content)
        self._build_foot(pygame.Rect(MARGIN, foot, width - 2 * MARGIN, ROW))

    def _build_foot(self, rect: pygame.Rect) -> None:
        no_run = "No run file was written for this game"
        buttons = (
            ("#debrief_play_again", "Play again", "Play this scenario again", None),
            ("#debrief_other_scenario", "Another scenario", "Pick another scenario", None),
            (
                "#debrief_open_folder",
                "Run file's folder",
                f"Open the folder holding the run file {self.run_file}",
                None if self.run_file is not None else no_run,
            ),
            ("#debrief_codex", "Career codex", "What the job is and how to get there", None),
            ("#debrief_title", "Title screen", "Back to the title screen", None),
        )
        width = (rect.width - GAP * (len(buttons) - 1)) // len(buttons)
        for n, (object_id, text, tip, blocked) in enumerate(buttons):
            if object_id in self._callbacks and self._callbacks[object_id] is None:
                blocked = "Not available from here"
            button = pygame_gui.elements.UIButton(
                pygame.Rect(rect.left + n * (width + GAP), rect.top, width, rect.height),
                text,
                self.ui,
                tool_tip_text=blocked or tip,
                object_id=ObjectID(object_id, "@menu_button"),
            )
            if blocked is not None:
                button.disable()

    def _palette(self) -> Palette:
        return Palette.from_manager(self.ui)

    def _image(self, rect: pygame.Rect, surface: pygame.Surface, object_id: str) -> None:
        pygame_gui.elements.UIImage(rect, surface, self.ui, object_id=object_id)

    def _text(self, rect: pygame.Rect, text: str, object_id: str) -> pygame_gui.elements.UITextBox:
        return pygame_gui.elements.UITextBox(text, rect, self.ui, object_id=object_id)

    # --- the score ------------------------------------------------------------------------

    def _build_score(self, rect: pygame.Rect) -> None:
        palette = self._palette()
        weights = self.session.rules.scenario.score.weights
        parts = self.report.score.parts
        bars_w = rect.width * 3 // 5
        row_h = min(44, rect.height // max(1, len(parts)))
        label_w = 230
        for n, (name, value) in enumerate(parts.items()):
            maximum = float(getattr(weights, name))
            y = rect.top + n * row_h
            label = pygame_gui.elements.UILabel(
                pygame.Rect(rect.left, y, label_w, row_h),
                f"{name}  {value:,.0f} / {maximum:,.0f}",
                self.ui,
                object_id=f"#part_{name}",
            )
            label.tool_tip_text = PART_MEANINGS.get(name, name)
            bar_rect = pygame.Rect(0, 0, bars_w - label_w - 2 * GAP, row_h)
            surface = pygame.Surface(bar_rect.size, pygame.SRCALPHA)
            draw_score_bars(
                surface,
                surface.get_rect(),
                [Bar("", value, maximum, palette.good)],
                palette,
                show_values=False,
            )
            self._image(
                pygame.Rect(rect.left + label_w, y, bar_rect.width, row_h),
                surface,
                f"#part_bar_{name}",
            )
        report = self.report
        lines = ["<b>Goals</b>"]
        for goal in report.goals:
            mark = "reached" if goal.reached else "missed"
            lines.append(f"{_e(goal.text)}: <b>{mark}</b> ({goal.points:g} points)")
        lines += [
            "",
            f"Money left: {dollars(report.money_left)} of {dollars(report.budget)}",
            f"Production model at the end: {_e(report.production_model)}",
            f"Its true {_e(report.metric)}: {report.score.true_f1:.3f}; true hallucination rate: "
            f"{report.score.true_hallucination:.1f}%",
            f"{_e(report.traffic_unit.capitalize())} served: {report.score.served_percent:.1f}%",
        ]
        lines += [f"Its run was struck: {_e(text)}" for text in report.struck]
        self._text(
            pygame.Rect(rect.left + bars_w + GAP, rect.top, rect.width - bars_w - GAP, rect.height),
            "<br>".join(lines),
            "#debrief_goals",
        )

    # --- the reveal -----------------------------------------------------------------------

    def _build_reveal(self, rect: pygame.Rect) -> None:
        names = {s.id: s.name for s in self.session.rules.scenario.segments}
        rows = [
            IntervalRow(names.get(r.segment, r.segment), r.measured_f1, r.half_width, r.true_f1)
            for r in self.report.reveal
        ]
        chart_h = min(rect.height // 2, 64 * len(rows) + 30)
        surface = pygame.Surface((rect.width, chart_h), pygame.SRCALPHA)
        draw_interval_rows(surface, surface.get_rect(), rows, self._palette())
        self._image(pygame.Rect(rect.topleft, (rect.width, chart_h)), surface, "#reveal_chart")
        lines = [
            f"<b>{_e(self.report.production_model)}</b>, the model in production at the end: "
            "the dot is what your last eval of it measured, with its 95% interval; the diamond "
            "is its true F1, which scored you."
        ]
        for reveal, row in zip(self.report.reveal, rows, strict=True):
            if reveal.measured_f1 is None:
                lines.append(
                    f"{_e(row.label)}: <b>never measured</b>; the truth was {reveal.true_f1:.3f}."
                )
                continue
            spread = reveal.half_width or 0.0
            inside = abs(reveal.measured_f1 - reveal.true_f1) <= spread
            verdict = "inside your error bar" if inside else "outside your error bar"
            lines.append(
                f"{_e(row.label)}: you measured {reveal.measured_f1:.3f} +-{spread:.3f} on "
                f"{reveal.golden} golden examples; the truth was {reveal.true_f1:.3f} "
                f"({verdict})."
            )
        self._text(
            pygame.Rect(
                rect.left, rect.top + chart_h + GAP, rect.width, rect.height - chart_h - GAP
            ),
            "<br>".join(lines),
            "#reveal_text",
        )

    # --- what would have changed the score ------------------------------------------------

    def _build_what_if(self, rect: pygame.Rect) -> None:
        if not self.changes:
            self._text(
                rect,
                "No single change to your decisions would have moved your score.",
                "#whatif_none",
            )
            return
        row_h = min(96, (rect.height - 40) // len(self.changes))
        pygame_gui.elements.UILabel(
            pygame.Rect(rect.left, rect.top, rect.width, 32),
            "What would have changed your score: your game replayed with one decision changed, "
            "the same luck",
            self.ui,
            object_id=ObjectID("#whatif_heading", "@small"),
        )
        button_w = 150
        for n, change in enumerate(self.changes):
            y = rect.top + 40 + n * row_h
            pygame_gui.elements.UILabel(
                pygame.Rect(rect.left, y, 90, row_h - GAP),
                points(change.gain),
                self.ui,
                object_id=ObjectID(f"#whatif_points_{n}", "@subheading"),
            )
            moved = change.moved
            self._text(
                pygame.Rect(rect.left + 96, y, rect.width - 96 - button_w - GAP, row_h - GAP),
                f"{_e(change.change)}<br><i>{_e(moved) or 'no part moved'}</i>",
                f"#whatif_text_{n}",
            )
            pygame_gui.elements.UIButton(
                pygame.Rect(rect.right - button_w, y, button_w, min(ROW, row_h - GAP)),
                "Replay it",
                self.ui,
                tool_tip_text="Watch the game with this one change, from where it differs",
                object_id=ObjectID(f"#debrief_whatif_{n}", "@menu_button"),
            )

    # --- lessons --------------------------------------------------------------------------

    def _build_lessons(self, rect: pygame.Rect) -> None:
        lessons = self.report.lessons
        if not lessons:
            self._text(rect, "No lesson applied to this game.", "#lessons_none")
            return
        list_w = rect.width * 2 // 5
        titles: list[str | tuple[str, str]] = [lesson.title for lesson in lessons]
        selection = pygame_gui.elements.UISelectionList(
            pygame.Rect(rect.left, rect.top, list_w, rect.height),
            titles,
            self.ui,
            default_selection=lessons[self.lesson].title,
            object_id="#lesson_list",
        )
        del selection
        right = rect.left + list_w + GAP
        self._lesson_text = self._text(
            pygame.Rect(right, rect.top, rect.right - right, rect.height - ROW - GAP),
            "",
            "#lesson_text",
        )
        self._lesson_button = pygame_gui.elements.UIButton(
            pygame.Rect(right, rect.bottom - ROW, rect.right - right, ROW),
            "",
            self.ui,
            tool_tip_text="Open the career codex at the page this lesson touches",
            object_id=ObjectID("#debrief_lesson_codex", "@link"),
        )
        self._show_lesson()

    def _show_lesson(self) -> None:
        lesson = self.report.lessons[self.lesson]
        shown = page(page_for_lesson(lesson.title, lesson.text))
        if self._lesson_text is not None:
            self._lesson_text.set_text(f"<b>{_e(lesson.title)}</b><br><br>{_e(lesson.text)}")
        if self._lesson_button is not None:
            set_fitted(self._lesson_button, f"In the career codex: {shown.title}")

    # --- charts ---------------------------------------------------------------------------

    def _build_charts(self, rect: pygame.Rect) -> None:
        palette = self._palette()
        rows = self.session.history.rows
        truth = self.session.history.truth()
        rules = self.session.rules
        metric = rules.words.metric_short
        step = max(1, len(rows) // 5)
        x_labels = [(i, clock_at(rules, row.hour)) for i, row in enumerate(rows) if i % step == 0]
        measured = [row.measured_f1 for row in rows]
        band = [
            None
            if row.measured_f1 is None or row.measured_f1_half_width is None
            else (
                row.measured_f1 - row.measured_f1_half_width,
                row.measured_f1 + row.measured_f1_half_width,
            )
            for row in rows
        ]
        top_h = rect.height // 2 - GAP // 2
        quality = render_line_chart(
            (rect.width, top_h),
            [
                Line(
                    f"measured {metric} (95% band)", measured, palette.quality_measured, band=band
                ),
                Line(f"true {metric}", [t.true_f1 for t in truth], palette.quality_true),
            ],
            palette,
            title="Quality of the model in production: what you measured, and the truth",
            x_labels=x_labels,
        )
        self._image(pygame.Rect(rect.topleft, (rect.width, top_h)), quality, "#chart_quality")
        half = (rect.width - GAP) // 2
        bottom_top = rect.top + top_h + GAP
        bottom_h = rect.bottom - bottom_top
        money_left = [row.money for row in rows]
        money = render_line_chart(
            (half, bottom_h),
            [Line("money left", money_left, palette.money)],
            palette,
            title="Budget",
            x_labels=x_labels,
            y_range=(min(0.0, *money_left), max(rules.scenario.budget, *money_left)),
            y_format="${:,.0f}",
        )
        self._image(pygame.Rect(rect.left, bottom_top, half, bottom_h), money, "#chart_budget")
        escalations = render_line_chart(
            (half, bottom_h),
            [Line("escalation rate", [r.escalation_rate for r in rows], palette.escalations)],
            palette,
            title="Escalations, percent of conversations",
            x_labels=x_labels,
            y_range=(0.0, None),
            y_format="{:.0f}%",
        )
        self._image(
            pygame.Rect(rect.left + half + GAP, bottom_top, half, bottom_h),
            escalations,
            "#chart_escalations",
        )

    # --- the quiz -------------------------------------------------------------------------

    def _build_quiz(self, rect: pygame.Rect) -> None:
        quiz = self.report.quiz
        if not quiz:
            self._text(rect, "This scenario has no quiz.", "#quiz_none")
            return
        question = quiz[self.question]
        right = sum(1 for q, picked in self.answers.items() if quiz[q].correct == picked)
        pygame_gui.elements.UILabel(
            pygame.Rect(rect.left, rect.top, rect.width, 28),
            f"Question {self.question + 1} of {len(quiz)}; "
            f"{right} right of {len(self.answers)} answered",
            self.ui,
            object_id=ObjectID("#quiz_progress", "@small"),
        )
        self._text(
            pygame.Rect(rect.left, rect.top + 32, rect.width, 64),
            f"<b>{_e(question.question)}</b>",
            "#quiz_question",
        )
        picked = self.answers.get(self.question)
        y = rect.top + 104
        for n, choice in enumerate(question.choices):
            text, tip, style = choice.text, "Pick this answer", "@quiz_choice"
            if picked is not None and choice.correct:
                text, tip, style = f"The right answer: {choice.text}", "Answered", "@quiz_right"
            elif picked == n:
                text, tip, style = f"Your answer: {choice.text}", "Answered", "@quiz_wrong"
            elif picked is not None:
                tip = "Answered"
            button = pygame_gui.elements.UIButton(
                pygame.Rect(rect.left, y, rect.width, ROW),
                "",
                self.ui,
                tool_tip_text=tip,
                object_id=ObjectID(f"#quiz_choice_{n}", style),
            )
            set_fitted(button, text, tip)
            if picked is not None:
                button.disable()
            y += ROW + GAP
        nav_y = rect.bottom - ROW
        feedback_h = max(ROW, nav_y - y - GAP)
        self._text(
            pygame.Rect(rect.left, y, rect.width, feedback_h),
            self._feedback(),
            "#quiz_feedback",
        )
        for object_id, text, x, blocked in (
            ("#quiz_previous", "Previous question", rect.left, self.question == 0),
            (
                "#quiz_next",
                "Next question",
                rect.right - 220,
                self.question == len(quiz) - 1,
            ),
        ):
            nav = pygame_gui.elements.UIButton(
                pygame.Rect(x, nav_y, 220, ROW),
                text,
                self.ui,
                tool_tip_text="This is the first question"
                if blocked and object_id == "#quiz_previous"
                else "This is the last question"
                if blocked
                else text,
                object_id=ObjectID(object_id, "@menu_button"),
            )
            if blocked:
                nav.disable()

    def _feedback(self) -> str:
        question = self.report.quiz[self.question]
        picked = self.answers.get(self.question)
        if picked is None:
            return "<i>Pick an answer: you will see at once whether it is right, and why.</i>"
        chosen = question.choices[picked]
        if chosen.correct:
            return f"<b>Right.</b> {_e(chosen.explanation)}"
        correct = question.choices[question.correct]
        return (
            f"<b>Not quite.</b> {_e(chosen.explanation)}<br><br>"
            f"The answer: <b>{_e(correct.text)}</b>. {_e(correct.explanation)}"
        )

    # --- events ---------------------------------------------------------------------------

    def handle_other(self, event: pygame.event.Event) -> bool:
        """Lesson picks, left and right between sections, Esc to the title."""
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION:
            titles = [lesson.title for lesson in self.report.lessons]
            if event.text in titles:
                self.lesson = titles.index(event.text)
                self._show_lesson()
                return True
            return False
        if event.type != pygame.KEYDOWN:
            return False
        if event.key in (pygame.K_LEFT, pygame.K_RIGHT):
            step = 1 if event.key == pygame.K_RIGHT else -1
            index = (SECTION_KEYS.index(self.section) + step) % len(SECTION_KEYS)
            self.show(SECTION_KEYS[index])
            return True
        if event.key == pygame.K_ESCAPE and self._callbacks["#debrief_title"] is not None:
            self.actions["#debrief_title"]()
            return True
        return self._section_key(event.key)

    def _section_key(self, key: int) -> bool:
        """Keys of the open section: digits pick, up and down move, Enter opens."""
        digit = DIGIT_KEYS.index(key) if key in DIGIT_KEYS else None
        if self.section == "quiz" and self.report.quiz:
            if digit is not None and digit < len(self.report.quiz[self.question].choices):
                self.answer(digit)
                return True
            if key in (pygame.K_UP, pygame.K_DOWN):
                self.show_question(self.question + (1 if key == pygame.K_DOWN else -1))
                return True
        if self.section == "what_if" and digit is not None and digit < len(self.changes):
            self.replay_change(digit)
            return True
        if self.section == "lessons" and self.report.lessons:
            if key in (pygame.K_UP, pygame.K_DOWN):
                step = 1 if key == pygame.K_DOWN else -1
                self.lesson = max(0, min(self.lesson + step, len(self.report.lessons) - 1))
                self.layout(self._size)
                return True
            if key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.open_codex(self._lesson_page())
                return True
        return False


def _e(text: object) -> str:
    return html.escape(str(text), quote=False)
