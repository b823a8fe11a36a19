"""docs/authoring.md stays true: its recipes validate, its names and functions are real.

Every ``yaml`` block marked ``<!-- into: starter -->`` is added to the starter scenario
that ``mlday new`` writes, as the guide says (its tasks, jobs, events and goals go at the
end of the starter's lists, its other keys replace the starter's), and the result must
load and pass the checks that catch meaning. Every condition name and function the game
knows must be in the guide's tables, and every link must resolve.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from game.cli.new import starter_text
from game.scenario.expr import FUNCTIONS, NUMERIC_FUNCTIONS, SCALAR_NAMES
from game.scenario.lint import lint
from game.scenario.load import load_scenario_bytes

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "authoring.md"
TEXT = GUIDE.read_text(encoding="utf-8")
APPENDED = ("tasks", "jobs", "events", "goals")


def marked_blocks(marker: str) -> list[str]:
    pattern = rf"<!-- {re.escape(marker)} -->\n```yaml\n(.*?)```"
    return re.findall(pattern, TEXT, flags=re.DOTALL)


RECIPES = marked_blocks("into: starter")


def with_recipe(recipe: str) -> str:
    scenario: dict[str, Any] = yaml.safe_load(starter_text())
    for key, value in yaml.safe_load(recipe).items():
        if key in APPENDED:
            scenario[key] = [*scenario.get(key, []), *value]
        else:
            scenario[key] = value
    return yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True)


def test_the_cookbook_has_its_recipes() -> None:
    assert len(RECIPES) == 9


@pytest.mark.parametrize("recipe", RECIPES, ids=[f"recipe{i}" for i in range(len(RECIPES))])
def test_each_recipe_validates_in_the_starter(recipe: str) -> None:
    loaded = load_scenario_bytes(with_recipe(recipe).encode(), "recipe.yaml")
    assert [f.message for f in lint(loaded.scenario)] == []


def test_every_condition_name_and_function_is_in_the_guide() -> None:
    named = set(re.findall(r"`([A-Za-z_.0-9]+)(?:\(|`)", TEXT))
    wanted = set(SCALAR_NAMES) | set(FUNCTIONS) | set(NUMERIC_FUNCTIONS)
    wanted |= {"labels.SEGMENT", "golden.SEGMENT", "traffic.SEGMENT", "prod.f1.SEGMENT"}
    assert sorted(wanted - named - {"labels", "golden", "traffic", "prod.f1"}) == []


def anchors(page: Path) -> set[str]:
    """The anchors of a page's headings, as GitHub makes them."""
    headings = re.findall(r"^#+ (.*)$", page.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_links_resolve() -> None:
    for target, anchor in re.findall(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)", TEXT):
        page = GUIDE.parent / target if target else GUIDE
        assert page.exists(), target
        assert not anchor or anchor in anchors(page), f"{target}#{anchor}"
