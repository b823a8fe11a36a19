"""The condition checker: the allow-list refuses everything it should, with a column."""

from __future__ import annotations

import pytest

from game.scenario.expr import (
    FUNCTIONS,
    INFRA_CAPABILITIES,
    MAX_SOURCE_CHARS,
    NUMERIC_FUNCTIONS,
    SCALAR_NAMES,
    SEGMENT_FAMILIES,
    Expr,
    ExprError,
    NameTable,
    parse_expr,
)

NAMES = NameTable(
    segments=("en", "es_cs"),
    tasks=("label_es", "write_doc"),
    jobs=("lora", "ev"),
    events=("pm", "outage"),
    choices={"pm": ("explain", "promise"), "outage": ()},
    variables=("mood",),
)


def refused(text: str, names: NameTable = NAMES) -> ExprError:
    with pytest.raises(ExprError) as info:
        parse_expr(text, names)
    return info.value


@pytest.mark.parametrize(
    "text",
    [
        'open("x")',
        'eval("1")',
        "__import__",
        'getattr(trust, "x")',
        'len("abc") > 1',
        'print("x")',
        "int(trust) > 1",
    ],
)
def test_calls_other_than_the_named_functions_are_refused(text: str) -> None:
    error = refused(text)
    assert error.message
    assert error.col == 0


def test_calling_an_attribute_is_refused() -> None:
    error = refused("trust.bit_length() > 1")
    assert "named functions" in error.message


@pytest.mark.parametrize(
    ("text", "col"),
    [
        ("trust.__class__", 0),
        ("labels._private > 1", 0),
        ("_x > 1", 0),
        ("trust > 1 and vars.__dict__", 14),
    ],
)
def test_underscore_names_are_refused(text: str, col: int) -> None:
    error = refused(text)
    assert "'_'" in error.message
    assert error.col == col


def test_attribute_of_a_call_or_constant_is_refused() -> None:
    assert "dotted names" in refused('done("label_es").real').message
    assert "dotted names" in refused("(1).real > 0").message


@pytest.mark.parametrize(
    "text",
    [
        "[x for x in labels]",
        "{x for x in labels}",
        "{x: 1 for x in labels}",
        "sum(x for x in labels)",
        "(lambda: 1)()",
        "lambda: 1",
        "[1, 2]",
        "(1, 2)",
        "{1: 2}",
        "trust if money else insight",
        "(y := 1)",
        "labels[0]",
        "money[1:2]",
        "~trust",
        "trust in labels",
        "trust is trust",
        "trust % 2",
        "trust // 2",
        "trust << 2",
        "trust & 1",
        "None",
        "...",
        "1j",
        "b'x' == b'x'",
        'f"{trust}"',
        "*trust",
    ],
)
def test_shapes_outside_the_allow_list_are_refused(text: str) -> None:
    assert refused(text).message


def test_power_is_refused_with_the_operators_named() -> None:
    error = refused("trust ** 2 > 1")
    assert "only +, -, * and /" in error.message
    assert error.col == 0
    assert refused("2 ** 2 ** 2 ** 2 ** 2").message


def test_strings_are_only_ids_inside_functions() -> None:
    error = refused('"a" == "a"')
    assert "text is allowed only as an id" in error.message
    error = refused('trust > 1 or "x"')
    assert error.col == 13
    refused('min("x", 1) > 0')
    refused("done(label_es)")  # a bare name where an id string is needed


@pytest.mark.parametrize("text", ["trust > 1e10", "trust > 1000000001", "-1e999 < trust", "1e999"])
def test_huge_constants_are_refused(text: str) -> None:
    assert "limited" in refused(text).message


def test_constants_up_to_the_bound_are_accepted() -> None:
    parse_expr("money > 1e9 or money < -1000000000", NAMES)


def test_long_and_empty_sources_are_refused() -> None:
    assert "longer" in refused("1 + " * MAX_SOURCE_CHARS + "1").message
    assert "empty" in refused("   ").message
    with pytest.raises(ExprError):
        parse_expr(None, NAMES)  # type: ignore[arg-type]


