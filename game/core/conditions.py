"""Compile checked scenario conditions into fast functions of the game state.

:mod:`game.scenario.expr` has already refused everything outside the allow-list. Here each
dotted name becomes a direct read of the state (``labels.es_cs`` becomes
``s.data.labels[1]``), each id argument becomes an index, and the tree is compiled once into a
function with no builtins. Nothing from the scenario text reaches ``eval`` or ``exec``.
"""

from __future__ import annotations

import ast
import types
from collections.abc import Callable, Mapping, Sequence
from math import fsum
from typing import Any, Final

from game.core import evidence
from game.core.state import DONE, FINISHED, QUEUED, State
from game.scenario.expr import FUNCTIONS, INFRA_CAPABILITIES, Expr, dotted_name

Predicate = Callable[[State], Any]


def _div(a: int | float, b: int | float) -> float:
    # Either may be a whole number too large for a float: the division raises
    # OverflowError, which the guard turns into false (a float parameter would not take it).
    return a / b if b else 0.0


def _spent(s: State) -> float:
    return fsum(s.money.ledger.values())


def true_quality(s: State) -> float:
    """True F1 of the production model on the current traffic mix."""
    f1 = s.models[s.production.model_index].f1
    return fsum(f * t for f, t in zip(f1, s.production.traffic, strict=True)) / 100.0


def _latency(s: State) -> float:
    return s.models[s.production.model_index].latency_ms * s.production.latency_factor


def _outage(s: State) -> float:
    """Hours left of the longest outage now: of all traffic, or of some segments."""
    longest = s.production.outage_left
    for left in s.production.segment_outage_left:
        longest = max(longest, left)
    return longest


def _struck(s: State, job: int) -> bool:
    """Whether the model in production came from a run of the job that a risk struck."""
    model = s.models[s.production.model_index]
    return model.source_job_index == job and model.risks != []


def _running(s: State, job: int) -> bool:
    return any(s.jobs.runs[index].job_index == job for index in s.jobs.in_progress)


def _completed(s: State, job: int) -> int:
    finished = 0
    for run in s.jobs.runs:
        if run.job_index == job and run.status is FINISHED:
            finished += 1
    return finished


def _collapsed(s: State, job: int) -> int:
    collapses = 0
    for run in s.jobs.runs:
        if run.job_index == job:
            collapses += run.collapses
    return collapses


def _by_job(check: Callable[[State, int], Any], empty: Any) -> Callable[[State, int], Any]:
    """A check of the newest model a job trained, or ``empty`` when it trained none."""

    def read(s: State, job: int) -> Any:
        model = evidence.newest_model(s, job)
        return empty if model is None else check(s, model)

    return read


_eval_drop = _by_job(evidence.eval_drop, 0.0)
_eval_worse = _by_job(evidence.eval_worse, False)
_evaluated = _by_job(lambda s, m: evidence.last_measurement(s, m) is not None, False)
_ab_tested = _by_job(evidence.ab_tested, False)
_ab_worse = _by_job(evidence.ab_worse, False)


CALL_SOURCES: Final[dict[str, str]] = {
    "done": "(s.team.task_status[{first}] is _DONE)",
    "queued": "(s.team.task_status[{first}] is _QUEUED)",
    "running": "_running(s, {first})",
    "completed": "_completed(s, {first})",
    "started": "s.jobs.started[{first}]",
    "collapsed": "_collapsed(s, {first})",
    "fired": "s.events.fired[{first}]",
    "chose": "({second} in s.events.chosen[{first}])",
    "shipped_from": "(s.models[s.production.model_index].source_job_index == {first})",
    "waiting": "({first} in s.events.pending)",
    "evaluated": "_evaluated(s, {first})",
    "eval_drop": "_eval_drop(s, {first})",
    "eval_worse": "_eval_worse(s, {first})",
    "ab_tested": "_ab_tested(s, {first})",
    "ab_worse": "_ab_worse(s, {first})",
    "struck": "_struck(s, {first})",
}
"""Python source of each scenario function; {first} and {second} are resolved indices."""

HELPERS: Final[dict[str, Any]] = {
    "__builtins__": {},
    "_div": _div,
    "_spent": _spent,
    "true_quality": true_quality,
    "_latency": _latency,
    "_running": _running,
    "_outage": _outage,
    "_struck": _struck,
    "_completed": _completed,
    "_collapsed": _collapsed,
    "_evaluated": _evaluated,
    "_eval_drop": _eval_drop,
    "_eval_worse": _eval_worse,
    "_ab_tested": _ab_tested,
    "_ab_worse": _ab_worse,
    "_min": min,
    "_max": max,
    "_abs": abs,
    "_len": len,
    "_DONE": DONE,
    "_QUEUED": QUEUED,
}


