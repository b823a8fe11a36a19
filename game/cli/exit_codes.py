"""The exit codes every ``mlday`` command uses (``docs/run-files.md``, "Exit codes")."""

EXIT_OK = 0
"""Success."""
EXIT_FAILED = 1
"""The check failed: an invalid scenario, a rejected run file, a refused action file."""
EXIT_USAGE = 2
"""Bad usage, or input that cannot be read (or output that cannot be written)."""
