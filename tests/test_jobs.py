"""Jobs: billing per hour, collapse (loud and silent), monitoring, checkpoints, restarts."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import quiet_rules, ticks

from game.core import engine, jobs, ledger
from game.core.effects import apply_effects
from game.core.rules import Rules, prepared_for
from game.core.state import JobRun, RunStatus, State
from game.replay.replay import TimedAction, replay
from game.scenario.actions import RestartJob, Ship, StartJob, StopJob
from game.scenario.model import Effect

CURVE = {"en": {"f1": 0.9, "at": 100, "ceiling": 0.9}, "es": {"f1": 0.7, "at": 100, "ceiling": 0.9}}


def training(**extra: Any) -> dict[str, Any]:
    job = {
        "id": "lora",
        "kind": "training",
        "name": "LoRA",
        "hours": 2,
        "gpus": 4,
        "gpu_price": 2.5,
        "noise": 0,
        "learning_curve": CURVE,
    }
    job.update(extra)
    return job


def start(state: State, rules: Rules, job: str, model: str | None = None) -> JobRun:
    assert engine.apply(state, rules, StartJob(job=job, model=model)) is None
    return state.jobs.runs[-1]


def test_training_bills_gpus_times_price_per_hour() -> None:
    rules = quiet_rules(jobs=[training()])
    state = engine.new_game(rules, 0)
    run = start(state, rules, "lora")
    assert run.id == "lora-1" and run.status == RunStatus.RUNNING
    ticks(state, rules, 1)
    assert state.money.ledger == {ledger.TRAINING: 5.0}
    ticks(state, rules, 3)
    assert state.money.ledger == {ledger.TRAINING: 20.0}
    assert run.status == RunStatus.FINISHED and run.billed == 20.0
    assert state.money.balance == 10_000 - 20.0
    ticks(state, rules, 3)
    assert state.money.ledger == {ledger.TRAINING: 20.0}


def test_a_run_that_ends_inside_a_tick_bills_the_partial_tick() -> None:
    rules = quiet_rules(jobs=[training(hours=0.75)])
    state = engine.new_game(rules, 0)
    run = start(state, rules, "lora")
    ticks(state, rules, 1)
    assert run.billed == 5.0 and run.status == RunStatus.RUNNING
    ticks(state, rules, 1)
    assert run.billed == pytest.approx(7.5) and run.status == RunStatus.FINISHED
    assert run.progress == 0.75
    assert state.money.ledger[ledger.TRAINING] == pytest.approx(7.5)


def test_labeling_eval_and_ab_jobs_bill_their_items() -> None:
    rules = quiet_rules(
        jobs=[
            {"id": "lab", "kind": "labeling", "name": "L", "hours": 2, "segment": "es",
             "items": 500, "price_per_item": 0.1, "golden_share": 20},
            {"id": "ev", "kind": "eval", "name": "E", "hours": 1, "cost": 30},
            training(hours=0.5),
            {"id": "ab", "kind": "ab_test", "name": "AB", "hours": 1, "cost": 40},
        ]
    )  # fmt: skip
    state = engine.new_game(rules, 0)
    start(state, rules, "lab")
    start(state, rules, "ev")
    start(state, rules, "lora")
    ticks(state, rules, 1)
    assert state.money.ledger[ledger.LABELING] == pytest.approx(12.5)
    assert state.money.ledger[ledger.EVALS] == pytest.approx(15.0)
    start(state, rules, "ab", model="lora-1")
    ticks(state, rules, 3)
    assert state.money.ledger[ledger.LABELING] == pytest.approx(50.0)
    assert state.money.ledger[ledger.EVALS] == pytest.approx(30.0)
    assert state.money.ledger[ledger.AB_TESTS] == pytest.approx(40.0)
    assert state.money.ledger[ledger.TRAINING] == pytest.approx(5.0)
    assert state.data.labels == [0.0, 400.0]
    assert state.data.golden == [0.0, 100.0]
    assert state.record.evals_run == 1 and state.record.ab_tests_run == 1
    assert sum(state.money.ledger.values()) == pytest.approx(10_000 - state.money.balance)


def test_stopping_a_job_stops_the_bill_and_produces_nothing() -> None:
    rules = quiet_rules(jobs=[training()])
    state = engine.new_game(rules, 0)
    run = start(state, rules, "lora")
    ticks(state, rules, 2)
    assert engine.apply(state, rules, StopJob(run="lora-1")) is None
    ticks(state, rules, 4)
    assert run.status == RunStatus.STOPPED and run.billed == 10.0
    assert len(state.models) == 1
    assert str(engine.apply(state, rules, StopJob(run="lora-1"))) == "lora-1 is not running"
    assert str(engine.apply(state, rules, StopJob(run="nope-1"))) == "there is no run 'nope-1'"


def test_runs_still_going_at_the_end_are_stopped() -> None:
    rules = quiet_rules(jobs=[training(hours=100)])
    state = engine.new_game(rules, 0)
    run = start(state, rules, "lora")
    ticks(state, rules, rules.total_ticks)
    assert not state.clock.over  # the final boundary: the clock has stopped, and so have the jobs
    assert run.status == RunStatus.STOPPED
    assert run.billed == pytest.approx(8 * 10.0)


def test_start_refusals() -> None:
    rules = quiet_rules(
        jobs=[
            training(requires="labels.es >= 100"),
            {"id": "ev", "kind": "eval", "name": "E", "hours": 1},
            {"id": "ab", "kind": "ab_test", "name": "AB", "hours": 1},
            {"id": "ab2", "kind": "ab_test", "name": "AB2", "hours": 1},
        ]
    )
    state = engine.new_game(rules, 0)
    assert str(engine.apply(state, rules, StartJob(job="lora"))) == "lora needs: labels.es >= 100"
    assert str(engine.apply(state, rules, StartJob(job="nope"))) == "there is no job 'nope'"
    assert str(engine.apply(state, rules, StartJob(job="ev", model="x"))) == "there is no model 'x'"
    assert str(engine.apply(state, rules, StartJob(job="ab"))) == "ab needs a model to measure"
    assert str(engine.apply(state, rules, StartJob(job="ab", model="baseline"))) == (
        "an A/B test needs a candidate other than the production model"
    )
    state.data.labels[1] = 100
    start(state, rules, "lora")
    assert str(engine.apply(state, rules, StartJob(job="lora"))) == "lora is already running"
    # An eval with no model named measures production.
    run = start(state, rules, "ev")
    assert run.model_index == state.production.model_index
    ticks(state, rules, 4)
    start(state, rules, "ab", model="lora-1")
    assert str(engine.apply(state, rules, StartJob(job="ab2", model="lora-1"))) == (
        "another A/B test is running"
    )


def collapsing(seed_range: range, rules: Rules, want: Any) -> tuple[State, JobRun]:
    """The first seed whose run of lora satisfies ``want``."""
    for seed in seed_range:
        state = engine.new_game(rules, seed)
        run = start(state, rules, "lora")
        if want(run):
            return state, run
    raise AssertionError("no seed gave the wanted collapse")


def collapses_between(low: float, high: float) -> Any:
    """Whether a run collapses between the two hours."""
    return lambda run: run.collapse_at is not None and low < run.collapse_at < high


mid_run = collapses_between(0.2, 1.2)


def test_loud_collapse_fails_the_run_and_stops_billing() -> None:
    rules = quiet_rules(jobs=[training(collapse={"per_hour": 0.5, "silent": 0})])
    state, run = collapsing(range(200), rules, mid_run)
    assert not run.silent
    ticks(state, rules, 6)
    assert run.status == RunStatus.FAILED
    assert "crashed" in run.failure
    assert run.progress == pytest.approx(run.collapse_at)
    assert run.billed == pytest.approx(10.0 * run.collapse_at)
    assert state.money.ledger[ledger.TRAINING] == pytest.approx(run.billed)
    assert len(state.models) == 1
    assert any(line.kind == "alert" for line in state.log)


def test_silent_collapse_without_monitoring_reports_success_with_a_damaged_model() -> None:
    rules = quiet_rules(
        jobs=[training(collapse={"per_hour": 0.5, "silent": 100, "damage": 40}, hallucination=2)],
        infra={"monitoring": 0},
        data={"labels": {"en": 100, "es": 100}},
    )
    state, run = collapsing(range(200), rules, mid_run)
    assert run.silent and jobs.detection_time(state, run, 4.0) is None
    ticks(state, rules, 4)
    assert run.status == RunStatus.FINISHED and run.failure == ""
    assert run.billed == pytest.approx(20.0)
    model = state.models[run.model_index]
    assert model.collapsed
    assert model.f1 == pytest.approx([0.9 * 0.6, 0.7 * 0.6])
    assert model.hallucination == pytest.approx(6.0)
    assert not [line.text for line in state.log if line.kind == "alert"]


@pytest.mark.parametrize(("level", "delay"), [(1, 2.0), (2, 1.0), (3, 0.0)])
def test_monitoring_detects_silent_collapse_and_fails_the_run(level: int, delay: float) -> None:
    rules = quiet_rules(
        jobs=[training(hours=4, collapse={"per_hour": 0.5, "silent": 100})],
        infra={"monitoring": level},
    )
    state, run = collapsing(range(400), rules, collapses_between(0.1, 1.5))
    detect_at = jobs.detection_time(state, run, 4.0)
    assert detect_at == pytest.approx(run.collapse_at + delay)
    ticks(state, rules, 8)
    assert run.status == RunStatus.FAILED
    assert "monitoring" in run.failure
    assert run.progress == pytest.approx(detect_at)
    assert run.billed == pytest.approx(10.0 * detect_at)
    assert len(state.models) == 1


def test_a_failed_run_without_checkpoints_restarts_from_zero() -> None:
    rules = quiet_rules(
        jobs=[training(hours=3, collapse={"per_hour": 0.3, "silent": 0})],
        infra={"checkpointing": 0},
    )
    state, run = collapsing(range(400), rules, collapses_between(1.2, 2.5))
    ticks(state, rules, 5)
    assert run.status == RunStatus.FAILED and run.checkpoint == 0.0
    assert run.progress == pytest.approx(run.collapse_at)
    assert engine.apply(state, rules, RestartJob(run=run.id)) is None
    assert run.status == RunStatus.RUNNING and run.progress == 0.0
    assert run.id == "lora-1" and len(state.jobs.runs) == 1


@pytest.mark.parametrize(("level", "interval"), [(1, 4.0), (2, 2.0), (3, 1.0)])
def test_a_failed_run_restarts_from_its_last_checkpoint(level: int, interval: float) -> None:
    rules = quiet_rules(
        jobs=[training(hours=6, collapse={"per_hour": 0.2, "silent": 0})],
        infra={"checkpointing": level},
    )
    state, run = collapsing(range(600), rules, collapses_between(4.2, 4.9))
    ticks(state, rules, 10)
    assert run.status == RunStatus.FAILED
    expected = (run.collapse_at // interval) * interval
    assert run.checkpoint == pytest.approx(expected)
    billed_before = run.billed
    assert engine.apply(state, rules, RestartJob(run=run.id)) is None
    assert run.progress == pytest.approx(expected)
    # Disarm any further collapse to check the bill of the rest of the run.
    run.collapse_at = None
    ticks(state, rules, 6)
    assert run.status == RunStatus.FINISHED
    assert run.billed == pytest.approx(billed_before + 10.0 * (6 - expected))


def test_checkpoints_never_go_past_a_silent_collapse() -> None:
    rules = quiet_rules(
        jobs=[training(hours=6, collapse={"per_hour": 0.2, "silent": 100})],
        infra={"checkpointing": 3, "monitoring": 1},
    )
    state, run = collapsing(range(600), rules, collapses_between(1.2, 1.8))
    ticks(state, rules, 10)
    assert run.status == RunStatus.FAILED
    assert run.progress == pytest.approx(run.collapse_at + 2.0)
    assert run.checkpoint == 1.0


def test_restart_refusals() -> None:
    rules = quiet_rules(
        jobs=[training(hours=1), {"id": "ev", "kind": "eval", "name": "E", "hours": 1}]
    )
    state = engine.new_game(rules, 0)
    start(state, rules, "lora")
    start(state, rules, "ev")
    assert str(engine.apply(state, rules, RestartJob(run="lora-1"))) == "lora-1 has not failed"
    assert str(engine.apply(state, rules, RestartJob(run="ev-1"))) == (
        "only training runs restart; start ev again instead"
    )
    assert str(engine.apply(state, rules, RestartJob(run="x-1"))) == "there is no run 'x-1'"
    state.jobs.runs[0].status = RunStatus.FAILED
    state.jobs.runs.append(JobRun("lora-2", 0, "training", RunStatus.RUNNING, 0))
    assert str(engine.apply(state, rules, RestartJob(run="lora-1"))) == (
        "another run of lora is running"
    )


def test_collapse_frequency_matches_the_hourly_chance() -> None:
    p, hours, seeds = 0.1, 4.0, 1500
    rules = quiet_rules(jobs=[training(hours=hours, collapse={"per_hour": p, "silent": 50})])
    collapsed = silent = 0
    for seed in range(seeds):
        state = engine.new_game(rules, seed)
        run = start(state, rules, "lora")
        if run.collapse_at is not None:
            collapsed += 1
            silent += run.silent
            assert 0 <= run.collapse_at < hours
    expected = 1 - (1 - p) ** hours
    sd = (expected * (1 - expected) / seeds) ** 0.5
    assert abs(collapsed / seeds - expected) < 4 * sd
    assert abs(silent / collapsed - 0.5) < 4 * (0.25 / collapsed) ** 0.5


def test_shipping_refusals_and_counts() -> None:
    rules = quiet_rules(jobs=[training(hours=0.5)])
    state = engine.new_game(rules, 0)
    assert str(engine.apply(state, rules, Ship(model="baseline"))) == (
        "baseline is already in production"
    )
    assert str(engine.apply(state, rules, Ship(model="lora-1"))) == "there is no model 'lora-1'"
    start(state, rules, "lora")
    ticks(state, rules, 1)
    assert engine.apply(state, rules, Ship(model="lora-1")) is None
    assert state.models[state.production.model_index].id == "lora-1"
    assert (
        state.record.shipped,
        state.record.shipped_unevaluated,
        state.record.shipped_untested,
    ) == (1, 1, 1)


def test_monitoring_catches_a_silent_collapse_late_in_the_run() -> None:
    rules = quiet_rules(
        jobs=[training(hours=2, collapse={"per_hour": 0.5, "silent": 100})],
        infra={"monitoring": 1},
    )
    state, run = collapsing(range(400), rules, collapses_between(1.0, 2.0))
    ticks(state, rules, 8)
    assert run.status == RunStatus.FAILED
    assert "monitoring" in run.failure
    assert not any(m.collapsed for m in state.models)


def test_collapsed_still_counts_a_collapse_after_a_restart() -> None:
    rules = quiet_rules(
        jobs=[training(hours=3, collapse={"per_hour": 0.3, "silent": 0})],
        goals=[{"id": "g", "text": "g", "when": 'collapsed("lora") >= 1'}],
        score={"weights": {"goals": 100, "trust": 150}},
    )
    state, run = collapsing(range(400), rules, collapses_between(0.2, 1.5))
    ticks(state, rules, 4)
    assert run.status == RunStatus.FAILED
    check = rules.goals[0][1]
    assert check(state) is True
    assert engine.apply(state, rules, RestartJob(run=run.id)) is None
    assert check(state) is True


@pytest.mark.parametrize(("research", "lift"), [(0, 0.0), (50, 0.003), (100, 0.006)])
def test_research_background_hours_lift_the_runs_that_finish_later(
    research: int, lift: float
) -> None:
    rules = quiet_rules(
        jobs=[training()],
        background={"research": 1.0, "insight_lift": 0.001},
        allocation={"research": research, "data": 0, "infra": 0, "writing": 100 - research},
    )
    state = engine.new_game(rules, 0)
    ticks(state, rules, 8)  # four hours
    assert state.insight == pytest.approx(4 * research / 100)
    start(state, rules, "lora")
    ticks(state, rules, 4)
    plain = quiet_rules(jobs=[training()])
    base = engine.new_game(plain, 0)
    start(base, plain, "lora")
    ticks(base, plain, 4)
    # six hours of research by the time the run finishes, at 0.001 F1 an hour
    trained, untouched = state.models[-1].f1, base.models[-1].f1
    assert trained == pytest.approx([f1 + lift for f1 in untouched])


def test_an_insight_effect_lifts_training_too_and_never_below_zero() -> None:
    rules = quiet_rules(jobs=[training()], background={"insight_lift": 0.01})
    state = engine.new_game(rules, 0)
    apply_effects(state, rules, prepared_for(rules, [Effect(insight=3)]), "events")
    assert state.research.ceiling_lift[0] == pytest.approx([0.03, 0.03])
    apply_effects(state, rules, prepared_for(rules, [Effect(insight=-5)]), "events")
    assert state.insight == 0.0 and state.research.ceiling_lift[0] == pytest.approx([0.0, 0.0])


class CountingRuns(list[JobRun]):
    """The state's runs, counting the times they are walked through."""

    walks = 0

    def __iter__(self) -> Any:
        CountingRuns.walks += 1
        return super().__iter__()


def test_starting_and_stopping_runs_does_not_walk_the_runs() -> None:
    """20,000 start/stop pairs replay in time linear in their number: a run is found by its
    id, and whether a job is running by the job, never by walking every run."""
    rules = quiet_rules(jobs=[training()])
    pairs = 20_000
    actions = []
    for n in range(1, pairs + 1):
        actions += [
            TimedAction(n * 4 // pairs, StartJob(job="lora")),
            TimedAction(n * 4 // pairs, StopJob(run=f"lora-{n}")),
        ]
    state = engine.new_game(rules, 0)
    state.jobs.runs = CountingRuns()
    CountingRuns.walks = 0
    for timed in actions:
        while state.clock.tick < timed.tick:
            engine.advance(state, rules)
        assert engine.apply(state, rules, timed.action) is None
    while not state.clock.over:
        engine.advance(state, rules)
    assert len(state.jobs.runs) == pairs
    assert all(run.status == RunStatus.STOPPED for run in state.jobs.runs[:: pairs // 10])
    assert CountingRuns.walks == 0
    assert replay(rules, 0, actions).jobs.runs[-1].id == f"lora-{pairs}"
