"""The window: the display, the scene stack, the clock, settings and the global keys.

:class:`App` owns the pygame display and one frame loop (events, update, draw). Scenes
get their own pygame_gui manager from :meth:`App.new_manager`, themed from ``assets/``
(each theme parsed once and shared).
The UI scale draws the scenes on a smaller or larger canvas that is scaled to the
window; the managers are told so, and mouse positions follow.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.ui.audio import Audio
from game.ui.notice import Notice
from game.ui.options import PlayOptions
from game.ui.preload import Preloader
from game.ui.saves import Settings, Store, save_settings
from game.ui.scene import Scene, SceneStack
from game.ui.theme import BACKDROP, ThemeCache
from game.ui.widgets.onscreen import ACTIONABLE, READABLE, shown_rects

if TYPE_CHECKING:
    from game.scenario.load import LoadedScenario

MIN_SIZE = (1024, 600)
MAX_SIZE = (2560, 1440)
DEFAULT_SIZE = (1280, 720)
FPS = 60
TITLE = "mlday: a machine-learning engineer's day"
INPUT_EVENTS = frozenset(
    {
        pygame.KEYDOWN,
        pygame.KEYUP,
        pygame.TEXTINPUT,
        pygame.MOUSEBUTTONDOWN,
        pygame.MOUSEBUTTONUP,
        pygame.MOUSEWHEEL,
    }
)
"""The player's doings: handling one may open a screen that imports what is preloading."""
NOTICE_RECHECK_FRAMES = 10


class NoDisplayError(Exception):
    """There is no display to open a window on."""


def clamp_size(size: tuple[int, int]) -> tuple[int, int]:
    """A window size held between the smallest and the largest the layout supports."""
    width = min(MAX_SIZE[0], max(MIN_SIZE[0], int(size[0])))
    height = min(MAX_SIZE[1], max(MIN_SIZE[1], int(size[1])))
    return width, height


def scene_name(scene: Scene) -> str:
    """A scene's short name: its ``name``, or its class name less 'Scene' ('debrief')."""
    if scene.name != Scene.name:
        return scene.name
    return type(scene).__name__.removesuffix("Scene").lower() or Scene.name


