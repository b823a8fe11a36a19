"""Message codes: every line the core writes and every refusal it gives has a code with a
template, its values fill the template, and docs/messages.md lists every code."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import RICH, rich_rules
from pydantic import ValidationError

from game.core import engine
from game.core.messages import (
    LOG_LINES,
    REFUSALS,
    REPLAY_ERRORS,
    SESSION_ERRORS,
    TEMPLATES,
    LogLine,
    Message,
    Refusal,
    placeholders,
    text,
)
from game.core.rules import prepare
from game.core.state import DONE, RunStatus, State
from game.core.view import player_view
from game.policies import make_policy
from game.replay.replay import (
    ActionRecordError,
    ReplayError,
    TimedAction,
    parse_action_record,
    replay,
    replay_lenient,
)
from game.scenario.actions import (
    Action,
    Allocate,
    CancelTask,
    Choose,
    QueueTask,
    RestartJob,
    Ship,
    StartJob,
    StopJob,
)
from game.scenario.load import LoadedScenario, ScenarioError, load_scenario, load_scenario_bytes
from game.scenario.model import validate_scenario
from game.session import SaveCorruptError, SaveError, Session, SessionError
from game.session.legal import allocation
from game.ui.game import Game
from game.ui.saves import Store

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
POLICIES = ("idle", "random", "greedy", "reference")
CODE = r'"([a-z_]+\.[a-z0-9_]+)"'


def codes_in_the_core() -> set[str]:
    """The codes the core's source writes: ``note(state, KIND, CODE, ...)`` and the failure
    codes of a training run."""
    found: set[str] = set()
    for path in (ROOT / "game" / "core").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'note\(\s*\w+,\s*"\w+",\s*' + CODE, source))
        found |= set(re.findall(r"_fail\(state, run, " + CODE, source))
    return found


def refusal_codes_in_the_core() -> set[str]:
    """The refusal codes the core's source gives: ``refused(CODE, ...)``."""
    found: set[str] = set()
    for path in (ROOT / "game" / "core").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"\brefused\(\s*" + CODE, source))
    return found


def test_every_code_the_core_writes_has_a_template_and_every_template_is_used() -> None:
    written = codes_in_the_core()
    assert len(written) > 20
    assert written == set(LOG_LINES)
    given = refusal_codes_in_the_core()
    assert len(given) > 20
    assert given == set(REFUSALS)
    assert all(code.startswith("refused.") for code in REFUSALS)
    assert not any(code.startswith("refused.") for code in written)


def test_docs_list_every_code_with_its_template() -> None:
    text = (ROOT / "docs" / "messages.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z0-9_.]+)` \| `([^`]*)` \|", text, re.MULTILINE))
    assert rows == TEMPLATES


def games() -> list[State]:
    states = []
    for path in SCENARIOS:
        rules = prepare(load_scenario(path).scenario)
        for policy in POLICIES:
            for seed in (0, 1):
                states.append(engine.play(rules, seed, make_policy(policy, rules, seed))[0])
    rules = rich_rules()
    for policy in POLICIES:
        for seed in range(4):
            states.append(engine.play(rules, seed, make_policy(policy, rules, seed))[0])
    return states


def test_the_values_of_every_line_written_fill_its_template() -> None:
    seen: set[str] = set()
    for state in games():
        for line in state.log:
            assert isinstance(line, LogLine)
            assert placeholders(TEMPLATES[line.code]) <= set(line.values), line
            assert line.text == TEMPLATES[line.code].format(**line.values)
            seen.add(line.code)
    # The games reach most codes: a code no game writes is still checked by the next test.
    logged = set(LOG_LINES)
    assert len(seen) >= len(logged) // 2, sorted(logged - seen)


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_every_template_reads_only_named_values(code: str) -> None:
    names = placeholders(TEMPLATES[code])
    values = {name: 1.5 for name in names}
    assert text(code, dict(values))  # every placeholder filled, none positional
    assert "{}" not in TEMPLATES[code]
    if names:
        with pytest.raises(KeyError):
            text(code, {})


