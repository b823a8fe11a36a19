"""The game's draws: numbers computed from the seed and a key, never from a stream."""

from __future__ import annotations

import hashlib
import math
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.core.luck import (
    FORMAT,
    LARGEST,
    UNIT,
    Luck,
    key_bytes,
    normal_quantile,
    uniform_of,
)


def test_a_draw_is_a_function_of_the_seed_and_the_key() -> None:
    luck = Luck(7)
    first = luck.uniform("dashboard", 3)
    for other in range(50):  # drawing other keys in between changes nothing
        luck.uniform("dashboard", other)
        luck.normal("eval", "eval_golden", "baseline", "en", other)
    assert luck.uniform("dashboard", 3) == first
    assert Luck(7).uniform("dashboard", 3) == first
    assert Luck(7).normal("x", 1) == Luck(7).normal("x", 1)
    assert Luck(7).exponential(2.0, "x", 1) == Luck(7).exponential(2.0, "x", 1)


def test_other_seeds_and_other_keys_give_other_numbers() -> None:
    assert Luck(1).uniform("dashboard", 3) != Luck(2).uniform("dashboard", 3)
    assert Luck(1).uniform("dashboard", 3) != Luck(1).uniform("dashboard", 4)
    assert Luck(1).uniform("dashboard", 3) != Luck(1).uniform("event chance", 3)


def test_the_seed_and_the_key_are_hashed_as_canonical_bytes() -> None:
    message = key_bytes(5, ("eval", "eval_golden", 12))
    assert message == (FORMAT + " 5 ('eval', 'eval_golden', 12)").encode()
    digest = hashlib.blake2b(message, digest_size=8).digest()
    expected = ((int.from_bytes(digest, "little") >> 11) + 0.5) / 2**53
    assert Luck(5).uniform("eval", "eval_golden", 12) == expected


@pytest.mark.parametrize(
    ("one", "two"),
    [
        (("ab", "c"), ("a", "bc")),
        (("a", 1), ("a", "1")),  # a count is not the text of its digits
        (("a', 'b",), ("a", "b")),  # a quote inside a text is escaped
        (("a;", 1), ("a", ";", 1)),
        ((), ("",)),
        ((12,), (1, 2)),
    ],
)
def test_different_keys_never_share_bytes(
    one: tuple[str | int, ...], two: tuple[str | int, ...]
) -> None:
    assert key_bytes(0, one) != key_bytes(0, two)
    assert key_bytes(1, one) != key_bytes(12, one)


def test_any_text_makes_a_key() -> None:
    assert 0.0 < Luck(0).uniform("\ud800", "é", "\n") < 1.0


def test_distributions() -> None:
    luck = Luck(11)
    n = 20_000
    uniforms = [luck.uniform("u", i) for i in range(n)]
    assert all(0.0 < u < 1.0 for u in uniforms)
    assert statistics.fmean(uniforms) == pytest.approx(0.5, abs=4 * math.sqrt(1 / 12 / n))
    normals = [luck.normal("n", i) for i in range(n)]
    assert statistics.fmean(normals) == pytest.approx(0.0, abs=4 / math.sqrt(n))
    assert statistics.stdev(normals) == pytest.approx(1.0, abs=0.03)
    waits = [luck.exponential(3.0, "e", i) for i in range(n)]
    assert min(waits) > 0.0
    assert statistics.fmean(waits) == pytest.approx(3.0, abs=4 * 3.0 / math.sqrt(n))


def test_a_normal_is_the_quantile_of_its_keys_uniform() -> None:
    luck = Luck(4)
    u = luck.uniform("k", 9)
    assert luck.normal("k", 9) == pytest.approx(statistics.NormalDist().inv_cdf(u), abs=1e-15)
    assert luck.exponential(2.0, "k", 9) == pytest.approx(-math.log(u) * 2.0, abs=1e-15)


STANDARD_NORMAL = statistics.NormalDist()

EDGES = [
    0.5 * UNIT,  # the smallest uniform a draw gives, and the largest
    LARGEST,
    0.5,
    0.075,  # where the central range meets the tails
    0.925,
    math.nextafter(0.075, 0.0),
    math.nextafter(0.925, 1.0),
    math.exp(-25.0),  # where the near tail meets the far one
    math.nextafter(math.exp(-25.0), 0.0),
    1e-300,
]


@pytest.mark.parametrize("p", EDGES)
def test_the_normal_quantile_is_pythons_to_the_last_bit_at_its_edges(p: float) -> None:
    assert normal_quantile(p) == STANDARD_NORMAL.inv_cdf(p)


@given(st.floats(min_value=0.0, max_value=1.0, exclude_min=True, exclude_max=True))
def test_the_normal_quantile_is_pythons_to_the_last_bit(p: float) -> None:
    """The game's own AS241 gives the numbers ``statistics.NormalDist.inv_cdf`` gives (in
    both builds: the compiled one forbids fused multiply-adds)."""
    assert normal_quantile(p) == STANDARD_NORMAL.inv_cdf(p)


def test_the_normal_quantile_is_pythons_on_a_fine_grid() -> None:
    for step in range(1, 100_000):
        p = step / 100_000
        assert normal_quantile(p) == STANDARD_NORMAL.inv_cdf(p), p


def test_the_first_numbers_of_a_seed_are_fixed() -> None:
    """A seed means the same game on every machine and every release of this engine."""
    luck = Luck(0)
    assert luck.uniform("dashboard", 0) == pytest.approx(0.9950405574078107, abs=1e-15)
    assert luck.normal("dashboard", 1) == pytest.approx(0.5120727688371142, abs=1e-15)


def test_the_top_word_draws_the_largest_number_below_one() -> None:
    """Centred in its step, the largest 53-bit word would round to 1.0, where a normal
    or an exponential has no value."""
    top = 2**53 - 1
    assert (top + 0.5) * UNIT == 1.0
    assert uniform_of(2**64 - 1) == uniform_of(top << 11) == LARGEST < 1.0
    assert uniform_of((top - 1) << 11) < LARGEST
    assert uniform_of(0) == 0.5 * UNIT > 0.0


@pytest.mark.parametrize("seed", [0, 1, -1, 2**63 - 1, 2**200])
def test_every_whole_number_seeds_luck(seed: int) -> None:
    assert 0.0 < Luck(seed).uniform("dashboard", 0) < 1.0


def test_luck_is_its_seed() -> None:
    assert Luck(3) == Luck(3)
    assert Luck(3) != Luck(4)
    with pytest.raises(AttributeError):
        Luck(3).seed = 4  # type: ignore[misc]
