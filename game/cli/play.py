"""``mlday play``: open the game window (and, with no command at all, its title screen).

Without a display the command says so in one line and shows how to play headless.
"""

from __future__ import annotations

import argparse
import sys

from game.cli.exit_codes import EXIT_FAILED, EXIT_OK

HEADLESS_HINT = (
    "mlday: no display to open the game window on ({reason}); play headless with "
    "`mlday simulate SCENARIO` or `mlday play SCENARIO --autoplay greedy` under a virtual display"
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``play`` sub-command."""
    parser = subparsers.add_parser("play", help="open the game window and play")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Open the window on the title screen."""
    return open_title()


def open_title() -> int:
    """Open the window on the title screen; returns the exit code."""
    from game.ui.app import App, NoDisplayError
    from game.ui.saves import data_dir, load_settings
    from game.ui.scenes.title import TitleScene

    folder = data_dir()
    settings, problem = load_settings(folder)
    try:
        app = App(folder, settings)
    except NoDisplayError as error:
        print(HEADLESS_HINT.format(reason=error), file=sys.stderr)
        return EXIT_FAILED
    if problem is not None:
        app.notify(problem)
    app.run(TitleScene(app))
    return EXIT_OK
