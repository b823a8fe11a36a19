"""Playing every player on every seed, over one or more processes, and the report.

The seeds are cut into consecutive chunks; each chunk is played by one process for every
player, and the chunks are added up in seed order, so the report is the same whatever the
number of processes.

Worker processes are forked where the system can: a forked worker starts with the
parent's modules imported and its rules prepared, where a spawned one would import and
prepare them again (about 0.3 s each, as long as the parent's whole start). Chunks
shrink as the seeds run out, so that the processes finish together: with big chunks to
the end, one process could sit idle while the other plays its last one.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from game.balance.games import play_seeds
from game.balance.players import Player, players
from game.balance.report import report
from game.balance.tally import Tally
from game.core.rules import Rules, prepare
from game.scenario.load import LoadedScenario
from game.scenario.model import Scenario

MAX_JOBS = 64
SHARE = 2
"""A chunk is about 1/(SHARE x processes) of the seeds left: big chunks first (each costs
the parent a few milliseconds to receive and add up), then smaller ones, down to a seed."""
MAX_CHUNK = 25
"""The most seeds in one chunk: an interrupt waits for the chunks being played."""

Progress = Callable[[int, int], None]
"""Told the games played so far and the games to play, after each chunk."""


@dataclass(frozen=True, slots=True)
class _Table:
    """What a process plays from: the scenario's rules and everyone who plays them."""

    rules: Rules
    players: tuple[Player, ...]


_table: _Table | None = None
"""The table of a worker process, set up once when the process starts."""


def _set_table(scenario: Scenario, table: _Table | None) -> None:
    """Start a worker: the parent's table when the worker was forked, else one prepared
    from the scenario (a spawned worker has nothing of the parent's)."""
    # Ctrl-C reaches every process of the terminal: the parent stops the work and says so
    # once, and a worker does not print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _table
    if table is None:
        rules = prepare(scenario)
        table = _Table(rules, players(rules))
    _table = table


def _play(table: _Table, first: int, count: int) -> list[Tally]:
    seeds = range(first, first + count)
    return [play_seeds(table.rules, player, seeds) for player in table.players]


def _play_in_worker(first: int, count: int) -> list[Tally]:
    assert _table is not None, "the worker's table is set when the process starts"
    return _play(_table, first, count)


def chunks(first_seed: int, runs: int, jobs: int) -> list[tuple[int, int]]:
    """The (first seed, count) of each chunk, in seed order, each a share of the seeds
    left (at most :data:`MAX_CHUNK`, at least one)."""
    plan: list[tuple[int, int]] = []
    seed, left = first_seed, runs
    while left:
        size = max(1, min(MAX_CHUNK, -(-left // (SHARE * jobs))))
        plan.append((seed, size))
        seed += size
        left -= size
    return plan


def balance(
    loaded: LoadedScenario,
    *,
    runs: int,
    first_seed: int = 0,
    jobs: int = 1,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Play every player on seeds ``first_seed .. first_seed + runs - 1``; the report.

    With ``jobs`` above 1 the chunks of seeds are played by that many processes. The
    report is the JSON-ready object of :func:`game.balance.report.report`.
    """
    if runs < 1:
        raise ValueError(f"runs must be at least 1; got {runs}")
    if not 1 <= jobs <= MAX_JOBS:
        raise ValueError(f"jobs must be between 1 and {MAX_JOBS}; got {jobs}")
    rules = prepare(loaded.scenario)
    everyone = players(rules)
    games = runs * len(everyone)
    totals = [Tally.empty(rules) for _ in everyone]
    plan = chunks(first_seed, runs, jobs)
    played = 0

    def take(part: list[Tally], count: int) -> None:
        nonlocal played
        for total, more in zip(totals, part, strict=True):
            total.add(more)
        played += count * len(everyone)
        if progress is not None:
            progress(played, games)

    if progress is not None:
        progress(0, games)
    table = _Table(rules, everyone)
    if jobs == 1 or len(plan) == 1:
        for first, count in plan:
            take(_play(table, first, count), count)
    else:
        pool = _pool(jobs, loaded.scenario, table)
        try:
            parts = pool.map(_play_in_worker, *zip(*plan, strict=True))
            for (_, count), part in zip(plan, parts, strict=True):
                take(part, count)
        finally:  # on an interrupt or an error, the chunks not yet started are dropped
            pool.shutdown(wait=True, cancel_futures=True)
    return report(loaded, rules, everyone, totals, first_seed=first_seed)


def _pool(jobs: int, scenario: Scenario, table: _Table) -> ProcessPoolExecutor:
    """Worker processes, forked with the table where the system can fork; spawned, they
    are sent the scenario and prepare their own."""
    forked = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if forked else "spawn")
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=_set_table,
        initargs=(scenario, table if forked else None),
    )
