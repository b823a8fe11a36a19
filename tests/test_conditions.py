"""Compiled conditions: every name and function reads the right part of the state."""

from __future__ import annotations

import pytest
from conftest import make_doc, make_rules
from pydantic import ValidationError

from game.core import engine
from game.core.conditions import HELPERS, Compiler, Predicate
from game.core.rules import Rules
from game.core.scoring import score
from game.core.state import (
    ABResult,
    JobRun,
    Measurement,
    ModelRecord,
    RunStatus,
    State,
    TaskStatus,
)
from game.scenario.expr import (
    FUNCTIONS,
    INFRA_CAPABILITIES,
    SCALAR_NAMES,
    SEGMENT_FAMILIES,
    ExprError,
    parse_expr,
)
from game.scenario.model import validate_scenario

LAYOUT = {
    "time": {"days": 2, "hours_per_day": 8, "tick_minutes": 30},
    "variables": {"mood": 3.5, "level": -1},
    "tasks": [
        {"id": "t_done", "name": "A", "category": "data", "hours": 1},
        {"id": "t_queued", "name": "B", "category": "data", "hours": 1},
        {"id": "t_idle", "name": "C", "category": "data", "hours": 1},
    ],
    "jobs": [
        {"id": "lora", "kind": "training", "name": "LoRA", "hours": 2,
         "learning_curve": {"es": {"f1": 0.6, "at": 100, "ceiling": 0.9}}},
        {"id": "ev", "kind": "eval", "name": "Eval", "hours": 1},
        {"id": "idle_job", "kind": "eval", "name": "Unused", "hours": 1},
    ],
    "events": [
        {"id": "pm", "title": "PM", "text": "t", "trigger": {"when": "false"},
         "choices": [{"id": "explain", "text": "x"}, {"id": "promise", "text": "y"}]},
        {"id": "never", "title": "N", "text": "t", "trigger": {"when": "false"}},
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def layout() -> Rules:
    return make_rules(LAYOUT)


def compiler_for(rules: Rules) -> Compiler:
    sc = rules.scenario
    return Compiler(
        segments=rules.segments,
        tasks=[t.id for t in sc.tasks],
        jobs=[j.id for j in sc.jobs],
        events=[e.id for e in sc.events],
        choices={e.id: [c.id for c in e.choices] for e in sc.events},
        variables=list(sc.variables),
        tick_hours=rules.tick_hours,
        ticks_per_day=rules.ticks_per_day,
        total_ticks=rules.total_ticks,
        budget=sc.budget,
    )


def compile_in(rules: Rules, text: str) -> Predicate:
    return compiler_for(rules).compile(parse_expr(text, rules.scenario.names()))


def busy_state(rules: Rules) -> State:
    """A state with a distinct, known value in every field a condition can read."""
    s = engine.new_game(rules, 0)
    s.clock.tick = 21  # day 2 (16 ticks a day), hour 10.5
    s.money.balance = 1234.5
    s.money.ledger = {"a": 10.0, "b": 5.5}
    s.trust = 42.0
    s.insight = 7.0
    s.reliability = 55.0
    s.production.counts.last_rate_seen = 12.5
    s.production.counts.total = 1000.0
    s.production.counts.failed = 30.0
    s.production.counts.degraded = 20.0
    s.production.counts.hallucinations = 12.0
    s.production.incidents = ["x", "y"]
    s.production.outage_left = 1.5
    s.production.spike = 3.0
    s.production.latency_factor = 2.0
    s.record.shipped = 4
    s.record.shipped_unevaluated = 1
    s.record.shipped_untested = 2
    s.record.evals_run = 3
    s.record.ab_tests_run = 5
    s.record.shipped_worse = 1
    s.record.allocation_changes = 6
    s.data.judge_calibrated = True
    s.data.labels = [150.0, 60.0]
    s.data.golden = [40.0, 0.0]
    s.production.traffic = [70.0, 30.0]
    s.infra = {"checkpointing": 1, "monitoring": 2, "fallback": 3, "autoscaling": 0}
    s.team.task_status = [TaskStatus.DONE, TaskStatus.QUEUED, TaskStatus.NOT_QUEUED]
    s.events.fired = [2, 0]
    s.events.chosen = [[1], []]
    s.jobs.runs = [
        JobRun("lora-1", 0, "training", RunStatus.FINISHED, 0, model_index=1),
        JobRun("lora-2", 0, "training", RunStatus.FAILED, 3, collapses=1),
        JobRun("lora-3", 0, "training", RunStatus.FAILED, 5, collapses=1),
        JobRun("lora-4", 0, "training", RunStatus.RUNNING, 8),
        JobRun("ev-1", 1, "eval", RunStatus.STOPPED, 2),
    ]
    s.jobs.started = [4, 1, 0]
    s.jobs.by_id = {run.id: index for index, run in enumerate(s.jobs.runs)}
    s.jobs.in_progress = [3]  # lora-4
    s.models.append(ModelRecord("lora-1", 0, [0.95, 0.8], 1.0, 400.0, 0.001, 4))
    s.production.model_index = 1
    return s


SCALARS = {
    "hour": 10.5,
    "tick": 21,
    "day": 2,
    "hours_left": 5.5,
    "money": 1234.5,
    "spent": 15.5,
    "budget": 10_000.0,
    "trust": 42.0,
    "insight": 7.0,
    "reliability": 55.0,
    "escalation_rate": 12.5,
    "incidents": 2,
    "outage": 1.5,
    "spike": 3.0,
    "shipped": 4,
    "shipped_unevaluated": 1,
    "shipped_untested": 2,
    "evals_run": 3,
    "ab_tests_run": 5,
    "shipped_worse": 1,
    "allocation_changes": 6,
    "judge_calibrated": True,
    "prod.quality": 0.95 * 0.7 + 0.8 * 0.3,
    "prod.hallucination": 1.0,
    "prod.latency_ms": 800.0,
    "requests.total": 1000.0,
    "requests.failed": 30.0,
    "requests.degraded": 20.0,
    "requests.hallucinated": 12.0,
}


def test_the_table_covers_every_scalar_name() -> None:
    assert set(SCALARS) == set(SCALAR_NAMES)


@pytest.mark.parametrize("name", sorted(SCALAR_NAMES))
def test_scalar_names_read_the_state(layout: Rules, name: str) -> None:
    value = compile_in(layout, name)(busy_state(layout))
    assert value == pytest.approx(SCALARS[name])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("labels.en", 150.0),
        ("labels.es", 60.0),
        ("golden.en", 40.0),
        ("golden.es", 0.0),
        ("traffic.en", 70.0),
        ("traffic.es", 30.0),
        ("prod.f1.en", 0.95),
        ("prod.f1.es", 0.8),
        ("infra.checkpointing", 1),
        ("infra.monitoring", 2),
        ("infra.fallback", 3),
        ("infra.autoscaling", 0),
        ("vars.mood", 3.5),
        ("vars.level", -1.0),
    ],
)
def test_segment_infra_and_variable_names(layout: Rules, text: str, expected: float) -> None:
    assert compile_in(layout, text)(busy_state(layout)) == expected


