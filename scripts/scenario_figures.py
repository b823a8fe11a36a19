"""Measure every shipped scenario's figures and write them into scenarios/README.md.

For each scenario: the mean score over seeds 0-49 of its reference solution, of the
built-in policies, and of the reference with one of the scenario's costliest mistakes put
into it (the mistakes the README's paragraphs name). The table sits between two marker
lines in scenarios/README.md; this script replaces what is between them.

    uv run python scripts/scenario_figures.py           print the table
    uv run python scripts/scenario_figures.py --write   write it into scenarios/README.md
    uv run python scripts/scenario_figures.py --check   exit 1 when the README's is stale
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.core.engine import play  # noqa: E402
from game.core.rules import Rules, prepare  # noqa: E402
from game.core.scoring import score  # noqa: E402
from game.policies import make_policy  # noqa: E402
from game.scenario.actions import (  # noqa: E402
    AtChoose,
    AtShip,
    AtStartJob,
    ReferenceStep,
)
from game.scenario.expr import parse_expr  # noqa: E402
from game.scenario.load import load_scenario  # noqa: E402
from game.scenario.model import Scenario  # noqa: E402

README = ROOT / "scenarios" / "README.md"
BEGIN = "<!-- scenario figures: written by scripts/scenario_figures.py -->"
END = "<!-- end of scenario figures -->"
SEEDS = range(50)
POLICIES = ("greedy", "random", "idle")

Change = Callable[[Scenario, list[ReferenceStep]], list[ReferenceStep]]


def choosing(event: str, old: str, new: str) -> Change:
    """The reference's one step that answers `event` with `old` answers `new` instead."""

    def change(scenario: Scenario, steps: list[ReferenceStep]) -> list[ReferenceStep]:
        found = [s for s in steps if isinstance(s, AtChoose) and s.event == event]
        found = [s for s in found if s.choice == old]
        if len(found) != 1:
            raise ValueError(f"{scenario.title}: no single step answers {event} with {old}")
        return [s.model_copy(update={"choice": new}) if s is found[0] else s for s in steps]

    return change


def answered_with(event: str, choice: str) -> Change:
    """The reference's one step that answers `event` answers `choice` instead."""

    def change(scenario: Scenario, steps: list[ReferenceStep]) -> list[ReferenceStep]:
        found = [s for s in steps if isinstance(s, AtChoose) and s.event == event]
        if len(found) != 1:
            raise ValueError(f"{scenario.title}: no single step answers {event}")
        return [s.model_copy(update={"choice": choice}) if s is found[0] else s for s in steps]

    return change


def answering(event: str, choice: str) -> Change:
    """Every answer to `event` replaced by one unconditional answer at the first's hour."""

    def change(scenario: Scenario, steps: list[ReferenceStep]) -> list[ReferenceStep]:
        answers = [s for s in steps if isinstance(s, AtChoose) and s.event == event]
        if not answers:
            raise ValueError(f"{scenario.title}: no step answers {event}")
        kept = [s for s in steps if s not in answers]
        return [*kept, AtChoose(at=answers[0].at, event=event, choice=choice)]

    return change


def without_task(task: str) -> Change:
    """The reference never queues `task`; a step that waited for it waits for nothing."""

    def change(scenario: Scenario, steps: list[ReferenceStep]) -> list[ReferenceStep]:
        kept = [s for s in steps if not (s.do == "queue_task" and getattr(s, "task", "") == task)]
        if len(kept) != len(steps) - 1:
            raise ValueError(f"{scenario.title}: no single step queues {task}")
        waiting = f'done("{task}")'
        return [s.model_copy(update={"when": None}) if str(s.when) == waiting else s for s in kept]

    return change


