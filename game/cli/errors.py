"""How a command fails on bad input: the lines to print, and the exit code to return."""

from __future__ import annotations


class CommandError(Exception):
    """A problem to print as one or more lines (``str(error)``), with its exit code."""

    def __init__(self, lines: str | list[str], code: int) -> None:
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        super().__init__("\n".join(self.lines))
        self.code = code
