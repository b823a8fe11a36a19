"""The balance report: statistics and warnings from the tallies of every player.

Percentiles are nearest-rank (the smallest score with at least that share of games at or
below it); a mean is the one ``mlday simulate --runs`` prints, rounded to 0.01. A share is
the fraction of games, rounded to 0.0001. A choice's effect is the mean, over the paired
seeds, of the score with that choice swapped in minus the reference's score.
"""

from __future__ import annotations

import statistics
from math import ceil, fsum
from typing import Any

from game import ENGINE_VERSION
from game.balance.players import BUILT_IN, DROP, POLICY, SWAP, Player, describe
from game.balance.tally import Tally
from game.core.rules import Rules
from game.scenario.expr import Expr
from game.scenario.load import LoadedScenario
from game.scenario.model import TrainingJob

FORMAT = "mlday-balance"
VERSION = 1

SIMPLE_MARGIN = 25.0
"""A simpler way of playing whose mean comes within this many points of the reference's
(or above it) is warned about: the scenario does not reward the reference's extra work."""
IDLE_MAX = 400.0
"""An idle mean at or above this many points is warned about: doing nothing pays too well."""
BIN_WIDTH = 100
"""Points per bar of a histogram; the last bar, 900-1000, includes 1000."""
BINS = 10


def report(
    loaded: LoadedScenario,
    rules: Rules,
    everyone: tuple[Player, ...],
    tallies: list[Tally],
    *,
    first_seed: int,
) -> dict[str, Any]:
    """The whole report as one JSON-ready object (its keys are listed in docs/balance.md)."""
    by_key = {player.key: tally for player, tally in zip(everyone, tallies, strict=True)}
    built_in = [player for player in everyone if player.kind == POLICY]
    variations = [player for player in everyone if player.kind != POLICY]
    reference = by_key["reference"]
    runs = reference.games
    every = _sum(rules, tallies)
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "engine": ENGINE_VERSION,
        "scenario": {"id": loaded.id, "path": loaded.path, "sha256": loaded.sha256},
        "seeds": {"first": first_seed, "last": first_seed + runs - 1},
        "runs": runs,
        "games": every.games,
        "thresholds": {"simple_margin": SIMPLE_MARGIN, "idle_max": IDLE_MAX},
        "policies": {p.key: _distribution(by_key[p.key].scores) for p in built_in},
        "variations": {p.key: _variation(p, by_key[p.key], reference) for p in variations},
        "goals": _goals(rules, built_in, by_key, every),
        "events": _events(rules, built_in, by_key, every),
        "lessons": _lessons(rules, built_in, by_key, every),
        "choices": _choices(rules, everyone, by_key, every),
        "tasks": _tasks(rules, built_in, by_key, every),
        "risks": _risks(rules, built_in, by_key, every),
        "tasks_never_done": [
            rule.id for rule, done in zip(rules.tasks, every.tasks, strict=True) if not done
        ],
        "refused": _refused(_reference_player(everyone), reference),
        "untaken": _untaken(rules, _reference_player(everyone), reference),
    }
    document["warnings"] = _warnings(document, everyone)
    return document


def _reference_player(everyone: tuple[Player, ...]) -> Player:
    return next(player for player in everyone if player.key == "reference")


def _sum(rules: Rules, tallies: list[Tally]) -> Tally:
    total = Tally.empty(rules)
    for tally in tallies:
        total.add(tally)
    return total


def percentile(ordered: list[int], share: float) -> int:
    """Nearest-rank percentile of scores already sorted, ``share`` from 0 (excluded) to 1."""
    return ordered[max(0, ceil(share * len(ordered)) - 1)]


