"""Instructions per game: a measure of the core's speed that a busy machine does not blur.

Wall-clock games per second move with the machine's load; the number of instructions a
game executes does not. This runs the games under valgrind's callgrind twice, once with
the scenario loaded and the warm-up games played but no timed games, once with them, and
divides the difference by the number of games (greedy on Ravi's Tuesday by default).

    uv run python benchmarks/instructions.py [--games N] [--scenario NAME] [--policy NAME]

The floor of 3,000 games per second on one core needs at most about 1.9 million
instructions per game on a machine that runs about 6 billion Python instructions a second.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from game.core.engine import play
from game.core.rules import prepare
from game.policies import make_policy
from game.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 50
"""Games played before the measured ones, so that shared caches are warm in both runs."""
COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def play_games(scenario: str, policy: str, games: int) -> None:
    """Load the scenario, play the warm-up games, then the measured ones (seeds from 0)."""
    rules = prepare(load_scenario(ROOT / "scenarios" / f"{scenario}.yaml").scenario)
    for seed in range(WARM_UP):
        play(rules, seed, make_policy(policy, rules, seed))
    for seed in range(games):
        play(rules, seed, make_policy(policy, rules, seed))


def instructions(scenario: str, policy: str, games: int) -> int:
    """Instructions that callgrind counts for a whole process playing this many games."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--play",
        str(games),
        "--scenario",
        scenario,
        "--policy",
        policy,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    found = COLLECTED.search(done.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no instruction count:\n{done.stderr}")
    return int(found.group(1))


def main() -> None:
    """Print the instructions per game, and the games per second they allow."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--games", type=int, default=200, help="games measured")
    parser.add_argument("--scenario", default="ravi-tuesday", help="a shipped scenario's id")
    parser.add_argument("--policy", default="greedy", help="the player")
    parser.add_argument("--play", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.play is not None:
        play_games(args.scenario, args.policy, args.play)
        return
    base = instructions(args.scenario, args.policy, 0)
    total = instructions(args.scenario, args.policy, args.games)
    per_game = (total - base) / args.games
    print(f"{args.scenario}, {args.policy}: {per_game:,.0f} instructions per game")
    print(f"at 6 G instructions per second: {6e9 / per_game:,.0f} games per second")


if __name__ == "__main__":
    main()
