"""``python -m game`` runs the ``mlday`` command line."""

from game.cli.main import entry

entry()
