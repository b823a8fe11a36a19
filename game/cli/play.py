"""``mlday play``: the game window. With no command at all, ``mlday`` opens its title screen.

``mlday play SCENARIO`` opens the scenario's briefing; ``mlday play --continue`` resumes
the autosaved game. With ``--autoplay POLICY`` a built-in policy plays through every
scene by itself (answering events, then the debrief), and ``--screenshots DIR`` saves
one PNG per kind of scene: for tests, the README's pictures and classroom demos.
Without a display the command says so in one line and shows how to play headless; an
autoplayed game then runs on SDL's dummy display. Exit codes: 0 done, 1 the scenario is
invalid or the autosave cannot be continued, 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from game.cli.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from game.cli.numbers import parse_seed

if TYPE_CHECKING:
    from game.scenario.load import LoadedScenario, ScenarioError
    from game.ui.app import App
    from game.ui.options import PlayOptions
    from game.ui.preload import Preloader

SPEEDS = ("1", "2", "4", "max")
HEADLESS_HINT = (
    "mlday: no display to open the game window on ({reason}); play headless with "
    "`mlday simulate SCENARIO`, or let a policy play the window off-screen with "
    "`mlday play SCENARIO --autoplay greedy --exit-at-end`"
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``play`` sub-command."""
    from game.policies import POLICIES

    parser = subparsers.add_parser(
        "play",
        help="open the game window on a scenario (or --continue the saved game)",
        description="Play a scenario in the game window, or continue the autosaved game. "
        "With --autoplay a built-in policy plays through every scene by itself.",
        epilog="Exit codes: 0 done, 1 the scenario is invalid or the saved game cannot be "
        "continued, 2 bad usage or unreadable input.",
    )
    parser.add_argument("scenario", nargs="?", metavar="SCENARIO", help="scenario YAML file")
    parser.add_argument(
        "--continue",
        dest="resume",
        action="store_true",
        help="resume the autosaved game instead of starting one",
    )
    parser.add_argument(
        "--seed", type=parse_seed, default=0, metavar="N", help="random seed (default 0)"
    )
    parser.add_argument(
        "--autoplay",
        choices=sorted(POLICIES),
        metavar="POLICY",
        help=f"let a built-in policy play: {', '.join(sorted(POLICIES))}",
    )
    parser.add_argument(
        "--speed",
        choices=SPEEDS,
        default="1",
        help="the clock's speed: 1, 2 or 4 (x), or max (a tick a frame); default 1",
    )
    parser.add_argument(
        "--screenshots", metavar="DIR", help="save one PNG of each kind of scene in DIR"
    )
    parser.add_argument(
        "--exit-at-end",
        action="store_true",
        help="close the window once the debrief has been shown",
    )
    parser.add_argument(
        "--record", metavar="RUN.json", help="write the finished game's run file here"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Open the window on a scenario's briefing, or on the autosaved game."""
    from game.scenario.load import ScenarioError, ScenarioUnreadable, load_scenario
    from game.ui.options import PlayOptions

    if args.resume == (args.scenario is not None):
        print(
            "mlday play: give a SCENARIO file, or --continue to resume the saved game",
            file=sys.stderr,
        )
        return EXIT_USAGE
    record = Path(args.record) if args.record else None
    if record is not None and record.exists():
        print(f"mlday play: {record} exists; give --record a new file name", file=sys.stderr)
        return EXIT_USAGE
    options = PlayOptions(
        autoplay=args.autoplay,
        speed=args.speed,
        screenshots=Path(args.screenshots) if args.screenshots else None,
        exit_at_end=args.exit_at_end,
        record=record,
    )
    loaded: LoadedScenario | None = None
    if args.scenario is not None:
        try:
            loaded = load_scenario(args.scenario)
        except ScenarioUnreadable as error:
            _print_problems(error)
            return EXIT_USAGE
        except ScenarioError as error:
            _print_problems(error)
            return EXIT_FAILED
    app = open_app(options)
    if app is None:
        return EXIT_FAILED
    from game.ui.scenes.briefing import BriefingScene
    from game.ui.scenes.title import TitleScene

    app.stack.push(TitleScene(app))
    if loaded is not None:
        app.stack.push(BriefingScene(app, loaded, args.seed))
    elif not app.continue_game():
        message = app.store.problems[-1] if app.store.problems else "there is no saved game"
        app.quit()
        print(f"mlday play: cannot continue: {message}", file=sys.stderr)
        return EXIT_FAILED
    app.run()
    return EXIT_OK


def open_title() -> int:
    """Open the window on the title screen (``mlday`` with no command)."""
    from game.ui.preload import Preloader
    from game.ui.scenes.title import TitleScene

    app = open_app(None, Preloader())
    if app is None:
        return EXIT_FAILED
    app.run(TitleScene(app))
    return EXIT_OK


def open_app(options: PlayOptions | None, preload: Preloader | None = None) -> App | None:
    """The window, or None (the reason printed in one line) when there is no display.

    An autoplayed game needs no one to watch it: without a display it runs on SDL's
    dummy one. ``preload`` imports what the next screens need once the first frame shows.
    """
    from game.ui.app import App, NoDisplayError
    from game.ui.saves import Store, data_dir, load_settings

    folder = data_dir()
    settings, problem = load_settings(folder)
    store = Store(folder)
    try:
        app = App(store, settings, options=options, preload=preload)
    except NoDisplayError as error:
        if options is None or options.autoplay is None:
            print(HEADLESS_HINT.format(reason=error), file=sys.stderr)
            return None
        os.environ["SDL_VIDEODRIVER"] = "dummy"
        try:
            app = App(store, settings, options=options, preload=preload)
        except NoDisplayError as again:
            print(HEADLESS_HINT.format(reason=again), file=sys.stderr)
            return None
    if problem is not None:
        app.notify(problem)
    return app


def _print_problems(error: ScenarioError) -> None:
    for problem in error.problems:
        print(problem, file=sys.stderr)
