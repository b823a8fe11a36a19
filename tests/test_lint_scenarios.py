"""Checks that catch meaning: each check's exact message and place, and no false alarms.

``tests/broken/meaning/*.yaml`` are scenarios that load but say what can never happen;
``tests/broken/meaning/expected.txt`` holds what ``mlday validate`` prints for each, run in
that folder. The rest of this file tests the interval arithmetic the checks rest on, and that
the shipped scenarios and conditions that can hold raise no false alarm.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from game.cli.main import main
from game.scenario.intervals import FALSE, INF, Evaluator, Range, Ranges, describe
from game.scenario.lint import lint
from game.scenario.load import load_scenario, load_scenario_bytes

ROOT = Path(__file__).resolve().parent.parent
BROKEN = Path(__file__).parent / "broken"
MEANING = BROKEN / "meaning"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def expected_output() -> dict[str, list[str]]:
    """The lines validate prints, per file of the meaning corpus."""
    found: dict[str, list[str]] = {}
    for line in (MEANING / "expected.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name = line.split(":", 1)[0]
            found.setdefault(name, []).append(line)
    return found


EXPECTED = expected_output()


def test_every_meaning_file_has_its_expected_output() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in MEANING.glob("*.yaml"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_check_gives_its_exact_message_and_place(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(MEANING)
    code = main(["validate", name])
    out, err = capsys.readouterr()
    assert out.splitlines() == EXPECTED[name]
    errors = any(": error: " in line for line in EXPECTED[name])
    assert code == (1 if errors else 0)
    assert err == ""


def test_warnings_alone_keep_exit_0_and_say_ok(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(MEANING)
    assert main(["validate", "job_too_long.yaml", "../_base.yaml"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[-2:] == ["job_too_long.yaml: ok (2 warnings)", "../_base.yaml: ok"]
    assert err.strip() == "2 files: 2 valid, 0 invalid"


def test_help_says_warnings_keep_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    assert "warnings alone keep 0" in " ".join(capsys.readouterr().out.split())


# --- no false alarms -----------------------------------------------------------------------


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_shipped_scenarios_have_no_errors_and_no_idle_choices(path: Path) -> None:
    findings = lint(load_scenario(path).scenario)
    assert [f for f in findings if f.severity == "error"] == []
    assert [f.message for f in findings if "has no effect" in f.message] == []


BASE = (BROKEN / "_base.yaml").read_text(encoding="utf-8")


def lint_with(extra: str, base: str = BASE) -> list[str]:
    """The messages of a scenario (the base one) with ``extra`` YAML appended."""
    scenario = load_scenario_bytes((base + extra).encode(), "t.yaml").scenario
    return [f.message for f in lint(scenario)]


def event_when(when: str) -> str:
    return f"events:\n  - id: e\n    title: E\n    text: E\n    trigger: {{when: '{when}'}}\n"


@pytest.mark.parametrize(
    "when",
    [
        "day == 1",
        "hour >= 7.5",
        "hours_left <= 0.5",
        "tick == 15",
        "trust >= 100 or trust <= 0",
        "prod.f1.es_cs == 1",
        "traffic.es_cs == 100",
        "labels.es_cs == 0",
        "money < 0",
        "(labels.es_cs + 1) / (golden.es_cs + 1) > 3",
        "labels.es_cs / golden.es_cs > 3",
        "max(trust, reliability) > 99 and min(trust, 50) < 1",
        "abs(traffic.es_cs - 20) > 75",
        "0.5 <= prod.f1.es_cs < 0.6",
        'not done("label_es")',
        "-money > 100",
    ],
)
def test_conditions_that_can_hold_pass(when: str) -> None:
    assert lint_with(event_when(when)) == []


@pytest.mark.parametrize(
    ("when", "fragment"),
    [
        ("spike > 1", "spike is always 1 (no effect multiplies traffic more)"),
        ("money > budget", "money is at most 1,000 (no effect brings money in"),
        ('fired("e") >= 1', "it requires itself"),
        ("outage > 0", "outage is always 0"),
        ('queued("label_es") and done("label_es") > 1', 'done("label_es") > 1 is never true'),
    ],
)
def test_what_the_scenario_never_does_is_caught(when: str, fragment: str) -> None:
    (message,) = lint_with(event_when(when))
    assert fragment in message


def test_goals_are_read_at_the_end() -> None:
    goal = "  - id: late\n    text: Late\n    when: {}\n"
    assert lint_with(goal.format("hour == 8 and hours_left == 0 and day == 1")) == []
    (message,) = lint_with(goal.format("hours_left > 0"))
    assert message.startswith("goal 'late' can never be met: hours_left > 0 is never true")
    assert "goals and lessons are read when the scenario ends, at hour 8" in message


def test_a_task_queued_by_an_effect_skips_its_requirement() -> None:
    gated = (
        "tasks:\n  - id: gated\n    name: G\n    category: data\n    hours: 1\n"
        '    requires: done("gated")\n'
    )
    base = BASE.replace("tasks:\n", gated, 1)
    queued = "events:\n  - id: e\n    title: E\n    text: E\n    trigger: {at: 1}\n"
    queued += "    effects:\n      - queue: gated\n"
    assert lint_with(queued, base) == []
    assert lint_with("", base) == [
        "task 'gated' can never be queued: it requires itself (done(\"gated\")), "
        "and a task cannot be queued once it is done"
    ]


def test_a_variable_keeps_the_values_effects_give_it() -> None:
    base = BASE.replace("goals:", "variables: {promised: 0}\ngoals:")
    sets = "events:\n  - id: e\n    title: E\n    text: E\n    trigger: {at: 1}\n"
    sets += "    effects:\n      - set: {promised: 1}\n"
    lesson = "debrief:\n  lessons:\n    - {title: T, text: T, when: vars.promised == 2}\n"
    (message,) = lint_with(sets + lesson, base)
    assert "vars.promised is 0 to 1 (effects keep vars.promised between 0 and 1)" in message
    assert lint_with(sets.replace("set: {promised: 1}", "add: {promised: 1}") + lesson, base) == []


def test_a_choice_read_by_a_condition_has_an_effect() -> None:
    event = (
        "events:\n  - id: pm\n    title: PM\n    text: PM\n    trigger: {at: 1}\n"
        "    choices:\n      - {id: nod, text: Nod}\n"
    )
    (message,) = lint_with(event)
    assert message.startswith("choice 'nod' has no effect")
    lesson = 'debrief:\n  lessons:\n    - {title: T, text: T, when: \'chose("pm", "nod")\'}\n'
    assert lint_with(event + lesson) == []
    assert lint_with(event.replace("Nod}", "Nod, wait: true}")) == []


# --- the interval arithmetic ---------------------------------------------------------------


def value(source: str, **names: tuple[float, float]) -> Range:
    ranges = Ranges({k: Range(*v) for k, v in names.items()}, {}, {})
    return Evaluator(ranges).value(ast.parse(source, mode="eval").body)


def test_arithmetic_over_ranges() -> None:
    assert value("a + b", a=(0, 1), b=(2, 3)) == Range(2, 4)
    assert value("a - b", a=(0, 1), b=(2, 3)) == Range(-3, -1)
    assert value("a * b", a=(-1, 2), b=(3, 4)) == Range(-4, 8)
    assert value("a / b", a=(1, 2), b=(4, 8)) == Range(0.125, 0.5)
    assert value("a / b", a=(1, 2), b=(0, 8)) == Range(0, INF)
    assert value("a / b", a=(-1, 2), b=(0, 8)) == Range(-INF, INF)
    assert value("a / 0", a=(1, 2)) == FALSE
    assert value("a * b", a=(0, 0), b=(-INF, INF)) == Range(0, 0)
    assert value("a - b", a=(0, INF), b=(0, INF)) == Range(-INF, INF)
    assert value("abs(a)", a=(-3, 2)) == Range(0, 3)
    assert value("min(a, b)", a=(0, 5), b=(2, 3)) == Range(0, 3)
    assert value("max(a, b)", a=(0, 5), b=(2, 3)) == Range(2, 5)


def test_truth_over_ranges() -> None:
    assert value("a > 1", a=(0, 1)).truth is False
    assert value("a >= 1", a=(0, 1)).truth is None
    assert value("a == 2", a=(0, 1)).truth is False
    assert value("a != 2", a=(0, 1)).truth is True
    assert value("0 < a < 2 < a", a=(0, 1)).truth is False
    assert value("a > 1 or a < 0", a=(0, 1)).truth is False
    assert value("a >= 0 or a > 5", a=(0, 1)).truth is True
    assert value("not (a > 5)", a=(0, 1)).truth is True
    assert value("a and a > 5", a=(0, 1)).truth is False


def test_ranges_in_words() -> None:
    assert describe(Range(1, 2)) == "1 to 2"
    assert describe(Range(0, INF)) == "at least 0"
    assert describe(Range(-INF, 3)) == "at most 3"
    assert describe(Range(0, 0)) == "always 0"
    assert describe(Range(-INF, INF)) == "any number"


def test_a_step_with_a_condition_waits() -> None:
    jobs = (
        "jobs:\n  - id: lora\n    kind: training\n    name: L\n    hours: 2\n"
        "    learning_curve: {es_cs: {f1: 0.6, at: 150, ceiling: 0.9}}\n"
        "  - id: ev\n    kind: eval\n    name: E\n    hours: 1\n"
    )
    steps = "reference:\n  - {at: 0, do: start_job, job: lora}\n"
    early = steps + "  - {at: 1, do: start_job, job: ev, model: lora-1}\n"
    waiting = steps + (
        "  - {at: 1, do: start_job, job: ev, model: lora-1, when: 'completed(\"lora\") >= 1'}\n"
    )
    (message,) = lint_with(jobs + early)
    assert (
        message
        == "'lora-1' is not trained yet at hour 1: its run starts at hour 0 and takes 2 hours"
    )
    assert lint_with(jobs + waiting) == []
    never = steps + "  - {at: 1, do: ship, model: lora-1, when: 'evals_run < 0'}\n"
    (message,) = lint_with(jobs + never)
    assert message.startswith("this step can never be taken: evals_run < 0 is never true")
