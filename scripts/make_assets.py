"""Generate the game's icons (PNG) and sound effects (WAV) into assets/.

Everything here is drawn or synthesised from code, so the outputs carry the project's own
licence and can be rebuilt byte for byte: `uv run python scripts/make_assets.py`.
Icons are light glyphs on a transparent background (the window tints them where it needs
a colour); sounds are 16-bit mono WAV at 22,050 Hz made from sine partials and envelopes.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import wave
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np
import pygame

ASSETS = Path(__file__).resolve().parent.parent / "assets"
ICON_SIZE = 64
SUPERSAMPLE = 4
SAMPLE_RATE = 22_050
INK = (240, 240, 240, 255)

Painter = Callable[[pygame.Surface, float], None]


# ---------------------------------------------------------------- icons


def _pt(u: float, x: float, y: float) -> tuple[int, int]:
    """A point given in icon units (0..1) on a canvas of side u."""
    return round(x * u), round(y * u)


def _event(s: pygame.Surface, u: float) -> None:
    """A warning triangle with an exclamation mark: something happened."""
    pygame.draw.polygon(s, INK, [_pt(u, 0.5, 0.08), _pt(u, 0.95, 0.9), _pt(u, 0.05, 0.9)], 0)
    pygame.draw.rect(s, (0, 0, 0, 0), pygame.Rect(*_pt(u, 0.45, 0.32), *_pt(u, 0.1, 0.34)))
    pygame.draw.circle(s, (0, 0, 0, 0), _pt(u, 0.5, 0.78), round(0.06 * u))


def _task_done(s: pygame.Surface, u: float) -> None:
    """A ring with a tick inside: a task finished."""
    pygame.draw.circle(s, INK, _pt(u, 0.5, 0.5), round(0.44 * u), round(0.08 * u))
    pygame.draw.lines(
        s, INK, False, [_pt(u, 0.28, 0.52), _pt(u, 0.44, 0.68), _pt(u, 0.73, 0.34)], round(0.1 * u)
    )


def _job_failed(s: pygame.Surface, u: float) -> None:
    """A ring with a cross inside: a job failed."""
    pygame.draw.circle(s, INK, _pt(u, 0.5, 0.5), round(0.44 * u), round(0.08 * u))
    w = round(0.1 * u)
    pygame.draw.line(s, INK, _pt(u, 0.32, 0.32), _pt(u, 0.68, 0.68), w)
    pygame.draw.line(s, INK, _pt(u, 0.68, 0.32), _pt(u, 0.32, 0.68), w)


def _ship(s: pygame.Surface, u: float) -> None:
    """A sailing boat: a model shipped to production."""
    pygame.draw.polygon(
        s, INK, [_pt(u, 0.08, 0.66), _pt(u, 0.92, 0.66), _pt(u, 0.76, 0.86), _pt(u, 0.24, 0.86)]
    )
    pygame.draw.polygon(s, INK, [_pt(u, 0.52, 0.1), _pt(u, 0.52, 0.58), _pt(u, 0.86, 0.58)])
    pygame.draw.polygon(s, INK, [_pt(u, 0.46, 0.22), _pt(u, 0.46, 0.58), _pt(u, 0.2, 0.58)])


def _final_score(s: pygame.Surface, u: float) -> None:
    """A five-pointed star: the final score."""
    points = []
    for k in range(10):
        angle = -math.pi / 2 + k * math.pi / 5
        radius = 0.46 if k % 2 == 0 else 0.19
        points.append(_pt(u, 0.5 + radius * math.cos(angle), 0.54 + radius * math.sin(angle)))
    pygame.draw.polygon(s, INK, points)


def _research(s: pygame.Surface, u: float) -> None:
    """A magnifying glass: research."""
    pygame.draw.circle(s, INK, _pt(u, 0.42, 0.42), round(0.28 * u), round(0.09 * u))
    pygame.draw.line(s, INK, _pt(u, 0.62, 0.62), _pt(u, 0.9, 0.9), round(0.13 * u))


def _data(s: pygame.Surface, u: float) -> None:
    """A stack of disks (a database): data."""
    for top in (0.62, 0.4, 0.18):
        body = pygame.Rect(*_pt(u, 0.16, top + 0.08), *_pt(u, 0.68, 0.12))
        pygame.draw.rect(s, INK, body)
        pygame.draw.ellipse(s, INK, pygame.Rect(*_pt(u, 0.16, top + 0.12), *_pt(u, 0.68, 0.16)))
        pygame.draw.ellipse(s, INK, pygame.Rect(*_pt(u, 0.16, top), *_pt(u, 0.68, 0.16)))
        pygame.draw.ellipse(
            s, (0, 0, 0, 0), pygame.Rect(*_pt(u, 0.16, top), *_pt(u, 0.68, 0.16)), round(0.03 * u)
        )


def _infra(s: pygame.Surface, u: float) -> None:
    """A rack of three servers with status lights: infrastructure."""
    for top in (0.12, 0.4, 0.68):
        pygame.draw.rect(
            s,
            INK,
            pygame.Rect(*_pt(u, 0.1, top), *_pt(u, 0.8, 0.22)),
            border_radius=round(0.04 * u),
        )
        pygame.draw.circle(s, (0, 0, 0, 0), _pt(u, 0.26, top + 0.11), round(0.04 * u))
        pygame.draw.rect(
            s, (0, 0, 0, 0), pygame.Rect(*_pt(u, 0.42, top + 0.09), *_pt(u, 0.36, 0.04))
        )


def _writing(s: pygame.Surface, u: float) -> None:
    """A pencil over a line of text: writing."""
    pygame.draw.polygon(
        s,
        INK,
        [_pt(u, 0.7, 0.1), _pt(u, 0.88, 0.28), _pt(u, 0.36, 0.8), _pt(u, 0.18, 0.62)],
    )
    pygame.draw.polygon(s, INK, [_pt(u, 0.18, 0.66), _pt(u, 0.32, 0.8), _pt(u, 0.1, 0.88)])
    pygame.draw.line(s, INK, _pt(u, 0.46, 0.92), _pt(u, 0.92, 0.92), round(0.05 * u))


def _job(s: pygame.Surface, u: float) -> None:
    """A ring with a play triangle inside: a job started or delivered."""
    pygame.draw.circle(s, INK, _pt(u, 0.5, 0.5), round(0.44 * u), round(0.08 * u))
    pygame.draw.polygon(s, INK, [_pt(u, 0.4, 0.3), _pt(u, 0.72, 0.5), _pt(u, 0.4, 0.7)])


def _eval(s: pygame.Surface, u: float) -> None:
    """Three bars on a baseline: a measurement (an eval, an A/B test)."""
    for left, height in ((0.14, 0.34), (0.4, 0.6), (0.66, 0.46)):
        pygame.draw.rect(s, INK, pygame.Rect(*_pt(u, left, 0.84 - height), *_pt(u, 0.2, height)))
    pygame.draw.line(s, INK, _pt(u, 0.06, 0.9), _pt(u, 0.94, 0.9), round(0.06 * u))


def _choice(s: pygame.Surface, u: float) -> None:
    """A path that forks in two, each branch an arrow: a choice and what came of it."""
    w = round(0.09 * u)
    pygame.draw.line(s, INK, _pt(u, 0.5, 0.94), _pt(u, 0.5, 0.55), w)
    pygame.draw.line(s, INK, _pt(u, 0.5, 0.58), _pt(u, 0.22, 0.26), w)
    pygame.draw.line(s, INK, _pt(u, 0.5, 0.58), _pt(u, 0.78, 0.26), w)
    pygame.draw.polygon(s, INK, [_pt(u, 0.08, 0.08), _pt(u, 0.36, 0.16), _pt(u, 0.16, 0.36)])
    pygame.draw.polygon(s, INK, [_pt(u, 0.92, 0.08), _pt(u, 0.64, 0.16), _pt(u, 0.84, 0.36)])


def _message(s: pygame.Surface, u: float) -> None:
    """A speech bubble with two lines of text: a message."""
    body = pygame.Rect(*_pt(u, 0.08, 0.12), *_pt(u, 0.84, 0.58))
    pygame.draw.rect(s, INK, body, border_radius=round(0.12 * u))
    pygame.draw.polygon(s, INK, [_pt(u, 0.24, 0.66), _pt(u, 0.44, 0.66), _pt(u, 0.2, 0.9)])
    for y in (0.32, 0.5):
        pygame.draw.line(s, (0, 0, 0, 0), _pt(u, 0.24, y), _pt(u, 0.76, y), round(0.06 * u))


def _incident(s: pygame.Surface, u: float) -> None:
    """A lightning bolt: an incident users saw."""
    pygame.draw.polygon(
        s,
        INK,
        [
            _pt(u, 0.58, 0.04),
            _pt(u, 0.2, 0.56),
            _pt(u, 0.48, 0.56),
            _pt(u, 0.38, 0.96),
            _pt(u, 0.8, 0.4),
            _pt(u, 0.52, 0.4),
        ],
    )


def _monitoring(s: pygame.Surface, u: float) -> None:
    """A pulse line across a screen: monitoring and operations."""
    screen = pygame.Rect(*_pt(u, 0.06, 0.14), *_pt(u, 0.88, 0.72))
    pygame.draw.rect(s, INK, screen, round(0.07 * u), border_radius=round(0.06 * u))
    pulse = [(0.16, 0.52), (0.34, 0.52), (0.44, 0.3), (0.56, 0.7), (0.66, 0.52), (0.84, 0.52)]
    pygame.draw.lines(s, INK, False, [_pt(u, x, y) for x, y in pulse], round(0.06 * u))


ICONS: dict[str, Painter] = {
    "event": _event,
    "task_done": _task_done,
    "job_failed": _job_failed,
    "ship": _ship,
    "final_score": _final_score,
    "research": _research,
    "data": _data,
    "infra": _infra,
    "writing": _writing,
    "job": _job,
    "eval": _eval,
    "choice": _choice,
    "message": _message,
    "incident": _incident,
    "monitoring": _monitoring,
}


def draw_icon(painter: Painter) -> pygame.Surface:
    """Paint an icon at four times its size and scale it down smoothly (anti-aliasing)."""
    big = ICON_SIZE * SUPERSAMPLE
    canvas = pygame.Surface((big, big), pygame.SRCALPHA)
    canvas.fill((0, 0, 0, 0))
    painter(canvas, float(big))
    return pygame.transform.smoothscale(canvas, (ICON_SIZE, ICON_SIZE))


# ---------------------------------------------------------------- sounds


def _tone(
    freq: float, seconds: float, *, partials: tuple[float, ...] = (1.0, 0.3, 0.1)
) -> np.ndarray:
    """A note with a few harmonics, a 5 ms attack and an exponential decay."""
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    wave_ = sum(a * np.sin(2 * np.pi * freq * (k + 1) * t) for k, a in enumerate(partials))
    attack = np.minimum(1.0, t / 0.005)
    decay = np.exp(-t * 4.0 / seconds)
    return np.asarray(wave_, dtype=np.float64) * attack * decay


def _sequence(notes: list[tuple[float, float]], gap: float = 0.0) -> np.ndarray:
    """Notes (frequency, seconds) one after another, each overlapping the next by `gap`."""
    total = sum(d for _, d in notes) + 0.3
    out = np.zeros(round(total * SAMPLE_RATE))
    at = 0.0
    for freq, seconds in notes:
        note = _tone(freq, seconds + gap)
        start = round(at * SAMPLE_RATE)
        out[start : start + len(note)] += note[: len(out) - start]
        at += seconds
    return out


def _event_sound() -> np.ndarray:
    """Two-note chime, a fourth apart: look here."""
    return _sequence([(659.25, 0.12), (880.0, 0.3)], gap=0.1)


def _task_done_sound() -> np.ndarray:
    """A short rising major third: done."""
    return _sequence([(523.25, 0.07), (659.25, 0.18)], gap=0.05)


def _job_failed_sound() -> np.ndarray:
    """A falling minor third in a low, buzzy register: something broke."""
    buzzy = (1.0, 0.5, 0.35, 0.25, 0.15)
    low = _tone(220.0, 0.22, partials=buzzy)
    lower = _tone(185.0, 0.4, partials=buzzy)
    out = np.zeros(round(0.7 * SAMPLE_RATE))
    out[: len(low)] += low
    start = round(0.2 * SAMPLE_RATE)
    out[start : start + len(lower)] += lower
    return out


def _ship_sound() -> np.ndarray:
    """A quick rising arpeggio: it is live."""
    return _sequence([(392.0, 0.06), (523.25, 0.06), (659.25, 0.06), (783.99, 0.3)], gap=0.08)


def _final_score_sound() -> np.ndarray:
    """A short fanfare ending on a held chord: the day is over."""
    head = _sequence([(523.25, 0.12), (659.25, 0.12), (783.99, 0.12)], gap=0.06)
    chord = sum(_tone(f, 0.9) for f in (523.25, 659.25, 783.99, 1046.5))
    out = np.zeros(len(head) + len(chord))
    out[: len(head)] += head
    start = round(0.36 * SAMPLE_RATE)
    out[start : start + len(chord)] += chord
    return out


SOUNDS: dict[str, Callable[[], np.ndarray]] = {
    "event": _event_sound,
    "task_done": _task_done_sound,
    "job_failed": _job_failed_sound,
    "ship": _ship_sound,
    "final_score": _final_score_sound,
}


def to_pcm16(samples: np.ndarray, peak: float = 0.6) -> bytes:
    """Normalise to `peak` of full scale, fade the last 10 ms out, and pack as 16-bit PCM."""
    fade = min(len(samples), round(0.01 * SAMPLE_RATE))
    samples = samples.copy()
    samples[len(samples) - fade :] *= np.linspace(1.0, 0.0, fade)
    top = float(np.max(np.abs(samples))) or 1.0
    scaled = np.round(samples / top * peak * 32767.0).astype("<i2")
    return scaled.tobytes()


def write_wav(path: Path, samples: np.ndarray) -> None:
    """Write mono 16-bit WAV data at SAMPLE_RATE."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(to_pcm16(samples))


def make_all(root: Path) -> list[Path]:
    """Write every icon and sound under root/icons and root/sounds; return the paths."""
    (root / "icons").mkdir(parents=True, exist_ok=True)
    (root / "sounds").mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, painter in ICONS.items():
        path = root / "icons" / f"{name}.png"
        pygame.image.save(draw_icon(painter), str(path))
        written.append(path)
    for name, synth in SOUNDS.items():
        path = root / "sounds" / f"{name}.wav"
        write_wav(path, synth())
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: regenerate the assets (by default into the repository's assets/)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ASSETS, help="folder to write into")
    args = parser.parse_args(argv)
    for path in make_all(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
