"""The background writer: the latest write wins, flush waits for it, a failure is raised."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from game.ui.saves import Store
from game.ui.writer import LatestWriter


def test_a_write_waiting_is_replaced_by_a_newer_one_and_flush_waits_for_it() -> None:
    started, gate = threading.Event(), threading.Event()
    done: list[str] = []

    def slow() -> None:
        started.set()
        gate.wait()
        done.append("first")

    writer = LatestWriter()
    writer.submit(slow)
    started.wait()
    writer.submit(lambda: done.append("second"))
    writer.submit(lambda: done.append("third"))
    gate.set()
    writer.flush()
    assert done == ["first", "third"]


def test_a_failed_write_is_raised_on_the_next_flush() -> None:
    def fail() -> None:
        raise OSError(28, "No space left on device")

    writer = LatestWriter()
    writer.submit(fail)
    with pytest.raises(OSError, match="No space left"):
        writer.flush()
    writer.flush()  # raised once


def test_the_autosave_is_on_disk_once_flushed(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    store.write_autosave(lambda path: path.write_text("saved", encoding="utf-8"))
    store.flush()
    assert store.autosave.read_text(encoding="utf-8") == "saved"
    assert store.has_autosave()
    store.finish_autosave()
    assert not store.has_autosave()
