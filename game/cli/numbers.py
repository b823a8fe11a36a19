"""Whole numbers on the command line: plain ASCII digits only, within stated bounds.

``int()`` accepts " 7 ", "1_000" and digits of other scripts ("٣"); a seed typed one way
must mean one game everywhere, so every command parses its numbers here.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable

from game.cli.safe_text import printable

MAX_SEED = 2**63 - 1
"""The largest seed (a signed 64-bit number)."""

_DIGITS = re.compile(r"[0-9]+")


def whole_number(what: str, low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``, in the digits 0-9 only."""

    def parse(text: str) -> int:
        if not _DIGITS.fullmatch(text) or len(text) > len(str(high)):
            raise argparse.ArgumentTypeError(
                f"{what} is between {low} and {high:,}, written in the digits 0-9; "
                f"got {printable(repr(text[:40]))}"
            )
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} is between {low} and {high:,}; got {value}")
        return value

    return parse


parse_seed = whole_number("a seed", 0, MAX_SEED)
"""The argparse type of ``--seed``."""
