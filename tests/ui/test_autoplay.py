"""Autoplay: a policy plays the window through every scene, one PNG a scene, and ends with
the digest of the same policy's straight game."""

from __future__ import annotations

from pathlib import Path

from game.core.engine import play
from game.core.rules import prepare
from game.policies import make_policy
from game.replay.digest import state_digest
from game.replay.runfile import read_run
from game.scenario.actions import Allocate
from game.scenario.load import load_scenario
from game.session import Session
from game.ui.app import App
from game.ui.autoplay import Autoplayer
from game.ui.options import PlayOptions
from game.ui.saves import Settings, Store
from game.ui.scenes.briefing import BriefingScene
from game.ui.scenes.title import TitleScene
from tests.ui.conftest import TUTORIAL, run_frames


def test_autoplay_plays_every_scene_and_matches_the_straight_game(
    data_dir: Path, tmp_path: Path
) -> None:
    shots = tmp_path / "shots"
    record = tmp_path / "run.json"
    options = PlayOptions(
        autoplay="greedy", speed="max", screenshots=shots, exit_at_end=True, record=record
    )
    app = App(Store(data_dir), Settings(), options=options)
    loaded = load_scenario(TUTORIAL.resolve())
    app.stack.push(TitleScene(app))
    app.stack.push(BriefingScene(app, loaded, 3))
    for _ in range(2000):
        if not app.running:
            break
        run_frames(app, 1)
    assert not app.running, "the autoplayed game did not reach its end"
    assert sorted(p.name.split("-", 1)[1] for p in shots.glob("*.png")) == [
        "briefing.png",
        "debrief.png",
        "event.png",
        "play.png",
    ]
    rules = prepare(loaded.scenario)
    state, _ = play(rules, 3, make_policy("greedy", rules, 3))
    assert read_run(record).digest == state_digest(state)


def test_an_autoplayer_takes_over_a_game_a_person_started() -> None:
    loaded = load_scenario(TUTORIAL.resolve())
    session = Session.start(loaded, 0)
    assert session.apply(Allocate(research=0, data=100, infra=0, writing=0)) is None
    session.advance()
    session.advance()
    autoplayer = Autoplayer("greedy", session)
    assert autoplayer.took_over
    actions = autoplayer.decide()
    assert actions == session.policy_actions(make_policy("greedy", session.rules, 0))
    assert autoplayer.decide() == [], "a policy is asked once per boundary"
    for action in actions:
        session.apply(action)
    session.advance()
    assert autoplayer.decide() == session.policy_actions(make_policy("greedy", session.rules, 0))


def test_an_autoplayer_rebuilds_its_own_game_exactly() -> None:
    loaded = load_scenario(TUTORIAL.resolve())
    session = Session.start(loaded, 0, policy="greedy")
    first = Autoplayer("greedy", session)
    for _ in range(3):
        for action in first.decide():
            session.apply(action)
        session.advance()
    again = Autoplayer("greedy", session)
    assert not again.took_over
    assert again.decide() == first.decide()
