"""What the format grew to say, played: outages and spikes of some segments, a fallback
that serves everything, a collapse chance per run, risks drawn once per run, and the
scenario's own names for its metric and its traffic."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import pytest
from conftest import QUIET, make_doc, make_rules, quiet_rules, ticks

from game.core import engine
from game.core.luck import Luck
from game.core.rules import Rules, prepare
from game.core.scoring import served_percent
from game.core.state import RunStatus, State
from game.core.view import player_view
from game.policies import make_policy
from game.scenario.actions import Choose, Ship, StartJob
from game.scenario.lint import lint
from game.scenario.load import LoadedScenario, ScenarioError, load_scenario, load_scenario_bytes
from game.scenario.model import Outage, validate_scenario
from game.session.report import game_report

PER_HOUR = 200.0


def at_start(*effects: dict[str, Any], at: float = 0) -> list[dict[str, Any]]:
    return [{"id": "hit", "title": "Hit", "text": "t", "trigger": {"at": at}, "effects": effects}]


def serving_rules(infra: dict[str, Any] | None = None, **overrides: Any) -> Rules:
    layer = {
        "production": {"conversations_per_hour": PER_HOUR, "serving": {"gpus": 2}},
        "infra": infra or {},
        "trust": {"start": 50, "per_incident": 7},
    }
    return make_rules(QUIET, layer, overrides)


# --- outages of some segments -------------------------------------------------------------


def test_a_plain_outage_still_means_all_traffic() -> None:
    scenario = validate_scenario(make_doc(events=at_start({"outage": 2})))
    assert scenario.events[0].effects[0].outage == 2.0


def test_an_outage_of_one_segment_fails_only_its_conversations() -> None:
    scoped = {"outage": {"hours": 1, "segments": ["es"]}}
    rules = serving_rules({"fallback": 0}, events=at_start(scoped))
    state = engine.new_game(rules, 0)
    assert state.production.segment_outage_left == [0.0, 1.0]
    assert state.production.incidents == [
        "upstream API outage for Spanish conversations with no fallback path"
    ]
    ticks(state, rules, 2)
    counts = state.production.counts
    assert counts.total == pytest.approx(200.0)
    assert counts.failed == pytest.approx(200.0 * 0.2)  # Spanish is 20% of traffic
    assert counts.served == pytest.approx(200.0 * 0.8)
    assert served_percent(state) == pytest.approx(80.0)
    assert state.production.segment_outage_left == [0.0, 0.0]
    texts = [line.text for line in state.log]
    assert "Upstream API down for Spanish conversations (1 h)." in texts
    assert "The upstream API is back for Spanish conversations." in texts


def test_an_outage_of_one_segment_with_fallback_degrades_its_share() -> None:
    scoped = {"outage": {"hours": 1, "segments": ["es"]}}
    rules = serving_rules({"fallback": 2}, events=at_start(scoped))
    state = engine.new_game(rules, 0)
    ticks(state, rules, 2)
    counts = state.production.counts
    assert counts.degraded == pytest.approx(40.0 * 0.9)
    assert counts.failed == pytest.approx(40.0 * 0.1)
    assert served_percent(state) == pytest.approx(80.0 + 20.0 * 0.5 * 0.9)
    assert state.production.incidents == []


def test_an_outage_of_every_segment_plays_like_an_outage_of_all_traffic() -> None:
    whole = engine.new_game(serving_rules(events=at_start({"outage": 0.75})), 0)
    every = {"outage": {"hours": 0.75, "segments": ["en", "es"]}}
    scoped = engine.new_game(serving_rules(events=at_start(every)), 0)
    for state in (whole, scoped):
        ticks(state, serving_rules(), 3)
    for name in ("total", "served", "failed", "degraded", "service_hours"):
        got = getattr(scoped.production.counts, name)
        assert got == pytest.approx(getattr(whole.production.counts, name)), name


def test_an_outage_of_one_segment_inside_an_outage_of_all_counts_once() -> None:
    effects = ({"outage": 0.5}, {"outage": {"hours": 1, "segments": ["es"]}})
    rules = serving_rules(events=at_start(*effects))
    state = engine.new_game(rules, 0)
    ticks(state, rules, 2)
    counts = state.production.counts
    # The first half hour everything fails; the second, Spanish alone.
    assert counts.failed == pytest.approx(100.0 + 100.0 * 0.2)
    assert counts.served == pytest.approx(100.0 * 0.8)


def test_the_view_and_the_condition_say_which_segments_are_down() -> None:
    scoped = {"outage": {"hours": 1, "segments": ["es"]}}
    rules = serving_rules(
        events=[
            *at_start(scoped),
            {"id": "noticed", "title": "N", "text": "t", "trigger": {"when": "outage > 0"}},
        ]
    )
    state = engine.new_game(rules, 0)
    view = player_view(state, rules)
    assert view.outage and view.outage_segments == ["es"]
    assert state.events.fired[rules.event_index["noticed"]] == 1
    whole = serving_rules(events=at_start({"outage": 1}))
    assert player_view(engine.new_game(whole, 0), whole).outage_segments == ["en", "es"]
    calm = serving_rules()
    view = player_view(engine.new_game(calm, 0), calm)
    assert not view.outage and view.outage_segments == []


def test_a_scoped_outage_names_an_unknown_segment_at_its_line() -> None:
    base = (Path(__file__).parent / "broken" / "_base.yaml").read_text(encoding="utf-8")
    event = (
        "events:\n  - id: down\n    title: D\n    text: T\n    trigger: {at: 1}\n"
        "    effects:\n      - outage: {hours: 2, segments: [es_sc]}\n"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario_bytes(base.replace("goals:\n", event + "goals:\n").encode(), "s.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.col) == (28, 39)
    assert problem.message == "unknown segment 'es_sc'; did you mean 'es_cs'?"


def test_a_scoped_outage_is_refused_with_its_reason() -> None:
    doc = make_doc(events=at_start({"outage": {"hours": 1, "segments": ["en", "en"]}}))
    with pytest.raises(ValueError, match="segment 'en' is listed twice"):
        validate_scenario(doc)
    doc = make_doc(events=at_start({"outage": {"hours": 1, "segments": ["spanish"]}}))
    with pytest.raises(ValueError, match="unknown segment 'spanish'"):
        validate_scenario(doc)
    value = validate_scenario(
        make_doc(events=at_start({"outage": {"hours": 1, "segments": ["es"]}}))
    )
    assert value.events[0].effects[0].outage == Outage(hours=1, segments=["es"])


# --- spikes of some segments --------------------------------------------------------------


def test_a_spike_of_one_segment_multiplies_only_its_share_of_the_load() -> None:
    spike = {"spike": {"multiplier": 6, "hours": 1, "segments": ["es"]}}
    rules = serving_rules({"autoscaling": 0}, events=at_start(spike))
    state = engine.new_game(rules, 0)
    assert state.production.spike == pytest.approx(1 + 5 * 0.2)  # 2x the whole load
    ticks(state, rules, 2)
    counts = state.production.counts
    assert counts.total == pytest.approx(400.0)
    assert counts.failed == pytest.approx(400.0 * (1 - 1.5 / 2))
    assert state.production.incidents == [
        "a 2x traffic spike (Spanish conversations) timed requests out"
    ]
    assert player_view(state, rules).spike_segments == ""  # it is over


# --- a fallback that serves everything ----------------------------------------------------


@pytest.mark.parametrize(("level", "share"), [(1, 0.5), (2, 0.9), (3, 1.0)])
def test_a_scenario_gives_its_own_fallback_shares(level: int, share: float) -> None:
    infra = {"fallback": level, "fallback_shares": [0, 50, 90, 100]}
    rules = serving_rules(infra, events=at_start({"outage": 1.0}))
    state = engine.new_game(rules, 0)
    ticks(state, rules, 2)
    counts = state.production.counts
    assert counts.degraded == pytest.approx(200 * share)
    assert counts.failed == pytest.approx(200 * (1 - share))


def test_a_fallback_that_serves_everything_fails_nothing_even_with_reliability() -> None:
    infra = {"fallback": 3, "fallback_shares": [0, 60, 90, 100], "reliability": 90}
    rules = serving_rules(infra, events=at_start({"outage": 1.0}))
    state = engine.new_game(rules, 0)
    ticks(state, rules, 2)
    assert state.production.counts.failed == 0.0
    assert state.production.counts.degraded == pytest.approx(200.0)


def test_the_default_fallback_still_answers_at_most_99_percent() -> None:
    rules = serving_rules({"fallback": 3, "reliability": 90}, events=at_start({"outage": 1.0}))
    state = engine.new_game(rules, 0)
    ticks(state, rules, 2)
    assert state.production.counts.failed == pytest.approx(2.0)
    assert rules.outage.fallback_shares == (0.0, 0.60, 0.90, 0.99)


def test_fallback_shares_rise_with_the_level() -> None:
    with pytest.raises(ValueError, match="level 2 serves 50%, less than level 1's 60%"):
        validate_scenario(make_doc(infra={"fallback_shares": [0, 60, 50, 100]}))
    with pytest.raises(ValueError, match="at least 4 items"):
        validate_scenario(make_doc(infra={"fallback_shares": [0, 60, 100]}))


# --- a collapse chance per run ------------------------------------------------------------


def training(**extra: Any) -> dict[str, Any]:
    spec = {
        "id": "lora",
        "kind": "training",
        "name": "LoRA",
        "hours": 2,
        "gpus": 1,
        "gpu_price": 5.0,
        "noise": 0,
        "learning_curve": {"en": {"f1": 0.8, "at": 100, "ceiling": 0.95}},
    }
    spec.update(extra)
    return spec


def started(rules: Rules, seed: int, wait_ticks: int = 0) -> State:
    state = engine.new_game(rules, seed)
    ticks(state, rules, wait_ticks)
    assert engine.apply(state, rules, StartJob(job="lora")) is None
    return state


def test_a_collapse_chance_per_run_decides_once_whether_the_run_collapses() -> None:
    rules = quiet_rules(jobs=[training(collapse={"chance_per_run": 0.25, "silent": 0})])
    collapsed = [started(rules, seed).jobs.runs[0].collapse_at is not None for seed in range(2000)]
    assert statistics.fmean(collapsed) == pytest.approx(0.25, abs=0.03)
    for seed in range(200):
        run = started(rules, seed).jobs.runs[0]
        decided = Luck(seed).uniform("collapse per run", "lora-1", 0) < 0.25
        assert (run.collapse_at is not None) == decided
        if decided:
            assert 0 <= run.collapse_at < 2
            assert run.collapse_at == Luck(seed).uniform("collapse hour", "lora-1", 0) * 2


def test_a_collapse_chance_per_run_does_not_depend_on_when_the_run_starts() -> None:
    rules = quiet_rules(jobs=[training(collapse={"chance_per_run": 0.5})])
    for seed in range(50):
        early = started(rules, seed).jobs.runs[0]
        late = started(rules, seed, wait_ticks=5).jobs.runs[0]
        assert early.collapse_at == late.collapse_at


def test_a_collapse_chance_per_run_and_per_hour_cannot_both_be_given() -> None:
    both = training(collapse={"chance_per_run": 0.2, "per_hour": 0.1})
    with pytest.raises(ValueError, match="give per_hour or chance_per_run, not both"):
        validate_scenario(make_doc(jobs=[both]))


# --- risks drawn once per run -------------------------------------------------------------

FORGETS = {"chance_per_run": 0.3, "segment": "en", "ceiling": -0.12, "text": "It forgot."}


def finished_model(rules: Rules, seed: int, wait_ticks: int = 0) -> Any:
    state = started(rules, seed, wait_ticks)
    ticks(state, rules, 4)
    run = state.jobs.runs[0]
    assert run.status == RunStatus.FINISHED
    return state.models[run.model_index]


def test_a_risk_strikes_about_as_often_as_its_chance_and_lowers_its_segment() -> None:
    rules = quiet_rules(jobs=[training(risks=[FORGETS])], data={"labels": {"en": 100}})
    struck = 0
    for seed in range(400):
        model = finished_model(rules, seed)
        if model.risks:
            struck += 1
            assert model.f1 == pytest.approx([0.8 - 0.12, 0.6])
        else:
            assert model.f1 == pytest.approx([0.8, 0.6])
    assert struck / 400 == pytest.approx(0.3, abs=0.05)


def test_a_risk_is_keyed_by_the_run_not_by_the_clock() -> None:
    rules = quiet_rules(jobs=[training(risks=[FORGETS])])
    for seed in range(60):
        assert finished_model(rules, seed).risks == finished_model(rules, seed, 6).risks


def test_a_risk_of_every_segment_can_raise_hallucination() -> None:
    risk = {"chance_per_run": 1.0, "ceiling": -0.1, "hallucination": 3}
    rules = quiet_rules(
        jobs=[training(risks=[risk], hallucination=2)], data={"labels": {"en": 100}}
    )
    model = finished_model(rules, 0)
    assert model.f1 == pytest.approx([0.8 - 0.1, 0.6 - 0.1])
    assert model.hallucination == pytest.approx(5.0)


def test_struck_reads_whether_the_shipped_model_was_struck() -> None:
    risk = {"chance_per_run": 1.0, "segment": "en", "ceiling": -0.1}
    rules = quiet_rules(
        jobs=[training(risks=[risk])],
        debrief={"lessons": [{"title": "It forgot", "text": "t", "when": 'struck("lora")'}]},
    )
    state = started(rules, 0)
    ticks(state, rules, 4)
    lesson = rules.lessons[0][1]
    assert lesson is not None and not lesson(state)
    assert engine.apply(state, rules, Ship(model="lora-1")) is None
    assert lesson(state)


def test_a_reference_step_may_not_ask_whether_a_risk_struck() -> None:
    doc = make_doc(
        jobs=[training(risks=[FORGETS])],
        reference=[{"at": 0, "do": "start_job", "job": "lora", "when": 'not struck("lora")'}],
    )
    with pytest.raises(ValueError, match=r"struck\(\) reads the truth"):
        validate_scenario(doc)


# --- the scenario's names -----------------------------------------------------------------

NAMED: dict[str, Any] = {
    "metric": {"name": "accuracy", "short": "Acc"},
    "traffic_unit": {"one": "note", "many": "notes"},
}


def test_the_names_default_to_f1_and_conversations() -> None:
    rules = quiet_rules()
    view = player_view(engine.new_game(rules, 0), rules)
    assert (view.metric, view.metric_short, view.unit_one, view.unit_many) == (
        "F1",
        "F1",
        "conversation",
        "conversations",
    )


def test_the_scenario_names_its_metric_and_its_traffic_everywhere_the_player_reads() -> None:
    eval_job = {"id": "ev", "kind": "eval", "name": "Eval", "hours": 0.5, "judge": "human"}
    rules = serving_rules(
        {"fallback": 0},
        **NAMED,
        jobs=[eval_job],
        data={"golden": {"en": 100, "es": 100}},
        events=at_start({"outage": {"hours": 1, "segments": ["es"]}}),
    )
    state = engine.new_game(rules, 0)
    assert engine.apply(state, rules, StartJob(job="ev")) is None
    ticks(state, rules, 16)
    view = player_view(state, rules)
    assert (view.metric, view.metric_short, view.unit_one, view.unit_many) == (
        "accuracy",
        "Acc",
        "note",
        "notes",
    )
    texts = [entry.text for entry in view.log]
    assert any(text.startswith("Eval ev-1 of baseline finished: Acc ") for text in texts)
    assert "Upstream API down for Spanish notes (1 h)." in texts
    assert state.production.incidents == [
        "upstream API outage for Spanish notes with no fallback path"
    ]
    loaded = LoadedScenario("named.yaml", "named", "0" * 64, rules.scenario)
    report = game_report(loaded, rules, state, seed=0, policy=None, player="me", actions=1)
    assert (report.metric, report.traffic_unit) == ("Acc", "notes")
    assert "true Acc  measured Acc" in report.text()


def test_a_choice_still_works_after_the_names_change() -> None:
    event = {
        "id": "ask",
        "title": "Ask",
        "text": "t",
        "trigger": {"at": 0},
        "choices": [{"id": "yes", "text": "Yes", "effects": [{"trust": 5}]}],
    }
    rules = quiet_rules(**NAMED, events=[event])
    state = engine.new_game(rules, 0)
    assert engine.apply(state, rules, Choose(event="ask", choice="yes")) is None
    assert state.trust == 55.0


# --- what validate says about the new keys ------------------------------------------------


def lint_messages(**overrides: Any) -> list[str]:
    return [finding.message for finding in lint(validate_scenario(make_doc(**overrides)))]


def test_a_risk_that_changes_nothing_is_warned_about() -> None:
    risk = {"chance_per_run": 0.3, "segment": "en"}
    assert lint_messages(jobs=[training(risks=[risk])]) == [
        "this risk changes nothing when it strikes: give it a ceiling (F1 lost, such as -0.1) "
        "or a hallucination"
    ]


def test_a_risk_that_never_strikes_is_warned_about() -> None:
    risk = {"chance_per_run": 0, "segment": "en", "ceiling": -0.1}
    assert lint_messages(jobs=[training(risks=[risk])]) == [
        "this risk never strikes: its chance_per_run is 0"
    ]


def test_struck_of_a_job_without_risks_can_never_hold() -> None:
    lessons = [{"title": "Forgot", "text": "t", "when": 'struck("lora")'}]
    messages = lint_messages(jobs=[training()], debrief={"lessons": lessons})
    assert len(messages) == 1
    assert "job 'lora' has no risks" in messages[0]
    assert lint_messages(jobs=[training(risks=[FORGETS])], debrief={"lessons": lessons}) == []


def test_the_report_reveals_what_struck_the_production_model() -> None:
    risk = {"chance_per_run": 1.0, "segment": "en", "ceiling": -0.1, "text": "It forgot."}
    rules = quiet_rules(jobs=[training(risks=[risk])])
    state = started(rules, 0)
    ticks(state, rules, 4)
    assert engine.apply(state, rules, Ship(model="lora-1")) is None
    loaded = LoadedScenario("s.yaml", "s", "0" * 64, rules.scenario)
    report = game_report(loaded, rules, state, seed=0, policy=None, player="me", actions=2)
    assert report.struck == ("It forgot.",)
    assert "  Its run was struck: It forgot." in report.text()


def test_the_play_screen_names_the_segments_that_are_down() -> None:
    from game.ui.scenes.play import outage_label

    scoped = serving_rules(events=at_start({"outage": {"hours": 1, "segments": ["es"]}}))
    assert outage_label(player_view(engine.new_game(scoped, 0), scoped)) == " · OUTAGE: es"
    whole = serving_rules(events=at_start({"outage": 1}))
    assert outage_label(player_view(engine.new_game(whole, 0), whole)) == " · OUTAGE"


# --- a whole scenario that says what the clinic's brief says -------------------------------

CLINIC = Path(__file__).parent / "data" / "clinic-triage.yaml"
SCHEMA = Path(__file__).parent.parent / "scenarios" / "scenario.schema.json"


def test_the_clinic_scenario_validates_without_a_warning_and_fits_the_schema() -> None:
    import json

    import jsonschema
    import yaml

    loaded = load_scenario(CLINIC)
    assert lint(loaded.scenario) == []
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    document = yaml.safe_load(CLINIC.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(document)) == []


def test_the_clinic_scenario_plays_its_brief() -> None:
    loaded = load_scenario(CLINIC)
    rules = prepare(loaded.scenario)
    outage = rules.events[rules.event_index["dictation_down"]]
    assert outage.at_tick == 16 + 4  # day 2 starts at tick 16; 10:00 is two hours in
    plan, _ = engine.play(rules, 0, make_policy("reference", rules, 0))
    idle, _ = engine.play(rules, 0, make_policy("idle", rules, 0))
    texts = [line.text for line in plan.log]
    assert "Upstream API down for Dictated notes (2 h)." in texts
    # The nurse queue is a fallback that reads every note: nothing fails, nothing is lost.
    assert plan.production.counts.failed == 0.0
    assert plan.production.counts.degraded > 0.0
    # Without it, the dictated notes of the two hours fail (less what reliability answers).
    assert 0.0 < idle.production.counts.failed <= 120 * 0.3 * 2
    report = game_report(loaded, rules, plan, seed=0, policy="reference", player="p", actions=3)
    assert "true Acc" in report.text()


# --- Ravi's forgetful LoRA run ------------------------------------------------------------

RAVI = Path(__file__).parent.parent / "scenarios" / "ravi-tuesday.yaml"


def ravi_model(rules: Rules, seed: int, start_tick: int) -> list[int] | None:
    """The risks that struck Ravi's LoRA run started at ``start_tick``; None when the run
    did not finish (a collapse)."""
    state = engine.new_game(rules, seed)
    while state.clock.tick < start_tick:
        engine.advance(state, rules)
    state.variables[rules.variables.index("gpu_freeze")] = 0.0  # whatever finance said
    assert engine.apply(state, rules, StartJob(job="lora_es")) is None
    for _ in range(4):
        engine.advance(state, rules)
    run = state.jobs.runs[-1]
    return state.models[run.model_index].risks if run.status == RunStatus.FINISHED else None


def test_ravi_forgets_in_about_three_runs_in_ten_whenever_the_run_starts() -> None:
    rules = prepare(load_scenario(RAVI).scenario)
    early = [ravi_model(rules, seed, 0) for seed in range(300)]
    late = [ravi_model(rules, seed, 6) for seed in range(300)]
    both = [(a, b) for a, b in zip(early, late, strict=True) if a is not None and b is not None]
    assert len(both) > 100
    assert all(a == b for a, b in both)
    assert statistics.fmean(bool(a) for a, _ in both) == pytest.approx(0.3, abs=0.08)


def test_ravi_has_no_hidden_event_keyed_by_the_clock_for_forgetting() -> None:
    scenario = load_scenario(RAVI).scenario
    assert "lora_forgets" not in [event.id for event in scenario.events]
    lessons = [lesson for lesson in scenario.debrief.lessons if lesson.when is not None]
    assert any(str(lesson.when) == 'struck("lora_es")' for lesson in lessons)
    full_ft = next(job for job in scenario.jobs if job.id == "full_ft")
    assert full_ft.unfinishable
    assert lint(scenario) == []
