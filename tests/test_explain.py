"""The counterfactual debrief: ``explain()`` and ``mlday explain``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import make_doc, make_rules, rich_rules

from game.cli.main import main
from game.core.engine import advance, apply, new_game, play, refusal
from game.core.rules import Rules, prepare
from game.core.scoring import PARTS, lessons, score
from game.core.state import TaskStatus
from game.policies import make_policy
from game.replay.explain import Counterfactual, Explanation, clock, explain
from game.replay.replay import TimedAction, parse_action_record, replay, replay_lenient, timed
from game.replay.runfile import make_run, write_run
from game.scenario.actions import Choose, QueueTask, Ship, StartJob
from game.scenario.load import LoadedScenario, load_scenario
from game.session import Session

ROOT = Path(__file__).resolve().parent.parent
RAVI = ROOT / "scenarios" / "ravi-tuesday.yaml"


@cache
def ravi() -> tuple[LoadedScenario, Rules]:
    loaded = load_scenario(RAVI)
    return loaded, prepare(loaded.scenario)


def played(rules: Rules, policy: str, seed: int) -> list[TimedAction]:
    """The actions a built-in policy applied in a game."""
    _, applied = play(rules, seed, make_policy(policy, rules, seed))
    return timed(applied)


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in this process; (exit code, stdout, stderr)."""
    capsys.readouterr()
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def record(folder: Path, policy: str, seed: int, name: str = "run.json") -> Path:
    """A run file of Ravi's Tuesday played by a policy, with its scenario beside it."""
    loaded, rules = ravi()
    scenario = folder / "ravi-tuesday.yaml"
    if not scenario.exists():
        shutil.copyfile(RAVI, scenario)
    state, applied = play(rules, seed, make_policy(policy, rules, seed))
    loaded = load_scenario(scenario)
    run = make_run(
        loaded, rules, state, seed=seed, player="ada", policy=policy, actions=timed(applied)
    )
    path = folder / name
    write_run(path, run)
    return path


# --- every listed score reproduces ------------------------------------------------------


GAMES = [("idle", 0), ("reference", 0), ("reference", 1), ("greedy", 2), ("random", 3)]


@pytest.mark.parametrize(("policy", "seed"), GAMES)
def test_every_change_replays_strictly_to_its_score(policy: str, seed: int) -> None:
    _, rules = ravi()
    explanation = explain(rules, seed, played(rules, policy, seed))
    assert explanation.counterfactuals
    for change in explanation.counterfactuals:
        replayed = score(replay(rules, seed, change.actions), rules)
        assert replayed.total == change.score.total, change.change
        assert replayed.parts == change.score.parts, change.change
        assert change.gain == change.score.total - explanation.score.total


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_every_change_replays_on_a_scenario_with_every_system(seed: int) -> None:
    rules = rich_rules()
    for policy in ("random", "greedy", "reference"):
        explanation = explain(rules, seed, played(rules, policy, seed))
        for change in explanation.counterfactuals:
            assert score(replay(rules, seed, change.actions), rules) == change.score


def test_listed_scores_reproduce_with_simulate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = record(tmp_path, "reference", 2)
    code, out, _ = run_main(capsys, "explain", str(path), "--json")
    assert code == 0
    document = json.loads(out)
    listed = document["counterfactuals"]
    for index, change in enumerate([*listed[:3], listed[-1]]):
        actions = tmp_path / f"change{index}.json"
        actions.write_text(json.dumps(change["actions"]))
        code, out, err = run_main(
            capsys,
            "simulate",
            str(tmp_path / "ravi-tuesday.yaml"),
            "--seed",
            "2",
            "--actions",
            str(actions),
            "--json",
        )
        assert code == 0, err
        simulated = json.loads(out)["score"]
        assert simulated["total"] == change["score"], change["change"]
        assert simulated["parts"] == change["parts"], change["change"]


def test_the_player_score_is_the_replayed_one() -> None:
    _, rules = ravi()
    actions = played(rules, "greedy", 4)
    explanation = explain(rules, 4, actions)
    assert explanation.score == score(replay(rules, 4, actions), rules)
    assert list(explanation.actions) == actions
    assert not explanation.skipped


