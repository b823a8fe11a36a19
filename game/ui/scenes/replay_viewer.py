"""The replay viewer: a recorded game, moved to any tick with a slider or the keys.

It re-simulates the game through :class:`game.session.Session` up to the chosen tick (the
actions of that tick applied) and shows what the player saw there, read-only: the clock,
money, trust and production figures, the allocation, the work, the jobs, the models and
their measurements, and the log. Keys: left and right one tick, page up and down four,
Home and End; Esc leaves.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pygame
import pygame_gui
from pygame_gui.core import ObjectID

from game.core.rules import Rules, prepare
from game.core.view import PlayerView
from game.replay.replay import TimedAction
from game.scenario.load import LoadedScenario
from game.session import Session
from game.ui.formatting import clock_at_tick, dollars
from game.ui.scene import Scene
from game.ui.theme import Palette
from game.ui.widgets.charts import draw_sparkline
from game.ui.widgets.text import set_fitted

if TYPE_CHECKING:
    from game.ui.app import App

MARGIN = 16
ROW = 36
PAGE_TICKS = 4
LOG_LINES = 60


class ReplayRefusedError(Exception):
    """A recorded action that the engine refuses: the recording is not this game's."""


def session_at(
    loaded: LoadedScenario, rules: Rules, seed: int, actions: Sequence[TimedAction], tick: int
) -> Session:
    """A session of the recorded game at boundary `tick`, the actions taken there applied."""
    session = Session.start(loaded, seed, rules=rules)
    for index, timed in enumerate(actions):
        if timed.tick > tick:
            break
        session.advance_to(timed.tick)
        reason = session.apply(timed.action)
        if reason is not None:
            raise ReplayRefusedError(f"action {index} at tick {timed.tick} is refused: {reason}")
    session.advance_to(tick)
    if tick >= rules.total_ticks:
        session.play_to_end()  # the final boundary: the game ends once it is answered
    return session


def final_tick(
    loaded: LoadedScenario, rules: Rules, seed: int, actions: Sequence[TimedAction]
) -> int:
    """The tick at which the recorded game ends."""
    session = session_at(loaded, rules, seed, actions, actions[-1].tick if actions else 0)
    session.play_to_end()
    return session.tick