class Compiler:
    """Turns checked expressions into predicates for one scenario's layout."""

    def __init__(
        self,
        *,
        segments: Sequence[str],
        tasks: Sequence[str],
        jobs: Sequence[str],
        events: Sequence[str],
        choices: Mapping[str, Sequence[str]],
        variables: Sequence[str],
        tick_hours: float,
        ticks_per_day: int,
        total_ticks: int,
        budget: float,
    ) -> None:
        self.index = {
            "task": {t: i for i, t in enumerate(tasks)},
            "job": {j: i for i, j in enumerate(jobs)},
            "event": {e: i for i, e in enumerate(events)},
        }
        self.choices = {e: {c: i for i, c in enumerate(cs)} for e, cs in choices.items()}
        self.names = self._name_table(
            segments, variables, tick_hours, ticks_per_day, total_ticks, budget
        )

    @staticmethod
    def _name_table(
        segments: Sequence[str],
        variables: Sequence[str],
        tick_hours: float,
        ticks_per_day: int,
        total_ticks: int,
        budget: float,
    ) -> dict[str, str]:
        days = -(-total_ticks // ticks_per_day)
        names = {
            "hour": f"(s.clock.tick * {tick_hours!r})",
            "tick": "s.clock.tick",
            "day": f"_min(s.clock.tick // {ticks_per_day} + 1, {days})",
            "hours_left": f"(({total_ticks} - s.clock.tick) * {tick_hours!r})",
            "money": "s.money.balance",
            "spent": "_spent(s)",
            "budget": repr(float(budget)),
            "trust": "s.trust",
            "insight": "s.insight",
            "reliability": "s.reliability",
            "escalation_rate": "s.production.counts.last_rate_seen",
            "incidents": "_len(s.production.incidents)",
            "outage": "_outage(s)",
            "spike": "s.production.spike",
            "shipped": "s.record.shipped",
            "shipped_unevaluated": "s.record.shipped_unevaluated",
            "shipped_untested": "s.record.shipped_untested",
            "evals_run": "s.record.evals_run",
            "ab_tests_run": "s.record.ab_tests_run",
            "shipped_worse": "s.record.shipped_worse",
            "allocation_changes": "s.record.allocation_changes",
            "judge_calibrated": "s.data.judge_calibrated",
            "prod.quality": "true_quality(s)",
            "prod.hallucination": "s.models[s.production.model_index].hallucination",
            "prod.latency_ms": "_latency(s)",
            "requests.total": "s.production.counts.total",
            "requests.failed": "s.production.counts.failed",
            "requests.degraded": "s.production.counts.degraded",
            "requests.hallucinated": "s.production.counts.hallucinations",
            "true": "True",
            "false": "False",
            "True": "True",
            "False": "False",
        }
        for i, seg in enumerate(segments):
            names[f"labels.{seg}"] = f"s.data.labels[{i}]"
            names[f"golden.{seg}"] = f"s.data.golden[{i}]"
            names[f"traffic.{seg}"] = f"s.production.traffic[{i}]"
            names[f"prod.f1.{seg}"] = f"s.models[s.production.model_index].f1[{i}]"
        for capability in INFRA_CAPABILITIES:
            names[f"infra.{capability}"] = f"s.infra[{capability!r}]"
        for i, var in enumerate(variables):
            names[f"vars.{var}"] = f"s.variables[{i}]"
        return names

    def compile(self, expr: Expr) -> Predicate:
        """A function of the state that evaluates the condition."""
        body = _Rewriter(self).visit(_copy(expr.tree.body))
        lam = ast.Expression(
            ast.Lambda(
                args=ast.arguments(
                    posonlyargs=[],
                    args=[ast.arg("s")],
                    kwonlyargs=[],
                    kw_defaults=[],
                    defaults=[],
                ),
                body=body,
            )
        )
        ast.fix_missing_locations(lam)
        code = compile(lam, f"<condition: {expr.source}>", "eval")
        lambda_code = next(c for c in code.co_consts if isinstance(c, types.CodeType))
        function: Predicate = types.FunctionType(lambda_code, dict(HELPERS))
        if _multiplies(expr.tree.body):
            return _guarded(function)
        return function

    def call(self, name: str, args: list[str]) -> str:
        """Source of a call to a named scenario function, ids already resolved to indices."""
        kinds, _ = FUNCTIONS[name]
        first = self.index[kinds[0].value][args[0]]
        second = self.choices[args[0]][args[1]] if len(args) > 1 else -1
        return CALL_SOURCES[name].format(first=first, second=second)


def _multiplies(node: ast.expr) -> bool:
    """Whether the condition multiplies or divides: only those can overflow."""
    return any(
        isinstance(child, ast.BinOp) and isinstance(child.op, ast.Mult | ast.Div)
        for child in ast.walk(node)
    )


def _guarded(function: Predicate) -> Predicate:
    """The condition, false where its arithmetic overflows instead of raising.

    Numbers written in a condition are floats, which overflow to infinity quietly, but a
    product of whole-number names (``tick * tick * ...``) is a Python integer that can grow
    too large to divide or to mix with a float.
    """

    def guarded(s: State) -> Any:
        try:
            return function(s)
        except ArithmeticError:
            return False

    return guarded


def _copy(node: ast.expr) -> ast.expr:
    copied = ast.parse(ast.unparse(node), mode="eval").body
    return copied


def _snippet(source: str) -> ast.expr:
    return ast.parse(source, mode="eval").body


class _Rewriter(ast.NodeTransformer):
    def __init__(self, compiler: Compiler) -> None:
        self.compiler = compiler

    def visit_Constant(self, node: ast.Constant) -> ast.expr:
        value = node.value
        if isinstance(value, int) and not isinstance(value, bool):
            return ast.Constant(float(value))
        return node

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return _snippet(self.compiler.names[node.id])

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        name = dotted_name(node)
        assert name is not None
        return _snippet(self.compiler.names[name])

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        left = self.visit(node.left)
        right = self.visit(node.right)
        if isinstance(node.op, ast.Div):
            return ast.Call(ast.Name("_div", ast.Load()), [left, right], [])
        return ast.BinOp(left, node.op, right)

    def visit_Call(self, node: ast.Call) -> ast.expr:
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        if name in ("min", "max", "abs"):
            return ast.Call(
                ast.Name(f"_{name}", ast.Load()), [self.visit(a) for a in node.args], []
            )
        ids = [a.value for a in node.args if isinstance(a, ast.Constant)]
        return _snippet(self.compiler.call(name, [str(i) for i in ids]))
