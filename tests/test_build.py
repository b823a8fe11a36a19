"""The build: compiled modules made from the current sources, and a pure build that gives
the same results.

hatch_build.py compiles the deterministic core with mypyc when the machine can, and installs
plain Python when it cannot. These tests check that no compiled module outlives its source,
that uv rebuilds after a change to any source the compiler reads, that the golden replays
give the same digests on the pure sources as on the build being tested, and that the
hook falls back to the pure package, with a note, when compiling fails.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
HOOK = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["custom"]
COMPILED: list[str] = HOOK["compiled"]
TYPE_SOURCES: list[str] = HOOK["type-sources"]
EXTENSION = str(sysconfig.get_config_var("EXT_SUFFIX"))
MANIFEST = ROOT / "game" / "build.json"


def sources(folders: list[str]) -> list[Path]:
    """Every Python source in these folders of the repository."""
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def module_of(path: Path) -> str:
    """The dotted module name of a source file of the repository."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def compiled_modules() -> list[str]:
    """The modules of the compiled packages that this interpreter imports from an extension
    module rather than from their source."""
    modules = [importlib.import_module(module_of(path)) for path in sources(COMPILED)]
    return sorted(module.__name__ for module in modules if not module.__file__.endswith(".py"))


def test_compiled_modules_were_built_from_the_current_sources() -> None:
    compiled = compiled_modules()
    if not compiled:
        leftovers = [*ROOT.glob(f"*{EXTENSION}"), *(ROOT / "game").rglob(f"*{EXTENSION}")]
        assert not leftovers, f"extension modules that nothing imports: {leftovers}"
        return
    assert MANIFEST.exists(), "compiled modules without game/build.json: rebuild (uv sync)"
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert manifest["build"] == "compiled"
    current = {
        path.relative_to(ROOT).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sources([*COMPILED, *TYPE_SOURCES])
    }
    changed = sorted(
        name
        for name in current.keys() | manifest["sources"].keys()
        if current.get(name) != manifest["sources"].get(name)
    )
    assert not changed, f"compiled from other sources than these (rebuild: uv sync): {changed}"
    assert compiled == sorted(module_of(path) for path in sources(COMPILED))
    assert manifest["modules"] == compiled


def imported_game_modules(path: Path) -> set[str]:
    """The ``game`` modules a source file imports, as dotted names (a name imported from a
    package counts as the package)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name == "game" or name.startswith("game.")}


def source_of(module: str) -> Path:
    """The source file of a ``game`` module: a module file or a package's __init__.py."""
    path = ROOT.joinpath(*module.split("."))
    return path.with_suffix(".py") if path.with_suffix(".py").exists() else path / "__init__.py"


def test_every_source_the_compiler_reads_is_hashed_and_a_cache_key() -> None:
    """mypy reads, besides the compiled modules, every game module they import (for their
    types): each must be in the manifest and under a uv cache key, or an edit to it could
    leave a compiled module built against its old types."""
    read: set[Path] = set()
    waiting = [*sources(COMPILED)]
    while waiting:
        path = waiting.pop()
        if path in read:
            continue
        read.add(path)
        waiting.extend(source_of(module) for module in imported_game_modules(path))
    hashed = set(sources([*COMPILED, *TYPE_SOURCES]))
    assert sorted(read - hashed) == [], "add their folder to type-sources in pyproject.toml"
    keys = [key["file"] for key in PYPROJECT["tool"]["uv"]["cache-keys"] if "file" in key]
    for folder in [*COMPILED, *TYPE_SOURCES]:
        assert f"{folder}/**/*.py" in keys, f"{folder} is not a uv cache key"
    assert {"pyproject.toml", "hatch_build.py"} <= set(keys)
    assert {"env": "MLDAY_PURE"} in PYPROJECT["tool"]["uv"]["cache-keys"]


def test_the_build_compiles_with_the_locked_mypy() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    locked = next(package["version"] for package in lock["package"] if package["name"] == "mypy")
    assert PYPROJECT["tool"]["uv"]["build-constraint-dependencies"] == [f"mypy=={locked}"]


def test_compiled_artefacts_are_ignored_by_git() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert {"*.so", "*.pyd", "game/build.json"} <= set(ignored)


PURE_GOLDEN_CHECK = """
import sys
from pathlib import Path

from game.replay.verify import Verifier

verifier = Verifier()
for path in sorted(Path(sys.argv[2]).glob("*.json")):
    verdict = verifier.verify(path)
    print(path.name, verdict.ok, verdict.reason)
for name in ("game.core.engine", "game.core.state", "game.core.rules"):
    module = sys.modules[name]
    assert module.__file__.startswith(sys.argv[1]) and module.__file__.endswith(".py"), module
"""


