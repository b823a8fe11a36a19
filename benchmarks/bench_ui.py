"""The window's speed and size at 1280x720 on SDL's dummy driver (software rendering).

Targets (issue 13, point 10): on the busiest play screen, a median frame under 2 ms and
at most twice the median of a bare pygame_gui scene with the same number of elements
(measured in the same run), a 99th percentile under 5 ms; under 0.5 s from start to the
first drawn frame; under 120 MB resident while playing.

    uv run python benchmarks/bench_ui.py [--frames N] [--seed S] [--clock wall|cpu]
    uv run python benchmarks/bench_ui.py --start-up

The busiest play screen is Ravi's Tuesday played by the greedy policy, stopped at the
boundary whose play screen holds the most elements. Every frame handles a mouse move
across the screen (hover states and tooltips work as for a player), updates and draws;
the clock is paused, as while a player reads the board. Then eight ticks are timed with
the clock running at 4x (a tick every 30 frames, each tick updating the panels that
changed), from the busiest boundary or early enough for eight ticks to be left.

The bare scene is pygame_gui with its default theme and the same number of elements:
small labels and buttons in a grid (as the design's reference figures were measured),
and also one plain label or button at each place the play screen's elements occupy (the
same pixels to draw). ``--clock cpu`` times frames by this process's processor time, for
a machine busy with other work.

Start-up is measured as a player starts the game: a fresh process runs the ``mlday``
console script's entry point with no command (the title screen), timed from the
interpreter's first line of this file (and from the moment the process was spawned) to
the first drawn frame, with Python's compiled modules cached as after a first start
(that first start, compiling every module, is shown too). Memory is the peak resident
size of a fresh process after playing the busiest screen for the same frames.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

START = time.perf_counter()
os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

ROOT = Path(__file__).resolve().parent.parent
SIZE = (1280, 720)
SCENARIO = ROOT / "scenarios" / "ravi-tuesday.yaml"
DT = 1.0 / 60.0
RUNNING_TICKS = 8
FRAMES_PER_TICK_AT_4X = 30
"""At 4x a tick lasts half a second of game clock: 30 frames of 1/60 s."""
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}
"""Frames are timed by the wall clock, or (``--clock cpu``, on a machine busy with other
work) by the processor time this process used."""


def _mouse_path(frames: int) -> list[tuple[int, int]]:
    """A mouse that sweeps the screen in rows, one position a frame."""
    points = []
    for n in range(frames):
        x = (n * 37) % SIZE[0]
        y = ((n * 37) // SIZE[0] * 53 + 20) % SIZE[1]
        points.append((x, y))
    return points


def _motion(pos: tuple[int, int]) -> object:
    import pygame

    return pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(1, 0), buttons=(0, 0, 0))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(share * (len(ordered) - 1)))
    return ordered[index]


def open_app(folder: Path) -> object:
    """A window as ``mlday`` opens it (settings by default, data in `folder`)."""
    from game.ui.app import App
    from game.ui.saves import Settings, Store

    return App(Store(folder), Settings(), size=SIZE)


def busiest_tick(app: object, seed: int) -> tuple[int, int]:
    """The boundary of greedy's game whose play screen holds the most elements: (tick, count)."""
    from game.ui.app import App
    from game.ui.scenes.play import PlayScene

    assert isinstance(app, App)
    loaded, actions = _greedy_game(seed)
    counts: list[tuple[int, int]] = []
    for tick in range(_total_ticks(loaded)):
        scene = PlayScene(app, _game_at(loaded, seed, app, actions, tick))
        app.stack.push(scene)
        app.step(DT)
        counts.append((_elements(scene), tick))
        app.stack.pop()
    elements, tick = max(counts)
    return tick, elements


def open_play_screen(app: object, seed: int, tick: int) -> object:
    """Push the play screen of greedy's game at a boundary; returns the scene."""
    from game.ui.app import App
    from game.ui.scenes.play import PlayScene

    assert isinstance(app, App)
    loaded, actions = _greedy_game(seed)
    scene = PlayScene(app, _game_at(loaded, seed, app, actions, tick))
    app.stack.push(scene)
    return scene