# --- what is changed --------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_an_idle_game_has_a_change_worth_a_hundred_points(seed: int) -> None:
    # The silent collapse: an idle player lets the 12-hour full fine-tune launch unwatched,
    # and one decision (the cheaper, watched route) is worth hundreds of points.
    loaded = load_scenario(ROOT / "scenarios" / "silent-collapse.yaml")
    rules = prepare(loaded.scenario)
    best = explain(rules, seed, []).counterfactuals[0]
    assert best.gain >= 100, (best.change, best.gain)


def _idle_seeds() -> list[int]:
    """Seeds 0-19, and every seed of 20-49 on which the morning outage strikes."""
    _, rules = ravi()
    outage = rules.event_index["api_outage"]
    return [*range(20), *(s for s in range(20, 50) if replay(rules, s, []).events.fired[outage])]


@pytest.mark.parametrize("seed", _idle_seeds())
def test_an_idle_ravi_tuesday_walks_into_a_costly_default(seed: int) -> None:
    """The idle player hopes through the 10x promo spike it was warned of four hours
    ahead: the sale's customers time out, and the debrief's top change, worth 100 points
    or more, is the one that would have served them. On the outage mornings (about one in
    three) the outage does not empty the reliability part before the player can act, so
    the spike's timeouts still cost there too."""
    _, rules = ravi()
    explanation = explain(rules, seed, [])
    best = explanation.counterfactuals[0]
    assert "autoscaling" in best.change
    assert best.gain >= 100, (best.change, best.gain)


@cache
def tutorial() -> Rules:
    return prepare(load_scenario(ROOT / "scenarios" / "tutorial.yaml").scenario)


@pytest.mark.parametrize("seed", range(20))
def test_an_idle_tutorial_walks_into_a_costly_default(seed: int) -> None:
    """The idle player lets the Spanish newsletter go out at 14:30, warned of it at 14:00,
    with no Spanish fix live: Spanish grows to 40% of the traffic and escalates. The
    debrief's top change, worth 100 points or more, is holding the newsletter until the
    fix ships, and the lesson shown names that mistake."""
    rules = tutorial()
    explanation = explain(rules, seed, [])
    best = explanation.counterfactuals[0]
    assert "Marketing sends the Spanish newsletter" in best.change
    assert "hold it until your Spanish fix is live" in best.change
    assert best.gain >= 100, (best.change, best.gain)
    assert {"quality", "trust"} <= set(best.moved)
    state = replay(rules, seed, [])
    titles = [rules.lessons[i][0].title for i in lessons(state, rules)]
    assert "The mix moved toward your weak side" in titles


@pytest.mark.parametrize("seed", range(5))
def test_the_tutorial_hold_does_not_pay_a_player_who_ships_in_time(seed: int) -> None:
    """Holding the newsletter is a judgment, not a free move: the reference ships its fix
    by 15:30, so for it the hold only costs the owner's trust."""
    rules = tutorial()
    explanation = explain(rules, seed, played(rules, "reference", seed))
    hold = [c for c in explanation.counterfactuals if "hold it until" in c.change]
    assert len(hold) == 1
    assert hold[0].gain < 0 and set(hold[0].moved) == {"trust"}


def test_the_idle_seeds_include_outage_mornings() -> None:
    _, rules = ravi()
    outage = rules.event_index["api_outage"]
    struck = [s for s in _idle_seeds() if replay(rules, s, []).events.fired[outage]]
    assert len(struck) >= 10


def test_a_reference_game_can_drop_its_ab_test() -> None:
    _, rules = ravi()
    # The reference A/B tests only a candidate its eval did not call worse: take the first
    # seed where it does.
    for seed in range(10):
        actions = played(rules, "reference", seed)
        ab_test = [
            t for t in actions if isinstance(t.action, StartJob) and t.action.job == "ab_test"
        ]
        if ab_test:
            break
    assert len(ab_test) == 1
    explanation = explain(rules, seed, actions)
    without = [t for t in actions if t is not ab_test[0]]
    dropped = [c for c in explanation.counterfactuals if list(c.actions) == without]
    assert len(dropped) == 1
    assert dropped[0].change.startswith('Had you not started "A/B test')
    assert dropped[0].gain < 0 and "goals" in dropped[0].moved


