"""Every command reads its whole numbers the same way: ASCII digits 0-9 only."""

from __future__ import annotations

import pytest

from game.cli.main import main

LOOSE = [" 7 ", "٣", "1_000", "+7", "7.0", "0x7", ""]


@pytest.mark.parametrize("text", LOOSE)
@pytest.mark.parametrize(
    "command",
    [
        ["simulate", "scenarios/tutorial.yaml", "--seed"],
        ["play", "scenarios/tutorial.yaml", "--seed"],
        ["balance", "scenarios/tutorial.yaml", "--seed"],
        ["explain", "tests/golden/tutorial-idle.json", "--seeds"],
    ],
    ids=lambda command: command[0],
)
def test_loose_numbers_are_refused_by_every_command(
    command: list[str], text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main([*command, text])
    except SystemExit as exit_info:  # argparse's own refusal
        code = exit_info.code  # type: ignore[assignment]
    assert code == 2
    assert "digits 0-9" in capsys.readouterr().err
