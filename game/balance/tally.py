"""What one player's games add up to over consecutive seeds, merged in seed order."""

from __future__ import annotations

from dataclasses import dataclass, field

from game.core.rules import JobSpec, Rules
from game.scenario.model import TrainingJob


@dataclass(slots=True)
class Tally:
    """Counts over a player's games; every count is of games, not of times."""

    scores: list[int] = field(default_factory=list)
    """The score of each game, in seed order."""
    goals: list[int] = field(default_factory=list)
    """Per goal: games that reached it."""
    events: list[int] = field(default_factory=list)
    """Per event: games in which it fired."""
    lessons: list[int] = field(default_factory=list)
    """Per debrief lesson: games that showed it."""
    choices: list[list[int]] = field(default_factory=list)
    """Per event, per choice: games in which it was picked."""
    tasks: list[int] = field(default_factory=list)
    """Per task: games that finished it."""
    collapses: list[int] = field(default_factory=list)
    """Per job: games in which a run of it collapsed (always 0 for a job that cannot)."""
    collapsed_runs: list[int] = field(default_factory=list)
    """Per job: its runs that collapsed, over every game."""
    started_runs: list[int] = field(default_factory=list)
    """Per job: its runs started, over every game."""
    risks: list[list[int]] = field(default_factory=list)
    """Per job, per risk of it (:attr:`TrainingJob.risks`): games in which it struck a run."""
    struck_runs: list[list[int]] = field(default_factory=list)
    """Per job, per risk: the runs it struck, over every game."""
    trained_runs: list[int] = field(default_factory=list)
    """Per job: its runs that delivered a model (those a risk is drawn for), over every game."""
    refused: dict[tuple[int, str], int] = field(default_factory=dict)
    """Per (reference step, reason it was refused): games in which the engine refused it."""
    untaken: dict[int, int] = field(default_factory=dict)
    """Per reference step: games in which the policy never took it (its condition never
    held, or its hour is past the end)."""

    @classmethod
    def empty(cls, rules: Rules) -> Tally:
        """A tally of no games, sized for the scenario."""
        return cls(
            scores=[],
            goals=[0] * len(rules.goals),
            events=[0] * len(rules.events),
            lessons=[0] * len(rules.lessons),
            choices=[[0] * len(event.choices) for event in rules.events],
            tasks=[0] * len(rules.tasks),
            collapses=[0] * len(rules.jobs),
            collapsed_runs=[0] * len(rules.jobs),
            started_runs=[0] * len(rules.jobs),
            risks=[[0] * _risk_count(job) for job in rules.jobs],
            struck_runs=[[0] * _risk_count(job) for job in rules.jobs],
            trained_runs=[0] * len(rules.jobs),
            refused={},
            untaken={},
        )

    @property
    def games(self) -> int:
        """How many games it counts."""
        return len(self.scores)

    def add(self, later: Tally) -> None:
        """Add the counts of the seeds that follow this tally's."""
        self.scores.extend(later.scores)
        _add(self.goals, later.goals)
        _add(self.events, later.events)
        _add(self.lessons, later.lessons)
        for mine, theirs in zip(self.choices, later.choices, strict=True):
            _add(mine, theirs)
        _add(self.tasks, later.tasks)
        _add(self.collapses, later.collapses)
        _add(self.collapsed_runs, later.collapsed_runs)
        _add(self.started_runs, later.started_runs)
        for mine, theirs in zip(self.risks, later.risks, strict=True):
            _add(mine, theirs)
        for mine, theirs in zip(self.struck_runs, later.struck_runs, strict=True):
            _add(mine, theirs)
        _add(self.trained_runs, later.trained_runs)
        for key, count in later.refused.items():
            self.refused[key] = self.refused.get(key, 0) + count
        for step, count in later.untaken.items():
            self.untaken[step] = self.untaken.get(step, 0) + count


def _risk_count(job: JobSpec) -> int:
    return len(job.risks) if isinstance(job, TrainingJob) else 0


def _add(counts: list[int], more: list[int]) -> None:
    for index, count in enumerate(more):
        counts[index] += count
