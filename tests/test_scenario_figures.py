"""scenarios/README.md's table of measured figures is the one the script measures now."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


@cache
def figures_script() -> ModuleType:
    """scripts/scenario_figures.py, loaded as a module."""
    path = ROOT / "scripts" / "scenario_figures.py"
    spec = importlib.util.spec_from_file_location("scenario_figures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_shipped_scenario_has_its_figures() -> None:
    script = figures_script()
    shipped = sorted(path.name for path in (ROOT / "scenarios").glob("*.yaml"))
    assert sorted(script.MISTAKES) == shipped


def test_the_readme_table_is_the_measured_one() -> None:
    script = figures_script()
    text = script.README.read_text(encoding="utf-8")
    measured = script.table(script.measure(list(script.MISTAKES)))
    assert script.written(text, measured) == text, (
        "scenarios/README.md is stale: uv run python scripts/scenario_figures.py --write"
    )


def test_a_table_with_another_figure_reads_as_stale() -> None:
    script = figures_script()
    text = script.README.read_text(encoding="utf-8")
    other = script.table([script.Row("ravi-tuesday.yaml", "reference", 1.0)])
    assert script.written(text, other) != text
    assert script.written(script.written(text, other), other) == script.written(text, other)
