"""The game session: legal actions, apply, advance, undo, history, save and load."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import RICH, merge

from game.core.engine import play
from game.core.state import State
from game.policies import make_policy
from game.replay.digest import state_digest
from game.replay.replay import replay, timed
from game.scenario.actions import Allocate, QueueTask, Ship, StartJob
from game.scenario.load import LoadedScenario
from game.scenario.model import validate_scenario
from game.session import (
    GameNotOverError,
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


def greedy_session(seed: int, loaded: LoadedScenario = RICH_LOADED) -> tuple[Session, Any]:
    """A session and the greedy policy that plays it (it reads the state, as in simulate)."""
    session = Session.start(loaded, seed, policy="greedy")
    return session, make_policy("greedy", session.rules, seed)


def state_of(session: Session) -> State:
    """The session's state, for tests that compare with the engine played directly."""
    return session._state


def play_greedy(session: Session, decide: Any, until: int | None = None) -> None:
    """Let greedy play the session up to a boundary (or to the end)."""
    while not session.over and (until is None or session.tick < until):
        for action in decide(state_of(session)):
            session.apply(action)
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


def test_legal_actions_agree_with_apply() -> None:
    for seed in (0, 3):
        session, decide = greedy_session(seed)
        checked = 0
        while not session.over:
            legal = session.legal_actions()
            for candidate in legal.candidates:
                assert session.refusal(candidate.action) == candidate.refusal
            for action in decide(state_of(session)):
                legal_now = session.legal_actions()
                expected = legal_now.refusal(action)
                assert session.apply(action) == expected
                checked += 1
            session.advance()
        assert checked > 0


def test_every_listed_action_applies_or_is_refused_as_listed() -> None:
    session, decide = greedy_session(1)
    play_greedy(session, decide, until=4)
    saved = session.save_file()
    legal = session.legal_actions()
    assert len(legal) == sum(1 for _ in legal) > 0
    for candidate in legal.candidates:
        session = _fresh_copy(saved)
        reason = session.apply(candidate.action)
        assert reason == candidate.refusal, candidate.action
        assert (candidate.action in legal) == (reason is None)


def _fresh_copy(saved: Any) -> Session:
    session = Session.start(RICH_LOADED, saved.seed, policy=saved.policy)
    for timed_action in saved.actions:
        session.advance_to(timed_action.tick)
        assert session.apply(timed_action.action) is None
    session.advance_to(saved.tick)
    return session


def test_legal_actions_answer_unlisted_actions_and_go_stale() -> None:
    session = Session.start(RICH_LOADED, 0)
    legal = session.legal_actions()
    odd = Allocate(research=1, data=2, infra=3, writing=94)
    assert odd in legal
    assert legal.refusal(Ship(model="nope")) == "there is no model 'nope'"
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
    assert session.apply(Allocate(research=25, data=25, infra=25, writing=25)) == (
        "the game is over"
    )


def test_the_view_is_unchanged_by_a_hidden_true_f1() -> None:
    session = Session.start(RICH_LOADED, 0)
    session.apply(StartJob(job="human_ev"))
    session.advance_to(5)
    before = session.view()
    state_of(session).models[0].f1[1] = 0.01
    state_of(session).models[0].hallucination = 40.0
    assert session.view() == before