def test_changes_are_best_first_and_each_is_a_new_game() -> None:
    _, rules = ravi()
    actions = played(rules, "greedy", 1)
    explanation = explain(rules, 1, actions)
    gains = [change.gain for change in explanation.counterfactuals]
    assert gains == sorted(gains, reverse=True)
    lists = [list(change.actions) for change in explanation.counterfactuals]
    assert actions not in lists
    assert all(lists.count(listed) == 1 for listed in lists)
    assert all("\n" not in change.change for change in explanation.counterfactuals)


def boundaries(rules: Rules, seed: int, actions: list[TimedAction]) -> list[Boundary]:
    """The player's game boundary by boundary, found with the engine alone."""
    state = new_game(rules, seed)
    found: list[Boundary] = []
    position = 0
    while not state.clock.over:
        waiting = list(state.events.pending)
        before = [list(chosen) for chosen in state.events.chosen]
        while position < len(actions) and actions[position].tick == state.clock.tick:
            assert apply(state, rules, actions[position].action) is None
            position += 1
        queueable = {
            task.id for task in rules.tasks if refusal(state, rules, task.queue_action) is None
        }
        queued = {
            task.id
            for task, status in zip(rules.tasks, state.team.task_status, strict=True)
            if status == TaskStatus.QUEUED
        }
        models = {model.id for model in state.models}
        tick = state.clock.tick
        answered = [list(chosen) for chosen in state.events.chosen]
        advance(state, rules)
        taken = {
            rules.events[event].id: rules.events[event].choices[chosen[-1]].spec.id
            for event, chosen in enumerate(state.events.chosen)
            if event in waiting and len(chosen) > len(before[event])
        }
        defaulted = {
            rules.events[event].id
            for event, chosen in enumerate(state.events.chosen)
            if event in waiting and len(chosen) > len(answered[event])
        }
        found.append(Boundary(tick, taken, defaulted, queueable, queued, models))
    return found


@dataclass(frozen=True)
class Boundary:
    tick: int
    taken: dict[str, str]
    """Event that waited here -> the choice it took (by the player or by default)."""
    defaulted: set[str]
    queueable: set[str]
    queued: set[str]
    models: set[str]


def added_or_refused(
    rules: Rules, seed: int, actions: list[TimedAction], explanation: Explanation
) -> None:
    """Each other choice of each event that waited is a change, unless it is refused."""
    listed = [change.actions for change in explanation.counterfactuals]
    checked = 0
    for boundary in boundaries(rules, seed, actions):
        if boundary.tick >= rules.total_ticks:
            continue
        for event_id, taken in boundary.taken.items():
            event = rules.events[rules.event_index[event_id]]
            for choice in event.choices:
                if choice.spec.id == taken:
                    continue
                other = TimedAction(boundary.tick, choice.action)
                found = [change for change in listed if other in change]
                if found:
                    checked += 1
                    continue
                # Not listed: the choice must be refused where the event waited.
                alone = [t for t in actions if t.tick < boundary.tick] + [other]
                assert other not in replay_lenient(rules, seed, alone).applied, other
    assert checked


@pytest.mark.parametrize(("policy", "seed"), [("reference", 0), ("greedy", 1), ("idle", 2)])
def test_each_other_choice_of_each_event_is_tried(policy: str, seed: int) -> None:
    _, rules = ravi()
    actions = played(rules, policy, seed)
    explanation = explain(rules, seed, actions)
    added_or_refused(rules, seed, actions, explanation)


