"""``mlday validate`` and ``mlday schema``: output, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import schema
from game.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
BROKEN = Path(__file__).parent / "broken"
BASE = BROKEN / "_base.yaml"


def mlday(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m game ARGS`` in a fresh interpreter."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(
        [sys.executable, "-m", "game", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=60,
        check=False,
    )


def expected_rows() -> list[tuple[str, str, str]]:
    """(file, 'LINE:COL', fragment) from tests/broken/expected.txt."""
    rows = []
    for raw in (BROKEN / "expected.txt").read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            name, place, fragment, _ = (part.strip() for part in raw.split("|"))
            rows.append((name, place, fragment))
    return rows


ROWS = expected_rows()


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout


# --- validate, in a fresh interpreter ---------------------------------------------------------


def test_valid_file_says_ok_and_exits_0() -> None:
    result = mlday("validate", BASE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == f"{BASE}: ok\n"
    assert result.stderr == ""


def test_whole_corpus_in_one_run() -> None:
    files = [BROKEN / name for name, _, _ in ROWS]
    result = mlday("validate", *files)
    no_traceback(result)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == len(ROWS)
    for (name, place, fragment), line in zip(ROWS, lines, strict=True):
        assert line.startswith(f"{BROKEN / name}:{place}: error: ")
        assert fragment in line
    assert result.stderr.strip() == f"{len(ROWS)} files: 0 valid, {len(ROWS)} invalid"


def test_every_file_is_checked_and_unreadable_wins(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    result = mlday("validate", BASE, missing, BROKEN / "wrong_type.yaml")
    no_traceback(result)
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert lines[0] == f"{BASE}: ok"
    assert lines[1].startswith(f"{missing}:1:1: error: cannot read the file")
    assert lines[2].startswith(f"{BROKEN / 'wrong_type.yaml'}:3:9: error: ")
    assert result.stderr.strip() == "3 files: 1 valid, 1 invalid, 1 unreadable"


@pytest.mark.parametrize(
    ("names", "code"),
    [
        (["_base.yaml", "_base.yaml"], 0),
        (["_base.yaml", "missing_key.yaml"], 1),
        (["missing_key.yaml", "."], 2),
    ],
)
def test_exit_codes(names: list[str], code: int) -> None:
    result = mlday("validate", *(BROKEN / name for name in names))
    no_traceback(result)
    assert result.returncode == code


def test_no_file_is_a_usage_error() -> None:
    result = mlday("validate")
    assert result.returncode == 2
    assert "usage:" in result.stderr
    no_traceback(result)


def test_generated_monsters_fail_cleanly(tmp_path: Path) -> None:
    monsters = {
        "brackets.yaml": b"[" * 20_000,
        "mappings.yaml": b"a: " + b"{a: " * 20_000,
        "block.yaml": b"".join(b" " * i + b"k:\n" for i in range(1000)),
        "huge.yaml": b"title: x\n" + b"#" * (2 * 1024 * 1024),
        "long-line.yaml": b"title: " + b"x" * 900_000 + b"\n",
        "many.yaml": b"a: [" + b"1," * 400_000 + b"]\n",
        "binary.yaml": bytes(range(256)) * 64,
    }
    for name, data in monsters.items():
        (tmp_path / name).write_bytes(data)
    result = mlday("validate", *sorted(monsters), cwd=tmp_path)
    no_traceback(result)
    assert result.returncode == 1
    files = [line.split(":", 1)[0] for line in result.stdout.splitlines()]
    assert set(files) == set(monsters)
    assert "MB" in result.stdout and "at most 1 MiB" in result.stdout


# --- validate, in this interpreter (one exit code per corpus file) --------------------------------


@pytest.mark.parametrize(("name", "place", "fragment"), ROWS, ids=[row[0] for row in ROWS])
def test_each_corpus_file_exits_1_with_its_line(
    name: str, place: str, fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = BROKEN / name
    assert main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    (line,) = out.splitlines()
    assert line.startswith(f"{path}:{place}: error: ")
    assert fragment in line
    assert err == ""


# --- schema ------------------------------------------------------------------------------------


def test_schema_to_stdout() -> None:
    result = mlday("schema")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert list(document)[:3] == ["$schema", "$id", "title"]
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "budget" in document["properties"]
    assert "budget" in document["required"]
    assert document["additionalProperties"] is False
    assert result.stdout.startswith('{\n  "$schema"')


def test_schema_to_a_file_matches_stdout(tmp_path: Path) -> None:
    target = tmp_path / "scenario.schema.json"
    result = mlday("schema", "-o", target)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == schema.schema_text()
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_schema_to_an_unwritable_place_exits_2(tmp_path: Path) -> None:
    for target in (tmp_path / "no" / "such" / "dir" / "s.json", tmp_path):
        result = mlday("schema", "-o", target)
        no_traceback(result)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1
        assert "cannot write" in result.stderr


def test_failed_schema_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "s.json"
    target.write_text("old", encoding="utf-8")

    def broken_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    assert main(["schema", "-o", str(target)]) == 2
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]
    assert "No space left on device" in capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_schema_rewrite_keeps_permissions(tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    assert main(["schema", "-o", str(target)]) == 0
    assert target.stat().st_mode & 0o777 == 0o640
    assert json.loads(target.read_text(encoding="utf-8"))["$id"] == schema.SCHEMA_ID
