"""The balance report: many games of a scenario, played and added up.

:func:`~game.balance.run.balance` plays the built-in policies and variations of the
reference solution on paired seeds (over several processes when asked) and returns the
report as one JSON-ready object; :mod:`game.balance.text` and :mod:`game.balance.page`
render it as text and as a self-contained HTML page. Nothing here prints.
"""

from __future__ import annotations

from game.balance.run import balance

__all__ = ["balance"]
