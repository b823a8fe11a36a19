"""``mlday simulate SCENARIO``: play whole games headless and report how they went.

One game prints a readable breakdown (or, with ``--json``, one JSON object documented in
``docs/run-files.md``): the score and its parts, the goals, the money and its ledger, the
production model's true F1 per segment next to what the player last measured, and the
debrief lessons. ``--record RUN.json`` writes a run file that ``mlday verify`` checks.
``--runs R`` plays R games on seeds N..N+R-1 and prints the score distribution and the
speed; an action file's actions that some seed refuses are skipped there and counted per
seed (one game without ``--runs`` stops at a refused action instead). Exit codes: 0
done, 1 the scenario or the actions file is invalid or an action was refused, 2 bad
usage or unreadable input.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Any

from game import ENGINE_VERSION
from game.cli.errors import CommandError
from game.cli.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from game.cli.numbers import parse_seed, whole_number
from game.cli.safe_text import is_unsafe, json_text, printable, printable_lines, printable_values
from game.core.engine import play
from game.core.messages import Value
from game.core.rules import Rules, prepare
from game.core.scoring import score
from game.core.state import State
from game.policies import POLICIES, make_policy
from game.replay.replay import (
    ActionRecordError,
    ReplayError,
    SkippedAction,
    TimedAction,
    parse_action_record,
    replay,
    replay_lenient,
    timed,
)
from game.replay.runfile import (
    MAX_ACTIONS,
    RunFileError,
    RunFileExistsError,
    RunFileUnreadableError,
    load_json,
    make_run,
    write_run,
)
from game.scenario.files import check_replaceable
from game.scenario.load import LoadedScenario, ScenarioError, ScenarioUnreadable, load_scenario
from game.session.report import game_report

DEFAULT_POLICY = "greedy"
DEFAULT_PLAYER = "anonymous"
MAX_RUNS = 10_000_000
MAX_ACTION_ERRORS = 20


# --- the parser --------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``simulate`` sub-command."""
    parser = subparsers.add_parser(
        "simulate",
        help="play whole games headless and print the score breakdown",
        description="Play a whole game headless with a built-in policy or a file of "
        "timed actions, and print the score breakdown; with --runs, play many games "
        "and print the score distribution and games per second.",
        epilog="Exit codes: 0 done, 1 the scenario or actions are invalid or an action "
        "was refused, 2 bad usage or unreadable input.",
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    parser.add_argument(
        "--seed", type=parse_seed, default=0, metavar="N", help="random seed (default 0)"
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument(
        "--policy",
        choices=sorted(POLICIES),
        help=f"built-in player (default {DEFAULT_POLICY})",
    )
    who.add_argument(
        "--actions",
        metavar="FILE",
        help="JSON file of timed actions: a list of {tick, do, ...} records, "
        "or an object with an 'actions' list (a run file works)",
    )
    parser.add_argument(
        "--player",
        type=_player,
        default=DEFAULT_PLAYER,
        metavar="NAME",
        help=f"the player's name in the run file (default {DEFAULT_PLAYER})",
    )
    parser.add_argument("--record", metavar="RUN.json", help="write a run file of the game")
    parser.add_argument(
        "--force", action="store_true", help="with --record: replace an existing file"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--runs",
        type=_runs,
        metavar="R",
        help="play R games on seeds N..N+R-1 and print the score distribution",
    )
    parser.set_defaults(run=run)


_runs = whole_number("runs", 1, MAX_RUNS)


def _player(text: str) -> str:
    name = text.strip()
    if not _is_utf8(name):
        raise argparse.ArgumentTypeError(
            "a player's name is UTF-8 text; this one holds bytes that are not UTF-8"
        )
    if not 1 <= len(name) <= 40 or any(is_unsafe(char) for char in name):
        raise argparse.ArgumentTypeError(
            "a player's name has 1 to 40 characters and no control or format characters"
        )
    return name


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- running -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Game:
    """A finished game and the actions that made it."""

    state: State
    actions: list[TimedAction]


@dataclass(frozen=True)
class Setup:
    """What every game of one invocation shares."""

    loaded: LoadedScenario
    rules: Rules
    policy: str | None
    scripted: list[TimedAction] | None
    actions_file: str | None


def run(args: argparse.Namespace) -> int:
    """Run the command; returns the exit code."""
    try:
        _check_usage(args)
        setup = _setup(args)
        if args.runs is not None:
            return _run_many(args, setup)
        return _run_one(args, setup)
    except CommandError as exc:
        for line in exc.lines:
            print(printable(line), file=sys.stderr)
        return exc.code
    except BrokenPipeError:
        raise
    except Exception as exc:  # a bug of ours must not become a traceback for an educator
        detail = printable(f"{type(exc).__name__}: {exc}")
        print(f"mlday simulate: internal error ({detail}); please report it", file=sys.stderr)
        return EXIT_FAILED


def _check_usage(args: argparse.Namespace) -> None:
    if args.record is not None and args.runs is not None and args.runs > 1:
        raise CommandError(
            ["mlday simulate: error: --record records one game; it cannot go with --runs > 1"],
            EXIT_USAGE,
        )
    if args.force and args.record is None:
        raise CommandError(["mlday simulate: error: --force only goes with --record"], EXIT_USAGE)
    if args.record is not None and not args.force and _exists(args.record):
        raise CommandError(
            [f"mlday simulate: error: {args.record} exists; use --force to replace it"],
            EXIT_USAGE,
        )
    if args.record is not None and not _is_utf8(args.scenario):
        raise CommandError(
            [
                f"{args.scenario}: a run file records the scenario's file name as text, and "
                "this name holds bytes that are not UTF-8; rename the file to record a game"
            ],
            EXIT_USAGE,
        )
    if args.record is not None and args.force:
        try:
            check_replaceable(args.record)
        except OSError as exc:
            raise CommandError(
                [f"mlday simulate: error: cannot replace {args.record}: {exc.strerror}"],
                EXIT_USAGE,
            ) from None


def _exists(path: str) -> bool:
    return os.path.lexists(path)


def _setup(args: argparse.Namespace) -> Setup:
    loaded = _load(args.scenario)
    rules = prepare(loaded.scenario)
    if args.actions is None:
        policy = args.policy or DEFAULT_POLICY
        return Setup(loaded, rules, policy, None, None)
    limit = MAX_ACTIONS if args.record is not None else None
    scripted = read_actions(args.actions, loaded, limit=limit)
    return Setup(loaded, rules, None, scripted, args.actions)


def _load(path: str) -> LoadedScenario:
    try:
        return load_scenario(path)
    except ScenarioUnreadable as exc:
        raise CommandError([str(p) for p in exc.problems], EXIT_USAGE) from None
    except ScenarioError as exc:
        raise CommandError([str(p) for p in exc.problems], EXIT_FAILED) from None


def read_actions(
    path: str, loaded: LoadedScenario, *, limit: int | None = None
) -> list[TimedAction]:
    """The timed actions in a JSON file, checked against the scenario; :class:`CommandError`.

    The file holds a list of ``{"tick": N, "do": ..., ...}`` records, or any object with
    an ``actions`` list of them (so a run file works). With ``limit``, a file of more
    actions than that is refused (a run file holds at most
    :data:`~game.replay.runfile.MAX_ACTIONS`).
    """
    try:
        raw = load_json(path)
    except RunFileUnreadableError as exc:
        raise CommandError([f"{path}: {exc}"], EXIT_USAGE) from None
    except RunFileError as exc:
        raise CommandError([f"{path}: {exc}"], EXIT_FAILED) from None
    records = raw.get("actions") if isinstance(raw, dict) else raw
    if not isinstance(records, list):
        raise CommandError(
            [f"{path}: expected a JSON list of actions, or an object with an 'actions' list"],
            EXIT_FAILED,
        )
    if limit is not None and len(records) > limit:
        raise CommandError(
            [
                f"{path}: {len(records):,} actions; a run file holds at most {limit:,}, "
                "so this game cannot be recorded (leave out --record to play it)"
            ],
            EXIT_FAILED,
        )
    names = loaded.scenario.names()
    actions: list[TimedAction] = []
    problems: list[str] = []
    for index, record in enumerate(records):
        try:
            actions.append(parse_action_record(record, names))
        except ActionRecordError as exc:
            problems.append(f"{path}: actions[{index}]: {exc}")
    if problems:
        more = len(problems) - MAX_ACTION_ERRORS
        shown = problems[:MAX_ACTION_ERRORS]
        raise CommandError(shown + ([f"{path}: and {more} more"] if more > 0 else []), EXIT_FAILED)
    return actions


def play_game(setup: Setup, seed: int) -> Game:
    """Play one game on a seed, by the policy or by replaying the scripted actions."""
    if setup.scripted is None:
        assert setup.policy is not None
        state, applied = play(setup.rules, seed, make_policy(setup.policy, setup.rules, seed))
        return Game(state, timed(applied))
    try:
        state = replay(setup.rules, seed, setup.scripted)
    except ReplayError as exc:
        raise CommandError([f"{setup.actions_file}: {exc} (seed {seed})"], EXIT_FAILED) from None
    return Game(state, setup.scripted)


def play_lenient(setup: Setup, seed: int) -> tuple[Game, list[SkippedAction]]:
    """Play one game on a seed; scripted actions the engine refuses are skipped, not fatal.

    This is how one action file is played over many seeds: an action that names a model
    this seed never made is left out. The game's actions are those that were applied.
    """
    if setup.scripted is None:
        return play_game(setup, seed), []
    lenient = replay_lenient(setup.rules, seed, setup.scripted)
    return Game(lenient.state, lenient.applied), lenient.skipped


def _run_one(args: argparse.Namespace, setup: Setup) -> int:
    game = play_game(setup, args.seed)
    if args.record is not None:
        _record(args, setup, game, args.seed)
    report = game_report(
        setup.loaded,
        setup.rules,
        game.state,
        seed=args.seed,
        policy=setup.policy,
        player=args.player,
        actions=len(game.actions),
    )
    if args.json:
        print(json_text(report.as_json()))
    else:
        print(printable_lines(report.text()))
    return EXIT_OK


def _record(args: argparse.Namespace, setup: Setup, game: Game, seed: int) -> None:
    run_file = make_run(
        setup.loaded,
        setup.rules,
        game.state,
        seed=seed,
        player=args.player,
        policy=setup.policy,
        actions=game.actions,
    )
    try:
        write_run(args.record, run_file, force=args.force)
    except RunFileExistsError as exc:
        raise CommandError([f"mlday simulate: error: {exc}"], EXIT_USAGE) from None
    except RunFileError as exc:
        raise CommandError(
            [f"{args.record}: cannot write the run file: {exc}"], EXIT_FAILED
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        message = f"{args.record}: cannot write the run file: {reason}"
        raise CommandError([message], EXIT_USAGE) from None
    print(printable(f"recorded {args.record}"), file=sys.stderr)


def _run_many(args: argparse.Namespace, setup: Setup) -> int:
    totals: list[int] = []
    parts: dict[str, float] = {}
    skipped: dict[int, list[SkippedAction]] = {}
    last: Game | None = None
    start = time.perf_counter()
    for seed in range(args.seed, args.seed + args.runs):
        last, refused = play_lenient(setup, seed)
        if refused:
            skipped[seed] = refused
        result = score(last.state, setup.rules)
        totals.append(result.total)
        for name, value in result.parts.items():
            parts[name] = parts.get(name, 0.0) + value
    elapsed = time.perf_counter() - start
    if args.record is not None and last is not None:
        _record(args, setup, last, args.seed)
    stats = runs_summary(setup, args.seed, totals, parts, elapsed)
    if setup.scripted is not None:
        stats["skipped_actions"] = skipped_summary(skipped)
    if args.json:
        print(json_text(stats))
    else:
        text = runs_text(printable_values(stats))
        if setup.scripted is not None:
            text += "\n" + skipped_text(stats["skipped_actions"])
        print(printable_lines(text))
    return EXIT_OK


def skipped_summary(skipped: dict[int, list[SkippedAction]]) -> dict[str, Any]:
    """The ``skipped_actions`` part of ``--runs --json``: refused actions counted per seed.

    ``per_seed`` lists only the seeds where some action was skipped, in seed order, each
    with the count and the first skipped action's place and reason: in English, and as the
    refusal's ``code`` and ``values`` (both null for an action out of time).
    """
    return {
        "games": len(skipped),
        "actions": sum(len(refused) for refused in skipped.values()),
        "per_seed": [
            {
                "seed": seed,
                "skipped": len(refused),
                "first": {
                    "index": refused[0].index,
                    "tick": refused[0].timed.tick,
                    "reason": refused[0].reason,
                    "code": _code(refused[0]),
                    "values": _values(refused[0]),
                },
            }
            for seed, refused in sorted(skipped.items())
        ],
    }


def _code(skipped: SkippedAction) -> str | None:
    return None if skipped.refusal is None else skipped.refusal.code


def _values(skipped: SkippedAction) -> dict[str, Value] | None:
    return None if skipped.refusal is None else dict(skipped.refusal.values)


def skipped_text(summary: dict[str, Any], shown: int = 10) -> str:
    """The readable form of :func:`skipped_summary`: a total, then up to ``shown`` seeds."""
    if not summary["games"]:
        return "skipped actions: none (every action was accepted on every seed)"
    lines = [
        f"skipped actions: {summary['actions']:,} in {summary['games']:,} games "
        "(the engine refused them on those seeds)"
    ]
    for entry in summary["per_seed"][:shown]:
        first = entry["first"]
        lines.append(
            f"  seed {entry['seed']}: {entry['skipped']} skipped, first "
            f"actions[{first['index']}] at tick {first['tick']}: {first['reason']}"
        )
    more = len(summary["per_seed"]) - shown
    if more > 0:
        lines.append(f"  and {more:,} more seeds")
    return "\n".join(printable(line) for line in lines)


# --- reports -----------------------------------------------------------------------------


def runs_summary(
    setup: Setup, first_seed: int, totals: list[int], parts: dict[str, float], elapsed: float
) -> dict[str, Any]:
    """The ``--runs --json`` object: the score distribution and the speed."""
    count = len(totals)
    loaded = setup.loaded
    return {
        "format": "mlday-simulate-runs",
        "version": 1,
        "engine": ENGINE_VERSION,
        "scenario": {"id": loaded.id, "path": loaded.path, "sha256": loaded.sha256},
        "policy": setup.policy,
        "actions_file": setup.actions_file,
        "seeds": {"first": first_seed, "last": first_seed + count - 1},
        "runs": count,
        "score": {
            "mean": round(statistics.fmean(totals), 2),
            "min": min(totals),
            "max": max(totals),
            "stdev": round(statistics.pstdev(totals), 2),
        },
        "parts_mean": {name: round(total / count, 2) for name, total in parts.items()},
        "seconds": round(elapsed, 4),
        "games_per_second": round(count / elapsed, 1) if elapsed > 0 else None,
    }


def runs_text(stats: dict[str, Any]) -> str:
    """The readable form of :func:`runs_summary`."""
    who = f"policy {stats['policy']}" if stats["policy"] else f"actions {stats['actions_file']}"
    seeds = stats["seeds"]
    result = stats["score"]
    return "\n".join(
        [
            f"{stats['scenario']['id']}: {stats['runs']} games, {who}, "
            f"seeds {seeds['first']}..{seeds['last']}",
            f"score  mean {result['mean']:.1f}  min {result['min']}  max {result['max']}  "
            f"sd {result['stdev']:.1f}",
            "parts  " + "  ".join(f"{k} {v:.1f}" for k, v in stats["parts_mean"].items()),
            f"{stats['games_per_second'] or 0:,.0f} games per second",
        ]
    )