def test_every_family_and_capability_is_in_the_table_above() -> None:
    assert set(SEGMENT_FAMILIES) == {"labels", "golden", "traffic", "prod.f1"}
    assert len(INFRA_CAPABILITIES) == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('done("t_done")', True),
        ('done("t_queued")', False),
        ('queued("t_queued")', True),
        ('queued("t_idle")', False),
        ('running("lora")', True),
        ('running("ev")', False),
        ('completed("lora")', 1),
        ('completed("ev")', 0),
        ('collapsed("lora")', 2),
        ('started("lora")', 4),
        ('started("idle_job")', 0),
        ('collapsed("idle_job")', 0),
        ('fired("pm")', 2),
        ('fired("never")', 0),
        ('chose("pm", "promise")', True),
        ('chose("pm", "explain")', False),
        ('shipped_from("lora")', True),
        ('shipped_from("ev")', False),
        ('struck("lora")', False),
    ],
)
def test_functions_read_the_state(layout: Rules, text: str, expected: object) -> None:
    assert compile_in(layout, text)(busy_state(layout)) == expected


def test_every_function_is_in_the_table_above() -> None:
    assert set(FUNCTIONS) == {
        "done",
        "queued",
        "running",
        "completed",
        "started",
        "collapsed",
        "fired",
        "chose",
        "shipped_from",
        "waiting",
        "evaluated",
        "eval_drop",
        "eval_worse",
        "ab_tested",
        "ab_worse",
        "struck",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("trust / 0", 0.0),
        ("trust / (money - money)", 0.0),
        ("7 / 2", 3.5),
        ("trust * 2 - insight + 1", 78.0),
        ("-trust", -42.0),
        ("+trust", 42.0),
        ("min(trust, insight, 100)", 7.0),
        ("max(trust, insight)", 42.0),
        ("abs(insight - trust)", 35.0),
        ("abs(0 - 3) == 3", True),
        ("trust > 40 and insight < 8", True),
        ("trust > 50 or not judge_calibrated", False),
        ("1 < trust < 50", True),
        ("trust == 42 != 41", True),
        ("true", True),
        ("False", False),
        ('done("t_done") and fired("pm") >= 2', True),
        ("labels.es / golden.es", 0.0),
    ],
)
def test_operators_and_numeric_functions(layout: Rules, text: str, expected: object) -> None:
    assert compile_in(layout, text)(busy_state(layout)) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["min(trust)", "max(trust)"])
