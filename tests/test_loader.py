"""The scenario loader: safe YAML with positions, and problems placed and worded for people."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from game.scenario import yaml_source
from game.scenario.load import (
    MAX_BYTES,
    MAX_PROBLEMS,
    LoadedScenario,
    Problem,
    ScenarioError,
    ScenarioUnreadable,
    load_scenario,
    load_scenario_bytes,
)
from game.scenario.yaml_source import MAX_DEPTH, Position, YamlError, read_yaml

BROKEN = Path(__file__).parent / "broken"
BASE_TEXT = (BROKEN / "_base.yaml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Expected:
    """One line of tests/broken/expected.txt."""

    file: str
    line: int
    col: int
    fragment: str


def read_expected() -> list[Expected]:
    """The corpus table: FILE | LINE:COL | fragment | what it tests."""
    rows = []
    for raw in (BROKEN / "expected.txt").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        name, place, fragment, _what = (part.strip() for part in raw.split("|"))
        line, col = place.split(":")
        rows.append(Expected(name, int(line), int(col), fragment))
    return rows


EXPECTED = read_expected()


def problems_of(data: str | bytes, name: str = "s.yaml") -> list[Problem]:
    """The problems of a document; fails the test when it loads."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(ScenarioError) as caught:
        load_scenario_bytes(raw, name)
    return caught.value.problems


def only_problem(data: str | bytes) -> Problem:
    """The single problem of a document."""
    problems = problems_of(data)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def with_base(old: str, new: str) -> str:
    """The valid base scenario with one change."""
    assert old in BASE_TEXT
    return BASE_TEXT.replace(old, new, 1)


# --- the corpus ---------------------------------------------------------------------------


def test_corpus_table_covers_every_file() -> None:
    listed = {row.file for row in EXPECTED}
    on_disk = {p.name for p in BROKEN.glob("*.yaml")} - {"_base.yaml"}
    assert listed == on_disk


def test_base_of_the_corpus_is_valid() -> None:
    loaded = load_scenario(BROKEN / "_base.yaml")
    assert loaded.scenario.title == "Broken on purpose"


@pytest.mark.parametrize("row", EXPECTED, ids=lambda row: row.file)
def test_corpus_file_has_its_one_problem(row: Expected) -> None:
    path = BROKEN / row.file
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    problems = caught.value.problems
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    assert (problem.file, problem.line, problem.col) == (str(path), row.line, row.col)
    assert row.fragment in problem.message
    assert not isinstance(caught.value, ScenarioUnreadable)


def test_python_tags_run_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError):
        load_scenario(BROKEN / "python_object_tag.yaml")
    assert not (tmp_path / "mlday_pwned").exists()


# --- the API --------------------------------------------------------------------------------


def test_loaded_scenario_records_path_id_and_hash(tmp_path: Path) -> None:
    path = tmp_path / "ravi-tuesday.yaml"
    path.write_text(BASE_TEXT, encoding="utf-8")
    loaded = load_scenario(path)
    assert isinstance(loaded, LoadedScenario)
    assert loaded.path == str(path)
    assert loaded.id == "ravi-tuesday"
    assert loaded.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    again = load_scenario_bytes(path.read_bytes(), "x/ravi-tuesday.yaml")
    assert (again.path, again.id, again.sha256) == (
        "x/ravi-tuesday.yaml",
        "ravi-tuesday",
        loaded.sha256,
    )
    assert again.scenario.model_dump() == loaded.scenario.model_dump()


def test_problem_and_error_text() -> None:
    problem = Problem("a.yaml", 3, 7, "unknown key 'x'")
    assert str(problem) == "a.yaml:3:7: error: unknown key 'x'"
    error = ScenarioError([problem, Problem("a.yaml", 4, 1, "y")])
    assert str(error) == "a.yaml:3:7: error: unknown key 'x'\na.yaml:4:1: error: y"


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ScenarioUnreadable) as caught:
        load_scenario(tmp_path / "nope.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.col) == (1, 1)
    assert "cannot read the file" in problem.message


def test_directory_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ScenarioUnreadable) as caught:
        load_scenario(tmp_path)
    assert "directory" in caught.value.problems[0].message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unpermitted_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(BASE_TEXT, encoding="utf-8")
    path.chmod(0)
    with pytest.raises(ScenarioUnreadable):
        load_scenario(path)


