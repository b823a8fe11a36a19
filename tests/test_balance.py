"""``mlday balance``: the games it plays, the figures it reports, its warnings and bad input."""

from __future__ import annotations

import io
import json
import os
import statistics
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from game.balance import balance
from game.balance import run as run_module
from game.balance.page import report_page
from game.balance.players import players
from game.balance.report import IDLE_MAX, SIMPLE_MARGIN, histogram, percentile
from game.balance.run import MAX_CHUNK, chunks
from game.balance.text import report_text
from game.cli.balance import _Bar
from game.cli.main import main
from game.core.engine import play
from game.core.rules import prepare
from game.core.scoring import score
from game.policies import make_policy
from game.scenario.load import LoadedScenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = str(ROOT / "scenarios" / "tutorial.yaml")

SCENARIO = """\
title: Balance test
budget: 1000
segments:
  - {id: en, name: English, traffic: 80}
  - {id: es_cs, name: Spanish, traffic: 20}
production:
  model: {f1: {en: 0.9, es_cs: 0.6}}
tasks:
  - {id: label_es, name: Label, category: data, hours: 2, effects: [{labels: {es_cs: 500}}]}
  - {id: never, name: Never, category: data, hours: 1, requires: 'done("never")'}
jobs:
  - id: lora
    kind: training
    name: LoRA
    hours: 2
    learning_curve: {es_cs: {f1: 0.6, at: 150, ceiling: 0.9}}
events:
  - id: pm
    title: PM
    text: The product manager asks how it goes.
    trigger: {at: 1}
    choices:
      - {id: explain, text: Explain, effects: [{trust: 5}]}
      - {id: shrug, text: Shrug, effects: [{trust: -10}]}
      - {id: wait, text: Wait}
  - id: broke
    title: Broke
    text: The money ran out.
    trigger: {at: 1, when: money < 10}
goals:
  - {id: perfect, text: Spanish F1 of 0.99, when: prod.f1.es_cs >= 0.99, points: 100}
  - {id: trusted, text: Trust kept, when: trust >= 50, points: 100}
debrief:
  lessons:
    - {title: Always, text: Shown in every game.}
    - {title: Shrugged, text: Shown when trust fell., when: trust < 50}
reference:
  - {at: 0, do: queue_task, task: label_es}
  - {at: 1, do: choose, event: pm, choice: explain}
  - {at: 2, do: ship, model: lora-1}
  - {at: 0, do: start_job, job: lora, when: "money < 10"}
"""


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("balance") / "test-scenario.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def loaded(scenario_file: str) -> LoadedScenario:
    return load_scenario(scenario_file)


@pytest.fixture(scope="module")
def document(loaded: LoadedScenario) -> dict[str, Any]:
    return balance(loaded, runs=12, first_seed=3, jobs=1)


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