def test_min_and_max_of_one_argument_are_refused(layout: Rules, text: str) -> None:
    with pytest.raises(ExprError, match="two or more arguments"):
        compile_in(layout, text)


def test_deep_nesting_compiles_and_evaluates(layout: Rules) -> None:
    assert compile_in(layout, "-" * 101 + "1")(busy_state(layout)) == -1
    assert compile_in(layout, "not " * 120 + "true")(busy_state(layout)) is True


SHAPES = {
    "unary": lambda k: "-" * k + "1",
    "not": lambda k: "not " * k + "true",
    "sum": lambda k: "1" + " + 1" * k,
    "parens": lambda k: "(" * k + "trust" + " * 1)" * k,
    "calls": lambda k: "max(1, " * k + "trust" + ")" * k,
    "chain": lambda k: "trust" + " < trust + 1" * k,
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_deepest_accepted_condition_of_each_shape_compiles(layout: Rules, shape: str) -> None:
    make = SHAPES[shape]
    names = layout.scenario.names()
    deepest = None
    for k in range(1, 500):
        text = make(k)
        if len(text) > 500:
            break
        try:
            deepest = parse_expr(text, names)
        except ExprError as error:
            assert "nested" in error.message or "longer" in error.message, error.message
            break
    assert deepest is not None
    function = compiler_for(layout).compile(deepest)
    function(busy_state(layout))  # evaluates without RecursionError


def test_a_deeply_nested_goal_is_a_validation_error() -> None:
    goal = {"id": "g", "text": "g", "when": "-" * 400 + "1 < 0"}
    weights = {"goals": 150, "trust": 100}
    with pytest.raises(ValidationError, match="nested more than"):
        validate_scenario(make_doc(goals=[goal], score={"weights": weights}))


def test_a_compiled_condition_has_no_builtins(layout: Rules) -> None:
    function = compile_in(layout, "trust > 1 and max(1, 2) > 0")
    assert function.__globals__["__builtins__"] == {}
    assert set(function.__globals__) == set(HELPERS)
    assert function.__globals__ is not HELPERS
    # Every global name the code reads is one of the helpers.
    code = function.__code__
    assert {n for n in code.co_names if n in function.__globals__} <= set(HELPERS)
    for name in ("open", "eval", "exec", "__import__", "getattr", "print"):
        assert name not in code.co_names


def test_compiled_conditions_do_not_share_globals(layout: Rules) -> None:
    one = compile_in(layout, "trust > 1")
    two = compile_in(layout, "trust > 1")
    one.__globals__["_min"] = None
    assert two.__globals__["_min"] is min
    assert HELPERS["_min"] is min


def test_a_condition_in_a_scenario_is_checked_at_validation() -> None:
    doc = make_doc(
        tasks=[
            {
                "id": "label",
                "name": "L",
                "category": "data",
                "hours": 1,
                "requires": "money > 0 and labels.es_x > 1",
            }
        ]
    )
    with pytest.raises(ValidationError) as info:
        validate_scenario(doc)
    errors = info.value.errors()
    assert len(errors) == 1
    assert errors[0]["loc"] == ("tasks", 0, "requires")
    assert "unknown name 'labels.es_x'; did you mean 'labels.es'?" in errors[0]["msg"]
    assert errors[0]["ctx"]["col"] == 14


def test_a_condition_naming_an_undefined_id_is_refused_at_validation() -> None:
    doc = make_doc(goals=[{"id": "g", "text": "g", "when": 'done("nope")'}])
    with pytest.raises(ValidationError) as info:
        validate_scenario(doc)
    assert "unknown task 'nope'" in str(info.value)


def test_day_at_the_end_of_a_one_day_scenario_is_still_day_one() -> None:
    rules = make_rules(
        goals=[{"id": "g", "text": "g", "when": "day == 1 and hours_left == 0 and hour == 8"}],
        score={"weights": {"goals": 100, "trust": 150}},
    )
    state = engine.new_game(rules, 0)
    check = rules.goals[0][1]
    for _ in range(rules.total_ticks):
        engine.advance(state, rules)
    assert state.clock.tick == rules.total_ticks  # the final boundary: not over yet
    assert not state.clock.over
    assert check(state) is True
    engine.advance(state, rules)
    assert state.clock.over
    assert check(state) is True


def measured_state(rules: Rules) -> State:
    """Production (lora-1) measured twice, the newer lora-5 once, and two A/B tests."""
    s = busy_state(rules)
    s.models.append(ModelRecord("lora-5", 0, [0.5, 0.5], 1.0, 400.0, 0.001, 9))
    s.results.evals = [
        Measurement("ev-1", "lora-1", 3, [0.70, None], 0.70, 1.0, [40, 0]),
        Measurement("ev-2", "lora-1", 5, [0.90, 0.80], 0.87, 1.0, [40, 10]),
        Measurement("ev-3", "lora-5", 9, [0.84, 0.85], 0.84, 1.0, [40, 10]),
    ]
    s.results.ab_tests = [
        ABResult("ab-1", "lora-1", "baseline", 4, 200, 200, 30.0, 20.0, 10.0, 6.0),
        ABResult("ab-2", "lora-5", "lora-1", 10, 200, 200, 22.0, 20.0, 2.0, 6.0),
    ]
    s.events.pending = [0]
    return s


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the newest model of lora (lora-5) against production (lora-1), latest evals
        ('eval_drop("lora")', 0.06),
        ('eval_drop("ev")', 0.0),
        ('evaluated("lora")', True),
        ('evaluated("ev")', False),
        # 6 points on 40 examples each: a standard error of 7.5 points, not significant
        ('eval_worse("lora")', False),
        ('ab_tested("lora")', True),
        ('ab_tested("ev")', False),
        ('ab_worse("lora")', False),  # +2 points, interval +-6: no harm shown
        ('waiting("pm")', True),
        ('waiting("never")', False),
    ],
)
def test_measurement_functions_read_what_the_player_measured(
    layout: Rules, text: str, expected: object
) -> None:
    assert compile_in(layout, text)(measured_state(layout)) == pytest.approx(expected)


