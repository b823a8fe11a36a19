"""The final score, 0 to 1000, computed on the truth and broken into its parts."""

from __future__ import annotations

from dataclasses import dataclass
from math import fsum
from typing import Final

from game.core.conditions import true_quality
from game.core.rules import Rules
from game.core.state import State
from game.scenario.model import Band

PARTS: Final[tuple[str, ...]] = ("quality", "safety", "budget", "reliability", "trust", "goals")


@dataclass(frozen=True, slots=True)
class Score:
    """A score and how it was made."""

    total: int
    parts: dict[str, float]
    """Points per part, rounded to 0.1 (budget may be negative when overspent)."""
    goals: dict[str, bool]
    """Which goals were reached."""
    true_f1: float
    true_hallucination: float
    served_percent: float

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form, as run files and ``--json`` print it."""
        return {
            "total": self.total,
            "parts": dict(self.parts),
            "goals": dict(self.goals),
            "true_f1": round(self.true_f1, 4),
            "true_hallucination": round(self.true_hallucination, 3),
            "served_percent": round(self.served_percent, 3),
        }


def band(value: float, scale: Band) -> float:
    """0 at the band's floor, 1 at its target, linear between, clipped to 0..1."""
    if scale.target == scale.floor:
        return 1.0 if value >= scale.target else 0.0
    ratio = (value - scale.floor) / (scale.target - scale.floor)
    return 0.0 if ratio < 0.0 else 1.0 if ratio > 1.0 else ratio


def served_percent(state: State) -> float:
    """The time-based service level: percent of the day's service time in which
    conversations got an answer, each stretch weighted by the share answered in it (a
    fallback answer counts half). Every minute counts the same, whatever its traffic."""
    counts = state.production.counts
    if counts.hours <= 0:
        return 100.0
    return 100.0 * counts.service_hours / counts.hours


def score(state: State, rules: Rules) -> Score:
    """Score the game as it stands (normally at the end)."""
    spec = rules.scenario.score
    weights = spec.weights
    model = state.models[state.production.model_index]
    f1 = true_quality(state)
    served = served_percent(state)
    reached = {goal.id: bool(check(state)) for goal, check in rules.goals}
    total_points = sum(goal.points for goal, _ in rules.goals)
    won_points = sum(goal.points for goal, _ in rules.goals if reached[goal.id])
    budget = rules.scenario.budget
    money_ratio = (
        state.money.balance / budget if budget > 0 else (0.0 if state.money.balance >= 0 else -1.0)
    )
    money_ratio = max(-1.0, min(1.0, money_ratio))
    incident_factor = max(
        0.0, 1.0 - len(state.production.incidents) * spec.incident_penalty / 100.0
    )
    parts = {
        "quality": weights.quality * band(f1, spec.f1),
        "safety": weights.safety * band(model.hallucination, spec.hallucination),
        "budget": weights.budget * money_ratio,
        "reliability": weights.reliability * band(served, spec.served) * incident_factor,
        "trust": weights.trust * state.trust / 100.0,
        "goals": weights.goals * (won_points / total_points if total_points else 1.0),
    }
    rounded = {name: round(value, 1) for name, value in parts.items()}
    total = round(max(0.0, min(1000.0, fsum(parts.values()))))
    return Score(total, rounded, reached, f1, model.hallucination, served)


def lessons(state: State, rules: Rules) -> list[int]:
    """Indices of the debrief lessons that apply to this game."""
    return [i for i, (_, when) in enumerate(rules.lessons) if when is None or when(state)]
