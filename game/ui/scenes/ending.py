"""The end of a game in the window: the debrief takes the play screen's place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.ui.game import Finished, Game
from game.ui.scenes.debrief import DebriefScene

if TYPE_CHECKING:
    from game.ui.app import App
    from game.ui.scene import Scene


def open_debrief(app: App, play: Scene, game: Game, finished: Finished) -> DebriefScene:
    """Replace the play screen with the debrief of the finished game."""
    from game.ui.scenes.picker import PickerScene
    from game.ui.scenes.title import TitleScene

    debrief: DebriefScene

    def play_again() -> None:
        app.start_game(game.loaded, game.session.seed, replace=debrief)

    def pick_scenario() -> None:
        app.stack.reset(TitleScene(app))
        app.stack.push(PickerScene(app))

    def title() -> None:
        app.stack.reset(TitleScene(app))

    debrief = DebriefScene(
        app,
        game.session,
        run_file=finished.run_path,
        on_play_again=play_again,
        on_pick_scenario=pick_scenario,
        on_title=title,
    )
    if app.stack.top is play:
        app.stack.replace(debrief)
    else:
        app.stack.push(debrief)
    app.end_scene = debrief
    app.audio.play("final_score")
    if finished.new_best:
        app.notify(f"A new best score for {game.loaded.id}: {finished.report.score.total}")
    return debrief
