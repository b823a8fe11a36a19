"""Games in progress for front ends: the session, its history, saves and the end report.

Depends on ``game.core``, ``game.replay`` and ``game.policies``; the core never imports it.
"""

from game.core.messages import Refusal
from game.session.history import GameNotOverError, History, HistoryRow, TruthRow
from game.session.legal import Candidate, LegalActions, StaleLegalActionsError
from game.session.report import GameReport, game_report
from game.session.save import (
    SaveCorruptError,
    SaveError,
    SaveMismatchError,
    SaveUnreadableError,
    SaveVersionError,
)
from game.session.session import Session, SessionError

__all__ = [
    "Candidate",
    "GameNotOverError",
    "GameReport",
    "History",
    "HistoryRow",
    "LegalActions",
    "Refusal",
    "SaveCorruptError",
    "SaveError",
    "SaveMismatchError",
    "SaveUnreadableError",
    "SaveVersionError",
    "Session",
    "SessionError",
    "StaleLegalActionsError",
    "TruthRow",
    "game_report",
]