def test_the_view_carries_each_lines_code_and_values() -> None:
    rules = prepare(load_scenario(ROOT / "scenarios" / "eval-that-matters.yaml").scenario)
    state, _ = engine.play(rules, 0, make_policy("reference", rules, 0))
    view = player_view(state, rules)
    assert [(entry.code, entry.values, entry.text) for entry in view.log] == [
        (line.code, line.values, line.text) for line in state.log
    ]
    shipped = [entry for entry in view.log if entry.code == "model.shipped"]
    assert shipped
    for entry in shipped:
        assert entry.text == f"Shipped {entry.values['model']} to production."


def provoke_every_refusal() -> list[Refusal]:
    """A small game that provokes every refusal the core gives, in play order."""
    jobs = [
        job | {"collapse": {"per_hour": 0, "silent": 0}} if job["id"] == "lora" else job
        for job in RICH["jobs"]
    ]
    ab = next(job for job in jobs if job["id"] == "ab")
    rules = rich_rules(jobs=[*jobs, {**ab, "id": "ab2", "name": "Second A/B test"}])
    state = engine.new_game(rules, 0)
    given: list[Refusal] = []

    def refused(action: Action) -> None:
        refusal = engine.refusal(state, rules, action)
        assert refusal is not None, action
        given.append(refusal)

    def applied(action: Action) -> None:
        assert engine.apply(state, rules, action) is None, action

    def advance_until(until: str) -> None:
        while not check(until):
            assert not state.clock.over, f"the game ended before: {until}"
            engine.advance(state, rules)

    def check(what: str) -> bool:
        return {
            "lora-1 ready": any(model.id == "lora-1" for model in state.models),
            "pm waits": rules.event_index["pm"] in state.events.pending,
            "day over": state.clock.tick >= rules.total_ticks,
            "game over": state.clock.over,
        }[what]

    refused(QueueTask(task="nope"))
    refused(QueueTask(task="golden_es"))
    refused(CancelTask(task="label_es"))
    applied(QueueTask(task="label_es"))
    refused(QueueTask(task="label_es"))
    state.team.task_status[rules.task_index["paper"]] = DONE
    refused(QueueTask(task="paper"))
    refused(StartJob(job="nope"))
    refused(StartJob(job="ev", model="x"))
    refused(StartJob(job="full"))
    refused(StartJob(job="ab"))
    blocked = player_view(state, rules).jobs[rules.job_index["ab"]].blocked
    assert blocked is not None
    given.append(blocked)
    refused(StartJob(job="ab", model="baseline"))
    refused(Ship(model="baseline"))
    refused(Choose(event="pm", choice="explain"))
    refused(Choose(event="nope", choice="x"))
    applied(StartJob(job="lora"))
    refused(StartJob(job="lora"))
    refused(RestartJob(run="lora-1"))
    refused(StopJob(run="x-1"))
    applied(StartJob(job="ev", model="baseline"))
    refused(RestartJob(run="ev-1"))
    advance_until("pm waits")
    refused(Choose(event="pm", choice="promise"))
    refused(Choose(event="pm", choice="nope"))
    advance_until("lora-1 ready")
    refused(StopJob(run="lora-1"))
    applied(StartJob(job="ab", model="lora-1"))
    refused(StartJob(job="ab2", model="lora-1"))
    refused(Ship(model="lora-1"))
    applied(StartJob(job="lora"))
    state.jobs.runs[0].status = RunStatus.FAILED  # as if lora-1 had crashed
    refused(RestartJob(run="lora-1"))
    advance_until("day over")
    refused(Allocate(research=25, data=25, infra=25, writing=25))
    advance_until("game over")
    refused(Allocate(research=25, data=25, infra=25, writing=25))
    return given


