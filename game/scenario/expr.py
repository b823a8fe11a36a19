"""Scenario conditions: parsed once, checked against an allow-list, kept as a checked tree.

A condition is a small Python-like expression such as
``labels.es_cs >= 500 and done("label_es")``. This module parses it, walks the tree and
refuses anything outside the allow-list: names from the catalog below, numbers, string
arguments of the named functions, comparisons, ``and``/``or``/``not`` and arithmetic.
The core turns a checked expression into a compiled function over the game state.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

MAX_SOURCE_CHARS = 500
MAX_CONSTANT = 1e9
MAX_STRING_CHARS = 64
MAX_DEPTH = 150


class IdKind(StrEnum):
    """What a function argument names."""

    TASK = "task"
    JOB = "job"
    EVENT = "event"
    CHOICE = "choice"


SCALAR_NAMES: dict[str, str] = {
    "hour": "hours elapsed since the start (0 at the first tick, grows by the tick length)",
    "tick": "ticks elapsed since the start",
    "day": "the current day, from 1",
    "hours_left": "working hours left in the scenario",
    "money": "dollars left (negative when overspent)",
    "spent": "dollars spent so far",
    "budget": "the starting budget in dollars",
    "trust": "the product manager's and leadership's trust, 0 to 100",
    "insight": "research insight points gathered",
    "reliability": "infrastructure reliability, 0 to 100",
    "escalation_rate": "percent of conversations escalated to humans during the last tick",
    "incidents": "incidents so far (outage failures, hallucination incidents, latency breaches)",
    "outage": "hours left of the current upstream API outage, of all traffic or of some "
    "segments (0 when none)",
    "spike": "the current traffic multiplier (1 when traffic is normal)",
    "shipped": "models shipped so far",
    "shipped_unevaluated": "models shipped without a finished eval of that model",
    "shipped_untested": "models shipped without a finished A/B test of that model",
    "evals_run": "eval runs finished",
    "ab_tests_run": "A/B tests finished",
    "shipped_worse": (
        "models shipped although their own eval or A/B test had measured them significantly "
        "worse than production"
    ),
    "allocation_changes": "times the player changed the allocation of hours",
    "judge_calibrated": "true once the LLM judge has been calibrated against human labels",
    "prod.quality": "true F1 of the production model on the current traffic mix",
    "prod.hallucination": "true hallucination rate of the production model, percent",
    "prod.latency_ms": "latency of the production model in milliseconds, spikes included",
    "requests.total": "conversations received so far",
    "requests.failed": "conversations that failed (outage with no fallback, timeouts)",
    "requests.degraded": "conversations served by the fallback path",
    "requests.hallucinated": "answers so far that contained a hallucination (expected count)",
}

SEGMENT_FAMILIES: dict[str, str] = {
    "labels": "labeled training examples of the segment",
    "golden": "golden (eval) examples of the segment",
    "traffic": "the segment's share of traffic, percent",
    "prod.f1": "true F1 of the production model on the segment",
}

INFRA_CAPABILITIES: tuple[str, ...] = ("checkpointing", "monitoring", "fallback", "autoscaling")

FUNCTIONS: dict[str, tuple[tuple[IdKind, ...], str]] = {
    "done": ((IdKind.TASK,), "true once the task is finished"),
    "queued": ((IdKind.TASK,), "true while the task waits in a queue"),
    "running": ((IdKind.JOB,), "true while a run of the job is in progress"),
    "completed": ((IdKind.JOB,), "runs of the job that reported success"),
    "started": ((IdKind.JOB,), "runs of the job started so far"),
    "collapsed": ((IdKind.JOB,), "times runs of the job failed (loudly, or caught by monitoring)"),
    "fired": ((IdKind.EVENT,), "times the event has fired"),
    "chose": ((IdKind.EVENT, IdKind.CHOICE), "true once that choice was taken in the event"),
    "shipped_from": ((IdKind.JOB,), "true when the production model came from that job"),
    "waiting": ((IdKind.EVENT,), "true while the event waits for an answer"),
    "evaluated": ((IdKind.JOB,), "true once the newest model the job trained has a finished eval"),
    "eval_drop": (
        (IdKind.JOB,),
        "how far the newest model the job trained measures below the production model, on "
        "the segment where it falls furthest (latest eval of each, segments both measured; "
        "0 when either is unmeasured or nothing falls)",
    ),
    "eval_worse": (
        (IdKind.JOB,),
        "true when the latest eval of the newest model the job trained reads significantly "
        "below production's latest on some segment (by more than 1.96 standard errors)",
    ),
    "ab_tested": ((IdKind.JOB,), "true once the newest model the job trained has an A/B result"),
    "ab_worse": (
        (IdKind.JOB,),
        "true when an A/B test measured the newest model the job trained significantly worse "
        "(its escalation rate higher, the 95% interval above zero)",
    ),
    "struck": (
        (IdKind.JOB,),
        "true when the production model came from a run of that training job that one of "
        "the job's risks struck (the truth: for lessons and goals, not reference steps)",
    ),
}

TRUTH_NAMES: tuple[str, ...] = ("prod.quality", "prod.hallucination", "requests.hallucinated")
"""Names that read the truth, which the player never sees."""
TRUTH_FUNCTIONS: tuple[str, ...] = ("struck",)
"""Functions that read the truth, which the player never sees."""
TRUTH_FAMILIES: tuple[str, ...] = ("prod.f1", "traffic")
"""Families of per-segment names that read the truth (``traffic`` is the true mix; the
player sees it only through monitoring)."""

NUMERIC_FUNCTIONS: dict[str, str] = {
    "min": "the smallest of its arguments",
    "max": "the largest of its arguments",
    "abs": "the absolute value",
}

_BOOL_OPS = (ast.And, ast.Or)
_UNARY_OPS = (ast.Not, ast.USub, ast.UAdd)
_BIN_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)
_CMP_OPS = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)


@dataclass(frozen=True)
class NameTable:
    """The ids a scenario defines, which conditions may name."""

    segments: Sequence[str] = ()
    tasks: Sequence[str] = ()
    jobs: Sequence[str] = ()
    events: Sequence[str] = ()
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)
    variables: Sequence[str] = ()
    permissive: bool = False
    """Accept any name and id: for checking an expression's shape without a scenario."""
    hidden_events: Sequence[str] = ()
    """Events that happen without telling the player."""
    player_view: bool = False
    """Refuse what the player cannot see: the truth names, and fired() or chose() of a
    hidden event (for the conditions of reference steps, which play as a player would)."""

    def dotted_names(self) -> list[str]:
        """Every dotted name a condition may use, for hints and docs."""
        names = list(SCALAR_NAMES)
        for family in SEGMENT_FAMILIES:
            names += [f"{family}.{seg}" for seg in self.segments]
        names += [f"infra.{cap}" for cap in INFRA_CAPABILITIES]
        names += [f"vars.{var}" for var in self.variables]
        return names


