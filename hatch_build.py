"""The build's one extra step: the deterministic core compiled with mypyc, when it can be.

Hatchling runs this hook for every wheel it builds, the editable one that `uv run` installs
included. The modules of the packages listed under ``compiled`` in pyproject.toml's
``[tool.hatch.build.targets.wheel.hooks.custom]`` are compiled by mypyc from their
unchanged sources into C extension modules, which Python imports in place of the ``.py``
files beside them. When that fails (no C compiler, no Python headers, a mypyc error), or
when ``MLDAY_PURE`` is set, the package is installed as plain Python, with a one-line note:
the results are the same, only slower.

Every build writes ``game/build.json``: which build it is and, for a compiled one, the
SHA-256 of every source the compiler read, so that tests/test_build.py can tell a
compiled module built from older sources.

An editable install runs the sources in place, so its extension modules are written into
the source tree (git ignores them), after the previous build's have been removed; a
regular wheel carries them inside.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MANIFEST = "game/build.json"
"""Where the build says what it built, relative to the project's root."""
GROUP = "mlday_core"
"""The name of the shared library that holds the compiled modules' code."""
PURE_SWITCH = "MLDAY_PURE"
"""An environment variable that, when set to anything but empty, skips the compiler."""


class CompiledCoreHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile the configured packages with mypyc, or fall back to the pure package."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Build the extension modules and hand them to the wheel (or to the source tree)."""
        root = Path(self.root)
        editable = version == "editable"
        if editable:
            remove_compiled(root)
        packages = list(self.config.get("compiled", []))
        type_sources = list(self.config.get("type-sources", []))
        self.work = Path(tempfile.mkdtemp(prefix="mlday-build-"))
        try:
            built = compile_packages(root, packages, self.work)
        except (Exception, SystemExit) as error:  # mypyc ends with SystemExit on type errors
            reason = one_line(error)
            print(
                f"mlday: the core is not compiled ({reason}); installing pure Python",
                file=sys.stderr,
            )
            manifest: dict[str, Any] = {"build": "pure", "reason": reason}
        else:
            manifest = {
                "build": "compiled",
                "compiler": f"mypyc {mypy_version()}",
                "modules": sorted(
                    module_name(path) for path in built if not path.name.startswith(GROUP)
                ),
                "sources": source_hashes(root, [*packages, *type_sources]),
            }
            place(root, self.work / "lib", built, editable, build_data)
        write_manifest(root, self.work, manifest, editable, build_data)

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the compiler's working folder once the wheel is written."""
        shutil.rmtree(self.work, ignore_errors=True)


def compile_packages(root: Path, packages: list[str], work: Path) -> list[Path]:
    """Compile every module of these packages; return the extension modules built, relative
    to ``work / "lib"``. Raises when anything fails or when skipped by ``MLDAY_PURE``."""
    if os.environ.get(PURE_SWITCH):
        raise RuntimeError(f"{PURE_SWITCH} is set")
    if not packages:
        raise RuntimeError("no package is listed to compile")
    sources = [str(path.relative_to(root)) for path in python_files(root, packages)]
    from mypyc.build import mypycify
    from setuptools import Distribution  # type: ignore[import-untyped]

    with inside(root), redirect_stdout(sys.stderr):
        extensions = mypycify(
            ["--cache-dir", str(work / "mypy-cache"), *sources],
            target_dir=str(work / "c"),
            group_name=GROUP,
        )
        # The extensions share one list of flags, so each gets a new list rather than an
        # extended one.
        for extension in extensions:
            extension.extra_compile_args = [*extension.extra_compile_args, *exact_float_flags()]
        command = Distribution({"ext_modules": extensions}).get_command_obj("build_ext")
        command.build_lib = str(work / "lib")
        command.build_temp = str(work / "temp")
        command.ensure_finalized()
        command.run()
    built = sorted(path.relative_to(work / "lib") for path in (work / "lib").rglob("*"))
    return [path for path in built if path.name.endswith(extension_suffix())]


def exact_float_flags() -> list[str]:
    """Compiler flags that keep every float operation as Python does it: a C compiler may
    otherwise fuse a multiply and an add into one rounding (FMA), and a game's digest would
    then depend on the machine. MSVC does not fuse unless told to."""
    return [] if sys.platform == "win32" else ["-ffp-contract=off"]


def place(
    root: Path, lib: Path, built: list[Path], editable: bool, build_data: dict[str, Any]
) -> None:
    """Put the extension modules beside their sources (editable) or into the wheel."""
    for path in built:
        if editable:
            shutil.copy2(lib / path, root / path)
        else:
            build_data["force_include"][str(lib / path)] = str(path)
    if not editable:
        build_data["pure_python"] = False
        build_data["infer_tag"] = True


def write_manifest(
    root: Path, work: Path, manifest: dict[str, Any], editable: bool, build_data: dict[str, Any]
) -> None:
    """Write game/build.json into the source tree (editable) or into the wheel."""
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    if editable:
        (root / MANIFEST).write_text(text, encoding="utf-8")
    else:
        (work / "build.json").write_text(text, encoding="utf-8")
        build_data["force_include"][str(work / "build.json")] = MANIFEST


def remove_compiled(root: Path) -> None:
    """Remove the extension modules and the manifest of an earlier editable build."""
    suffix = extension_suffix()
    for path in [*root.glob(f"*{suffix}"), *(root / "game").rglob(f"*{suffix}")]:
        path.unlink()
    (root / MANIFEST).unlink(missing_ok=True)


def python_files(root: Path, packages: list[str]) -> list[Path]:
    """Every Python source of these packages, in a stable order."""
    return sorted(path for package in packages for path in (root / package).rglob("*.py"))


def source_hashes(root: Path, packages: list[str]) -> dict[str, str]:
    """The SHA-256 of every Python source of these packages, by path from the root."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in python_files(root, packages)
    }


def module_name(path: Path) -> str:
    """The dotted name of an extension module from its path: ``game/core/act.cpython-311-...so``
    is ``game.core.act``; the shared library of their code is named after ``GROUP``."""
    stem = path.name.split(".")[0]
    return ".".join(path.parent.parts if stem == "__init__" else [*path.parent.parts, stem])


def extension_suffix() -> str:
    """This interpreter's file ending for extension modules."""
    return str(sysconfig.get_config_var("EXT_SUFFIX"))


def mypy_version() -> str:
    """The version of mypy (and so of mypyc) that compiles."""
    from mypy.version import __version__

    return str(__version__)


def one_line(error: BaseException) -> str:
    """An error's message on one line, shortened for the note."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."


@contextmanager
def inside(directory: Path) -> Iterator[None]:
    """Run the block with this directory as the working directory (mypy reads its
    configuration, and names the modules, from there)."""
    before = Path.cwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(before)
