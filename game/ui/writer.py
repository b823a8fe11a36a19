"""Writing a file away from the frame loop: the autosave's fsync took ~11 ms of a frame.

A :class:`LatestWriter` runs one write at a time on a thread of its own; a write asked for
while another is under way waits, and a newer one replaces it (only the latest state of a
file matters). Each write is itself atomic (see :mod:`game.ui.saves`), so a crash at any
moment leaves the previous file or the new one. :meth:`LatestWriter.flush` waits until
every write asked for is on disk, and raises the error of one that failed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Write = Callable[[], None]


class LatestWriter:
    """One background thread at a time, writing the latest of the writes asked for."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._waiting: Write | None = None
        self._busy = False
        self._error: OSError | None = None

    def submit(self, write: Write) -> None:
        """Make ``write`` soon, in place of any write still waiting; raises the error of an
        earlier write that failed."""
        self._raise_error()
        with self._changed:
            self._waiting = write
            if not self._busy:
                self._busy = True
                # Not a daemon: the interpreter waits for the write under way at exit.
                threading.Thread(target=self._run, name="mlday-writer").start()

    def flush(self) -> None:
        """Wait until every write asked for is done; raises the error of one that failed."""
        with self._changed:
            self._changed.wait_for(lambda: not self._busy)
        self._raise_error()

    def _raise_error(self) -> None:
        with self._changed:
            error, self._error = self._error, None
        if error is not None:
            raise error

    def _run(self) -> None:
        while True:
            with self._changed:
                write, self._waiting = self._waiting, None
                if write is None:
                    self._busy = False
                    self._changed.notify_all()
                    return
            try:
                write()
            except OSError as error:
                with self._changed:
                    self._error = error
