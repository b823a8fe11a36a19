"""``mlday verify RUN.json...``: re-simulate run files and say which ones hold.

One line per file on standard output: ``FILE: ok, score 734 by ada`` or
``FILE: rejected: <why>``; a file that cannot be read at all gets
``FILE: error: <why>`` on standard error. Exit code: 2 when any file (or the scenario it
needs) cannot be read, else 1 when any file is rejected, else 0.
"""

from __future__ import annotations

import argparse
import sys

from game.cli.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from game.replay.verify import Verdict, Verifier


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``verify`` sub-command."""
    parser = subparsers.add_parser(
        "verify",
        help="re-simulate run files and check their scores",
        description="Re-simulate run files: a file is accepted only when its scenario "
        "file, engine version, actions, score and final-state digest all match.",
        epilog="The scenario is found by --scenario, else by the recorded path (from the "
        "current folder, then from the run file's folder), else as ID.yaml among the "
        "shipped scenarios. Exit codes: 0 all match, 1 some file is rejected, 2 some "
        "file cannot be read.",
    )
    parser.add_argument("files", nargs="+", metavar="RUN.json", help="run files")
    parser.add_argument(
        "--scenario", metavar="FILE", help="the scenario file the runs were played on"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Verify every run file named on the command line; return the exit code."""
    verifier = Verifier()
    rejected = unreadable = 0
    for name in args.files:
        verdict = _verify(verifier, name, args.scenario)
        if verdict.unreadable:
            unreadable += 1
            print(f"{name}: error: {verdict.reason}", file=sys.stderr)
        elif verdict.ok:
            print(f"{name}: ok, score {verdict.score} by {verdict.player}")
        else:
            rejected += 1
            print(f"{name}: rejected: {verdict.reason}")
    if unreadable:
        return EXIT_USAGE
    return EXIT_FAILED if rejected else EXIT_OK


def _verify(verifier: Verifier, name: str, scenario: str | None) -> Verdict:
    try:
        return verifier.verify(name, scenario)
    except BrokenPipeError:
        raise
    except Exception as exc:  # a bug of ours must not become a traceback for a teacher
        return Verdict(False, f"internal error ({type(exc).__name__}: {exc}); please report it")
