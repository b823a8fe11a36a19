"""Sound: volume and mute; silent, without an error, when the mixer cannot open."""

from __future__ import annotations

import os
from collections.abc import Iterator

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame
import pytest

from game.ui.audio import SOUND_NAMES, Audio


@pytest.fixture
def mixer() -> Iterator[None]:
    yield
    pygame.mixer.quit()


def test_dummy_device_plays_every_effect(mixer: None) -> None:
    audio = Audio.start(volume=0.5)
    assert audio.available
    for name in SOUND_NAMES:
        assert audio.play(name)


def test_mute_and_volume(mixer: None) -> None:
    audio = Audio.start(volume=2.0)
    assert audio.volume == 1.0
    audio.volume = 0.25
    assert audio.effective_volume == 0.25
    assert audio.toggle_mute() is True
    assert audio.effective_volume == 0.0
    assert not audio.play("ship")
    audio.muted = False
    assert audio.play("ship")
    audio.volume = 0.0
    assert not audio.play("ship")


def test_no_audio_device_is_silent_not_an_error(
    mixer: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    pygame.mixer.quit()

    def no_device(*args: object, **kwargs: object) -> None:
        raise pygame.error("No available audio device")

    monkeypatch.setattr(pygame.mixer, "init", no_device)
    audio = Audio.start(volume=0.6, muted=False)
    assert not audio.available
    assert not audio.play("final_score")
    audio.volume = 0.3
    assert audio.volume == 0.3


def test_an_unknown_sound_is_a_clear_error(mixer: None) -> None:
    with pytest.raises(KeyError, match="unknown sound"):
        Audio.silent().play("applause")
