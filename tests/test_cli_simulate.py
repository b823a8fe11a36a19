"""``mlday simulate``: reports, --json, --runs, --record and --actions, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from game.cli.main import main
from game.replay.runfile import read_run
from game.replay.verify import Verifier

DATA = Path(__file__).parent / "data"
TINY = str(DATA / "tiny.yaml")
GOLDEN = str(DATA / "tiny-golden.yaml")
ROOT = Path(__file__).resolve().parent.parent


def mlday(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m game`` in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in this process; (exit code, stdout, stderr)."""
    capsys.readouterr()  # drop what fixtures printed
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_json_output_parses_in_a_fresh_process() -> None:
    done = mlday("simulate", TINY, "--seed", "2", "--json", "--player", "ada")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["format"] == "mlday-simulate" and summary["version"] == 2
    assert summary["scenario"]["id"] == "tiny" and len(summary["scenario"]["sha256"]) == 64
    assert summary["seed"] == 2 and summary["policy"] == "greedy" and summary["player"] == "ada"
    assert set(summary["score"]) >= {"total", "parts", "goals"}
    assert set(summary["money"]) == {"budget", "spent", "left"}
    assert summary["money"]["spent"] == pytest.approx(sum(summary["ledger"].values()), abs=0.05)
    assert set(summary["true_quality"]) == set(summary["measured_quality"]) == {"en", "es_cs"}
    assert isinstance(summary["measurements"], list) and isinstance(summary["lessons"], list)
    assert summary["actions_applied"] >= 0 and len(summary["digest"]) == 64


def test_the_text_report_reveals_the_truth(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "simulate", GOLDEN, "--seed", "4")
    assert code == 0
    assert "Score " in out and "quality" in out and "Goals reached: 0 of 1" in out
    assert "Money left: $" in out and "serving GPU" in out
    assert "Production model: baseline" in out and "true F1" in out and "measured F1" in out
    assert "Lessons:\n  - Measure before you ship" in out
    code, out, _ = run_main(capsys, "simulate", GOLDEN, "--seed", "4", "--json")
    summary = json.loads(out)
    assert summary["true_quality"] == {"en": 0.9, "es_cs": 0.6}
    assert all(value is not None for value in summary["measured_quality"].values())
    assert summary["measurements"][0]["model"] == "baseline"
    assert summary["lessons"] == ["Measure before you ship"]


def keys_of(document: object) -> set[str]:
    """Every key of every object in a JSON document, however deep."""
    if isinstance(document, dict):
        return set(document).union(*(keys_of(value) for value in document.values()))
    if isinstance(document, list):
        return set().union(*(keys_of(value) for value in document))
    return set()


def test_json_names_the_scenarios_metric_and_no_other(capsys: pytest.CaptureFixture[str]) -> None:
    """A classifier scored by accuracy: the JSON says accuracy, and no key says F1."""
    clinic = str(DATA / "clinic-triage.yaml")
    code, out, _ = run_main(capsys, "simulate", clinic, "--seed", "1", "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["metric"] == {"name": "accuracy", "short": "Acc"}
    assert not [key for key in keys_of(summary) if "f1" in key.lower()]
    assert set(summary["true_quality"]) == {"typed", "dictated"}
    assert 0 < summary["score"]["true_quality"] <= 1
    measured = [m for m in summary["measurements"] if m["quality_mix"] is not None]
    assert measured and set(measured[0]["quality"]) == {"typed", "dictated"}
    assert {"true_quality", "measured_quality", "half_width"} <= set(summary["reveal"][0])
    _, out, _ = run_main(capsys, "simulate", GOLDEN, "--seed", "4", "--json")
    assert json.loads(out)["metric"] == {"name": "F1", "short": "F1"}  # when it does not say


def test_json_has_no_nan_when_nothing_is_measured(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "simulate", TINY, "--json")
    assert code == 0
    json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} in --json output"))


def test_same_seed_same_game(capsys: pytest.CaptureFixture[str]) -> None:
    digests = set()
    for _ in range(2):
        _, out, _ = run_main(capsys, "simulate", TINY, "--policy", "random", "--json")
        digests.add(json.loads(out)["digest"])
    assert len(digests) == 1