def test_file_over_a_mebibyte_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"title: [unclosed\n" + b"# padding\n" * (MAX_BYTES // 10 + 1))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    assert not isinstance(caught.value, ScenarioUnreadable)
    assert (problem.line, problem.col) == (1, 1)
    assert "1.0 MB" in problem.message
    assert "at most 1 MiB" in problem.message


def test_file_of_exactly_a_mebibyte_is_read() -> None:
    data = BASE_TEXT.encode() + b"#" * (MAX_BYTES - len(BASE_TEXT.encode()))
    assert len(data) == MAX_BYTES
    load_scenario_bytes(data, "edge.yaml")


# --- all problems at once, placed and worded ----------------------------------------------------


def test_every_problem_in_one_pass_sorted_by_place() -> None:
    text = with_base("budget: 1000", "budget: lots\nsumary: hi\ntitle: again")
    text = text.replace("traffic: 80", "traffic: 800")
    problems = problems_of(text)
    assert [(p.line, p.col) for p in problems] == sorted((p.line, p.col) for p in problems)
    messages = [p.message for p in problems]
    assert len(problems) == 4, messages
    assert "expected a number, got 'lots'" in messages[0]
    assert messages[1] == "unknown key 'sumary'; did you mean 'summary'?"
    assert messages[2].startswith("duplicate key 'title' (first at line 2)")
    assert messages[3] == "must be at most 100; got 800"


def test_unknown_key_points_at_the_key_in_a_block_mapping() -> None:
    text = with_base("  model:\n", "  model:\n    nmae: x\n")
    problem = only_problem(text)
    assert (problem.line, problem.col) == (13, 5)
    assert problem.message == "unknown key 'nmae'; did you mean 'name'?"


def test_missing_key_points_at_the_mapping_that_lacks_it() -> None:
    problem = only_problem(with_base("    name: English\n", ""))
    assert (problem.line, problem.col) == (5, 5)
    assert problem.message == "missing required key 'name'"


def test_a_duplicate_key_hides_the_problems_of_its_values() -> None:
    problem = only_problem(with_base("budget: 1000", "budget: lots\nbudget: 5"))
    assert problem.message.startswith("duplicate key 'budget'")


def test_condition_column_counts_leading_blanks_inside_quotes() -> None:
    text = with_base("requires: labels.es_cs < 1000", "requires: '  done(\"nope\")'")
    problem = only_problem(text)
    assert (problem.line, problem.col) == (19, 15 + 1 + 2 + 5)


def test_condition_over_several_lines_points_at_its_start() -> None:
    text = with_base(
        "requires: labels.es_cs < 1000",
        'requires: >-\n      labels.es_cs < 1000\n      and done("x")',
    )
    problem = only_problem(text)
    assert (problem.line, problem.col) == (19, 15)
    assert "unknown task 'x'" in problem.message


def test_condition_with_escapes_points_at_its_start() -> None:
    text = with_base("requires: labels.es_cs < 1000", 'requires: "done(\\"nope\\")"')
    problem = only_problem(text)
    assert (problem.line, problem.col) == (19, 15)


def test_messages_are_plain_english() -> None:
    text = with_base("budget: 1000", "budget: -5\nsummary: [a]")
    text = text.replace("hours: 2", "hours: 0")
    messages = [p.message for p in problems_of(text)]
    assert messages == [
        "must be at least 0; got -5",
        "expected text, got a list",
        "must be more than 0; got 0",
    ]
    assert not any("Value error" in m or "Input should" in m for m in messages)


def test_long_values_are_shortened_in_messages() -> None:
    problem = only_problem(with_base("title: Broken on purpose", "title: " + "x" * 200_000))
    assert problem.message.startswith("is too long: 200,000 characters; at most 200")
    assert len(str(problem)) < 200


def test_a_very_long_key_is_a_clear_error() -> None:
    problems = problems_of(BASE_TEXT + "k" * 5000 + ": 1\n")
    assert len(problems) == 1
    assert problems[0].line == 26


def test_problems_are_capped_with_a_count_of_the_rest() -> None:
    extra = "".join(f"k{i}: 1\n" for i in range(3000))
    problems = problems_of(BASE_TEXT + extra)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].message == f"... and {3000 - MAX_PROBLEMS:,} more problems"


# --- YAML the safe way ------------------------------------------------------------------------


def test_yes_no_on_off_stay_text_and_only_true_false_are_booleans() -> None:
    doc = read_yaml(b"a: yes\nb: no\nc: on\nd: off\ne: y\nf: true\ng: False\nh: 'true'\n").data
    assert doc == {
        "a": "yes",
        "b": "no",
        "c": "on",
        "d": "off",
        "e": "y",
        "f": True,
        "g": False,
        "h": "true",
    }


