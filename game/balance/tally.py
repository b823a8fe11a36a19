"""What one player's games add up to over consecutive seeds, merged in seed order."""

from __future__ import annotations

from dataclasses import dataclass, field

from game.core.rules import Rules


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
        for key, count in later.refused.items():
            self.refused[key] = self.refused.get(key, 0) + count
        for step, count in later.untaken.items():
            self.untaken[step] = self.untaken.get(step, 0) + count


def _add(counts: list[int], more: list[int]) -> None:
    for index, count in enumerate(more):
        counts[index] += count
