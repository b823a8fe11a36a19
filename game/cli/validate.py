"""``mlday validate FILE...``: check scenario files and report every problem.

Each problem is one ``FILE:LINE:COL: error: message`` line on standard output. A file that
loads is then checked for meaning (:mod:`game.scenario.lint`): what it says that can never
happen is an error, what is probably a mistake a ``FILE:LINE:COL: warning: message``. A
file without errors gets a ``FILE: ok`` line (``FILE: ok (2 warnings)`` with warnings).
With more than one file, a summary line goes to standard error. Exit code: 2 when any file
cannot be read, else 1 when any file has errors, else 0 (warnings alone keep 0).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from game.cli.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from game.cli.safe_text import printable
from game.scenario.lint import lint, place
from game.scenario.load import (
    Problem,
    ScenarioError,
    ScenarioUnreadable,
    load_scenario_bytes,
    read_bytes,
)
from game.scenario.yaml_source import read_yaml


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``validate`` sub-command."""
    parser = subparsers.add_parser(
        "validate",
        help="check scenario files",
        description="Check scenario files: every problem is printed as "
        "FILE:LINE:COL: error: message, and what is probably a mistake (a choice with no "
        "effect, a job too long for the scenario) as FILE:LINE:COL: warning: message.",
        epilog="Exit codes: 0 all valid (warnings alone keep 0), 1 some file has errors, "
        "2 some file cannot be read.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files")
    parser.set_defaults(run=run)


@dataclass
class Tally:
    """How many files ended which way."""

    valid: int = 0
    invalid: int = 0
    unreadable: int = 0

    def exit_code(self) -> int:
        """2 when a file could not be read, else 1 when one had problems, else 0."""
        if self.unreadable:
            return EXIT_USAGE
        return EXIT_FAILED if self.invalid else EXIT_OK

    def summary(self) -> str:
        """One line such as ``3 files: 2 valid, 1 invalid``."""
        total = self.valid + self.invalid + self.unreadable
        line = f"{total} files: {self.valid} valid, {self.invalid} invalid"
        return line + (f", {self.unreadable} unreadable" if self.unreadable else "")


def run(args: argparse.Namespace) -> int:
    """Validate every file named on the command line; return the exit code."""
    files: list[str] = args.files
    tally = Tally()
    for name in files:
        check_file(name, tally)
    if len(files) > 1:
        sys.stdout.flush()
        print(tally.summary(), file=sys.stderr)
    return tally.exit_code()


def check_file(name: str, tally: Tally) -> None:
    """Validate one file, print its problems (or ``FILE: ok``) and count the outcome."""
    try:
        data = read_bytes(name)
        loaded = load_scenario_bytes(data, name)
        notices = place(lint(loaded.scenario), read_yaml(data), name)
    except ScenarioUnreadable as exc:
        tally.unreadable += 1
        _print_problems(exc.problems)
    except ScenarioError as exc:
        tally.invalid += 1
        _print_problems(exc.problems)
    except BrokenPipeError:
        raise
    except Exception as exc:  # a bug of ours must not become a traceback for an educator
        tally.invalid += 1
        detail = f"{type(exc).__name__}: {exc}"
        print(
            printable(
                f"{name}:1:1: error: internal error while checking this file ({detail}); "
                "please report it"
            )
        )
    else:
        _print_problems(notices)
        warnings = sum(1 for n in notices if n.severity == "warning")
        if len(notices) > warnings:
            tally.invalid += 1
        else:
            tally.valid += 1
            print(printable(f"{name}: ok" + _warnings_note(warnings)))


def _warnings_note(count: int) -> str:
    if count == 0:
        return ""
    return f" ({count} warning{'s' if count > 1 else ''})"


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(printable(str(problem)))
