"""``mlday balance SCENARIO``: many games with every built-in policy and variations of the
reference solution, and what they say about the scenario's balance.

The report (text, ``--json`` or an ``--html`` page) is described in docs/balance.md.
Exit codes: 0 done, 1 the scenario is invalid or the page cannot be written, 2 bad usage
or unreadable input.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import TextIO

from game.balance import balance
from game.balance.page import report_page
from game.balance.run import MAX_JOBS
from game.balance.text import report_text
from game.cli.errors import CommandError
from game.cli.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from game.cli.safe_text import json_text, printable, printable_lines, printable_values
from game.scenario.files import check_replaceable
from game.scenario.load import LoadedScenario, ScenarioError, ScenarioUnreadable, load_scenario

DEFAULT_RUNS = 200
MAX_RUNS = 1_000_000
MAX_SEED = 2**63 - 1
BAR = 30
"""Characters of the progress bar."""

_DIGITS = re.compile(r"[0-9]+")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``balance`` sub-command."""
    parser = subparsers.add_parser(
        "balance",
        help="play many games and report whether the scenario is balanced",
        description="Play many games on paired seeds with the built-in policies (idle, "
        "random, greedy, reference) and with the reference solution changed one step at a "
        "time; report scores, goals, events, lessons, choices and their effect, tasks never "
        "done, refused reference steps, and warnings.",
        epilog="Exit codes: 0 done, 1 the scenario is invalid or the page cannot be written, "
        "2 bad usage or unreadable input.",
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    parser.add_argument(
        "--runs",
        default=str(DEFAULT_RUNS),
        metavar="N",
        help=f"seeds to play each way of playing on (default {DEFAULT_RUNS})",
    )
    parser.add_argument(
        "--jobs",
        default=None,
        metavar="J",
        help="processes to play in (default: the processors available, at most 8); "
        "the report is the same for any number",
    )
    parser.add_argument(
        "--seed", default="0", metavar="S", help="the first seed: seeds S..S+N-1 (default 0)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--html", metavar="FILE", help="also write the report as an HTML page")
    parser.add_argument("--force", action="store_true", help="with --html: replace the file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    try:
        runs = _number("--runs", args.runs, 1, MAX_RUNS)
        jobs = _number("--jobs", args.jobs, 1, MAX_JOBS) if args.jobs else _default_jobs()
        seed = _number("--seed", args.seed, 0, MAX_SEED - runs + 1)
        _check_page(args)
        loaded = _load(args.scenario)
        progress = _Bar(sys.stderr) if sys.stderr.isatty() else None
        try:
            document = balance(
                loaded,
                runs=runs,
                first_seed=seed,
                jobs=jobs,
                progress=progress.show if progress else None,
            )
        finally:
            if progress is not None:
                progress.close()
        if args.html is not None:
            _write_page(args, document)
        if args.json:
            print(json_text(document))
        else:
            print(printable_lines(report_text(printable_values(document))))
    except CommandError as exc:
        print(printable(str(exc)), file=sys.stderr)
        return exc.code
    except ScenarioError as exc:
        for problem in exc.problems:
            print(printable(str(problem)), file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, ScenarioUnreadable) else EXIT_FAILED
    except BrokenPipeError:
        raise
    except Exception as exc:  # a bug of ours must not become a traceback for an educator
        detail = printable(f"{type(exc).__name__}: {exc}")
        print(f"mlday balance: internal error ({detail}); please report it", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _number(option: str, text: str, low: int, high: int) -> int:
    if not _DIGITS.fullmatch(text) or len(text) > len(str(high)):
        shown = printable(repr(text[:40]))
        raise CommandError(
            f"mlday balance: error: {option} is a whole number from {low} to {high:,}, "
            f"written in the digits 0-9; got {shown}",
            EXIT_USAGE,
        )
    value = int(text)
    if not low <= value <= high:
        raise CommandError(
            f"mlday balance: error: {option} is from {low} to {high:,}; got {value:,}", EXIT_USAGE
        )
    return value


def _default_jobs() -> int:
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return max(1, min(8, available or os.cpu_count() or 1))


def _load(path: str) -> LoadedScenario:
    return load_scenario(path)


def _check_page(args: argparse.Namespace) -> None:
    """Refuse a page path before any game is played, not after."""
    if args.html is None:
        if args.force:
            raise CommandError("mlday balance: error: --force only goes with --html", EXIT_USAGE)
        return
    try:
        check_replaceable(args.html)
    except OSError as exc:
        line = f"{args.html}: cannot write the page: {exc.strerror}"
        raise CommandError(line, EXIT_USAGE) from None
    if os.path.lexists(args.html) and not args.force:
        raise CommandError(
            f"mlday balance: error: {args.html} exists; use --force to replace it", EXIT_USAGE
        )


def _write_page(args: argparse.Namespace, document: dict[str, object]) -> None:
    from game.replay.runfile import write_atomic  # the run-file models, only for a page

    data = report_page(document).encode("utf-8", errors="replace")
    try:
        write_atomic(Path(args.html), data, force=args.force)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise CommandError(f"{args.html}: cannot write the page: {reason}", EXIT_FAILED) from None
    print(printable(f"wrote {args.html}"), file=sys.stderr)


class _Bar:
    """A one-line progress bar, redrawn in place on a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.drawn = -1

    def show(self, done: int, total: int) -> None:
        filled = BAR * done // total if total else BAR
        if filled == self.drawn and done != total:
            return
        self.drawn = filled
        bar = "#" * filled + "." * (BAR - filled)
        self.stream.write(f"\r[{bar}] {done:,} / {total:,} games")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
