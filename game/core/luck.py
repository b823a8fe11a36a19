"""The game's luck: every random number is a pure function of the seed and its purpose.

A draw is named by a key that says what it is for, such as ``("dashboard", 7)`` for the
dashboard's noise at tick 7 or ``("training noise", "lora_es-1", "es_cs")`` for the
noise of one segment of one training run. The number is computed from the seed and the
key alone: the BLAKE2b digest of their canonical bytes (the seed's, then the key's), read
as a 53-bit uniform. It never depends on how many numbers were drawn before, so an action
changes only the draws it owns, and two games on the same seed share every draw they both
make (common random numbers). ``docs/mechanics.md`` (section 15) lists every key the game uses.
"""

from __future__ import annotations

import hashlib
import math
import struct
from dataclasses import dataclass
from typing import Final

KeyPart = str | int
"""One part of a draw's key: an id (text) or a count (a whole number)."""

FORMAT: Final = "mlday-luck-1"
"""Written first into every keyed message, so these draws never coincide with any other
use of the same hash; a new keying would get a new name."""

UNIT: Final = 2.0**-53
"""A 53-bit integer times this is a double in [0, 1), exactly."""

LARGEST: Final = 1.0 - UNIT
"""The largest double below 1, and the largest draw."""

WORD: Final = struct.Struct("<Q")
"""A digest's 8 bytes read as one unsigned 64-bit integer, little-endian."""

SEEDS_KEPT: Final = 64
"""How many seeds' hashers are kept (a game's draws all use its own seed's)."""

KEYS_KEPT: Final = 1 << 16
"""How many keys' bytes are kept: games on the same scenario draw mostly the same keys
(the seed is not part of them), and writing a key's literal costs a third of a draw."""


def seed_bytes(seed: int) -> bytes:
    """The canonical bytes of a seed, with which every message of its game begins."""
    return f"{FORMAT} {seed} ".encode()


# Two plain dicts, emptied when full, rather than functools.lru_cache: from compiled code a
# dict lookup is several times cheaper than a call through the cache's wrapper (2% of a
# game's instructions, benchmarks/instructions.py).
HASHERS: Final[dict[int, hashlib.blake2b]] = {}
"""Each recent seed's hasher (:func:`seeded`)."""

LITERALS: Final[dict[tuple[KeyPart, ...], bytes]] = {}
"""Each recent key's canonical bytes (:func:`key_literal`)."""


def seeded(seed: int) -> hashlib.blake2b:
    """A hasher that has read the seed's bytes. Each draw hashes the key's bytes in a copy
    of it: the same digest as the whole message's, for a quarter less work than hashing
    the message afresh."""
    hasher = HASHERS.get(seed)
    if hasher is None:
        if len(HASHERS) >= SEEDS_KEPT:
            HASHERS.clear()
        hasher = HASHERS[seed] = hashlib.blake2b(seed_bytes(seed), digest_size=8)
    return hasher


def key_literal(key: tuple[KeyPart, ...]) -> bytes:
    """The canonical bytes of a key, which end the message.

    The key is written as its Python literal (``repr``): texts quoted and escaped, whole
    numbers in decimal, so no two different keys give the same bytes. (A key is texts and
    whole numbers only; the game's ids are ASCII, whose literals are the same on every
    Python version.)
    """
    literal = LITERALS.get(key)
    if literal is None:
        if len(LITERALS) >= KEYS_KEPT:
            LITERALS.clear()
        literal = LITERALS[key] = repr(key).encode("utf-8", "surrogatepass")
    return literal


def key_bytes(seed: int, key: tuple[KeyPart, ...]) -> bytes:
    """The canonical bytes of a seed and a key, the message that is hashed."""
    return seed_bytes(seed) + key_literal(key)


@dataclass(frozen=True, slots=True)
class Luck:
    """A game's luck: its seed, and the numbers the seed gives each key.

    The seed is all there is to it, and all that the state's digest records of it.
    """

    seed: int

    def __init__(self, seed: int) -> None:
        # Written out to be compiled: the constructor @dataclass generates stays interpreted
        # Python, ten times the instructions. Frozen: the seed is set as that one sets it.
        object.__setattr__(self, "seed", seed)

    def __reduce__(self) -> tuple[type[Luck], tuple[int]]:
        """Copied and pickled as ``Luck(seed)``: compiled by mypyc, a frozen class cannot
        have its fields set one by one, as copying would otherwise do."""
        return (Luck, (self.seed,))

    def uniform(self, *key: KeyPart) -> float:
        """A uniform number strictly between 0 and 1, for this key."""
        return draw(self.seed, key)

    def normal(self, *key: KeyPart) -> float:
        """A standard normal number (mean 0, standard deviation 1), for this key.

        The normal quantile of the key's uniform (:func:`normal_quantile`): a larger uniform
        gives a larger normal.
        """
        return normal_quantile(self.uniform(*key))

    def failures(self, chance: float, *key: KeyPart) -> int:
        """How many trials fail before the first success, when each succeeds with this
        chance (0 < chance < 1), for this key: a geometric number, with ``(1 - chance) ** n``
        the chance of at least n failures. Drawn by inverting its CDF:
        ``floor(ln u / ln(1 - chance))``.
        """
        return math.floor(math.log(self.uniform(*key)) / math.log1p(-chance))

    def exponential(self, mean: float, *key: KeyPart) -> float:
        """An exponential number with this mean, for this key (by inverting its CDF)."""
        return -math.log(self.uniform(*key)) * mean