def test_nesting_is_bounded_with_a_column() -> None:
    parse_expr("-" * 100 + "1", NAMES)
    error = refused("trust > " + "-" * 400 + "1")
    assert "nested more than" in error.message
    assert 8 < error.col < 500
    # Too many parentheses for Python's parser: an error, not a crash.
    error = refused("(" * 240 + "1" + ")" * 240)
    assert error.message.startswith("cannot read")


def test_syntax_errors_carry_a_column() -> None:
    error = refused("trust > > 1")
    assert error.message.startswith("cannot read the condition")
    assert error.col == 8


def test_unknown_name_has_did_you_mean_and_column() -> None:
    error = refused("money > 0 and labels.es_c >= 500")
    assert "unknown name 'labels.es_c'" in error.message
    assert "did you mean 'labels.es_cs'?" in error.message
    assert error.col == 14


def test_unknown_ids_have_did_you_mean_and_column() -> None:
    error = refused('trust > 1 and done("label_sp")')
    assert "unknown task 'label_sp'" in error.message
    assert "did you mean 'label_es'?" in error.message
    assert error.col == 19
    error = refused('running("lorra")')
    assert "unknown job 'lorra'; did you mean 'lora'?" in error.message
    error = refused('fired("pmm")')
    assert "unknown event 'pmm'; did you mean 'pm'?" in error.message
    error = refused('chose("pm", "explian")')
    assert "unknown choice 'explian'; did you mean 'explain'?" in error.message
    assert error.col == 12
    error = refused('chose("outage", "explain")')
    assert "unknown choice 'explain'" in error.message


def test_unknown_function_has_did_you_mean() -> None:
    error = refused('don("label_es")')
    assert "unknown function 'don'; did you mean 'done'?" in error.message


def test_a_function_used_as_a_name_is_explained() -> None:
    assert "is a function" in refused("done and trust > 1").message


def test_wrong_arity_and_keywords_are_refused() -> None:
    assert "takes 1 argument" in refused('done("label_es", "write_doc")').message
    assert "takes 2 argument" in refused('chose("pm")').message
    assert "keyword" in refused('done(task="label_es")').message
    assert "one argument" in refused("abs(trust, money) > 1").message
    assert "two or more" in refused("min() > 1").message
    assert "two or more" in refused("max(trust) > 1").message
    assert refused("max(*money)").message


def test_every_catalog_name_is_accepted() -> None:
    for name in SCALAR_NAMES:
        assert isinstance(parse_expr(f"{name} >= 0", NAMES), Expr)
    for family in SEGMENT_FAMILIES:
        for seg in NAMES.segments:
            parse_expr(f"{family}.{seg} >= 0", NAMES)
    for cap in INFRA_CAPABILITIES:
        parse_expr(f"infra.{cap} >= 1", NAMES)
    parse_expr("vars.mood > 0", NAMES)
    parse_expr("true and not false or True", NAMES)


def test_every_function_is_accepted() -> None:
    ids = {"task": "label_es", "job": "lora", "event": "pm", "choice": "explain"}
    for fname, (kinds, _) in FUNCTIONS.items():
        args = ", ".join(f'"{ids[k.value]}"' for k in kinds)
        parse_expr(f"{fname}({args})", NAMES)
    for fname in NUMERIC_FUNCTIONS:
        args = "trust" if fname == "abs" else "trust, 1, money"
        parse_expr(f"{fname}({args}) >= 0", NAMES)


def test_segment_family_without_a_scenario_segment_is_refused() -> None:
    error = refused("labels.de > 1")
    assert "unknown name 'labels.de'" in error.message
    assert "vars.nope" in refused("vars.nope > 1").message


def test_permissive_table_accepts_any_name_and_id_but_not_unsafe_shapes() -> None:
    loose = NameTable(permissive=True)
    parse_expr('labels.whatever > 1 and done("anything")', loose)
    with pytest.raises(ExprError):
        parse_expr("x.__class__", loose)
    with pytest.raises(ExprError):
        parse_expr('open("x")', loose)


def test_source_is_kept_stripped() -> None:
    expr = parse_expr("  trust > 1  ", NAMES)
    assert str(expr) == "trust > 1"
    assert expr.source == "trust > 1"