def test_runs_reports_the_distribution(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(
        capsys, "simulate", TINY, "--policy", "random", "--runs", "6", "--seed", "10", "--json"
    )
    assert code == 0
    stats = json.loads(out)
    assert stats["runs"] == 6 and stats["seeds"] == {"first": 10, "last": 15}
    totals = []
    for seed in range(10, 16):
        _, one, _ = run_main(
            capsys, "simulate", TINY, "--policy", "random", "--seed", str(seed), "--json"
        )
        totals.append(json.loads(one)["score"]["total"])
    assert stats["score"]["min"] == min(totals) and stats["score"]["max"] == max(totals)
    assert stats["score"]["mean"] == pytest.approx(sum(totals) / 6, abs=0.01)
    assert stats["score"]["stdev"] >= 0 and stats["games_per_second"] > 0
    code, out, _ = run_main(capsys, "simulate", TINY, "--runs", "3")
    assert code == 0 and "3 games" in out and "games per second" in out and "mean" in out


def test_runs_prepares_the_scenario_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from game.cli import simulate

    calls: list[object] = []
    real = simulate.prepare

    def counting(scenario: Any) -> Any:
        calls.append(scenario)
        return real(scenario)

    monkeypatch.setattr(simulate, "prepare", counting)
    code, _, _ = run_main(capsys, "simulate", TINY, "--runs", "5")
    assert code == 0 and len(calls) == 1


def test_record_writes_a_verifiable_run_and_refuses_to_overwrite(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "run.json"
    code, _, err = run_main(
        capsys, "simulate", TINY, "--seed", "5", "--record", str(target), "--player", "bo"
    )
    assert code == 0 and "recorded" in err
    run = read_run(target)
    assert run.player == "bo" and run.seed == 5 and run.policy == "greedy"
    assert Verifier().verify(target, TINY).ok
    before = target.read_bytes()
    code, _, err = run_main(capsys, "simulate", TINY, "--seed", "6", "--record", str(target))
    assert code == 2 and "exists; use --force" in err
    assert target.read_bytes() == before
    code, _, _ = run_main(
        capsys, "simulate", TINY, "--seed", "6", "--record", str(target), "--force"
    )
    assert code == 0 and read_run(target).seed == 6


def test_actions_file_replays_a_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "run.json"
    run_main(capsys, "simulate", TINY, "--policy", "random", "--seed", "8", "--record", str(target))
    recorded = read_run(target)
    code, out, _ = run_main(
        capsys, "simulate", TINY, "--seed", "8", "--actions", str(target), "--json"
    )
    assert code == 0
    summary = json.loads(out)
    assert summary["digest"] == recorded.digest and summary["policy"] is None
    listed = tmp_path / "actions.json"
    listed.write_text(json.dumps([a.record() for a in recorded.actions]))
    code, out, _ = run_main(
        capsys, "simulate", TINY, "--seed", "8", "--actions", str(listed), "--json"
    )
    assert code == 0 and json.loads(out)["digest"] == recorded.digest


def test_bad_actions_file_names_each_record(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    actions = tmp_path / "actions.json"
    actions.write_text(
        json.dumps(
            [
                {
                    "tick": 0,
                    "do": "allocate",
                    "research": 25,
                    "data": 25,
                    "infra": 25,
                    "writing": 25,
                },
                {"tick": 1, "do": "queue_task", "task": "label_en"},
                {"tick": 2, "do": "queue_task", "task": "label_es", "urgent": True},
            ]
        )
    )
    code, _, err = run_main(capsys, "simulate", TINY, "--actions", str(actions))
    assert code == 1
    assert f"{actions}: actions[1]: task: unknown task 'label_en'" in err
    assert f"{actions}: actions[2]: unknown field 'urgent'" in err
    assert "actions[0]" not in err


def test_refused_action_in_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    actions = tmp_path / "actions.json"
    actions.write_text(json.dumps({"actions": [{"tick": 3, "do": "ship", "model": "ghost"}]}))
    code, _, err = run_main(capsys, "simulate", TINY, "--actions", str(actions))
    assert code == 1 and "actions[0] at tick 3: ship was refused: there is no model" in err


BAD_INPUTS: list[tuple[list[str], int, str]] = [
    (["simulate", "missing.yaml"], 2, "missing.yaml:1:1: error: cannot read the file"),
    (["simulate", TINY, "--runs", "3", "--record", "x.json"], 2, "cannot go with --runs"),
    (["simulate", TINY, "--force"], 2, "--force only goes with --record"),
    (["simulate", TINY, "--policy", "smart"], 2, "invalid choice"),
    (["simulate", TINY, "--seed", "-1"], 2, "a seed is between"),
    (["simulate", TINY, "--runs", "0"], 2, "runs is between"),
    (["simulate", TINY, "--player", ""], 2, "1 to 40 characters"),
    (["simulate", TINY, "--policy", "idle", "--actions", "a.json"], 2, "not allowed with"),
    (["simulate", TINY, "--actions", "nowhere.json"], 2, "nowhere.json: cannot read the file"),
]


@pytest.mark.parametrize(("args", "code", "message"), BAD_INPUTS)
def test_bad_usage(
    capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    got, _, err = run_main(capsys, *args)
    assert got == code and message in err


def test_bad_files_in_a_fresh_process(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: T\nbudget: lots\n")
    done = mlday("simulate", str(broken))
    assert done.returncode == 1 and f"{broken}:" in done.stderr and "error:" in done.stderr
    assert "Traceback" not in done.stderr
    not_json = tmp_path / "actions.json"
    not_json.write_bytes(b"\xff\x00{")
    done = mlday("simulate", TINY, "--actions", str(not_json))
    assert done.returncode == 1 and f"{not_json}: not UTF-8 text" in done.stderr
    assert "Traceback" not in done.stderr


def test_documented_json_fields_match_the_output(capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "docs" / "run-files.md").read_text()
    section = text[text.index("## `mlday simulate --json`") :]
    start = section.index("```json") + 7
    example = json.loads(section[start : section.index("```", start)])
    _, out, _ = run_main(capsys, "simulate", GOLDEN, "--seed", "4", "--json")
    assert list(json.loads(out)) == list(example)
    section = text[text.index("## `mlday simulate --runs R --json`") :]
    start = section.index("```json") + 7
    example = json.loads(section[start : section.index("```", start)])
    _, out, _ = run_main(capsys, "simulate", GOLDEN, "--runs", "2", "--json")
    assert list(json.loads(out)) == list(example)