def _greedy_game(seed: int) -> tuple[object, list[object]]:
    from game.core.engine import play
    from game.core.rules import prepare
    from game.policies import make_policy
    from game.replay.replay import timed
    from game.scenario.load import load_scenario

    loaded = load_scenario(str(SCENARIO))
    rules = prepare(loaded.scenario)
    _, applied = play(rules, seed, make_policy("greedy", rules, seed))
    return loaded, list(timed(applied))


def _total_ticks(loaded: object) -> int:
    from game.core.rules import prepare
    from game.scenario.load import LoadedScenario

    assert isinstance(loaded, LoadedScenario)
    return prepare(loaded.scenario).total_ticks


def _game_at(loaded: object, seed: int, app: object, actions: list[object], tick: int) -> object:
    from game.replay.replay import TimedAction
    from game.ui.app import App
    from game.ui.game import Game

    assert isinstance(app, App)
    game = Game.new(loaded, seed, app.store)  # type: ignore[arg-type]
    for timed_action in actions:
        assert isinstance(timed_action, TimedAction)
        if timed_action.tick > tick:
            break
        game.session.advance_to(timed_action.tick)
        game.session.apply(timed_action.action)
    game.session.advance_to(tick)
    return game


def _elements(scene: object) -> int:
    import pygame_gui

    from game.ui.scene import Scene

    assert isinstance(scene, Scene)
    return sum(
        1
        for sprite in scene.ui.get_sprite_group().sprites()
        if isinstance(sprite, pygame_gui.core.UIElement)
    )


def time_frames(
    app: object,
    frames: int,
    only: object | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """Milliseconds per frame of the app's loop (events, update, draw, flip); with `only`,
    the frames stop once that scene is no longer on top (the game ended)."""
    from game.ui.app import App

    assert isinstance(app, App)
    times = []
    for pos in _mouse_path(frames):
        if only is not None and app.stack.top is not only:
            break
        start = clock()
        app.frame([_motion(pos)], DT)
        times.append((clock() - start) * 1000.0)
    return times


@dataclass
class PlayedGame:
    """Milliseconds per frame of a game played at 4x, by the wall and the processor clock."""

    clock_wall: list[float] = field(default_factory=list)
    """Frames of the play screen with the clock running (ticks, clicks, the mouse)."""
    clock_cpu: list[float] = field(default_factory=list)
    tick_wall: list[float] = field(default_factory=list)
    """Of those, the frames in which a tick ran (the log grew, the panels changed)."""
    tick_cpu: list[float] = field(default_factory=list)
    dialog_wall: list[float] = field(default_factory=list)
    """Frames that opened an event dialog: its first frame on the screen."""
    dialog_cpu: list[float] = field(default_factory=list)


def play_at_4x(app: object, seed: int) -> PlayedGame:
    """Ravi's Tuesday played in the window as a person would, at 4x: greedy's actions
    clicked one a frame at the boundary it took them, each event dialog opened by the
    clock and answered with greedy's choice by its number key (or Esc), the mouse moving
    across the screen; until the game ends (its debrief is not counted)."""
    import pygame

    from game.scenario.actions import Choose
    from game.scenario.load import LoadedScenario
    from game.ui.app import App
    from game.ui.scenes.event import EventDialog
    from game.ui.scenes.play import PlayScene

    assert isinstance(app, App)
    loaded, actions = _greedy_game(seed)
    assert isinstance(loaded, LoadedScenario)
    app.start_game(loaded, seed)
    play = app.stack.top
    assert isinstance(play, PlayScene)
    play.set_speed("4")
    if play.paused:
        play.toggle_pause()
    session = play.game.session
    waiting = [timed for timed in actions if not isinstance(timed.action, Choose)]  # type: ignore[attr-defined]
    answers = {
        (timed.action.event): timed.action.choice  # type: ignore[attr-defined]
        for timed in actions
        if isinstance(timed.action, Choose)  # type: ignore[attr-defined]
    }
    played = PlayedGame()
    for pos in _mouse_path(100_000):
        top = app.stack.top
        if session.over or top is None:
            break
        events: list[object] = [_motion(pos)]
        click = None
        if isinstance(top, EventDialog):
            choices = [choice.id for choice in top.event.choices]
            choice = answers.get(top.event.id)
            key = pygame.K_1 + choices.index(choice) if choice in choices else pygame.K_ESCAPE
            events.append(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=""))
        elif waiting and waiting[0].tick <= session.tick:  # type: ignore[attr-defined]
            click = waiting.pop(0).action  # type: ignore[attr-defined]
        tick = session.tick
        wall, cpu = time.perf_counter(), time.process_time()
        if click is not None:
            play.apply(click)
        app.frame(events, DT)
        wall, cpu = (time.perf_counter() - wall) * 1000.0, (time.process_time() - cpu) * 1000.0
        after = app.stack.top
        if top is play and isinstance(after, EventDialog):
            played.dialog_wall.append(wall)
            played.dialog_cpu.append(cpu)
        elif top is play and after is play:
            played.clock_wall.append(wall)
            played.clock_cpu.append(cpu)
            if session.tick != tick:
                played.tick_wall.append(wall)
                played.tick_cpu.append(cpu)
    return played


