"""Digests, replay, run files and verification, called directly (no subprocess but one)."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import game
from game.core.engine import play
from game.core.luck import Luck
from game.core.rules import Rules, prepare
from game.policies import POLICIES, make_policy
from game.replay import verify as verify_module
from game.replay.digest import canonical, state_digest
from game.replay.replay import (
    ActionRecordError,
    ReplayError,
    TimedAction,
    parse_action_record,
    replay,
    timed,
)
from game.replay.runfile import (
    RunFile,
    RunFileError,
    RunFileExistsError,
    RunFileUnreadableError,
    make_run,
    read_run,
    run_json,
    write_run,
)
from game.replay.verify import Verdict, Verifier, verify_run
from game.scenario.actions import QueueTask, Ship
from game.scenario.load import LoadedScenario, load_scenario

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tiny() -> tuple[LoadedScenario, Rules]:
    loaded = load_scenario(TINY)
    return loaded, prepare(loaded.scenario)


@pytest.fixture
def scenario_copy(tmp_path: Path) -> Path:
    """A private copy of the tiny scenario, free to edit."""
    target = tmp_path / "tiny.yaml"
    shutil.copyfile(TINY, target)
    return target


def record(scenario: Path, target: Path, *, seed: int = 3, policy: str = "greedy") -> RunFile:
    """Play a game on a scenario file and write its run file."""
    loaded = load_scenario(scenario)
    rules = prepare(loaded.scenario)
    state, applied = play(rules, seed, make_policy(policy, rules, seed))
    run = make_run(
        loaded, rules, state, seed=seed, player="ada", policy=policy, actions=timed(applied)
    )
    write_run(target, run)
    return run


def edit(path: Path, change: Any) -> None:
    """Rewrite a run file's JSON through ``change(document)``."""
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


# --- digest ------------------------------------------------------------------------------


def test_same_game_same_digest_and_any_change_shows(tiny: tuple[LoadedScenario, Rules]) -> None:
    _, rules = tiny
    first, _ = play(rules, 5, make_policy("random", rules, 5))
    second, _ = play(rules, 5, make_policy("random", rules, 5))
    assert state_digest(first) == state_digest(second)
    second.money.balance += 0.01
    assert state_digest(first) != state_digest(second)
    second.money.balance = first.money.balance
    second.luck = Luck(6)  # the seed of the draws is part of the digest
    assert state_digest(first) != state_digest(second)


def test_digest_covers_every_field(tiny: tuple[LoadedScenario, Rules]) -> None:
    _, rules = tiny
    state, _ = play(rules, 1, make_policy("greedy", rules, 1))
    form = canonical(state)
    assert isinstance(form, dict)
    assert set(form) == {field.name for field in dataclasses.fields(state)}
    assert form["luck"] == {"seed": 1}


def test_canonical_floats_dicts_and_unknown_types() -> None:
    assert canonical(0.1 + 0.2) == canonical(0.3) == "0.3"
    assert canonical({"b": 1, "a": (1.5, None, True)}) == {"a": ["1.5", None, True], "b": 1}
    assert list(canonical({"b": 1, "a": 2}).keys()) == ["a", "b"]  # type: ignore[union-attr]
    with pytest.raises(TypeError):
        canonical({1, 2})
    with pytest.raises(TypeError):
        canonical({1: "int key"})


DIGEST_SCRIPT = """
import sys
from game.core.engine import play
from game.core.rules import prepare
from game.policies import make_policy
from game.replay.digest import state_digest
from game.scenario.load import load_scenario
rules = prepare(load_scenario(sys.argv[1]).scenario)
for policy in ("greedy", "random"):
    state, _ = play(rules, 11, make_policy(policy, rules, 11))
    print(state_digest(state))
"""


def test_digest_does_not_depend_on_hash_seed(tiny: tuple[LoadedScenario, Rules]) -> None:
    _, rules = tiny
    digests = []
    for hash_seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", DIGEST_SCRIPT, str(TINY)],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=60,
            check=True,
        )
        digests.append(done.stdout.split())
    here = [
        state_digest(play(rules, 11, make_policy(p, rules, 11))[0]) for p in ("greedy", "random")
    ]
    assert digests[0] == digests[1] == here


