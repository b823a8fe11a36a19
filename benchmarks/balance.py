"""Does measuring pay? Mean scores over seeds 0-199 of a scenario's reference solution,
of its own recorded action lists replayed as fixed scripts, and of those scripts ungated.

    uv run python benchmarks/balance.py [SCENARIO] [--seeds N] [--scripts K]

The reference reads its measurements (its steps may wait on conditions). A fixed script
is the list of actions the reference took on one of seeds 0..K-1, replayed on every seed
with refused actions skipped. An ungated script is a fixed script with every eval of a
candidate model and every A/B test taken out. The simple policies are shown for scale.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from game.core.engine import play
from game.core.rules import Rules, prepare
from game.core.scoring import score
from game.policies import make_policy
from game.replay.replay import TimedAction, replay_lenient, timed
from game.scenario.actions import StartJob
from game.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def reference_scores(rules: Rules, seeds: range) -> list[int]:
    """The reference solution's score on each seed."""
    return [
        score(play(rules, seed, make_policy("reference", rules, seed))[0], rules).total
        for seed in seeds
    ]


def recorded_script(rules: Rules, seed: int) -> list[TimedAction]:
    """The actions the reference took on a seed, with their ticks."""
    return timed(play(rules, seed, make_policy("reference", rules, seed))[1])


def ungated(rules: Rules, script: list[TimedAction]) -> list[TimedAction]:
    """The script without any eval of a candidate model and without any A/B test."""
    start_model = rules.start.model_id
    kept = []
    for step in script:
        action = step.action
        if isinstance(action, StartJob):
            kind = rules.job_kinds[rules.job_index[action.job]]
            if kind == "ab_test" or (kind == "eval" and action.model not in (None, start_model)):
                continue
        kept.append(step)
    return kept


def script_scores(rules: Rules, script: list[TimedAction], seeds: range) -> list[int]:
    """A fixed script's score on each seed, refused actions skipped."""
    return [score(replay_lenient(rules, seed, script).state, rules).total for seed in seeds]


def policy_scores(rules: Rules, policy: str, seeds: range) -> list[int]:
    """A built-in policy's score on each seed."""
    return [
        score(play(rules, seed, make_policy(policy, rules, seed))[0], rules).total for seed in seeds
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios/ravi-tuesday.yaml"))
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--scripts", type=int, default=3)
    args = parser.parse_args()
    rules = prepare(load_scenario(Path(args.scenario)).scenario)
    seeds = range(args.seeds)
    reference = statistics.fmean(reference_scores(rules, seeds))
    print(f"reference            {reference:7.1f}")
    fixed, bare = [], []
    for seed in range(args.scripts):
        script = recorded_script(rules, seed)
        fixed.append(statistics.fmean(script_scores(rules, script, seeds)))
        bare.append(statistics.fmean(script_scores(rules, ungated(rules, script), seeds)))
        print(f"script of seed {seed}     {fixed[-1]:7.1f}   ungated {bare[-1]:7.1f}")
    for label, means in (("fixed", fixed), ("ungated", bare)):
        best = max(means)
        print(f"best {label:15} {best:7.1f}   (reference ahead by {reference - best:.1f})")
    for policy in ("greedy", "random", "idle"):
        print(f"{policy:20} {statistics.fmean(policy_scores(rules, policy, seeds)):7.1f}")


if __name__ == "__main__":
    main()
