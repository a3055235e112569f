"""The policy BPMN scripts and conditions run under: what compiles, what they may touch.

Scripts and conditions come from BPMN files, which are untrusted input.  They
are compiled by RestrictedPython, whose policy refuses names and attributes
beginning with ``_`` and the frame, generator and code attributes (the usual
sandbox escapes), and they run with a whitelist of builtins and registered
helpers and with guards that allow attribute access only on plain data (no
``str.format`` attribute walking, no frames, functions or classes).  Both the
deploy-time check and the sandbox's worker processes use this module.
"""

from __future__ import annotations

import ast
import builtins
import functools
import operator
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from RestrictedPython.compile import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
)
from RestrictedPython.PrintCollector import PrintCollector

#: the longest script or expression accepted, in characters.
MAX_SOURCE_CHARS = 20_000
#: the deepest nesting of expressions and statements accepted.
MAX_NESTING = 100

_SAFE_BUILTIN_NAMES = (
    "abs",
    "all",
    "any",
    "bool",
    "chr",
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
    "ord",
    "range",
    "repr",
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
    "ArithmeticError",
    "Exception",
    "IndexError",
    "KeyError",
    "LookupError",
    "TypeError",
    "ValueError",
    "ZeroDivisionError",
)

SAFE_BUILTINS: dict[str, Any] = {name: getattr(builtins, name) for name in _SAFE_BUILTIN_NAMES}

#: names of Python builtins a process may well use for its own data: a script may read
#: them (as data), though the builtins themselves are not provided.
_DATA_LIKE_NAMES = frozenset(
    {"id", "type", "input", "format", "hash", "object", "property", "next", "iter", "bytes"}
)
#: builtins a script does not have (and that are no data names): refused at deployment,
#: so that a script fails when it is deployed rather than when it runs.
_DENIED_NAMES = (
    frozenset(name for name in dir(builtins) if not name.startswith("_"))
    - frozenset(_SAFE_BUILTIN_NAMES)
    - _DATA_LIKE_NAMES
    - {"print"}  # RestrictedPython turns print() into a harmless collector
)

#: constructs a script may not use, in Python's own words.
_FORBIDDEN: dict[type[ast.AST], str] = {
    ast.Import: "import",
    ast.ImportFrom: "import",
    ast.Global: "global",
    ast.Nonlocal: "nonlocal",
    ast.ClassDef: "class definitions",
    ast.AsyncFunctionDef: "async functions",
    ast.AsyncFor: "async for",
    ast.AsyncWith: "async with",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield from",
    ast.With: "with",
}

#: types whose (public) attributes a script may read: plain data only.
ATTRIBUTE_TYPES = frozenset(
    {str, int, float, bool, complex, list, tuple, dict, set, frozenset}
    | {date, datetime, time, timedelta, Decimal}
)

#: attributes refused even on plain data: attribute walking through format
#: strings, and the wall clock (time comes from the engine clock, so that a
#: history replays exactly).
_DENIED_ATTRIBUTES = frozenset(
    {"format", "format_map", "now", "today", "utcnow", "fromtimestamp", "utcfromtimestamp"}
)


class ScriptPolicyError(Exception):
    """A script tried something the sandbox does not allow."""


class ScriptRefused(ValueError):
    """A script or condition is refused at deployment; the message says why (in English)."""


def check_source(source: str, mode: str) -> None:
    """Refuse ``source`` if it does not compile or uses a forbidden construct.

    ``mode`` is ``"eval"`` for conditions and expressions and ``"exec"`` for
    scripts.  Raises ``ScriptRefused`` with the line and the reason.
    """
    compiled(source, mode)


def names_used(source: str, mode: str) -> frozenset[str]:
    """Return the names ``source`` reads (checking it first), to pass it only those."""
    return compiled(source, mode)[1]


def check_length(source: str) -> None:
    """Refuse ``source`` longer than ``MAX_SOURCE_CHARS``."""
    if len(source) > MAX_SOURCE_CHARS:
        raise ScriptRefused(
            f"is too long ({len(source):,} characters; at most {MAX_SOURCE_CHARS:,})"
        )


@functools.lru_cache(maxsize=2048)
def compiled(source: str, mode: str) -> tuple[Any, frozenset[str]]:
    """Return the restricted code object of ``source`` and the names it reads."""
    if mode not in ("eval", "exec"):
        raise ValueError(f"mode must be 'eval' or 'exec', not {mode!r}")
    check_length(source)
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise ScriptRefused(f"does not compile: {exc.msg} (line {exc.lineno})") from None
    except (MemoryError, RecursionError):
        raise ScriptRefused(f"is nested too deeply (at most {MAX_NESTING} levels)") from None
    _check_tree(tree, mode)
    compile_ = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        result = compile_(source, "<bpmn script>")
    except (MemoryError, RecursionError):
        raise ScriptRefused(f"is nested too deeply (at most {MAX_NESTING} levels)") from None
    if result.errors:
        raise ScriptRefused(
            "is not allowed in scripts: " + "; ".join(map(_reworded, result.errors))
        )
    return result.code, frozenset(result.used_names) | _names_changed_in_place(tree)


def _names_changed_in_place(tree: ast.AST) -> frozenset[str]:
    """Return the names a script deletes (``del x``) or changes in place (``x += 1``).

    Both need the name's current value, but RestrictedPython counts only the
    names a script loads as used: without these the value would not reach
    the sandbox and the script would fail as if the name were not defined.
    """
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


