"""Restricted evaluation of BPMN scripts and conditions.

Scripts are short expressions and statements over task data.  They may not
import, reach dunder attributes (the usual sandbox escape) or call anything
but the whitelisted builtins and helpers below; there is no ``open``,
``__import__``, ``eval`` or ``exec`` in their namespace.
"""

from __future__ import annotations

import ast
import builtins
import copy
import functools
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from .errors import ScriptError

_SAFE_BUILTIN_NAMES = (
    "abs",
    "all",
    "any",
    "bool",
    "dict",
    "divmod",
    "enumerate",
    "filter",
    "float",
    "frozenset",
    "int",
    "isinstance",
    "len",
    "list",
    "map",
    "max",
    "min",
    "range",
    "reversed",
    "round",
    "set",
    "sorted",
    "str",
    "sum",
    "tuple",
    "zip",
    "True",
    "False",
    "None",
)

SAFE_BUILTINS: dict[str, Any] = {name: getattr(builtins, name) for name in _SAFE_BUILTIN_NAMES}

_FORBIDDEN_NODES = (
    ast.Import,
    ast.ImportFrom,
    ast.Global,
    ast.Nonlocal,
    ast.ClassDef,
    ast.AsyncFunctionDef,
    ast.Await,
    ast.Yield,
    ast.YieldFrom,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.Raise,
    ast.Delete,
)


def _parse_date(value: str) -> date:
    return date.fromisoformat(value)


def _parse_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value)


#: helpers available to every script, besides the safe builtins.
HELPERS: dict[str, Callable[..., Any]] = {
    "parse_date": _parse_date,
    "parse_datetime": _parse_datetime,
    "timedelta": timedelta,
}


def check_source(source: str, mode: str) -> None:
    """Refuse ``source`` if it does not compile or uses a forbidden construct.

    ``mode`` is ``"eval"`` for conditions and ``"exec"`` for scripts.  Raises
    ``ScriptError`` with the line and the reason.
    """
    _checked(source, mode)


@functools.lru_cache(maxsize=1024)
def _checked(source: str, mode: str) -> Any:
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise ScriptError(f"does not compile: {exc.msg} (line {exc.lineno})") from None
    for node in ast.walk(tree):
        line = getattr(node, "lineno", "?")
        if isinstance(node, _FORBIDDEN_NODES):
            raise ScriptError(f"'{type(node).__name__}' is not allowed in scripts (line {line})")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise ScriptError(f"attribute '{node.attr}' is not allowed in scripts (line {line})")
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            raise ScriptError(f"name '{node.id}' is not allowed in scripts (line {line})")
    return compile(tree, "<bpmn script>", mode)


class RestrictedEnvironment(TaskDataEnvironment):
    """Task-data environment whose code is checked first and runs without builtins."""

    def __init__(self, helpers: Mapping[str, Callable[..., Any]] | None = None) -> None:
        super().__init__({**HELPERS, **(helpers or {})})

    def evaluate(
        self, expression: str, context: dict[str, Any], external_context: dict | None = None
    ) -> Any:
        """Evaluate a condition or expression over ``context``."""
        code = _checked(expression, "eval")
        namespace = {**self.globals, **(external_context or {}), **context}
        namespace["__builtins__"] = SAFE_BUILTINS
        return eval(code, namespace)

    def execute(
        self, script: str, context: dict[str, Any], external_context: dict | None = None
    ) -> bool:
        """Run a script task, updating ``context`` (the task data) in place."""
        code = _checked(script, "exec")
        self.check_for_overwrite(context, external_context or {})
        namespace = {**copy.copy(self.globals), **(external_context or {})}
        context.update(namespace)
        context["__builtins__"] = SAFE_BUILTINS
        try:
            exec(code, context)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True


def make_script_engine() -> PythonScriptEngine:
    """Build the script engine every workflow runs with: restricted scripts, gongkai's services."""
    from . import documents, services

    environment = RestrictedEnvironment({"draft_return_reasons": documents.draft_return_reasons})
    return services.ServiceScriptEngine(environment, services.registry())
