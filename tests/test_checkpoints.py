"""Run files version 2: state checkpoints, where a replay departs, and jumping to a tick."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from game.core.engine import play
from game.core.rules import Rules, prepare
from game.core.state import State
from game.policies import make_policy
from game.replay import verify as verify_module
from game.replay.checkpoints import (
    CHECKPOINT_EVERY,
    MAX_CHECKPOINT_EVERY,
    DepartureError,
    checkpoint_ticks,
    replay_to,
)
from game.replay.digest import PartDigester, part_digests, state_digest
from game.replay.replay import TimedAction, replay, timed
from game.replay.runfile import RunFile, RunFileError, make_run, read_run, write_run
from game.replay.verify import Verifier
from game.scenario.load import load_scenario

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the tiny scenario that verify takes for the shipped one."""
    folder = tmp_path / "shipped"
    folder.mkdir()
    target = folder / "tiny.yaml"
    shutil.copyfile(TINY, target)
    monkeypatch.setattr(verify_module, "shipped_scenario_folders", lambda: [folder])
    return target


def played(scenario: Path, seed: int = 3) -> tuple[Rules, RunFile]:
    loaded = load_scenario(scenario)
    rules = prepare(loaded.scenario)
    state, applied = play(rules, seed, make_policy("random", rules, seed))
    run = make_run(
        loaded, rules, state, seed=seed, player="ada", policy="random", actions=timed(applied)
    )
    return rules, run


def written(run: RunFile, target: Path, change: Any = None) -> Path:
    write_run(target, run)
    if change is not None:
        document = json.loads(target.read_text())
        change(document)
        target.write_text(json.dumps(document))
    return target


def test_checkpoints_every_four_ticks_from_zero_to_the_end(shipped: Path) -> None:
    rules, run = played(shipped)
    assert run.version == 2 and run.checkpoints is not None
    assert run.checkpoints.every == CHECKPOINT_EVERY <= MAX_CHECKPOINT_EVERY
    ticks = [checkpoint.tick for checkpoint in run.checkpoints.at]
    assert (
        ticks
        == checkpoint_ticks(rules.total_ticks)
        == [*range(0, rules.total_ticks, 4), rules.total_ticks]
    )
    assert "money" in run.checkpoints.at[0].parts


def test_a_tampered_checkpoint_names_its_tick_and_part(shipped: Path, tmp_path: Path) -> None:
    _, run = played(shipped)

    def richer(document: dict[str, Any]) -> None:
        document["checkpoints"]["at"][2]["parts"]["money"] = "0" * 8

    path = written(run, tmp_path / "run.json", richer)
    verdict = Verifier().verify(path)
    assert not verdict.ok
    assert verdict.reason == "replay departs from the recorded game at tick 8: money differs"


def test_a_changed_action_departs_at_the_next_checkpoint(shipped: Path, tmp_path: Path) -> None:
    loaded = load_scenario(shipped)
    rules = prepare(loaded.scenario)
    from game.scenario.actions import Allocate

    actions = [TimedAction(5, Allocate(research=0, data=100, infra=0, writing=0))]
    state = replay(rules, 3, actions)
    run = make_run(loaded, rules, state, seed=3, player="ada", policy=None, actions=actions)

    def earlier(document: dict[str, Any]) -> None:
        document["actions"][0]["tick"] = 1

    verdict = Verifier().verify(written(run, tmp_path / "run.json", earlier))
    assert not verdict.ok
    assert verdict.reason.startswith("replay departs from the recorded game at tick 4: ")
    assert "team" in verdict.reason  # the allocation


def test_checkpoint_ticks_must_follow_the_rule(shipped: Path, tmp_path: Path) -> None:
    _, run = played(shipped)

    def dropped(document: dict[str, Any]) -> None:
        del document["checkpoints"]["at"][-1]

    verdict = Verifier().verify(written(run, tmp_path / "a.json", dropped))
    assert not verdict.ok and "the checkpoints are not at ticks 0, 4, 8, 12, 16" in verdict.reason

    def sparse(document: dict[str, Any]) -> None:
        document["checkpoints"]["every"] = MAX_CHECKPOINT_EVERY + 1

    with pytest.raises(RunFileError, match=r"checkpoints\.every"):
        read_run(written(run, tmp_path / "b.json", sparse))

    def skipping(document: dict[str, Any]) -> None:
        del document["checkpoints"]["at"][1]

    with pytest.raises(RunFileError, match="checkpoints come every 4 ticks; tick 8 follows tick 0"):
        read_run(written(run, tmp_path / "c.json", skipping))