def ungated(job: str) -> Change:
    """No eval of the job's first model and no A/B test: it ships once it is trained."""
    model = f"{job}-1"

    def change(scenario: Scenario, steps: list[ReferenceStep]) -> list[ReferenceStep]:
        ab_tests = {spec.id for spec in scenario.jobs if spec.kind == "ab_test"}
        kept = [
            s
            for s in steps
            if not (isinstance(s, AtStartJob) and (s.model == model or s.job in ab_tests))
        ]
        ship = next(s for s in kept if isinstance(s, AtShip) and s.model == model)
        when = parse_expr(f'completed("{job}") >= 1', scenario.names())
        return [s.model_copy(update={"when": when}) if s is ship else s for s in kept]

    return change


def starting(job: str) -> Change:
    """The reference also starts `job` at 09:00."""

    def change(scenario: Scenario, steps: list[ReferenceStep]) -> list[ReferenceStep]:
        return [AtStartJob(at=0, job=job), *steps]

    return change


def fixed_split(scenario: Scenario, steps: list[ReferenceStep]) -> list[ReferenceStep]:
    """The reference never changes the scenario's starting split of hours."""
    return [s for s in steps if s.do != "allocate"]


def buying_blind(scenario: Scenario, steps: list[ReferenceStep]) -> list[ReferenceStep]:
    """Build, buy or skip: the hosted LLM shipped whatever its pilot said, and kept."""
    bought = [
        s.model_copy(update={"when": None})
        if isinstance(s, AtShip) and s.model == "api_router-1"
        else s
        for s in steps
    ]
    return [s for s in bought if not (isinstance(s, AtShip) and s.model == "lora_router-1")]


def building_every_day(scenario: Scenario, steps: list[ReferenceStep]) -> list[ReferenceStep]:
    """Build, buy or skip: the claims labeled and the old labels audited whatever the
    pilot said."""
    changed: list[ReferenceStep] = []
    for step in steps:
        if isinstance(step, AtChoose) and step.event == "new_paper":
            if step.choice == "audit":
                changed.append(step.model_copy(update={"when": None}))
        elif isinstance(step, AtStartJob) and step.job == "label_claims":
            changed.append(step.model_copy(update={"when": None}))
        else:
            changed.append(step)
    return changed


def betting_on(job: str) -> Change:
    """The week: the one labeling batch spent at its step's hour on `job`'s segment, a
    guess instead of what the nightly eval showed."""

    def change(scenario: Scenario, steps: list[ReferenceStep]) -> list[ReferenceStep]:
        changed: list[ReferenceStep] = []
        for step in steps:
            if isinstance(step, AtStartJob) and step.job.startswith("label_"):
                if step.job == job:
                    changed.append(step.model_copy(update={"when": None}))
            else:
                changed.append(step)
        return changed

    return change


def both(*changes: Change) -> Change:
    """Several mistakes at once, in order."""

    def change(scenario: Scenario, steps: list[ReferenceStep]) -> list[ReferenceStep]:
        for one in changes:
            steps = one(scenario, steps)
        return steps

    return change


