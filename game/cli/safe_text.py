"""Text from files and command lines made safe to print.

A scenario id, a player's name, a path or a message quoting a file's contents may hold a
newline (which would print a fake line), an escape byte (which a terminal obeys), a line
or paragraph separator, a bidirectional override such as U+202E (which reorders what is
shown), or a lone surrogate (a file name that is not UTF-8, which a strict UTF-8 terminal
cannot print at all). Every such character is shown as an escape instead: ``\\n``,
``\\x1b``, ``\\u202e``; a byte of a non-UTF-8 file name is shown as ``\\xff``.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"})
"""Control, format (bidi controls among them), surrogate and unassigned characters, and
line and paragraph separators."""
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def is_unsafe(char: str) -> bool:
    """Whether a character must not reach a terminal as it is."""
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def escaped(char: str) -> str:
    """The visible escape of one unsafe character."""
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a non-UTF-8 name, as surrogateescape keeps it
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` on one line, with every unsafe character escaped."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(escaped(char) if is_unsafe(char) else char for char in text)


def printable_lines(text: str) -> str:
    """``text`` with its line breaks kept and every other unsafe character escaped."""
    return "\n".join(printable(line) for line in text.split("\n"))


def printable_values(value: Any) -> Any:
    """A JSON-like value with every string in it (keys too) made :func:`printable`."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [printable_values(item) for item in value]
    if isinstance(value, dict):
        return {printable(str(k)): printable_values(v) for k, v in value.items()}
    return value


def json_text(value: Any) -> str:
    """Indented JSON whose unsafe characters are all written as ``\\uXXXX`` escapes.

    Letters such as ``ñ`` stay as they are; the text stays valid JSON with the same
    meaning (raw characters other than the layout's line breaks occur only inside
    strings), and a lone surrogate is kept as its escape instead of failing to print.
    """
    text = json.dumps(value, indent=2, ensure_ascii=False)
    if text.isascii():
        return text
    return "".join(
        _json_escape(char) if char != "\n" and is_unsafe(char) else char for char in text
    )


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"
