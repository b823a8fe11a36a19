"""Verification of run files by re-simulation.

A run file is accepted only when it was made by this engine version, on a scenario file
whose bytes hash to the recorded sha256, and when replaying its seed and actions gives
the claimed score (total and every part) and the recorded final-state digest.

Scenarios are prepared once per content hash and reused, so a classroom's run files on
the same scenario cost one load between them.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import game
from game import ENGINE_VERSION
from game.core.rules import Rules, prepare
from game.core.scoring import score
from game.replay.digest import state_digest
from game.replay.replay import ReplayError, replay
from game.replay.runfile import RunFile, RunFileError, RunFileUnreadableError, RunScore, read_run
from game.scenario.load import LoadedScenario, ScenarioError, load_scenario_bytes, read_bytes

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")
"""A scenario id that may be looked up as ``<id>.yaml`` in the shipped folders."""


def shipped_scenario_folders() -> list[Path]:
    """Where shipped scenarios live: the repository's ``scenarios/``, or the wheel's."""
    package = Path(game.__file__).resolve().parent
    return [package.parent / "scenarios", package / "scenarios"]


@dataclass(frozen=True)
class Verdict:
    """The outcome of verifying one run file."""

    ok: bool
    reason: str
    """``ok``, or why the file was refused."""
    score: int | None = None
    """The verified score (only when ``ok``)."""
    player: str | None = None
    unreadable: bool = False
    """The run file, or the scenario it needs, could not be read at all."""


@dataclass(frozen=True)
class Prepared:
    """A scenario loaded and prepared for simulation."""

    loaded: LoadedScenario
    rules: Rules


class VerifyError(Exception):
    """Why a run is refused; ``unreadable`` when an input could not be read at all."""

    def __init__(self, reason: str, *, unreadable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unreadable = unreadable


class Verifier:
    """Verifies run files, keeping prepared scenarios by content hash between files."""

    def __init__(self, max_cached: int = 16) -> None:
        self._cache: OrderedDict[str, Prepared] = OrderedDict()
        self._max = max_cached

    def verify(self, path: str | os.PathLike[str], scenario_override: str | None = None) -> Verdict:
        """Re-simulate one run file and say whether it holds."""
        try:
            run = read_run(path)
        except RunFileUnreadableError as exc:
            return Verdict(False, str(exc), unreadable=True)
        except RunFileError as exc:
            return Verdict(False, str(exc))
        try:
            check_engine(run)
            prepared = self.find_scenario(run, Path(path), scenario_override)
            check_replay(run, prepared.rules)
        except VerifyError as exc:
            return Verdict(False, exc.reason, player=run.player, unreadable=exc.unreadable)
        return Verdict(True, "ok", score=run.score.total, player=run.player)

    def find_scenario(
        self, run: RunFile, run_path: Path, scenario_override: str | None
    ) -> Prepared:
        """The scenario the run was made on, checked by content hash; :class:`VerifyError`."""
        wanted = run.scenario.sha256
        candidates = (
            [Path(scenario_override)]
            if scenario_override is not None
            else scenario_candidates(run, run_path)
        )
        mismatch: str | None = None
        for candidate in candidates:
            data = _read_candidate(candidate, explicit=scenario_override is not None)
            if data is None:
                continue
            if hashlib.sha256(data).hexdigest() == wanted:
                return self.prepare(data, str(candidate))
            mismatch = mismatch or _mismatch_reason(candidate, run.scenario.id)
        if mismatch is not None:
            raise VerifyError(mismatch)
        looked = ", ".join(str(c) for c in candidates)
        raise VerifyError(
            f"cannot find the scenario '{run.scenario.id}' (looked for {looked}); "
            "name it with --scenario FILE",
            unreadable=True,
        )

    def prepare(self, data: bytes, name: str) -> Prepared:
        """Load and prepare a scenario from its bytes, or take it from the cache."""
        digest = hashlib.sha256(data).hexdigest()
        cached = self._cache.get(digest)
        if cached is not None:
            self._cache.move_to_end(digest)
            return cached
        try:
            loaded = load_scenario_bytes(data, name)
        except ScenarioError as exc:
            first = exc.problems[0] if exc.problems else "no details"
            raise VerifyError(f"the scenario {name} does not load: {first}") from None
        prepared = Prepared(loaded, prepare(loaded.scenario))
        self._cache[digest] = prepared
        while len(self._cache) > self._max:
            self._cache.popitem(last=False)
        return prepared


def scenario_candidates(run: RunFile, run_path: Path) -> list[Path]:
    """Where to look for a run's scenario, in order, without repeats.

    ``scenario.path`` relative to the current folder, then relative to the run file's
    folder, then ``<id>.yaml`` in the shipped scenario folders.
    """
    recorded = Path(run.scenario.path)
    found = [recorded, run_path.parent / recorded]
    if SAFE_ID.match(run.scenario.id) and ".." not in run.scenario.id:
        found += [folder / f"{run.scenario.id}.yaml" for folder in shipped_scenario_folders()]
    unique: dict[str, Path] = {}
    for candidate in found:
        unique.setdefault(os.path.normpath(os.path.abspath(candidate)), candidate)
    return list(unique.values())


def _read_candidate(candidate: Path, *, explicit: bool) -> bytes | None:
    """The bytes of a regular file, None when it is not there (an error when ``explicit``)."""
    try:
        if not explicit and not candidate.is_file():
            return None
        return read_bytes(str(candidate))
    except ScenarioError as exc:
        if not explicit:
            return None
        first = exc.problems[0].message if exc.problems else "cannot read it"
        raise VerifyError(f"the scenario {candidate}: {first}", unreadable=True) from None
    except OSError:
        return None


def _mismatch_reason(candidate: Path, wanted_id: str) -> str:
    if candidate.stem == wanted_id:
        return (
            f"the scenario file has changed since the run was made "
            f"({candidate} does not have the recorded sha256)"
        )
    return f"another scenario: {candidate} is '{candidate.stem}', the run was made on '{wanted_id}'"


def check_engine(run: RunFile) -> None:
    """Refuse a run made by another engine version."""
    if run.engine != ENGINE_VERSION:
        raise VerifyError(
            f"the run was made with engine {run.engine}; this is engine {ENGINE_VERSION}"
        )


def check_replay(run: RunFile, rules: Rules) -> None:
    """Replay the run; refuse it unless the score and the digest come out as claimed."""
    try:
        state = replay(rules, run.seed, run.actions)
    except ReplayError as exc:
        raise VerifyError(f"the actions do not replay: {exc}") from None
    replayed = RunScore.model_validate(score(state, rules).as_dict())
    check_score(run.score, replayed)
    if state_digest(state) != run.digest:
        raise VerifyError("the final state does not match the recorded digest")


def check_score(claimed: RunScore, replayed: RunScore) -> None:
    """Refuse a claimed score that differs from the replayed one in any way."""
    if claimed.total != replayed.total:
        raise VerifyError(
            f"the claimed score {claimed.total} is not the replayed score {replayed.total}"
        )
    for name in sorted(set(claimed.parts) | set(replayed.parts)):
        mine, theirs = claimed.parts.get(name), replayed.parts.get(name)
        if mine != theirs:
            raise VerifyError(
                f"the claimed {name} part {_points(mine)} is not the replayed {_points(theirs)}"
            )
    if claimed != replayed:
        raise VerifyError("the claimed score breakdown (goals or measures) is not the replayed one")


def _points(value: float | None) -> str:
    return "(none)" if value is None else f"{value:g}"


_DEFAULT = Verifier()


def verify_run(path: str | os.PathLike[str], scenario_override: str | None = None) -> Verdict:
    """Verify one run file, sharing prepared scenarios with earlier calls."""
    return _DEFAULT.verify(path, scenario_override)
