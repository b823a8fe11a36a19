"""Hostile input at the command line: nothing crashes, hangs, lies or is overwritten."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import simulate
from game.cli.main import main
from game.cli.safe_text import json_text, printable
from game.replay import verify as verify_module
from game.replay.runfile import MAX_ACTIONS

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
VALID = Path(__file__).parent / "broken" / "_base.yaml"
"""A scenario that validates without a problem (tiny.yaml holds steps that are refused)."""
ROOT = Path(__file__).resolve().parent.parent


def mlday(*args: str | bytes, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[bytes]:
    """``python -m game`` in a fresh interpreter; output kept as bytes."""
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        capture_output=True,
        cwd=cwd,
        timeout=60,
        check=False,
        env={**os.environ, **env},
    )


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in out + err
    return code, out, err


@pytest.fixture
def run_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A run file of the tiny scenario, which verify takes for a shipped one."""
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    shutil.copyfile(TINY, shipped / "tiny.yaml")
    monkeypatch.setattr(verify_module, "shipped_scenario_folders", lambda: [shipped])
    target = tmp_path / "run.json"
    assert main(["simulate", str(shipped / "tiny.yaml"), "--record", str(target)]) == 0
    return target


# --- output that can lie -----------------------------------------------------------------


def test_unsafe_characters_are_escaped() -> None:
    lying = "a\nb.json: ok, score 1000\x1b[2K\u2028\u2029\u202e\u200b\udcff\x7f\U000e0001"
    shown = printable(lying)
    assert shown == (
        "a\\nb.json: ok, score 1000\\x1b[2K\\u2028\\u2029\\u202e\\u200b\\xff\\x7f\\U000e0001"
    )
    assert printable("José ñ 日本 ✓") == "José ñ 日本 ✓"
    text = json_text({"id": lying, "name": "José"})
    assert json.loads(text) == {"id": lying, "name": "José"}
    assert text.isprintable() or set(text) - set(text.strip()) <= {"\n", " "}
    assert "José" in text and "\u202e" not in text and "\n" not in json.dumps(text)[1:-1]


def test_a_run_file_cannot_print_a_line_of_its_own(
    capsys: pytest.CaptureFixture[str], run_file: Path
) -> None:
    document = json.loads(run_file.read_text())
    document["scenario"]["id"] = "x\nrun.json: ok, score 1000 by eve\x1b[31m\u2028\u202e"
    run_file.write_text(json.dumps(document))
    code, out, err = run_main(capsys, "verify", str(run_file))
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1
    assert "x\\nrun.json: ok, score 1000 by eve\\x1b[31m\\u2028\\u202e" in err


@pytest.mark.parametrize("name", ["ada\u202eorp", "ada\u2028ok", "ada\x1b[31m", "ada\nbo"])
def test_lying_player_names_are_refused(
    capsys: pytest.CaptureFixture[str], run_file: Path, name: str
) -> None:
    document = json.loads(run_file.read_text())
    document["player"] = name
    run_file.write_text(json.dumps(document))
    code, out, _ = run_main(capsys, "verify", str(run_file))
    assert code == 1 and len(out.splitlines()) == 1
    assert "a player's name cannot hold control or format characters" in out
    code, _, err = run_main(capsys, "simulate", str(TINY), "--player", name)
    assert code == 2 and "no control or format characters" in err


def test_a_lying_scenario_file_name_is_escaped_in_every_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lying = tmp_path / "x\n\u202eok.yaml"
    shutil.copyfile(VALID, lying)
    code, out, _ = run_main(capsys, "validate", str(lying))
    assert code == 0 and len(out.splitlines()) == 1 and "x\\n\\u202eok.yaml: ok" in out
    code, out, _ = run_main(capsys, "simulate", str(lying), "--runs", "2")
    assert code == 0 and out.startswith("x\\n\\u202eok: 2 games")
    code, out, _ = run_main(capsys, "simulate", str(lying), "--json")
    assert code == 0 and json.loads(out)["scenario"]["id"] == "x\n\u202eok"
    assert "\u202e" not in out


# --- surrogates and names that are not UTF-8 ---------------------------------------------


def test_a_lone_surrogate_in_a_run_file_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], run_file: Path
) -> None:
    text = run_file.read_text().replace('"id": "tiny"', '"id": "ti\\ud800ny"')
    run_file.write_text(text)
    code, out, _ = run_main(capsys, "verify", str(run_file))
    assert code == 1
    assert "scenario.id: a \\u escape names half of a UTF-16 pair" in out


