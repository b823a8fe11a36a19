"""The play screen: the whole board at a glance, the clock, and every action of the game.

Panels, left to right: your hours (the allocation) and the backlog; the four queues and
the jobs; the models and production; the log along the bottom; the clock, money and
trust along the top. Each panel is rebuilt only when what it shows has changed. Every
button's action goes through :class:`~game.ui.game.Game`; a refused one is a disabled
button whose tooltip gives the engine's reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui

from game.core.view import EventView, PlayerView, RunView, TaskView
from game.scenario.actions import (
    Action,
    Allocate,
    CancelTask,
    QueueTask,
    RestartJob,
    Ship,
    StartJob,
    StopJob,
)
from game.scenario.types import CATEGORIES
from game.session import LegalActions, Refusal
from game.ui.game import Game
from game.ui.scene import Command, Scene
from game.ui.theme import BACKDROP, Palette
from game.ui.widgets import allocation as alloc
from game.ui.widgets.build import (
    bare_panel,
    button,
    draw_panel_frames,
    label,
)
from game.ui.widgets.cards import (
    CARD_HEIGHT,
    card_details,
    done_summary,
    task_button_id,
    task_card,
)
from game.ui.widgets.charts import draw_sparkline
from game.ui.widgets.log import LogLine, LogView
from game.ui.widgets.text import set_fitted

if TYPE_CHECKING:
    from game.ui.app import App

SECONDS_PER_TICK: dict[str, float] = {"1": 2.0, "2": 1.0, "4": 0.5, "max": 0.0}
"""Real seconds per tick at each speed (max: a tick a frame)."""
TOP_BAR = 44
GAP = 6
HEADER = 24
ROW = 28
PANEL_HEADERS: dict[str, tuple[str, str]] = {
    "backlog": (
        "Backlog",
        "Tasks you may take on. Click one to put it in its category's queue: your hours in "
        "that category work through the queue in order.",
    ),
    "queues": (
        "Queues",
        "Queued tasks by category, worked in order by that category's hours. Hours owed to "
        "events' answers are worked first. Click a task to take it out.",
    ),
    "jobs": (
        "Jobs",
        "Labeling and training jobs you can start, and every run so far. Running jobs bill "
        "by the hour.",
    ),
    "models": (
        "Models",
        "Every model and what evals measured of it, with 95% error bars from the golden "
        "examples. True quality is revealed only at the end.",
    ),
    "production": ("Production", "The live service, as the dashboards show it."),
}
FIGURES: tuple[tuple[str, str], ...] = (
    (
        "escalations",
        "Share of conversations handed to a person in the last half hour, as the dashboard "
        "showed it (noisy).",
    ),
    (
        "served",
        "Requests served so far, percent of all conversations (degraded ones count half).",
    ),
    ("money", "Money left, over the day."),
    ("trust", "Trust, over the day."),
)


@dataclass(frozen=True, slots=True)
class Geometry:
    """Where each panel goes for a window size."""

    top: pygame.Rect
    hours: pygame.Rect
    backlog: pygame.Rect
    queues: pygame.Rect
    jobs: pygame.Rect
    models: pygame.Rect
    production: pygame.Rect
    log: pygame.Rect

    @classmethod
    def of(cls, size: tuple[int, int]) -> Geometry:
        """Three columns over a log, under a top bar."""
        width, height = size
        log_height = max(96, height // 5)
        body_top = TOP_BAR + GAP
        body_height = height - body_top - log_height - 2 * GAP
        column = (width - 4 * GAP) // 3
        xs = [GAP + n * (column + GAP) for n in range(3)]
        hours_height = 196
        upper = body_height * 11 // 20
        return cls(
            top=pygame.Rect(0, 0, width, TOP_BAR),
            hours=pygame.Rect(xs[0], body_top, column, hours_height),
            backlog=pygame.Rect(
                xs[0], body_top + hours_height + GAP, column, body_height - hours_height - GAP
            ),
            queues=pygame.Rect(xs[1], body_top, column, upper),
            jobs=pygame.Rect(xs[1], body_top + upper + GAP, column, body_height - upper - GAP),
            models=pygame.Rect(xs[2], body_top, column, upper),
            production=pygame.Rect(
                xs[2], body_top + upper + GAP, column, body_height - upper - GAP
            ),
            log=pygame.Rect(GAP, height - log_height - GAP, width - 2 * GAP, log_height),
        )


def clock_text(loaded_start: str, hour: float, hours_per_day: float) -> tuple[str, str]:
    """'Day 1 · 10:30' and the tooltip's 'hour 1.5 of the day'."""
    start_h, start_m = (int(part) for part in loaded_start.split(":"))
    day = int(hour // hours_per_day) + 1
    into = hour - (day - 1) * hours_per_day
    minutes = start_h * 60 + start_m + round(into * 60)
    return f"Day {day} · {minutes // 60:02d}:{minutes % 60:02d}", f"hour {into:g} of the day"


def money(value: float) -> str:
    """'$1,234' or '-$56'."""
    return f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}"


def run_text(run: RunView) -> str:
    """A run's line: progress and money, or why it failed."""
    if run.failure:
        return f"{run.id}: failed: {run.failure}"
    model = f" on {run.model}" if run.model else ""
    return f"{run.id}{model}: {run.status}, {run.progress:g}/{run.hours:g} h, {money(run.billed)}"


def bill_text(ledger: dict[str, float]) -> str:
    """The itemised bill, most expensive first."""
    if not ledger:
        return "Nothing spent yet."
    items = sorted(ledger.items(), key=lambda item: (-item[1], item[0]))
    lines = [f"{name}: {money(dollars)}" for name, dollars in items]
    return "Spent so far:\n" + "\n".join(lines) + f"\nTotal: {money(sum(ledger.values()))}"


