"""Run files, final-state digests, replay and verification (depends on ``game.core``)."""

from game.replay.checkpoints import Checkpoint, DepartureError, replay_to
from game.replay.digest import state_digest
from game.replay.replay import ReplayError, TimedAction, replay
from game.replay.runfile import RunFile, RunFileError, read_run, write_run
from game.replay.verify import Verdict, Verifier, verify_run

__all__ = [
    "Checkpoint",
    "DepartureError",
    "ReplayError",
    "RunFile",
    "RunFileError",
    "TimedAction",
    "Verdict",
    "Verifier",
    "read_run",
    "replay",
    "replay_to",
    "state_digest",
    "verify_run",
    "write_run",
]
