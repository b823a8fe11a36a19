"""The counterfactual debrief: one run of Ravi's Tuesday explained, and with --seeds 10.

Target (docs/README.md, "Targets"): under 1 s for one run after start-up, on one core.

    uv run python benchmarks/bench_explain.py [--rounds N] [--seeds N]

Each run file (played by a built-in policy) is explained by the command itself,
``mlday explain RUN.json`` in this process with its output thrown away: reading the run
file, finding, loading and preparing the scenario, replaying every change and printing.
The first call is the one a student waits for (nothing warm yet but the imports); the
best and median of the rounds after it show the speed of the code.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import tempfile
import time
from pathlib import Path

from game.cli.main import main as mlday
from game.core.engine import play
from game.core.rules import prepare
from game.policies import make_policy
from game.replay.explain import explain
from game.replay.replay import timed
from game.replay.runfile import make_run, write_run
from game.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "ravi-tuesday.yaml"
GAMES = (("idle", 0), ("greedy", 1), ("reference", 2))


def record(folder: Path) -> list[tuple[str, Path, int]]:
    """A run file per policy, and how many changes explaining it replays."""
    loaded = load_scenario(SCENARIO)
    rules = prepare(loaded.scenario)
    made = []
    for policy, seed in GAMES:
        state, applied = play(rules, seed, make_policy(policy, rules, seed))
        run = make_run(
            loaded, rules, state, seed=seed, player="ada", policy=policy, actions=timed(applied)
        )
        path = folder / f"{policy}.json"
        write_run(path, run)
        changes = len(explain(rules, seed, timed(applied)).counterfactuals)
        made.append((policy, path, changes))
    return made


def seconds(args: list[str]) -> float:
    """Wall-clock time of one ``mlday`` command in this process, output discarded."""
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = mlday(args)
    elapsed = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"mlday {' '.join(args)} exited {code}")
    return elapsed


def main() -> None:
    """Print the figures as a table, in milliseconds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds after the first")
    parser.add_argument("--seeds", type=int, default=10, help="paired seeds for the second row")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        runs = record(Path(folder))
        print("mlday explain RUN.json on Ravi's Tuesday, ms (target: under 1000)")
        print(f"{'run':<11} {'changes':>7} {'options':<11} {'first':>7} {'best':>7} {'median':>7}")
        for options in ([], ["--seeds", str(args.seeds)]):
            for policy, path, changes in runs:
                command = ["explain", str(path), *options]
                first = seconds(command)
                rounds = [seconds(command) for _ in range(args.rounds)]
                shown = " ".join(options) or "-"
                print(
                    f"{policy:<11} {changes:>7} {shown:<11} {first * 1000:>7.0f} "
                    f"{min(rounds) * 1000:>7.0f} {statistics.median(rounds) * 1000:>7.0f}"
                )


if __name__ == "__main__":
    main()