def draw(seed: int, key: tuple[KeyPart, ...]) -> float:
    """The uniform number strictly between 0 and 1 that a seed gives a key (the number
    behind every draw of :class:`Luck`)."""
    hasher = seeded(seed).copy()
    hasher.update(key_literal(key))
    word: int = WORD.unpack(hasher.digest())[0]
    return uniform_of(word)


def uniform_of(word: int) -> float:
    """The uniform number strictly between 0 and 1 that a digest's 64-bit word gives: its
    top 53 bits, centred in their step so that 0 cannot come out. The top step's centre
    rounds to 1.0, so it gives the largest number below 1 instead."""
    return min(((word >> 11) + 0.5) * UNIT, LARGEST)


# AS241's coefficients, highest power first: for |p - 0.5| <= 0.425, then for tails with
# sqrt(-ln(tail)) <= 5, then beyond. Typed as tuples of any length because mypyc 2.4 never
# sets a Final tuple of a fixed number of floats (reading it raises NameError).
CENTRAL_NUMERATOR: Final[tuple[float, ...]] = (
    2.50908_09287_30122_6727e3,
    3.34305_75583_58812_8105e4,
    6.72657_70927_00870_0853e4,
    4.59219_53931_54987_1457e4,
    1.37316_93765_50946_1125e4,
    1.97159_09503_06551_4427e3,
    1.33141_66789_17843_7745e2,
    3.38713_28727_96366_6080e0,
)
CENTRAL_DENOMINATOR: Final[tuple[float, ...]] = (
    5.22649_52788_52854_5610e3,
    2.87290_85735_72194_2674e4,
    3.93078_95800_09271_0610e4,
    2.12137_94301_58659_5867e4,
    5.39419_60214_24751_1077e3,
    6.87187_00749_20579_0830e2,
    4.23133_30701_60091_1252e1,
    1.0,
)
NEAR_NUMERATOR: Final[tuple[float, ...]] = (
    7.74545_01427_83414_07640e-4,
    2.27238_44989_26918_45833e-2,
    2.41780_72517_74506_11770e-1,
    1.27045_82524_52368_38258e0,
    3.64784_83247_63204_60504e0,
    5.76949_72214_60691_40550e0,
    4.63033_78461_56545_29590e0,
    1.42343_71107_49683_57734e0,
)
NEAR_DENOMINATOR: Final[tuple[float, ...]] = (
    1.05075_00716_44416_84324e-9,
    5.47593_80849_95344_94600e-4,
    1.51986_66563_61645_71966e-2,
    1.48103_97642_74800_74590e-1,
    6.89767_33498_51000_04550e-1,
    1.67638_48301_83803_84940e0,
    2.05319_16266_37758_82187e0,
    1.0,
)
FAR_NUMERATOR: Final[tuple[float, ...]] = (
    2.01033_43992_92288_13265e-7,
    2.71155_55687_43487_57815e-5,
    1.24266_09473_88078_43860e-3,
    2.65321_89526_57612_30930e-2,
    2.96560_57182_85048_91230e-1,
    1.78482_65399_17291_33580e0,
    5.46378_49111_64114_36990e0,
    6.65790_46435_01103_77720e0,
)
FAR_DENOMINATOR: Final[tuple[float, ...]] = (
    2.04426_31033_89939_78564e-15,
    1.42151_17583_16445_88870e-7,
    1.84631_83175_10054_68180e-5,
    7.86869_13114_56132_59100e-4,
    1.48753_61290_85061_48525e-2,
    1.36929_88092_27358_05310e-1,
    5.99832_20655_58879_37690e-1,
    1.0,
)


def normal_quantile(p: float) -> float:
    """The standard normal number below which a share ``p`` (0 < p < 1) of the
    distribution lies: Wichura's algorithm AS241 (Applied Statistics 37(3), 1988), a ratio
    of two polynomials in each of three ranges, good to about 1e-16.

    The same coefficients and the same order of operations as Python's
    ``statistics.NormalDist.inv_cdf``, so the numbers are identical; written here so that
    every build computes them under the game's own floating-point rules (the compiled build
    forbids fused multiply-adds, which change the last bits on some machines).
    """
    q = p - 0.5
    if math.fabs(q) <= 0.425:
        r = 0.180625 - q * q
        return _polynomial(CENTRAL_NUMERATOR, r) * q / _polynomial(CENTRAL_DENOMINATOR, r)
    r = math.sqrt(-math.log(p if q <= 0.0 else 1.0 - p))
    if r <= 5.0:
        r -= 1.6
        x = _polynomial(NEAR_NUMERATOR, r) / _polynomial(NEAR_DENOMINATOR, r)
    else:
        r -= 5.0
        x = _polynomial(FAR_NUMERATOR, r) / _polynomial(FAR_DENOMINATOR, r)
    return -x if q < 0.0 else x


def _polynomial(coefficients: tuple[float, ...], r: float) -> float:
    """The polynomial at r, by Horner's rule: highest power's coefficient first. (The
    first step, 0 * r + c, is c exactly.)"""
    value = 0.0
    for coefficient in coefficients:
        value = value * r + coefficient
    return value