def test_version_1_is_still_read_and_verified(shipped: Path, tmp_path: Path) -> None:
    _, run = played(shipped)

    def version_1(document: dict[str, Any]) -> None:
        document["version"] = 1
        del document["checkpoints"]

    path = written(run, tmp_path / "v1.json", version_1)
    assert read_run(path).checkpoints is None
    assert Verifier().verify(path).ok

    def version_1_with_checkpoints(document: dict[str, Any]) -> None:
        document["version"] = 1

    with pytest.raises(RunFileError, match="version 1 run files have no checkpoints"):
        read_run(written(run, tmp_path / "v1c.json", version_1_with_checkpoints))

    def version_2_without(document: dict[str, Any]) -> None:
        del document["checkpoints"]

    with pytest.raises(RunFileError, match="missing required key 'checkpoints'"):
        read_run(written(run, tmp_path / "v2.json", version_2_without))


def test_replay_to_any_tick_checks_the_checkpoints_on_the_way(shipped: Path) -> None:
    rules, run = played(shipped, seed=5)
    assert run.checkpoints is not None
    recorded = [checkpoint.checkpoint() for checkpoint in run.checkpoints.at]
    final = replay_to(rules, run.seed, run.actions, checkpoints=recorded)
    assert state_digest(final) == run.digest
    for tick in range(rules.total_ticks + 1):
        state = replay_to(rules, run.seed, run.actions, tick, recorded)
        assert state.clock.tick == tick
        earlier = [a for a in run.actions if a.tick < tick]
        alone = replay(rules, run.seed, earlier, until=tick)
        assert part_digests(state) == part_digests(alone)
    tampered = list(recorded)
    parts = dict(tampered[1].parts)
    parts["trust"] = "f" * 8
    tampered[1] = type(tampered[1])(tampered[1].tick, parts)
    assert replay_to(rules, run.seed, run.actions, 3, tampered).clock.tick == 3  # not reached yet
    with pytest.raises(DepartureError) as caught:
        replay_to(rules, run.seed, run.actions, 10, tampered)
    assert caught.value.tick == 4 and caught.value.differing == ["trust"]


def test_the_documented_example_verifies_as_version_2(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "run-files.md").read_text()
    section = text[text.index("## Run files") :]
    start = section.index("```json") + 7
    example = json.loads(section[start : section.index("```", start)])
    assert example["version"] == 2 and example["checkpoints"]["every"] == CHECKPOINT_EVERY
    path = tmp_path / "example.json"
    path.write_text(json.dumps(example))
    verdict = Verifier().verify(path, str(DATA / "tiny-golden.yaml"))
    assert verdict.ok, verdict.reason


def test_running_part_digests_equal_fresh_ones_at_every_boundary(shipped: Path) -> None:
    rules, run = played(shipped, seed=7)
    digester = PartDigester()
    seen: list[int] = []

    def same(state: State) -> None:
        assert digester(state) == part_digests(state), state.clock.tick
        seen.append(state.clock.tick)

    replay(rules, run.seed, run.actions, at_boundary=same)
    assert seen == list(range(rules.total_ticks + 1))


def test_running_log_digest_starts_again_when_the_log_is_rewritten(shipped: Path) -> None:
    rules, run = played(shipped, seed=1)  # a game whose log has several lines
    state = replay(rules, run.seed, run.actions)
    assert len(state.log) > 2
    digester = PartDigester()
    assert digester(state) == part_digests(state)
    state.log[-1] = (0, "note", "rewritten")
    assert digester(state) == part_digests(state)
    del state.log[1:]
    assert digester(state) == part_digests(state)
