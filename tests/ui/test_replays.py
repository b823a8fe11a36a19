"""The Replays list opens this computer's recorded games in the replay viewer."""

from __future__ import annotations

import json
from pathlib import Path

from game.ui.app import App
from tests.ui.conftest import TUTORIAL, click, run_frames, top_name


def test_a_finished_game_is_listed_and_opens_in_the_viewer(app: App, data_dir: Path) -> None:
    import subprocess
    import sys

    runs = data_dir / "runs"
    runs.mkdir(parents=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "game",
            "simulate",
            str(TUTORIAL),
            "--policy",
            "greedy",
            "--record",
            str(runs / "tutorial-seed0-001.json"),
        ],
        check=True,
        capture_output=True,
    )
    (runs / "broken.json").write_text("{", encoding="utf-8")
    from game.ui.scenes.title import TitleScene

    app.stack.push(TitleScene(app))
    run_frames(app, 1)
    click(app, "#replays")
    assert top_name(app) == "replays"
    names = [p.name for p in app.stack.top.files]  # type: ignore[union-attr]
    click(app, f"#run_{names.index('broken.json')}")
    assert top_name(app) == "replays"  # reported, not raised
    click(app, f"#run_{names.index('tutorial-seed0-001.json')}")
    assert top_name(app) == "replayviewer"
    assert json.loads((runs / "tutorial-seed0-001.json").read_text())["format"] == "mlday-run"
