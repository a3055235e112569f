"""What a task tells whoever does it: its instructions, filled in from the task's data.

SpiffWorkflow's modelers (spiff-arena) write them in ``instructionsForEndUser``,
Markdown with Jinja placeholders (``Approve the order of {{ customer }}?``);
other modelers in the task's ``documentation`` (Camunda's task list shows it
as the task's description).  A file's template is not run as Jinja: a small
reading of it fills in what instructions use and nothing more, so that no file
can make a page do work (a loop of a billion) or read beyond the task's data:

- ``{{ name }}``, ``{{ order.total }}``, ``{{ items[0] }}``, ``{{ a['b'] }}``:
  that value of the data (text as it is, anything else as JSON), or nothing
  when the data hold none; a filter (``| upper``) is not applied;
- ``{% if name %}…{% elif other %}…{% else %}…{% endif %}``, also with
  ``not``: the part whose value is there and true;
- ``{% for item in items %}…{% endfor %}``: the part once for each of the
  first ``MAX_ITEMS`` items, ``item`` naming it;
- any other tag, and ``{# comments #}``, are left out.

What comes out is text, at most ``MAX_LENGTH`` characters, read in at most
``MAX_STEPS`` pieces however the loops nest; the page escapes it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from SpiffWorkflow.task import Task

from .extensions import HEADER_PROPERTY_PREFIX

#: the most characters of instructions read, and shown
MAX_LENGTH = 20_000
#: the most items of a list a ``for`` goes through
MAX_ITEMS = 100
#: the most pieces (text, values, tags) a filling-in reads, loops and all
MAX_STEPS = 100_000

_TOKEN = re.compile(r"\{\{(.*?)\}\}|\{%-?(.*?)-?%\}|\{#.*?#\}", re.S)
_PATH = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[\s*(?:\d+|'[^']*'|\"[^\"]*\")\s*\])*")
_STEP = re.compile(r"\.([A-Za-z_]\w*)|\[\s*(\d+)\s*\]|\[\s*'([^']*)'\s*\]|\[\s*\"([^\"]*)\"\s*\]")
_FOR = re.compile(r"for\s+([A-Za-z_]\w*)\s+in\s+(.+)")
_MISSING = object()


def task_instructions(task: Task) -> str | None:
    """Return the instructions of a task for whoever does it, filled in, or None."""
    spec = task.task_spec
    extensions = getattr(spec, "extensions", None) or {}
    text = extensions.get("instructionsForEndUser") or getattr(spec, "documentation", None)
    if not isinstance(text, str) or not text.strip():
        return None
    return fill_in(text, task.data)


def task_headers(task: Task) -> tuple[tuple[str, str], ...]:
    """Return the headers a task's BPMN gives whoever does it, as (key, text), in order."""
    extensions = getattr(task.task_spec, "extensions", None) or {}
    properties = extensions.get("properties") or {}
    return tuple(
        (name.removeprefix(HEADER_PROPERTY_PREFIX), str(value))
        for name, value in properties.items()
        if name.startswith(HEADER_PROPERTY_PREFIX)
    )


def fill_in(template: str, data: Mapping[str, Any]) -> str:
    """Return ``template`` filled in from ``data`` (see the module's words)."""
    tokens = _tokens(template[:MAX_LENGTH])
    filling = _Filling(tokens)
    filling.render(0, len(tokens), data)
    return "".join(filling.out.parts)[:MAX_LENGTH].strip()


class _Scope(Mapping[str, Any]):
    """The data with a loop's name bound to its item (no copy of the data for each item)."""

    def __init__(self, name: str, item: Any, outer: Mapping[str, Any]) -> None:
        self.name, self.item, self.outer = name, item, outer

    def __getitem__(self, key: str) -> Any:
        return self.item if key == self.name else self.outer[key]

    def __iter__(self) -> Iterator[str]:
        yield self.name
        yield from (k for k in self.outer if k != self.name)

    def __len__(self) -> int:
        return len(self.outer) + (self.name not in self.outer)


