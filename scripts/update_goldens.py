"""Record the golden run files: one per shipped scenario and built-in policy, on seed 0.

`tests/test_golden.py` verifies every one of them (exact score, exact final digest and
checkpoints), so any change that moves a game's results fails a test. When a change is
meant to move results, bump the engine version in `game/__init__.py` and run this again:

    uv run python scripts/update_goldens.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.core.engine import play  # noqa: E402
from game.core.rules import prepare  # noqa: E402
from game.policies import POLICIES, make_policy  # noqa: E402
from game.replay.replay import timed  # noqa: E402
from game.replay.runfile import make_run, write_run  # noqa: E402
from game.scenario.load import load_scenario  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
SEED = 0


def main() -> None:
    """Write tests/golden/SCENARIO-POLICY.json for every pair, replacing the old ones."""
    os.chdir(ROOT)  # scenario paths are recorded relative to the repository
    GOLDEN.mkdir(exist_ok=True)
    for old in GOLDEN.glob("*.json"):
        old.unlink()
    for path in sorted(Path("scenarios").glob("*.yaml")):
        loaded = load_scenario(path)
        rules = prepare(loaded.scenario)
        for policy in sorted(POLICIES):
            state, applied = play(rules, SEED, make_policy(policy, rules, SEED))
            run = make_run(
                loaded, rules, state, seed=SEED, player="golden", policy=policy,
                actions=timed(applied),
            )  # fmt: skip
            write_run(GOLDEN / f"{loaded.id}-{policy}.json", run)
            print(f"{loaded.id:<20} {policy:<10} {run.score.total:>5}")


if __name__ == "__main__":
    main()