def test_a_segment_called_no_is_norwegian() -> None:
    text = BASE_TEXT.replace("es_cs", "no").replace("name: Spanish", "name: Norwegian")
    loaded = load_scenario_bytes(text.encode(), "norway.yaml")
    assert [s.id for s in loaded.scenario.segments] == ["en", "no"]


def test_numbers_nulls_and_what_stays_text() -> None:
    doc = read_yaml(
        b"a: 010\nb: 1_000\nc: 0x1f\nd: 1e3\ne: .5\nf: -2\ng: ~\nh:\ni: null\n"
        b"j: 9:30\nk: 2024-05-01\nl: '5'\nm: !!str 5\nn: !!float 3\no: ! 7\np: 1.5\n"
    ).data
    assert doc == {
        "a": 10,
        "b": 1000,
        "c": 31,
        "d": 1000.0,
        "e": 0.5,
        "f": -2,
        "g": None,
        "h": None,
        "i": None,
        "j": "9:30",
        "k": "2024-05-01",
        "l": "5",
        "m": "5",
        "n": 3.0,
        "o": "7",
        "p": 1.5,
    }
    assert isinstance(doc["a"], int) and isinstance(doc["n"], float)


def test_a_number_with_too_many_digits_is_a_problem_not_a_crash() -> None:
    problem = only_problem(with_base("budget: 1000", "budget: " + "9" * 5000))
    assert "has 5,000 digits; a number in a scenario has at most 100" in problem.message


def test_positions_of_keys_values_and_aliases() -> None:
    doc = read_yaml(b"a: &x {b: 1}\nc:\n  - *x\n  - 'q'\n")
    assert doc.values[("a",)] == Position(1, 4)
    assert doc.keys[("a", "b")] == Position(1, 8, 0)
    assert doc.values[("c", 0)] == Position(3, 5)  # where the alias is written
    assert doc.values[("c", 0, "b")] == Position(1, 11, 0)  # inside the anchor
    assert doc.values[("c", 1)] == Position(4, 5, 1)


def test_merge_keys_and_aliases_work() -> None:
    text = BASE_TEXT.replace(
        "segments:\n  - id: en\n",
        "segments:\n  - &seg\n    id: en\n",
    ).replace(
        "  - id: es_cs\n    name: Spanish\n", "  - <<: *seg\n    id: es_cs\n    name: Spanish\n"
    )
    text = text.replace("    traffic: 20\n", "")
    text = text.replace("    traffic: 80\n", "    traffic: 50\n")
    loaded = load_scenario_bytes(text.encode(), "merge.yaml")
    assert [(s.id, s.name, s.traffic) for s in loaded.scenario.segments] == [
        ("en", "English", 50),
        ("es_cs", "Spanish", 50),
    ]


def test_merged_value_problems_point_at_the_anchor() -> None:
    text = "d: &d {traffic: 500}\n" + BASE_TEXT.replace(
        "    traffic: 80\n", "    <<: *d\n"
    ).replace("d: &d", "x-d: &d")
    problems = problems_of(text)
    assert any(p.line == 1 and "must be at most 100" in p.message for p in problems)


def test_a_utf8_bom_is_fine_and_does_not_shift_columns() -> None:
    load_scenario_bytes(b"\xef\xbb\xbf" + BASE_TEXT.encode(), "bom.yaml")
    problem = only_problem(b"\xef\xbb\xbf" + with_base("budget: 1000", "budget: x").encode())
    assert (problem.line, problem.col) == (3, 9)


def test_windows_line_endings_are_fine() -> None:
    load_scenario_bytes(BASE_TEXT.replace("\n", "\r\n").encode(), "crlf.yaml")
    problem = only_problem(with_base("budget: 1000", "budget: x").replace("\n", "\r\n"))
    assert (problem.line, problem.col) == (3, 9)


@pytest.mark.parametrize("pure_python", [False, True], ids=["libyaml", "python"])
@pytest.mark.parametrize(
    "data",
    [
        b"[" * 20_000,
        b"a: " + b"{a: " * 20_000,
        b"- " * 20_000 + b"x\n",
        b"".join(b" " * i + b"k:\n" for i in range(1000)),
    ],
    ids=["brackets", "flow-mappings", "block-sequences", "block-mappings"],
)
def test_deep_nesting_is_refused_without_crashing(data: bytes, pure_python: bool) -> None:
    with pytest.raises(YamlError) as caught:
        read_yaml(data, pure_python=pure_python)
    assert "nested more than 100 levels" in caught.value.issues[0].message


