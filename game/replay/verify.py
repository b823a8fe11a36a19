"""Verification of run files by re-simulation.

A run file is accepted only when it was made by this engine version, on the scenario it
is checked against, and when replaying its seed and actions passes every recorded
checkpoint (version 2) and gives the claimed score (total and every part) and the
recorded final-state digest.

Which scenario: the one named with ``--scenario``, else the shipped scenario of the
run's id (``scenarios/<id>.yaml`` in the repository, ``game/scenarios/<id>.yaml`` in an
installed wheel). A scenario the run file points to is never used: a file beside the run,
or at a path it names, could be an edited copy that makes any score verify. A run whose
scenario differs from the shipped one of its id is refused unless ``--scenario`` names
the file it was played on. Every verdict names the scenario file and the hash checked.

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
from game.replay.checkpoints import DepartureError, checkpoint_ticks, replay_to
from game.replay.digest import state_digest
from game.replay.replay import ReplayError
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
    scenario: str | None = None
    """The scenario file the run was checked against (None when none was reached)."""
    scenario_sha256: str | None = None
    """That file's SHA-256 (hex)."""


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


@dataclass(frozen=True)
class _Checked:
    """The scenario file a run is checked against: its name, bytes and hash."""

    name: str
    data: bytes
    sha256: str


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
        checked: _Checked | None = None
        try:
            check_engine(run)
            checked = scenario_for(run, scenario_override)
            check_same_scenario(run, checked, explicit=scenario_override is not None)
            prepared = self.prepare(checked.data, checked.name)
            check_replay(run, prepared.rules)
        except VerifyError as exc:
            return Verdict(
                False,
                exc.reason,
                player=run.player,
                unreadable=exc.unreadable,
                scenario=checked.name if checked else None,
                scenario_sha256=checked.sha256 if checked else None,
            )
        return Verdict(
            True,
            "ok",
            score=run.score.total,
            player=run.player,
            scenario=checked.name,
            scenario_sha256=checked.sha256,
        )

    def find_scenario(self, run: RunFile, scenario_override: str | None = None) -> Prepared:
        """The prepared scenario a run is checked against, as :meth:`verify` finds it.

        ``--scenario`` when given, else the shipped scenario of the run's id; its hash must
        be the recorded one. :class:`VerifyError` says why when there is none.
        """
        checked = scenario_for(run, scenario_override)
        check_same_scenario(run, checked, explicit=scenario_override is not None)
        return self.prepare(checked.data, checked.name)

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
            first = exc.problems[0].message if exc.problems else "no details"
            raise VerifyError(f"the scenario {name} does not load: {first}") from None
        prepared = Prepared(loaded, prepare(loaded.scenario))
        self._cache[digest] = prepared
        while len(self._cache) > self._max:
            self._cache.popitem(last=False)
        return prepared


def shipped_scenario(scenario_id: str) -> Path | None:
    """The shipped scenario file of an id, or None when no scenario of that id ships."""
    if not SAFE_ID.match(scenario_id) or ".." in scenario_id:
        return None
    for folder in shipped_scenario_folders():
        candidate = folder / f"{scenario_id}.yaml"
        if candidate.is_file():
            return candidate
    return None


def scenario_for(run: RunFile, scenario_override: str | None) -> _Checked:
    """The scenario file to check a run against: ``--scenario``, else the shipped one.

    The path recorded in the run file is never read.
    """
    if scenario_override is not None:
        path = scenario_override
    else:
        shipped = shipped_scenario(run.scenario.id)
        if shipped is None:
            raise VerifyError(
                f"no scenario '{run.scenario.id}' ships with mlday; name the scenario file "
                "the run was played on with --scenario FILE",
                unreadable=True,
            )
        path = str(shipped)
    try:
        data = read_bytes(path)
    except ScenarioError as exc:
        first = exc.problems[0].message if exc.problems else "cannot read it"
        raise VerifyError(f"the scenario {path}: {first}", unreadable=True) from None
    return _Checked(path, data, hashlib.sha256(data).hexdigest())


def check_same_scenario(run: RunFile, checked: _Checked, *, explicit: bool) -> None:
    """Refuse a run whose recorded scenario hash is not the hash of the file checked."""
    if checked.sha256 == run.scenario.sha256:
        return
    if not explicit:
        raise VerifyError(
            f"the run was played on a scenario '{run.scenario.id}' that is not the shipped "
            f"one ({checked.name} has another sha256); if you have the file it was played "
            "on, name it with --scenario FILE"
        )
    if Path(checked.name).stem != run.scenario.id:
        raise VerifyError(
            f"another scenario: {checked.name} is '{Path(checked.name).stem}', "
            f"the run was made on '{run.scenario.id}'"
        )
    raise VerifyError(
        f"the scenario file has changed since the run was made "
        f"({checked.name} does not have the recorded sha256)"
    )


def check_engine(run: RunFile) -> None:
    """Refuse a run made by another engine version."""
    if run.engine != ENGINE_VERSION:
        raise VerifyError(
            f"the run was made with engine {run.engine}; this is engine {ENGINE_VERSION}"
        )


def check_replay(run: RunFile, rules: Rules) -> None:
    """Replay the run; refuse it unless it passes every checkpoint and the score and the
    digest come out as claimed."""
    checkpoints = run.checkpoints
    recorded = []
    if checkpoints is not None:
        recorded = [checkpoint.checkpoint() for checkpoint in checkpoints.at]
        expected = checkpoint_ticks(rules.total_ticks, checkpoints.every)
        if [checkpoint.tick for checkpoint in recorded] != expected:
            raise VerifyError(
                f"the checkpoints are not at ticks {_ticks(expected)} "
                f"(every {checkpoints.every} ticks of this {rules.total_ticks}-tick game)"
            )
    try:
        state = replay_to(rules, run.seed, run.actions, checkpoints=recorded)
    except DepartureError as exc:
        raise VerifyError(str(exc)) from None
    except ReplayError as exc:
        raise VerifyError(f"the actions do not replay: {exc}") from None
    replayed = RunScore.model_validate(score(state, rules).as_dict())
    check_score(run.score, replayed)
    if state_digest(state) != run.digest:
        raise VerifyError("the final state does not match the recorded digest")


def _ticks(ticks: list[int]) -> str:
    if len(ticks) <= 6:
        return ", ".join(map(str, ticks))
    return f"{ticks[0]}, {ticks[1]}, {ticks[2]} ... {ticks[-1]}"


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
