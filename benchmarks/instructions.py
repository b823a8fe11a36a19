"""Instructions per game: a measure of the core's speed that a busy machine does not blur.

Wall-clock games per second move with the machine's load; the number of instructions a
game executes does not. This runs the games under valgrind's callgrind in two processes, one
with the scenario loaded and the warm-up games played but no measured games, one with
them, and divides the difference by the number of games (greedy on Ravi's Tuesday by default).

    uv run python benchmarks/instructions.py [--games N] [--scenario NAME] [--policy NAME]

The floor of 3,000 games per second on one core needs at most about 1.2 million
instructions per game of the pure-Python build, on a machine that runs about 3.6 billion
instructions a second of it (the figure measured on the project's build machine: games
per second of CPU time times instructions per game). The compiled build's C code retires
more instructions a second (4.4 to 5 billion on the same machine), so for it the count
compares builds and commits, and ``bench_core.py``'s games per second judge the floor.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from game.core import engine
from game.core.engine import play
from game.core.rules import prepare
from game.policies import make_policy
from game.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 50
"""Games played before the measured ones, so that shared caches are warm in both runs."""
INSTRUCTIONS_PER_SECOND = 3.6e9
"""What one core runs of the pure-Python build in a second, measured on the project's build
machine."""
FLOOR = 3000
"""Games per second on one core that the core must reach."""
COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def play_games(scenario: str, policy: str, games: int) -> None:
    """Load the scenario, play the warm-up games, then the measured ones (seeds from 0)."""
    rules = prepare(load_scenario(ROOT / "scenarios" / f"{scenario}.yaml").scenario)
    for seed in range(WARM_UP):
        play(rules, seed, make_policy(policy, rules, seed))
    for seed in range(games):
        play(rules, seed, make_policy(policy, rules, seed))


def callgrind(scenario: str, policy: str, games: int) -> subprocess.Popen[str]:
    """A process, under callgrind, that plays this many games after the warm-up ones."""
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
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def collected(process: subprocess.Popen[str]) -> int:
    """The instructions that callgrind counted for the whole process."""
    _, errors = process.communicate()
    found = COLLECTED.search(errors)
    if process.returncode != 0 or found is None:
        raise SystemExit(f"callgrind printed no instruction count:\n{errors}")
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
    # Both at once: the counts do not depend on what else the machine runs.
    base_run = callgrind(args.scenario, args.policy, 0)
    games_run = callgrind(args.scenario, args.policy, args.games)
    base, total = collected(base_run), collected(games_run)
    per_game = (total - base) / args.games
    print(f"{args.scenario}, {args.policy}: {per_game:,.0f} instructions per game")
    if not engine.__file__.endswith(".py"):
        print("the compiled build: bench_core.py's games per second judge the floor")
        return
    rate = INSTRUCTIONS_PER_SECOND / per_game
    print(
        f"at {INSTRUCTIONS_PER_SECOND / 1e9:.1f} G instructions per second: {rate:,.0f} games "
        f"per second (floor {FLOOR:,}: at most {INSTRUCTIONS_PER_SECOND / FLOOR:,.0f} per game)"
    )


if __name__ == "__main__":
    main()
