"""The per-tick history of a game, for charts: what the player saw at each boundary.

Reporters are declared once, in :class:`HistoryRow`; one row is collected when the clock
reaches a boundary (before the player acts there), its values copied out of the state.
Each row holds its tick, so going back to an earlier boundary cuts the history cleanly.
The truth (the production model's true quality) is collected beside the rows but handed
out only once the game is over.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from math import fsum

from game.core.conditions import true_quality
from game.core.rules import Rules
from game.core.scoring import served_percent
from game.core.state import RUNNING, Measurement, State
from game.core.view import measurement_view
from game.scenario.types import CATEGORIES


class GameNotOverError(Exception):
    """Something that exists only once the game is over was asked for too early."""


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """What the player saw at one tick boundary."""

    tick: int
    hour: float
    money: float
    spent: float
    """Dollars spent so far (the sum of the ledger)."""
    trust: float
    insight: float
    reliability: float
    production_model: str
    measured_f1: float | None
    """The traffic-weighted F1 of the latest eval of the production model; None when the
    production model has not been measured."""
    measured_f1_half_width: float | None
    """Half-width of the 95% interval of ``measured_f1``, from the golden examples used."""
    measured_at: int | None
    """The tick at which that eval report arrived."""
    escalation_rate: float
    """Escalation rate the dashboard showed for the last tick, percent."""
    served_percent: float
    """Percent of conversations served so far, degraded ones counting half."""
    incidents: int
    """Incidents so far."""
    outage: bool
    spike: float
    traffic: tuple[float, ...]
    """The traffic mix as the player sees it, percent per segment."""
    allocation: tuple[int, int, int, int]
    """Percent of the player's time per category (research, data, infra, writing)."""
    owed: tuple[float, float, float, float]
    """Hours owed per category to event choices."""
    waiting_events: int
    """Events waiting for an answer."""
    running_jobs: int


@dataclass(frozen=True, slots=True)
class TruthRow:
    """The production model's true quality at one tick boundary (shown after the end)."""

    tick: int
    production_model: str
    true_f1: float
    """True F1 on the true traffic mix."""
    true_f1_per_segment: tuple[float, ...]
    true_hallucination: float


def collect_row(state: State, rules: Rules) -> HistoryRow:
    """The row of the boundary the state is at: values copied, nothing shared."""
    prod = state.models[state.production.model_index]
    latest = latest_measurement(state)
    mix: float | None = None
    bar: float | None = None
    if latest is not None:
        seen = measurement_view(latest, rules.segments, state.production.traffic_seen)
        mix, bar = seen.f1_mix, seen.f1_mix_half_width
    return HistoryRow(
        tick=state.clock.tick,
        hour=state.clock.tick * rules.tick_hours,
        money=state.money.balance,
        spent=fsum(state.money.ledger.values()),
        trust=state.trust,
        insight=state.insight,
        reliability=state.reliability,
        production_model=prod.id,
        measured_f1=mix,
        measured_f1_half_width=bar,
        measured_at=latest.tick if latest is not None else None,
        escalation_rate=state.production.counts.last_rate_seen,
        served_percent=served_percent(state),
        incidents=len(state.production.incidents),
        outage=state.production.outage_left > 0 or max(state.production.segment_outage_left) > 0,
        spike=state.production.spike,
        traffic=tuple(state.production.traffic_seen),
        allocation=(
            state.team.allocation[0],
            state.team.allocation[1],
            state.team.allocation[2],
            state.team.allocation[3],
        ),
        owed=(state.team.owed[0], state.team.owed[1], state.team.owed[2], state.team.owed[3]),
        waiting_events=len(state.events.pending),
        running_jobs=sum(1 for run in state.jobs.runs if run.status is RUNNING),
    )


def collect_truth(state: State) -> TruthRow:
    """The truth row of the boundary the state is at."""
    prod = state.models[state.production.model_index]
    return TruthRow(
        tick=state.clock.tick,
        production_model=prod.id,
        true_f1=true_quality(state),
        true_f1_per_segment=tuple(prod.f1),
        true_hallucination=prod.hallucination,
    )


def latest_measurement(state: State) -> Measurement | None:
    """The latest eval report of the model in production, if it was ever measured."""
    prod_id = state.models[state.production.model_index].id
    for measurement in reversed(state.results.evals):
        if measurement.model_id == prod_id:
            return measurement
    return None


class History:
    """One row per tick boundary reached, oldest first; iterable, sized and indexable."""

    def __init__(self, segments: tuple[str, ...]) -> None:
        self.segments = segments
        """The segment names, in the order of ``traffic`` and the per-segment truth."""
        self.categories = CATEGORIES
        """The category names, in the order of ``allocation`` and ``owed``."""
        self._rows: list[HistoryRow] = []
        self._truth: list[TruthRow] = []
        self._over = False

    def record(self, state: State, rules: Rules) -> None:
        """Collect the row of the boundary the state has reached.

        A second row for the same boundary (the game ended there without the clock
        moving) replaces the first; a boundary before the last row is an error.
        """
        if self._rows and self._rows[-1].tick > state.clock.tick:
            raise ValueError(f"tick {state.clock.tick} is before the last row of the history")
        if self._rows and self._rows[-1].tick == state.clock.tick:
            self._rows.pop()
            self._truth.pop()
        self._rows.append(collect_row(state, rules))
        self._truth.append(collect_truth(state))
        self._over = state.clock.over

    def cut_after(self, tick: int) -> None:
        """Drop the rows of every boundary after ``tick`` (going back in the game)."""
        self._rows = [row for row in self._rows if row.tick <= tick]
        self._truth = [row for row in self._truth if row.tick <= tick]
        self._over = False

    @property
    def over(self) -> bool:
        """Whether the last row is the end of the game (and the truth may be shown)."""
        return self._over

    @property
    def rows(self) -> list[HistoryRow]:
        """The rows, oldest first (a new list)."""
        return list(self._rows)

    def truth(self) -> list[TruthRow]:
        """The true quality at every boundary; :class:`GameNotOverError` before the end."""
        if not self._over:
            raise GameNotOverError("the truth is shown only when the game is over")
        return list(self._truth)

    def column(self, name: str) -> list[tuple[int, object]]:
        """``(tick, value)`` points of one reporter, such as ``"money"``, for a chart."""
        if name not in HistoryRow.__dataclass_fields__:
            raise KeyError(f"the history has no reporter '{name}'")
        return [(row.tick, getattr(row, name)) for row in self._rows]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[HistoryRow]:
        return iter(list(self._rows))

    def __getitem__(self, index: int) -> HistoryRow:
        return self._rows[index]