def histogram(scores: list[int]) -> list[int]:
    """Games per bar of :data:`BIN_WIDTH` points, from 0-99 to 900-1000."""
    bars = [0] * BINS
    for total in scores:
        bars[min(BINS - 1, max(0, total // BIN_WIDTH))] += 1
    return bars


def _distribution(scores: list[int]) -> dict[str, Any]:
    ordered = sorted(scores)
    return {
        "mean": round(statistics.fmean(scores), 2),
        "p10": percentile(ordered, 0.1),
        "p50": percentile(ordered, 0.5),
        "p90": percentile(ordered, 0.9),
        "min": ordered[0],
        "max": ordered[-1],
        "histogram": histogram(scores),
    }


def _paired(scores: list[int], reference: list[int]) -> float:
    """Mean over the paired seeds of the score minus the reference's, rounded to 0.01."""
    gaps = [mine - theirs for mine, theirs in zip(scores, reference, strict=True)]
    return round(fsum(gaps) / len(gaps), 2)


def _variation(player: Player, tally: Tally, reference: Tally) -> dict[str, Any]:
    ordered = sorted(tally.scores)
    record: dict[str, Any] = {
        "kind": player.kind,
        "label": player.label,
        "step": player.step,
        "mean": round(statistics.fmean(tally.scores), 2),
        "p10": percentile(ordered, 0.1),
        "p50": percentile(ordered, 0.5),
        "p90": percentile(ordered, 0.9),
        "vs_reference": _paired(tally.scores, reference.scores),
        "refused": sum(tally.refused.values()),
    }
    if player.kind == SWAP:
        record["event"] = player.event
        record["choice"] = player.choice
    if player.kind == DROP:
        record["same_as_default"] = player.same_as_default
    return record


def _share(count: int, games: int) -> float:
    return round(count / games, 4) if games else 0.0


def _shares(
    built_in: list[Player], by_key: dict[str, Tally], every: Tally, count: Any
) -> dict[str, float]:
    """The share of games per built-in policy, and over every game played (``all``)."""
    shares = {p.key: _share(count(by_key[p.key]), by_key[p.key].games) for p in built_in}
    shares["all"] = _share(count(every), every.games)
    return shares


def _goals(
    rules: Rules, built_in: list[Player], by_key: dict[str, Tally], every: Tally
) -> dict[str, Any]:
    return {
        goal.id: {
            "text": goal.text,
            "reached": _shares(built_in, by_key, every, lambda t, i=index: t.goals[i]),
        }
        for index, (goal, _) in enumerate(rules.goals)
    }


def _events(
    rules: Rules, built_in: list[Player], by_key: dict[str, Tally], every: Tally
) -> dict[str, Any]:
    return {
        event.id: {
            "title": event.title,
            "fired": _shares(built_in, by_key, every, lambda t, i=index: t.events[i]),
        }
        for index, event in enumerate(rules.events)
    }


def _lessons(
    rules: Rules, built_in: list[Player], by_key: dict[str, Tally], every: Tally
) -> list[dict[str, Any]]:
    return [
        {
            "title": lesson.title,
            "shown": _shares(built_in, by_key, every, lambda t, i=index: t.lessons[i]),
        }
        for index, (lesson, _) in enumerate(rules.lessons)
    ]


def _tasks(
    rules: Rules, built_in: list[Player], by_key: dict[str, Tally], every: Tally
) -> dict[str, Any]:
    return {
        task.id: {
            "name": task.name,
            "done": _shares(built_in, by_key, every, lambda t, i=index: t.tasks[i]),
        }
        for index, task in enumerate(rules.tasks)
    }


def _risks(
    rules: Rules, built_in: list[Player], by_key: dict[str, Tally], every: Tally
) -> dict[str, Any]:
    """Per training job that can collapse or has risks: how often a run of it collapsed,
    and how often each of its risks struck, as shares of games and as runs."""
    found: dict[str, Any] = {}
    for index, job in enumerate(rules.jobs):
        if not isinstance(job, TrainingJob):
            continue
        chance = job.collapse
        can_collapse = bool(chance.per_hour or chance.chance_per_run)
        if not (can_collapse or job.risks):
            continue
        collapse = None
        if can_collapse:
            collapse = {
                "per_hour": chance.per_hour if chance.chance_per_run is None else None,
                "chance_per_run": chance.chance_per_run,
                "struck": _shares(built_in, by_key, every, lambda t, i=index: t.collapses[i]),
                "runs": {"struck": every.collapsed_runs[index], "of": every.started_runs[index]},
            }
        risks = [
            {
                "risk": number + 1,
                "text": risk.text,
                "segment": risk.segment,
                "chance_per_run": risk.chance_per_run,
                "struck": _shares(
                    built_in, by_key, every, lambda t, i=index, r=number: t.risks[i][r]
                ),
                "runs": {
                    "struck": every.struck_runs[index][number],
                    "of": every.trained_runs[index],
                },
            }
            for number, risk in enumerate(job.risks)
        ]
        found[job.id] = {"name": job.name, "collapse": collapse, "risks": risks}
    return found


def _choices(
    rules: Rules, everyone: tuple[Player, ...], by_key: dict[str, Tally], every: Tally
) -> dict[str, Any]:
    """Per event, per choice: how often each policy picks it, and its effect on the score.

    The effect is measured where the reference answers the event (its first answer when it
    answers more than once): 0 for the reference's own choice, and for each other choice
    the paired mean of the variation that swaps it in.
    """
    built_in = [p for p in everyone if p.kind == POLICY]
    reference = by_key["reference"]
    answered: dict[str, str] = {}
    effects: dict[tuple[str, str], float] = {}
    for player in everyone:
        if player.kind == SWAP and (player.event, player.choice) not in effects:
            effects[(player.event, player.choice)] = _paired(
                by_key[player.key].scores, reference.scores
            )
    for step in _reference_player(everyone).steps:
        action = step.action
        if action.do == "choose" and action.event not in answered:
            answered[action.event] = action.choice
    found: dict[str, Any] = {}
    for index, event in enumerate(rules.events):
        per_choice: dict[str, Any] = {}
        for number, choice in enumerate(event.choices):
            effect: float | None = None
            if answered.get(event.id) == choice.spec.id:
                effect = 0.0
            elif event.id in answered:
                effect = effects.get((event.id, choice.spec.id))
            per_choice[choice.spec.id] = {
                "picked": _shares(
                    built_in, by_key, every, lambda t, e=index, c=number: t.choices[e][c]
                ),
                "reference": answered.get(event.id) == choice.spec.id,
                "effect": effect,
            }
        if per_choice:
            found[event.id] = per_choice
    return found


def _refused(reference: Player, tally: Tally) -> list[dict[str, Any]]:
    """The reference's steps the engine refused, by step then reason."""
    actions = {step.number: describe(step.action) for step in reference.steps}
    return [
        {
            "step": step,
            "action": actions[step],
            "reason": reason,
            "games": count,
            "share": _share(count, tally.games),
        }
        for (step, reason), count in sorted(tally.refused.items())
    ]


def _untaken(rules: Rules, reference: Player, tally: Tally) -> list[dict[str, Any]]:
    """The reference's steps it did not take in some games: their condition never held."""
    conditions = [step.when for step in rules.scenario.reference]
    return [
        {
            "step": step.number,
            "action": describe(step.action),
            "when": _source(conditions[step.number - 1]),
            "games": tally.untaken[step.number],
            "share": _share(tally.untaken[step.number], tally.games),
        }
        for step in reference.steps
        if tally.untaken.get(step.number)
    ]


def _source(condition: Expr | None) -> str | None:
    return None if condition is None else condition.source


def _warnings(document: dict[str, Any], everyone: tuple[Player, ...]) -> list[dict[str, str]]:
    """What the author should look at, each a kind and a message."""
    found: list[dict[str, str]] = []
    games = document["games"]

    def warn(kind: str, message: str) -> None:
        found.append({"kind": kind, "message": message})

    for event_id, event in document["events"].items():
        if not event["fired"]["all"]:
            warn("event-never-fires", f"event {event_id} never fired in {games:,} games")
    for goal_id, goal in document["goals"].items():
        if not goal["reached"]["all"]:
            warn(
                "goal-never-reached",
                f"no policy reaches goal {goal_id}: it was met in none of {games:,} games",
            )
    policies = document["policies"]
    reference_mean = policies["reference"]["mean"]
    for name in BUILT_IN:
        if name == "reference" or name not in policies:
            continue
        mean = policies[name]["mean"]
        if mean >= reference_mean - SIMPLE_MARGIN:
            warn(
                "simple-policy-matches",
                f"the {name} policy averages {mean:.2f}, within {SIMPLE_MARGIN:g} points "
                f"of the reference's {reference_mean:.2f}",
            )
    for player in everyone:
        if player.kind != DROP or player.same_as_default:
            continue
        mean = document["variations"][player.key]["mean"]
        if mean >= reference_mean - SIMPLE_MARGIN:
            warn(
                "simple-policy-matches",
                f"the reference {player.label} still averages {mean:.2f}, within "
                f"{SIMPLE_MARGIN:g} points of the whole reference's {reference_mean:.2f}: "
                "the step adds little",
            )
    if "idle" in policies and policies["idle"]["mean"] >= IDLE_MAX:
        warn(
            "idle-too-high",
            f"the idle policy averages {policies['idle']['mean']:.2f}; doing nothing "
            f"should score under {IDLE_MAX:g}",
        )
    runs = document["runs"]
    for refusal in document["refused"]:
        if refusal["games"] == runs:
            warn(
                "reference-step-refused",
                f"reference step {refusal['step']} ({refusal['action']}) is refused in "
                f"every game: {refusal['reason']}",
            )
    for entry in document["untaken"]:
        if entry["games"] == runs:
            warn(
                "reference-step-never-taken",
                f"reference step {entry['step']} ({entry['action']}) is taken in no game: "
                f"its condition ({entry['when']}) never holds before the end",
            )
    return found
