"""``mlday replay RUN.json``: open the replay viewer on a recorded game.

The run file is read and checked as ``mlday verify`` checks it (its scenario found by
content hash, its engine version, and its score and final-state digest re-simulated)
before the window opens; a file that fails says why in one line. Exit codes: 0 the viewer
was closed, 1 the run file does not hold or there is no display, 2 bad usage or
unreadable input.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from game.cli.errors import CommandError
from game.cli.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from game.replay.runfile import RunFile, RunFileError, read_run
from game.replay.verify import Prepared, Verifier, VerifyError


@dataclass(frozen=True)
class CheckedRun:
    """A run file that verified, with the scenario it was played on."""

    run: RunFile
    prepared: Prepared


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``replay`` sub-command."""
    parser = subparsers.add_parser(
        "replay",
        help="open the replay viewer on a run file",
        description="Open a recorded game in the replay viewer and move to any tick. The "
        "run file is verified first, as `mlday verify` does.",
        epilog="Keys: left and right one tick, page up and down four, Home and End, Esc to "
        "close. Exit codes: 0 done, 1 the run file does not verify or no display, 2 bad "
        "usage or unreadable input.",
    )
    parser.add_argument("file", metavar="RUN.json", help="a run file (mlday simulate --record)")
    parser.add_argument(
        "--scenario", metavar="FILE", help="the scenario file the run was played on"
    )
    parser.set_defaults(run=run)


def check_run(path: str, scenario: str | None = None) -> CheckedRun:
    """Verify a run file as ``mlday verify`` does, then read it and its scenario;
    :class:`CommandError` when it does not hold."""
    verifier = Verifier()
    verdict = verifier.verify(path, scenario)
    if not verdict.ok:
        code = EXIT_USAGE if verdict.unreadable else EXIT_FAILED
        raise CommandError(f"{path}: error: {verdict.reason}", code)
    try:
        run_file = read_run(path)
        prepared = verifier.find_scenario(run_file, scenario)
    except (RunFileError, VerifyError) as exc:  # the file changed since it was verified
        raise CommandError(f"{path}: error: {exc}", EXIT_FAILED) from None
    return CheckedRun(run_file, prepared)


def run(args: argparse.Namespace) -> int:
    """Verify the run file, then open the viewer on it; returns the exit code."""
    try:
        checked = check_run(args.file, args.scenario)
    except CommandError as exc:
        print(f"mlday replay: {exc}", file=sys.stderr)
        return exc.code
    return open_viewer(checked)


def open_viewer(checked: CheckedRun) -> int:
    """Open the window on the replay viewer until it is closed."""
    from game.cli.play import open_app
    from game.ui.scenes.replay_viewer import ReplayViewerScene

    app = open_app(None)
    if app is None:
        return EXIT_FAILED
    run_file = checked.run
    title = (
        f"Replay: {run_file.player} on {checked.prepared.loaded.scenario.title}, "
        f"seed {run_file.seed}, score {run_file.score.total}"
    )
    viewer = ReplayViewerScene(
        app,
        checked.prepared.loaded,
        run_file.seed,
        run_file.actions,
        title=title,
        rules=checked.prepared.rules,
    )
    app.run(viewer)
    return EXIT_OK
