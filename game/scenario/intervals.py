"""Interval arithmetic over checked conditions: the values a condition can take.

Every name and named function a condition reads is given a :class:`Range` (the values the
engine can produce for it, with the reason when it is not obvious), and the condition's
tree is worked out over those ranges: ``a + b``, ``min(a, b)``, ``a / b`` (0 when ``b``
is 0, as the engine does), comparisons and logic. A comparison whose sides can never meet
is surely false; a whole condition that is surely false can never hold.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeAlias

from game.scenario.expr import dotted_name

INF = math.inf


@dataclass(frozen=True)
class Range:
    """The values an expression can take: ``lo`` to ``hi``, and why, when it is not obvious.

    ``truth`` is True or False when the value is sure to be true or false, else None.
    """

    lo: float
    hi: float
    why: str = ""
    sure: bool | None = None
    """The truth, when it is known although the range holds 0 (``a or b``)."""

    @property
    def truth(self) -> bool | None:
        """Whether the value is surely true (not 0), surely false (0), or either."""
        if self.sure is not None:
            return self.sure
        if self.lo == 0 and self.hi == 0:
            return False
        if self.lo > 0 or self.hi < 0:
            return True
        return None


BOOL = Range(0, 1)
FALSE = Range(0, 0)
TRUE = Range(1, 1)
COUNT = Range(0, INF)
ANY = Range(-INF, INF)


def _truth_range(truth: bool | None) -> Range:
    return BOOL if truth is None else TRUE if truth else FALSE


def _fix(value: float, fallback: float) -> float:
    return fallback if math.isnan(value) else value


def _add(a: Range, b: Range) -> Range:
    return Range(_fix(a.lo + b.lo, -INF), _fix(a.hi + b.hi, INF))


def _neg(a: Range) -> Range:
    return Range(-a.hi, -a.lo)


def _times(x: float, y: float) -> float:
    return 0.0 if x == 0 or y == 0 else x * y


def _mul(a: Range, b: Range) -> Range:
    products = [_times(x, y) for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
    return Range(min(products), max(products))


def _div(a: Range, b: Range) -> Range:
    """Division as the engine does it: dividing by zero gives 0."""
    if b.lo == 0 and b.hi == 0:
        return FALSE
    if a.lo == 0 and a.hi == 0:
        return FALSE
    bounds = (a.lo, a.hi, b.lo, b.hi)
    if (b.lo > 0 or b.hi < 0) and all(math.isfinite(x) for x in bounds):
        quotients = [x / y for x in (a.lo, a.hi) for y in (b.lo, b.hi)]
        return Range(min(quotients), max(quotients))
    if a.lo >= 0 and b.lo >= 0:
        return COUNT
    return ANY


def _hull(ranges: list[Range]) -> Range:
    return Range(min(r.lo for r in ranges), max(r.hi for r in ranges))


def _compare(op: ast.cmpop, a: Range, b: Range) -> bool | None:
    """Whether ``a op b`` surely holds, surely fails, or may go either way."""
    if isinstance(op, ast.Lt):
        return True if a.hi < b.lo else False if a.lo >= b.hi else None
    if isinstance(op, ast.LtE):
        return True if a.hi <= b.lo else False if a.lo > b.hi else None
    if isinstance(op, ast.Gt):
        return True if a.lo > b.hi else False if a.hi <= b.lo else None
    if isinstance(op, ast.GtE):
        return True if a.lo >= b.hi else False if a.hi < b.lo else None
    apart = a.hi < b.lo or b.hi < a.lo
    same = a.lo == a.hi == b.lo == b.hi
    if isinstance(op, ast.Eq):
        return False if apart else True if same else None
    return True if apart else False if same else None


def number_text(value: float) -> str:
    """A bound in words: ``1,000``, ``0.5``, ``unbounded``."""
    if value == INF:
        return "unbounded"
    if value == -INF:
        return "-unbounded"
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:g}"


def describe(r: Range) -> str:
    """The range in words: ``1 to 2``, ``at least 0``, ``always 0``."""
    if r.lo == r.hi:
        return f"always {number_text(r.lo)}"
    if r.lo == -INF and r.hi == INF:
        return "any number"
    if r.lo == -INF:
        return f"at most {number_text(r.hi)}"
    if r.hi == INF:
        return f"at least {number_text(r.lo)}"
    return f"{number_text(r.lo)} to {number_text(r.hi)}"


Key: TypeAlias = tuple[str, ...]
"""A leaf of a condition: ``("name", "trust")`` or ``("done", "task_id")``."""


@dataclass
class Ranges:
    """The range of every name and function call a condition can read, at one kind of moment."""

    names: dict[str, Range]
    calls: dict[Key, Range]
    default_call: dict[str, Range]

    def call(self, fname: str, args: tuple[str, ...]) -> Range:
        """The range of a named function call."""
        return self.calls.get((fname, *args), self.default_call.get(fname, ANY))

    def with_calls(self, overrides: Mapping[Key, Range]) -> Ranges:
        """A copy in which some calls have other ranges."""
        return Ranges(self.names, {**self.calls, **overrides}, self.default_call)


def leaf(node: ast.expr) -> tuple[str, Key] | None:
    """The source and key of a name or a named function call, else None."""
    name = dotted_name(node) if isinstance(node, ast.Name | ast.Attribute) else None
    if name is not None:
        return name, ("name", name)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        args = tuple(str(a.value) for a in node.args if isinstance(a, ast.Constant))
        if node.func.id in ("min", "max", "abs"):
            return None
        quoted = ", ".join(f'"{a}"' for a in args)
        return f"{node.func.id}({quoted})", (node.func.id, *args)
    return None


class Evaluator:
    """Interval arithmetic over a checked condition tree."""

    def __init__(self, ranges: Ranges) -> None:
        self.ranges = ranges

    def value(self, node: ast.expr) -> Range:
        """The range of values the node can take."""
        if isinstance(node, ast.Constant):
            number = float(node.value) if isinstance(node.value, int | float) else 0.0
            return Range(number, number)
        if isinstance(node, ast.Name | ast.Attribute):
            name = dotted_name(node) or ""
            if name in ("true", "True"):
                return TRUE
            if name in ("false", "False"):
                return FALSE
            return self.ranges.names.get(name, ANY)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self._call(node)
        if isinstance(node, ast.UnaryOp):
            inner = self.value(node.operand)
            if isinstance(node.op, ast.Not):
                truth = inner.truth
                return _truth_range(None if truth is None else not truth)
            return _neg(inner) if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            return self._arith(node)
        if isinstance(node, ast.BoolOp):
            return self._logic(node)
        if isinstance(node, ast.Compare):
            return _truth_range(self.compare(node))
        return ANY

    def _call(self, node: ast.Call) -> Range:
        assert isinstance(node.func, ast.Name)
        fname = node.func.id
        if fname in ("min", "max"):
            values = [self.value(a) for a in node.args]
            pick = min if fname == "min" else max
            return Range(pick(v.lo for v in values), pick(v.hi for v in values))
        if fname == "abs":
            inner = self.value(node.args[0])
            if inner.lo >= 0:
                return inner
            if inner.hi <= 0:
                return _neg(inner)
            return Range(0, max(-inner.lo, inner.hi))
        ids = tuple(str(a.value) for a in node.args if isinstance(a, ast.Constant))
        return self.ranges.call(fname, ids)

    def _arith(self, node: ast.BinOp) -> Range:
        a, b = self.value(node.left), self.value(node.right)
        if isinstance(node.op, ast.Add):
            return _add(a, b)
        if isinstance(node.op, ast.Sub):
            return _add(a, _neg(b))
        if isinstance(node.op, ast.Mult):
            return _mul(a, b)
        return _div(a, b)

    def _logic(self, node: ast.BoolOp) -> Range:
        parts = [self.value(v) for v in node.values]
        truths = [p.truth for p in parts]
        if isinstance(node.op, ast.And):
            truth = False if False in truths else True if all(truths) else None
        else:
            truth = True if True in truths else False if all(t is False for t in truths) else None
        if truth is False:
            return FALSE  # the falsy operand it stops at is 0
        whole = _hull(parts)
        return Range(whole.lo, whole.hi, sure=truth)

    def compare(self, node: ast.Compare) -> bool | None:
        """Whether a (possibly chained) comparison surely holds, fails, or may go either way."""
        sides = [self.value(node.left), *(self.value(c) for c in node.comparators)]
        results = [_compare(op, sides[i], sides[i + 1]) for i, op in enumerate(node.ops)]
        if False in results:
            return False
        return True if all(results) else None

    def culprit(self, node: ast.expr) -> ast.expr:
        """The smallest piece of a surely false node that makes it false."""
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
            for value in node.values:
                if self.value(value).truth is False:
                    return self.culprit(value)
        return node
