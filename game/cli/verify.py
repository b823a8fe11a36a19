"""``mlday verify RUN.json...``: re-simulate run files and say which ones hold.

One line per file on standard output: ``FILE: ok, score 734 by ada (scenario
scenarios/ravi-tuesday.yaml, sha256 4c1d...)`` or ``FILE: rejected: <why> (scenario ...)``;
a file that cannot be read at all gets ``FILE: error: <why>`` on standard error. Every
text taken from a file or the command line is printed with its control, format and
separator characters escaped, so a run file cannot print a line of its own. Exit code: 2
when any file (or the scenario it needs) cannot be read, else 1 when any file is
rejected, else 0.
"""

from __future__ import annotations

import argparse
import sys

from game.cli.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from game.cli.safe_text import printable
from game.replay.verify import Verdict, Verifier


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``verify`` sub-command."""
    parser = subparsers.add_parser(
        "verify",
        help="re-simulate run files and check their scores",
        description="Re-simulate run files: a file is accepted only when its scenario "
        "file, engine version, actions, score and final-state digest all match.",
        epilog="Runs are checked against the scenario given with --scenario, else against "
        "the shipped scenario of the run's id; a run made on another version of a shipped "
        "scenario is refused unless --scenario names it. The scenario path a run file "
        "records is never read. Exit codes: 0 all match, 1 some file is rejected, 2 some "
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
        checked = _checked(verdict)
        if verdict.unreadable:
            unreadable += 1
            print(printable(f"{name}: error: {verdict.reason}{checked}"), file=sys.stderr)
        elif verdict.ok:
            print(printable(f"{name}: ok, score {verdict.score} by {verdict.player}{checked}"))
        else:
            rejected += 1
            print(printable(f"{name}: rejected: {verdict.reason}{checked}"))
    if unreadable:
        return EXIT_USAGE
    return EXIT_FAILED if rejected else EXIT_OK


def _checked(verdict: Verdict) -> str:
    """`` (scenario FILE, sha256 HASH)`` when the verdict names a scenario, else nothing."""
    if verdict.scenario is None:
        return ""
    return f" (scenario {verdict.scenario}, sha256 {verdict.scenario_sha256})"


def _verify(verifier: Verifier, name: str, scenario: str | None) -> Verdict:
    try:
        return verifier.verify(name, scenario)
    except BrokenPipeError:
        raise
    except Exception as exc:  # a bug of ours must not become a traceback for a teacher
        return Verdict(False, f"internal error ({type(exc).__name__}: {exc}); please report it")