# --- replay ------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_replay_reproduces_play(tiny: tuple[LoadedScenario, Rules], policy: str) -> None:
    _, rules = tiny
    for seed in (0, 7):
        state, applied = play(rules, seed, make_policy(policy, rules, seed))
        again = replay(rules, seed, timed(applied))
        assert state_digest(again) == state_digest(state)
        assert again.clock.over


def test_replay_refuses_ticks_going_down(tiny: tuple[LoadedScenario, Rules]) -> None:
    _, rules = tiny
    actions = [
        TimedAction(3, Ship(model="baseline2")),
        TimedAction(1, QueueTask(task="label_es")),
    ]
    with pytest.raises(ReplayError) as caught:
        replay(rules, 0, actions)
    # the first action is checked first: the engine refuses an unknown model
    assert caught.value.index == 0 and caught.value.tick == 3
    assert "there is no model 'baseline2'" in str(caught.value)
    ok = TimedAction(3, Ship(model="baseline"))  # refused too: already in production
    with pytest.raises(ReplayError, match="already in production"):
        replay(rules, 0, [ok])
    from game.scenario.actions import Allocate

    allocate = Allocate(research=25, data=25, infra=25, writing=25)
    with pytest.raises(ReplayError) as caught:
        replay(rules, 0, [TimedAction(3, allocate), TimedAction(2, allocate)])
    assert caught.value.index == 1 and caught.value.tick == 2
    assert "must not go down" in caught.value.reason


def test_replay_refuses_ticks_outside_the_game(tiny: tuple[LoadedScenario, Rules]) -> None:
    _, rules = tiny
    from game.scenario.actions import Allocate

    allocate = Allocate(research=25, data=25, infra=25, writing=25)
    with pytest.raises(ReplayError) as caught:
        replay(rules, 0, [TimedAction(rules.total_ticks + 1, allocate)])
    assert caught.value.index == 0
    assert f"boundaries 0 to {rules.total_ticks}" in str(caught.value)
    with pytest.raises(ReplayError) as caught:
        replay(rules, 0, [TimedAction(rules.total_ticks, allocate)])
    assert "only answers to waiting events" in str(caught.value)
    state = replay(rules, 0, [TimedAction(rules.total_ticks - 1, allocate)])
    assert state.clock.over and state.team.allocation == [25, 25, 25, 25]


def test_action_records_are_checked(tiny: tuple[LoadedScenario, Rules]) -> None:
    loaded, _ = tiny
    names = loaded.scenario.names()
    good = parse_action_record({"tick": 2, "do": "queue_task", "task": "label_es"}, names)
    assert good == TimedAction(2, QueueTask(task="label_es"))
    assert good.record() == {"tick": 2, "do": "queue_task", "task": "label_es"}
    cases = [
        ({"do": "queue_task", "task": "label_es"}, "missing required field 'tick'"),
        ({"tick": 1.5, "do": "queue_task", "task": "label_es"}, "tick: expected a whole number"),
        ({"tick": True, "do": "queue_task", "task": "label_es"}, "tick: expected a whole"),
        ({"tick": -1, "do": "queue_task", "task": "label_es"}, "tick: must be between"),
        ({"tick": 0, "do": "queue_task", "task": "label_es", "when": 3}, "unknown field 'when'"),
        ({"tick": 0, "do": "fly", "task": "label_es"}, "do: 'fly' is unknown; expected one of: "),
        ({"tick": 0, "task": "label_es"}, "missing required field 'do' (one of: allocate, "),
        ({"tick": 0, "do": "queue_task"}, "missing required field 'task'"),
        ({"tick": 0, "do": "queue_task", "task": "label_en"}, "task: unknown task 'label_en'"),
        ({"tick": 0, "do": "choose", "event": "pm", "choice": "x"}, "choice: event 'pm' has no"),
        ([1, 2], "an action is a JSON object"),
    ]
    for record, expected in cases:
        with pytest.raises(ActionRecordError) as caught:
            parse_action_record(record, names)
        assert expected in str(caught.value), (record, str(caught.value))


