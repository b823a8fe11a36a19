"""Jobs: background compute and vendor work that runs on the clock and bills per hour.

Training runs may collapse, loudly (the run fails) or silently (it reports success with a
broken model); monitoring turns a silent collapse into a detected failure, and
checkpointing lets a failed run restart from its last checkpoint instead of from zero.
"""

from __future__ import annotations

from game.core import evals, ledger
from game.core.log import note
from game.core.rules import CHECKPOINT_HOURS, DETECT_HOURS, JobSpec, Rules
from game.core.state import FAILED, FINISHED, RUNNING, STOPPED, JobRun, State
from game.core.training import collapse_time, train_model
from game.scenario.model import ABTestJob, EvalJob, LabelingJob, TrainingJob

NEEDS_MODEL = ("eval", "ab_test")
DETECT_BEFORE_END = 1e-6
"""Hours before the end at which monitoring flags a collapse it would see too late."""
LEDGER_ITEM = {
    "training": ledger.TRAINING,
    "eval": ledger.EVALS,
    "labeling": ledger.LABELING,
    "ab_test": ledger.AB_TESTS,
}


def find_model(state: State, model_id: str) -> int:
    """Index of the model with this id, -1 when there is none."""
    for i, model in enumerate(state.models):
        if model.id == model_id:
            return i
    return -1


def find_run(state: State, run_id: str) -> JobRun | None:
    """The run with this id, if any."""
    index = state.run_index.get(run_id)
    return None if index is None else state.runs[index]


def is_running(state: State, job: int) -> bool:
    """Whether a run of the job is in progress."""
    return state.running[job] is not None


def running_runs(state: State) -> list[JobRun]:
    """The runs in progress, in the order they were started."""
    indices = sorted(index for index in state.running if index is not None)
    return [state.runs[index] for index in indices]


def start_refusal(state: State, rules: Rules, job: int, model: int) -> str | None:
    """Why the job cannot start now (on that model), or None when it can."""
    spec = rules.jobs[job]
    if is_running(state, job):
        return f"{spec.id} is already running"
    requires = rules.job_requires[job]
    if requires is not None and not requires(state):
        return f"{spec.id} needs: {spec.requires}"
    kind = rules.job_kinds[job]
    if kind in NEEDS_MODEL and model < 0:
        return f"{spec.id} needs a model to measure"
    if kind == "ab_test":
        if model == state.prod:
            return "an A/B test needs a candidate other than the production model"
        if state.ab_run >= 0:
            return "another A/B test is running"
    return None


def start(state: State, rules: Rules, job: int, model: int) -> JobRun:
    """Start a run of a job (already checked by :func:`start_refusal`)."""
    spec = rules.jobs[job]
    state.run_counts[job] += 1
    run_id = f"{rules.job_ids[job]}-{state.run_counts[job]}"
    run = JobRun(run_id, job, rules.job_kinds[job], RUNNING, state.tick, model)
    index = len(state.runs)
    state.runs.append(run)
    state.run_index[run_id] = index
    state.running[job] = index
    if isinstance(spec, TrainingJob):
        run.labels = list(state.labels)
        run.base = state.prod
        _arm_collapse(state, run, spec)
    elif isinstance(spec, ABTestJob):
        state.ab_run = index
    started, hours = rules.job_started[job]
    what = f" on {state.models[model].id}" if model >= 0 else ""
    note(state, "job", f"{started}{what} ({run.id}{hours}")
    return run


def _arm_collapse(state: State, run: JobRun, spec: TrainingJob) -> None:
    """Draw when (if ever) the run collapses in the hours it has left, and how.

    The draws are keyed by the run and its attempt: 0 when it starts, k at its k-th
    restart (each restart follows one failure, so k is the failures so far).
    """
    attempt = run.collapses
    when = collapse_time(state, run.id, attempt, spec, spec.hours - run.progress)
    run.collapse_at = -1.0 if when < 0.0 else run.progress + when
    silent_draw = state.luck.uniform("collapse silent", run.id, attempt)
    run.silent = run.collapse_at >= 0.0 and silent_draw * 100.0 < spec.collapse.silent


def restart_refusal(state: State, run: JobRun) -> str | None:
    """Why the run cannot be restarted, or None."""
    if run.kind != "training":
        return f"only training runs restart; start {run.id.rsplit('-', 1)[0]} again instead"
    if run.status != FAILED:
        return f"{run.id} has not failed"
    if is_running(state, run.job):
        return f"another run of {run.id.rsplit('-', 1)[0]} is running"
    return None


def restart(state: State, rules: Rules, run: JobRun) -> None:
    """Restart a failed training run from its last checkpoint (zero without checkpoints)."""
    spec = rules.jobs[run.job]
    assert isinstance(spec, TrainingJob)
    run.progress = run.checkpoint
    run.status = RUNNING
    run.failure = ""
    state.running[run.job] = state.run_index[run.id]
    _arm_collapse(state, run, spec)
    lost = "from zero" if run.checkpoint == 0 else f"from its checkpoint at {run.checkpoint:g} h"
    note(state, "job", f"Restarted {run.id} {lost}.")


