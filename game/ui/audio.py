"""Sound effects with a volume and a mute; silent, never an error, without an audio device."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator

import pygame

from game.ui.theme import asset_path

SOUND_NAMES = ("event", "task_done", "job_failed", "ship", "final_score")

log = logging.getLogger(__name__)


class Audio:
    """The game's sound effects.

    ``Audio.start()`` opens the mixer and loads assets/sounds/*.wav. Where no audio device
    exists (or the mixer fails for any reason) the object is silent: ``play`` does nothing
    and ``available`` is False. Volume (0..1) and mute apply to every sound at once.
    """

    def __init__(self, sounds: dict[str, pygame.mixer.Sound], volume: float, muted: bool) -> None:
        self._sounds = sounds
        self._volume = _clamp(volume)
        self._muted = muted
        self._apply_volume()

    @classmethod
    def start(cls, volume: float = 0.7, muted: bool = False) -> Audio:
        """Open the mixer and load the effects; a silent Audio when that is impossible."""
        try:
            if not pygame.mixer.get_init():
                with c_stderr_silenced():
                    pygame.mixer.init()
            sounds = {
                name: pygame.mixer.Sound(asset_path("sounds", f"{name}.wav"))
                for name in SOUND_NAMES
            }
        except (pygame.error, OSError, NotImplementedError) as error:
            log.info("no sound: %s", error)
            return cls.silent(volume, muted)
        return cls(sounds, volume, muted)

    @classmethod
    def silent(cls, volume: float = 0.7, muted: bool = False) -> Audio:
        """An Audio that remembers its settings but plays nothing."""
        return cls({}, volume, muted)

    @property
    def available(self) -> bool:
        """True when sounds can actually be heard (a device was opened)."""
        return bool(self._sounds)

    @property
    def volume(self) -> float:
        """The volume from 0 (nothing) to 1 (full)."""
        return self._volume

    @volume.setter
    def volume(self, value: float) -> None:
        self._volume = _clamp(value)
        self._apply_volume()

    @property
    def muted(self) -> bool:
        """True while every sound is muted (the volume is kept for later)."""
        return self._muted

    @muted.setter
    def muted(self, value: bool) -> None:
        self._muted = value
        self._apply_volume()

    def toggle_mute(self) -> bool:
        """Mute or unmute; returns the new state."""
        self.muted = not self._muted
        return self._muted

    @property
    def effective_volume(self) -> float:
        """What the mixer is told: 0 when muted, the volume otherwise."""
        return 0.0 if self._muted else self._volume

    def play(self, name: str) -> bool:
        """Play one effect by name; True when a sound was started."""
        if name not in SOUND_NAMES:
            raise KeyError(f"unknown sound {name!r}; known: {', '.join(SOUND_NAMES)}")
        sound = self._sounds.get(name)
        if sound is None or self._muted or self._volume == 0.0:
            return False
        try:
            sound.play()
        except pygame.error as error:
            log.info("sound %s not played: %s", name, error)
            return False
        return True

    def _apply_volume(self) -> None:
        for sound in self._sounds.values():
            sound.set_volume(self.effective_volume)


@contextlib.contextmanager
def c_stderr_silenced() -> Iterator[None]:
    """Send the process's standard error (file descriptor 2) to the null device meanwhile.

    Without a sound card ALSA prints a dozen lines of diagnostics there from C when SDL
    looks for a device; the failure itself still reaches Python as a ``pygame.error``.
    Where there is no descriptor 2 to redirect, nothing is changed.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 2)
        finally:
            os.close(null)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, float(value)))