def test_an_answer_is_replaced_and_a_default_is_added() -> None:
    _, rules = ravi()
    actions = played(rules, "reference", 0)
    answers = [t for t in actions if isinstance(t.action, Choose)]
    explanation = explain(rules, 0, actions)
    replaced = 0
    for answer in answers:
        assert isinstance(answer.action, Choose)
        event = rules.events[rules.event_index[answer.action.event]]
        old = event.choices[event.choice_index[answer.action.choice]].spec.text
        for choice in event.choices:
            if choice.spec.id == answer.action.choice:
                continue
            other = TimedAction(answer.tick, choice.action)
            for change in explanation.counterfactuals:
                if other in change.actions:
                    assert answer not in change.actions
                    assert change.kind == "choice"
                    assert change.change == (
                        f'Had you answered "{event.title}" ({clock(rules, answer.tick)}) '
                        f'with "{choice.spec.text}" instead of "{old}"'
                    )
                    replaced += 1
    assert replaced
    idle = explain(rules, 0, [])
    choices = [change for change in idle.counterfactuals if change.kind == "choice"]
    assert choices
    for change in choices:
        assert len(change.actions) == 1  # the idle player took no action of its own
        assert isinstance(change.actions[0].action, Choose)
        assert "instead of leaving it to" in change.change


def test_a_shipped_model_is_unshipped_and_moved() -> None:
    rules = rich_rules()
    for seed in range(10):
        actions = played(rules, "reference", seed)
        ships = [t for t in actions if isinstance(t.action, Ship)]
        if ships:
            break
    else:
        pytest.fail("the reference shipped nothing on seeds 0-9")
    (ship,) = ships
    assert isinstance(ship.action, Ship)
    explanation = explain(rules, seed, actions)
    changed = [change for change in explanation.counterfactuals if change.kind == "ship"]
    unshipped = [c for c in changed if c.change.startswith("Had you not shipped")]
    assert len(unshipped) == 1
    assert list(unshipped[0].actions) == [t for t in actions if t is not ship]
    moved_to = sorted(
        t.tick
        for change in changed
        for t in change.actions
        if isinstance(t.action, Ship) and t.tick != ship.tick
    )
    assert len(moved_to) == len(set(moved_to)) == len(changed) - 1
    existed = [
        b.tick
        for b in boundaries(rules, seed, actions)
        if ship.action.model in b.models and b.tick != ship.tick and b.tick < rules.total_ticks
    ]
    assert moved_to and set(moved_to) <= set(existed)


def test_tasks_done_are_undone_and_tasks_left_are_queued() -> None:
    _, rules = ravi()
    actions = played(rules, "reference", 0)
    explanation = explain(rules, 0, actions)
    final = replay(rules, 0, actions)
    texts = [change.change for change in explanation.counterfactuals if change.kind == "task"]
    by_player = set()
    for timed_action in actions:
        action = timed_action.action
        if isinstance(action, QueueTask):
            by_player.add(action.task)
            task = rules.tasks[rules.task_index[action.task]]
            if final.team.task_status[rules.task_index[action.task]] == TaskStatus.DONE:
                when = clock(rules, timed_action.tick)
                assert f'Had you not done "{task.name}" (queued at {when})' in texts
    walked = boundaries(rules, 0, actions)
    for index, task in enumerate(rules.tasks):
        if final.team.task_status[index] != TaskStatus.DONE or task.id in by_player:
            continue
        first = next((b for b in walked if task.id in b.queued), None)
        if first is not None:  # queued for the player by an answer, seen at a boundary
            assert (
                f'Had you cancelled "{task.name}" when it was queued for you '
                f"({clock(rules, first.tick)}) instead of doing it"
            ) in texts
    idle = explain(rules, 0, [])
    queued = {
        t.action.task
        for change in idle.counterfactuals
        if change.kind == "task"
        for t in change.actions
        if isinstance(t.action, QueueTask)
    }
    walked = boundaries(rules, 0, [])
    could = {task for b in walked if b.tick < rules.total_ticks for task in b.queueable}
    idle_final = replay(rules, 0, [])
    left = {
        task.id
        for index, task in enumerate(rules.tasks)
        if idle_final.team.task_status[index] != TaskStatus.DONE
    }
    assert queued and queued == could & left


def test_reference_steps_not_taken_are_taken_alone() -> None:
    _, rules = ravi()
    explanation = explain(rules, 0, [])
    steps = [change for change in explanation.counterfactuals if change.kind == "reference"]
    assert steps
    for change in steps:
        assert len(change.actions) == 1
        assert change.change.endswith("as the reference solution does")
    # A reference game takes every step: none is left to add.
    reference = explain(rules, 0, played(rules, "reference", 0))
    assert not [c for c in reference.counterfactuals if c.kind in ("reference", "allocation")]