class _Out:
    """What a filling-in has written, and how much work it has left."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.steps = 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def step(self) -> bool:
        """Count one more piece read; tell whether the filling-in may go on."""
        self.steps += 1
        return self.length <= MAX_LENGTH and self.steps <= MAX_STEPS


def _tokens(text: str) -> list[tuple[str, str]]:
    """Split a template into ("text" | "value" | "tag", content) tokens."""
    tokens: list[tuple[str, str]] = []
    last = 0
    for match in _TOKEN.finditer(text):
        tokens.append(("text", text[last : match.start()]))
        if match.group(1) is not None:
            tokens.append(("value", match.group(1).strip()))
        elif match.group(2) is not None:
            tokens.append(("tag", " ".join(match.group(2).split())))
        last = match.end()
    tokens.append(("text", text[last:]))
    return tokens


def _end_of(tokens: list[tuple[str, str]], start: int, stop: int) -> int:
    """Return the index of the tag closing the block opened just before ``start``."""
    depth = 0
    for i in range(start, stop):
        kind, content = tokens[i]
        if kind != "tag":
            continue
        word = content.split(" ", 1)[0]
        if word in ("if", "for"):
            depth += 1
        elif word in ("endif", "endfor"):
            if depth == 0:
                return i
            depth -= 1
    return stop  # never closed: the block runs to the end


class _Filling:
    """One filling-in of a template's tokens: what it has written, and its work left."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.out = _Out()

    def render(self, start: int, stop: int, data: Mapping[str, Any]) -> None:
        """Render ``tokens[start:stop]`` over ``data``."""
        tokens, out = self.tokens, self.out
        i = start
        while i < stop and out.step():
            kind, content = tokens[i]
            if kind == "text":
                out.write(content)
            elif kind == "value":
                out.write(_shown(_value(content, data)))
            elif content.startswith(("if ", "for ")):
                end = _end_of(tokens, i + 1, stop)
                if content.startswith("if "):
                    self.render_if(i, end, data)
                else:
                    self.render_for(i, end, data)
                i = end
            i += 1

    def render_if(self, start: int, end: int, data: Mapping[str, Any]) -> None:
        """Render the branch of an ``if`` block (``tokens[start]``) whose condition holds."""
        tokens = self.tokens
        branches: list[tuple[str | None, int]] = [(tokens[start][1][3:], start + 1)]
        depth = 0
        for i in range(start + 1, end):
            kind, content = tokens[i]
            word = content.split(" ", 1)[0] if kind == "tag" else ""
            if word in ("if", "for"):
                depth += 1
            elif word in ("endif", "endfor"):
                depth -= 1
            elif depth == 0 and word == "elif":
                branches.append((content[5:], i + 1))
            elif depth == 0 and word == "else":
                branches.append((None, i + 1))
        bounds = [b for _, b in branches[1:]] + [end + 1]
        for (condition, first), after in zip(branches, bounds, strict=True):
            if condition is None or _holds(condition, data):
                self.render(first, after - 1, data)
                return

    def render_for(self, start: int, end: int, data: Mapping[str, Any]) -> None:
        """Render a ``for`` block's body once for each item of its list (the first few)."""
        loop = _FOR.fullmatch(self.tokens[start][1])
        items = _value(loop.group(2), data) if loop else _MISSING
        if loop is None or not isinstance(items, list | tuple):
            return
        for item in items[:MAX_ITEMS]:
            if not self.out.step():
                return
            self.render(start + 1, end, _Scope(loop.group(1), item, data))


def _holds(condition: str, data: Mapping[str, Any]) -> bool:
    """Tell whether ``name`` (or ``not name``) holds: its value is there and true."""
    words = condition.split()
    negated = bool(words) and words[0] == "not"
    value = _value(" ".join(words[1:] if negated else words), data)
    present = value is not _MISSING and bool(value)
    return present != negated


def _value(path: str, data: Mapping[str, Any]) -> Any:
    """Return the value a placeholder names in ``data``, or ``_MISSING``."""
    path = path.split("|", 1)[0].strip()  # a Jinja filter is not run
    if not _PATH.fullmatch(path):
        return _MISSING
    head = re.match(r"[A-Za-z_]\w*", path)
    assert head is not None
    value: Any = data.get(head.group(0), _MISSING)
    for step in _STEP.finditer(path, head.end()):
        attribute, index, single, double = step.groups()
        if index is not None:
            if not isinstance(value, list | tuple) or int(index) >= len(value):
                return _MISSING
            value = value[int(index)]
            continue
        key = attribute if attribute is not None else single if single is not None else double
        if not isinstance(value, Mapping):
            return _MISSING
        value = value.get(key, _MISSING)
    return value


def _shown(value: Any) -> str:
    """Return how a value reads in the instructions."""
    if value is _MISSING or value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:  # a value that holds itself
        return ""