@pytest.mark.parametrize("pure_python", [False, True], ids=["libyaml", "python"])
def test_nesting_through_aliases_is_bounded(pure_python: bool) -> None:
    lines = [b"a0: &a0 " + b"[" * 60 + b"x" + b"]" * 60]
    lines += [
        b"a%d: &a%d " % (i, i) + b"[" * 60 + b"*a%d" % (i - 1) + b"]" * 60 for i in range(1, 5)
    ]
    with pytest.raises(YamlError) as caught:
        read_yaml(b"\n".join(lines) + b"\n", pure_python=pure_python)
    assert "(through aliases)" in caught.value.issues[0].message


def test_nesting_through_merges_is_bounded() -> None:
    lines = [b"m0: &m0 {x: 1}"] + [b"m%d: &m%d {<<: *m%d}" % (i, i, i - 1) for i in range(1, 150)]
    with pytest.raises(YamlError) as caught:
        read_yaml(b"\n".join(lines) + b"\n")
    assert "nested more than 100 levels" in caught.value.issues[0].message


def test_nesting_at_the_limit_is_fine() -> None:
    data = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert read_yaml(data).data is not None


@pytest.mark.parametrize("pure_python", [False, True], ids=["libyaml", "python"])
def test_alias_bomb_is_refused(pure_python: bool) -> None:
    with pytest.raises(YamlError) as caught:
        read_yaml((BROKEN / "billion_laughs.yaml").read_bytes(), pure_python=pure_python)
    assert "more than 100,000 values" in caught.value.issues[0].message


def test_too_many_plain_values_are_refused() -> None:
    with pytest.raises(YamlError) as caught:
        read_yaml(b"a: [" + b"1," * 150_000 + b"]\n")
    assert "holds more than 100,000 values" in caught.value.issues[0].message


def test_an_anchor_used_many_times_is_fine() -> None:
    doc = read_yaml(b"a: &a {x: 1}\n" + b"".join(b"b%d: *a\n" % i for i in range(100)))
    assert doc.data["b99"] == {"x": 1}


def test_the_python_parser_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_source, "_LOADER", yaml.SafeLoader)
    load_scenario_bytes(BASE_TEXT.encode(), "pure.yaml")
    problem = only_problem(with_base("budget: 1000", "budget: x"))
    assert (problem.line, problem.col) == (3, 9)


def test_libyaml_is_used_when_the_wheel_has_it() -> None:
    if getattr(yaml, "__with_libyaml__", False):
        assert yaml_source._LOADER is yaml.CSafeLoader
    else:
        assert yaml_source._LOADER is yaml.SafeLoader


def test_the_loader_never_constructs_with_pyyaml_or_evaluates() -> None:
    for module in ("yaml_source.py", "load.py"):
        source = (Path(yaml_source.__file__).parent / module).read_text(encoding="utf-8")
        for banned in (
            "yaml.load(",
            "yaml.safe_load",
            "unsafe_load",
            "full_load",
            "eval(",
            "exec(",
        ):
            assert banned not in source, (module, banned)


# --- messages that show how to write a value ---------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    traffic: 80\n",
            "    traffic: 80%\n",
            "expected a number, got '80%'; write a percentage as a plain number: 80",
        ),
        (
            "budget: 1000\n",
            "budget: $6,000\n",
            "expected a number, got '$6,000'; write dollars as a plain number, without '$' "
            "or commas: 6000",
        ),
        (
            "budget: 1000\n",
            'budget: "6,000"\n',
            "expected a number, got '6,000'; write the number without commas: 6000",
        ),
        (
            "goals:\n",
            "events:\n  - {id: standup, title: S, text: T, trigger: {at: 10:00}}\ngoals:\n",
            "expected a number, got '10:00'; a clock time needs its day: write "
            '{day: 1, clock: "10:00"}, or the hours since the start as a number',
        ),
    ],
    ids=["percent", "dollars", "commas", "clock"],
)
def test_numbers_written_as_text_show_how_to_write_them(old: str, new: str, message: str) -> None:
    assert only_problem(with_base(old, new)).message == message


def test_a_duplicate_id_names_the_line_of_its_first_use() -> None:
    doubled = with_base("goals:\n", "goals:\n  - {id: spanish_ok, text: T, when: true}\n")
    problem = only_problem(doubled)
    assert (problem.line, problem.message) == (
        24,
        "goal id 'spanish_ok' is used twice (first at line 23)",
    )
