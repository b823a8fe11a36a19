"""Verifying a classroom's run files: 40 runs of Ravi's Tuesday, re-simulated and checked.

Target: under 1 s for 40 run files after start-up. Verifying replays each game and
compares its state checkpoints (every 4 ticks) on the way. Both the wall-clock time and
the process's CPU time are shown: on a shared machine the first also counts the time
other programs held the CPU.

    uv run python benchmarks/bench_verify.py [--runs N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from game.core.engine import play
from game.core.rules import prepare
from game.policies import POLICIES, make_policy
from game.replay.replay import TimedAction
from game.replay.runfile import make_run, write_run
from game.replay.verify import Verifier
from game.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "ravi-tuesday.yaml"


def record_class(folder: Path, runs: int) -> list[Path]:
    """Record ``runs`` games by a mix of policies, as a classroom would hand them in."""
    loaded = load_scenario(SCENARIO)
    rules = prepare(loaded.scenario)
    names = sorted(POLICIES)
    paths = []
    for seed in range(runs):
        policy = names[seed % len(names)]
        state, applied = play(rules, seed, make_policy(policy, rules, seed))
        actions = [TimedAction(tick=tick, action=action) for tick, action in applied]
        run = make_run(
            loaded, rules, state, seed=seed, player=f"student{seed}", policy=policy, actions=actions
        )
        path = folder / f"run{seed:02d}.json"
        write_run(path, run)
        paths.append(path)
    return paths


def main() -> None:
    """Record the runs, then time verifying all of them in one process."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40, help="run files to verify")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = record_class(Path(folder), args.runs)
        verifier = Verifier()
        start, start_cpu = time.perf_counter(), time.process_time()
        verdicts = [verifier.verify(path) for path in paths]
        seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    accepted = sum(v.ok for v in verdicts)
    print(
        f"verified {len(paths)} run files in {seconds * 1000:.0f} ms "
        f"({cpu * 1000:.0f} ms of CPU; {accepted} accepted)"
    )
    print("target: under 1000 ms after start-up")


if __name__ == "__main__":
    main()
