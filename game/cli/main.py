"""Entry point of the ``mlday`` command: builds the parser from the command modules.

Each command lives in its own module, imported only when that command is asked for: the
scenario models and the core take a second to import, and ``mlday`` with no command
opens the game window, whose title screen needs neither.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from game import __version__
from game.cli.exit_codes import EXIT_OK


@dataclass(frozen=True, slots=True)
class Command:
    """A sub-command: its name, the module that registers and runs it, its line of help."""

    name: str
    module: str
    help: str


COMMANDS: tuple[Command, ...] = (
    Command("validate", "game.cli.validate", "check scenario files"),
    Command("schema", "game.cli.schema", "write the JSON Schema of the scenario format"),
    Command(
        "simulate",
        "game.cli.simulate",
        "play whole games headless and print the score breakdown",
    ),
    Command("verify", "game.cli.verify", "re-simulate run files and check their scores"),
    Command(
        "play",
        "game.cli.play",
        "open the game window on a scenario (or --continue the saved game)",
    ),
    Command(
        "explain",
        "game.cli.explain",
        "replay a recorded game with each decision changed, best first",
    ),
    Command("replay", "game.cli.replay_viewer", "open the replay viewer on a run file"),
    Command(
        "balance",
        "game.cli.balance",
        "play many games and report whether the scenario is balanced",
    ),
    Command("new", "game.cli.new", "write a commented starter scenario"),
)


def chosen_command(argv: Sequence[str]) -> Command | None:
    """The command named in ``argv``: its first word that is not an option, when known.

    ``mlday``'s own options (``--help``, ``--version``) take no value, so the first
    other word is the command.
    """
    for word in argv:
        if not word.startswith("-"):
            return next((command for command in COMMANDS if command.name == word), None)
    return None


def build_parser(command: Command | None = None) -> argparse.ArgumentParser:
    """The argument parser: ``command`` in full from its module, every other one by name
    and help only (enough to list them, or to refuse a misspelt one)."""
    parser = argparse.ArgumentParser(
        prog="mlday",
        description="mlday: a simulation game of a machine-learning engineer's working day.",
        epilog="Exit codes: 0 success, 1 the check failed, 2 bad usage or unreadable input.",
    )
    parser.add_argument("--version", action="version", version=f"mlday {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for each in COMMANDS:
        if each == command:
            importlib.import_module(each.module).register(commands)
        else:
            commands.add_parser(each.name, help=each.help)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (also used by the console script)."""
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(chosen_command(words))
    args = parser.parse_args(words)
    if args.command is None:
        from game.cli.play import open_title

        return open_title()
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