class _Tags(HTMLParser):
    VOID = frozenset({"meta", "br", "img", "input", "link", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()


def unclosed_tags(text: str) -> list[str]:
    """The elements a page leaves open; a wrongly nested close tag fails at once."""
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser.open


def kinds(document: dict[str, Any]) -> list[str]:
    return [warning["kind"] for warning in document["warnings"]]


# --- what is played ----------------------------------------------------------------------


def test_players_are_the_policies_each_step_dropped_and_each_other_choice(
    loaded: LoadedScenario,
) -> None:
    keys = [player.key for player in players(prepare(loaded.scenario))]
    assert keys == [
        "idle",
        "random",
        "greedy",
        "reference",
        "drop:1",
        "drop:2",
        "drop:3",
        "drop:4",
        "swap:2:shrug",
        "swap:2:wait",
    ]


def test_every_player_plays_every_seed(document: dict[str, Any]) -> None:
    assert document["runs"] == 12 and document["seeds"] == {"first": 3, "last": 14}
    assert document["games"] == 12 * 10


def test_reference_mean_agrees_with_simulate(
    capsys: pytest.CaptureFixture[str], scenario_file: str
) -> None:
    for path in (scenario_file, TUTORIAL):
        code, out, _ = run_main(capsys, "balance", path, "--runs", "15", "--seed", "7", "--json")
        assert code == 0
        ours = json.loads(out)["policies"]["reference"]["mean"]
        code, out, _ = run_main(
            capsys, "simulate", path, "--policy", "reference", "--runs", "15", "--seed", "7",
            "--json",
        )  # fmt: skip
        assert code == 0
        assert ours == json.loads(out)["score"]["mean"]


def test_the_report_is_the_same_for_any_number_of_processes(loaded: LoadedScenario) -> None:
    one = balance(loaded, runs=10, jobs=1)
    assert balance(loaded, runs=10, jobs=2) == one
    assert balance(loaded, runs=10, jobs=3) == one


def test_spawned_workers_give_the_report_forked_ones_give(
    loaded: LoadedScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the system cannot fork, the workers are spawned and prepare their own rules."""
    forked = balance(loaded, runs=6, jobs=2)
    monkeypatch.setattr(run_module.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert balance(loaded, runs=6, jobs=2) == forked


def test_chunks_shrink_so_that_the_processes_finish_together() -> None:
    plan = chunks(0, 218, 2)  # the balance benchmark: 10,028 games of Ravi's Tuesday
    counts = [count for _, count in plan]
    assert counts == sorted(counts, reverse=True) and len(plan) <= 25
    assert counts[0] == MAX_CHUNK and counts[-3:] == [1, 1, 1]


def test_chunks_cover_the_seeds_in_order() -> None:
    for runs, jobs in ((1, 1), (7, 2), (1000, 3), (5, 8)):
        plan = chunks(40, runs, jobs)
        seeds = [seed for first, count in plan for seed in range(first, first + count)]
        assert seeds == list(range(40, 40 + runs))


# --- what is reported --------------------------------------------------------------------


def test_percentiles_mean_and_histogram_of_each_policy(
    document: dict[str, Any], loaded: LoadedScenario
) -> None:
    rules = prepare(loaded.scenario)
    assert set(document["policies"]) == {"idle", "random", "greedy", "reference"}
    for name, stats in document["policies"].items():
        scores = sorted(
            score(play(rules, seed, make_policy(name, rules, seed))[0], rules).total
            for seed in range(3, 15)
        )
        assert stats["mean"] == round(statistics.fmean(scores), 2)
        assert (stats["p10"], stats["p50"], stats["p90"]) == (scores[1], scores[5], scores[10])
        assert stats["histogram"] == histogram(scores) and sum(stats["histogram"]) == 12


def test_nearest_rank_percentile_and_bars() -> None:
    ordered = list(range(1, 101))
    assert [percentile(ordered, q) for q in (0.1, 0.5, 0.9)] == [10, 50, 90]
    assert percentile([5], 0.1) == 5
    assert histogram([0, 99, 100, 950, 1000]) == [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]


def test_goals_events_lessons_and_choices_as_shares(document: dict[str, Any]) -> None:
    assert document["goals"]["trusted"]["reached"]["reference"] == 1.0
    assert document["goals"]["perfect"]["reached"]["all"] == 0.0
    assert document["events"]["pm"]["fired"]["idle"] == 1.0
    assert document["events"]["broke"]["fired"]["all"] == 0.0
    lessons = {lesson["title"]: lesson["shown"] for lesson in document["lessons"]}
    assert lessons["Always"]["all"] == 1.0
    # Only the variation that shrugs loses the trust: 12 of the 120 games.
    assert lessons["Shrugged"]["reference"] == 0.0
    assert lessons["Shrugged"]["all"] == round(12 / 120, 4)
    pm = document["choices"]["pm"]
    assert pm["explain"]["picked"]["reference"] == 1.0 and pm["explain"]["reference"]
    assert pm["shrug"]["picked"]["reference"] == 0.0 and not pm["shrug"]["reference"]
    assert document["choices"]["pm"]["explain"]["effect"] == 0.0


def test_a_choices_effect_is_its_paired_mean_difference(
    document: dict[str, Any], loaded: LoadedScenario, tmp_path: Path
) -> None:
    """Worked out from a scenario whose reference answers with the other choice."""
    rules = prepare(loaded.scenario)
    other = tmp_path / "shrug.yaml"
    answer = "{at: 1, do: choose, event: pm, choice: explain}"
    assert answer in SCENARIO
    other.write_text(SCENARIO.replace(answer, answer.replace("explain", "shrug")), "utf-8")
    swapped = prepare(load_scenario(other).scenario)
    gaps = [
        score(play(swapped, seed, make_policy("reference", swapped, seed))[0], swapped).total
        - score(play(rules, seed, make_policy("reference", rules, seed))[0], rules).total
        for seed in range(3, 15)
    ]
    effect = document["choices"]["pm"]["shrug"]["effect"]
    assert effect == round(sum(gaps) / len(gaps), 2) and effect < 0
    assert document["variations"]["swap:2:shrug"]["vs_reference"] == effect


def test_tasks_never_done_and_refused_steps(document: dict[str, Any]) -> None:
    assert document["tasks_never_done"] == ["never"]
    assert document["tasks"]["label_es"]["done"]["reference"] == 1.0
    assert document["refused"] == [
        {
            "step": 3,
            "action": "ship lora-1",
            "reason": "ship was refused: there is no model 'lora-1'",
            "games": 12,
            "share": 1.0,
        }
    ]


def test_steps_waiting_on_a_condition_that_never_holds(document: dict[str, Any]) -> None:
    assert document["untaken"] == [
        {
            "step": 4,
            "action": "start_job lora",
            "when": "money < 10",
            "games": 12,
            "share": 1.0,
        }
    ]
    assert (
        "reference step 4 (start_job lora) is taken in no game: its condition "
        "(money < 10) never holds before the end" in [w["message"] for w in document["warnings"]]
    )


def test_warnings(document: dict[str, Any]) -> None:
    messages = [warning["message"] for warning in document["warnings"]]
    assert "event broke never fired in 120 games" in messages
    assert "no policy reaches goal perfect: it was met in none of 120 games" in messages
    idle = document["policies"]["idle"]["mean"]
    assert idle >= IDLE_MAX
    assert (
        f"the idle policy averages {idle:.2f}; doing nothing should score under {IDLE_MAX:g}"
        in messages
    )
    assert any(
        message.startswith(f"the idle policy averages {idle:.2f}, within {SIMPLE_MARGIN:g}")
        for message in messages
    )
    assert "reference-step-refused" in kinds(document)
    # Step 1 changes nothing here, so dropping it warns; step 2 answers with the choice the
    # event takes unanswered, so dropping it is not a simpler way of playing.
    assert any("without step 1 (queue_task label_es)" in message for message in messages)
    assert not any("without step 2" in message for message in messages)
    assert document["variations"]["drop:2"]["same_as_default"]


RISKY_JOB = """\
    learning_curve: {es_cs: {f1: 0.6, at: 150, ceiling: 0.9}}
    collapse: {chance_per_run: 0.4, silent: 0}
    risks:
      - {chance_per_run: 0.5, segment: en, ceiling: -0.1, text: Forgot some English.}
"""


def test_the_risks_that_struck_per_job_and_risk(tmp_path: Path) -> None:
    """A job that collapses loudly in 40% of runs and forgets English in half of the runs
    that finish: the report counts the games in which each struck, and the runs."""
    curve = "    learning_curve: {es_cs: {f1: 0.6, at: 150, ceiling: 0.9}}\n"
    gated = '{at: 0, do: start_job, job: lora, when: "money < 10"}'
    assert curve in SCENARIO and gated in SCENARIO
    text = SCENARIO.replace(curve, RISKY_JOB).replace(gated, "{at: 0, do: start_job, job: lora}")
    path = tmp_path / "risky.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_scenario(path)
    report = balance(loaded, runs=30, jobs=1)
    rules = prepare(loaded.scenario)
    crashed = forgot = trained = 0
    for seed in range(30):
        state, _ = play(rules, seed, make_policy("reference", rules, seed))
        crashed += any(line.code == "run.crashed" for line in state.log)
        made = [model for model in state.models if model.source_job_index is not None]
        trained += len(made)
        forgot += any(model.risks == [0] for model in made)
    lora = report["risks"]["lora"]
    assert lora["name"] == "LoRA"
    collapse = lora["collapse"]
    assert collapse["chance_per_run"] == 0.4 and collapse["per_hour"] is None
    assert collapse["struck"]["reference"] == round(crashed / 30, 4)
    assert collapse["struck"]["idle"] == 0.0
    assert 0 < crashed < 30 and 0 < forgot < trained
    (risk,) = lora["risks"]
    assert (risk["risk"], risk["text"], risk["segment"]) == (1, "Forgot some English.", "en")
    assert risk["chance_per_run"] == 0.5
    assert risk["struck"]["reference"] == round(forgot / 30, 4)
    assert risk["runs"]["of"] >= trained and 0 < risk["runs"]["struck"] < risk["runs"]["of"]
    assert collapse["runs"]["struck"] >= crashed
    shown = report_text(report)
    assert "lora: collapse (40% per run)" in shown
    assert "lora: risk 1 (en, 50% per run): Forgot some English." in shown
    page = report_page(report)
    assert "<h2>Risks that struck</h2>" in page and "lora: risk 1: Forgot some English." in page
    assert unclosed_tags(page) == []


def test_no_warning_when_the_event_fires_and_the_goal_is_met(tmp_path: Path) -> None:
    fine = tmp_path / "fine.yaml"
    text = SCENARIO.replace("when: money < 10", "when: money < 2000")
    fine.write_text(text.replace("prod.f1.es_cs >= 0.99", "prod.f1.es_cs >= 0.5"), "utf-8")
    found = kinds(balance(load_scenario(fine), runs=3, jobs=1))
    assert "event-never-fires" not in found and "goal-never-reached" not in found
    assert "idle-too-high" in found  # the rest of the scenario is as before


# --- the command -------------------------------------------------------------------------


def test_json_has_the_documented_keys(
    capsys: pytest.CaptureFixture[str], scenario_file: str
) -> None:
    code, out, err = run_main(capsys, "balance", scenario_file, "--runs", "4", "--json")
    assert code == 0 and err == ""  # no progress bar off a terminal
    found = json.loads(out)
    assert {"policies", "goals", "events", "choices", "warnings"} <= set(found)
    assert {"lessons", "tasks", "tasks_never_done", "refused", "variations"} <= set(found)
    assert found["risks"] == {}  # its one training job can neither collapse nor forget
    assert set(found["policies"]["reference"]) >= {"mean", "p10", "p50", "p90"}


def test_text_report(capsys: pytest.CaptureFixture[str], scenario_file: str) -> None:
    code, out, _ = run_main(capsys, "balance", scenario_file, "--runs", "4", "--jobs", "2")
    assert code == 0
    assert "reference" in out and "Histogram: idle" in out
    assert "warning: event broke never fired in 40 games" in out
    assert "Tasks never done: never" in out
    assert "Risks that struck" in out and "none: no training job can collapse" in out
    assert "step 3 (ship lora-1): 4 games (100.0%)" in out


def test_html_page_is_self_contained_and_atomic(
    capsys: pytest.CaptureFixture[str], scenario_file: str, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    code, _, err = run_main(capsys, "balance", scenario_file, "--runs", "3", "--html", str(page))
    assert code == 0 and f"wrote {page}" in err
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.count("<svg") >= 5
    assert "<script" not in text and "src=" not in text and "href=" not in text
    assert os.listdir(tmp_path) == ["report.html"]  # no temporary file left behind
    assert unclosed_tags(text) == []
    code, _, err = run_main(capsys, "balance", scenario_file, "--runs", "3", "--html", str(page))
    assert code == 2 and err.strip().endswith("exists; use --force to replace it")
    assert page.read_text(encoding="utf-8") == text
    code, _, _ = run_main(
        capsys, "balance", scenario_file, "--runs", "3", "--html", str(page), "--force"
    )
    assert code == 0


def test_html_never_replaces_a_fifo(
    capsys: pytest.CaptureFixture[str], scenario_file: str, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    for extra in ((), ("--force",)):
        code, out, err = run_main(
            capsys, "balance", scenario_file, "--runs", "2", "--html", str(fifo), *extra
        )
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and "FIFO" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--runs", "ten"), "--runs is a whole number from 1 to 1,000,000"),
        (("--runs", "0"), "--runs is from 1 to 1,000,000; got 0"),
        (("--jobs", "0"), "--jobs is from 1 to 64; got 0"),
        (("--jobs", "-2"), "--jobs is a whole number from 1 to 64"),
        (("--seed", "1e3"), "--seed is a whole number"),
        (("--force",), "--force only goes with --html"),
    ],
)
def test_bad_numbers_are_one_line(
    capsys: pytest.CaptureFixture[str], scenario_file: str, args: tuple[str, ...], expected: str
) -> None:
    code, out, err = run_main(capsys, "balance", scenario_file, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and expected in err


def test_bad_scenarios(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: T\nbudget: ten\n", encoding="utf-8")
    code, out, err = run_main(capsys, "balance", str(broken), "--runs", "2")
    assert code == 1 and out == "" and err.startswith(f"{broken}:")
    code, _, err = run_main(capsys, "balance", str(tmp_path / "missing.yaml"))
    assert code == 2 and err.count("\n") == 1 and "missing.yaml" in err
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    code, _, err = run_main(capsys, "balance", str(fifo))
    assert code == 2 and err.count("\n") == 1 and "FIFO" in err


def test_progress_bar() -> None:
    stream = io.StringIO()
    bar = _Bar(stream)
    bar.show(0, 90)
    bar.show(45, 90)
    bar.show(90, 90)
    bar.close()
    drawn = stream.getvalue().split("\r")[1:]
    assert drawn[1] == "[" + "#" * 15 + "." * 15 + "] 45 / 90 games"
    assert drawn[-1] == "[" + "#" * 30 + "] 90 / 90 games\n"


def test_the_doc_names_every_key_and_warning(document: dict[str, Any]) -> None:
    text = (ROOT / "docs" / "balance.md").read_text(encoding="utf-8")
    assert "## Reading the balance report" in text
    for key in document:
        assert f'"{key}"' in text, key
    for kind in (
        "event-never-fires",
        "goal-never-reached",
        "simple-policy-matches",
        "idle-too-high",
        "reference-step-refused",
        "reference-step-never-taken",
    ):
        assert f"`{kind}`" in text, kind
    assert f"within {SIMPLE_MARGIN:g} points" in text and f"{IDLE_MAX:g} points or more" in text