def played_rows(played: PlayedGame) -> list[tuple[str, str, str]]:
    """The figures of a game played at 4x, as rows of the printed table."""
    return [
        (
            f"a game played at 4x, {len(played.clock_wall)} frames: p99, max",
            f"{_percentile(played.clock_wall, 0.99):.1f}, {max(played.clock_wall):.1f} ms wall",
            "no frame over 16 ms",
        ),
        (
            "",
            f"{_percentile(played.clock_cpu, 0.99):.1f}, {max(played.clock_cpu):.1f} ms cpu",
            "",
        ),
        (
            f"  its {len(played.tick_wall)} frames with a tick: median, max",
            f"{statistics.median(played.tick_wall):.1f}, {max(played.tick_wall):.1f} ms wall",
            "",
        ),
        (
            "",
            f"{statistics.median(played.tick_cpu):.1f}, {max(played.tick_cpu):.1f} ms cpu",
            "",
        ),
        (
            f"  an event dialog's first frame ({len(played.dialog_wall)}): median, max",
            f"{statistics.median(played.dialog_wall):.1f}, {max(played.dialog_wall):.1f} ms wall",
            "under 16 ms",
        ),
        (
            "",
            f"{statistics.median(played.dialog_cpu):.1f}, {max(played.dialog_cpu):.1f} ms cpu",
            "",
        ),
    ]


