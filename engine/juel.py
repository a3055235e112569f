"""JUEL, the expression language of Camunda 7's files, translated into Python once.

A small tokenizer and translator cover the JUEL that process models use
(names, ``a.b``, ``a[i]``, literals, comparisons in both spellings, ``&& ||
!``, ``and or not``, ``empty``, arithmetic, ``?:``, and the FEEL
functions and list literals ``engine.feel`` writes as ``feel$name(...)``) and refuse the rest with
a ``JuelError`` that says why.  The original is never evaluated, and the
Python it gives is checked against an allowlist of syntax nodes, so that no
input can make it call, import or reach an attribute.
"""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: Camunda's process variables about multi-instance activities, which SpiffWorkflow lacks
CAMUNDA_VARIABLES = frozenset(
    {
        "execution",
        "task",
        "nrOfInstances",
        "nrOfActiveInstances",
        "nrOfCompletedInstances",
        "loopCounter",
        "authenticatedUserId",
    }
)
#: the instance counts BPMN gives a multi-instance activity's completion condition
#: (``engine.loops`` sets them when it is evaluated, as Camunda, Activiti and Flowable do)
LOOP_COUNTS = frozenset({"nrOfInstances", "nrOfActiveInstances", "nrOfCompletedInstances"})
IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
#: FEEL's functions as ``engine.feel`` writes them (``feel$count(l)``, a name no variable
#: has): how many arguments each takes and the Python it is
FEEL_FUNCTIONS: dict[str, tuple[int, str]] = {
    "count": (1, "len({0})"),
    "length": (1, "len({0})"),
    "sum": (1, "sum({0})"),
    "upper": (1, "({0}).upper()"),
    "lower": (1, "({0}).lower()"),
    "contains": (2, "({1} in {0})"),
    "startswith": (2, "({0}).startswith({1})"),
    "endswith": (2, "({0}).endswith({1})"),
    "listcontains": (2, "({1} in {0})"),
    "list": (-1, ""),  # a FEEL list literal [a, b] (JUEL writes none)
    # is defined(x): whether the data hold x, as the script environment gives their names
    "defined": (1, "({0} in feel_defined_names)"),
}
#: the names of the data an expression runs over, where it reads this name
#: (``engine.scripting``): a FEEL ``is defined(x)`` asks it
DEFINED_NAMES = "feel_defined_names"
#: the builtins and string methods FEEL's functions call, and nothing else may
_FEEL_CALLS = frozenset({"len", "sum"})
_FEEL_METHODS = frozenset({"upper", "lower", "startswith", "endswith"})
#: what marks a FEEL function's name
FEEL_PREFIX = "feel$"


class JuelError(ValueError):
    """A JUEL expression that is not in the translated subset; the message says why."""


