"""The part of FEEL (Camunda 8's expression language) the engine reads, as the JUEL it means.

Camunda 8 writes conditions, mappings, scripts and keys in FEEL (``=amount >
1000``).  A small recursive-descent parser reads the part real process models
use and writes the JUEL ``${...}`` meaning the same, which ``engine.juel``
then translates into checked Python, as it does Camunda 7's expressions:

- names and paths (``order.total``), numbers, strings with FEEL's escapes,
  ``true false null``, list literals ``[1, 2]``;
- comparisons (``=`` is equality), ``x between a and b``, ``x in [a, b]``,
  arithmetic, ``+`` joining strings, ``and or not(...)``, parentheses;
- ``if c then a else b``;
- the functions ``count sum string length upper case lower case contains
  starts with ends with list contains``, and ``is defined(x)`` of a variable
  (``engine.juel``'s ``FEEL_FUNCTIONS``).

Anything else raises ``FeelError`` naming the part not read.  Nothing of the
text is ever evaluated: only the Python the JUEL translator checks runs.
"""

from __future__ import annotations

import re

from .juel import FEEL_FUNCTIONS, IDENTIFIER

#: FEEL's functions read here, by their FEEL name, and the JUEL function each is
FUNCTIONS = {
    "count": "count",
    "sum": "sum",
    "string length": "length",
    "upper case": "upper",
    "lower case": "lower",
    "contains": "contains",
    "starts with": "startswith",
    "ends with": "endswith",
    "list contains": "listcontains",
    "is defined": "defined",
}
assert set(FUNCTIONS.values()) <= FEEL_FUNCTIONS.keys()
#: the longest FEEL expression read, in characters
MAX_FEEL_CHARS = 5_000
#: the deepest nesting read
MAX_FEEL_DEPTH = 40
#: FEEL's words that are no variable's name
_KEYWORDS = frozenset(
    {"and", "or", "not", "if", "then", "else", "between", "in", "true", "false", "null"}
    # FEEL's loops, quantifiers, functions and type tests, which are not read here
    | {"for", "return", "some", "every", "satisfies", "function", "instance", "of"}
)
#: words JUEL reads as operators: a variable so named would be misread, so it is refused
_JUEL_WORDS = frozenset({"eq", "ne", "lt", "gt", "le", "ge", "div", "mod", "empty", "instanceof"})
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>\d+(?:\.\d+)?|\.\d+)
      | (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op>!=|<=|>=|\.\.|\*\*|[=<>+\-*/().,\[\]{}:?])
    )""",
    re.VERBOSE,
)
#: FEEL's escapes in a string, and what each stands for
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "'": "'"}


class FeelError(ValueError):
    """A FEEL expression outside the subset read here; the message says what."""


def _tokens(text: str) -> list[tuple[str, str]]:
    """Return FEEL ``text`` as (kind, text) tokens, a function's name of several words as one."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while text[position:].strip():
        found = _TOKEN.match(text, position)
        if found is None or not found.lastgroup:
            rest = text[position:].strip()
            raise FeelError(f"{rest[:20]!r} is not read here")
        position = found.end()
        tokens.append((found.lastgroup, found.group(found.lastgroup)))
    joined: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        for words in (3, 2):
            part = tokens[i : i + words]
            if all(kind == "name" for kind, _ in part) and len(part) == words:
                name = " ".join(value for _, value in part)
                if name in FUNCTIONS or name in ("date and time", "get value"):
                    joined.append(("name", name))
                    i += words
                    break
        else:
            joined.append(tokens[i])
            i += 1
    return joined


