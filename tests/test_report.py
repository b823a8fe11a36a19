"""The report of an ended game: one record that ``simulate`` prints and the debrief shows."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from game.cli.main import main
from game.policies import make_policy
from game.scenario.actions import StartJob
from game.scenario.load import load_scenario
from game.session import GameReport, Session

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = str(Path(__file__).parent / "data" / "tiny-golden.yaml")
TUTORIAL = str(ROOT / "scenarios" / "tutorial.yaml")
RAVI = str(ROOT / "scenarios" / "ravi-tuesday.yaml")


def simulate_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    """What ``mlday simulate ... --json`` prints, parsed."""
    capsys.readouterr()
    assert main(["simulate", *args, "--json"]) == 0
    parsed: dict[str, object] = json.loads(capsys.readouterr().out)
    return parsed


def played(path: str, seed: int, policy: str = "greedy", player: str = "anonymous") -> Session:
    """A session on a scenario file played to the end by a policy."""
    session = Session.start(load_scenario(path), seed, player=player, policy=policy)
    decide = make_policy(policy, session.rules, seed)
    while not session.over:
        session.apply_policy(decide)
        session.advance()
    return session


@pytest.mark.parametrize(("path", "seed"), [(GOLDEN, 4), (TUTORIAL, 1), (RAVI, 3)])
def test_the_report_is_what_simulate_json_prints(
    capsys: pytest.CaptureFixture[str], path: str, seed: int
) -> None:
    printed = simulate_json(capsys, path, "--seed", str(seed), "--player", "ada")
    report = played(path, seed, player="ada").report()
    assert json.loads(json.dumps(report.as_json())) == printed


def test_the_text_report_is_what_simulate_prints(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["simulate", RAVI, "--seed", "3"]) == 0
    assert capsys.readouterr().out == played(RAVI, 3).report().text() + "\n"


def test_a_scripted_game_reports_as_simulate_with_actions(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    session = Session.start(load_scenario(GOLDEN), 2)
    assert session.apply(StartJob(job="ev")) is None
    session.advance_to(3)
    assert session.apply(StartJob(job="lora")) is None
    session.play_to_end()
    actions = tmp_path / "actions.json"
    actions.write_text(json.dumps([timed.record() for timed in session.actions]))
    printed = simulate_json(capsys, GOLDEN, "--seed", "2", "--actions", str(actions))
    assert session.report().as_json() == printed
    assert printed["policy"] is None and printed["actions_applied"] == 2


def test_the_report_reveals_quiz_lessons_and_error_bars() -> None:
    report = played(TUTORIAL, 0).report()
    loaded = load_scenario(TUTORIAL).scenario
    assert len(report.quiz) == len(loaded.debrief.quiz) > 0
    for question, source in zip(report.quiz, loaded.debrief.quiz, strict=True):
        assert question.question == source.question
        assert question.choices[question.correct].correct
        assert [c.explanation for c in question.choices] == [c.explanation for c in source.choices]
    assert all(lesson.text for lesson in report.lessons)
    assert [g.id for g in report.goals] == [g.id for g in loaded.goals]
    assert {g.id: g.reached for g in report.goals} == report.score.goals
    for segment in report.reveal:
        assert (segment.measured_f1 is None) == (segment.half_width is None)
        assert segment.golden > 0 or segment.measured_f1 is None
    as_json = report.as_json()
    assert as_json["true_quality"] == {r.segment: round(r.true_f1, 4) for r in report.reveal}
    assert report.counterfactuals == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.seed = 3  # type: ignore[misc]


def test_counterfactuals_fill_their_slot_when_explained() -> None:
    session = played(GOLDEN, 4)
    report: GameReport = session.report(explained=True)
    assert report.counterfactuals, "a greedy game of the test scenario has changes to try"
    best = report.counterfactuals[0]
    assert report.as_json()["counterfactuals"][0] == {
        "change": best.change, "score": best.score.total, "gain": best.gain, "moved": best.moved
    }  # fmt: skip
    assert [c.gain for c in report.counterfactuals] == sorted(
        (c.gain for c in report.counterfactuals), reverse=True
    )
    assert f"{best.gain:+d}" in report.text()
    assert "What one change would have done" not in session.report().text()
