"""``mlday schema [-o FILE]``: write the JSON Schema of the scenario format.

The schema comes from the same pydantic models that validate scenarios, so editors that
read it (VS Code's YAML extension, for one) autocomplete and check exactly what
``mlday validate`` accepts. Every field carries a description and an example
(:mod:`game.scenario.field_examples` fills in what the models leave out). The kinds of a
job and the actions of a reference step are told apart by ``if``/``then`` on their
``kind`` or ``do`` key rather than by ``oneOf``: a validator then checks an eval job as an
eval job and names its wrong key, instead of saying that it matches none of four kinds.

Writing a file is atomic: the schema goes to a temporary file in the same folder, which
then replaces the target, so a failure never leaves a half-written schema behind.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from game.cli.exit_codes import EXIT_OK, EXIT_USAGE
from game.cli.safe_text import printable
from game.scenario.field_docs import field_docstrings, scenario_models
from game.scenario.field_examples import DESCRIPTIONS, EXAMPLES, lookup
from game.scenario.files import check_replaceable
from game.scenario.model import FORMAT_VERSION, Scenario

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = f"urn:mlday:scenario-format:{FORMAT_VERSION}"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``schema`` sub-command."""
    parser = subparsers.add_parser(
        "schema",
        help="write the JSON Schema of the scenario format",
        description="Write the JSON Schema of the scenario format (draft 2020-12).",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of standard output ('-' for standard output)",
    )
    parser.set_defaults(run=run)


def schema_document() -> dict[str, Any]:
    """The scenario format's JSON Schema, with ``$schema``, ``$id`` and ``title`` first."""
    generated = Scenario.model_json_schema()
    generated.pop("title", None)
    models = scenario_models()
    _annotate("Scenario", generated, models)
    for name, definition in generated.get("$defs", {}).items():
        _annotate(name, definition, models)
    effect = generated["$defs"]["Effect"]
    effect.update(minProperties=1, maxProperties=1)  # exactly one key per effect
    generated = _tell_kinds_apart(generated)
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": f"mlday scenario (format {FORMAT_VERSION})",
        **generated,
    }


def _annotate(model: str, definition: dict[str, Any], models: dict[str, type[BaseModel]]) -> None:
    """Give every property of a definition a description and an example.

    A field's description is the string under it in the model's source; those are placed
    among its keys in the order pydantic sorts them. The fields with none take theirs
    from :data:`~game.scenario.field_examples.DESCRIPTIONS`.
    """
    documented = field_docstrings(models[model]) if model in models else {}
    properties = definition.get("properties", {})
    for field, prop in properties.items():
        prop.pop("title", None)
        if "description" not in prop and field in documented:
            prop = dict(sorted({**prop, "description": documented[field]}.items()))
            properties[field] = prop
        description = lookup(DESCRIPTIONS, model, field)
        if "description" not in prop and description is not None:
            prop["description"] = description
        example = lookup(EXAMPLES, model, field)
        if "examples" not in prop and example is not None:
            prop["examples"] = [example]


def _tell_kinds_apart(node: Any) -> Any:
    """The schema with each discriminated ``oneOf`` rewritten as ``if``/``then`` branches."""
    if isinstance(node, list):
        return [_tell_kinds_apart(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _tell_kinds_apart(value) for key, value in node.items()}
    discriminator = node.get("discriminator")
    if not (isinstance(discriminator, dict) and "oneOf" in node):
        return node
    key = discriminator["propertyName"]
    mapping: dict[str, str] = discriminator["mapping"]
    tags = list(mapping)
    return {
        "type": "object",
        "required": [key],
        "properties": {
            key: {
                "enum": tags,
                "description": f"What this is: one of {', '.join(tags)}; "
                "it decides which other keys are allowed.",
                "examples": [tags[0]],
            }
        },
        "allOf": [
            {
                "if": {"properties": {key: {"const": tag}}, "required": [key]},
                "then": {"$ref": ref},
            }
            for tag, ref in mapping.items()
        ],
    }


def schema_text() -> str:
    """The schema as indented JSON, ending with a newline."""
    return json.dumps(schema_document(), indent=2, ensure_ascii=False) + "\n"


def run(args: argparse.Namespace) -> int:
    """Write the schema to standard output or to ``args.output``; return the exit code."""
    text = schema_text()
    output: str | None = args.output
    if output is None or output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    try:
        write_atomically(Path(output), text)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(printable(f"mlday schema: cannot write {output}: {reason}"), file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def write_atomically(target: Path, text: str) -> None:
    """Replace ``target`` with ``text`` in one step; on failure the old file is untouched.

    Only a regular file is ever replaced: a directory, symlink, FIFO or device node at
    ``target`` is refused (:class:`~game.scenario.files.FileRefusedError`).
    """
    check_replaceable(target)
    temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    mode = _existing_mode(target)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _existing_mode(target: Path) -> int | None:
    """An existing target's permission bits (kept); ``None`` for a new file (0o666 - umask)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return None
