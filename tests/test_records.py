"""The written-out constructors of the core's dataclasses match their fields; records copy.

The state's records and the log's lines (subclasses of :class:`game.core.record.Record`),
messages and the game's luck write out their ``__init__`` instead of taking the one
``@dataclass`` generates. These tests read each constructor in the source, so that it can
never drift from the fields: the same names in the same order, the same defaults (None for
a field with a default factory, which the constructor calls), each parameter stored in its
own field. They also check that a played game's state copies, deep-copies and pickles whole.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import importlib
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from game.core.engine import play
from game.core.record import Record
from game.core.rules import prepare
from game.core.state import State
from game.policies import make_policy
from game.replay.digest import state_digest
from game.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent
MODULES = ["game.core.state", "game.core.messages", "game.core.luck"]
"""The modules whose dataclasses write out their constructors."""


def init_of(node: ast.ClassDef) -> ast.FunctionDef | None:
    """The ``__init__`` written in a class's body, if there is one."""
    inits = [f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"]
    return inits[0] if inits else None


def is_record(node: ast.ClassDef) -> bool:
    return any(isinstance(base, ast.Name) and base.id == "Record" for base in node.bases)


def written_classes() -> Iterator[tuple[type[Any], ast.ClassDef]]:
    """Every dataclass of :data:`MODULES` that is a record or writes out its constructor,
    with its definition in the source."""
    for name in MODULES:
        module = importlib.import_module(name)
        source = (ROOT / Path(*name.split("."))).with_suffix(".py").read_text(encoding="utf-8")
        for node in ast.parse(source).body:
            if isinstance(node, ast.ClassDef) and (is_record(node) or init_of(node)):
                yield getattr(module, node.name), node


WRITTEN = list(written_classes())
IDS = [cls.__name__ for cls, _ in WRITTEN]


def test_the_classes_are_found_and_every_record_writes_out_its_constructor() -> None:
    assert {"State", "JobRun", "ModelRecord", "LogLine", "Message", "Luck"} <= set(IDS)
    for cls, node in WRITTEN:
        assert dataclasses.is_dataclass(cls)
        if is_record(node):
            assert issubclass(cls, Record) and init_of(node), f"{cls.__name__} has no __init__"


def is_factory_default(field: dataclasses.Field[Any]) -> bool:
    return field.default_factory is not dataclasses.MISSING


@pytest.mark.parametrize(("cls", "node"), WRITTEN, ids=IDS)
def test_a_constructor_takes_the_fields_in_order_with_their_defaults(
    cls: type[Any], node: ast.ClassDef
) -> None:
    init = init_of(node)
    assert init is not None
    arguments = init.args
    assert not (arguments.vararg or arguments.kwarg or arguments.kwonlyargs)
    assert not arguments.posonlyargs
    parameters = [a.arg for a in arguments.args]
    fields = dataclasses.fields(cls)
    assert parameters == ["self", *(f.name for f in fields)]
    defaults: list[ast.expr | None] = [None] * (len(fields) - len(arguments.defaults))
    defaults += arguments.defaults
    for field, default in zip(fields, defaults, strict=True):
        if field.default is not dataclasses.MISSING:
            assert default is not None, f"{cls.__name__}.{field.name} has no default"
            value = ast.literal_eval(default)
            assert (type(value), value) == (type(field.default), field.default), field.name
        elif is_factory_default(field):
            assert default is not None and ast.literal_eval(default) is None, field.name
        else:
            assert default is None, f"{cls.__name__}.{field.name} is required"


@pytest.mark.parametrize(("cls", "node"), WRITTEN, ids=IDS)
def test_a_constructor_stores_each_parameter_in_its_own_field(
    cls: type[Any], node: ast.ClassDef
) -> None:
    init = init_of(node)
    assert init is not None
    fields = dataclasses.fields(cls)
    assert len(init.body) == len(fields), f"{cls.__name__}.__init__ does more than store"
    for field, statement in zip(fields, init.body, strict=True):
        value = stored(statement, field.name)
        if is_factory_default(field):
            # `<fresh default> if name is None else name`
            assert isinstance(value, ast.IfExp), field.name
            test = value.test
            assert isinstance(test, ast.Compare) and isinstance(test.ops[0], ast.Is)
            assert isinstance(test.left, ast.Name) and test.left.id == field.name
            value = value.orelse
        assert isinstance(value, ast.Name) and value.id == field.name, field.name


def stored(statement: ast.stmt, name: str) -> ast.expr:
    """The value a statement of a constructor stores in the field of this name:
    ``self.name = value``, or ``object.__setattr__(self, "name", value)`` in a frozen class."""
    if isinstance(statement, ast.Assign):
        assert len(statement.targets) == 1
        target = statement.targets[0]
        assert isinstance(target, ast.Attribute) and target.attr == name
        assert isinstance(target.value, ast.Name) and target.value.id == "self"
        return statement.value
    assert isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call), name
    assert ast.unparse(statement.value.func) == "object.__setattr__"
    itself, field, value = statement.value.args
    assert isinstance(itself, ast.Name) and itself.id == "self"
    assert isinstance(field, ast.Constant) and field.value == name
    return value


def played_state() -> State:
    """The end of a greedy game on Ravi's Tuesday: every kind of record the game makes."""
    rules = prepare(load_scenario(ROOT / "scenarios" / "ravi-tuesday.yaml").scenario)
    state, _ = play(rules, 7, make_policy("greedy", rules, 7))
    return state


def records_in(value: Any) -> Iterator[Record]:
    """Every record in a value, the value included, depth first."""
    if isinstance(value, Record):
        yield value
        for field in dataclasses.fields(value):
            yield from records_in(getattr(value, field.name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from records_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from records_in(item)


def test_a_default_factory_makes_a_fresh_value_for_each_record() -> None:
    found = {type(record): record for record in records_in(played_state())}
    assert {"State", "JobRun", "ModelRecord", "LogLine", "Production"} <= {
        cls.__name__ for cls in found
    }
    for cls, record in found.items():
        fields = dataclasses.fields(record)
        given = {f.name: getattr(record, f.name) for f in fields if not is_factory_default(f)}
        made, again = cls(**given), cls(**given)
        for field in fields:
            if is_factory_default(field):
                assert getattr(made, field.name) == field.default_factory()
                assert getattr(made, field.name) is not getattr(again, field.name)
            else:
                assert getattr(made, field.name) == getattr(record, field.name)


def test_a_played_state_copies_deep_copies_and_pickles_whole() -> None:
    state = played_state()
    digest = state_digest(state)
    for made in (copy.copy(state), copy.deepcopy(state), pickle.loads(pickle.dumps(state))):
        assert type(made) is State and made == state and state_digest(made) == digest
    deep = copy.deepcopy(state)
    assert deep.jobs.runs[0] is not state.jobs.runs[0]
    assert deep.jobs.runs[0].labels is not state.jobs.runs[0].labels
    shallow = copy.copy(state)
    assert shallow.jobs is state.jobs
    moved = dataclasses.replace(state.clock, tick=3)
    assert (moved.tick, moved.over) == (3, state.clock.over)