#: JUEL's word operators and literals
_WORDS = {
    "and": "&&",
    "or": "||",
    "not": "!",
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
    "le": "<=",
    "ge": ">=",
    "div": "/",
    "mod": "%",
}
_LITERALS = {"true": True, "false": False, "null": None}
_UNSUPPORTED_WORDS = {"instanceof": "'instanceof'"}
_SYMBOLS = (
    "==",
    "!=",
    "<=",
    ">=",
    "&&",
    "||",
    "->",
    "+=",
    "<",
    ">",
    "!",
    "(",
    ")",
    "[",
    "]",
    ".",
    "?",
    ":",
    "+",
    "-",
    "*",
    "/",
    "%",
    ",",
    ";",
    "=",
    "{",
    "}",
)
_NUMBER = re.compile(r"(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
#: the deepest nesting of a JUEL expression translated
MAX_JUEL_DEPTH = 40
#: the longest JUEL expression translated, in characters
MAX_JUEL_CHARS = 5_000


@dataclass(frozen=True)
class Token:
    """One JUEL token: its kind (``name``, ``number``, ``string``, ``op``, ``end``) and value."""

    kind: str
    value: Any
    position: int


def tokenize(text: str, start: int = 0) -> Iterator[Token]:
    """Yield the tokens of JUEL ``text`` from ``start``, up to the ``}`` that closes it."""
    i = start
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "'\"":
            text_value, i = _string(text, i)
            yield Token("string", text_value, i)
            continue
        number = _NUMBER.match(text, i)
        if number:
            literal = number.group(0)
            if len(literal) > 30:
                raise JuelError("has a number longer than 30 characters")
            value: Any = float(literal) if any(c in literal for c in ".eE") else int(literal)
            yield Token("number", value, i)
            i = number.end()
            continue
        name = _NAME.match(text, i)
        if name:
            yield Token("name", name.group(0), i)
            i = name.end()
            continue
        for symbol in _SYMBOLS:
            if text.startswith(symbol, i):
                yield Token("op", symbol, i)
                i += len(symbol)
                break
        else:
            raise JuelError(f"unexpected character {ch!r}")
    yield Token("end", None, i)


def _string(text: str, i: int) -> tuple[str, int]:
    quote, i, out = text[i], i + 1, []
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "'\"\\":
            out.append(text[i + 1])
            i += 2
        elif ch == quote:
            return "".join(out), i + 1
        else:
            out.append(ch)
            i += 1
    raise JuelError("a string is not closed")


class _Translator:
    """Recursive descent over JUEL's grammar, emitting fully parenthesized Python."""

    def __init__(self, tokens: Iterator[Token], allowed: frozenset[str] = frozenset()) -> None:
        self.tokens = tokens
        self.allowed = allowed
        self.current = next(tokens)
        self.depth = 0
        self.names: set[str] = set()

    def advance(self) -> Token:
        token = self.current
        if token.kind != "end" and not (token.kind == "op" and token.value == "}"):
            self.current = next(self.tokens)
        return token

    def op(self) -> str | None:
        """Return the current token as an operator (a word operator normalized), if it is one."""
        token = self.current
        if token.kind == "op":
            return str(token.value)
        if token.kind == "name" and token.value in _WORDS:
            return _WORDS[token.value]
        if token.kind == "name" and token.value == "empty":
            return "empty"
        return None

    def expect(self, symbol: str) -> None:
        if self.op() != symbol:
            raise JuelError(f"expected '{symbol}' {self.where()}")
        self.advance()

    def where(self) -> str:
        token = self.current
        if token.kind == "end":
            return "at the end"
        return f"before {token.value!r}" if token.kind != "string" else "before a string"

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_JUEL_DEPTH:
            raise JuelError(f"is nested too deeply (at most {MAX_JUEL_DEPTH} levels)")

    def expression(self) -> str:
        self.nested()
        condition = self.binary(0)
        if self.op() == "?":
            self.advance()
            then = self.expression()
            self.expect(":")
            otherwise = self.expression()
            condition = f"({then} if {condition} else {otherwise})"
        self.depth -= 1
        return condition

    _LEVELS: tuple[dict[str, str], ...] = (
        {"||": "or"},
        {"&&": "and"},
        {"==": "==", "!=": "!="},
        {"<": "<", ">": ">", "<=": "<=", ">=": ">="},
        {"+": "+", "-": "-"},
        {"*": "*", "/": "/", "%": "%"},
    )

    def binary(self, level: int) -> str:
        if level == len(self._LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while (symbol := self.op()) in self._LEVELS[level]:
            self.advance()
            right = self.binary(level + 1)
            left = f"({left} {self._LEVELS[level][str(symbol)]} {right})"
        return left

    def unary(self) -> str:
        symbol = self.op()
        if symbol in ("!", "-", "empty"):
            self.advance()
            self.nested()
            operand = self.unary()
            self.depth -= 1
            if symbol == "!":
                return f"(not {operand})"
            if symbol == "-":
                return f"(-{operand})"
            return f"({operand} in (None, '', [], {{}}, ()))"
        return self.value()

    def value(self) -> str:
        result = self.primary()
        while True:
            symbol = self.op()
            if symbol == ".":
                self.advance()
                token = self.advance()
                if token.kind != "name":
                    raise JuelError(f"expected a property name after '.' {self.where()}")
                result = f"{result}[{_name(token.value)!r}]"
            elif symbol == "[":
                self.advance()
                index = self.expression()
                self.expect("]")
                result = f"{result}[{index}]"
            elif symbol == "(":
                raise JuelError(
                    "calls a method or function, which the engine does not run (write it "
                    "with the process's variables, literals and operators, as ${age >= 21})"
                )
            else:
                return result

    def primary(self) -> str:
        token = self.current
        symbol = self.op()
        if symbol == "(":
            self.advance()
            inner = self.expression()
            self.expect(")")
            return inner
        if token.kind == "name" and str(token.value).startswith(FEEL_PREFIX):
            return self.feel_call(str(token.value))
        if token.kind == "number":
            self.advance()
            return repr(token.value)
        if token.kind == "string":
            self.advance()
            return repr(token.value)
        if token.kind == "name" and token.value in _LITERALS:
            self.advance()
            return repr(_LITERALS[token.value])
        if token.kind == "name" and token.value not in _WORDS and token.value != "empty":
            self.advance()
            if token.value in _UNSUPPORTED_WORDS:
                raise JuelError(f"uses {_UNSUPPORTED_WORDS[token.value]}, which is not supported")
            name = _name(token.value)
            if name in CAMUNDA_VARIABLES and name not in self.allowed:
                raise JuelError(f"uses '{name}', which is Camunda's own (Java) object or variable")
            self.names.add(name)
            return name
        if token.kind == "end":
            raise JuelError("ends where a value was expected")
        raise JuelError(f"has {token.value!r} where a value was expected")

    def listed(self, closing: str) -> list[str]:
        """Translate the expressions separated by commas up to ``closing``, which is taken."""
        items = []
        while self.op() != closing:
            items.append(self.expression())
            if self.op() != closing:
                self.expect(",")
        self.advance()
        return items

    def feel_call(self, name: str) -> str:
        """Translate a FEEL function ``engine.feel`` wrote (``feel$count(l)``)."""
        self.advance()
        function = FEEL_FUNCTIONS.get(name.removeprefix(FEEL_PREFIX))
        if function is None:
            raise JuelError(f"uses the name {name!r}, which cannot be a variable here")
        self.expect("(")
        arguments = self.listed(")")
        if name == FEEL_PREFIX + "defined":
            self.names.add(DEFINED_NAMES)
        if function[0] < 0:  # a list literal's items, as many as it has
            return "[" + ", ".join(arguments) + "]"
        if len(arguments) != function[0]:
            raise JuelError(f"gives {name}() {len(arguments)} arguments, not {function[0]}")
        return function[1].format(*arguments)


def _name(value: str) -> str:
    if not IDENTIFIER.match(value) or keyword.iskeyword(value) or keyword.issoftkeyword(value):
        raise JuelError(f"uses the name {value!r}, which cannot be a variable here")
    return value


@dataclass(frozen=True)
class Translated:
    """A JUEL expression or template translated into a Python expression."""

    python: str
    names: frozenset[str]


OPENERS = ("${", "#{")


def translate_juel(text: str, allowed: frozenset[str] = frozenset()) -> Translated:
    """Translate one JUEL expression ``${...}`` (nothing around it) into Python.

    ``allowed`` names Camunda's own variables it may read (``LOOP_COUNTS``).
    Raises ``JuelError`` for anything outside the translated subset.
    """
    source = text.strip()
    if len(source) > MAX_JUEL_CHARS:
        raise JuelError(f"is too long ({len(source):,} characters; at most {MAX_JUEL_CHARS:,})")
    if not source.startswith(OPENERS):
        raise JuelError("is not a JUEL expression ${...}")
    python, names, end = _one(source, 2, allowed)
    if source[end:].strip():
        raise JuelError("has text after the closing '}' (only one ${...} is allowed here)")
    return _checked(python, names, template=False)


def translate_template(text: str) -> Translated:
    """Translate text with JUEL ``${...}`` parts (a composite expression) into Python.

    Plain text becomes a string literal; ``"Invoice ${no}"`` becomes
    ``'Invoice ' + str(no)``; a lone ``${x}`` keeps its value's type.
    """
    if len(text) > MAX_JUEL_CHARS:
        raise JuelError(f"is too long ({len(text):,} characters; at most {MAX_JUEL_CHARS:,})")
    parts: list[str] = []
    names: set[str] = set()
    i = 0
    while i < len(text):
        opener = min((p for p in (text.find(o, i) for o in OPENERS) if p >= 0), default=len(text))
        if opener > i:
            parts.append(repr(text[i:opener]))
        if opener == len(text):
            break
        python, used, i = _one(text, opener + 2)
        names |= used
        parts.append(python)
    if not parts:
        return Translated(repr(""), frozenset())
    if len(parts) == 1:
        return _checked(parts[0], names, template=False)
    joined = " + ".join(p if p.startswith(("'", '"')) else f"str({p})" for p in parts)
    return _checked(joined, names, template=True)


def _one(text: str, start: int, allowed: frozenset[str] = frozenset()) -> tuple[str, set[str], int]:
    """Translate the JUEL expression starting at ``start`` (after ``${``); return its end."""
    translator = _Translator(tokenize(text, start), allowed)
    if translator.current.kind == "op" and translator.current.value == "}":
        raise JuelError("is empty")
    python = translator.expression()
    closing = translator.current
    if not (closing.kind == "op" and closing.value == "}"):
        if closing.kind == "end":
            raise JuelError("is not closed with '}'")
        raise JuelError(f"has {closing.value!r} where the expression should end")
    return python, translator.names, closing.position + 1


#: the Python the translator may emit: nothing that calls, imports or reaches attributes
_ALLOWED_NODES = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.Mod,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.Gt,
    ast.LtE,
    ast.GtE,
    ast.In,
    ast.IfExp,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Subscript,
    ast.Tuple,
    ast.List,
    ast.Dict,
)


def _checked(python: str, names: set[str], template: bool) -> Translated:
    """Make sure the translation is Python of the subset, whatever the input was."""
    tree = ast.parse(python, mode="eval")
    called = set()  # a FEEL function's builtin or string method, which it may call
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and not node.keywords:
            function = node.func
            if (isinstance(function, ast.Name) and function.id in _FEEL_CALLS) or (
                isinstance(function, ast.Attribute) and function.attr in _FEEL_METHODS
            ):
                called.add(id(function))
    for node in ast.walk(tree):
        if id(node) in called or (isinstance(node, ast.Call) and id(node.func) in called):
            continue
        is_str_call = (
            template
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "str"
            and len(node.args) == 1
            and not node.keywords
        )
        if not (isinstance(node, _ALLOWED_NODES) or is_str_call):
            raise JuelError(f"cannot be translated ({type(node).__name__})")  # pragma: no cover
        if (
            isinstance(node, ast.Name)
            and node.id not in names
            and not (template and node.id == "str")
        ):
            raise JuelError(f"cannot be translated (name {node.id})")  # pragma: no cover
    return Translated(python, frozenset(names))
