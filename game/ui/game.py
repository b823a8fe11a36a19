"""A game in the window: its session, its scenario file, its autosave and its end.

Every change of the game goes through :class:`Game` (the play screen's buttons, the
event dialog, the autoplayer), so the autosave follows every tick and the autoplayer's
board follows every action.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from game.core.messages import message
from game.replay.runfile import RunFile, RunFileExistsError, write_run
from game.replay.verify import shipped_scenario_folders
from game.scenario.actions import Action
from game.scenario.load import LoadedScenario, load_scenario
from game.session import GameReport, Refusal, SaveError, Session
from game.session.save import read_save, write_save
from game.ui.autoplay import Autoplayer
from game.ui.saves import Store


@dataclass(frozen=True, slots=True)
class Finished:
    """What the end of a game left: its report, its run file, and whether it is a best."""

    report: GameReport
    run_path: Path | None
    """Where the run file went (None when it could not be written)."""
    new_best: bool
    problem: str | None
    """Why the run file or the best score could not be written, when it could not."""


class Game:
    """One game being played in the window."""

    def __init__(
        self,
        session: Session,
        store: Store,
        *,
        autoplay: str | None = None,
        record: Path | None = None,
        rewind: bool = True,
    ) -> None:
        self.session = session
        self.store = store
        self.record = record
        """Where ``--record`` asked for the run file (else the data folder's runs/)."""
        self.rewind = rewind
        """Whether the player may go back to an earlier hour (competitions turn it off)."""
        self.autoplayer = Autoplayer(autoplay, session) if autoplay is not None else None
        self.finished: Finished | None = None

    @classmethod
    def new(
        cls,
        loaded: LoadedScenario,
        seed: int,
        store: Store,
        *,
        autoplay: str | None = None,
        record: Path | None = None,
        player: str = "player",
    ) -> Game:
        """A new game of a scenario."""
        session = Session.start(loaded, seed, player=player, policy=autoplay)
        return cls(session, store, autoplay=autoplay, record=record)

    @classmethod
    def resume(
        cls, store: Store, *, autoplay: str | None = None, record: Path | None = None
    ) -> Game:
        """The autosaved game; a :class:`SaveError` (the save is then set aside) when it
        cannot be continued, with the reason."""
        store.flush()
        path = store.autosave
        try:
            scenario_path = _scenario_of(path)
            loaded = load_scenario(scenario_path)
            session = Session.load(path, loaded)
        except SaveError as error:
            store.set_aside_autosave(error.reason)
            raise
        except Exception as error:  # the scenario file: missing, changed, invalid
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            unusable = message("save.cannot_continue", problem=reason)
            store.set_aside_autosave(unusable.text)
            raise SaveError(path, unusable) from None
        return cls(session, store, autoplay=autoplay, record=record)

    @property
    def loaded(self) -> LoadedScenario:
        """The scenario being played."""
        return self.session.loaded

    # --- playing -------------------------------------------------------------------------

    def apply(self, action: Action) -> Refusal | None:
        """Apply an action at this boundary; why it is refused, when it is."""
        return self.session.apply(action)

    def advance(self) -> None:
        """Run one tick, then autosave (or, after the last tick, finish the game)."""
        self.session.advance()
        if self.session.over:
            self.finish()
        else:
            self.autosave()

    def undo_to(self, tick: int) -> None:
        """Go back to an earlier boundary, and autosave there."""
        self.session.undo_to(tick)
        if self.autoplayer is not None:
            self.autoplayer = Autoplayer(self.autoplayer.name, self.session)
        self.autosave()

    def autosave(self) -> None:
        """Write the game in progress to the autosave, atomically, away from the frames."""
        save = self.session.save_file()
        self.store.write_autosave(lambda path: write_save(path, save))

    # --- the end -------------------------------------------------------------------------

    def finish(self) -> Finished:
        """Write the run file, update the best scores and drop the autosave (once)."""
        if self.finished is not None:
            return self.finished
        report = self.session.report()
        run = RunFile.model_validate(self.session.run_record())
        loaded = self.loaded
        path = self.record or self.store.run_path(loaded.id, self.session.seed)
        problem: str | None = None
        new_best = False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_run(path, run)
            new_best = self.store.record(loaded.id, report.score.total, self.session.seed, path)
            self.store.finish_autosave()
        except RunFileExistsError:
            problem = f"{path} exists; the run file was not written over it"
            run_path: Path | None = None
        except OSError as error:
            problem = f"{path}: {error.strerror or error}"
            run_path = None
        else:
            run_path = path
        self.finished = Finished(report, run_path, new_best, problem)
        return self.finished


def _scenario_of(path: Path) -> Path:
    """The scenario file a save names; a shipped scenario of the same id when it has moved."""
    scenario = read_save(path).scenario
    named = Path(scenario.path)
    if named.is_file():
        return named
    for folder in shipped_scenario_folders():
        candidate = folder / f"{scenario.id}.yaml"
        if candidate.is_file():
            return candidate
    return named
