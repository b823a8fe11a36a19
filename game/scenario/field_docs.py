"""The descriptions of the scenario format's fields, read from the models' source.

Each field of a scenario model is documented by the string under it, where a reader of
the code finds it. Pydantic can read those strings itself (``use_attribute_docstrings``),
but it does so as each model is defined, parsing the source of every class at every
start of the program: about a quarter of the time to import the models. Only the JSON
Schema (``mlday schema``) shows them, so they are read here, when it is made.
"""

from __future__ import annotations

import ast
import functools
import inspect
import itertools
import textwrap

from pydantic import BaseModel


def field_docstrings(model: type[BaseModel]) -> dict[str, str]:
    """Each documented field of a model, by name: the string under the field, from the
    nearest class of the model's bases that documents it, cleaned as a docstring."""
    found: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if issubclass(cls, BaseModel) and cls.__module__.startswith("game."):
            found.update(_own_docstrings(cls))
    return found


@functools.cache
def _own_docstrings(cls: type) -> dict[str, str]:
    """The strings under the annotated fields the class itself defines."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):  # no source: an interactive session or a frozen program
        return {}
    definition = ast.parse(source).body[0]
    if not isinstance(definition, ast.ClassDef):
        return {}
    found: dict[str, str] = {}
    for statement, following in itertools.pairwise(definition.body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[statement.target.id] = inspect.cleandoc(following.value.value)
    return found


def scenario_models() -> dict[str, type[BaseModel]]:
    """Every model of the scenario format, by class name (as the JSON Schema names them)."""
    found: dict[str, type[BaseModel]] = {}
    waiting: list[type[BaseModel]] = [BaseModel]
    while waiting:
        for sub in waiting.pop().__subclasses__():
            waiting.append(sub)
            if sub.__module__.startswith("game.scenario."):
                found[sub.__name__] = sub
    return found
