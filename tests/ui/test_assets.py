"""The generated assets are committed, listed with a licence, and rebuilt the same way."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame

from game.ui.audio import SOUND_NAMES
from game.ui.theme import ASSETS_DIR

ROOT = Path(__file__).resolve().parents[2]
ICON_NAMES = (
    *SOUND_NAMES,
    "research",
    "data",
    "infra",
    "writing",
    "job",
    "eval",
    "choice",
    "message",
    "incident",
    "monitoring",
)


def _files() -> list[Path]:
    return sorted(p for p in ASSETS_DIR.rglob("*") if p.is_file() and p.name != "LICENSES.md")


def test_every_asset_is_listed_in_the_licences() -> None:
    licences = (ASSETS_DIR / "LICENSES.md").read_text(encoding="utf-8")
    for path in _files():
        if path.name == "OFL.txt":
            continue
        named = path.relative_to(ASSETS_DIR).as_posix()
        assert f"`{named}`" in licences, f"{named} is not in assets/LICENSES.md"


def test_fonts_carry_their_licence() -> None:
    fonts = sorted((ASSETS_DIR / "fonts").glob("*.ttf"))
    assert fonts
    ofl = (ASSETS_DIR / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in ofl
    pygame.font.init()
    for font in fonts:
        assert pygame.font.Font(font, 14).size("Ravi's Tuesday")[0] > 0


def test_icons_and_sounds_exist_in_their_formats() -> None:
    for name in ICON_NAMES:
        image = pygame.image.load(ASSETS_DIR / "icons" / f"{name}.png")
        assert image.get_size() == (64, 64)
    for name in SOUND_NAMES:
        with wave.open(str(ASSETS_DIR / "sounds" / f"{name}.wav")) as sound:
            assert (sound.getnchannels(), sound.getsampwidth()) == (1, 2)
            assert 0.1 < sound.getnframes() / sound.getframerate() < 2.0


def test_the_script_rebuilds_the_committed_assets(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_assets.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SDL_VIDEODRIVER": "dummy"},
    )
    assert result.returncode == 0, result.stderr
    for name in SOUND_NAMES:
        rebuilt = (tmp_path / "sounds" / f"{name}.wav").read_bytes()
        assert rebuilt == (ASSETS_DIR / "sounds" / f"{name}.wav").read_bytes(), name
    for name in ICON_NAMES:
        rebuilt_image = pygame.image.load(tmp_path / "icons" / f"{name}.png")
        committed = pygame.image.load(ASSETS_DIR / "icons" / f"{name}.png")
        assert pygame.image.tobytes(rebuilt_image, "RGBA") == pygame.image.tobytes(
            committed, "RGBA"
        ), name
