"""Jobs: background compute and vendor work that runs on the clock and bills per hour.

Training runs may collapse, loudly (the run fails) or silently (it reports success with a
broken model); monitoring turns a silent collapse into a detected failure, and
checkpointing lets a failed run restart from its last checkpoint instead of from zero.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable
from typing import Final

from game.core import evals, ledger
from game.core.log import note
from game.core.messages import RUN_FAILURES, Refusal, refused
from game.core.rules import CHECKPOINT_HOURS, DETECT_HOURS, Rules, TrainingRule
from game.core.state import (
    CHECKPOINTING,
    FAILED,
    FINISHED,
    MONITORING,
    RUNNING,
    STOPPED,
    JobRun,
    RunStatus,
    State,
)
from game.core.training import collapse_time, train_model
from game.scenario.model import ABTestJob, EvalJob, LabelingJob

NEEDS_MODEL: Final[tuple[str, ...]] = ("eval", "ab_test")
DETECT_BEFORE_END: Final = 1e-6
"""Hours before the end at which monitoring flags a collapse it would see too late."""
LEDGER_ITEM: Final = {
    "training": ledger.TRAINING,
    "eval": ledger.EVALS,
    "labeling": ledger.LABELING,
    "ab_test": ledger.AB_TESTS,
}


def find_model(state: State, model_id: str) -> int | None:
    """Index of the model with this id; None when there is none."""
    for index, model in enumerate(state.models):
        if model.id == model_id:
            return index
    return None


def default_model(state: State, rules: Rules, job_index: int) -> int | None:
    """The model a job measures when none is named: production's for an eval, else none."""
    return state.production.model_index if rules.job_kinds[job_index] == "eval" else None


def find_run(state: State, run_id: str) -> JobRun | None:
    """The run with this id, if any."""
    index = state.jobs.by_id.get(run_id)
    return None if index is None else state.jobs.runs[index]


def is_running(state: State, job_index: int) -> bool:
    """Whether a run of the job is in progress."""
    runs = state.jobs.runs
    return any(runs[index].job_index == job_index for index in state.jobs.in_progress)


def running_runs(state: State) -> list[JobRun]:
    """The runs in progress, in the order they were started."""
    runs = state.jobs.runs
    return [runs[index] for index in state.jobs.in_progress]


def start_refusal(
    state: State, rules: Rules, job_index: int, model_index: int | None
) -> Refusal | None:
    """Why the job cannot start now (on that model), or None when it can."""
    spec = rules.jobs[job_index]
    if is_running(state, job_index):
        return refused("refused.job_running", job=spec.id)
    requires = rules.job_requires[job_index]
    if requires is not None and not requires(state):
        return refused("refused.job_needs", job=spec.id, requires=str(spec.requires))
    kind = rules.job_kinds[job_index]
    if kind in NEEDS_MODEL and model_index is None:
        return refused("refused.job_needs_model", job=spec.id)
    if kind == "ab_test":
        if model_index == state.production.model_index:
            return refused("refused.ab_test_on_production")
        if state.jobs.ab_test is not None:
            return refused("refused.ab_test_running")
    return None


def start(state: State, rules: Rules, job_index: int, model_index: int | None) -> JobRun:
    """Start a run of a job (already checked by :func:`start_refusal`)."""
    job_id = rules.job_ids[job_index]
    jobs = state.jobs
    jobs.started[job_index] += 1
    run_id = f"{job_id}-{jobs.started[job_index]}"
    run = JobRun(
        run_id,
        job_index,
        rules.job_kinds[job_index],
        RUNNING,
        state.clock.tick,
        model_index,
    )
    index = len(jobs.runs)
    jobs.runs.append(run)
    jobs.by_id[run_id] = index
    jobs.in_progress.append(index)
    training = rules.training[job_index]
    if training is not None:
        run.labels = list(state.data.labels)
        run.base_model_index = state.production.model_index
        _arm_collapse(state, run, training)
    elif run.kind == "ab_test":
        jobs.ab_test = index
    name, hours = rules.job_names[job_index], rules.job_hours[job_index]
    if model_index is None:
        note(state, "job", "job.started", job=job_id, job_name=name, run=run_id, hours=hours)
    else:
        model = state.models[model_index].id
        note(
            state,
            "job",
            "job.started_on",
            job=job_id,
            job_name=name,
            model=model,
            run=run_id,
            hours=hours,
        )
    return run


