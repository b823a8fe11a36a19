"""Moments written as a day and a clock, and jobs that are meant not to finish.

``at: {day: 2, clock: "10:00"}`` means the same as the hours since the start; a day
beyond the scenario, a clock outside the working day or between ticks is refused at its
line in a teacher's words.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from game.core.rules import prepare
from game.scenario.lint import lint
from game.scenario.load import Problem, ScenarioError, load_scenario_bytes
from game.scenario.model import Scenario

BASE = (Path(__file__).parent / "broken" / "_base.yaml").read_text(encoding="utf-8")
TWO_DAYS = BASE.replace("budget: 1000\n", "budget: 1000\ntime: {days: 2, start_clock: '09:00'}\n")


def scenario_with(text: str, *, base: str = TWO_DAYS) -> Scenario:
    document = base.replace("goals:\n", text + "goals:\n")
    return load_scenario_bytes(document.encode(), "s.yaml").scenario


def problem_with(text: str, *, base: str = TWO_DAYS) -> Problem:
    document = base.replace("goals:\n", text + "goals:\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario_bytes(document.encode(), "s.yaml")
    problems = caught.value.problems
    assert len(problems) == 1, problems
    return problems[0]


def event_at(at: str) -> str:
    return f"events:\n  - id: standup\n    title: S\n    text: T\n    trigger: {{at: {at}}}\n"


def test_a_day_and_a_clock_is_the_same_moment_as_its_hours() -> None:
    by_clock = scenario_with(event_at('{day: 2, clock: "10:00"}'))
    by_hours = scenario_with(event_at("9"))
    assert by_clock.hour_of(by_clock.events[0].trigger.at or 0) == 9
    assert prepare(by_clock).events[0].at_tick == prepare(by_hours).events[0].at_tick == 18


def test_the_clock_counts_from_the_start_clock() -> None:
    late = TWO_DAYS.replace("start_clock: '09:00'", "start_clock: '22:00'")
    scenario = scenario_with(event_at('{day: 1, clock: "01:30"}'), base=late)
    assert scenario.hour_of(scenario.events[0].trigger.at or 0) == 3.5


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ('{day: 3, clock: "10:00"}', "day 3 is beyond the scenario, which lasts 2 days"),
        (
            '{day: 1, clock: "18:00"}',
            "18:00 is outside the working day, which runs from 09:00 to 17:00",
        ),
        (
            '{day: 1, clock: "08:30"}',
            "08:30 is outside the working day, which runs from 09:00 to 17:00",
        ),
        (
            '{day: 2, clock: "10:15"}',
            "10:15 is not on a tick: the clock moves in 30-minute ticks from 09:00, so write "
            "10:00 or 10:30",
        ),
        ('{day: 0, clock: "10:00"}', "the day is a whole number from 1 (the first day); got 0"),
        (
            "{day: 1, clock: 25}",
            'the clock is a time of day as HH:MM in quotes, such as "10:00"; got 25',
        ),
        ("{day: 1}", 'missing key clock: write a day and a clock as {day: 2, clock: "10:00"}'),
        (
            "10:00",
            "expected a number, got '10:00'; a clock time needs its day: write "
            '{day: 1, clock: "10:00"}, or the hours since the start as a number',
        ),
    ],
)
def test_a_wrong_moment_is_named_at_its_line(at: str, message: str) -> None:
    problem = problem_with(event_at(at))
    assert problem.message == message
    assert problem.line == 27


def test_an_unknown_key_in_a_moment_is_named() -> None:
    problem = problem_with(event_at('{day: 1, clock: "10:00", minute: 5}'))
    assert problem.message == "unknown key 'minute'; a day and a clock has the keys day and clock"


def test_the_end_of_the_last_day_is_a_moment() -> None:
    scenario = scenario_with(event_at('{day: 2, clock: "17:00"}'))
    assert scenario.hour_of(scenario.events[0].trigger.at or 0) == 16


def test_a_reference_step_takes_a_day_and_a_clock() -> None:
    steps = 'reference:\n  - {at: {day: 2, clock: "09:30"}, do: queue_task, task: label_es}\n'
    scenario = scenario_with(steps)
    assert prepare(scenario).reference[0].tick == 17


def test_a_reference_step_after_the_last_tick_says_its_day_and_clock() -> None:
    steps = 'reference:\n  - {at: {day: 2, clock: "17:00"}, do: queue_task, task: label_es}\n'
    problem = problem_with(steps)
    assert problem.message.startswith("the step at day 2 17:00 (hour 16) is after the last tick")


def test_a_clock_where_a_number_of_hours_belongs_points_to_the_new_form() -> None:
    problem = problem_with("", base=TWO_DAYS.replace("hours: 2\n", 'hours: "10:00"\n'))
    assert problem.message == (
        "expected a number, got '10:00'; a clock time is not a number here: write a number "
        "of hours (a trigger's or a reference step's at takes a day and a clock: "
        '{day: 1, clock: "10:00"})'
    )


# --- a job meant not to finish ------------------------------------------------------------

LONG_JOB = (
    "jobs:\n  - id: full_ft\n    kind: training\n    name: Full\n    hours: 30\n"
    "    learning_curve: {en: {f1: 0.9, at: 100, ceiling: 0.95}}\n"
)


def test_a_job_too_long_is_warned_about() -> None:
    findings = lint(scenario_with(LONG_JOB))
    assert [f.message for f in findings] == [
        "job 'full_ft' takes 30 hours, but the scenario lasts 16: a run can never finish "
        "(if that is the lesson, add unfinishable: true)"
    ]


def test_a_job_meant_not_to_finish_is_not_warned_about() -> None:
    steps = "reference:\n  - {at: 0, do: start_job, job: full_ft}\n"
    text = LONG_JOB + "    unfinishable: true\n" + steps
    assert lint(scenario_with(text)) == []