class App:
    """The game window and its frame loop."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        options: PlayOptions | None = None,
        size: tuple[int, int] = DEFAULT_SIZE,
        preload: Preloader | None = None,
    ) -> None:
        self.store = store
        self.data = store.folder
        self.settings = settings
        self.options = options if options is not None else PlayOptions()
        self.preload = preload if preload is not None else Preloader(())
        """Imports begun once the first frame is shown (see :mod:`game.ui.preload`)."""
        self.screenshots = self.data / "screenshots"
        try:
            pygame.display.init()
            pygame.font.init()
            self._window_size = clamp_size(size)
            flags = pygame.RESIZABLE | (pygame.FULLSCREEN if settings.fullscreen else 0)
            self.screen = pygame.display.set_mode(self._window_size, flags)
        except pygame.error as error:
            raise NoDisplayError(str(error)) from None
        pygame.display.set_caption(TITLE)
        self.canvas = self.screen
        self.scale = 1.0
        self._fit_scale()
        self.clock = pygame.time.Clock()
        self.themes = ThemeCache()
        """Each theme parsed once, shared by the scenes' managers."""
        self.stack = SceneStack(self.logical_size)
        self.running = True
        self.frames = 0
        self.notice = Notice()
        self._notice_avoid: tuple[object, list[pygame.Rect], list[pygame.Rect]] | None = None
        """The widgets' rectangles the notice keeps clear of, and what they were found for."""
        self.after_frame: list[Callable[[App], None]] = []
        """Called after each frame is drawn."""
        self.audio = Audio.start(settings.volume, settings.muted)
        self._shot: set[int] = set()
        """The scenes (by id) already saved as a PNG for ``--screenshots``."""
        self._shots_taken = 0
        self._shot_names: set[str] = set()
        """``--screenshots`` saves one PNG per kind of scene (the first event dialog, ...)."""
        self.end_scene: Scene | None = None
        """The scene that followed the end of a game (the debrief): ``--exit-at-end``
        closes the window once it has been shown."""

    # --- sizes and scale -----------------------------------------------------------------

    @property
    def window_size(self) -> tuple[int, int]:
        """The window's size in pixels."""
        return self._window_size

    def logical_size(self) -> tuple[int, int]:
        """The size the scenes lay out in: the window's size divided by the UI scale."""
        return self.canvas.get_size()

    def _fit_scale(self) -> None:
        """Work out the scale in use and the canvas; the layout never gets below its minimum."""
        width, height = self._window_size
        wanted = self.settings.ui_scale
        self.scale = max(0.5, min(wanted, width / MIN_SIZE[0], height / MIN_SIZE[1]))
        if abs(self.scale - 1.0) < 1e-9:
            self.scale = 1.0
            self.canvas = self.screen
        else:
            logical = (round(width / self.scale), round(height / self.scale))
            self.canvas = pygame.Surface(logical).convert()

    def _mouse_factor(self) -> list[float]:
        logical = self.canvas.get_size()
        return [logical[0] / self._window_size[0], logical[1] / self._window_size[1]]

    def resize(self, size: tuple[int, int]) -> None:
        """Resize the window (held within the supported sizes) and lay every scene out again."""
        self._window_size = clamp_size(size)
        if self.screen.get_size() != self._window_size:
            flags = pygame.RESIZABLE | (pygame.FULLSCREEN if self.settings.fullscreen else 0)
            self.screen = pygame.display.set_mode(self._window_size, flags)
        self._relayout()

    def set_ui_scale(self, scale: float) -> None:
        """Change the UI scale and lay every scene out again."""
        self.settings.ui_scale = scale
        self._relayout()

    def _relayout(self) -> None:
        self._fit_scale()
        for scene in self.stack:
            scene.ui.mouse_pos_scale_factor = self._mouse_factor()
        self.stack.layout(self.logical_size())

    def toggle_fullscreen(self) -> None:
        """Switch between full screen and a window (F11)."""
        self.settings.fullscreen = not self.settings.fullscreen
        try:
            pygame.display.toggle_fullscreen()
        except pygame.error:
            self.notify("full screen is not available here")
            self.settings.fullscreen = False
        self.save_settings()

    # --- themes --------------------------------------------------------------------------

    def new_manager(self) -> pygame_gui.UIManager:
        """A pygame_gui manager for a scene, with the theme of the chosen palette."""
        manager = self.themes.manager(self.logical_size(), self.settings.colourblind)
        manager.live_theme_updates = False
        manager.mouse_pos_scale_factor = self._mouse_factor()
        return manager

    def set_palette(self, colourblind: bool) -> None:
        """Switch between the standard and the colour-blind-safe theme."""
        self.settings.colourblind = colourblind
        for scene in self.stack:
            self.themes.switch(scene.ui, colourblind)
            scene.laid_out = None  # custom drawing reads the palette when laid out
        self.stack.layout(self.logical_size())

    def save_settings(self) -> None:
        """Keep the settings for the next time the game opens."""
        with contextlib.suppress(OSError):
            save_settings(self.data, self.settings)

    # --- the frame loop ------------------------------------------------------------------

    def run(self, first: Scene | None = None) -> None:
        """Open ``first`` (when given) and loop until the player quits or the stack empties."""
        if first is not None:
            self.stack.push(first)
        while self.running and len(self.stack):
            dt = self.clock.tick(FPS) / 1000.0
            self.frame(pygame.event.get(), dt)

    def step(self, dt: float = 1.0 / FPS) -> None:
        """One frame with the events waiting in pygame's queue (tests and autoplay)."""
        self.frame(pygame.event.get(), dt)

    def frame(self, events: Iterable[pygame.event.Event], dt: float) -> None:
        """Handle the events, update the top scene, draw, and call the after-frame hooks."""
        for event in events:
            self.dispatch(event)
        self.stack.update(dt)
        self.notice.tick(dt)
        self.draw()
        self.frames += 1
        self.preload.start()
        self._after_draw()
        for hook in list(self.after_frame):
            hook(self)

    def _after_draw(self) -> None:
        """Per-scene screenshots, the autoplayer's move, and the exit at the end."""
        top = self.stack.top
        if top is None:
            return
        shot = id(top) in self._shot
        if not shot and top.screenshot_ready():
            self._shot.add(id(top))
            kind = scene_name(top)
            if self.options.screenshots is not None and kind not in self._shot_names:
                self._shot_names.add(kind)
                self._shots_taken += 1
                name = f"{self._shots_taken:02d}-{kind}.png"
                self.screenshot(self.options.screenshots / name)
            shot = True
        if self.options.exit_at_end and top is self.end_scene and shot:
            self.quit()
            return
        if self.options.autoplay is not None:
            self.preload.wait()
            top.autoplay_step()

    def dispatch(self, event: pygame.event.Event) -> None:
        """Send one event: the window's own keys first, then down the scene stack."""
        if event.type in INPUT_EVENTS:
            self.preload.wait()
        if event.type == pygame.QUIT:
            self.quit()
            return
        if event.type == pygame.VIDEORESIZE:
            self.resize((event.w, event.h))
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_F11:
            self.toggle_fullscreen()
            return
        if event.type == pygame.KEYDOWN and event.key == pygame.K_F12:
            self.notify(f"screenshot saved: {self.screenshot()}")
            return
        self.stack.handle(event)

    def draw(self) -> None:
        """Draw the visible scenes and any notice, then show the frame."""
        visible = self.stack.visible()
        if not (visible and visible[0].paints_backdrop):
            self.canvas.fill(BACKDROP)
        self.stack.draw(self.canvas)
        top = self.stack.top
        if top is not None:
            top.focus.draw(top.ui, self.canvas)
        if self.canvas is not self.screen:
            pygame.transform.smoothscale(self.canvas, self._window_size, self.screen)
        if self.notice.showing:
            self._draw_notice()
        pygame.display.flip()

    def _draw_notice(self) -> None:
        """Draw the notice clear of the widgets, found again when the scenes or their
        widgets change, and every few frames besides."""
        widgets = [
            (id(scene), len(scene.ui.get_sprite_group().sprites()))
            for scene in self.stack.visible()
        ]
        signature = (self.notice.text, self._window_size, widgets)
        if (
            self._notice_avoid is None
            or self._notice_avoid[0] != signature
            or (self.frames % NOTICE_RECHECK_FRAMES == 0)
        ):
            self._notice_avoid = (signature, self.shown(ACTIONABLE), self.shown(READABLE))
        _, actionable, readable = self._notice_avoid
        self.notice.draw(self.screen, actionable, readable)

    def shown(self, kinds: tuple[type, ...]) -> list[pygame.Rect]:
        """What shows of the visible scenes' widgets of these kinds, in window pixels."""
        (width, height), (logical_width, logical_height) = self._window_size, self.logical_size()
        across, down = width / logical_width, height / logical_height
        found = []
        for scene in self.stack.visible():
            for rect in shown_rects(scene.ui, kinds):
                left, top = math.floor(rect.left * across), math.floor(rect.top * down)
                right, bottom = math.ceil(rect.right * across), math.ceil(rect.bottom * down)
                found.append(pygame.Rect(left, top, right - left, bottom - top))
        return found

    def notify(self, text: str) -> None:
        """Show a short message for a few seconds, where it covers no button."""
        self.notice.show(text)

    def screenshot(self, path: Path | None = None) -> Path:
        """Save the window as a PNG (F12); returns where it went."""
        if path is None:
            self.screenshots.mkdir(parents=True, exist_ok=True)
            n = 1
            while (self.screenshots / f"mlday-{n:04d}.png").exists():
                n += 1
            path = self.screenshots / f"mlday-{n:04d}.png"
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.screen, os.fspath(path))
        return path

    # --- games ---------------------------------------------------------------------------

    def start_game(self, loaded: LoadedScenario, seed: int, replace: Scene | None = None) -> None:
        """Open the play screen on a new game (in place of ``replace``, as the briefing)."""
        from game.ui.game import Game
        from game.ui.scenes.play import PlayScene

        game = Game.new(
            loaded,
            seed,
            self.store,
            autoplay=self.options.autoplay,
            record=self.options.record,
        )
        game.autosave()
        self._open_play(PlayScene(self, game), replace)

    def continue_game(self, replace: Scene | None = None) -> bool:
        """Open the play screen on the autosaved game; False (and a notice) when it cannot be."""
        from game.session import SaveError
        from game.ui.game import Game
        from game.ui.scenes.play import PlayScene

        try:
            game = Game.resume(
                self.store, autoplay=self.options.autoplay, record=self.options.record
            )
        except SaveError as error:
            self.notify(str(error))
            return False
        self._open_play(PlayScene(self, game), replace)
        return True

    def _open_play(self, scene: Scene, replace: Scene | None) -> None:
        self.end_scene = None
        if replace is not None and self.stack.top is replace:
            self.stack.replace(scene)
        else:
            self.stack.push(scene)

    def quit(self) -> None:
        """Close every scene and stop the loop."""
        self.preload.wait()
        self.stack.clear()
        self.running = False
        with contextlib.suppress(OSError):
            self.store.flush()  # the last autosave whole on disk before the window closes
