"""Entry point of the ``mlday`` command: builds the parser from the command modules."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from game import __version__
from game.cli import (
    balance,
    explain,
    new,
    play,
    replay_viewer,
    schema,
    simulate,
    validate,
    verify,
)
from game.cli.exit_codes import EXIT_OK

COMMANDS: tuple[ModuleType, ...] = (
    validate,
    schema,
    simulate,
    verify,
    play,
    explain,
    replay_viewer,
    balance,
    new,
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, one sub-command per module in COMMANDS."""
    parser = argparse.ArgumentParser(
        prog="mlday",
        description="mlday: a simulation game of a machine-learning engineer's working day.",
        epilog="Exit codes: 0 success, 1 the check failed, 2 bad usage or unreadable input.",
    )
    parser.add_argument("--version", action="version", version=f"mlday {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (also used by the console script)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return play.open_title()
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        print("mlday: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (as with `| head`): say nothing more, on stdout or stderr.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    return code


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
