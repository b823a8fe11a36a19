"""Golden replays: a recorded game per shipped scenario and built-in policy.

Each file in tests/golden/ is a run file of seed 0 (made by scripts/update_goldens.py).
Verifying it re-simulates the game and compares the exact score, the final digest and the
checkpoints on the way, so a change that moves any game's results fails here; such a
change bumps the engine version on purpose and records the goldens again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from game.policies import POLICIES
from game.replay.runfile import read_run
from game.replay.verify import Verifier

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
SCENARIOS = sorted(path.stem for path in (ROOT / "scenarios").glob("*.yaml"))
VERIFIER = Verifier()


def test_every_scenario_and_policy_has_a_golden_run() -> None:
    expected = {f"{scenario}-{policy}.json" for scenario in SCENARIOS for policy in POLICIES}
    assert {path.name for path in GOLDEN.glob("*.json")} == expected


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.json")), ids=lambda path: path.stem)
def test_a_golden_run_replays_to_its_exact_score_and_digest(path: Path) -> None:
    verdict = VERIFIER.verify(path)
    assert verdict.ok, f"{path.name}: {verdict.reason} (a change moved results: see the docstring)"
    assert verdict.score == read_run(path).score.total
