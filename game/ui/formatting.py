"""Numbers as the window writes them: clock times, money, points."""

from __future__ import annotations

from game.core.rules import Rules


def clock_at(rules: Rules, hour: float) -> str:
    """The wall-clock time `hour` working hours into the scenario ('Day 2 11:30' past day 1)."""
    time = rules.scenario.time
    start_h, start_m = (int(part) for part in time.start_clock.split(":"))
    day, into_day = divmod(hour, time.hours_per_day)
    if hour > 0 and into_day == 0 and day >= time.days:
        day, into_day = day - 1, time.hours_per_day  # the end of the last day
    minutes = start_h * 60 + start_m + round(into_day * 60)
    text = f"{minutes // 60 % 24}:{minutes % 60:02d}"
    return f"Day {int(day) + 1} {text}" if time.days > 1 else text


def clock_at_tick(rules: Rules, tick: int) -> str:
    """The wall-clock time at a tick boundary."""
    return clock_at(rules, tick * rules.tick_hours)


def dollars(value: float) -> str:
    """Money as '$1,234' (whole dollars; a minus sign before the dollar sign)."""
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.0f}"


def points(value: float) -> str:
    """A change in points with its sign: '+279', '-11', '0'."""
    rounded = round(value)
    return f"{rounded:+d}" if rounded else "0"