def test_the_allocation_is_replaced_by_the_references() -> None:
    _, rules = ravi()
    explanation = explain(rules, 0, played(rules, "greedy", 0))
    (allocation,) = [c for c in explanation.counterfactuals if c.kind == "allocation"]
    reference = [t for t in played(rules, "reference", 0) if t.action.do == "allocate"]
    assert [t for t in allocation.actions if t.action.do == "allocate"] == reference
    assert allocation.change.startswith("Had you split your hours as the reference solution")


def test_refused_actions_are_left_out() -> None:
    _, rules = ravi()
    actions = [
        parse_action_record({"tick": 0, "do": "ship", "model": "ghost"}),
        parse_action_record({"tick": 0, "do": "queue_task", "task": "autoscaling"}),
    ]
    explanation = explain(rules, 0, actions)
    assert len(explanation.skipped) == 1 and explanation.actions == (actions[1],)
    for change in explanation.counterfactuals:
        assert actions[0] not in change.actions


def test_the_same_game_explains_the_same_way() -> None:
    _, rules = ravi()
    actions = played(rules, "random", 5)
    assert explain(rules, 5, actions).as_dict() == explain(rules, 5, actions).as_dict()


# --- paired seeds -----------------------------------------------------------------------


def test_seeds_give_paired_means() -> None:
    _, rules = ravi()
    actions = played(rules, "reference", 0)
    explanation = explain(rules, 7, actions, seeds=3)
    base = [score(replay_lenient(rules, s, actions).state, rules).total for s in (7, 8, 9)]
    assert explanation.seeds == 3 and explanation.mean == pytest.approx(sum(base) / 3)
    for change in explanation.counterfactuals:
        totals = [
            score(replay_lenient(rules, s, change.actions).state, rules).total for s in (7, 8, 9)
        ]
        assert change.mean == pytest.approx(sum(totals) / 3)
        assert change.mean_gain == pytest.approx((sum(totals) - sum(base)) / 3)


def test_one_seed_means_the_score_itself() -> None:
    _, rules = ravi()
    explanation = explain(rules, 2, played(rules, "greedy", 2), seeds=1)
    assert explanation.mean == explanation.score.total
    for change in explanation.counterfactuals:
        assert change.mean == change.score.total and change.mean_gain == change.gain


def test_luck_is_told_apart_from_a_decision() -> None:
    def change(gain: int, mean_gain: float | None) -> Counterfactual:
        _, rules = ravi()
        result = score(replay(rules, 0, []), rules)
        return Counterfactual("Had you", "job", (), result, gain, {}, 0.0, mean_gain)

    assert change(40, -2.0).luck() == "luck: it gains on this seed, not on average"
    assert change(-40, 3.0).luck() == "bad luck: it loses on this seed, not on average"
    assert change(0, 5.0).luck() == "it happens not to matter on this seed"
    assert change(40, 30.0).luck() is None
    assert change(40, None).luck() is None


def test_seeds_out_of_range_are_refused() -> None:
    _, rules = ravi()
    with pytest.raises(ValueError, match="seeds must be between 0 and 1000"):
        explain(rules, 0, [], seeds=1001)


# --- the command ------------------------------------------------------------------------


def test_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = record(tmp_path, "greedy", 1)
    code, out, err = run_main(capsys, "explain", str(path), "--json", "--seeds", "2")
    assert code == 0 and err == ""
    document: dict[str, Any] = json.loads(out)
    assert list(document) == ["format", "version", "scenario", "base", "seeds", "counterfactuals"]
    assert document["format"] == "mlday-explain" and document["version"] == 1
    assert document["scenario"]["id"] == "ravi-tuesday"
    assert document["seeds"] == {"first": 1, "count": 2}
    base = document["base"]
    run = json.loads(path.read_text())
    assert base["seed"] == 1 and base["score"] == run["score"]["total"]
    assert base["actions"] == run["actions"] and isinstance(base["mean"], float)
    listed = document["counterfactuals"]
    assert listed and [c["score"] for c in listed] == sorted(
        (c["score"] for c in listed), reverse=True
    )
    for change in listed:
        assert set(change) == {
            "change", "kind", "score", "gain", "parts", "moved", "actions", "mean", "mean_gain"
        }  # fmt: skip
        assert isinstance(change["change"], str) and change["change"].startswith("Had you")
        assert change["gain"] == change["score"] - base["score"]
        assert list(change["parts"]) == list(PARTS)
        assert all(part in PARTS for part in change["moved"])
        for action in change["actions"]:
            parse_action_record(action)  # each one a valid run-file action record