def test_a_lone_surrogate_in_an_action_file_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    actions = tmp_path / "actions.json"
    actions.write_text('[{"tick": 0, "do": "queue_task", "task": "\\ud800"}]')
    code, _, err = run_main(capsys, "simulate", str(TINY), "--actions", str(actions))
    assert code == 1 and "[0].task: a \\u escape names half of a UTF-16 pair" in err


def test_file_names_that_are_not_utf8_under_a_strict_terminal(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    scenario = folder + b"/b\xffd.yaml"
    shutil.copyfile(VALID, scenario)
    strict = {"PYTHONIOENCODING": "utf-8:strict"}
    done = mlday("validate", scenario, folder + b"/n\xffo.yaml", **strict)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert b"b\\xffd.yaml: ok" in done.stdout
    assert b"n\\xffo.yaml:1:1: error: cannot read the file" in done.stdout
    done = mlday("verify", folder + b"/n\xffo.json", **strict)
    assert done.returncode == 2 and b"n\\xffo.json: error: cannot read the file" in done.stderr
    assert main(["simulate", str(TINY), "--record", str(tmp_path / "good.json")]) == 0
    shutil.copyfile(tmp_path / "good.json", folder + b"/r\xff.json")
    done = mlday("verify", folder + b"/r\xff.json", "--scenario", str(TINY), **strict)
    assert done.returncode == 0 and b"r\\xff.json: ok, score " in done.stdout
    done = mlday("simulate", scenario, "--record", folder + b"/r.json", **strict)
    assert done.returncode == 2 and b"bytes that are not UTF-8; rename the file" in done.stderr
    done = mlday("simulate", scenario, "--json", **strict)
    assert done.returncode == 0 and json.loads(done.stdout)["scenario"]["id"] == "b\udcffd"


def test_a_player_name_that_is_not_utf8(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(capsys, "simulate", str(TINY), "--player", "\udcff")
    assert code == 2 and "a player's name is UTF-8 text" in err


# --- special files -----------------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "{fifo}"),
        ("simulate", "{fifo}"),
        ("simulate", str(TINY), "--actions", "{fifo}"),
        ("verify", "{fifo}"),
        ("verify", "{run}", "--scenario", "{fifo}"),
    ],
    ids=["validate", "simulate", "actions", "verify", "verify-scenario"],
)
def test_a_fifo_is_refused_not_waited_on(fifo: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    run = tmp_path / "run.json"
    assert main(["simulate", str(TINY), "--record", str(run)]) == 0
    filled = [arg.format(fifo=fifo, run=run) for arg in args]
    done = mlday(*filled)  # a hang would be a timeout: the FIFO is never opened
    assert done.returncode == 2, done
    assert b"it is a FIFO (named pipe); only regular files are read" in done.stdout + done.stderr


@pytest.mark.parametrize("kind", ["fifo", "symlink", "dangling symlink"])
def test_outputs_never_replace_special_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    target = tmp_path / "out.json"
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to(precious if kind == "symlink" else tmp_path / "nowhere")
    before = os.lstat(target)
    code, _, err = run_main(capsys, "schema", "-o", str(target))
    assert code == 2 and "only regular files are replaced" in err
    code, _, err = run_main(capsys, "simulate", str(TINY), "--record", str(target), "--force")
    assert code == 2 and "only regular files are replaced" in err
    code, _, err = run_main(capsys, "simulate", str(TINY), "--record", str(target))
    assert code == 2 and "exists; use --force" in err
    after = os.lstat(target)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert precious.read_text() == "keep me"


# --- loose parsing and limits ------------------------------------------------------------


@pytest.mark.parametrize("seed", [" 7 ", "٣", "1_000", "+3", "0x10", "7.0", "", "9" * 5000])
def test_seeds_are_plain_ascii_digits(capsys: pytest.CaptureFixture[str], seed: str) -> None:
    code, _, err = run_main(capsys, "simulate", str(TINY), "--seed", seed)
    assert code == 2 and "a seed is between 0 and 9,223,372,036,854,775,807" in err
    code, _, err = run_main(capsys, "simulate", str(TINY), "--runs", seed)
    assert code == 2 and "runs is between 1 and" in err


def test_more_actions_than_a_run_file_holds_cannot_be_recorded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    actions = tmp_path / "many.json"
    record = {"tick": 0, "do": "allocate", "research": 0, "data": 100, "infra": 0, "writing": 0}
    actions.write_text(json.dumps([record] * (MAX_ACTIONS + 1)))
    target = tmp_path / "run.json"
    code, _, err = run_main(
        capsys, "simulate", str(TINY), "--actions", str(actions), "--record", str(target)
    )
    assert code == 1 and not target.exists()
    assert f"{MAX_ACTIONS + 1:,} actions; a run file holds at most {MAX_ACTIONS:,}" in err


# --- one action file over many seeds -----------------------------------------------------

ALLOCATE = {"tick": 0, "do": "allocate", "research": 0, "data": 100, "infra": 0, "writing": 0}


def test_runs_skip_refused_actions_and_count_them_per_seed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    actions = tmp_path / "actions.json"
    actions.write_text(
        json.dumps(
            [
                ALLOCATE,
                {"tick": 3, "do": "ship", "model": "ghost"},
                {"tick": 4, "do": "ship", "model": "ghost"},
            ]
        )
    )
    code, out, _ = run_main(
        capsys, "simulate", str(TINY), "--actions", str(actions), "--runs", "3", "--json"
    )
    assert code == 0
    skipped = json.loads(out)["skipped_actions"]
    assert skipped["games"] == 3 and skipped["actions"] == 6
    assert [entry["seed"] for entry in skipped["per_seed"]] == [0, 1, 2]
    assert all(entry["skipped"] == 2 for entry in skipped["per_seed"])
    first = skipped["per_seed"][0]["first"]
    assert first["index"] == 1 and first["tick"] == 3
    assert "ship was refused: there is no model 'ghost'" in first["reason"]
    assert first["code"] == "refused.no_such_model" and first["values"] == {"model": "ghost"}
    code, out, _ = run_main(capsys, "simulate", str(TINY), "--actions", str(actions), "--runs", "3")
    assert code == 0
    assert "skipped actions: 6 in 3 games" in out
    assert "  seed 1: 2 skipped, first actions[1] at tick 3: ship was refused" in out
    code, _, err = run_main(capsys, "simulate", str(TINY), "--actions", str(actions))
    assert code == 1 and "actions[1] at tick 3: ship was refused" in err


def test_runs_of_an_accepted_action_file_say_nothing_was_skipped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    actions = tmp_path / "actions.json"
    actions.write_text(json.dumps([ALLOCATE]))
    code, out, _ = run_main(capsys, "simulate", str(TINY), "--actions", str(actions), "--runs", "2")
    assert code == 0 and "skipped actions: none" in out
    assert simulate.skipped_summary({}) == {"games": 0, "actions": 0, "per_seed": []}


# --- cost --------------------------------------------------------------------------------


def costly_scenario(added: int, repeat: bool) -> str:
    """A valid scenario (no events) over 30 days of 5-minute ticks, with ``added`` events."""
    trigger = "{chance_per_hour: 1, repeat: true}" if repeat else "{when: trust < 0}"
    events = "".join(
        f"  - {{id: e{index}, title: E, text: Again, trigger: {trigger}}}\n"
        for index in range(added)
    )
    text = VALID.read_text() + "events:\n" + events
    return text + "time: {days: 30, hours_per_day: 24, tick_minutes: 5}\n"


@pytest.mark.parametrize(
    ("events", "repeat", "message"),
    [
        (499, True, "repeating events times ticks is at most 50,000 (here 4,311,360)"),
        (100, False, "events times ticks is at most 500,000 (here 864,000)"),
    ],
)
def test_a_scenario_too_costly_to_play_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, events: int, repeat: bool, message: str
) -> None:
    path = tmp_path / "costly.yaml"
    path.write_text(costly_scenario(events, repeat))
    code, out, _ = run_main(capsys, "validate", str(path))
    assert code == 1 and message in out
    assert f"{path}:" in out and ": error: " in out
    code, _, err = run_main(capsys, "simulate", str(path))
    assert code == 1 and message in err


def test_a_scenario_within_the_cost_limits_loads(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "fine.yaml"
    path.write_text(costly_scenario(5, True))  # 5 x 8,640 = 43,200 and 5 x 8,640
    code, out, _ = run_main(capsys, "validate", str(path))
    assert code == 0, out