def _reworded(error: str) -> str:
    """Turn RestrictedPython's ``Line 3: reason`` into ``reason (line 3)``."""
    line, sep, reason = error.partition(": ")
    return f"{reason} ({line.lower()})" if sep and line.startswith("Line ") else error


def _check_tree(tree: ast.AST, mode: str) -> None:
    """Refuse what RestrictedPython lets through but a BPMN script has no use for."""
    stored: set[str] = set()
    loaded: list[ast.Name] = []
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            raise ScriptRefused(f"is nested too deeply (at most {MAX_NESTING} levels)")
        line = getattr(node, "lineno", "?")
        if type(node) in _FORBIDDEN:
            raise ScriptRefused(
                f"'{_FORBIDDEN[type(node)]}' is not allowed in scripts (line {line})"
            )
        if isinstance(node, ast.NamedExpr) and mode == "eval":
            raise ScriptRefused(
                f"':=' is not allowed in conditions: a condition only tests (line {line})"
            )
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                loaded.append(node)
            else:
                stored.add(node.id)
        elif isinstance(node, ast.arg):
            stored.add(node.arg)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    for name in loaded:
        if name.id in _DENIED_NAMES and name.id not in stored:
            raise ScriptRefused(f"'{name.id}' is not available in scripts (line {name.lineno})")


def guarded_getattr(obj: Any, name: str) -> Any:
    """Read a public attribute of plain data; refuse everything else."""
    if not isinstance(name, str) or name.startswith("_"):
        raise ScriptPolicyError(f"attribute '{name}' is not allowed in scripts")
    kind = type(obj)
    if kind not in ATTRIBUTE_TYPES:
        raise ScriptPolicyError(
            f"attributes of {kind.__name__} values are not available in scripts ('{name}')"
        )
    if name in _DENIED_ATTRIBUTES:
        raise ScriptPolicyError(f"'{kind.__name__}.{name}' is not available in scripts")
    return getattr(obj, name)


def _getitem(obj: Any, key: Any) -> Any:
    return obj[key]


def _apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": operator.ipow,
    "<<=": operator.ilshift,
    ">>=": operator.irshift,
    "&=": operator.iand,
    "|=": operator.ior,
    "^=": operator.ixor,
}


def _inplace(op: str, target: Any, value: Any) -> Any:
    return _INPLACE[op](target, value)


class _SilentPrint(PrintCollector):
    """``print`` in a script is harmless and goes nowhere."""


def restricted_globals(helpers: Mapping[str, Any]) -> dict[str, Any]:
    """Return the globals every script runs with: safe builtins, guards, helpers."""
    return {
        "__builtins__": SAFE_BUILTINS,
        "__name__": "bpmn_script",
        "_getattr_": guarded_getattr,
        "_getitem_": _getitem,
        "_getiter_": iter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard,
        "_inplacevar_": _inplace,
        "_apply_": _apply,
        "_print_": _SilentPrint,
        **helpers,
    }


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


#: the comparisons a plain condition may make
_PLAIN_COMPARISONS = (
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
)
#: constants a plain condition may name: short ones (a long one is a script's business)
_PLAIN_CONSTANT_CHARS = 200


def _is_plain(node: ast.AST) -> bool:
    if isinstance(node, ast.Expression):
        return _is_plain(node.body)
    if isinstance(node, ast.BoolOp):
        return all(_is_plain(v) for v in node.values)
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, ast.Not) and _is_plain(node.operand)
    if isinstance(node, ast.Compare):
        return all(isinstance(op, _PLAIN_COMPARISONS) for op in node.ops) and all(
            _is_plain(v) for v in (node.left, *node.comparators)
        )
    if isinstance(node, ast.Name):
        return isinstance(node.ctx, ast.Load) and not node.id.startswith("_")
    if isinstance(node, ast.Constant):
        value = node.value
        return (
            value is None
            or isinstance(value, bool | int | float)
            or (isinstance(value, str) and len(value) <= _PLAIN_CONSTANT_CHARS)
        )
    if isinstance(node, ast.Tuple | ast.List):
        return (
            len(node.elts) <= 50
            and all(isinstance(e, ast.Constant) for e in node.elts)
            and all(_is_plain(e) for e in node.elts)
        )
    if isinstance(node, ast.Subscript):
        key = node.slice
        return (
            isinstance(node.value, ast.Name | ast.Subscript)
            and _is_plain(node.value)
            and isinstance(key, ast.Constant)
            and isinstance(key.value, str | int)
            and not isinstance(key.value, bool)
        )
    return False


@functools.lru_cache(maxsize=2048)
def plain_condition(source: str) -> Any | None:
    """Return ``source`` compiled if it is a plain condition, else None.

    A plain condition only reads names, constants and items by constant keys,
    compares them and joins the answers with ``and``, ``or`` and ``not``: it
    calls nothing, loops over nothing and computes nothing, so its cost is
    bounded by the data it compares.  Such a condition (``decision ==
    "send_back"``, ``clock["paused"] is True``) needs no sandbox.
    """
    try:
        names_used(source, "eval")  # refused expressions are the sandbox's to report
        tree = ast.parse(source, mode="eval")
    except (ScriptRefused, SyntaxError, MemoryError, RecursionError):
        return None
    if not _is_plain(tree):
        return None
    return compile(tree, "<bpmn condition>", "eval")