# --- run files ---------------------------------------------------------------------------


def test_run_file_round_trip(scenario_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "run.json"
    run = record(scenario_copy, target)
    assert read_run(target) == run
    document = json.loads(target.read_text())
    assert list(document) == [
        "format",
        "version",
        "engine",
        "scenario",
        "seed",
        "player",
        "policy",
        "actions",
        "score",
        "digest",
        "checkpoints",
    ]
    assert document["format"] == "mlday-run" and document["version"] == 2
    assert document["engine"] == game.ENGINE_VERSION
    assert document["scenario"]["id"] == "tiny"
    assert all("tick" in a and "do" in a for a in document["actions"])
    assert target.read_text() == run_json(run)


def test_write_never_overwrites_without_force(scenario_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "run.json"
    run = record(scenario_copy, target)
    target.write_text("precious")
    with pytest.raises(RunFileExistsError):
        write_run(target, run)
    assert target.read_text() == "precious"
    write_run(target, run, force=True)
    assert read_run(target) == run
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json", "tiny.yaml"]  # no temps


def test_write_into_a_missing_folder_fails_cleanly(scenario_copy: Path, tmp_path: Path) -> None:
    run = record(scenario_copy, tmp_path / "run.json")
    with pytest.raises(OSError):
        write_run(tmp_path / "nope" / "run.json", run)


BROKEN_FILES: list[tuple[str, bytes, str]] = [
    ("empty", b"", "the file is empty"),
    ("not json", b"hello, teacher", "not valid JSON: line 1 column 1"),
    ("list", b"[1, 2]", "a run file is a JSON object, not a list"),
    ("format", b'{"format": "mlday-save", "version": 1}', 'format is "mlday-save"'),
    ("no format", b'{"version": 1}', "not an mlday run file (format is missing"),
    ("version", b'{"format": "mlday-run", "version": 3}', "run file version 3 is not supported"),
    ("duplicate", b'{"format": "mlday-run", "format": "x"}', "appears twice"),
    ("nan", b'{"format": "mlday-run", "seed": NaN}', "NaN is not a number JSON allows"),
    ("utf8", b'{"player": "\xff\xfe"}', "not UTF-8 text"),
    ("deep", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
]


@pytest.mark.parametrize(
    ("name", "data", "expected"), BROKEN_FILES, ids=[c[0] for c in BROKEN_FILES]
)
def test_broken_run_files_are_refused(
    tmp_path: Path, name: str, data: bytes, expected: str
) -> None:
    target = tmp_path / "run.json"
    target.write_bytes(data)
    with pytest.raises(RunFileError) as caught:
        read_run(target)
    assert expected in str(caught.value)


def test_missing_run_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(RunFileUnreadableError, match="cannot read the file"):
        read_run(tmp_path / "nope.json")
    with pytest.raises(RunFileUnreadableError, match="directory"):
        read_run(tmp_path)


# --- verification ------------------------------------------------------------------------


@pytest.fixture
def shipped(scenario_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The private copy of the tiny scenario, shipped: verify finds it by the run's id."""
    folder = scenario_copy.parent
    monkeypatch.setattr(verify_module, "shipped_scenario_folders", lambda: [folder])
    return scenario_copy


@pytest.fixture
def recorded(shipped: Path, tmp_path: Path) -> Path:
    target = tmp_path / "run.json"
    record(shipped, target)
    return target


def refused(path: Path, expected: str, scenario: str | None = None) -> Verdict:
    verdict = Verifier().verify(path, scenario)
    assert not verdict.ok, verdict
    assert expected in verdict.reason, verdict.reason
    return verdict


def test_a_recorded_run_verifies(recorded: Path) -> None:
    verdict = verify_run(recorded)
    run = read_run(recorded)
    assert verdict == Verdict(
        True,
        "ok",
        score=run.score.total,
        player="ada",
        scenario=str(recorded.parent / "tiny.yaml"),
        scenario_sha256=run.scenario.sha256,
    )


def test_every_policy_and_seed_verifies(shipped: Path, tmp_path: Path) -> None:
    verifier = Verifier()
    for policy in sorted(POLICIES):
        for seed in (0, 9):
            target = tmp_path / f"{policy}-{seed}.json"
            record(shipped, target, seed=seed, policy=policy)
            assert verifier.verify(target).ok, (policy, seed)


def test_changed_total_is_refused(recorded: Path) -> None:
    edit(recorded, lambda d: d["score"].update(total=d["score"]["total"] + 50))
    refused(recorded, "the claimed score")


def test_changed_part_is_refused(recorded: Path) -> None:
    edit(recorded, lambda d: d["score"]["parts"].update(trust=d["score"]["parts"]["trust"] + 1))
    refused(recorded, "the claimed trust part")


def test_changed_goal_is_refused(recorded: Path) -> None:
    edit(recorded, lambda d: d["score"]["goals"].update(es_ok=True))
    refused(recorded, "breakdown")


def test_changed_action_tick_is_refused(recorded: Path) -> None:
    def later(document: dict[str, Any]) -> None:
        document["actions"][-1]["tick"] += 1

    edit(recorded, later)
    refused(recorded, "replay departs from the recorded game at tick ")


def test_changed_action_job_is_refused(recorded: Path) -> None:
    def other_job(document: dict[str, Any]) -> None:
        document["actions"][0] = {"tick": 0, "do": "start_job", "job": "ev"}

    edit(recorded, other_job)
    verdict = Verifier().verify(recorded)
    assert not verdict.ok
    assert "actions do not replay" in verdict.reason or "claimed" in verdict.reason


def test_refused_action_is_named(recorded: Path) -> None:
    def ship_ghost(document: dict[str, Any]) -> None:
        document["actions"].insert(1, {"tick": 0, "do": "ship", "model": "ghost"})

    edit(recorded, ship_ghost)
    refused(recorded, "actions[1] at tick 0: ship was refused: there is no model 'ghost'")


def test_changed_seed_or_digest_is_refused(recorded: Path) -> None:
    original = recorded.read_text()
    edit(recorded, lambda d: d.update(digest="0" * 64))
    refused(recorded, "does not match the recorded digest")
    recorded.write_text(original)
    edit(recorded, lambda d: d.update(digest="zz"))
    refused(recorded, "digest: expected 64 hexadecimal digits")


def test_changed_scenario_file_is_refused(recorded: Path, scenario_copy: Path) -> None:
    edited = scenario_copy.read_text().replace("budget: 1000", "budget: 1001")
    scenario_copy.write_text(edited)
    refused(recorded, "the run was played on a scenario 'tiny' that is not the shipped one")
    refused(
        recorded,
        "the scenario file has changed since the run was made",
        scenario=str(scenario_copy),
    )


def test_another_scenario_is_refused(recorded: Path) -> None:
    refused(recorded, "another scenario", scenario=str(DATA / "tiny-golden.yaml"))


def test_scenario_override_is_used(recorded: Path, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere.yaml"
    (tmp_path / "tiny.yaml").rename(moved)
    verdict = Verifier().verify(recorded)
    assert verdict.unreadable and "no scenario 'tiny' ships with mlday" in verdict.reason
    assert "--scenario FILE" in verdict.reason
    assert Verifier().verify(recorded, str(moved)).ok
    missing = Verifier().verify(recorded, str(tmp_path / "gone.yaml"))
    assert missing.unreadable and "cannot read the file" in missing.reason


@pytest.mark.parametrize("where", ["beside", "absolute"])
def test_scenario_the_run_points_to_is_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """An edited copy of a shipped scenario, beside the run or at the path it records,
    does not make the run verify: only the shipped file (or --scenario) counts."""
    shipped_folder = tmp_path / "shipped"
    shipped_folder.mkdir()
    shutil.copyfile(TINY, shipped_folder / "tiny.yaml")
    monkeypatch.setattr(verify_module, "shipped_scenario_folders", lambda: [shipped_folder])
    folder = tmp_path / "class"
    folder.mkdir()
    edited = folder / "tiny.yaml"
    edited.write_text(TINY.read_text().replace("budget: 1000", "budget: 90000"))
    monkeypatch.chdir(folder)
    record(Path("tiny.yaml") if where == "beside" else edited, folder / "run.json")
    monkeypatch.chdir(tmp_path)
    verdict = Verifier().verify(folder / "run.json")
    assert not verdict.ok and "not the shipped one" in verdict.reason
    assert verdict.scenario == str(shipped_folder / "tiny.yaml")
    assert Verifier().verify(folder / "run.json", str(edited)).ok


def test_scenario_found_among_shipped_ones(
    recorded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (tmp_path / "tiny.yaml").rename(shipped / "tiny.yaml")
    monkeypatch.setattr(verify_module, "shipped_scenario_folders", lambda: [shipped])
    assert Verifier().verify(recorded).ok


def test_shipped_folders_are_the_repo_and_the_wheel() -> None:
    folders = verify_module.shipped_scenario_folders()
    assert folders[0] == ROOT / "scenarios"
    assert folders[1] == ROOT / "game" / "scenarios"


def test_engine_version_must_match(recorded: Path) -> None:
    edit(recorded, lambda d: d.update(engine="0.0.1"))
    refused(recorded, "made with engine 0.0.1")


def test_truncated_file_is_refused(recorded: Path) -> None:
    text = recorded.read_text()
    recorded.write_text(text[: len(text) // 2])
    refused(recorded, "ends too early (truncated?)")


def test_unknown_action_field_is_refused(recorded: Path) -> None:
    edit(recorded, lambda d: d["actions"][0].update(priority="high"))
    refused(recorded, "actions[0]: unknown field 'priority'")


def test_unknown_top_level_key_is_refused(recorded: Path) -> None:
    edit(recorded, lambda d: d.update(bonus=100))
    refused(recorded, "unknown key 'bonus'")
    edit(recorded, lambda d: d.pop("bonus") and d.pop("seed"))
    refused(recorded, "missing required key 'seed'")


def test_player_name_cannot_hold_control_characters(recorded: Path) -> None:
    edit(recorded, lambda d: d.update(player="ada\x1b[31m"))
    refused(recorded, "control or format characters")
    for lying in ("ada\u202eorp", "ada\u2028ok, score 1000"):
        edit(recorded, lambda d, name=lying: d.update(player=name))
        refused(recorded, "control or format characters")


def test_scenarios_are_prepared_once_per_content(
    shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for seed in range(4):
        record(shipped, tmp_path / f"run{seed}.json", seed=seed)
    calls: list[str] = []
    real = verify_module.load_scenario_bytes

    def counting(data: bytes, name: str) -> LoadedScenario:
        calls.append(name)
        return real(data, name)

    monkeypatch.setattr(verify_module, "load_scenario_bytes", counting)
    verifier = Verifier()
    assert all(verifier.verify(tmp_path / f"run{seed}.json").ok for seed in range(4))
    assert len(calls) == 1


def test_documented_run_file_example_is_a_valid_run_file() -> None:
    text = (ROOT / "docs" / "run-files.md").read_text()
    section = text[text.index("## Run files") :]
    example = section[
        section.index("```json") + 7 : section.index("```", section.index("```json") + 7)
    ]
    from game.replay.runfile import parse_run

    run = parse_run(json.loads(example))
    assert run.player == "ada" and len(run.actions) == 3


def test_lenient_replay_skips_refused_actions_and_reproduces(
    tiny: tuple[LoadedScenario, Rules],
) -> None:
    from game.replay.replay import replay_lenient
    from game.scenario.actions import Allocate

    tiny_rules = tiny[1]
    actions = [
        TimedAction(0, Ship(model="nope")),
        TimedAction(0, Allocate(research=0, data=100, infra=0, writing=0)),
    ]
    result = replay_lenient(tiny_rules, 3, actions)
    assert [s.index for s in result.skipped] == [0]
    assert "refused" in result.skipped[0].reason
    assert result.applied == actions[1:]
    again = replay(tiny_rules, 3, result.applied)
    assert state_digest(again) == state_digest(result.state)
