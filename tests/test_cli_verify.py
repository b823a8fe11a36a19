"""``mlday verify``: one line per run file and the exit codes."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli.main import main

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def runs(tmp_path: Path) -> list[Path]:
    """Two run files by different players on a private copy of the tiny scenario."""
    scenario = tmp_path / "tiny.yaml"
    shutil.copyfile(DATA / "tiny.yaml", scenario)
    made = []
    for seed, player in ((1, "ada"), (2, "bo")):
        target = tmp_path / f"{player}.json"
        code = main(
            [
                "simulate",
                str(scenario),
                "--seed",
                str(seed),
                "--player",
                player,
                "--policy",
                "random",
                "--record",
                str(target),
            ]
        )
        assert code == 0
        made.append(target)
    return made


def mlday(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_all_good_runs_pass(runs: list[Path]) -> None:
    scenario = runs[0].parent / "tiny.yaml"
    done = mlday("verify", *map(str, runs), "--scenario", str(scenario))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    sha256 = hashlib.sha256(scenario.read_bytes()).hexdigest()
    checked = f"(scenario {scenario}, sha256 {sha256})"
    for line, (path, player) in zip(lines, zip(runs, ("ada", "bo"), strict=True), strict=True):
        total = json.loads(path.read_text())["score"]["total"]
        assert line == f"{path}: ok, score {total} by {player} {checked}"


def test_one_tampered_and_one_missing(runs: list[Path], tmp_path: Path) -> None:
    document = json.loads(runs[1].read_text())
    document["score"]["total"] = min(1000, document["score"]["total"] + 100)
    if document["score"]["total"] == json.loads(runs[0].read_text())["score"]["total"]:
        document["score"]["total"] -= 1
    runs[1].write_text(json.dumps(document))
    scenario = str(tmp_path / "tiny.yaml")
    done = mlday("verify", *map(str, runs), "--scenario", scenario)
    assert done.returncode == 1
    assert done.stdout.splitlines()[1].startswith(f"{runs[1]}: rejected: the claimed score")
    missing = tmp_path / "missing.json"
    done = mlday("verify", str(runs[0]), str(missing), str(runs[1]), "--scenario", scenario)
    assert done.returncode == 2
    assert f"{missing}: error: cannot read the file" in done.stderr
    assert len(done.stdout.splitlines()) == 2
    assert "Traceback" not in done.stderr


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()  # drop what fixtures printed
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_scenario_option(capsys: pytest.CaptureFixture[str], runs: list[Path]) -> None:
    other = str(DATA / "tiny-golden.yaml")
    code, out, _ = run_main(capsys, "verify", str(runs[0]), "--scenario", other)
    assert code == 1 and "rejected: another scenario" in out
    code, out, _ = run_main(capsys, "verify", str(runs[0]), "--scenario", str(DATA / "tiny.yaml"))
    assert code == 0 and out.startswith(f"{runs[0]}: ok, score ")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"not json at all", "rejected: not valid JSON"),
        (b'{"format": "mlday-run", "version": 7}', "rejected: run file version 7"),
        (b'{"format": "mlday-run"', "rejected: the JSON ends too early (truncated?)"),
        (b"", "rejected: the file is empty"),
    ],
)
def test_broken_files_are_rejected(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "run.json"
    path.write_bytes(content)
    code, out, _ = run_main(capsys, "verify", str(path))
    assert code == 1 and f"{path}: {expected}" in out


def test_no_files_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(capsys, "verify")
    assert code == 2 and "RUN.json" in err


def test_scenario_missing_is_unreadable(
    capsys: pytest.CaptureFixture[str], runs: list[Path], tmp_path: Path
) -> None:
    code, out, err = run_main(capsys, "verify", str(runs[0]))
    assert code == 2 and "no scenario 'tiny' ships with mlday" in err and out == ""
    (tmp_path / "tiny.yaml").unlink()
    code, out, err = run_main(
        capsys, "verify", str(runs[0]), "--scenario", str(tmp_path / "tiny.yaml")
    )
    assert code == 2 and "cannot read the file" in err and out == ""
