"""The balance report as text for a terminal, from the object :func:`report` makes."""

from __future__ import annotations

from typing import Any

from game.balance.report import BIN_WIDTH, BINS

BAR_WIDTH = 40
"""Characters of the longest bar of a histogram."""


def report_text(document: dict[str, Any]) -> str:
    """Every section of the report, in plain text."""
    lines: list[str] = []
    seeds = document["seeds"]
    lines.append(
        f"{document['scenario']['id']}: {document['runs']:,} seeds "
        f"({seeds['first']}..{seeds['last']}), {document['games']:,} games"
    )
    lines += ["", "Scores (p10 / p50 / p90, mean)"]
    for name, stats in document["policies"].items():
        lines.append(
            f"  {name:<10} {stats['p10']:>4} / {stats['p50']:>4} / {stats['p90']:>4}   "
            f"mean {stats['mean']:.2f}"
        )
    for name, stats in document["policies"].items():
        lines += ["", f"Histogram: {name}", *histogram_lines(stats["histogram"])]
    lines += ["", "Goals met (share of games)"]
    lines += _share_rows(document["goals"], "reached")
    lines += ["", "Events fired (share of games)"]
    lines += _share_rows(document["events"], "fired")
    lines += ["", "Lessons shown (share of games)"]
    lines += _share_rows({lesson["title"]: lesson for lesson in document["lessons"]}, "shown")
    lines += ["", "Choices: share of games picking each; effect = mean score change when the"]
    lines.append("reference takes it instead of its own choice, on the same seeds")
    for event_id, choices in document["choices"].items():
        lines.append(f"  {event_id}")
        for choice_id, choice in choices.items():
            effect = choice["effect"]
            said = "  (reference)" if choice["reference"] else ""
            shown = "" if effect is None else f"  effect {effect:+.2f}"
            lines.append(f"    {choice_id:<18}{_shares(choice['picked'])}{shown}{said}")
    lines += ["", "Risks that struck: share of games, and runs struck of the runs it could strike"]
    lines += _risk_rows(document["risks"])
    lines += ["", "Reference variations: mean, and change against the reference"]
    for variation in document["variations"].values():
        lines.append(
            f"  {variation['mean']:8.2f} {variation['vs_reference']:+9.2f}  {variation['label']}"
        )
    never = document["tasks_never_done"]
    lines += ["", "Tasks never done: " + (", ".join(never) if never else "none")]
    refused = document["refused"]
    lines += ["", "Reference steps refused: " + ("" if refused else "none")]
    for entry in refused:
        lines.append(
            f"  step {entry['step']} ({entry['action']}): {_games(entry['games'])} "
            f"({entry['share']:.1%}): {entry['reason']}"
        )
    untaken = document["untaken"]
    lines += [
        "",
        "Reference steps not taken (a condition that never held): " + ("" if untaken else "none"),
    ]
    for entry in untaken:
        lines.append(
            f"  step {entry['step']} ({entry['action']}, when {entry['when']}): "
            f"{_games(entry['games'])} ({entry['share']:.1%})"
        )
    thresholds = document["thresholds"]
    lines += [
        "",
        f"Warnings (a simple policy within {thresholds['simple_margin']:g} points of the "
        f"reference; idle at {thresholds['idle_max']:g} or more)",
    ]
    lines += [f"  warning: {w['message']}" for w in document["warnings"]] or ["  none"]
    return "\n".join(lines)


def histogram_lines(bars: list[int]) -> list[str]:
    """One line per bar of :data:`BIN_WIDTH` points, each ``#`` a share of the tallest.

    The empty bars below the lowest score and above the highest are left out.
    """
    tallest = max(bars) or 1
    total = sum(bars) or 1
    filled = [index for index, count in enumerate(bars) if count] or [0]
    lines = []
    for index in range(filled[0], filled[-1] + 1):
        count = bars[index]
        low = index * BIN_WIDTH
        high = low + BIN_WIDTH - 1 if index < BINS - 1 else low + BIN_WIDTH
        bar = "#" * round(BAR_WIDTH * count / tallest)
        lines.append(f"  {low:>4}-{high:<4} {bar:<{BAR_WIDTH}} {count / total:6.1%}")
    return lines


def _risk_rows(risks: dict[str, Any]) -> list[str]:
    if not risks:
        return ["  none: no training job can collapse or has risks"]
    lines: list[str] = []
    for job_id, job in risks.items():
        collapse = job["collapse"]
        if collapse is not None:
            lines.append(f"  {job_id}: collapse ({chance_of_collapse(collapse)})")
            lines.append(f"    {_shares(collapse['struck'])}  {_runs(collapse['runs'])}")
        for risk in job["risks"]:
            where = f"{risk['segment']}, " if risk["segment"] is not None else ""
            chance = f"{where}{percent(risk['chance_per_run'])} per run"
            said = f": {risk['text']}" if risk["text"] else ""
            lines.append(f"  {job_id}: risk {risk['risk']} ({chance}){said}")
            lines.append(f"    {_shares(risk['struck'])}  {_runs(risk['runs'])}")
    return lines


def chance_of_collapse(collapse: dict[str, Any]) -> str:
    """A job's collapse chance as the scenario gives it: per run, or per hour of running."""
    if collapse["chance_per_run"] is not None:
        return f"{percent(collapse['chance_per_run'])} per run"
    return f"{percent(collapse['per_hour'])} per hour"


def percent(chance: float) -> str:
    """A chance from 0 to 1 as a percentage with no digits it does not need: 0.025 is 2.5%."""
    return f"{chance * 100:g}%"


def _runs(runs: dict[str, int]) -> str:
    return f"runs {runs['struck']:,} of {runs['of']:,}"


def _games(count: int) -> str:
    return f"{count:,} game" + ("" if count == 1 else "s")


def _shares(shares: dict[str, float]) -> str:
    return "  ".join(f"{name} {share:6.1%}" for name, share in shares.items())


def _share_rows(table: dict[str, Any], field: str) -> list[str]:
    if not table:
        return ["  none"]
    return [f"  {name}\n    {_shares(entry[field])}" for name, entry in table.items()]
