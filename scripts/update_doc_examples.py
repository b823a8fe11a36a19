"""Write the example run file of docs/run-files.md afresh from the engine as it is now.

The example is a greedy game of the test scenario ``tests/data/tiny-golden.yaml`` on seed 4
by the player "ada"; a test verifies it, so it must be made again whenever the engine's
results or the state's fields change:

    uv run python scripts/update_doc_examples.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "run-files.md"
SCENARIO = "tests/data/tiny-golden.yaml"
WIDTH = 92


def record() -> dict[str, Any]:
    """The run file of the example game, as ``mlday simulate --record`` writes it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "example.json"
        command = [sys.executable, "-m", "game", "simulate", SCENARIO, "--seed", "4"]
        command += ["--policy", "greedy", "--player", "ada", "--record", str(path)]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        run: dict[str, Any] = json.loads(path.read_text())
    run["scenario"]["path"] = Path(SCENARIO).name
    return run


def wrapped(pairs: dict[str, Any], indent: int) -> list[str]:
    """A flat mapping as ``"key": value`` items filling lines of at most WIDTH columns."""
    items = ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in pairs.items())
    return textwrap.wrap(
        items,
        WIDTH - indent,
        initial_indent=" " * indent,
        subsequent_indent=" " * indent,
        break_on_hyphens=False,
    )


def formatted(run: dict[str, Any]) -> str:
    """The run file laid out for reading: one action a line, checkpoint parts wrapped."""
    lines = ["{"]
    for key, value in run.items():
        if key == "actions":
            body = [f"    {json.dumps(action)}" for action in value]
            lines.append('  "actions": [\n' + ",\n".join(body) + "\n  ],")
        elif key == "checkpoints":
            marks = []
            for mark in value["at"]:
                parts = "\n".join(wrapped(mark["parts"], 8))
                marks.append(f'      {{"tick": {mark["tick"]}, "parts": {{\n{parts}\n      }}}}')
            lines.append(
                f'  "checkpoints": {{"every": {value["every"]}, "at": [\n'
                + ",\n".join(marks)
                + "\n  ]},"
            )
        else:
            text = json.dumps(value, indent=2).replace("\n", "\n  ")
            lines.append(f"  {json.dumps(key)}: {text},")
    lines[-1] = lines[-1].rstrip(",")
    lines.append("}")
    return "\n".join(lines)


def main() -> None:
    """Replace the first JSON block after the "## Run files" heading."""
    text = DOC.read_text()
    section = text.index("## Run files")
    start = text.index("```json\n", section) + len("```json\n")
    end = text.index("```", start)
    example = formatted(record())
    json.loads(example)  # the layout must stay valid JSON
    DOC.write_text(text[:start] + example + "\n" + text[end:])
    print(f"wrote the example run file in {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