def _string(literal: str) -> str:
    """Return the JUEL string literal of a FEEL one (FEEL's escapes read)."""
    out = []
    i = 1
    while i < len(literal) - 1:
        ch = literal[i]
        if ch == "\\":
            following = literal[i + 1]
            if following == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", literal[i + 2 : i + 6]):
                out.append(chr(int(literal[i + 2 : i + 6], 16)))
                i += 6
                continue
            if following not in _ESCAPES:
                raise FeelError(f"the escape \\{following} in a string is not read here")
            out.append(_ESCAPES[following])
            i += 2
            continue
        out.append(ch)
        i += 1
    text = "".join(out)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Parser:
    """Recursive descent over FEEL's grammar, writing fully parenthesized JUEL."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0
        self.depth = 0

    def peek(self, ahead: int = 0) -> tuple[str, str]:
        at = self.position + ahead
        return self.tokens[at] if at < len(self.tokens) else ("end", "")

    def at(self, *values: str) -> bool:
        kind, value = self.peek()
        return kind in ("op", "name") and value in values

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.position += 1
        return token

    def expect(self, value: str) -> None:
        if not self.at(value):
            raise FeelError(f"expected {value!r} {self.where()}")
        self.take()

    def where(self) -> str:
        kind, value = self.peek()
        return "at the end" if kind == "end" else f"before {value!r}"

    def expression(self) -> str:
        self.nested()
        if self.at("if"):
            self.take()
            condition = self.expression()
            self.expect("then")
            then = self.expression()
            self.expect("else")
            otherwise = self.expression()
            result = f"({condition} ? {then} : {otherwise})"
        else:
            result = self.disjunction()
        self.depth -= 1
        return result

    def disjunction(self) -> str:
        left = self.conjunction()
        while self.at("or"):
            self.take()
            left = f"({left} || {self.conjunction()})"
        return left

    def conjunction(self) -> str:
        left = self.equality()
        while self.at("and"):
            self.take()
            left = f"({left} && {self.equality()})"
        return left

    def equality(self) -> str:
        left = self.relation()
        while self.at("=", "!="):
            symbol = "==" if self.take()[1] == "=" else "!="
            left = f"({left} {symbol} {self.relation()})"
        return left

    def relation(self) -> str:
        left = self.additive()
        while True:
            if self.at("<", ">", "<=", ">="):
                symbol = self.take()[1]
                left = f"({left} {symbol} {self.additive()})"
            elif self.at("between"):
                self.take()
                low = self.additive()
                self.expect("and")
                high = self.additive()
                left = f"({left} >= {low} && {left} <= {high})"
            elif self.at("in"):
                self.take()
                if not self.at("["):
                    raise FeelError(f"'in' is read before a list [a, b] only, not {self.where()}")
                left = f"feel$listcontains({self.primary()}, {left})"
            else:
                return left

    def additive(self) -> str:
        left = self.multiplicative()
        while self.at("+", "-"):
            symbol = self.take()[1]
            left = f"({left} {symbol} {self.multiplicative()})"
        return left

    def multiplicative(self) -> str:
        left = self.unary()
        while self.at("*", "/"):
            symbol = self.take()[1]
            left = f"({left} {symbol} {self.unary()})"
        if self.at("**"):
            raise FeelError("'**' is not read here")
        return left

    def unary(self) -> str:
        if not self.at("-", "not"):
            return self.path()
        symbol = "-" if self.take()[1] == "-" else "!"
        self.nested()
        operand = self.unary()
        self.depth -= 1
        return f"({symbol}{operand})"

    def nested(self) -> None:
        """Count one level deeper, refusing what nests past ``MAX_FEEL_DEPTH``."""
        self.depth += 1
        if self.depth > MAX_FEEL_DEPTH:
            raise FeelError(f"it is nested too deeply (at most {MAX_FEEL_DEPTH} levels)")

    def path(self) -> str:
        result = self.primary()
        while self.at("."):
            self.take()
            kind, name = self.take()
            if kind != "name" or name in _KEYWORDS or name in _JUEL_WORDS:
                raise FeelError(f"expected a name after '.', not {name!r}")
            result = f"{result}.{_variable(name)}"
        if self.at("["):
            raise FeelError("a filter or index [...] after a value is not read here")
        return result

    def primary(self) -> str:
        kind, value = self.take()
        if kind == "number":
            return value
        if kind == "string":
            return _string(value)
        if kind == "op" and value == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if kind == "op" and value == "[":
            return f"feel$list({', '.join(self.listed(']', 'a list'))})"
        if kind == "name" and value in ("true", "false", "null"):
            return value
        if kind == "name" and self.at("("):
            return self.call(value)
        if kind == "name" and value not in _KEYWORDS:
            return _variable(value)
        if kind == "end":
            raise FeelError("it ends where a value was expected")
        raise FeelError(f"{value!r} is not read here")

    def listed(self, closing: str, what: str) -> list[str]:
        """Read the expressions separated by commas up to ``closing``, which is taken."""
        items = []
        while not self.at(closing):
            if self.peek()[0] == "end":
                raise FeelError(f"{what} is not closed")
            if self.peek(1) == ("op", ":"):
                raise FeelError(f"named arguments or contexts in {what} are not read here")
            items.append(self.expression())
            if not self.at(closing):
                self.expect(",")
        self.take()
        return items

    def call(self, name: str) -> str:
        self.take()
        arguments = self.listed(")", f"the call of {name}()")
        if name == "not" and len(arguments) == 1:
            return f"(!{arguments[0]})"
        if name not in FUNCTIONS:
            raise FeelError(f"the function {name}() is not read here")
        wanted = FEEL_FUNCTIONS[FUNCTIONS[name]][0]
        if len(arguments) != wanted:
            raise FeelError(f"{name}() takes {wanted} argument(s) here, not {len(arguments)}")
        if name == "is defined":
            # asked of a name (its text, not its value): the data's names hold it or not
            if not IDENTIFIER.match(arguments[0]) or arguments[0] in _KEYWORDS:
                raise FeelError("is defined() is read of a variable's name only, not of a path")
            return f'feel$defined("{arguments[0]}")'
        return f"feel${FUNCTIONS[name]}({', '.join(arguments)})"


def _variable(name: str) -> str:
    if name in _JUEL_WORDS or not IDENTIFIER.match(name):
        raise FeelError(f"the name {name!r} cannot be a variable here")
    return name


def feel_as_juel(source: str) -> str:
    """Return the JUEL ``${...}`` meaning the same as a FEEL expression ``=...``."""
    text = source.strip().removeprefix("=").strip()
    if not text:
        raise FeelError("it is empty")
    if len(text) > MAX_FEEL_CHARS:
        raise FeelError(f"it is too long ({len(text):,} characters; at most {MAX_FEEL_CHARS:,})")
    parser = _Parser(_tokens(text))
    juel = parser.expression()
    if parser.peek()[0] != "end":
        raise FeelError(f"{parser.peek()[1]!r} is not read here")
    return "${" + juel + "}"
