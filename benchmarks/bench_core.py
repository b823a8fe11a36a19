"""Headless speed: games per second per core, and scenario load-and-validate time.

Targets (DESIGN section 7): at least 5,000 one-day games per second per core with a
scripted policy, and under 50 ms to load and validate a shipped scenario.

    uv run python benchmarks/bench_core.py [--games N] [--loads N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from game.core.engine import play
from game.core.rules import prepare
from game.policies import make_policy
from game.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("tutorial", "ravi-tuesday")
POLICIES = ("greedy", "reference")


def games_per_second(path: Path, policy: str, games: int) -> float:
    """One process, one core: games played per second, the scenario prepared once."""
    rules = prepare(load_scenario(path).scenario)
    start = time.perf_counter()
    for seed in range(games):
        play(rules, seed, make_policy(policy, rules, seed))
    return games / (time.perf_counter() - start)


def load_milliseconds(path: Path, loads: int) -> tuple[float, float]:
    """Median and worst time to read, parse and validate the file, in milliseconds."""
    times = []
    for _ in range(loads):
        start = time.perf_counter()
        load_scenario(path)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    """Print the figures as a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--games", type=int, default=5000, help="games per measurement")
    parser.add_argument("--loads", type=int, default=30, help="loads per scenario")
    args = parser.parse_args()
    print(f"{'scenario':<14} {'policy':<10} {'games/s (1 core)':>17}   target >= 5000")
    for name in SCENARIOS:
        path = ROOT / "scenarios" / f"{name}.yaml"
        for policy in POLICIES:
            rate = games_per_second(path, policy, args.games)
            print(f"{name:<14} {policy:<10} {rate:>17,.0f}")
    print()
    print(f"{'scenario':<14} {'load+validate median':>21} {'worst':>8}   target < 50 ms")
    for name in SCENARIOS:
        median, worst = load_milliseconds(ROOT / "scenarios" / f"{name}.yaml", args.loads)
        print(f"{name:<14} {median:>18.1f} ms {worst:>5.1f} ms")


if __name__ == "__main__":
    main()
