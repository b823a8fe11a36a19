"""The game's one source of chance: a seeded numpy Generator, read a block at a time.

A game draws a few dozen numbers, one at a time, and a numpy Generator costs several
times more per scalar call than per number of a block. So uniforms and normals are drawn
from the game's Generator in blocks of :data:`BLOCK` and handed out one by one; a block is
drawn only when the last one is used up. The stream is still one seeded Generator, read in
an order fixed by the game's events, so a seed and the actions replay exactly.

The Generator's bit generator (PCG64) starts from :class:`SeedWords`: the BLAKE2b digest
of the seed. numpy's own ``SeedSequence`` mixes a seed as thoroughly but takes about three
times as long to set up, a few percent of a whole one-day game.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.random.bit_generator import ISeedSequence

BLOCK = 32
"""Numbers drawn from the Generator at a time, per kind (a game draws about this many)."""


class SeedWords(ISeedSequence):
    """A game's seed as the words that start its bit generator: their BLAKE2b digest.

    A seed sequence in numpy's sense (:class:`numpy.random.bit_generator.ISeedSequence`):
    ``generate_state(n, dtype)`` gives ``n`` words: the digest of the seed written as 16
    little-endian signed bytes, read as little-endian ``dtype``. Up to 64 bytes of words
    (PCG64 asks for 32).
    """

    __slots__ = ("seed",)

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray[Any, Any]:
        """The first words of the digest of the seed."""
        kind = np.dtype(dtype)
        size = n_words * kind.itemsize
        if not 0 < size <= hashlib.blake2b.MAX_DIGEST_SIZE:
            raise ValueError(f"cannot make {n_words} words of {kind} from a seed")
        message = self.seed.to_bytes(16, "little", signed=True)
        digest = hashlib.blake2b(message, digest_size=size).digest()
        # Words are read little-endian on every machine (a copy only on big-endian ones).
        return np.frombuffer(digest, dtype=kind.newbyteorder("<")).astype(kind, copy=False)


@dataclass(slots=True)
class Draws:
    """Uniform, normal and exponential draws from one seeded Generator."""

    generator: np.random.Generator
    uniforms: list[float] = field(default_factory=list)
    """The rest of the current block of uniforms, handed out from the end."""
    normals: list[float] = field(default_factory=list)
    """The rest of the current block of standard normals, handed out from the end."""

    @classmethod
    def seeded(cls, seed: int) -> Draws:
        """The draws of a game played with this seed."""
        # numpy takes any ISeedSequence here; its type stubs name only SeedSequence.
        words = SeedWords(seed)
        return cls(np.random.Generator(np.random.PCG64(words)))  # type: ignore[arg-type]

    def random(self) -> float:
        """A uniform number in [0, 1)."""
        uniforms = self.uniforms
        if not uniforms:
            uniforms.extend(self.generator.random(BLOCK).tolist())
        return uniforms.pop()

    def standard_normal(self) -> float:
        """A normal number with mean 0 and standard deviation 1."""
        normals = self.normals
        if not normals:
            normals.extend(self.generator.standard_normal(BLOCK).tolist())
        return normals.pop()

    def exponential(self, scale: float) -> float:
        """An exponential number with mean ``scale`` (by inverting the distribution)."""
        return -math.log(1.0 - self.random()) * scale
