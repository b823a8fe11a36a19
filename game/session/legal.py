"""The actions a player could take at a boundary, each with None or why it is refused.

Modelled on python-chess's ``legal_moves``: a :class:`LegalActions` iterates over the
actions that would be applied, counts them and answers ``action in legal``; it also keeps
the refused candidates with the engine's own reason, for buttons that are disabled with a
tooltip. Allocations cannot be listed (every split adding up to 100 is one): the current
allocation and a few presets stand for them, and any other action is answered by asking
the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from game.core import act
from game.core.jobs import NEEDS_MODEL
from game.core.messages import Refusal
from game.core.rules import Rules
from game.core.state import State
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

PRESETS: tuple[tuple[int, int, int, int], ...] = (
    (25, 25, 25, 25),
    (100, 0, 0, 0),
    (0, 100, 0, 0),
    (0, 0, 100, 0),
    (0, 0, 0, 100),
)
"""Allocation presets listed as candidates (research, data, infra, writing)."""


class StaleLegalActionsError(Exception):
    """The game has moved on since these legal actions were listed."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate action and why the engine would refuse it now (None: it would apply)."""

    action: Action
    refusal: Refusal | None
    """Why it would be refused: a code and its values, with ``.text`` in English."""

    @property
    def legal(self) -> bool:
        """Whether the action would be applied."""
        return self.refusal is None


def allocation(shares: tuple[int, int, int, int] | list[int]) -> Allocate:
    """The allocate action of a split in category order (research, data, infra, writing)."""
    return Allocate(research=shares[0], data=shares[1], infra=shares[2], writing=shares[3])


def candidates(state: State, rules: Rules) -> list[Action]:
    """Every action worth listing now, in a fixed order, legal or not.

    The current allocation and the presets; queue and cancel of every task; a start of
    every job (jobs that measure a model: one per model); stop and restart of every run;
    a ship of every model; every choice of every waiting event.
    """
    found: list[Action] = [allocation(state.team.allocation)]
    found += [allocation(shares) for shares in PRESETS if list(shares) != state.team.allocation]
    found += [QueueTask(task=task.id) for task in rules.tasks]
    found += [CancelTask(task=task.id) for task in rules.tasks]
    for kind, job in zip(rules.job_kinds, rules.job_ids, strict=True):
        if kind in NEEDS_MODEL:
            found += [StartJob(job=job, model=model.id) for model in state.models]
        else:
            found.append(StartJob(job=job))
    found += [StopJob(run=run.id) for run in state.jobs.runs]
    found += [RestartJob(run=run.id) for run in state.jobs.runs]
    found += [Ship(model=model.id) for model in state.models]
    for event in state.events.pending:
        found += [choice.action for choice in rules.events[event].choices]
    return found


class LegalActions:
    """The candidate actions at one boundary, each with the engine's verdict.

    Iterating gives the legal actions; ``len()`` counts them; ``action in legal`` and
    :meth:`refusal` answer any action, listed or not, as long as the game has not moved
    on (then :class:`StaleLegalActionsError`).
    """

    def __init__(
        self,
        listed: list[Candidate],
        ask: Callable[[Action], Refusal | None],
        is_current: Callable[[], bool],
    ) -> None:
        self._listed = listed
        self._verdicts: dict[Action, Refusal | None] = {c.action: c.refusal for c in listed}
        self._ask = ask
        self._is_current = is_current

    @classmethod
    def of(cls, state: State, rules: Rules, is_current: Callable[[], bool]) -> LegalActions:
        """The legal actions of a state; ``is_current`` says whether it is still unchanged."""

        def ask(action: Action) -> Refusal | None:
            return act.handle(state, rules, action, False)

        listed = [Candidate(action, ask(action)) for action in candidates(state, rules)]
        return cls(listed, ask, is_current)

    @property
    def candidates(self) -> list[Candidate]:
        """Every listed action with its verdict, legal or not, in listing order."""
        return list(self._listed)

    @property
    def refused(self) -> list[Candidate]:
        """The listed actions that would be refused, with the reasons."""
        return [c for c in self._listed if c.refusal is not None]

    def refusal(self, action: Action) -> Refusal | None:
        """Why the action would be refused now, or None when it would be applied."""
        if action in self._verdicts:
            return self._verdicts[action]
        if not self._is_current():
            raise StaleLegalActionsError("the game has moved on since these actions were listed")
        return self._ask(action)

    def __contains__(self, action: object) -> bool:
        if not isinstance(
            action,
            Allocate | QueueTask | CancelTask | StartJob | StopJob | RestartJob | Ship | Choose,
        ):
            return False
        return self.refusal(action) is None

    def __iter__(self) -> Iterator[Action]:
        return (c.action for c in self._listed if c.refusal is None)

    def __len__(self) -> int:
        return sum(1 for c in self._listed if c.refusal is None)

    def __bool__(self) -> bool:
        return any(c.refusal is None for c in self._listed)

    def __repr__(self) -> str:
        shown = ", ".join(_short(c.action) for c in self._listed if c.refusal is None)
        return f"<LegalActions ({shown})>"


def _short(action: Action) -> str:
    fields = action.model_dump(exclude_none=True)
    do = fields.pop("do")
    return f"{do}({', '.join(str(v) for v in fields.values())})"
