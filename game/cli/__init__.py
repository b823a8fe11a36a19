"""The ``mlday`` command line: one small module per command."""
