"""Importing, after the title screen's first frame, what the next screens need.

The scenario models and the core take about a second to import. The title screen needs
neither, so the window opens without them, and a background thread imports them while
the player reads the title. The window waits for that thread before it handles the
player's first press of a key or a button, so the two threads never import at once.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Sequence

AFTER_TITLE = (
    "game.scenario.load",
    "game.ui.game",
    "game.ui.scenes.picker",
    "game.ui.scenes.briefing",
    "game.ui.scenes.play",
    "game.ui.scenes.debrief",
)
"""What the screens after the title need, in the order a new game needs it."""

log = logging.getLogger(__name__)


class Preloader:
    """Imports modules on a background thread, once; :meth:`wait` until it is done."""

    def __init__(self, modules: Sequence[str] = AFTER_TITLE) -> None:
        self.modules = tuple(modules)
        self._thread: threading.Thread | None = None
        self._started = False

    def start(self) -> None:
        """Begin importing (only the first call does anything)."""
        if self._started or not self.modules:
            return
        self._started = True
        self._thread = threading.Thread(target=self._import_all, name="preload", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Return once the imports are done (at once when they never started)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _import_all(self) -> None:
        for name in self.modules:
            try:
                importlib.import_module(name)
            except Exception as error:  # the screen that needs the module reports it
                log.info("preloading %s failed: %s", name, error)
                return
