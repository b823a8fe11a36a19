"""The balance report as one self-contained HTML page: inline SVG plots, no scripts."""

from __future__ import annotations

from html import escape
from typing import Any

from game.balance.report import BIN_WIDTH
from game.balance.text import chance_of_collapse, percent

WIDTH = 640
ROW = 18

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.warning { color: #8a3b00; } svg text { font: 11px system-ui, sans-serif; fill: #222; }
"""


def report_page(document: dict[str, Any]) -> str:
    """The whole report as an HTML document."""
    scenario = document["scenario"]["id"]
    seeds = document["seeds"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Balance report: {escape(scenario)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Balance report: {escape(scenario)}</h1>",
        f"<p>{document['runs']:,} seeds ({seeds['first']}..{seeds['last']}), "
        f"{document['games']:,} games.</p>",
        "<h2>Warnings</h2>",
        _warnings(document),
        "<h2>Scores</h2>",
        _score_table(document["policies"]),
    ]
    for name, stats in document["policies"].items():
        parts.append(f"<h3>{escape(name)}</h3>")
        parts.append(_histogram(stats["histogram"]))
    parts += ["<h2>Goals met</h2>", _share_bars(document["goals"], "reached", "reference")]
    parts += ["<h2>Events fired (any policy)</h2>", _share_bars(document["events"], "fired", "all")]
    lessons = {lesson["title"]: lesson for lesson in document["lessons"]}
    parts += ["<h2>Lessons shown (any policy)</h2>", _share_bars(lessons, "shown", "all")]
    parts += ["<h2>Each choice's effect on the score</h2>", _effects(document["choices"])]
    parts += ["<h2>Risks that struck</h2>", _risks(document["risks"])]
    parts += ["<h2>Variations of the reference</h2>", _variations(document["variations"])]
    never = document["tasks_never_done"]
    parts.append("<h2>Tasks never done</h2>")
    parts.append(f"<p>{escape(', '.join(never)) if never else 'None.'}</p>")
    parts += ["<h2>Reference steps refused</h2>", _refused(document["refused"])]
    parts += ["<h2>Reference steps not taken</h2>", _untaken(document["untaken"])]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _warnings(document: dict[str, Any]) -> str:
    thresholds = document["thresholds"]
    rule = (
        f"<p>A simple policy warns within {thresholds['simple_margin']:g} points of the "
        f"reference; idle warns at {thresholds['idle_max']:g} or more.</p>"
    )
    items = "".join(
        f'<li class="warning">{escape(warning["message"])}</li>' for warning in document["warnings"]
    )
    return rule + (f"<ul>{items}</ul>" if items else "<p>None.</p>")


def _score_table(policies: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td>{s['p10']}</td><td>{s['p50']}</td>"
        f"<td>{s['p90']}</td><td>{s['mean']:.2f}</td></tr>"
        for name, s in policies.items()
    )
    head = "<tr><th>policy</th><th>p10</th><th>p50</th><th>p90</th><th>mean</th></tr>"
    return f"<table>{head}{rows}</table>"


def _histogram(bars: list[int]) -> str:
    """Vertical bars, one per :data:`BIN_WIDTH` points, height relative to the tallest."""
    height = 120
    width = WIDTH // len(bars)
    tallest = max(bars) or 1
    shapes = []
    for index, count in enumerate(bars):
        tall = round(height * count / tallest)
        x = index * width
        shapes.append(
            f'<rect x="{x + 2}" y="{height - tall}" width="{width - 4}" height="{tall}" '
            f'fill="#4a7bb7"><title>{index * BIN_WIDTH}+: {count:,} games</title></rect>'
            f'<text x="{x + 2}" y="{height + 14}">{index * BIN_WIDTH}</text>'
        )
    return _svg(WIDTH, height + 20, "".join(shapes))


def _share_bars(table: dict[str, Any], field: str, who: str) -> str:
    """One horizontal bar per row: the share of ``who``'s games."""
    if not table:
        return "<p>None.</p>"
    label = 260
    span = WIDTH - label - 60
    shapes = []
    for row, (name, entry) in enumerate(table.items()):
        share = entry[field][who]
        y = row * ROW
        shapes.append(
            f'<text x="0" y="{y + 13}">{escape(_short(name))}</text>'
            f'<rect x="{label}" y="{y + 3}" width="{round(span * share)}" height="{ROW - 6}" '
            f'fill="#4a7bb7"/><text x="{label + round(span * share) + 4}" y="{y + 13}">'
            f"{share:.1%}</text>"
        )
    return _svg(WIDTH, ROW * len(table), "".join(shapes))


def _effects(choices: dict[str, Any]) -> str:
    """Bars left (worse) or right (better) of the reference's own choice."""
    rows = [
        (f"{event}: {choice}", entry["effect"])
        for event, per_choice in choices.items()
        for choice, entry in per_choice.items()
        if entry["effect"] is not None
    ]
    if not rows:
        return "<p>The reference answers no event.</p>"
    label = 260
    middle = label + (WIDTH - label) // 2
    half = (WIDTH - label) // 2 - 50
    biggest = max(abs(effect) for _, effect in rows) or 1.0
    shapes = [f'<line x1="{middle}" y1="0" x2="{middle}" y2="{ROW * len(rows)}" stroke="#888"/>']
    for row, (name, effect) in enumerate(rows):
        y = row * ROW
        size = round(half * abs(effect) / biggest)
        x = middle if effect >= 0 else middle - size
        colour = "#3a8a3a" if effect >= 0 else "#b74a4a"
        shapes.append(
            f'<text x="0" y="{y + 13}">{escape(_short(name))}</text>'
            f'<rect x="{x}" y="{y + 3}" width="{size}" height="{ROW - 6}" fill="{colour}"/>'
            f'<text x="{middle + (size + 4 if effect >= 0 else 4)}" y="{y + 13}">'
            f"{effect:+.2f}</text>"
        )
    return _svg(WIDTH, ROW * len(rows), "".join(shapes))


def _risks(risks: dict[str, Any]) -> str:
    """A row per collapse chance and per risk: its chance, the share of the reference's
    games and of every game in which it struck, and the runs it struck."""
    if not risks:
        return "<p>None: no training job can collapse or has risks.</p>"
    rows = []
    for job_id, job in risks.items():
        entries = [] if job["collapse"] is None else [("collapse", job["collapse"])]
        entries += [(f"risk {risk['risk']}: {risk['text']}", risk) for risk in job["risks"]]
        for name, entry in entries:
            chance = (
                chance_of_collapse(entry)
                if name == "collapse"
                else f"{percent(entry['chance_per_run'])} per run"
            )
            runs = entry["runs"]
            rows.append(
                f"<tr><td>{escape(job_id)}: {escape(_short(name, 60))}</td>"
                f"<td>{escape(chance)}</td><td>{entry['struck']['reference']:.1%}</td>"
                f"<td>{entry['struck']['all']:.1%}</td>"
                f"<td>{runs['struck']:,} of {runs['of']:,}</td></tr>"
            )
    head = (
        "<tr><th>risk</th><th>chance</th><th>reference's games</th><th>all games</th>"
        "<th>runs struck</th></tr>"
    )
    return f"<table>{head}{''.join(rows)}</table>"


def _variations(variations: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{escape(v['label'])}</td><td>{v['mean']:.2f}</td>"
        f"<td>{v['vs_reference']:+.2f}</td></tr>"
        for v in variations.values()
    )
    return f"<table><tr><th>variation</th><th>mean</th><th>vs reference</th></tr>{rows}</table>"


def _refused(refused: list[dict[str, Any]]) -> str:
    if not refused:
        return "<p>None.</p>"
    rows = "".join(
        f"<tr><td>step {r['step']}: {escape(r['action'])}</td><td>{r['games']:,}</td>"
        f"<td>{r['share']:.1%}</td><td>{escape(r['reason'])}</td></tr>"
        for r in refused
    )
    return f"<table><tr><th>step</th><th>games</th><th>share</th><th>reason</th></tr>{rows}</table>"


def _untaken(untaken: list[dict[str, Any]]) -> str:
    if not untaken:
        return "<p>None: every step was taken in every game.</p>"
    rows = "".join(
        f"<tr><td>step {u['step']}: {escape(u['action'])}</td>"
        f"<td>{escape(str(u['when']))}</td><td>{u['games']:,}</td>"
        f"<td>{u['share']:.1%}</td></tr>"
        for u in untaken
    )
    head = "<tr><th>step</th><th>when</th><th>games</th><th>share</th></tr>"
    return f"<table>{head}{rows}</table>"


def _svg(width: int, height: int, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">{body}</svg>'
    )


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
