"""``mlday new``: a starter scenario that validates, balances, and never overwrites by surprise."""

from __future__ import annotations

import os
import statistics
from pathlib import Path

import pytest

from game.cli.main import main
from game.cli.new import scenario_text, starter_text, title_from
from game.cli.schema import schema_text
from game.core.engine import play
from game.core.rules import prepare
from game.core.scoring import score
from game.policies import make_policy
from game.scenario.lint import lint
from game.scenario.load import load_scenario, load_scenario_bytes

SEEDS = range(20)


def new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.chdir(tmp_path)
    return main(["new", *args])


def test_writes_a_scenario_that_validates_without_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(tmp_path, monkeypatch, "clinic-triage") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "wrote clinic-triage.yaml"
    assert main(["validate", "clinic-triage.yaml"]) == 0
    assert capsys.readouterr().out == "clinic-triage.yaml: ok\n"
    loaded = load_scenario(tmp_path / "clinic-triage.yaml")
    assert loaded.scenario.title == "Clinic triage"
    assert lint(loaded.scenario) == []


def test_the_schema_is_written_beside_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(tmp_path, monkeypatch, "first") == 0
    schema = tmp_path / "scenario.schema.json"
    assert schema.read_text(encoding="utf-8") == schema_text()
    schema.write_text("mine", encoding="utf-8")
    assert new(tmp_path, monkeypatch, "second.yaml") == 0
    assert schema.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "first.yaml",
        "scenario.schema.json",
        "second.yaml",
    ]
    assert (
        (tmp_path / "first.yaml")
        .read_text(encoding="utf-8")
        .startswith("# yaml-language-server: $schema=scenario.schema.json\n")
    )


def test_an_existing_file_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("my work", encoding="utf-8")
    assert new(tmp_path, monkeypatch, "mine") == 2
    assert target.read_text(encoding="utf-8") == "my work"
    err = capsys.readouterr().err
    assert err == (
        "mlday new: mine.yaml: already exists; choose another name, or give --force to replace it\n"
    )


def test_force_replaces_a_regular_file_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("old", encoding="utf-8")
    assert new(tmp_path, monkeypatch, "mine", "--force") == 0
    assert target.read_text(encoding="utf-8") == scenario_text("mine")
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert new(tmp_path, monkeypatch, "folder", "--force") == 2
    assert folder.is_dir()
    assert "exists and is not a regular file" in capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix", reason="links and pipes")
def test_force_never_replaces_a_link_or_a_pipe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "real.txt"
    real.write_text("keep", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to(real)
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere")
    os.mkfifo(tmp_path / "pipe.yaml")
    for name in ("link", "dangling", "pipe"):
        assert new(tmp_path, monkeypatch, name, "--force") == 2
    assert real.read_text(encoding="utf-8") == "keep"
    assert (tmp_path / "link.yaml").is_symlink()
    assert not (tmp_path / "nowhere").exists()
    assert capsys.readouterr().err.count("is not a regular file") == 3


def test_an_unwritable_place_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(tmp_path, monkeypatch, "no/such/folder/x") == 2
    err = capsys.readouterr().err
    assert err.startswith("mlday new: cannot write no/such/folder/x.yaml")
    assert "Traceback" not in err


@pytest.mark.parametrize("name", ["", ".", "..", "folder/", "a/.."])
def test_a_name_that_names_no_file_is_refused(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(tmp_path, monkeypatch, name) == 2
    assert capsys.readouterr().err == (
        f"mlday new: '{name}' is not a file name; give one such as triage\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("clinic-triage", "Clinic triage"),
        ("api_outage_2", "Api outage 2"),
        ("é-day", "É day"),
        ('say "hi": #1', 'Say "hi": #1'),
        ("x" * 300, "X" + "x" * 199),
    ],
)
def test_any_name_makes_a_valid_title(name: str, title: str) -> None:
    assert title_from(name) == title
    loaded = load_scenario_bytes(scenario_text(name).encode(), "t.yaml")
    assert loaded.scenario.title == title


def mean(policy: str) -> float:
    rules = prepare(load_scenario_bytes(starter_text().encode(), "starter.yaml").scenario)
    return statistics.mean(
        score(play(rules, seed, make_policy(policy, rules, seed))[0], rules).total for seed in SEEDS
    )


def test_the_starter_balances() -> None:
    reference, idle = mean("reference"), mean("idle")
    assert reference > idle + 100, (reference, idle)
    assert reference > mean("greedy")
