"""F5: the scenario file read again; its problems shown in a dialog, never a crash.

A file that still loads and has changed starts the game again on the new file, with the
same seed, and the player's actions so far re-applied tick by tick; those the new file
refuses are left out, and the dialog lists them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from game.scenario.load import ScenarioError, load_scenario
from game.session import Session
from game.ui.game import Game
from game.ui.scenes.modal import Modal
from game.ui.widgets.build import button, escape, label, text_box

if TYPE_CHECKING:
    from game.ui.app import App
    from game.ui.scenes.play import PlayScene

MAX_SHOWN = 50


class ProblemsDialog(Modal):
    """A list of problems (a scenario's validation errors, refused actions) and OK."""

    name = "problems"
    box_size = (760, 460)

    def __init__(self, app: App, title: str, lines: list[str]) -> None:
        super().__init__(app)
        self.title = title
        self.lines = lines
        self.actions = {"#problems_ok": self.close}

    def layout(self, size: tuple[int, int]) -> None:
        """The title, the problems in a scrolling box, and OK."""
        super().layout(size)
        rect = self.frame(size)
        inner = rect.width - 24
        label(
            self.ui,
            pygame.Rect(12, 8, inner, 32),
            self.title,
            container=self.box,
            class_id="@heading",
        )
        shown = self.lines[:MAX_SHOWN]
        more = len(self.lines) - len(shown)
        html = "<br>".join(escape(line) for line in shown)
        if more > 0:
            html += f"<br>... and {more} more"
        text_box(
            self.ui,
            pygame.Rect(12, 46, inner, rect.height - 46 - 56),
            html,
            container=self.box,
            object_id="#problems_text",
        )
        button(
            self.ui,
            pygame.Rect(rect.width - 12 - 120, rect.height - 46, 120, 34),
            "OK",
            "#problems_ok",
            container=self.box,
            tooltip="Close (Enter or Esc)",
        )

    def close(self) -> None:
        """Close the dialog."""
        self.app.stack.pop()

    def handle_other(self, event: pygame.event.Event) -> bool:
        """Enter or Esc closes."""
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_RETURN, pygame.K_ESCAPE):
            self.close()
            return True
        return False


def reload_game(app: App, play: PlayScene) -> None:
    """Read the scenario file again and act on what it holds now."""
    game = play.game
    path = Path(game.loaded.path)
    try:
        loaded = load_scenario(path)
    except ScenarioError as error:
        lines = [str(problem) for problem in error.problems] or [str(error)]
        app.stack.push(
            ProblemsDialog(app, f"{path.name} has problems; the game goes on as it was", lines)
        )
        return
    if loaded.sha256 == game.loaded.sha256:
        app.notify(f"{path.name} has not changed")
        return
    session = game.session
    fresh = Session.start(loaded, session.seed, player=session.player, policy=session.policy)
    left_out: list[str] = []
    for timed in session.actions:
        fresh.advance_to(timed.tick)
        if fresh.over:
            break
        reason = fresh.apply(timed.action)
        if reason is not None:
            left_out.append(f"tick {timed.tick}: {timed.action.do}: {reason}")
    fresh.advance_to(session.tick)
    new_game = Game(fresh, game.store, autoplay=None, record=game.record, rewind=game.rewind)
    from game.ui.scenes.play import PlayScene

    new_play = PlayScene(app, new_game)
    app.stack.replace(new_play)
    new_game.autosave()
    if left_out:
        app.stack.push(
            ProblemsDialog(
                app,
                f"{path.name} reloaded; these actions no longer apply and were left out",
                left_out,
            )
        )
    else:
        app.notify(f"{path.name} reloaded; the game was played again on it to this hour")
