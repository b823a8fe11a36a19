"""The game session: legal actions, apply, advance, undo, history, save and load."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import RICH, merge

from game.core.engine import Decide, play
from game.policies import make_policy
from game.replay.digest import state_digest
from game.replay.replay import TimedAction, replay, timed
from game.scenario.actions import Allocate, QueueTask, RestartJob, Ship, StartJob, StopJob
from game.scenario.load import LoadedScenario
from game.scenario.model import validate_scenario
from game.session import (
    GameNotOverError,
    Refusal,
    SaveCorruptError,
    SaveMismatchError,
    SaveUnreadableError,
    SaveVersionError,
    Session,
    SessionError,
    StaleLegalActionsError,
)

ROOT = Path(__file__).resolve().parent.parent
RAVI = ROOT / "scenarios" / "ravi-tuesday.yaml"


def loaded_of(doc: dict[str, Any], name: str = "rich") -> LoadedScenario:
    """A loaded scenario made from a document (the hash stands for the file's bytes)."""
    digest = hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()
    return LoadedScenario(f"{name}.yaml", name, digest, validate_scenario(doc))


RICH_LOADED = loaded_of(RICH)


def greedy_session(seed: int, loaded: LoadedScenario = RICH_LOADED) -> tuple[Session, Decide]:
    """A session and the greedy policy that plays it (it reads the state, as in simulate)."""
    session = Session.start(loaded, seed, policy="greedy")
    return session, make_policy("greedy", session.rules, seed)


def play_greedy(session: Session, decide: Decide, until: int | None = None) -> None:
    """Let greedy play the session up to a boundary (or to the end)."""
    while not session.over and (until is None or session.tick < until):
        session.apply_policy(decide)
        session.advance()


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_a_session_plays_the_same_game_as_the_engine(seed: int) -> None:
    session, decide = greedy_session(seed)
    play_greedy(session, decide)
    rules = session.rules
    state, applied = play(rules, seed, make_policy("greedy", rules, seed))
    assert session.digest() == state_digest(state)
    assert session.actions == timed(applied)
    assert state_digest(replay(rules, seed, session.actions)) == session.digest()


@pytest.mark.parametrize("back_to", [0, 3, 9, 15])
def test_undo_then_replay_gives_the_straight_digest(back_to: int) -> None:
    straight, decide = greedy_session(5)
    play_greedy(straight, decide)
    session, decide = greedy_session(5)
    play_greedy(session, decide)
    session.undo_to(back_to)
    assert session.tick == back_to and not session.over
    assert all(t.tick < back_to for t in session.actions)
    assert [row.tick for row in session.history] == list(range(back_to + 1))
    # The same decisions again from there: the policy is asked afresh at each boundary.
    for timed_action in straight.actions:
        if timed_action.tick < back_to:
            continue
        session.advance_to(timed_action.tick)
        assert session.apply(timed_action.action) is None
    session.play_to_end()
    assert session.digest() == straight.digest()
    assert session.history.rows == straight.history.rows


def test_undo_at_the_boundary_takes_back_its_actions() -> None:
    session = Session.start(RICH_LOADED, 2)
    before = session.digest()
    assert session.apply(QueueTask(task="label_es")) is None
    assert session.digest() != before
    session.undo_to(0)
    assert session.digest() == before and session.actions == []
    with pytest.raises(SessionError):
        session.undo_to(1)
    with pytest.raises(SessionError):
        session.undo_to(-1)


def test_legal_actions_agree_with_refusal_at_every_boundary() -> None:
    for seed in (0, 3):
        session, decide = greedy_session(seed)
        while not session.over:
            legal = session.legal_actions()
            for candidate in legal.candidates:
                assert session.refusal(candidate.action) == candidate.refusal
            assert sorted(map(repr, legal)) == sorted(
                repr(c.action) for c in legal.candidates if c.legal
            )
            assert {repr(c.action) for c in legal.refused} == {
                repr(c.action) for c in legal.candidates if not c.legal
            }
            session.apply_policy(decide)
            session.advance()


@pytest.mark.parametrize(("seed", "tick"), [(1, 0), (1, 1), (1, 2), (1, 4), (3, 9), (7, 14)])
def test_every_listed_action_applies_or_is_refused_as_listed(seed: int, tick: int) -> None:
    session, decide = greedy_session(seed)
    play_greedy(session, decide, until=tick)
    before = session.digest()
    legal = session.legal_actions()
    assert len(legal) == sum(1 for _ in legal) > 0
    kinds = {c.action.do for c in legal.candidates}
    assert {"allocate", "queue_task", "cancel_task", "start_job", "ship"} <= kinds
    for candidate in legal.candidates:
        assert (candidate.action in legal) == candidate.legal
        reason = session.apply(candidate.action)
        assert reason == candidate.refusal, candidate.action
        if reason is None:
            assert session.actions[-1] == TimedAction(tick, candidate.action)
            session.undo_to(tick)
        assert session.digest() == before


def test_the_candidates_cover_runs_models_and_waiting_events() -> None:
    session, decide = greedy_session(3)
    seen: set[str] = set()
    legal: set[str] = set()
    while not session.over:
        seen |= {c.action.do for c in session.legal_actions().candidates}
        legal |= {action.do for action in session.legal_actions()}
        session.apply_policy(decide)
        session.advance()
    # Whether a failed run makes restart_job legal depends on the seed's luck.
    assert legal - {"restart_job"} == {
        "allocate",
        "queue_task",
        "cancel_task",
        "start_job",
        "stop_job",
        "ship",
        "choose",
    }
    assert seen == {
        "allocate",
        "queue_task",
        "cancel_task",
        "start_job",
        "stop_job",
        "restart_job",
        "ship",
        "choose",
    }


def test_legal_actions_answer_unlisted_actions_and_go_stale() -> None:
    session = Session.start(RICH_LOADED, 0)
    legal = session.legal_actions()
    odd = Allocate(research=1, data=2, infra=3, writing=94)
    assert odd in legal
    nope = legal.refusal(Ship(model="nope"))
    assert nope == Refusal("refused.no_such_model", {"model": "nope"})
    assert nope is not None and nope.text == "there is no model 'nope'"
    assert Ship(model="nope") not in legal
    assert "not an action" not in legal
    session.advance()
    with pytest.raises(StaleLegalActionsError):
        legal.refusal(StartJob(job="lora", model="baseline-x"))


def test_history_has_a_row_per_boundary_and_truth_only_at_the_end() -> None:
    session, decide = greedy_session(4)
    play_greedy(session, decide, until=6)
    assert [row.tick for row in session.history] == list(range(7))
    with pytest.raises(GameNotOverError):
        session.history.truth()
    row = session.history[-1]
    view = session.view()
    assert row.money == view.money and row.trust == view.trust
    assert row.escalation_rate == view.escalation_rate
    assert row.incidents == len(view.incidents)
    play_greedy(session, decide)
    truth = session.history.truth()
    assert [t.tick for t in truth] == [row.tick for row in session.history]
    assert truth[-1].true_f1 == pytest.approx(session.report().score.true_f1)
    session.undo_to(2)
    assert len(session.history) == 3
    with pytest.raises(GameNotOverError):
        session.history.truth()


def test_history_rows_are_copies() -> None:
    session = Session.start(RICH_LOADED, 0)
    first = session.history[0]
    session.apply(Allocate(research=0, data=100, infra=0, writing=0))
    session.advance()
    assert first.allocation != session.history[1].allocation
    assert session.history[0] == first


def test_the_history_shows_measured_quality_with_its_error_bar() -> None:
    session = Session.start(RICH_LOADED, 0)
    assert session.history[0].measured_f1 is None
    assert session.apply(StartJob(job="human_ev")) is None
    session.advance_to(4)
    row = session.history[-1]
    assert row.measured_f1 is not None and row.measured_f1_half_width is not None
    assert 0 < row.measured_f1_half_width < 0.2
    assert row.measured_at == 3


def test_save_and_load_mid_game_give_the_same_digest(tmp_path: Path) -> None:
    session, decide = greedy_session(6)
    play_greedy(session, decide, until=7)
    path = tmp_path / "game.save.json"
    session.save(path)
    saved = json.loads(path.read_text())
    assert saved["format"] == "mlday-save" and saved["version"] == 1
    assert saved["tick"] == 7
    loaded = Session.load(path, RICH_LOADED)
    assert loaded.tick == 7 and loaded.digest() == session.digest()
    assert loaded.actions == session.actions
    assert loaded.history.rows == session.history.rows
    play_greedy(session, decide)
    play_greedy(loaded, make_policy("greedy", loaded.rules, 6))
    assert loaded.digest() == session.digest()
    assert [p.name for p in tmp_path.iterdir()] == ["game.save.json"]


def test_bad_saves_are_specific_errors(tmp_path: Path) -> None:
    session = Session.start(RICH_LOADED, 1)
    session.apply(QueueTask(task="label_es"))
    session.advance()
    path = tmp_path / "s.json"
    session.save(path)
    good = json.loads(path.read_text())

    def write(doc: Any) -> Path:
        path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
        return path

    with pytest.raises(SaveUnreadableError) as unreadable:
        Session.load(tmp_path / "missing.json", RICH_LOADED)
    assert unreadable.value.path == str(tmp_path / "missing.json")
    with pytest.raises(SaveCorruptError, match="truncated"):
        Session.load(write(path.read_text()[:40]), RICH_LOADED)
    with pytest.raises(SaveVersionError, match="version 2"):
        Session.load(write({**good, "version": 2}), RICH_LOADED)
    with pytest.raises(SaveCorruptError, match="not an mlday save"):
        Session.load(write({**good, "format": "mlday-run"}), RICH_LOADED)
    with pytest.raises(SaveMismatchError, match="does not give the state"):
        Session.load(write({**good, "digest": "0" * 64}), RICH_LOADED)
    with pytest.raises(SaveMismatchError, match="another version"):
        Session.load(write(good), loaded_of(merge(RICH, {"budget": 6000})))
    with pytest.raises(SaveCorruptError, match="unknown task"):
        bad = {**good, "actions": [{"tick": 0, "do": "queue_task", "task": "nope"}]}
        Session.load(write(bad), RICH_LOADED)
    with pytest.raises(SaveMismatchError, match="refused"):
        twice = [good["actions"][0], good["actions"][0]]
        Session.load(write({**good, "actions": twice}), RICH_LOADED)


def test_report_and_run_record_wait_for_the_end() -> None:
    session, decide = greedy_session(2)
    with pytest.raises(GameNotOverError):
        session.report()
    with pytest.raises(GameNotOverError):
        session.run_record()
    play_greedy(session, decide)
    with pytest.raises(SessionError):
        session.advance()
    record = session.run_record()
    assert record["digest"] == session.digest()
    assert record["score"]["total"] == session.report().score.total
    over = session.apply(Allocate(research=25, data=25, infra=25, writing=25))
    assert over is not None and (over.code, over.text) == ("refused.game_over", "the game is over")


def test_a_failed_run_can_be_restarted_as_listed() -> None:
    crashing = loaded_of(merge(RICH, {"events": []}) | {"jobs": [
        {"id": "lora", "kind": "training", "name": "LoRA", "hours": 4, "gpus": 1,
         "gpu_price": 4, "learning_curve": {"es": {"f1": 0.6, "at": 100, "ceiling": 0.88}},
         "collapse": {"per_hour": 1, "silent": 0}},
    ], "tasks": [], "reference": []}, "crashing")  # fmt: skip
    session = Session.start(crashing, 0)
    assert session.apply(StartJob(job="lora")) is None
    while session.view().runs[0].status == "running":
        session.advance()
    assert session.view().runs[0].status == "failed"
    legal = session.legal_actions()
    restart = RestartJob(run="lora-1")
    assert restart in legal and StopJob(run="lora-1") not in legal
    assert str(legal.refusal(StopJob(run="lora-1"))) == "lora-1 is not running"
    assert session.view().runs[0].restart_refused is None
    assert session.apply(restart) is None
    assert session.legal_actions().refusal(restart) == Refusal(
        "refused.run_not_failed", {"run": "lora-1"}
    )


def test_the_example_in_the_docs_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "docs" / "session.md").read_text()
    start = text.index("```python\n") + len("```python\n")
    example = text[start : text.index("```", start)]
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {}
    exec(compile(example, "docs/session.md", "exec"), namespace)
    session = namespace["session"]
    assert session.over and namespace["report"] == session.report()
    assert namespace["run"]["digest"] == session.digest()
    assert "Score " in capsys.readouterr().out


def test_the_documented_save_fields_match_a_save(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "session.md").read_text()
    start = text.index("```json\n") + len("```json\n")
    example = json.loads(text[start : text.index("```", start)])
    session = Session.start(RICH_LOADED, 7, player="ada")
    session.save(tmp_path / "save.json")
    assert list(json.loads((tmp_path / "save.json").read_text())) == list(example)


@pytest.mark.parametrize("name", ["", "x" * 41, "ada\nok, score 1000", "\x1b[2J"])
def test_a_bad_player_name_is_refused_at_the_start(name: str) -> None:
    with pytest.raises(SessionError, match="player's name"):
        Session.start(RICH_LOADED, 0, player=name)


def test_history_columns_give_chart_points() -> None:
    session = Session.start(RICH_LOADED, 0)
    session.advance_to(3)
    money = session.history.column("money")
    assert [tick for tick, _ in money] == [0, 1, 2, 3]
    assert money[-1][1] == session.view().money
    with pytest.raises(KeyError, match="no reporter 'true_f1'"):
        session.history.column("true_f1")
