"""Sound: volume and mute; silent, without an error, when the mixer cannot open."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame
import pytest

from game.ui.audio import SOUND_NAMES, Audio, c_stderr_silenced
from tests.ui.conftest import ROOT, TUTORIAL


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


def test_without_a_sound_card_the_game_plays_through_saying_nothing(tmp_path: Path) -> None:
    """No SDL_AUDIODRIVER: SDL tries the real devices (ALSA among them). Where there is no
    sound card, ALSA's diagnostics must not reach the terminal."""
    env = {key: value for key, value in os.environ.items() if key != "SDL_AUDIODRIVER"}
    env.update({"SDL_VIDEODRIVER": "dummy", "XDG_DATA_HOME": str(tmp_path / "data")})
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "game",
            "play",
            str(TUTORIAL),
            "--autoplay",
            "greedy",
            "--speed",
            "max",
            "--exit-at-end",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "ALSA" not in result.stderr
    assert result.stderr == ""


def test_standard_error_comes_back_after_silencing(capfd: pytest.CaptureFixture[str]) -> None:
    with c_stderr_silenced():
        os.write(2, b"ALSA lib pcm.c: Unknown PCM default\n")
    os.write(2, b"heard\n")
    assert capfd.readouterr().err == "heard\n"
