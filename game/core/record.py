"""The base of the game's mutable records (the state's parts and the log's lines)."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(slots=True)
class Record:
    """A dataclass whose subclasses write out their constructors, copied and pickled by
    calling the constructor with the values of their fields.

    Compiled by mypyc, a class with a constructor of its own makes every new instance
    through it, so the usual way of copying, which makes an empty instance and then sets
    its fields, would fail.
    """

    def __reduce__(self) -> tuple[type[Record], tuple[object, ...]]:
        """How to make a copy: the class and its fields' values, in order."""
        return (type(self), tuple(getattr(self, field.name) for field in fields(self)))