def test_a_bad_allocation_is_refused_where_it_is_made_not_by_the_engine(tmp_path: Path) -> None:
    """No refusal code is kept for a split the model cannot hold; every door a front end or a
    file can pass it through refuses it with a clear line instead."""
    assert not [code for code in REFUSALS if "allocation" in code]
    short = {"research": 50, "data": 0, "infra": 0, "writing": 0}
    negative = {"research": -10, "data": 110, "infra": 0, "writing": 0}
    with pytest.raises(ValidationError, match=r"the allocation adds up to 50%, not 100%"):
        Allocate(**short)
    with pytest.raises(ValidationError, match=r"the allocation adds up to 50%, not 100%"):
        allocation((50, 0, 0, 0))  # the session's maker of allocations
    with pytest.raises(ActionRecordError, match=r"^the allocation adds up to 50%, not 100%$"):
        parse_action_record({"tick": 0, "do": "allocate", **short})  # an action file
    with pytest.raises(ActionRecordError, match=r"^research: must be at least 0; got -10; data"):
        parse_action_record({"tick": 0, "do": "allocate", **negative})
    session = Session.start(
        LoadedScenario("rich.yaml", "rich", "0" * 64, validate_scenario(RICH)), 0
    )
    path = tmp_path / "game.save.json"
    session.save(path)
    saved = json.loads(path.read_text(encoding="utf-8"))
    saved["actions"] = [{"tick": 0, "do": "allocate", **short}]
    path.write_text(json.dumps(saved), encoding="utf-8")
    with pytest.raises(SaveCorruptError, match=r"adds up to 50%, not 100%"):
        Session.load(path, session.loaded)
    scenario = (ROOT / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8")
    step = "\n  - {at: 0, do: allocate, research: 50, data: 0, infra: 0, writing: 0}"
    bad = scenario.replace("\nreference:", "\nreference:" + step, 1)
    assert bad != scenario
    line = bad[: bad.index(step)].count("\n") + 2
    with pytest.raises(ScenarioError, match=rf"bad\.yaml:{line}:.*adds up to 50%, not 100%"):
        load_scenario_bytes(bad.encode("utf-8"), "bad.yaml")


def test_every_refusal_is_provoked_and_its_values_fill_its_template() -> None:
    given = provoke_every_refusal()
    assert [refusal.code for refusal in given] == [
        "refused.no_such_task",
        "refused.task_needs",
        "refused.task_not_queued",
        "refused.task_queued",
        "refused.task_done",
        "refused.no_such_job",
        "refused.no_such_model",
        "refused.job_needs",
        "refused.job_needs_model",
        "refused.no_candidate_model",
        "refused.ab_test_on_production",
        "refused.already_in_production",
        "refused.event_not_waiting",
        "refused.no_such_event",
        "refused.job_running",
        "refused.run_not_failed",
        "refused.no_such_run",
        "refused.restart_not_training",
        "refused.choice_needs",
        "refused.no_such_choice",
        "refused.run_not_running",
        "refused.ab_test_running",
        "refused.in_ab_test",
        "refused.restart_job_running",
        "refused.day_over",
        "refused.game_over",
    ]
    assert {refusal.code for refusal in given} == set(REFUSALS)
    for refusal in given:
        assert placeholders(REFUSALS[refusal.code]) == set(refusal.values), refusal
        assert refusal.text == REFUSALS[refusal.code].format(**refusal.values)
        assert str(refusal) == refusal.text
    texts = [refusal.text for refusal in given]
    assert "task 'golden_es' needs: done(\"label_es\")" in texts
    assert "lora-2 is not running" not in texts and "lora-1 is not running" in texts
    assert "lora-1 is in a running A/B test (ab-1): wait for it or stop it" in texts
    assert "'promise' needs: trust > 60" in texts


def test_the_replay_session_and_save_codes_are_the_ones_their_modules_give() -> None:
    found: set[str] = set()
    for folder in ("replay", "session", "ui"):
        for path in (ROOT / "game" / folder).rglob("*.py"):
            found |= set(re.findall(r"\bmessage\(\s*" + CODE, path.read_text(encoding="utf-8")))
    assert found == set(REPLAY_ERRORS) | set(SESSION_ERRORS)
    assert all(code.startswith("replay.") for code in REPLAY_ERRORS)
    assert all(code.split(".")[0] in ("session", "save") for code in SESSION_ERRORS)


def provoke_every_error(folder: Path) -> list[Message]:
    """Every reason a replay stops, a session refuses a request or a save cannot be read
    back, provoked in turn, in the order of the tables."""
    loaded = LoadedScenario("rich.yaml", "rich", "0" * 64, validate_scenario(RICH))
    rules = prepare(loaded.scenario)
    last = rules.total_ticks
    even = Allocate(research=25, data=25, infra=25, writing=25)
    given: list[Message] = []

    def replay_error(actions: list[TimedAction]) -> ReplayError:
        with pytest.raises(ReplayError) as caught:
            replay(rules, 0, actions)
        given.append(caught.value.message)
        return caught.value

    outside = replay_error([TimedAction(last + 1, even)])
    assert str(outside) == f"actions[0] at tick {last + 1}: " + outside.message.text
    replay_error([TimedAction(3, even), TimedAction(2, even)])
    lenient = replay_lenient(rules, 0, [TimedAction(3, even), TimedAction(2, even)])
    given.append(lenient.skipped[0].message)
    refused = replay_error([TimedAction(1, Ship(model="nope"))])
    assert refused.refusal is not None and refused.refusal.code == "refused.no_such_model"

    def session_error(request: Callable[[], object]) -> None:
        with pytest.raises(SessionError) as caught:
            request()
        given.append(caught.value.message)

    session_error(lambda: Session.start(loaded, 0, player="a\nb"))
    over = Session.start(loaded, 0)
    over.play_to_end()
    session_error(over.advance)
    session = Session.start(loaded, 1)
    session_error(lambda: session.undo_to(5))
    assert session.apply(QueueTask(task="label_es")) is None
    session.advance()
    session.rules = prepare(validate_scenario(RICH | {"tasks": [], "events": [], "reference": []}))
    session_error(lambda: session.undo_to(1))  # the rules changed under the session
    session = Session.start(loaded, 1)
    assert session.apply(QueueTask(task="label_es")) is None
    session.advance()
    path = folder / "game.save.json"
    session.save(path)
    good = json.loads(path.read_text(encoding="utf-8"))

    def save_error(document: object, scenario: LoadedScenario = loaded) -> None:
        written = document if isinstance(document, str) else json.dumps(document)
        path.write_text(written, encoding="utf-8")
        with pytest.raises(SaveError) as caught:
            Session.load(path, scenario)
        assert str(caught.value) == f"{path}: {caught.value.message.text}"
        given.append(caught.value.message)

    with pytest.raises(SaveError) as unreadable:
        Session.load(folder / "missing.json", loaded)
    given.append(unreadable.value.message)
    save_error(json.dumps(good)[:40])
    save_error([good])
    save_error({**good, "format": "mlday-run"})
    save_error({**good, "version": 2})
    save_error({**good, "seed": -1})
    save_error({**good, "engine": "0.0.1"})
    save_error(good, LoadedScenario("rich.yaml", "rich", "1" * 64, loaded.scenario))
    save_error({**good, "actions": [{**good["actions"][0], "tick": 2}]})
    save_error({**good, "actions": [good["actions"][0], good["actions"][0]]})
    save_error({**good, "tick": 10_000})
    save_error({**good, "digest": "0" * 64})
    store = Store(folder / "data")
    store.folder.mkdir()
    session.save(store.autosave)  # its scenario, rich.yaml, is nowhere to be found
    with pytest.raises(SaveError) as unusable:
        Game.resume(store)
    given.append(unusable.value.message)
    return given


def test_every_replay_session_and_save_error_is_a_message_whose_values_fill_it(
    tmp_path: Path,
) -> None:
    given = provoke_every_error(tmp_path)
    assert [message.code for message in given] == [*REPLAY_ERRORS, *SESSION_ERRORS]
    for message in given:
        assert placeholders(TEMPLATES[message.code]) == set(message.values), message
        assert message.text == TEMPLATES[message.code].format(**message.values)
        assert str(message) == message.text
    texts = [message.text for message in given]
    assert "nope" in texts[3] and texts[3].startswith("ship was refused: there is no model")
    assert "ticks must not go down (the action before is at tick 3)" in texts
    assert "a player's name has 1 to 40 characters and no control characters: 'a\\nb'" in texts
    assert "save version 2 is not supported (this mlday reads version 1)" in texts
    assert "seed: must be at least 0; got -1" in texts
    assert any(t.startswith("cannot be continued: ") and "rich.yaml" in t for t in texts)