def test_text_lists_changes_that_moved_the_score(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = record(tmp_path, "idle", 0)
    code, out, err = run_main(capsys, "explain", str(path))
    assert code == 0 and err == ""
    lines = out.splitlines()
    _, rules = ravi()
    best = explain(rules, 0, []).counterfactuals[0]
    total = json.loads(path.read_text())["score"]["total"]
    assert lines[0] == f"Ravi's Tuesday, seed 0: your game scored {total}."
    assert lines[2] == "What one change would have done, under the same luck, best first:"
    parts = ", ".join(
        f"{part} {delta:+.0f}" if abs(delta) >= 0.5 else f"{part} {delta:+.1f}"
        for part, delta in best.moved.items()
    )
    assert lines[3] == f"  {best.change}: {best.gain:+d} ({parts})"
    assert lines[-1].endswith("would not have moved the score)")


def test_text_with_seeds_says_what_the_average_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = record(tmp_path, "reference", 0)
    code, out, _ = run_main(capsys, "explain", str(path), "--seeds", "3")
    assert code == 0
    assert "on seeds 0-2 your actions average" in out.splitlines()[0]
    assert "was luck, not a better decision" in out
    assert all("on average" in line for line in out.splitlines() if line.startswith("  Had"))


def test_the_scenario_can_be_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = record(tmp_path, "greedy", 0)
    away = tmp_path / "away"
    away.mkdir()
    moved = away / "run.json"
    path.rename(moved)
    (tmp_path / "ravi-tuesday.yaml").rename(away / "copy.yaml")
    document = json.loads(moved.read_text())
    document["scenario"]["id"] = "not-shipped"
    moved.write_text(json.dumps(document))
    code, _, err = run_main(capsys, "explain", str(moved))
    assert code == 2 and "'not-shipped'" in err and "--scenario FILE" in err
    code, out, _ = run_main(capsys, "explain", str(moved), "--scenario", str(away / "copy.yaml"))
    assert code == 0 and out.startswith("Ravi's Tuesday, seed 0")


def bad_input_cases(folder: Path) -> list[tuple[list[str], int, str]]:
    run = record(folder, "greedy", 0)
    (folder / "bad.json").write_text('{"format": "mlday-run",')
    (folder / "other.json").write_text('{"format": "something-else"}')
    os.mkfifo(folder / "fifo")
    other = folder / "tiny.yaml"
    shutil.copyfile(ROOT / "tests" / "data" / "tiny.yaml", other)
    return [
        ([str(folder / "missing.json")], 2, "missing.json: error: cannot read the file"),
        ([str(folder)], 2, "error: cannot read the file: it is a directory"),
        ([str(folder / "fifo")], 2, "fifo: error: cannot read the file: it is a FIFO"),
        ([str(folder / "bad.json")], 1, "bad.json: error: the JSON ends too early"),
        ([str(folder / "other.json")], 1, "other.json: error: not an mlday run file"),
        ([str(run), "--scenario", str(other)], 1, "another scenario"),
        (
            [str(run), "--scenario", str(folder / "fifo")],
            2,
            "fifo: cannot read the file: it is a FIFO",
        ),
        ([str(run), "--scenario", str(folder / "nope.yaml")], 2, "nope.yaml"),
        ([str(run), "--seeds", "0"], 2, "seeds is between 1 and 1,000; got 0"),
        ([str(run), "--seeds", "many"], 2, "written in the digits 0-9; got 'many'"),
    ]


def test_bad_input_gets_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args, expected_code, expected in bad_input_cases(tmp_path):
        code, out, err = run_main(capsys, "explain", *args)
        assert code == expected_code, (args, err)
        assert out == ""
        assert expected in err, (args, err)
        if "--seeds" not in args:  # argparse prints its usage above the error
            assert len(err.strip().splitlines()) == 1, err


def test_a_fifo_is_refused_in_a_fresh_process(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "run.json")
    done = subprocess.run(
        [sys.executable, "-m", "game", "explain", str(tmp_path / "run.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().endswith("it is a FIFO (named pipe); only regular files are read")


def test_explanation_is_a_plain_record() -> None:
    _, rules = ravi()
    explanation = explain(rules, 0, [])
    assert isinstance(explanation, Explanation)
    json.dumps(explanation.as_dict())  # JSON-ready as it is


def test_clock_names_the_boundary() -> None:
    _, rules = ravi()
    assert [clock(rules, tick) for tick in (0, 1, 14, 16)] == ["09:00", "09:30", "16:00", "17:00"]
    two_days = make_rules(time={"days": 2, "hours_per_day": 8, "start_clock": "08:30"})
    assert clock(two_days, 0) == "day 1 08:30"
    assert clock(two_days, 15) == "day 1 16:00"
    assert clock(two_days, 16) == "day 2 08:30"
    assert clock(two_days, 32) == "day 2 16:30"  # the end of the game


def test_a_repeating_event_is_changed_each_time_it_waited() -> None:
    rules = rich_rules()
    for seed in range(20):
        explanation = explain(rules, seed, [])
        news = [
            t.tick
            for change in explanation.counterfactuals
            if change.kind == "choice"
            for t in change.actions
            if isinstance(t.action, Choose) and t.action.event == "news"
        ]
        if len(set(news)) >= 2:
            return
    pytest.fail("no seed of 0-19 had the repeating event wait twice")


def test_nothing_to_change_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert explain(make_rules(), 0, []).counterfactuals == ()
    scenario = tmp_path / "plain.yaml"
    scenario.write_text(json.dumps(make_doc()))  # JSON is YAML
    run = tmp_path / "run.json"
    code, _, _ = run_main(
        capsys, "simulate", str(scenario), "--policy", "idle", "--record", str(run)
    )
    assert code == 0
    code, out, _ = run_main(capsys, "explain", str(run), "--scenario", str(scenario))
    assert code == 0
    assert out.splitlines()[-1] == "No single change to your decisions would have moved the score."


def test_text_names_the_refused_actions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = record(tmp_path, "reference", 0)
    document = json.loads(path.read_text())
    document["actions"].insert(0, {"tick": 0, "do": "queue_task", "task": "ghost"})
    path.write_text(json.dumps(document))
    code, out, _ = run_main(capsys, "explain", str(path))
    assert code == 0
    assert out.splitlines()[1:3] == [
        "1 of your actions was refused on replay and left out:",
        "  actions[0] at tick 0: queue_task was refused: there is no task 'ghost'",
    ]


def test_a_session_game_is_explained_for_its_report() -> None:
    loaded, rules = ravi()
    session = Session.start(loaded, 3, rules=rules)
    decide = make_policy("greedy", rules, 3)
    while not session.over:
        session.apply_policy(decide)
        session.advance()
    explanation = explain(session.rules, session.seed, session.actions)
    assert explanation.score == score(replay(rules, 3, session.actions), rules)
    report = session.report(explained=True)
    assert report.counterfactuals == explanation.counterfactuals
    assert report.score.total == explanation.score.total


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_change_moves_only_its_own_luck(seed: int) -> None:
    # Dropping the first eval of production measures the decision alone: its own
    # $0.40, and no reshuffled luck for the LoRA run, its eval or the A/B test.
    _, rules = ravi()
    actions = played(rules, "reference", seed)
    first_eval = next(
        t for t in actions if isinstance(t.action, StartJob) and t.action.job == "eval_golden"
    )
    explanation = explain(rules, seed, actions)
    (dropped,) = [
        c
        for c in explanation.counterfactuals
        if list(c.actions) == [t for t in actions if t is not first_eval]
    ]
    assert set(dropped.moved) <= {"budget"}
    assert abs(dropped.gain) <= 1