def test_the_golden_runs_replay_on_the_pure_python_sources(tmp_path: Path) -> None:
    """The golden replays (tests/test_golden.py) run on whichever build is installed; here
    they run again on a copy of the sources without any extension module, so the pure
    build's results are checked against the same digests as the compiled build's."""
    ignored = shutil.ignore_patterns(f"*{EXTENSION}", "*.so", "*.pyd", "build.json", "__pycache__")
    shutil.copytree(ROOT / "game", tmp_path / "game", ignore=ignored)
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    result = subprocess.run(
        [sys.executable, "-c", PURE_GOLDEN_CHECK, str(tmp_path), str(ROOT / "tests" / "golden")],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    verdicts = result.stdout.splitlines()
    assert len(verdicts) == len(list((ROOT / "tests" / "golden").glob("*.json")))
    assert [line for line in verdicts if " True " not in line] == []


def load_hook() -> Any:
    """hatch_build.py, imported from the repository's root (hatchling, mypy and setuptools,
    which it uses, are in the development environment for these tests)."""
    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def toy_project(root: Path, body: str) -> None:
    """A project whose package game/toy has one module with this body."""
    (root / "game" / "toy").mkdir(parents=True)
    (root / "game" / "__init__.py").write_text("")
    (root / "game" / "toy" / "__init__.py").write_text("")
    (root / "game" / "toy" / "double.py").write_text(textwrap.dedent(body))


def run_hook(root: Path, version: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run the build hook on the toy project as hatchling would; return the build data and
    the manifest it wrote (into the tree, or for the wheel)."""
    hook = load_hook().CompiledCoreHook(
        str(root),
        {"compiled": ["game/toy"], "type-sources": []},
        None,
        None,
        str(root / "dist"),
        "wheel",
    )
    build_data: dict[str, Any] = {"force_include": {}, "pure_python": True, "infer_tag": False}
    hook.initialize(version, build_data)
    staged = [Path(path) for path, name in build_data["force_include"].items() if "json" in name]
    manifest = json.loads((staged[0] if staged else root / "game" / "build.json").read_text())
    hook.finalize(version, build_data, str(root / "dist" / "toy.whl"))
    return build_data, manifest


DOUBLE = """
def double(x: int) -> int:
    return 2 * x
"""


def test_an_editable_build_compiles_in_place_then_a_failing_one_leaves_it_pure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MLDAY_PURE", raising=False)
    toy_project(tmp_path, DOUBLE)
    _, manifest = run_hook(tmp_path, "editable")
    assert manifest["build"] == "compiled" and manifest["modules"] == [
        "game.toy",
        "game.toy.double",
    ]
    assert list((tmp_path / "game" / "toy").glob(f"double{EXTENSION}"))
    check = "import game.toy.double as m; print(m.__file__.endswith('.py'), m.double(21))"
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "42"]
    (tmp_path / "game" / "toy" / "double.py").write_text(DOUBLE + "\nwrong: int = 'a string'\n")
    capsys.readouterr()
    _, manifest = run_hook(tmp_path, "editable")
    assert manifest["build"] == "pure"
    assert not list(tmp_path.rglob(f"*{EXTENSION}")), "the earlier build's modules stayed"
    notes = [line for line in capsys.readouterr().err.splitlines() if line.startswith("mlday:")]
    assert len(notes) == 1 and "installing pure Python" in notes[0]


def test_without_a_c_compiler_a_wheel_is_pure_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MLDAY_PURE", raising=False)
    toy_project(tmp_path, DOUBLE)
    monkeypatch.setenv("CC", str(tmp_path / "no-such-compiler"))
    build_data, manifest = run_hook(tmp_path, "standard")
    assert build_data["pure_python"] and not build_data["infer_tag"]
    assert list(build_data["force_include"].values()) == ["game/build.json"]
    assert manifest["build"] == "pure" and "no-such-compiler" in manifest["reason"]
    assert "mlday: the core is not compiled" in capsys.readouterr().err
    assert not (tmp_path / "game" / "build.json").exists(), "a wheel build wrote into the tree"


def test_mlday_pure_skips_the_compiler(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toy_project(tmp_path, DOUBLE)
    monkeypatch.setenv("MLDAY_PURE", "1")
    _, manifest = run_hook(tmp_path, "editable")
    assert manifest == {"build": "pure", "reason": "MLDAY_PURE is set"}