def _arm_collapse(state: State, run: JobRun, training: TrainingRule) -> None:
    """Draw when (if ever) the run collapses in the hours it has left, and how.

    The draws are keyed by the run and its attempt: 0 when it starts, k at its k-th
    restart (each restart follows one failure, so k is the failures so far).
    """
    attempt = run.collapses
    when = collapse_time(state, run.id, attempt, training, training.hours - run.progress)
    run.collapse_at = None if when is None else run.progress + when
    silent_draw = state.luck.uniform("collapse silent", run.id, attempt)
    run.silent = run.collapse_at is not None and silent_draw * 100.0 < training.collapse_silent


def restart_refusal(state: State, run: JobRun) -> Refusal | None:
    """Why the run cannot be restarted, or None."""
    if run.kind != "training":
        return refused("refused.restart_not_training", job=run.id.rsplit("-", 1)[0])
    if run.status is not FAILED:
        return refused("refused.run_not_failed", run=run.id)
    if is_running(state, run.job_index):
        return refused("refused.restart_job_running", job=run.id.rsplit("-", 1)[0])
    return None


def restart(state: State, rules: Rules, run: JobRun) -> None:
    """Restart a failed training run from its last checkpoint (zero without checkpoints)."""
    training = rules.training[run.job_index]
    assert training is not None
    run.progress = run.checkpoint
    run.status = RUNNING
    run.failure = ""
    # The runs in progress are kept in the order they were started.
    insort(state.jobs.in_progress, state.jobs.by_id[run.id])
    _arm_collapse(state, run, training)
    if run.checkpoint == 0:
        note(state, "job", "run.restarted", run=run.id)
    else:
        note(state, "job", "run.restarted_from_checkpoint", run=run.id, checkpoint=run.checkpoint)


def stop(state: State, run: JobRun) -> None:
    """Stop a running job; it produces nothing."""
    _end(state, run, STOPPED)
    note(state, "job", "run.stopped", run=run.id)


def stop_at_the_end(state: State) -> None:
    """The scenario is over: every run still in progress stops, unfinished."""
    for run in running_runs(state):
        _end(state, run, STOPPED)
        run.failure = "still running when the scenario ended"


def _end(state: State, run: JobRun, status: RunStatus) -> None:
    """The run is no longer in progress: it finished, failed or was stopped."""
    run.status = status
    state.jobs.in_progress.remove(state.jobs.by_id[run.id])
    if run.kind == "ab_test":
        state.jobs.ab_test = None


def progress(state: State, rules: Rules, hours: float) -> None:
    """Advance every running job by a tick of wall-clock time, billing as they run."""
    for run in running_runs(state):
        duration = rules.job_hours[run.job_index]
        before = run.progress
        end = min(before + hours, duration)
        if run.kind == "training":
            end = _training_checks(state, run, before, end, duration)
        run.progress = end
        if end > before:
            dollars = rules.job_cost_per_hour[run.job_index] * (end - before)
            run.billed += dollars
            ledger.spend(state, LEDGER_ITEM[run.kind], dollars)
        if end >= duration - 1e-9 and run.status is RUNNING:
            _finish(state, rules, run)


def detection_time(state: State, run: JobRun, duration: float) -> float | None:
    """Hours into the run when monitoring flags its silent collapse; None when it will not.

    The delay follows the monitoring level in force now, so monitoring installed during a
    run still catches a later collapse. Monitoring reads the run's final metrics before it
    reports success, so a collapse late in the run is caught just before the end.
    """
    delay = DETECT_HOURS[state.infra[MONITORING]]
    if not run.silent or run.collapse_at is None or delay is None:
        return None
    return min(run.collapse_at + delay, duration - DETECT_BEFORE_END)