def stop(state: State, run: JobRun) -> None:
    """Stop a running job; it produces nothing."""
    _end(state, run, STOPPED)
    note(state, "job", f"Stopped {run.id}.")


def stop_at_the_end(state: State) -> None:
    """The scenario is over: every run still in progress stops, unfinished."""
    for run in running_runs(state):
        _end(state, run, STOPPED)
        run.failure = "still running when the scenario ended"


def _end(state: State, run: JobRun, status: str) -> None:
    """The run is no longer in progress: it finished, failed or was stopped."""
    run.status = status
    state.running[run.job] = None
    if run.kind == "ab_test":
        state.ab_run = -1


def progress(state: State, rules: Rules, hours: float) -> None:
    """Advance every running job by a tick of wall-clock time, billing as they run."""
    for run in running_runs(state):
        duration = rules.job_hours[run.job]
        before = run.progress
        end = min(before + hours, duration)
        if run.kind == "training":
            end = _training_checks(state, run, before, end, duration)
        run.progress = end
        if end > before:
            dollars = rules.job_cost_per_hour[run.job] * (end - before)
            run.billed += dollars
            ledger.spend(state, LEDGER_ITEM[run.kind], dollars)
        if end >= duration - 1e-9 and run.status == RUNNING:
            _finish(state, rules, run, rules.jobs[run.job])


def detection_time(state: State, run: JobRun, duration: float) -> float:
    """Hours into the run when monitoring flags its silent collapse, -1 when it will not.

    The delay follows the monitoring level in force now, so monitoring installed during a
    run still catches a later collapse. Monitoring reads the run's final metrics before it
    reports success, so a collapse late in the run is caught just before the end.
    """
    delay = DETECT_HOURS[state.infra[1]]
    if not run.silent or run.collapse_at < 0.0 or delay < 0.0:
        return -1.0
    return min(run.collapse_at + delay, duration - DETECT_BEFORE_END)


def _training_checks(
    state: State, run: JobRun, before: float, end: float, duration: float
) -> float:
    """Checkpoints, loud collapse and detected silent collapse within a tick."""
    interval = CHECKPOINT_HOURS[state.infra[0]]
    collapse = run.collapse_at
    if collapse >= 0.0:
        # A run that does not collapse can neither crash nor be caught.
        detect = detection_time(state, run, duration)
        if not run.silent and before <= collapse < end:
            end = collapse
            _fail(
                state, run, f"crashed at hour {collapse:.1f} of the run (loss spike, node failure)"
            )
        elif detect >= 0.0 and before <= max(detect, before) < end:
            end = max(detect, before)
            _fail(
                state,
                run,
                f"monitoring caught a silent collapse: the loss diverged at hour {collapse:.1f}",
            )
    if interval > 0.0:
        saved = int(end / interval) * interval
        if collapse >= 0.0:
            saved = min(saved, int(collapse / interval) * interval)
        run.checkpoint = max(run.checkpoint, saved)
    return end


def _fail(state: State, run: JobRun, why: str) -> None:
    _end(state, run, FAILED)
    run.failure = why
    run.collapses += 1
    note(state, "alert", f"Training run {run.id} failed: {why}.")


def _finish(state: State, rules: Rules, run: JobRun, spec: JobSpec) -> None:
    _end(state, run, FINISHED)
    if isinstance(spec, TrainingJob):
        model = train_model(state, rules, run, spec)
        state.models.append(model)
        run.model = len(state.models) - 1
        note(state, "job", f"{spec.name} finished: model {model.id} is ready.")
    elif isinstance(spec, EvalJob):
        result = evals.measure(state, rules, run, spec)
        state.measurements.append(result)
        state.evals_run += 1
        metric = rules.words.metric_short
        note(
            state,
            "eval",
            f"Eval {run.id} of {result.model} finished: {metric} {result.f1_mix:.3f}.",
        )
    elif isinstance(spec, LabelingJob):
        seg = rules.segment_index[spec.segment]
        golden = round(spec.items * spec.golden_share / 100.0)
        state.golden[seg] += golden
        state.labels[seg] += spec.items - golden
        note(state, "job", f"{spec.name} delivered {spec.items} labeled {spec.segment} items.")
    elif isinstance(spec, ABTestJob):
        if run.requests_candidate < 1 or run.requests_control < 1:
            unit = rules.words.unit_many
            note(state, "eval", f"A/B test {run.id} saw no {unit}: there is no result.")
            return
        ab = evals.ab_compare(state, rules, run, spec)
        state.ab_results.append(ab)
        state.ab_tests_run += 1
        note(
            state,
            "eval",
            f"A/B test {run.id}: escalations {ab.diff:+.1f} points "
            f"(95% interval +-{ab.half_width:.1f}).",
        )
