"""The JSON Schema editors use: complete, current, accepted by an independent validator.

``mlday schema`` writes it; ``scenarios/scenario.schema.json`` is the committed copy every
shipped scenario names on its first line. ``check-jsonschema`` (run here as an editor
would run it) accepts every shipped scenario and, given a wrong key in a job, names the
key rather than saying that the job matches none of the kinds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from game.cli.schema import schema_document, schema_text
from game.scenario.field_docs import field_docstrings, scenario_models
from game.scenario.yaml_source import read_yaml

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
COMMITTED = ROOT / "scenarios" / "scenario.schema.json"
FIRST_LINE = "# yaml-language-server: $schema=scenario.schema.json"

SCHEMA = schema_document()


def properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property schema anywhere in the schema, with a path to name it by."""
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            if isinstance(prop, dict) and name not in ("$defs",):
                yield f"{where}.{name}", prop
        for key, value in node.items():
            yield from properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from properties(item, f"{where}[{index}]")


def inside_if(path: str) -> bool:
    return "/if" in path


def test_the_schema_is_draft_2020_12() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_every_property_has_a_description_and_an_example() -> None:
    found = [(path, prop) for path, prop in properties(SCHEMA) if not inside_if(path)]
    assert len(found) > 150
    lacking = [
        path for path, prop in found if not prop.get("description") or not prop.get("examples")
    ]
    assert lacking == []


def test_every_example_is_valid_for_its_property() -> None:
    defs = SCHEMA["$defs"]
    wrong = []
    for path, prop in properties(SCHEMA):
        if inside_if(path):
            continue
        validator = jsonschema.Draft202012Validator({**prop, "$defs": defs})
        for example in prop["examples"]:
            errors = [e.message for e in validator.iter_errors(example)]
            if errors:
                wrong.append((path, example, errors))
    assert wrong == []


def test_the_committed_schema_is_current() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "scenarios/scenario.schema.json is stale: run "
        "`uv run mlday schema -o scenarios/scenario.schema.json`"
    )


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_shipped_scenario_names_the_schema_first(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == FIRST_LINE


def check_jsonschema(tmp_path: Path, *documents: Any) -> subprocess.CompletedProcess[str]:
    """Run check-jsonschema with the committed schema on documents written as JSON."""
    names = []
    for index, document in enumerate(documents):
        target = tmp_path / f"doc{index}.json"
        target.write_text(json.dumps(document), encoding="utf-8")
        names.append(str(target))
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(COMMITTED), *names],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_jsonschema_accepts_every_shipped_scenario(tmp_path: Path) -> None:
    documents = [read_yaml(path.read_bytes()).data for path in SCENARIOS]
    result = check_jsonschema(tmp_path, *documents)
    assert result.returncode == 0, result.stdout + result.stderr


def minimal(**extra: Any) -> dict[str, Any]:
    return {
        "title": "T",
        "budget": 100,
        "segments": [{"id": "en", "name": "English", "traffic": 100}],
        "production": {"model": {"f1": {"en": 0.9}}},
        **extra,
    }


def test_a_wrong_key_in_an_eval_job_is_named(tmp_path: Path) -> None:
    job = {"id": "ev", "kind": "eval", "name": "Eval", "hours": 1, "gpus": 2}
    result = check_jsonschema(tmp_path, minimal(jobs=[job]))
    assert result.returncode == 1
    assert "$.jobs[0]: Additional properties are not allowed ('gpus' was unexpected)" in (
        result.stdout
    )
    assert "is not valid under any of the given schemas" not in result.stdout


def test_a_wrong_key_in_a_reference_step_is_named(tmp_path: Path) -> None:
    step = {"at": 0, "do": "ship", "modle": "lora-1"}
    result = check_jsonschema(tmp_path, minimal(reference=[step]))
    assert result.returncode == 1
    assert "('modle' was unexpected)" in result.stdout
    assert "'model' is a required property" in result.stdout
    assert "is not valid under any of the given schemas" not in result.stdout


def test_an_unknown_job_kind_lists_the_kinds(tmp_path: Path) -> None:
    job = {"id": "ev", "kind": "evaluation", "name": "Eval", "hours": 1}
    result = check_jsonschema(tmp_path, minimal(jobs=[job]))
    assert result.returncode == 1
    assert "'evaluation' is not one of ['ab_test', 'eval', 'labeling', 'training']" in (
        result.stdout
    )


def test_an_effect_has_exactly_one_key(tmp_path: Path) -> None:
    task = {"id": "t", "name": "T", "category": "data", "hours": 1}
    two = {**task, "effects": [{"trust": 5, "money": 10}]}
    result = check_jsonschema(tmp_path, minimal(tasks=[two]))
    assert result.returncode == 1
    assert "has too many properties" in result.stdout


def test_the_models_leave_their_field_docstrings_to_the_schema() -> None:
    """Pydantic would parse every model's source at each start to read the strings under
    its fields; the schema reads them instead, from the nearest class that has one."""
    models = scenario_models()
    assert {"Scenario", "TrainingJob", "AtShip", "DayClock"} <= set(models)
    for model in models.values():
        assert not model.model_config.get("use_attribute_docstrings"), model
    at_ship = field_docstrings(models["AtShip"])
    assert at_ship["at"].startswith("When the step is taken, on a tick")  # from _At
    assert field_docstrings(models["Collapse"])["silent"] == (
        "Percent of collapses that are silent: the run reports success with a broken model."
    )
    collapse = SCHEMA["$defs"]["Collapse"]["properties"]["chance_per_run"]
    assert collapse["description"] == field_docstrings(models["Collapse"])["chance_per_run"]
    assert list(collapse) == ["anyOf", "default", "description", "examples"]