def _training_checks(
    state: State, run: JobRun, before: float, end: float, duration: float
) -> float:
    """Checkpoints, loud collapse and detected silent collapse within a tick."""
    interval = CHECKPOINT_HOURS[state.infra[CHECKPOINTING]]
    collapse = run.collapse_at
    if collapse is not None:
        # A run that does not collapse can neither crash nor be caught.
        detect = detection_time(state, run, duration)
        if not run.silent and before <= collapse < end:
            end = collapse
            _fail(state, run, "run.crashed", collapse)
        elif detect is not None and before <= max(detect, before) < end:
            end = max(detect, before)
            _fail(state, run, "run.collapse_caught", collapse)
    if interval > 0.0:
        saved = int(end / interval) * interval
        if collapse is not None:
            saved = min(saved, int(collapse / interval) * interval)
        run.checkpoint = max(run.checkpoint, saved)
    return end


def _fail(state: State, run: JobRun, code: str, hour: float) -> None:
    """The run failed at an hour of the run, for the reason the code names
    (:data:`game.core.messages.RUN_FAILURES`)."""
    _end(state, run, FAILED)
    run.failure = RUN_FAILURES[code].format(hour=hour)
    run.collapses += 1
    note(state, "alert", code, run=run.id, hour=hour)


def _finish(state: State, rules: Rules, run: JobRun) -> None:
    """The run finished: it ends, and delivers what its kind of job delivers."""
    _end(state, run, FINISHED)
    DELIVER[run.kind](state, rules, run)


def _deliver_model(state: State, rules: Rules, run: JobRun) -> None:
    """A training run delivers its model."""
    training = rules.training[run.job_index]
    assert training is not None
    model = train_model(state, rules, run, training)
    state.models.append(model)
    run.model_index = len(state.models) - 1
    name = rules.job_names[run.job_index]
    note(state, "job", "training.finished", job_name=name, model=model.id)


def _deliver_measurement(state: State, rules: Rules, run: JobRun) -> None:
    """An eval delivers its measurement."""
    spec = rules.jobs[run.job_index]
    assert isinstance(spec, EvalJob)
    result = evals.measure(state, rules, run, spec)
    state.results.evals.append(result)
    state.record.evals_run += 1
    note(
        state,
        "eval",
        "eval.finished",
        run=run.id,
        model=result.model_id,
        metric=rules.words.metric_short,
        f1=result.f1_mix,
    )


def _deliver_labels(state: State, rules: Rules, run: JobRun) -> None:
    """A labeling job delivers its labels, some of them kept apart as golden examples."""
    spec = rules.jobs[run.job_index]
    assert isinstance(spec, LabelingJob)
    segment = rules.segment_index[spec.segment]
    golden = round(spec.items * spec.golden_share / 100.0)
    state.data.golden[segment] += golden
    state.data.labels[segment] += spec.items - golden
    note(
        state,
        "job",
        "labeling.delivered",
        job_name=spec.name,
        items=spec.items,
        segment=spec.segment,
    )


def _deliver_verdict(state: State, rules: Rules, run: JobRun) -> None:
    """An A/B test delivers its verdict, when both arms saw conversations."""
    if run.requests_candidate < 1 or run.requests_control < 1:
        note(state, "eval", "ab_test.no_result", run=run.id, unit=rules.words.unit_many)
        return
    spec = rules.jobs[run.job_index]
    assert isinstance(spec, ABTestJob)
    ab = evals.ab_compare(state, rules, run, spec)
    state.results.ab_tests.append(ab)
    state.record.ab_tests_run += 1
    note(
        state,
        "eval",
        "ab_test.finished",
        run=run.id,
        diff=ab.diff,
        half_width=ab.half_width,
    )


DELIVER: Final[dict[str, Callable[[State, Rules, JobRun], None]]] = {
    "training": _deliver_model,
    "eval": _deliver_measurement,
    "labeling": _deliver_labels,
    "ab_test": _deliver_verdict,
}
"""What a finished run of each kind of job delivers."""
