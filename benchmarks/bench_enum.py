"""Reading an enum member through its class against reading it as a module name.

The engine compares run and task statuses and reads infrastructure levels every tick. On
Python 3.11 the enum's metaclass sends every attribute read of the class through Python
code, so ``RunStatus.RUNNING`` costs several times a plain name; ``game.core.state`` gives
each member a module name as well (``RUNNING``).

    uv run python benchmarks/bench_enum.py
"""

from __future__ import annotations

import timeit

from game.core.state import RUNNING, RunStatus

READS = 1_000_000


def main() -> None:
    """Print the nanoseconds of one read each way."""
    through_class = timeit.timeit(
        "RunStatus.RUNNING", globals={"RunStatus": RunStatus}, number=READS
    )
    module_name = timeit.timeit("RUNNING", globals={"RUNNING": RUNNING}, number=READS)
    print(f"RunStatus.RUNNING: {through_class / READS * 1e9:.0f} ns a read")
    print(f"RUNNING:           {module_name / READS * 1e9:.0f} ns a read")


if __name__ == "__main__":
    main()