class ExprError(ValueError):
    """A condition that is not allowed; ``col`` counts from 0 within the expression."""

    def __init__(self, message: str, col: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.col = col


@dataclass(frozen=True)
class Expr:
    """A checked condition: its source text and its parsed, allow-listed tree."""

    source: str
    tree: ast.Expression

    def __str__(self) -> str:
        return self.source


def suggest(word: str, options: Sequence[str]) -> str:
    """A ``; did you mean 'x'?`` suffix, or an empty string."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else ``None``."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def parse_expr(source: str, names: NameTable) -> Expr:
    """Parse and check a condition; raise :class:`ExprError` with a column on refusal."""
    if not isinstance(source, str):
        raise ExprError("a condition must be text")
    text = source.strip()
    if not text:
        raise ExprError("the condition is empty")
    if len(text) > MAX_SOURCE_CHARS:
        raise ExprError(f"the condition is longer than {MAX_SOURCE_CHARS} characters")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        col = max((exc.offset or 1) - 1, 0)
        raise ExprError(f"cannot read the condition: {exc.msg}", col) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExprError("cannot read the condition") from None
    _Checker(names, text).check(tree.body)
    return Expr(text, tree)


class _Checker:
    def __init__(self, names: NameTable, text: str) -> None:
        self.names = names
        self.known = set(names.dotted_names())
        self.encoded = text.encode("utf-8")

    def fail(self, node: ast.AST, message: str) -> ExprError:
        """An error at the node, its column counted in characters (ast counts bytes)."""
        offset = int(getattr(node, "col_offset", 0))
        return ExprError(message, len(self.encoded[:offset].decode("utf-8", errors="ignore")))

    def check(self, node: ast.expr, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"the condition is nested more than {MAX_DEPTH} levels deep")
        self._check_node(node, depth + 1)

    def _check_node(self, node: ast.expr, depth: int) -> None:
        if isinstance(node, ast.BoolOp) and isinstance(node.op, _BOOL_OPS):
            for value in node.values:
                self.check(value, depth)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, _UNARY_OPS):
            self.check(node.operand, depth)
        elif isinstance(node, ast.BinOp):
            if not isinstance(node.op, _BIN_OPS):
                raise self.fail(node, "only +, -, * and / are allowed for arithmetic")
            self.check(node.left, depth)
            self.check(node.right, depth)
        elif isinstance(node, ast.Compare):
            for op in node.ops:
                if not isinstance(op, _CMP_OPS):
                    raise self.fail(node, "only ==, !=, <, <=, > and >= compare values")
            self.check(node.left, depth)
            for comparator in node.comparators:
                self.check(comparator, depth)
        elif isinstance(node, ast.Constant):
            self.check_constant(node)
        elif isinstance(node, ast.Name | ast.Attribute):
            self.check_name(node)
        elif isinstance(node, ast.Call):
            self.check_call(node, depth)
        else:
            raise self.fail(node, f"'{type(node).__name__}' is not allowed in a condition")

    def check_constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            return
        if isinstance(value, int | float):
            if not abs(value) <= MAX_CONSTANT:
                raise self.fail(node, f"numbers in conditions are limited to +-{MAX_CONSTANT:g}")
            return
        if isinstance(value, str):
            raise self.fail(node, "text is allowed only as an id inside done(), fired() and such")
        raise self.fail(node, f"{type(value).__name__} values are not allowed in a condition")

    def check_name(self, node: ast.Name | ast.Attribute) -> None:
        name = dotted_name(node)
        if name is None:
            raise self.fail(node, "only dotted names such as labels.es_cs are allowed")
        if any(part.startswith("_") for part in name.split(".")):
            raise self.fail(node, f"names starting with '_' are not allowed: '{name}'")
        if name in ("true", "false", "True", "False"):
            return
        if self.names.player_view and (
            name in TRUTH_NAMES or name.rsplit(".", 1)[0] in TRUTH_FAMILIES
        ):
            raise self.fail(
                node, f"'{name}' reads the truth, which the player never sees: use a measurement"
            )
        if name not in self.known and not self.names.permissive:
            if name in FUNCTIONS or name in NUMERIC_FUNCTIONS:
                raise self.fail(node, f"'{name}' is a function: call it, as in {name}(...)")
            raise self.fail(node, f"unknown name '{name}'{suggest(name, sorted(self.known))}")

    def check_call(self, node: ast.Call, depth: int) -> None:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, "only the named functions may be called")
        fname = node.func.id
        if node.keywords:
            raise self.fail(node, f"{fname}() takes no keyword arguments")
        if fname in NUMERIC_FUNCTIONS:
            if fname == "abs" and len(node.args) != 1:
                raise self.fail(node, "abs() takes one argument")
            if fname != "abs" and len(node.args) < 2:
                raise self.fail(node, f"{fname}() takes two or more arguments")
            for arg in node.args:
                if isinstance(arg, ast.Starred):
                    raise self.fail(arg, "'*' is not allowed in a condition")
                self.check(arg, depth)
            return
        if fname not in FUNCTIONS:
            options = sorted([*FUNCTIONS, *NUMERIC_FUNCTIONS])
            raise self.fail(node, f"unknown function '{fname}'{suggest(fname, options)}")
        if self.names.player_view and fname in TRUTH_FUNCTIONS:
            raise self.fail(
                node, f"{fname}() reads the truth, which the player never sees: use a measurement"
            )
        kinds, _ = FUNCTIONS[fname]
        if len(node.args) != len(kinds):
            shape = ", ".join(f'"{k.value}"' for k in kinds)
            raise self.fail(node, f"{fname}() takes {len(kinds)} argument(s): {fname}({shape})")
        event_id = ""
        for arg, kind in zip(node.args, kinds, strict=True):
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                raise self.fail(arg, f"the argument of {fname}() is a quoted {kind.value} id")
            ident = arg.value
            options = self.options(kind, event_id)
            if ident not in options and not self.names.permissive:
                raise self.fail(arg, f"unknown {kind.value} '{ident}'{suggest(ident, options)}")
            if kind is IdKind.EVENT:
                event_id = ident
                if self.names.player_view and ident in self.names.hidden_events:
                    raise self.fail(
                        arg, f"event '{ident}' is hidden: the player never sees it happen"
                    )

    def options(self, kind: IdKind, event_id: str) -> list[str]:
        if kind is IdKind.TASK:
            return list(self.names.tasks)
        if kind is IdKind.JOB:
            return list(self.names.jobs)
        if kind is IdKind.EVENT:
            return list(self.names.events)
        return list(self.names.choices.get(event_id, ()))