class PlayScene(Scene):
    """The game being played."""

    name = "play"
    paints_backdrop = True

    def __init__(self, app: App, game: Game) -> None:
        super().__init__(app)
        self.game = game
        self.speed = app.options.speed if app.options.speed in SECONDS_PER_TICK else "1"
        self.paused = app.options.autoplay is None
        """A person's game starts paused: space (or Play) starts the clock."""
        self.elapsed = 0.0
        self.view: PlayerView = game.session.view()
        self.legal: LegalActions = game.session.legal_actions()
        self.shares: tuple[int, int, int, int] = self._current_shares()
        self.dismissed: set[tuple[int, str]] = set()
        """Events the player chose to answer later, by tick and id."""
        self.queue: list[Action] = []
        """The autoplayer's actions still to apply at this boundary."""
        self._static: dict[str, Command] = {
            "#pause": self.toggle_pause,
            "#speed_1": lambda: self.set_speed("1"),
            "#speed_2": lambda: self.set_speed("2"),
            "#speed_4": lambda: self.set_speed("4"),
            "#rewind": self.open_rewind,
            "#menu": self.open_menu,
            "#events_waiting": self.open_waiting_event,
            "#preset_even": lambda: self.set_shares(alloc.PRESETS["even"]),
            "#preset_lesson": lambda: self.set_shares(alloc.PRESETS["lesson"]),
        }
        self._dynamic: dict[str, Command] = {}
        self._signatures: dict[str, Any] = {}
        self._stale: dict[str, None] = {}
        """The panels to rebuild, one a frame, in order (a dict as an ordered set)."""
        self._panels: dict[str, pygame_gui.core.UIContainer] = {}
        self._backdrop: pygame.Surface | None = None
        """The window's background and the panels' frames, drawn once per layout."""
        self._headers: dict[str, pygame_gui.elements.UILabel] = {}
        self._scrolls: dict[str, pygame_gui.elements.UIScrollingContainer] = {}
        self._card_widgets: dict[
            tuple[str, str], tuple[pygame_gui.elements.UILabel, pygame_gui.elements.UIStatusBar]
        ] = {}
        self._run_widgets: dict[
            str, tuple[pygame_gui.elements.UILabel, pygame_gui.elements.UIStatusBar]
        ] = {}
        self._figures: list[
            tuple[pygame_gui.elements.UILabel, pygame_gui.elements.UIImage, str]
        ] = []
        self._incidents: pygame_gui.elements.UILabel | None = None
        self._sliders: dict[pygame_gui.core.UIElement, int] = {}
        self._share_labels: list[pygame_gui.elements.UILabel] = []
        self._switch_label: pygame_gui.elements.UILabel | None = None
        self._top: dict[str, pygame_gui.core.UIElement] = {}
        self._log: LogView | None = None
        self._log_lines = 0
        self._sparks: dict[str, tuple[pygame_gui.elements.UIImage, str]] = {}
        self.geometry = Geometry.of(app.logical_size())
        self.palette: Palette | None = None
        self.descriptions = {t.id: t.description for t in game.loaded.scenario.tasks}
        self.job_text = {j.id: j.description for j in game.loaded.scenario.jobs}
        self.hours_per_day = game.loaded.scenario.time.hours_per_day
        self.start_clock = game.loaded.scenario.time.start_clock

    # --- building ------------------------------------------------------------------------

    def layout(self, size: tuple[int, int]) -> None:
        """Build every panel for the window size."""
        super().layout(size)
        self.ui.clear_and_reset()
        self.palette = Palette.from_manager(self.ui)
        self.geometry = Geometry.of(size)
        self._signatures.clear()
        self._stale.clear()
        self._panels.clear()
        self._build_top()
        self._build_hours()
        for key, (title, tip) in PANEL_HEADERS.items():
            self._frame(key, title, tip)
        self._build_production(self.geometry.production)
        self._log = None
        self._paint_backdrop(size)
        self.refresh()

    def _paint_backdrop(self, size: tuple[int, int]) -> None:
        backdrop = pygame.Surface(size).convert()
        backdrop.fill(BACKDROP)
        g = self.geometry
        frames = [g.top, g.hours, g.backlog, g.queues, g.jobs, g.models, g.production]
        draw_panel_frames(self.ui, backdrop, frames)
        self._backdrop = backdrop

    def draw(self, surface: pygame.Surface) -> None:
        """The backdrop with the panels' frames, then the widgets."""
        if self._backdrop is None:
            surface.fill(BACKDROP)
        else:
            surface.blit(self._backdrop, (0, 0))
        super().draw(surface)

    def _frame(self, key: str, title: str, tooltip: str) -> None:
        """A panel with a header; list panels get a scrolling area under it."""
        rect: pygame.Rect = getattr(self.geometry, key)
        box = bare_panel(self.ui, rect, object_id=f"#{key}_panel")
        self._panels[key] = box
        self._headers[key] = label(
            self.ui,
            pygame.Rect(6, 2, rect.width - 12, HEADER),
            title,
            container=box,
            class_id="@subheading",
            tooltip=tooltip,
        )
        if key != "production":
            self._scrolls[key] = pygame_gui.elements.UIScrollingContainer(
                pygame.Rect(2, HEADER + 4, rect.width - 8, rect.height - HEADER - 10),
                self.ui,
                container=box,
                allow_scroll_x=False,
            )

    def resume(self) -> None:
        """Back on top: show the board as it now stands, and any event that waits."""
        self.refresh()

    def refresh(self, *, spread: bool = False) -> None:
        """Read the view again and rebuild the panels whose contents changed; with
        ``spread`` (a tick of the running clock), the panels are rebuilt in the frames that
        follow, one a frame (:attr:`stale_panels`), so no frame builds them all."""
        session = self.game.session
        self.view = session.view()
        self.legal = session.legal_actions()
        self.actions = {**self._static, **self._dynamic}
        self._update_top()
        self._update_hours()
        for key, (signature, build) in self._panel_makers().items():
            self._panel(key, signature(), build, now=not spread)
        self._update_headers()
        self._update_progress()
        self._update_production()
        self._update_log()
        self.actions = {**self._static, **self._dynamic}

    def _panel_makers(
        self,
    ) -> dict[str, tuple[Callable[[], Any], Callable[[pygame.Rect], None]]]:
        """Each list panel's signature (what it shows) and builder, in reading order."""
        return {
            "backlog": (self._backlog_signature, self._build_backlog),
            "queues": (self._queues_signature, self._build_queues),
            "jobs": (self._jobs_signature, self._build_jobs),
            "models": (self._models_signature, self._build_models),
        }

    @property
    def stale_panels(self) -> list[str]:
        """The list panels that show an earlier board, waiting for their frame to be rebuilt."""
        return list(self._stale)

    def _build_stale_panel(self) -> None:
        """Rebuild the first stale panel from the board as it now stands."""
        if not self._stale:
            return
        key = next(iter(self._stale))
        signature, build = self._panel_makers()[key]
        self._panel(key, signature(), build)
        self._update_headers()
        self._update_progress()
        self.actions = {**self._static, **self._dynamic}

    def _panel(
        self, key: str, signature: Any, build: Callable[[pygame.Rect], None], *, now: bool = True
    ) -> None:
        if self._signatures.get(key) == signature:
            self._stale.pop(key, None)
            return
        if not now:
            self._stale[key] = None
            return
        self._stale.pop(key, None)
        self._signatures[key] = signature
        self._scrolls[key].get_container().clear()
        self._card_widgets = {k: w for k, w in self._card_widgets.items() if k[0] != key}
        if key == "jobs":
            self._run_widgets.clear()
        for object_id in [k for k in self._dynamic if k.startswith(f"#{key}:")]:
            del self._dynamic[object_id]
        rect: pygame.Rect = getattr(self.geometry, key)
        build(rect)

    def _update_headers(self) -> None:
        view = self.view
        open_tasks = sum(1 for t in view.tasks if t.status == "open")
        owed = sum(view.owed.values())
        texts = {
            "backlog": f"Backlog ({open_tasks} open)",
            "queues": "Queues" + (f" · {owed:g} h owed" if owed > 0 else ""),
            "production": "Production" + (outage_label(view) if view.outage else ""),
        }
        for key, text in texts.items():
            set_fitted(self._headers[key], text)

    def _update_progress(self) -> None:
        """Progress and money of tasks and runs, changed in place every tick."""
        tasks = {task.id: task for task in self.view.tasks}
        for (_, task_id), (details, bar) in self._card_widgets.items():
            task = tasks[task_id]
            if task is not None:
                set_fitted(details, card_details(task))
                bar.percent_full = min(1.0, task.hours_done / task.hours) if task.hours else 0.0
        for run in self.view.runs:
            found = self._run_widgets.get(run.id)
            if found is not None:
                text_label, bar = found
                set_fitted(text_label, run_text(run))
                bar.percent_full = min(1.0, run.progress / run.hours) if run.hours else 0.0

    def _register(self, panel_key: str, object_id: str, command: Command) -> str:
        """Put a dynamic button's command in the actions table (cleared with its panel)."""
        self._dynamic[f"#{panel_key}:{object_id}"] = command
        self._dynamic[object_id] = command
        return object_id

    def _refused(self, action: Action) -> str | None:
        refusal = self.legal.refusal(action)
        return None if refusal is None else refusal.text

    # --- the top bar ---------------------------------------------------------------------

    def _build_top(self) -> None:
        g = self.geometry.top
        bar = bare_panel(self.ui, g, object_id="#top_bar")
        self._top = {"bar": bar}
        x = 8
        self._top["clock"] = label(self.ui, pygame.Rect(x, 8, 150, 28), "", container=bar)
        x += 154
        self._top["pause"] = button(
            self.ui, pygame.Rect(x, 6, 76, 30), "Play", "#pause", container=bar
        )
        x += 80
        for speed in ("1", "2", "4"):
            self._top[f"speed_{speed}"] = button(
                self.ui,
                pygame.Rect(x, 6, 40, 30),
                f"{speed}x",
                f"#speed_{speed}",
                container=bar,
                tooltip=f"Speed {speed}x: a half hour every {SECONDS_PER_TICK[speed]:g} s "
                f"(key {('1', '2', '4').index(speed) + 1})",
            )
            x += 44
        right = g.width - 8
        self._top["menu"] = button(
            self.ui,
            pygame.Rect(right - 70, 6, 70, 30),
            "Menu",
            "#menu",
            container=bar,
            tooltip="The pause menu (Esc)",
        )
        right -= 76
        self._top["rewind"] = button(
            self.ui,
            pygame.Rect(right - 84, 6, 84, 30),
            "Rewind",
            "#rewind",
            container=bar,
            tooltip="Go back to an earlier hour (R)",
            blocked=None if self.game.rewind else "rewinding is turned off in this game",
        )
        right -= 90
        self._top["events"] = button(
            self.ui,
            pygame.Rect(right - 150, 6, 150, 30),
            "",
            "#events_waiting",
            container=bar,
            class_id="@primary",
        )
        right -= 156
        space = right - x - 8
        trust_width = min(110, space // 4)
        self._top["trust"] = label(
            self.ui, pygame.Rect(right - trust_width, 8, trust_width, 28), "", container=bar
        )
        right -= trust_width + 6
        self._top["money"] = label(
            self.ui, pygame.Rect(x + 8, 8, right - x - 8, 28), "", container=bar
        )

    def _update_top(self) -> None:
        view = self.view
        clock, hour_tip = clock_text(self.start_clock, view.hour, self.hours_per_day)
        total = f"{view.hour:g} of {view.total_hours:g} hours played"
        set_fitted(self._label("clock"), clock, f"The time in the scenario: {hour_tip}; {total}.")
        pause = self._button("pause")
        set_fitted(
            pause,
            "Play" if self.paused else "Pause",
            "Start the clock (space)" if self.paused else "Stop the clock (space)",
        )
        for speed in ("1", "2", "4"):
            widget = self._button(f"speed_{speed}")
            if speed == self.speed:
                widget.select()
            else:
                widget.unselect()
        burn = self._burn_rate()
        set_fitted(
            self._label("money"),
            f"{money(view.money)} left · burning {money(burn)}/h",
            "Money left of the budget, and what the last half hour cost per hour "
            "(serving, API calls, jobs).\n\n" + bill_text(view.ledger),
        )
        set_fitted(
            self._label("trust"),
            f"Trust {view.trust:.0f}",
            "How much the business trusts your team, 0 to 100: writing and good results "
            "raise it, incidents lower it.",
        )
        waiting = len(view.events)
        events = self._button("events")
        if waiting:
            events.show()
            set_fitted(
                events,
                f"{waiting} event{'s' if waiting > 1 else ''} waiting",
                "Answer the events that wait; unanswered, each takes its default when "
                "the clock moves.",
            )
        else:
            events.hide()

    def _label(self, key: str) -> pygame_gui.elements.UILabel:
        widget = self._top[key]
        assert isinstance(widget, pygame_gui.elements.UILabel)
        return widget

    def _button(self, key: str) -> pygame_gui.elements.UIButton:
        widget = self._top[key]
        assert isinstance(widget, pygame_gui.elements.UIButton)
        return widget

    def _burn_rate(self) -> float:
        """Dollars an hour spent over the last tick."""
        rows = self.game.session.history.rows
        if len(rows) < 2:
            return 0.0
        last, before = rows[-1], rows[-2]
        hours = last.hour - before.hour
        return (last.spent - before.spent) / hours if hours > 0 else 0.0

    # --- your hours ----------------------------------------------------------------------

    def _current_shares(self) -> tuple[int, int, int, int]:
        a = self.view.allocation
        return (a["research"], a["data"], a["infra"], a["writing"])

    def _build_hours(self) -> None:
        rect = self.geometry.hours
        box = bare_panel(self.ui, rect, object_id="#hours_panel")
        inner = rect.width - 12
        label(
            self.ui,
            pygame.Rect(6, 2, inner, HEADER),
            "Your hours",
            container=box,
            class_id="@subheading",
            tooltip="How you split your working time across the four kinds of work. "
            "The split applies from the next half hour.",
        )
        self._sliders = {}
        self._share_labels = []
        name_width = 70
        value_width = 46
        for n, category in enumerate(CATEGORIES):
            top = HEADER + 4 + n * 28
            label(
                self.ui,
                pygame.Rect(6, top, name_width, 24),
                category.capitalize(),
                container=box,
                tooltip=_CATEGORY_HELP[category],
            )
            slider = pygame_gui.elements.UIHorizontalSlider(
                pygame.Rect(6 + name_width, top, inner - name_width - value_width - 4, 24),
                self.shares[n],
                (0, 100),
                self.ui,
                container=box,
                click_increment=alloc.STEP,
                object_id=f"#share_{category}",
            )
            self._sliders[slider] = n
            self._share_labels.append(
                label(
                    self.ui,
                    pygame.Rect(inner - value_width + 6, top, value_width, 24),
                    f"{self.shares[n]}%",
                    container=box,
                    class_id="@right",
                )
            )
        top = HEADER + 4 + 4 * 28 + 2
        half = (inner - 6) // 2
        button(
            self.ui,
            pygame.Rect(6, top, half, 26),
            "Even split",
            "#preset_even",
            container=box,
            tooltip="25% each (E)",
        )
        button(
            self.ui,
            pygame.Rect(12 + half, top, half, 26),
            "Typical day 20/30/30/20",
            "#preset_lesson",
            container=box,
            tooltip="The lesson's typical day: research 20%, data 30%, infra 30%, writing 20% (L)",
        )
        self._switch_label = label(
            self.ui,
            pygame.Rect(6, top + 30, inner, 20),
            "",
            container=box,
            class_id="@small",
        )

    def _update_hours(self) -> None:
        for slider, n in self._sliders.items():
            if (
                isinstance(slider, pygame_gui.elements.UIHorizontalSlider)
                and slider.get_current_value() != self.shares[n]
            ):
                slider.set_current_value(self.shares[n])
        for n, widget in enumerate(self._share_labels):
            set_fitted(widget, f"{self.shares[n]}%", "Share of your hours")
        if self._switch_label is not None:
            rules = self.game.session.rules
            context_switch = self.game.loaded.scenario.context_switch
            active = sum(1 for s in self.shares if s > 0)
            hours = rules.hours_by_active[active]
            pending = " (from the next half hour)" if self._pending_allocation() else ""
            set_fitted(
                self._switch_label,
                alloc.switch_cost(context_switch, self.shares) + pending,
                f"Each kind of work beyond the first in a half hour costs {context_switch:g}% "
                f"of your hours: this split leaves {hours:.2f} of {rules.tick_hours:g} hours "
                "a tick for work.",
            )

    def _pending_allocation(self) -> Allocate | None:
        """The split on the sliders when it differs from the one in force."""
        if self.shares == self._current_shares():
            return None
        research, data, infra, writing = self.shares
        return Allocate(research=research, data=data, infra=infra, writing=writing)

    def set_shares(self, shares: tuple[int, int, int, int]) -> None:
        """Set the split on the sliders; it applies when the clock next moves."""
        self.shares = shares
        self._update_hours()

    def slide(self, index: int, value: int) -> None:
        """A slider moved: the others share the rest."""
        value = round(value / alloc.STEP) * alloc.STEP
        self.set_shares(alloc.rebalance(self.shares, index, value))

    # --- backlog and queues --------------------------------------------------------------

    def _task_action(self, task: TaskView) -> Action:
        if task.status == "queued":
            return CancelTask(task=task.id)
        return QueueTask(task=task.id)

    def _backlog_signature(self) -> Any:
        tasks = [t for t in self.view.tasks if t.status != "queued"]
        return [(t.id, t.status, t.blocked, self._refused(self._task_action(t))) for t in tasks]

    def _build_backlog(self, rect: pygame.Rect) -> None:
        tasks = [t for t in self.view.tasks if t.status == "open"]
        done = [t for t in self.view.tasks if t.status == "done"]
        bottom = self._cards("backlog", tasks, rect, keep_empty=bool(done))
        if done:
            scroll = self._scrolls["backlog"]
            width = rect.width - 8 - 20
            text, tooltip = done_summary(done)
            label(
                self.ui,
                pygame.Rect(6, bottom, width - 6, 22),
                text,
                container=scroll,
                object_id="#backlog_done",
                class_id="@small",
                tooltip=tooltip,
            )
            scroll.set_scrollable_area_dimensions((width, bottom + 22))

    def _cards(
        self, key: str, tasks: list[TaskView], rect: pygame.Rect, keep_empty: bool = False
    ) -> int:
        """One card per task in the panel's list; returns the height they take. An empty
        list says "Nothing here." unless something else will fill it (``keep_empty``)."""
        scroll = self._scrolls[key]
        width = rect.width - 8 - 20
        if not tasks:
            if keep_empty:
                return 0
            label(
                self.ui,
                pygame.Rect(6, 0, width, 22),
                "Nothing here.",
                container=scroll,
                class_id="@small",
            )
            scroll.set_scrollable_area_dimensions((width, 22))
            return 22
        for n, task in enumerate(tasks):
            action = self._task_action(task)
            self._register(key, task_button_id(task.id), self._applier(action))
            self._card_widgets[(key, task.id)] = task_card(
                self.ui,
                scroll,
                pygame.Rect(2, n * (CARD_HEIGHT + 4), width, CARD_HEIGHT),
                task,
                self.descriptions.get(task.id, ""),
                self._refused(action),
            )
        height = len(tasks) * (CARD_HEIGHT + 4)
        scroll.set_scrollable_area_dimensions((width, height))
        return height

    def _queued(self) -> list[TaskView]:
        by_id = {t.id: t for t in self.view.tasks}
        ordered: list[TaskView] = []
        for category in CATEGORIES:
            ordered += [by_id[task_id] for task_id in self.view.queues.get(category, [])]
        return ordered

    def _queues_signature(self) -> Any:
        return [(t.id, t.blocked, self._refused(self._task_action(t))) for t in self._queued()]

    def _build_queues(self, rect: pygame.Rect) -> None:
        self._cards("queues", self._queued(), rect)

    # --- jobs and runs -------------------------------------------------------------------

    def _start_actions(self) -> list[tuple[str, StartJob]]:
        """Jobs started from the jobs panel: those that measure no model."""
        return [(job.name, StartJob(job=job.id)) for job in self.view.jobs if not job.needs_model]

    def _jobs_signature(self) -> Any:
        starts = self._start_actions()
        return (
            [(name, self._refused(a)) for name, a in starts],
            [
                (r.id, r.status, r.failure, r.model, r.stop_refused, r.restart_refused)
                for r in self.view.runs
            ],
        )

    def _build_jobs(self, rect: pygame.Rect) -> None:
        scroll = self._scrolls["jobs"]
        width = rect.width - 8 - 20
        y = 0
        specs = {job.id: job for job in self.view.jobs}
        for name, action in self._start_actions():
            job = specs[action.job]
            object_id = self._register("jobs", f"#start_{job.id}", self._applier(action))
            cost = f"${job.cost_per_hour:,.2f} an hour" if job.cost_per_hour else "no running cost"
            button(
                self.ui,
                pygame.Rect(0, y, width, 26),
                f"Start: {name} ({job.hours:g} h)",
                object_id,
                container=scroll,
                tooltip=f"{self.job_text.get(job.id, '').strip() or name}\n\n"
                f"{job.kind.capitalize()}, {job.hours:g} hours, {cost}.",
                blocked=self._refused(action),
            )
            y += 30
        for run in reversed(self.view.runs):
            y = self._run_row(scroll, run, y, width)
        scroll.set_scrollable_area_dimensions((width, max(y, 1)))

    def _run_row(
        self, scroll: pygame_gui.elements.UIScrollingContainer, run: RunView, y: int, width: int
    ) -> int:
        status = run.status
        model = f" on {run.model}" if run.model else ""
        tip = f"Run {run.id} of job {run.job}{model}. Billed so far: {money(run.billed)}."
        if run.failure:
            tip += f"\nFailed: {run.failure}"
        class_id = "@bad" if status == "failed" else "@small"
        side = 80
        text_label = label(
            self.ui,
            pygame.Rect(0, y, width - side - 4, 22),
            run_text(run),
            container=scroll,
            class_id=class_id,
            tooltip=tip,
        )
        if status == "running":
            action: Action = StopJob(run=run.id)
            object_id = self._register("jobs", f"#stop_{run.id}", self._applier(action))
            button(
                self.ui,
                pygame.Rect(width - side, y, side, 22),
                "Stop",
                object_id,
                container=scroll,
                tooltip="Stop the run; what it billed stays billed.",
                blocked=self._refused(action),
            )
        elif status == "failed":
            action = RestartJob(run=run.id)
            object_id = self._register("jobs", f"#restart_{run.id}", self._applier(action))
            button(
                self.ui,
                pygame.Rect(width - side, y, side, 22),
                "Restart",
                object_id,
                container=scroll,
                tooltip="Restart from the last checkpoint, when there is one.",
                blocked=self._refused(action),
            )
        if status in ("finished", "stopped"):
            return y + 26  # its line says it all: no bar to fill
        bar = pygame_gui.elements.UIStatusBar(
            pygame.Rect(0, y + 23, width, 5), self.ui, container=scroll
        )
        bar.percent_full = min(1.0, run.progress / run.hours) if run.hours else 0.0
        self._run_widgets[run.id] = (text_label, bar)
        return y + 32

    # --- models --------------------------------------------------------------------------

    def _model_actions(self, model: str) -> list[tuple[str, str, Action]]:
        """(label, tooltip, action) for each job that measures a model, then ship."""
        found: list[tuple[str, str, Action]] = []
        for job in self.view.jobs:
            if job.needs_model:
                kind = "A/B test" if job.kind == "ab_test" else "Eval"
                tip = self.job_text.get(job.id, "").strip() or job.name
                found.append(
                    (
                        kind if kind == "A/B test" else f"{kind}: {job.name}",
                        f"{tip}\n\n{job.hours:g} hours.",
                        StartJob(job=job.id, model=model),
                    )
                )
        found.append(("Ship", "Put this model into production.", Ship(model=model)))
        return found

    def _models_signature(self) -> Any:
        return (
            self.view.model_views,
            self.view.ab_results,
            [
                [self._refused(a) for _, _, a in self._model_actions(m.id)]
                for m in self.view.model_views
            ],
        )

    def _build_models(self, rect: pygame.Rect) -> None:
        scroll = self._scrolls["models"]
        width = rect.width - 8 - 20
        y = 0
        metric = self.view.metric_short
        for model in reversed(self.view.model_views):
            where = " (in production)" if model.in_production else ""
            label(
                self.ui,
                pygame.Rect(0, y, width, 22),
                f"{model.id}{where}",
                container=scroll,
                class_id="@good" if model.in_production else None,
                tooltip=f"Made at tick {model.created_tick}; "
                f"{'evaluated' if model.evaluated else 'not evaluated'}, "
                f"{'A/B tested' if model.ab_tested else 'not A/B tested'}.",
            )
            y += 22
            latest = model.measurements[-1] if model.measurements else None
            if latest is None:
                measured = "not measured yet"
                tip = "No eval has reported on this model."
            else:
                parts = []
                for seg in latest.segments:
                    if seg.f1 is None:
                        parts.append(f"{seg.segment} n/a")
                    else:
                        parts.append(f"{seg.segment} {seg.f1:.2f}±{seg.half_width or 0:.2f}")
                mix = (
                    f"{metric} {latest.f1_mix:.3f}±{latest.f1_mix_half_width or 0:.3f}"
                    if latest.f1_mix is not None
                    else f"{metric} n/a"
                )
                halluc = (
                    f" · halluc. {latest.hallucination:.1f}%"
                    if latest.hallucination is not None
                    else ""
                )
                measured = f"{mix} · " + " · ".join(parts) + halluc
                tip = (
                    "Measured F1 on the golden set, traffic-weighted, with the half-width of "
                    "its 95% interval; per segment the same. A segment with no golden examples "
                    f"is not measured (n/a). Reported at tick {latest.tick} by {latest.run}."
                )
            label(
                self.ui,
                pygame.Rect(0, y, width, 20),
                measured,
                container=scroll,
                class_id="@small",
                tooltip=tip,
            )
            y += 22
            ab = [r for r in self.view.ab_results if r.model_id == model.id]
            if ab:
                last = ab[-1]
                verdict = "significant" if last.significant else "not significant"
                label(
                    self.ui,
                    pygame.Rect(0, y, width, 20),
                    f"A/B: escalations {last.diff:+.2f} pts ±{last.half_width:.2f} ({verdict})",
                    container=scroll,
                    class_id="@small",
                    tooltip="Escalation rate of this model minus production's, in percentage "
                    "points, with its 95% interval. Negative is better.",
                )
                y += 22
            actions = self._model_actions(model.id)
            each = (width - 4 * (len(actions) - 1)) // len(actions)
            for n, (text, tip, action) in enumerate(actions):
                kind = f"start_{action.job}" if isinstance(action, StartJob) else "ship"
                object_id = self._register("models", f"#{kind}_{model.id}", self._applier(action))
                button(
                    self.ui,
                    pygame.Rect(n * (each + 4), y, each, 24),
                    text,
                    object_id,
                    container=scroll,
                    tooltip=tip,
                    blocked=self._refused(action),
                )
            y += 32
        scroll.set_scrollable_area_dimensions((width, max(y, 1)))

    # --- production ----------------------------------------------------------------------

    def _build_production(self, rect: pygame.Rect) -> None:
        """The figures' labels and sparklines, made once per layout."""
        box = self._panels["production"]
        self._figures = []
        y = HEADER + 4
        text_width = (rect.width - 12) * 11 // 20
        spark_width = max(4, rect.width - 12 - text_width - 6)
        for key, tip in FIGURES:
            text_label = label(
                self.ui, pygame.Rect(6, y, text_width, 22), "", container=box, tooltip=tip
            )
            surface = pygame.Surface((spark_width, 20), pygame.SRCALPHA)
            image = pygame_gui.elements.UIImage(
                pygame.Rect(12 + text_width, y + 1, spark_width, 20),
                surface,
                self.ui,
                container=box,
            )
            image.set_tooltip(tip)
            self._figures.append((text_label, image, key))
            y += 26
        self._incidents = label(self.ui, pygame.Rect(6, y, rect.width - 12, 22), "", container=box)

    def _update_production(self) -> None:
        """The live numbers and their sparklines, from the history of the game."""
        assert self.palette is not None
        view = self.view
        rows = self.game.session.history.rows
        last = rows[-1] if rows else None
        palette = self.palette
        figures: dict[str, tuple[str, list[float], pygame.Color]] = {
            "escalations": (
                f"Escalations {view.escalation_rate:.1f}%",
                [r.escalation_rate for r in rows],
                palette.escalations,
            ),
            "served": (
                f"Served {last.served_percent:.1f}%" if last else "Served -",
                [r.served_percent for r in rows],
                palette.good,
            ),
            "money": (f"Money {money(view.money)}", [r.money for r in rows], palette.money),
            "trust": (f"Trust {view.trust:.0f}", [r.trust for r in rows], palette.trust),
        }
        key_of = (len(rows), view.tick)
        redraw = self._signatures.get("sparklines") != key_of
        self._signatures["sparklines"] = key_of
        for text_label, image, key in self._figures:
            text, values, colour = figures[key]
            set_fitted(text_label, text)
            if redraw:
                surface = pygame.Surface(image.rect.size, pygame.SRCALPHA)
                draw_sparkline(surface, surface.get_rect(), values, colour)
                image.set_image(surface)
        prod = next((m for m in view.model_views if m.in_production), None)
        halluc = (
            prod.measurements[-1].hallucination if prod is not None and prod.measurements else None
        )
        if self._incidents is not None:
            incidents = view.incidents
            set_fitted(
                self._incidents,
                f"Incidents {len(incidents)}"
                + (f" · hallucinations measured {halluc:.1f}%" if halluc is not None else ""),
                "Incidents so far (outages, failures users saw):\n"
                + ("\n".join(incidents) if incidents else "none")
                + "\n\nThe hallucination rate is the latest eval's measure of the production "
                "model.",
            )

    # --- the log -------------------------------------------------------------------------

    def _log_lines_from(self, start: int) -> list[LogLine]:
        """The log's lines from ``start``, with the icon and colour of their kind; in a
        game of several days, each day's first line comes under the day's name."""
        palette = self.palette
        assert palette is not None
        lines = []
        log = self.view.log
        several_days = self.game.loaded.scenario.time.days > 1
        for n in range(start, len(log)):
            entry = log[n]
            day, stamp = self._log_clock(entry.tick)
            if several_days and (n == 0 or self._log_clock(log[n - 1].tick)[0] != day):
                lines.append(LogLine(day, "", palette.text))
            lines.append(LogLine.of_kind(stamp, entry.text, entry.kind, palette))
        return lines

    def _log_clock(self, tick: int) -> tuple[str, str]:
        """('Day 2', '09:30') at a tick."""
        hour = tick * self.game.session.rules.tick_hours
        clock, _ = clock_text(self.start_clock, hour, self.hours_per_day)
        day, _, stamp = clock.partition(" · ")
        return day, stamp

    @property
    def log(self) -> LogView | None:
        """The log on the screen (None before the first layout)."""
        return self._log

    def _update_log(self) -> None:
        count = len(self.view.log)
        if self._log is None or count < self._log_lines:
            if self._log is not None:
                self._log.kill()
            assert self.palette is not None
            self._log = LogView(
                self.ui,
                self.geometry.log,
                self.palette.panel,
                self.palette.text,
                tooltip="The log: what happened, with the time it happened.",
                empty=LogLine("", "The day begins.", self.palette.text_dim),
            )
            self._log_lines = 0
        if count > self._log_lines:
            self._log.append(self._log_lines_from(self._log_lines))
            self._log_lines = count

    # --- actions -------------------------------------------------------------------------

    def _applier(self, action: Action) -> Command:
        def run() -> None:
            self.apply(action)

        return run

    def apply(self, action: Action) -> Refusal | None:
        """Apply an action to the game and show the result; why it is refused, when it is."""
        before = self.view
        reason = self.game.apply(action)
        if reason is not None:
            self.app.notify(f"Refused: {reason.text}")
        else:
            if isinstance(action, Allocate):
                self.shares = action.shares()
            self._sounds(before)
        self.refresh()
        return reason

    def _sounds(self, before: PlayerView) -> None:
        view = self.game.session.view()
        if view.production_model != before.production_model:
            self.app.audio.play("ship")

    def toggle_pause(self) -> None:
        """Start or stop the clock."""
        self.paused = not self.paused
        self.elapsed = 0.0
        self._update_top()

    def set_speed(self, speed: str) -> None:
        """1x, 2x or 4x."""
        self.speed = speed
        self._update_top()

    def advance(self, *, spread: bool = False) -> None:
        """One tick: the split on the sliders applies first, then the clock moves; with
        ``spread`` (the running clock), the changed panels are rebuilt one a frame."""
        session = self.game.session
        if session.over:
            return
        pending = self._pending_allocation()
        if pending is not None:
            reason = self.game.apply(pending)
            if reason is not None:
                self.app.notify(f"Your hours stay as they were: {reason.text}")
                self.shares = self._current_shares()
        before = self.view
        self.game.advance()
        self.elapsed = 0.0
        self.queue.clear()
        self.shares = self._current_shares()
        if session.over:
            self.finish()
            return
        self.refresh(spread=spread)
        self._alerts(before)

    def _alerts(self, before: PlayerView) -> None:
        view = self.view
        failed_before = {run.id for run in before.runs if run.status == "failed"}
        for run in view.runs:
            if run.status == "failed" and run.id not in failed_before:
                self.app.notify(f"Run {run.id} failed: {run.failure}")
                self.app.audio.play("job_failed")
        done_before = sum(1 for t in before.tasks if t.status == "done")
        if sum(1 for t in view.tasks if t.status == "done") > done_before:
            self.app.audio.play("task_done")
        if len(view.events) > len(before.events):
            self.app.audio.play("event")

    def undo_to(self, tick: int) -> None:
        """Rewind to an earlier boundary."""
        self.game.undo_to(tick)
        self.dismissed = {d for d in self.dismissed if d[0] < tick}
        self.paused = True
        self.queue.clear()
        self.shares = self._current_shares()
        self._log_lines = 1 << 30  # rebuild the log from the start
        self.refresh()

    def finish(self) -> None:
        """The game is over: the run file is written; the debrief takes the screen."""
        from game.ui.scenes.ending import open_debrief

        finished = self.game.finish()
        if finished.problem is not None:
            self.app.notify(f"The run file could not be written: {finished.problem}")
        open_debrief(self.app, self, self.game, finished)

    # --- dialogs -------------------------------------------------------------------------

    def waiting_event(self) -> EventView | None:
        """The first waiting event the player has not put off."""
        for event in self.view.events:
            if (self.view.tick, event.id) not in self.dismissed:
                return event
        return None

    def open_waiting_event(self) -> None:
        """Show the first waiting event, put off or not."""
        self.dismissed = {d for d in self.dismissed if d[0] != self.view.tick}
        self._open_event()

    def _open_event(self) -> bool:
        from game.ui.scenes.event import EventDialog

        event = self.waiting_event()
        if event is None or self.app.stack.top is not self:
            return False
        self.app.stack.push(EventDialog(self.app, self, event))
        return True

    def dismiss(self, event_id: str) -> None:
        """Answer this event later."""
        self.dismissed.add((self.view.tick, event_id))

    def open_menu(self) -> None:
        """The pause menu."""
        from game.ui.scenes.pause import PauseMenu

        self.app.stack.push(PauseMenu(self.app, self))

    def open_rewind(self) -> None:
        """The rewind dialog."""
        from game.ui.scenes.rewind import RewindDialog

        if not self.game.rewind:
            self.app.notify("Rewinding is turned off in this game.")
            return
        if self.view.tick == 0 and not self.game.session.actions:
            self.app.notify("Nothing to rewind yet.")
            return
        self.app.stack.push(RewindDialog(self.app, self))

    def reload_scenario(self) -> None:
        """F5: read the scenario file again; show its problems, or play on with it."""
        from game.ui.scenes.problems import reload_game

        reload_game(self.app, self)

    # --- the frame -----------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        """The mouse wheel over the log first, then as every scene does."""
        if self._log is not None and self._log.handle(event):
            return True
        return super().handle(event)

    def handle_other(self, event: pygame.event.Event) -> bool:
        """Sliders, and the keys of the play screen."""
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED:
            index = self._sliders.get(event.ui_element)
            if index is None:
                return False
            self.slide(index, int(event.value))
            return True
        if event.type != pygame.KEYDOWN:
            return False
        key = event.key
        keys: dict[int, Command] = {
            pygame.K_SPACE: self.toggle_pause,
            pygame.K_1: lambda: self.set_speed("1"),
            pygame.K_2: lambda: self.set_speed("2"),
            pygame.K_3: lambda: self.set_speed("4"),
            pygame.K_ESCAPE: self.open_menu,
            pygame.K_F5: self.reload_scenario,
            pygame.K_r: self.open_rewind,
            pygame.K_e: lambda: self.set_shares(alloc.PRESETS["even"]),
            pygame.K_l: lambda: self.set_shares(alloc.PRESETS["lesson"]),
            pygame.K_RETURN: self.open_waiting_event,
        }
        command = keys.get(key)
        if command is None:
            return False
        command()
        return True

    def update(self, dt: float) -> None:
        """Run the clock; open a waiting event's dialog (the clock stops for it)."""
        super().update(dt)
        if self._log is not None:
            self._log.update()
        session = self.game.session
        if session.over:
            if self.game.finished is None:
                self.finish()
            return
        if self.app.options.autoplay is None and self._open_event():
            return
        self._build_stale_panel()
        if self.paused or self.app.options.autoplay is not None:
            return
        self.elapsed += dt
        if self.elapsed >= SECONDS_PER_TICK[self.speed]:
            self.advance(spread=True)

    def screenshot_ready(self) -> bool:
        """The play screen's picture is taken half-way through the day, when it is busy."""
        session = self.game.session
        return session.over or session.tick >= session.rules.total_ticks // 2

    def autoplay_step(self) -> None:
        """The autoplayer's move: its next action, or (when it has none left) the clock."""
        autoplayer = self.game.autoplayer
        session = self.game.session
        if autoplayer is None or session.over:
            return
        if not self.queue:
            self.queue = autoplayer.decide()
            if not self.queue:
                self._autoplay_clock()
                return
        action = self.queue[0]
        if action.do == "choose":
            if session.refusal(action) is not None:
                self.queue.pop(0)  # refused, as the straight game would skip it
                return
            if not self._open_event_for(action.event):
                self.queue.pop(0)
                self.apply(action)
            return
        self.queue.pop(0)
        if session.refusal(action) is None:
            self.apply(action)

    def _autoplay_clock(self) -> None:
        self.elapsed += 1.0 / 60.0
        if self.elapsed >= SECONDS_PER_TICK[self.speed]:
            self.advance()

    def _open_event_for(self, event_id: str) -> bool:
        from game.ui.scenes.event import EventDialog

        event = next((e for e in self.view.events if e.id == event_id), None)
        if event is None or self.app.stack.top is not self:
            return False
        self.app.stack.push(EventDialog(self.app, self, event))
        return True

    def next_autoplay_answer(self, event_id: str) -> Action | None:
        """The autoplayer's answer to an open event dialog, taken off its queue."""
        if self.queue and self.queue[0].do == "choose":
            action = self.queue[0]
            if getattr(action, "event", None) == event_id:
                self.queue.pop(0)
                return action
        return None


_CATEGORY_HELP = {
    "research": "Reading and experiments: raises what your training runs can reach.",
    "data": "Labeling and cleaning: adds labeled and golden examples.",
    "infra": "Monitoring, checkpoints, fallbacks, autoscaling: fewer and shorter incidents.",
    "writing": "Updates, docs and model cards: the business's trust.",
}


def outage_label(view: PlayerView) -> str:
    """The production panel's outage mark: all traffic, or the segments that are down."""
    if len(view.outage_segments) == len(view.traffic):
        return " · OUTAGE"
    return " · OUTAGE: " + ", ".join(view.outage_segments)