def grid_layout(count: int) -> list[tuple[str, tuple[int, int, int, int]]]:
    """`count` small labels and buttons in a grid: the bare scene of the design's figures."""
    columns = 8
    width, height = SIZE[0] // columns, 28
    return [
        (
            "button" if n % 2 else "label",
            ((n % columns) * width, (n // columns) * height % SIZE[1], width - 4, 24),
        )
        for n in range(count)
    ]


def mirror_layout(scene: object) -> list[tuple[str, tuple[int, int, int, int]]]:
    """A plain label or button at the place and size of each element of `scene` on screen."""
    import pygame
    import pygame_gui

    from game.ui.scene import Scene

    assert isinstance(scene, Scene)
    screen = pygame.Rect((0, 0), SIZE)
    found: list[tuple[str, tuple[int, int, int, int]]] = []
    for sprite in scene.ui.get_sprite_group().sprites():
        if not isinstance(sprite, pygame_gui.core.UIElement):
            continue
        rect = sprite.rect.clip(screen)
        if rect.width and rect.height:
            kind = "button" if isinstance(sprite, pygame_gui.elements.UIButton) else "label"
            found.append((kind, (rect.x, rect.y, rect.width, rect.height)))
    return found


def bare_scene_frames(
    layout: list[tuple[str, tuple[int, int, int, int]]],
    frames: int,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """The same loop on a bare pygame_gui manager (its default theme) holding `layout`."""
    import pygame
    import pygame_gui

    surface = pygame.display.set_mode(SIZE)
    manager = pygame_gui.UIManager(SIZE)
    for n, (kind, place) in enumerate(layout):
        rect = pygame.Rect(place)
        if kind == "button":
            text = f"button {n}" if rect.height >= 24 and rect.width >= 80 else ""
            pygame_gui.elements.UIButton(rect, text, manager, tool_tip_text=f"tip {n}")
        else:
            text = f"label {n}" if rect.height >= 24 and rect.width >= 80 else ""
            pygame_gui.elements.UILabel(rect, text, manager)
    times = []
    for pos in _mouse_path(frames):
        start = clock()
        manager.process_events(_motion(pos))  # type: ignore[arg-type]
        manager.update(DT)
        surface.fill((20, 22, 28))
        manager.draw_ui(surface)
        pygame.display.flip()
        times.append((clock() - start) * 1000.0)
    return times


def child_first_frame() -> None:
    """In a fresh process: run the ``mlday`` console script's entry point with no command
    (the title screen), as a player starts the game; report its first drawn frame.

    The data folder is the one in ``XDG_DATA_HOME`` (the parent's temporary folder).
    """
    import pygame

    show = pygame.display.flip

    def first_flip() -> None:
        show()
        now = {"first_frame_s": time.perf_counter() - START, "first_frame_at": time.time()}
        print(json.dumps(now), flush=True)
        os._exit(0)

    pygame.display.flip = first_flip
    from game.cli.main import entry

    sys.argv = ["mlday"]
    entry()


def child_bare_first_frame() -> None:
    """In a fresh process: a bare pygame_gui window with one button, to its first frame."""
    import pygame
    import pygame_gui

    pygame.display.init()
    pygame.font.init()
    surface = pygame.display.set_mode(SIZE)
    manager = pygame_gui.UIManager(SIZE)
    pygame_gui.elements.UIButton(pygame.Rect(10, 10, 120, 40), "Start", manager)
    manager.update(DT)
    manager.draw_ui(surface)
    pygame.display.flip()
    print(json.dumps({"first_frame_s": time.perf_counter() - START}))


def child_memory(frames: int, seed: int, tick: int) -> None:
    """In a fresh process: play the busiest screen for `frames`, report the peak RSS."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        app = open_app(Path(folder))
        open_play_screen(app, seed, tick)
        time_frames(app, frames)
        print(json.dumps({"peak_rss_mb": _peak_rss_mb()}))


def _peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec; getrusage's
    figure would count the parent's memory at fork, so it is only the fallback."""
    import resource

    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _child(*args: str, bytecode: Path | None = None) -> dict[str, float]:
    """Run this file in a fresh process with `args`; its last line of output, read as JSON.

    ``spawned_at`` is the wall-clock time just before the process was started. With
    `bytecode`, Python keeps its compiled modules in that folder, as an installed game
    does after its first start (whatever ``PYTHONDONTWRITEBYTECODE`` says here).
    """
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "XDG_DATA_HOME": folder}
        if bytecode is not None:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(bytecode)
        spawned_at = time.time()
        result = subprocess.run(
            [sys.executable, __file__, *args],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env=env,
        )
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    data["spawned_at"] = spawned_at
    return data


def start_up() -> dict[str, float]:
    """Seconds from start to the first frame of ``mlday`` and of a bare pygame_gui window,
    each the best of five fresh processes with compiled modules cached, and the very
    first start of ``mlday``, when every module is compiled."""
    import tempfile

    with tempfile.TemporaryDirectory() as bytecode:
        cache = Path(bytecode)
        first_ever = _child("--child", "first-frame", bytecode=cache)["first_frame_s"]
        _child("--child", "bare-first-frame", bytecode=cache)
        starts = [_child("--child", "first-frame", bytecode=cache) for _ in range(5)]
        bare = [_child("--child", "bare-first-frame", bytecode=cache) for _ in range(5)]
    return {
        "first_frame_s": min(start["first_frame_s"] for start in starts),
        "with_interpreter_s": min(
            start["first_frame_at"] - start["spawned_at"] for start in starts
        ),
        "bare_s": min(start["first_frame_s"] for start in bare),
        "first_ever_s": first_ever,
    }


def main() -> int:
    """Measure and print every figure with its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=1000, help="frames timed per figure")
    parser.add_argument("--seed", type=int, default=3, help="seed of the greedy game")
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="wall",
        help="time frames by the wall clock or by this process's processor time",
    )
    parser.add_argument(
        "--start-up", action="store_true", help="measure only the time to the first frame"
    )
    parser.add_argument("--played", action="store_true", help="measure only a game played at 4x")
    parser.add_argument(
        "--child", choices=("first-frame", "bare-first-frame", "memory"), help=argparse.SUPPRESS
    )
    parser.add_argument("--tick", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "first-frame":
        child_first_frame()
        return 0
    if args.child == "bare-first-frame":
        child_bare_first_frame()
        return 0
    if args.child == "memory":
        child_memory(args.frames, args.seed, args.tick)
        return 0
    if args.start_up:
        start = start_up()
        print(
            f"`mlday` to its first frame: {start['first_frame_s']:.3f} s (target under 0.5 s), "
            f"{start['with_interpreter_s']:.3f} s with the interpreter's start; a bare "
            f"pygame_gui window {start['bare_s']:.3f} s; the first start, compiling, "
            f"{start['first_ever_s']:.3f} s"
        )
        return 0
    clock = CLOCKS[args.clock]
    if args.played:
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            app = open_app(Path(folder))
            played = play_at_4x(app, args.seed)
        _print_table(f"a game of Ravi's Tuesday at 4x, seed {args.seed}", played_rows(played))
        return 0

    import tempfile

    from game.ui.app import App

    with tempfile.TemporaryDirectory() as folder:
        app = open_app(Path(folder))
        assert isinstance(app, App)
        tick, elements = busiest_tick(app, args.seed)
        scene = open_play_screen(app, args.seed, tick)
        mirror = mirror_layout(scene)
        time_frames(app, 100)  # warm-up: fonts and shapes cached
        paused = time_frames(app, args.frames, clock=clock)
        from game.ui.scenes.play import PlayScene

        assert isinstance(scene, PlayScene)
        app.stack.pop()
        total = scene.game.session.rules.total_ticks
        start_tick = max(0, min(tick, total - RUNNING_TICKS - 1))
        running_scene = open_play_screen(app, args.seed, start_tick)
        assert isinstance(running_scene, PlayScene)
        running_scene.set_speed("4")
        if running_scene.paused:
            running_scene.toggle_pause()
        running = time_frames(
            app, RUNNING_TICKS * FRAMES_PER_TICK_AT_4X, running_scene, clock=clock
        )
        app.stack.clear()
        played = play_at_4x(app, args.seed)
        app.quit()
    bare_scene_frames(grid_layout(elements), 100)
    bare = bare_scene_frames(grid_layout(elements), args.frames, clock)
    same_places = bare_scene_frames(mirror, args.frames, clock)
    start = start_up()
    memory = _child(
        "--child",
        "memory",
        "--frames",
        str(args.frames),
        "--seed",
        str(args.seed),
        "--tick",
        str(tick),
    )

    median, p99 = statistics.median(paused), _percentile(paused, 0.99)
    bare_median, bare_p99 = statistics.median(bare), _percentile(bare, 0.99)
    rows = [
        ("busiest play screen", f"tick {tick}, {elements} elements", ""),
        ("  frame, median", f"{median:.2f} ms", "under 2 ms"),
        ("  frame, 99th percentile", f"{p99:.2f} ms", "under 5 ms"),
        (
            f"  clock at 4x, {len(running)} frames: median, p99",
            f"{statistics.median(running):.2f} ms, {_percentile(running, 0.99):.2f} ms",
            "",
        ),
        *played_rows(played),
        (f"bare scene, {elements} elements", f"{bare_median:.2f} ms, p99 {bare_p99:.2f} ms", ""),
        ("  play screen / bare scene", f"{median / bare_median:.2f}x", "at most 2x"),
        (
            "bare scene, the play screen's places",
            f"{statistics.median(same_places):.2f} ms, p99 {_percentile(same_places, 0.99):.2f} ms",
            "",
        ),
        (
            "  play screen / that bare scene",
            f"{median / statistics.median(same_places):.2f}x",
            "",
        ),
        ("`mlday` start to first frame", f"{start['first_frame_s']:.3f} s", "under 0.5 s"),
        ("  with the interpreter's start", f"{start['with_interpreter_s']:.3f} s", ""),
        ("  a bare pygame_gui window", f"{start['bare_s']:.3f} s", ""),
        ("  the first start (compiling)", f"{start['first_ever_s']:.3f} s", ""),
        ("peak resident memory", f"{memory['peak_rss_mb']:.0f} MB", "under 120 MB"),
    ]
    _print_table(f"{args.frames} frames timed by the {args.clock} clock", rows)
    return 0


def _print_table(what: str, rows: list[tuple[str, str, str]]) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"mlday window at {SIZE[0]}x{SIZE[1]}, SDL dummy driver, {what}, "
        f"{os.cpu_count()} cores, load average {load}"
    )
    for name, value, target in rows:
        print(f"{name:<46}{value:>26}   {target}")


if __name__ == "__main__":
    sys.exit(main())
