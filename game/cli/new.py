"""``mlday new NAME [--force]``: write a commented starter scenario, NAME.yaml.

The starter (``game/scenario/starter.yaml``, shipped inside the package) is a complete
one-day scenario that validates without a warning, and whose reference solution scores
well above doing nothing; its title is made from NAME. Its first line names the schema
``scenario.schema.json``, which is written beside it when no file of that name is there,
so that an editor completes and checks keys at once.

An existing NAME.yaml is never replaced unless ``--force`` is given, and even then only
when it is a regular file (not a link, a folder, a pipe or a device).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib import resources
from pathlib import Path

from game.cli.exit_codes import EXIT_OK, EXIT_USAGE
from game.cli.safe_text import printable
from game.cli.schema import schema_text, write_atomically

STARTER_TITLE = "title: A first scenario\n"
SCHEMA_NAME = "scenario.schema.json"
MAX_TITLE = 200


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``new`` sub-command."""
    parser = subparsers.add_parser(
        "new",
        help="write a commented starter scenario",
        description="Write NAME.yaml, a commented starter scenario that validates and plays "
        "well with its reference solution, and scenario.schema.json beside it when there is "
        "none.",
        epilog="Exit codes: 0 written, 2 the file exists (see --force) or cannot be written.",
    )
    parser.add_argument("name", metavar="NAME", help="the scenario's file name, such as triage")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace NAME.yaml if it exists and is a regular file",
    )
    parser.set_defaults(run=run)


def starter_text() -> str:
    """The starter scenario as shipped in the package."""
    return resources.files("game.scenario").joinpath("starter.yaml").read_text(encoding="utf-8")


def title_from(name: str) -> str:
    """A title made from a file name: ``clinic-triage`` gives ``Clinic triage``."""
    words = " ".join(name.replace("-", " ").replace("_", " ").split())
    title = (words[:1].upper() + words[1:]) or "A first scenario"
    return title[:MAX_TITLE]


def scenario_text(name: str) -> str:
    """The starter with its title made from ``name``."""
    title = json.dumps(title_from(name), ensure_ascii=False)
    return starter_text().replace(STARTER_TITLE, f"title: {title}\n", 1)


def target_path(name: str) -> Path | None:
    """NAME.yaml, or NAME itself when it already ends in .yaml or .yml; None when NAME
    names no file (empty, ``.``, or ending in a folder separator)."""
    path = Path(name)
    if name.endswith(("/", os.sep)) or path.name in ("", ".", ".."):
        return None
    return path if path.suffix in (".yaml", ".yml") else path.with_name(path.name + ".yaml")


def run(args: argparse.Namespace) -> int:
    """Write the starter scenario (and the schema beside it); return the exit code."""
    name: str = args.name
    target = target_path(name)
    if target is None:
        print(
            printable(f"mlday new: '{name}' is not a file name; give one such as triage"),
            file=sys.stderr,
        )
        return EXIT_USAGE
    refusal = _refusal(target, force=bool(args.force))
    if refusal is not None:
        print(printable(f"mlday new: {target}: {refusal}"), file=sys.stderr)
        return EXIT_USAGE
    text = scenario_text(target.stem)
    try:
        _write(target, text, replace=os.path.lexists(target))
        print(printable(f"wrote {target}"))
        schema = target.with_name(SCHEMA_NAME)
        if not os.path.lexists(schema):
            _write(schema, schema_text(), replace=False)
            print(printable(f"wrote {schema} (the schema its first line names, for editors)"))
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        where = exc.filename or target
        print(printable(f"mlday new: cannot write {where}: {reason}"), file=sys.stderr)
        return EXIT_USAGE
    print(printable(f"next: mlday validate {target}; mlday simulate {target} --policy reference"))
    return EXIT_OK


def _refusal(target: Path, *, force: bool) -> str | None:
    """Why the target must not be written, or None."""
    if not os.path.lexists(target):
        return None
    if target.is_symlink() or not target.is_file():
        return "exists and is not a regular file; it is left as it is"
    if not force:
        return "already exists; choose another name, or give --force to replace it"
    return None


def _write(path: Path, text: str, *, replace: bool) -> None:
    """Write a new file (never over one that appeared meanwhile), or replace a regular one."""
    if replace:
        write_atomically(path, text)
        return
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
