"""A moment of the scenario: hours since the start, or a day and a clock time.

``at: 9`` and ``at: {day: 2, clock: "10:00"}`` say the same thing in a scenario of 8-hour
days that start at 09:00. The mapping is checked against the scenario's time once the
whole file is read (:func:`moment_problem`): its day must be one of the scenario's, its
clock inside the working day and on a tick.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from game.scenario.types import refusal

CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
MAX_HOURS = 10_000
_LOOSE_CLOCK = re.compile(r"\s*([01]?[0-9]|2[0-3]):([0-5][0-9])\s*")
MINUTES_PER_DAY = 24 * 60


class DayClock(BaseModel):
    """A moment written as a working day and a wall-clock time, such as
    {day: 2, clock: "10:00"}."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    day: int = Field(ge=1, le=30)
    """The working day, counted from 1."""
    clock: str = Field(pattern=CLOCK_PATTERN)
    """The wall-clock time on that day (HH:MM, in quotes), inside the working day and on
    a tick."""

    def __str__(self) -> str:
        return f"day {self.day} {self.clock}"


class ScenarioTime(Protocol):
    """What a moment needs to know of the scenario's ``time`` section."""

    @property
    def days(self) -> int: ...
    @property
    def hours_per_day(self) -> float: ...
    @property
    def tick_minutes(self) -> int: ...
    @property
    def start_clock(self) -> str: ...


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _minutes_into_day(moment: DayClock, time: ScenarioTime) -> int:
    """Minutes from the day's start to the clock (a day may run past midnight)."""
    return (_minutes(moment.clock) - _minutes(time.start_clock)) % MINUTES_PER_DAY


def hour_of(moment: float | DayClock, time: ScenarioTime) -> float:
    """Hours since the start of the scenario."""
    if isinstance(moment, DayClock):
        return (moment.day - 1) * time.hours_per_day + _minutes_into_day(moment, time) / 60
    return moment


def _end_clock(time: ScenarioTime) -> str:
    end = (_minutes(time.start_clock) + round(time.hours_per_day * 60)) % MINUTES_PER_DAY
    return f"{end // 60:02d}:{end % 60:02d}"


def moment_problem(moment: float | DayClock, time: ScenarioTime) -> str | None:
    """Why a day and a clock cannot be a moment of this scenario, in a teacher's words."""
    if not isinstance(moment, DayClock):
        return None
    if moment.day > time.days:
        days = "1 day" if time.days == 1 else f"{time.days} days"
        return f"day {moment.day} is beyond the scenario, which lasts {days}"
    into = _minutes_into_day(moment, time)
    if into > time.hours_per_day * 60:
        return (
            f"{moment.clock} is outside the working day, which runs from "
            f"{time.start_clock} to {_end_clock(time)}"
        )
    if into % time.tick_minutes:
        before = into - into % time.tick_minutes
        start = _minutes(time.start_clock)
        earlier = (start + before) % MINUTES_PER_DAY
        later = (start + before + time.tick_minutes) % MINUTES_PER_DAY
        return (
            f"{moment.clock} is not on a tick: the clock moves in {time.tick_minutes}-minute "
            f"ticks from {time.start_clock}, so write {earlier // 60:02d}:{earlier % 60:02d} "
            f"or {later // 60:02d}:{later % 60:02d}"
        )
    return None


def _check_moment(value: Any) -> Any:
    """Hours as a number, or a day and a clock; one clear message for anything else.

    Checking here, before the union of the two forms, keeps a mistake to one message
    rather than one per form.
    """
    if isinstance(value, DayClock):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 0 <= value <= MAX_HOURS:
            raise refusal(f"the hour must be between 0 and {MAX_HOURS:,}; got {value:g}")
        return float(value)
    if isinstance(value, dict):
        return _day_clock(value)
    if isinstance(value, str):
        if match := _LOOSE_CLOCK.fullmatch(value):
            clock = f"{int(match[1]):02d}:{match[2]}"
            raise refusal(
                f"expected a number, got '{value.strip()}'; a clock time needs its day: "
                f'write {{day: 1, clock: "{clock}"}}, or the hours since the start as a number'
            )
        try:
            return _check_moment(float(value))
        except ValueError:
            pass
    shown = "true" if value is True else "false" if value is False else repr(value)
    raise refusal(
        f"expected the hours since the start (a number) or a day and a clock, such as "
        f'{{day: 2, clock: "10:00"}}; got {shown}'
    )


def _day_clock(value: dict[Any, Any]) -> DayClock:
    for key in value:
        if key not in ("day", "clock"):
            raise refusal(f"unknown key '{key}'; a day and a clock has the keys day and clock", key)
    for key in ("day", "clock"):
        if key not in value:
            raise refusal(
                f'missing key {key}: write a day and a clock as {{day: 2, clock: "10:00"}}'
            )
    day, clock = value["day"], value["clock"]
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 30:
        raise refusal(f"the day is a whole number from 1 (the first day); got {day!r}", "day")
    if not isinstance(clock, str) or not re.fullmatch(CLOCK_PATTERN, clock):
        hint = ""
        if isinstance(clock, str) and (match := _LOOSE_CLOCK.fullmatch(clock)):
            hint = f': write "{int(match[1]):02d}:{match[2]}"'
        elif not isinstance(clock, str):
            hint = ' in quotes, such as "10:00"'
        raise refusal(f"the clock is a time of day as HH:MM{hint}; got {clock!r}", "clock")
    return DayClock(day=day, clock=clock)


Moment = Annotated[
    Annotated[float, Field(ge=0, le=MAX_HOURS)] | DayClock, BeforeValidator(_check_moment)
]
"""A moment: hours since the start (a number) or a day and a clock."""
