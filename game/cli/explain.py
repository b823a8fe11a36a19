"""``mlday explain RUN.json``: the counterfactual debrief of a recorded game.

Replays the run's game with each of the player's decisions changed in turn, under the
same seed, and prints the changes that would have moved the score, best first, each with
the score parts that moved. ``--seeds N`` also gives each change's mean over N paired
seeds, so a lucky outcome is told apart from a better decision. ``--json`` prints one
JSON object (documented in ``docs/run-files.md``). The run's scenario is found as
``mlday verify`` finds it: ``--scenario FILE``, else the shipped scenario of its id.
Exit codes: 0 done, 1 the run file is not a valid run file or the scenario is not the
run's, 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from game.cli.errors import CommandError
from game.cli.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from game.cli.numbers import whole_number
from game.cli.safe_text import json_text, printable, printable_lines
from game.replay.explain import MAX_SEEDS, Counterfactual, Explanation, explain
from game.replay.runfile import RunFile, RunFileError, RunFileUnreadableError, read_run
from game.replay.verify import Prepared, Verifier, VerifyError

MAX_SKIPPED_SHOWN = 3
"""How many refused actions the text names."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``explain`` sub-command."""
    parser = subparsers.add_parser(
        "explain",
        help="replay a recorded game with each decision changed, best first",
        description="The counterfactual debrief: replay a run file's game with one of "
        "the player's decisions changed at a time, under the same seed, and list what "
        "each change would have scored, best first.",
        epilog="The scenario is found as verify finds it: --scenario, else the shipped "
        "scenario of the run's id (the path recorded in the run file is never read). "
        "Every listed score reproduces with `mlday simulate "
        "SCENARIO --seed S --actions FILE` on the change's actions (from --json). Exit "
        "codes: 0 done, 1 an invalid run file or the wrong scenario, 2 bad usage or "
        "unreadable input.",
    )
    parser.add_argument("file", metavar="RUN.json", help="a run file")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--seeds",
        type=whole_number("--seeds", 1, MAX_SEEDS),
        default=0,
        metavar="N",
        help="also give each change's mean over N paired seeds (the run's seed and the "
        "N-1 after it)",
    )
    parser.add_argument(
        "--scenario", metavar="FILE", help="the scenario file the run was played on"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Explain the run file named on the command line; return the exit code."""
    try:
        run_file = _read(args.file)
        prepared = _scenario(run_file, args.file, args.scenario)
        explanation = explain(
            prepared.rules, run_file.seed, list(run_file.actions), seeds=args.seeds
        )
    except CommandError as exc:
        print(printable(str(exc)), file=sys.stderr)
        return exc.code
    except BrokenPipeError:
        raise
    except Exception as exc:  # a bug of ours must not become a traceback for a student
        print(
            f"mlday explain: internal error ({type(exc).__name__}: {exc}); please report it",
            file=sys.stderr,
        )
        return EXIT_FAILED
    if explanation.score.total != run_file.score.total:
        print(
            f"{printable(args.file)}: note: the game replays to {explanation.score.total}, not the "
            f"recorded {run_file.score.total} (the run was made with engine "
            f"{printable(run_file.engine)}); the changes are measured from the replay",
            file=sys.stderr,
        )
    if args.json:
        print(json_text(explain_json(explanation, run_file)))
    else:
        print(printable_lines(explain_text(explanation, prepared)))
    return EXIT_OK


def _read(path: str) -> RunFile:
    try:
        return read_run(path)
    except RunFileUnreadableError as exc:
        raise CommandError(f"{path}: error: {exc}", EXIT_USAGE) from None
    except RunFileError as exc:
        raise CommandError(f"{path}: error: {exc}", EXIT_FAILED) from None


def _scenario(run_file: RunFile, path: str, override: str | None) -> Prepared:
    try:
        return Verifier().find_scenario(run_file, override)
    except VerifyError as exc:
        code = EXIT_USAGE if exc.unreadable else EXIT_FAILED
        raise CommandError(f"{path}: error: {exc.reason}", code) from None


# --- output -----------------------------------------------------------------------------


def explain_json(explanation: Explanation, run_file: RunFile) -> dict[str, Any]:
    """The ``--json`` object: the explanation, with the scenario it was played on."""
    document = explanation.as_dict()
    scenario = {"id": run_file.scenario.id, "sha256": run_file.scenario.sha256}
    return {
        "format": document.pop("format"),
        "version": document.pop("version"),
        "scenario": scenario,
        **document,
    }


def explain_text(explanation: Explanation, prepared: Prepared) -> str:
    """The readable debrief: the player's score, then each change that moved it."""
    title = prepared.loaded.scenario.title
    seeds = _seed_range(explanation)
    head = f"{title}, seed {explanation.seed}: your game scored {explanation.score.total}"
    if explanation.mean is not None:
        head += f"; on seeds {seeds} your actions average {explanation.mean:.1f}"
    lines = [head + "."]
    if explanation.skipped:
        count = len(explanation.skipped)
        lines.append(
            f"{count} of your actions {'was' if count == 1 else 'were'} refused on replay "
            "and left out:"
        )
        lines += [
            f"  actions[{skipped.index}] at tick {skipped.timed.tick}: {skipped.reason}"
            for skipped in explanation.skipped[:MAX_SKIPPED_SHOWN]
        ]
        if count > MAX_SKIPPED_SHOWN:
            lines.append(f"  and {count - MAX_SKIPPED_SHOWN} more")
    shown = [change for change in explanation.counterfactuals if _moves(change)]
    if not shown:
        lines.append("No single change to your decisions would have moved the score.")
        return "\n".join(lines)
    lines.append("")
    lines.append("What one change would have done, under the same luck, best first:")
    if explanation.mean is not None:
        lines.append(
            f"(the average replays your actions and the changed ones on seeds {seeds}: "
            "a gain on your seed that does not hold on average was luck, not a better "
            "decision)"
        )
    lines += [f"  {_line(change, seeds)}" for change in shown]
    still = len(explanation.counterfactuals) - len(shown)
    if still:
        lines.append(
            f"  ({still} other change{'s' if still > 1 else ''} would not have moved the score)"
        )
    return "\n".join(lines)


def _seed_range(explanation: Explanation) -> str:
    last = explanation.seed + explanation.seeds - 1
    return f"{explanation.seed}-{last}"


def _moves(change: Counterfactual) -> bool:
    return change.gain != 0 or (change.mean_gain is not None and round(change.mean_gain, 1) != 0.0)


def _line(change: Counterfactual, seeds: str) -> str:
    parts = change.moved_text()
    line = f"{change.change}: {change.gain:+d}" + (f" ({parts})" if parts else "")
    if change.mean_gain is not None:
        line += f"; on seeds {seeds}, {change.mean_gain:+.1f} on average"
        note = change.luck()
        if note is not None:
            line += f" ({note})"
    return line
