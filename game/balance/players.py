"""Who plays in a balance report: the built-in policies and variations of the reference.

A variation is the reference solution with one step dropped, or with the choice of one of
its answers swapped for another choice of the same event. It is played by the reference
policy reading the changed solution, against the scenario's own rules, on the same seeds
as everyone else (paired seeds: the same luck for the same decisions).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from game.core.rules import ReferenceRule, Rules
from game.policies import POLICIES
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

BUILT_IN = ("idle", "random", "greedy", "reference")
"""The built-in policies a balance report plays, simplest first."""

DROP = "drop"
SWAP = "swap"
POLICY = "policy"


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the reference solution; ``number`` counts from 1 in file order."""

    number: int
    rule: ReferenceRule
    """The step as the reference policy reads it: its tick, action and condition."""

    @property
    def action(self) -> Action:
        """The action the reference policy hands the engine (this very object)."""
        return self.rule.action


@dataclass(frozen=True, slots=True)
class Player:
    """One way of playing every seed of a balance report."""

    key: str
    """Its name in the report: ``greedy``, ``drop:3``, ``swap:3:ignore``."""
    kind: str
    """``policy``, ``drop`` or ``swap``."""
    label: str
    """What it does, in plain words."""
    policy: str
    """The built-in policy that plays it."""
    rules: Rules
    """The rules the policy reads (a variation's hold the changed reference solution)."""
    steps: tuple[Step, ...] = ()
    """The reference steps the policy takes (none for a policy other than the reference)."""
    step: int = 0
    """The step dropped or swapped (0 for a built-in policy)."""
    event: str = ""
    """For a swap: the event whose answer changes."""
    choice: str = ""
    """For a swap: the choice taken instead."""
    same_as_default: bool = False
    """For a drop: the step answers an event with the choice it takes unanswered anyway."""


def reference_steps(rules: Rules) -> tuple[Step, ...]:
    """The reference solution's steps in file order.

    The reference policy hands the engine the steps' own action objects, so an action it
    offers can be traced back to its step.
    """
    return tuple(Step(number, rule) for number, rule in enumerate(rules.reference, start=1))


def with_steps(rules: Rules, steps: tuple[Step, ...]) -> Rules:
    """The rules with their reference solution replaced by ``steps``."""
    return dataclasses.replace(rules, reference=tuple(step.rule for step in steps))


def players(rules: Rules) -> tuple[Player, ...]:
    """Everyone who plays: the built-in policies, then each step dropped, then each swap."""
    steps = reference_steps(rules)
    built_in = tuple(
        Player(name, POLICY, f"the {name} policy", name, rules, _own(name, steps))
        for name in BUILT_IN
        if name in POLICIES
    )
    drops: list[Player] = []
    swaps: list[Player] = []
    for step in steps:
        kept = tuple(other for other in steps if other is not step)
        drops.append(
            Player(
                f"{DROP}:{step.number}",
                DROP,
                f"without step {step.number} ({describe(step.action)})",
                "reference",
                with_steps(rules, kept),
                kept,
                step=step.number,
                same_as_default=_answers_with_default(rules, step.action),
            )
        )
        if isinstance(step.action, Choose):
            swaps.extend(_swaps(rules, steps, step, step.action))
    return built_in + tuple(drops) + tuple(swaps)


def _own(policy: str, steps: tuple[Step, ...]) -> tuple[Step, ...]:
    return steps if policy == "reference" else ()


def _swaps(rules: Rules, steps: tuple[Step, ...], step: Step, answer: Choose) -> list[Player]:
    event = rules.events[rules.event_index[answer.event]]
    found: list[Player] = []
    for choice in event.choices:
        if choice.spec.id == answer.choice:
            continue
        swapped = Step(step.number, dataclasses.replace(step.rule, action=choice.action))
        changed = tuple(swapped if other is step else other for other in steps)
        found.append(
            Player(
                f"{SWAP}:{step.number}:{choice.spec.id}",
                SWAP,
                f"step {step.number} answers {answer.event} with {choice.spec.id} "
                f"instead of {answer.choice}",
                "reference",
                with_steps(rules, changed),
                changed,
                step=step.number,
                event=answer.event,
                choice=choice.spec.id,
            )
        )
    return found


def _answers_with_default(rules: Rules, action: Action) -> bool:
    """Whether the action answers an event with the choice it takes unanswered.

    That is its marked default, or without one its first choice when that choice has no
    requirement.
    """
    if not isinstance(action, Choose):
        return False
    event = rules.events[rules.event_index[action.event]]
    default = event.default_choice
    if default is None and event.choices and event.choices[0].requires is None:
        default = 0
    return default == event.choice_index[action.choice]


def describe(action: Action) -> str:
    """An action in a few words: ``queue_task label_es``, ``choose pm_magic: honest``."""
    if isinstance(action, Allocate):
        split = {
            "research": action.research,
            "data": action.data,
            "infra": action.infra,
            "writing": action.writing,
        }
        return "allocate " + ", ".join(f"{k} {v}%" for k, v in split.items() if v)
    if isinstance(action, QueueTask | CancelTask):
        return f"{action.do} {action.task}"
    if isinstance(action, Choose):
        return f"choose {action.event}: {action.choice}"
    if isinstance(action, StartJob):
        return f"start_job {action.job}" + (f" on {action.model}" if action.model else "")
    if isinstance(action, Ship):
        return f"ship {action.model}"
    if isinstance(action, StopJob | RestartJob):
        return f"{action.do} {action.run}"
    return str(action.do)