def test_ab_worse_reads_a_significant_rise_in_escalations(layout: Rules) -> None:
    s = measured_state(layout)
    s.models.append(ModelRecord("lora-6", 0, [0.5, 0.5], 1.0, 400.0, 0.001, 11))
    assert compile_in(layout, 'ab_worse("lora")')(s) is False  # lora-6 is untested
    s.results.ab_tests.append(ABResult("ab-3", "lora-6", "lora-1", 12, 200, 200, 40, 20, 20, 6))
    assert compile_in(layout, 'ab_worse("lora") and ab_tested("lora")')(s) is True


def test_eval_worse_reads_a_drop_beyond_its_error_bar(layout: Rules) -> None:
    s = measured_state(layout)
    s.results.evals[1].golden[:] = [1200, 10]
    s.results.evals[2].golden[:] = [1200, 10]
    # 6 points on 1,200 examples each: 1.96 standard errors is 2.6 points
    assert compile_in(layout, 'eval_worse("lora")')(s) is True
    s.results.evals[2].f1[0] = 0.88
    assert compile_in(layout, 'eval_worse("lora")')(s) is False


def test_eval_drop_is_zero_until_both_models_are_measured(layout: Rules) -> None:
    s = measured_state(layout)
    s.results.evals = s.results.evals[2:]  # production never measured
    assert compile_in(layout, 'eval_drop("lora")')(s) == 0.0


HUGE = "1000000000" + " * 1000000000" * 35  # 1e324: past the largest float


@pytest.mark.parametrize("text", [f"{HUGE} / 3 > 1", f"-({HUGE}) / 7 < 1", f"{HUGE} * 0 == 0"])
def test_a_condition_whose_arithmetic_overflows_does_not_crash(layout: Rules, text: str) -> None:
    assert len(text) <= 500
    check = compile_in(layout, text)
    assert check(busy_state(layout)) in (True, False)


def test_a_product_of_whole_numbers_too_large_for_a_float_counts_as_false(layout: Rules) -> None:
    check = compile_in(layout, "tick * tick * tick / 3 > 1")
    state = busy_state(layout)
    state.clock.tick = 10**200  # a product of 10**600 cannot become a float
    assert check(state) is False


def test_an_overflowing_goal_and_event_play_to_the_end() -> None:
    rules = make_rules(
        goals=[{"id": "g", "text": "g", "when": f"{HUGE} / 3 > 0"}],
        events=[{"id": "e", "title": "E", "text": "t", "trigger": {"when": f"{HUGE} / 3 < 0"}}],
        score={"weights": {"goals": 100, "trust": 150}},
    )
    state = engine.new_game(rules, 0)
    while not state.clock.over:
        engine.advance(state, rules)
    assert score(state, rules).goals == {"g": True}
