"""The balance report of Ravi's Tuesday: 10,000 games on 2 processes, start-up included.

Target: under 5 s. The command runs in a fresh interpreter, as an educator runs it, with
enough seeds that every policy and every variation of the reference together play at
least 10,000 games. Shown: the wall-clock time, the CPU time of the command and its
worker processes, and the load average (on a shared machine the wall-clock time also
counts the time other programs held the processors).

Python keeps the bytecode of every module it imports (``__pycache__``), so an installed
mlday compiles its modules once, not at each start. The runs are timed that way, with the
cache in a temporary folder, written by one short run first. One more run is timed with
no bytecode at all (``--cold``), as the first start after an install that wrote none, or
a shell that sets ``PYTHONDONTWRITEBYTECODE``: every module of mlday, pydantic and PyYAML
is compiled from source first.

    uv run python benchmarks/bench_balance.py [--games N] [--jobs J] [--repeat K] [--cold]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from game.balance.players import players
from game.core.rules import prepare
from game.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "ravi-tuesday.yaml"
TARGET_SECONDS = 5.0


def seeds_for(games: int) -> tuple[int, int]:
    """The seeds that make at least ``games`` games, and the players on each seed."""
    count = len(players(prepare(load_scenario(SCENARIO).scenario)))
    return -(-games // count), count


def bytecode(cache: Path, *, kept: bool) -> dict[str, str]:
    """The command's environment: bytecode read from and written to ``cache``, or (not
    ``kept``) read from the empty ``cache`` and never written."""
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(cache))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not kept:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def one_run(runs: int, jobs: int, env: dict[str, str]) -> tuple[float, float, int]:
    """Wall-clock seconds, CPU seconds (command and workers) and games of one report."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "game", "balance", str(SCENARIO), "--runs", str(runs),
         "--jobs", str(jobs), "--json"],
        capture_output=True, text=True, cwd=ROOT, check=True, env=env,
    )  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, json.loads(done.stdout)["games"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=10_000, help="games at least (10,000)")
    parser.add_argument("--jobs", type=int, default=2, help="processes (2)")
    parser.add_argument("--repeat", type=int, default=3, help="times to run it (3)")
    parser.add_argument("--cold", action="store_true", help="also time a run with no bytecode")
    args = parser.parse_args()
    runs, count = seeds_for(args.games)
    print(f"ravi-tuesday: {count} ways of playing x {runs} seeds, {args.jobs} processes")
    print("load average before: " + " ".join(f"{value:.2f}" for value in os.getloadavg()))
    with tempfile.TemporaryDirectory() as kept, tempfile.TemporaryDirectory() as empty:
        one_run(2, args.jobs, bytecode(Path(kept), kept=True))  # writes the bytecode
        walls = []
        for _ in range(args.repeat):
            wall, cpu, games = one_run(runs, args.jobs, bytecode(Path(kept), kept=True))
            walls.append(wall)
            show(games, wall, cpu, "")
        print(f"best {min(walls):.2f} s")
        if args.cold:
            wall, cpu, games = one_run(runs, args.jobs, bytecode(Path(empty), kept=False))
            show(games, wall, cpu, ", no bytecode: every module compiled first")
    print("load average after: " + " ".join(f"{value:.2f}" for value in os.getloadavg()))


def show(games: int, wall: float, cpu: float, note: str) -> None:
    """One timed report's line."""
    print(
        f"{games:,} games: {wall:.2f} s wall-clock, {cpu:.2f} s CPU, "
        f"{games / wall:,.0f} games per second (target: under {TARGET_SECONDS:g} s){note}"
    )


if __name__ == "__main__":
    main()
