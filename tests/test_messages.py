"""Message codes: every line the core writes has a code with a template, its values fill
the template, and docs/messages.md lists every code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import rich_rules

from game.core import engine
from game.core.messages import TEMPLATES, LogLine, placeholders, text
from game.core.rules import prepare
from game.core.state import State
from game.core.view import player_view
from game.policies import make_policy
from game.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
POLICIES = ("idle", "random", "greedy", "reference")
CODE = r'"([a-z_]+\.[a-z_]+)"'


def codes_in_the_core() -> set[str]:
    """The codes the core's source writes: ``note(state, KIND, CODE, ...)`` and the failure
    codes of a training run."""
    found: set[str] = set()
    for path in (ROOT / "game" / "core").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'note\(\s*\w+,\s*"\w+",\s*' + CODE, source))
        found |= set(re.findall(r"_fail\(state, run, " + CODE, source))
    return found


def test_every_code_the_core_writes_has_a_template_and_every_template_is_used() -> None:
    written = codes_in_the_core()
    assert len(written) > 20
    assert written == set(TEMPLATES)


def test_docs_list_every_code_with_its_template() -> None:
    text = (ROOT / "docs" / "messages.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_.]+)` \| `([^`]*)` \|", text, re.MULTILINE))
    assert rows == TEMPLATES


def games() -> list[State]:
    states = []
    for path in SCENARIOS:
        rules = prepare(load_scenario(path).scenario)
        for policy in POLICIES:
            for seed in (0, 1):
                states.append(engine.play(rules, seed, make_policy(policy, rules, seed))[0])
    rules = rich_rules()
    for policy in POLICIES:
        for seed in range(4):
            states.append(engine.play(rules, seed, make_policy(policy, rules, seed))[0])
    return states


def test_the_values_of_every_line_written_fill_its_template() -> None:
    seen: set[str] = set()
    for state in games():
        for line in state.log:
            assert isinstance(line, LogLine)
            assert placeholders(TEMPLATES[line.code]) <= set(line.values), line
            assert line.text == TEMPLATES[line.code].format(**line.values)
            seen.add(line.code)
    # The games reach most codes: a code no game writes is still checked by the next test.
    assert len(seen) >= len(TEMPLATES) // 2, sorted(set(TEMPLATES) - seen)


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_every_template_reads_only_named_values(code: str) -> None:
    names = placeholders(TEMPLATES[code])
    values = {name: 1.5 for name in names}
    assert text(code, dict(values))  # every placeholder filled, none positional
    assert "{}" not in TEMPLATES[code]
    if names:
        with pytest.raises(KeyError):
            text(code, {})


def test_the_view_carries_each_lines_code_and_values() -> None:
    rules = prepare(load_scenario(ROOT / "scenarios" / "eval-that-matters.yaml").scenario)
    state, _ = engine.play(rules, 0, make_policy("reference", rules, 0))
    view = player_view(state, rules)
    assert [(entry.code, entry.values, entry.text) for entry in view.log] == [
        (line.code, line.values, line.text) for line in state.log
    ]
    shipped = [entry for entry in view.log if entry.code == "model.shipped"]
    assert shipped
    for entry in shipped:
        assert entry.text == f"Shipped {entry.values['model']} to production."