MISTAKES: dict[str, list[tuple[str, Change]]] = {
    "tutorial.yaml": [],
    "ravi-tuesday.yaml": [
        ("accepting the GPU freeze", choosing("compute_freeze", "cost_plan", "accept")),
        ("hoping the spike is smaller", choosing("promo_email", "autoscale", "hope")),
        ("never labeling Spanish", without_task("annotation_guide")),
        ("shipping the candidate unmeasured", ungated("lora_es")),
        ("starting the full fine-tune", starting("full_ft")),
        ("keeping the typical split all day", fixed_split),
        ("no status update in the outage", choosing("api_outage", "status_update", "wait")),
    ],
    "silent-collapse.yaml": [
        ("launching the big run", choosing("launch_plan", "lora_first", "launch")),
        ("training without alerts", without_task("training_alerts")),
        ("shipping ungated", ungated("lora_ft")),
        ("keeping the typical split", fixed_split),
    ],
    "api-outage.yaml": [
        ("no fallback model", without_task("fallback_model")),
        ("calling it maintenance", choosing("api_outage", "honest_status", "maintenance")),
        ("saying nothing", choosing("api_outage", "honest_status", "wait")),
        ("no eval on production", without_task("watch_production")),
    ],
    "eval-that-matters.yaml": [
        ("the judge left uncalibrated", answered_with("judge_doubt", "trust_judge")),
        ("v2 promised by 14:00", answered_with("pm_deadline", "promise")),
    ],
    "launch-10x.yaml": [
        ("provisioning", answered_with("capacity_plan", "provision")),
        ("hoping", answered_with("capacity_plan", "hope")),
        ("the warm pool", answered_with("cold_starts", "warm_pool")),
        (
            "the warm pool, defaults left",
            both(answered_with("cold_starts", "warm_pool"), answered_with("budget_guard", "skip")),
        ),
        ("the defaults left", answered_with("budget_guard", "skip")),
        ("promising 'always'", answered_with("launch_page", "confirm")),
        ("finance left without an answer", answered_with("finance_asks", "ignore")),
    ],
    "build-buy-skip.yaml": [
        ("building the churn model", answering("churn_ask", "build")),
        ("building the summarizer", answering("summaries_ask", "build")),
        ("reproducing the paper", answering("new_paper", "reproduce")),
        ("buying the LLM without reading its pilot", buying_blind),
        ("building as well on every day", building_every_day),
    ],
    "the-week.yaml": [
        ("accepting the freeze", answering("gpu_freeze", "accept")),
        ("the reserved node", answering("gpu_freeze", "reserve")),
        ("no nightly eval", without_task("nightly_eval")),
        ("promising the board", answering("pm_magic", "promise")),
        ("hoping through the promo", answering("promo_warning", "hope")),
        ("building the translation model", answering("translate_ask", "build")),
        ("the batch bet on subscriptions", betting_on("label_subs")),
        ("the batch bet on Spanish", betting_on("label_es")),
    ],
}
"""Per scenario file, its costliest mistakes: a name and the change to the reference."""


@dataclass(frozen=True)
class Row:
    """One measured figure: a scenario, who played, and the mean score."""

    scenario: str
    player: str
    mean: float


def mean_score(rules: Rules, policy: str) -> float:
    """The mean score of a policy over SEEDS."""
    return statistics.fmean(
        score(play(rules, seed, make_policy(policy, rules, seed))[0], rules).total for seed in SEEDS
    )


def measure(files: Sequence[str]) -> list[Row]:
    """Every figure of the named scenario files, in the order of the table."""
    rows = []
    for name in files:
        loaded = load_scenario(ROOT / "scenarios" / name)
        scenario = loaded.scenario
        rules = prepare(scenario)
        rows.append(Row(name, "reference", mean_score(rules, "reference")))
        for label, change in MISTAKES[name]:
            changed = change(scenario, list(scenario.reference))
            variant = prepare(scenario.model_copy(update={"reference": changed}))
            rows.append(Row(name, f"reference, {label}", mean_score(variant, "reference")))
        rows.extend(Row(name, policy, mean_score(rules, policy)) for policy in POLICIES)
    return rows


def table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table."""
    lines = ["| scenario | player | mean score, seeds 0-49 |", "|---|---|---|"]
    lines += [f"| `{row.scenario}` | {row.player} | {row.mean:.1f} |" for row in rows]
    return "\n".join(lines)


def written(text: str, body: str) -> str:
    """The README's text with the table between the markers replaced by `body`."""
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return f"{text[:start]}\n{body}\n{text[end:]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="write the table into the README")
    group.add_argument("--check", action="store_true", help="exit 1 if the README's is stale")
    args = parser.parse_args()
    body = table(measure(list(MISTAKES)))
    text = README.read_text(encoding="utf-8")
    if args.write:
        README.write_text(written(text, body), encoding="utf-8")
    elif args.check:
        if written(text, body) != text:
            print("scenarios/README.md: stale figures; run scripts/scenario_figures.py --write")
            return 1
    else:
        print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
