"""The random player: a monkey at the keyboard, for fuzzing the engine and the balance."""

from __future__ import annotations

from random import Random
from typing import Final

from game.core.engine import Decide
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

ACT_CHANCE: Final = 0.5
SEED_TEXT: Final = "mlday random player {seed}"
"""Its own generator is seeded with this text, so it never shares numbers with the game's
luck (Python's generator seeded with a text is the same on every platform and version)."""


def random_allocation(rng: Random) -> Allocate:
    """A random split of 100 percent over the four categories."""
    cuts = sorted(rng.randint(0, 100) for _ in range(3))
    shares = [cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 100 - cuts[2]]
    return Allocate(research=shares[0], data=shares[1], infra=shares[2], writing=shares[3])


def random_action(rng: Random, rules: Rules, state: State) -> Action | None:
    """One random action; it may well be refused by the engine."""
    kind = rng.randrange(8)
    models = [m.id for m in state.models]
    runs = [r.id for r in state.jobs.runs]
    if kind == 0:
        return random_allocation(rng)
    if kind in (1, 2) and rules.tasks:
        task = rules.tasks[rng.randrange(len(rules.tasks))].id
        return QueueTask(task=task) if kind == 1 else CancelTask(task=task)
    if kind == 3 and rules.jobs:
        job = rules.jobs[rng.randrange(len(rules.jobs))].id
        model = models[rng.randrange(len(models))] if rng.random() < 0.8 else None
        return StartJob(job=job, model=model)
    if kind in (4, 5) and runs:
        run = runs[rng.randrange(len(runs))]
        return StopJob(run=run) if kind == 4 else RestartJob(run=run)
    if kind == 6:
        return Ship(model=models[rng.randrange(len(models))])
    if kind == 7 and state.events.pending:
        event = rules.events[state.events.pending[0]]
        if event.choices:
            choice = event.choices[rng.randrange(len(event.choices))].spec.id
            return Choose(event=event.id, choice=choice)
    return None


def random_player(rules: Rules, seed: int) -> Decide:
    """A player that takes a few random actions at random boundaries."""
    rng = Random(SEED_TEXT.format(seed=seed))

    def decide(state: State) -> list[Action]:
        actions: list[Action] = []
        while rng.random() < ACT_CHANCE:
            action = random_action(rng, rules, state)
            if action is not None:
                actions.append(action)
        return actions

    return decide
