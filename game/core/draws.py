"""The game's one source of chance: a seeded numpy Generator, read a block at a time.

A game draws a few dozen numbers, one at a time, and a numpy Generator costs several
times more per scalar call than per number of a block. So uniforms and normals are drawn
from the game's Generator in blocks of :data:`BLOCK` and handed out one by one; a block is
drawn only when the last one is used up. The stream is still one seeded Generator, read in
an order fixed by the game's events, so a seed and the actions replay exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

BLOCK = 64
"""Numbers drawn from the Generator at a time, per kind."""


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
        return cls(np.random.default_rng(seed))

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
