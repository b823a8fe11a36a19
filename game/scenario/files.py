"""Reading input files and replacing output files, safely.

Only regular files are read: a FIFO would block every command until something writes to
it, and a device node has no end. The check comes before opening (``stat``) and again on
the open file (``fstat``), which is opened without blocking, so a file swapped in between
cannot hang the command either. Only regular files are replaced: an existing symlink,
FIFO or device node at an output path is left alone.
"""

from __future__ import annotations

import errno
import os
import stat


class FileRefusedError(OSError):
    """A path that is not a regular file where one is needed; ``strerror`` says what it is."""


def kind_of(mode: int) -> str:
    """What a non-regular file is, for messages: ``a FIFO``, ``a directory``..."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "a special file"


def _refuse(path: str | os.PathLike[str], mode: int, rule: str) -> FileRefusedError:
    reason = f"it is {kind_of(mode)}; {rule}"
    return FileRefusedError(errno.EINVAL, reason, os.fspath(path))


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """At most ``limit + 1`` bytes of a regular file (so the caller can tell it is too big).

    Raises :class:`OSError` when the file cannot be read, and :class:`FileRefusedError`
    (an ``OSError`` whose ``strerror`` says what the path is) for anything but a regular
    file.
    """
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise _refuse(path, mode, "only regular files are read")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _refuse(path, mode, "only regular files are read")
        return handle.read(limit + 1)


def check_replaceable(path: str | os.PathLike[str]) -> None:
    """Refuse (:class:`FileRefusedError`) to write over anything but a regular file.

    A missing path is fine. A symbolic link is refused even when it points to a regular
    file: replacing it would cut the link, and writing through it would write elsewhere.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise _refuse(path, mode, "only regular files are replaced")
