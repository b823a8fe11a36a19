"""Headless speed: games per second per core, and scenario load-and-validate time.

Targets: at least 3,000 one-day games per second on one core (greedy on Ravi's Tuesday),
under 50 ms to load and validate a shipped scenario, and a replay whose time grows in
proportion to its number of actions (20,000 and 40,000 start/stop pairs).

    uv run python benchmarks/bench_core.py [--games N] [--rounds N] [--loads N]

Each figure is timed over several rounds of the same games; the table shows the best
round (the speed of the code, least disturbed by other work on the machine), the median
round, and the best round's rate in CPU time (this process's own time on the core, which
other work on the machine disturbs less than the clock). The load average is printed with
them: on a busy machine every figure falls. ``benchmarks/instructions.py`` counts the
instructions per game, a figure that the load does not move.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import game
from game.core import engine
from game.core.engine import play
from game.core.rules import prepare
from game.policies import make_policy
from game.replay.replay import TimedAction, replay
from game.scenario.actions import StartJob, StopJob
from game.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("tutorial", "ravi-tuesday")
POLICIES = ("greedy", "reference", "idle")
"""The players timed: the floor is greedy's; idle shows the engine alone."""


def games_per_second(path: Path, policy: str, games: int, rounds: int) -> list[tuple[float, float]]:
    """One process, one core: games played per second of the clock and of CPU time in
    each round, the scenario prepared once and the first games played before timing (the
    shared caches warm)."""
    rules = prepare(load_scenario(path).scenario)
    for seed in range(min(games, 50)):
        play(rules, seed, make_policy(policy, rules, seed))
    rates = []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        for seed in range(games):
            play(rules, seed, make_policy(policy, rules, seed))
        seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        rates.append((games / seconds, games / cpu))
    return rates


def load_milliseconds(path: Path, loads: int) -> tuple[float, float]:
    """Median and worst time to read, parse and validate the file, in milliseconds."""
    times = []
    for _ in range(loads):
        start = time.perf_counter()
        load_scenario(path)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def start_stop_seconds(pairs: int) -> float:
    """Seconds to replay this many start/stop pairs of one job on the tiny test scenario."""
    rules = prepare(load_scenario(ROOT / "tests" / "data" / "tiny.yaml").scenario)
    job = rules.job_ids[0]
    actions = []
    for n in range(1, pairs + 1):
        actions.append(TimedAction(0, StartJob(job=job)))
        actions.append(TimedAction(0, StopJob(run=f"{job}-{n}")))
    start = time.perf_counter()
    replay(rules, 0, actions)
    return time.perf_counter() - start


def build() -> str:
    """Which build of the core runs: compiled by mypyc, or pure Python (and why)."""
    manifest_path = Path(game.__file__).parent / "build.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    if not str(engine.__file__).endswith(".py"):
        packages = sorted({".".join(name.split(".")[:2]) for name in manifest["modules"]})
        return f"compiled by {manifest['compiler']} ({', '.join(packages)})"
    return f"pure Python ({manifest.get('reason', 'no build manifest')})"


def load_average() -> str:
    """The machine's load average over 1, 5 and 15 minutes."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def main() -> None:
    """Print the figures as a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--games", type=int, default=5000, help="games per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per figure")
    parser.add_argument("--loads", type=int, default=30, help="loads per scenario")
    args = parser.parse_args()
    print(f"build: {build()}")
    print("games per second on one core (target: at least 3000, greedy on ravi-tuesday)")
    print(f"load average at the start: {load_average()}")
    print(
        f"{'scenario':<14} {'policy':<10} {'best round':>11} {'median round':>13}"
        f" {'best, CPU time':>15}"
    )
    for name in SCENARIOS:
        path = ROOT / "scenarios" / f"{name}.yaml"
        for policy in POLICIES:
            rates = games_per_second(path, policy, args.games, args.rounds)
            best, median = max(rates), statistics.median(clock for clock, _ in rates)
            print(f"{name:<14} {policy:<10} {best[0]:>11,.0f} {median:>13,.0f} {best[1]:>15,.0f}")
    print(f"load average at the end: {load_average()}")
    print()
    print(f"{'scenario':<14} {'load+validate median':>21} {'worst':>8}   target < 50 ms")
    for name in SCENARIOS:
        median, worst = load_milliseconds(ROOT / "scenarios" / f"{name}.yaml", args.loads)
        print(f"{name:<14} {median:>18.1f} ms {worst:>5.1f} ms")
    print()
    for pairs in (20_000, 40_000):
        seconds = start_stop_seconds(pairs)
        print(f"replay of {pairs:,} start/stop pairs: {seconds:.2f} s")


if __name__ == "__main__":
    main()
