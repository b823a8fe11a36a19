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
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

KeyPart = str | int
"""One part of a draw's key: an id (text) or a count (a whole number)."""

FORMAT = "mlday-luck-1"
"""Written first into every keyed message, so these draws never coincide with any other
use of the same hash; a new keying would get a new name."""

UNIT = 2.0**-53
"""A 53-bit integer times this is a double in [0, 1), exactly."""

STANDARD_NORMAL = NormalDist(0.0, 1.0)

SEEDS_KEPT = 64
"""How many seeds' hashers are kept (a game's draws all use its own seed's)."""

KEYS_KEPT = 1 << 16
"""How many keys' bytes are kept: games on the same scenario draw mostly the same keys
(the seed is not part of them), and writing a key's literal costs a third of a draw."""


def seed_bytes(seed: int) -> bytes:
    """The canonical bytes of a seed, with which every message of its game begins."""
    return f"{FORMAT} {seed} ".encode()


@lru_cache(maxsize=SEEDS_KEPT)
def seeded(seed: int) -> hashlib.blake2b:
    """A hasher that has read the seed's bytes. Each draw hashes the key's bytes in a copy
    of it: the same digest as the whole message's, for a quarter less work than hashing
    the message afresh."""
    return hashlib.blake2b(seed_bytes(seed), digest_size=8)


@lru_cache(maxsize=KEYS_KEPT)
def key_literal(key: tuple[KeyPart, ...]) -> bytes:
    """The canonical bytes of a key, which end the message.

    The key is written as its Python literal (``repr``): texts quoted and escaped, whole
    numbers in decimal, so no two different keys give the same bytes. (A key is texts and
    whole numbers only; the game's ids are ASCII, whose literals are the same on every
    Python version.)
    """
    return repr(key).encode("utf-8", "surrogatepass")


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

        The normal quantile of the key's uniform: a larger uniform gives a larger normal.
        """
        return STANDARD_NORMAL.inv_cdf(self.uniform(*key))

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
    # The top 53 bits, centred in their step so that neither 0 nor 1 can come out.
    return ((int.from_bytes(hasher.digest(), "little") >> 11) + 0.5) * UNIT
