"""The game's draws: one seeded numpy Generator, read a block at a time."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from game.core.draws import BLOCK, Draws


def test_the_same_seed_gives_the_same_numbers_across_blocks() -> None:
    first, second = Draws.seeded(7), Draws.seeded(7)
    for _ in range(3 * BLOCK):
        assert first.random() == second.random()
        assert first.standard_normal() == second.standard_normal()
        assert first.exponential(2.0) == second.exponential(2.0)


def test_another_seed_gives_other_numbers() -> None:
    assert [Draws.seeded(1).random() for _ in range(5)] != [
        Draws.seeded(2).random() for _ in range(5)
    ]


def test_numbers_come_from_the_generator_in_blocks() -> None:
    draws = Draws.seeded(3)
    block = np.random.default_rng(3).random(BLOCK).tolist()
    assert [draws.random() for _ in range(BLOCK)] == block[::-1]
    assert draws.uniforms == []
    draws.random()
    assert len(draws.uniforms) == BLOCK - 1  # the next block, drawn only now


def test_distributions() -> None:
    draws = Draws.seeded(11)
    n = 20_000
    uniforms = [draws.random() for _ in range(n)]
    assert all(0.0 <= u < 1.0 for u in uniforms)
    assert statistics.fmean(uniforms) == pytest.approx(0.5, abs=4 * math.sqrt(1 / 12 / n))
    normals = [draws.standard_normal() for _ in range(n)]
    assert statistics.fmean(normals) == pytest.approx(0.0, abs=4 / math.sqrt(n))
    assert statistics.stdev(normals) == pytest.approx(1.0, abs=0.03)
    waits = [draws.exponential(3.0) for _ in range(n)]
    assert min(waits) >= 0.0
    assert statistics.fmean(waits) == pytest.approx(3.0, abs=4 * 3.0 / math.sqrt(n))
