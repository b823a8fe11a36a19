"""The game's draws: one seeded numpy Generator, read a block at a time."""

from __future__ import annotations

import hashlib
import math
import statistics

import numpy as np
import pytest

from game.core.draws import BLOCK, Draws, SeedWords


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
    block = np.random.Generator(np.random.PCG64(SeedWords(3))).random(BLOCK).tolist()
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


def test_the_seed_words_are_the_blake2b_digest_of_the_seed() -> None:
    words = SeedWords(3).generate_state(4, np.uint64)
    digest = hashlib.blake2b((3).to_bytes(16, "little", signed=True), digest_size=32).digest()
    assert words.dtype == np.uint64
    assert [int(w) for w in words] == [
        int.from_bytes(digest[i : i + 8], "little") for i in range(0, 32, 8)
    ]
    short = hashlib.blake2b((3).to_bytes(16, "little", signed=True), digest_size=8).digest()
    assert SeedWords(3).generate_state(2).tolist() == [
        int.from_bytes(short[i : i + 4], "little") for i in range(0, 8, 4)
    ]


def test_the_first_numbers_of_a_seed_are_fixed() -> None:
    """A seed means the same game on every machine and every release of this engine."""
    draws = Draws.seeded(0)
    assert draws.random() == pytest.approx(0.08643422977810122, abs=1e-15)
    assert draws.standard_normal() == pytest.approx(-1.806794159894884, abs=1e-15)


@pytest.mark.parametrize("seed", [0, 1, 2**63 - 1])
def test_every_seed_a_run_file_may_hold_seeds_a_generator(seed: int) -> None:
    assert 0.0 <= Draws.seeded(seed).random() < 1.0


def test_more_words_than_the_digest_holds_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot make 9 words"):
        SeedWords(1).generate_state(9, np.uint64)
