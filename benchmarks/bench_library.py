"""What one game of each shipped scenario costs: milliseconds of CPU time per game.

A class's run files are verified by playing them again, so every scenario of the library
must stay cheap to play, the five-day week included (a few milliseconds a game).

    uv run python benchmarks/bench_library.py [--games N] [--rounds N]

Each figure is the best round's CPU time per game on one core, for each built-in player.
The load average is printed with them: on a busy machine every figure rises.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from game.core.engine import play
from game.core.rules import prepare
from game.policies import make_policy
from game.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ("idle", "greedy", "random", "reference")


def milliseconds_per_game(path: Path, policy: str, games: int, rounds: int) -> float:
    """The best round's CPU milliseconds per game, the scenario prepared once."""
    rules = prepare(load_scenario(path).scenario)
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for seed in range(games):
            play(rules, seed, make_policy(policy, rules, seed))
        best = min(best, (time.process_time() - start) * 1000 / games)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--games", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print("CPU milliseconds per game on one core, best round")
    print(f"load average at the start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'scenario':20}" + "".join(f"{policy:>11}" for policy in POLICIES))
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        figures = [milliseconds_per_game(path, p, args.games, args.rounds) for p in POLICIES]
        print(f"{path.stem:20}" + "".join(f"{ms:11.2f}" for ms in figures))


if __name__ == "__main__":
    main()