class ReplayViewerScene(Scene):
    """A recorded game, shown at one tick at a time."""

    def __init__(
        self,
        app: App,
        loaded: LoadedScenario,
        seed: int,
        actions: Sequence[TimedAction],
        *,
        title: str,
        rules: Rules | None = None,
        tick: int = 0,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(app)
        self.loaded = loaded
        self.rules = rules if rules is not None else prepare(loaded.scenario)
        self.seed = seed
        self.recorded = tuple(actions)
        self.title = title
        self.last_tick = final_tick(loaded, self.rules, seed, self.recorded)
        self.tick = max(0, min(tick, self.last_tick))
        self.session = session_at(loaded, self.rules, seed, self.recorded, self.tick)
        self._on_close = on_close
        self.actions = {
            "#replay_start": lambda: self.go_to(0),
            "#replay_back": lambda: self.go_to(self.tick - 1),
            "#replay_forward": lambda: self.go_to(self.tick + 1),
            "#replay_end": lambda: self.go_to(self.last_tick),
            "#replay_close": self.close,
        }
        self._slider: pygame_gui.elements.UIHorizontalSlider | None = None
        self._labels: dict[str, pygame_gui.elements.UILabel] = {}
        self._boxes: dict[str, pygame_gui.elements.UITextBox] = {}
        self._spark: pygame_gui.elements.UIImage | None = None

    # --- moving ---------------------------------------------------------------------------

    def go_to(self, tick: int) -> None:
        """Show the game at another tick (held between the start and the end)."""
        tick = max(0, min(tick, self.last_tick))
        if tick == self.tick and self.session.tick == tick:
            return
        self.tick = tick
        self.session = session_at(self.loaded, self.rules, self.seed, self.recorded, tick)
        if self._slider is not None and self._slider.get_current_value() != tick:
            self._slider.set_current_value(tick)
        self._refresh()

    def close(self) -> None:
        """Leave the viewer."""
        if self._on_close is not None:
            self._on_close()
        else:
            self.app.stack.pop()

    # --- drawing --------------------------------------------------------------------------

    def layout(self, size: tuple[int, int]) -> None:
        """Controls on top, three read-only panels, the log at the foot."""
        super().layout(size)
        self.ui.clear_and_reset()
        width, height = size
        ui = self.ui
        heading = pygame_gui.elements.UILabel(
            pygame.Rect(MARGIN, MARGIN, width - 2 * MARGIN - 130, 32),
            "",
            ui,
            object_id=ObjectID("#replay_title", "@subheading"),
        )
        set_fitted(heading, self.title)
        pygame_gui.elements.UIButton(
            pygame.Rect(width - MARGIN - 120, MARGIN, 120, 32),
            "Back",
            ui,
            tool_tip_text="Leave the replay (Esc)",
            object_id=ObjectID("#replay_close", "@menu_button"),
        )
        y = MARGIN + 44
        buttons = (
            ("#replay_start", "|<", "To the start (Home)"),
            ("#replay_back", "<", "One tick back (Left)"),
        )
        x = MARGIN
        for object_id, text, tip in buttons:
            pygame_gui.elements.UIButton(
                pygame.Rect(x, y, 48, ROW), text, ui, tool_tip_text=tip, object_id=object_id
            )
            x += 56
        clock_w = 230
        slider_w = width - x - 2 * 56 - clock_w - MARGIN - 8
        self._slider = pygame_gui.elements.UIHorizontalSlider(
            pygame.Rect(x, y, slider_w, ROW),
            self.tick,
            (0, max(1, self.last_tick)),
            ui,
            object_id="#replay_slider",
        )
        x += slider_w + 8
        for object_id, text, tip in (
            ("#replay_forward", ">", "One tick forward (Right)"),
            ("#replay_end", ">|", "To the end (End)"),
        ):
            pygame_gui.elements.UIButton(
                pygame.Rect(x, y, 48, ROW), text, ui, tool_tip_text=tip, object_id=object_id
            )
            x += 56
        self._labels = {
            "clock": pygame_gui.elements.UILabel(
                pygame.Rect(x, y, clock_w, ROW), "", ui, object_id="#replay_clock"
            )
        }
        top = y + ROW + 12
        log_h = max(120, (height - top) // 3)
        panel_h = height - top - log_h - 2 * MARGIN
        column = (width - 4 * MARGIN) // 3
        left = MARGIN
        for key, object_id in (
            ("money", "#replay_money"),
            ("trust", "#replay_trust"),
            ("escalations", "#replay_escalations"),
        ):
            self._labels[key] = pygame_gui.elements.UILabel(
                pygame.Rect(left, top, column, 28), "", ui, object_id=object_id
            )
            top += 30
        spark_h = 40
        self._spark = pygame_gui.elements.UIImage(
            pygame.Rect(left, top, column, spark_h),
            pygame.Surface((column, spark_h), pygame.SRCALPHA),
            ui,
            object_id="#replay_sparklines",
        )
        top += spark_h + 6
        first_top = y + ROW + 12
        self._boxes = {
            "numbers": pygame_gui.elements.UITextBox(
                "",
                pygame.Rect(left, top, column, first_top + panel_h - top),
                ui,
                object_id="#replay_numbers",
            ),
            "work": pygame_gui.elements.UITextBox(
                "",
                pygame.Rect(left + column + MARGIN, first_top, column, panel_h),
                ui,
                object_id="#replay_work",
            ),
            "models": pygame_gui.elements.UITextBox(
                "",
                pygame.Rect(left + 2 * (column + MARGIN), first_top, column, panel_h),
                ui,
                object_id="#replay_models",
            ),
            "log": pygame_gui.elements.UITextBox(
                "",
                pygame.Rect(MARGIN, first_top + panel_h + MARGIN, width - 2 * MARGIN, log_h),
                ui,
                object_id="#replay_log",
            ),
        }
        self._refresh()

    def _refresh(self) -> None:
        view = self.session.view()
        end = " (the end)" if self.session.over else ""
        texts = {
            "clock": f"Tick {self.tick} of {self.last_tick}, "
            f"{clock_at_tick(self.rules, self.tick)}{end}",
            "money": f"Money: {dollars(view.money)} of {dollars(self.rules.scenario.budget)}",
            "trust": f"Trust: {view.trust:.0f} / 100",
            "escalations": f"Escalations: {view.escalation_rate:.1f}% of {view.unit_many}",
        }
        for key, text in texts.items():
            label = self._labels.get(key)
            if label is not None:
                set_fitted(label, text)
        writers: dict[str, Callable[[PlayerView], str]] = {
            "numbers": _numbers_html,
            "work": _work_html,
            "models": lambda seen: _models_html(seen, self.rules),
            "log": lambda seen: _log_html(seen, self.rules),
        }
        for key, write in writers.items():
            box = self._boxes.get(key)
            if box is not None:
                box.set_text(write(view))
        self._draw_sparklines()

    def _draw_sparklines(self) -> None:
        if self._spark is None:
            return
        palette = Palette.from_manager(self.ui)
        width, height = self._spark.rect.size
        surface = pygame.Surface((width, height), pygame.SRCALPHA)
        rows = self.session.history.rows
        half = (width - 8) // 2
        draw_sparkline(
            surface,
            pygame.Rect(0, 2, half, height - 4),
            [row.money for row in rows],
            palette.money,
            low=0.0,
        )
        draw_sparkline(
            surface,
            pygame.Rect(half + 8, 2, half, height - 4),
            [row.escalation_rate for row in rows],
            palette.escalations,
            low=0.0,
        )
        self._spark.set_image(surface)

    def handle_other(self, event: pygame.event.Event) -> bool:
        """The slider and the keys move in time; Esc leaves."""
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED and event.ui_element is self._slider:
            self.go_to(round(event.value))
            return True
        if event.type != pygame.KEYDOWN:
            return False
        moves: dict[int, Callable[[], int]] = {
            pygame.K_LEFT: lambda: self.tick - 1,
            pygame.K_RIGHT: lambda: self.tick + 1,
            pygame.K_PAGEUP: lambda: self.tick - PAGE_TICKS,
            pygame.K_PAGEDOWN: lambda: self.tick + PAGE_TICKS,
            pygame.K_HOME: lambda: 0,
            pygame.K_END: lambda: self.last_tick,
        }
        if event.key in moves:
            self.go_to(moves[event.key]())
            return True
        if event.key == pygame.K_ESCAPE:
            self.close()
            return True
        return False


def _e(text: object) -> str:
    return html.escape(str(text), quote=False)


def _numbers_html(view: PlayerView) -> str:
    lines = ["<b>Your hours</b>"]
    lines += [f"{_e(name)}: {share}%" for name, share in view.allocation.items()]
    lines += ["", "<b>Production</b>", f"model: {_e(view.production_model)}"]
    lines.append(f"reliability: {view.reliability:.0f}, traffic x{view.spike:.1f}")
    down = ", ".join(_e(s) for s in view.outage_segments)
    lines.append(f"outage: <b>down</b> ({down})" if view.outage else "outage: none")
    lines.append(f"incidents: {len(view.incidents)}")
    lines.append("traffic: " + ", ".join(f"{_e(s)} {p:.0f}%" for s, p in view.traffic.items()))
    lines.append("golden: " + ", ".join(f"{_e(s)} {n}" for s, n in view.golden.items()))
    return "<br>".join(lines)


def _work_html(view: PlayerView) -> str:
    lines = ["<b>Queues</b>"]
    names = {task.id: task.name for task in view.tasks}
    for category, queue in view.queues.items():
        shown = ", ".join(_e(names.get(task, task)) for task in queue) or "empty"
        lines.append(f"{_e(category)}: {shown}")
    done = [task.name for task in view.tasks if task.status == "done"]
    lines += ["", "<b>Done</b>", _e(", ".join(done) or "nothing yet"), "", "<b>Jobs</b>"]
    if not view.runs:
        lines.append("none started")
    for run in view.runs:
        share = run.progress / run.hours if run.hours > 0 else 1.0
        model = f" on {_e(run.model)}" if run.model else ""
        lines.append(f"{_e(run.job)}{model}: {_e(run.status)}, {share:.0%}, {dollars(run.billed)}")
    return "<br>".join(lines)


def _models_html(view: PlayerView, rules: Rules) -> str:
    names = {segment.id: segment.name for segment in rules.scenario.segments}
    lines = ["<b>Models</b> (what the evals said)"]
    for model in view.model_views:
        live = " (live)" if model.in_production else ""
        lines.append(f"<b>{_e(model.id)}</b>{live}")
        if not model.measurements:
            lines.append("  not measured")
            continue
        latest = model.measurements[-1]
        for segment in latest.segments:
            if segment.f1 is None:
                lines.append(f"  {_e(names.get(segment.segment, segment.segment))}: not measured")
            else:
                bar = f" +-{segment.half_width:.2f}" if segment.half_width is not None else ""
                name = names.get(segment.segment, segment.segment)
                lines.append(f"  {_e(name)}: {_e(view.metric_short)} {segment.f1:.2f}{bar}")
    return "<br>".join(lines)


def _log_html(view: PlayerView, rules: Rules) -> str:
    entries = view.log[-LOG_LINES:]
    if not entries:
        return "<i>Nothing has happened yet.</i>"
    return "<br>".join(
        f"{clock_at_tick(rules, entry.tick)}  {_e(entry.text)}" for entry in reversed(entries)
    )
