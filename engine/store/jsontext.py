"""JSON text of stored values: orjson where it writes and reads what ``json`` would.

orjson is ten times faster than ``json``, but not the same everywhere: it
writes NaN and infinities as ``null`` and refuses integers beyond 64 bits,
and it reads integers beyond 64 bits as floats.  So a value goes through
orjson only when it is plain JSON that both read back alike (text keys,
finite numbers, nothing ``json`` would hand to a ``default``); anything else
takes ``json``, exactly as before.  Text written either way reads back the
same: stored rows of either kind stay readable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import orjson

#: a run of digits orjson might read as a float: an integer beyond 64 bits, say
_LONG_NUMBER = re.compile(r"\d{19}")


#: the types ``plain`` takes as they are, besides finite floats
_SCALARS = frozenset((str, int, bool, type(None)))


def plain(value: Any, floats: bool = True) -> bool:
    """Tell whether ``value`` is plain JSON: text keys, finite numbers, no other types.

    With ``floats`` false, a value holding any float is not plain either.
    """
    stack = [value]
    pop, push = stack.pop, stack.append
    scalars = _SCALARS
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            for key in item:
                if type(key) is not str:
                    return False
            children: Any = item.values()
        elif kind is list or kind is tuple:
            children = item
        elif kind in scalars:
            continue
        elif kind is float:
            if not floats or item - item != 0.0:  # inf - inf and NaN - NaN are NaN
                return False
            continue
        else:
            return False
        # Scalars are looked at here, containers on the stack.
        for child in children:
            kind = type(child)
            if kind in scalars:
                continue
            if kind is float:
                if not floats or child - child != 0.0:
                    return False
                continue
            push(child)
    return True


class _NotPlain(Exception):
    """A value ``plain`` would refuse, met while copying."""


#: how deep ``plain_copy`` goes before it leaves a value to ``json`` (orjson's limit: 255)
_COPY_DEPTH = 200


def plain_copy(value: Any) -> Any:
    """Return what reading back the JSON text of plain ``value`` gives, or raise ``ValueError``.

    For a value ``plain`` takes, ``loads(dumps(value))`` is a copy of it, new
    dicts and lists (a tuple read back is a list) around the same scalars: made
    here without writing and reading the text.  Anything else (or nested
    deeper than ``_COPY_DEPTH``) raises ``ValueError``.
    """
    try:
        return _copied(value, 0)
    except _NotPlain:
        raise ValueError("not plain JSON") from None


def _copied(value: Any, depth: int) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is float:
        if value - value != 0.0:  # inf - inf and NaN - NaN are NaN
            raise _NotPlain
        return value
    if depth >= _COPY_DEPTH:
        raise _NotPlain
    if kind is dict:
        copy = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            copy[key] = item if type(item) is str else _copied(item, depth + 1)
        return copy
    if kind is list or kind is tuple:
        return [item if type(item) is str else _copied(item, depth + 1) for item in value]
    raise _NotPlain


def fast_dumps(value: Any) -> str | None:
    """Return orjson's text of a plain ``value`` (see ``plain``), or None if it has none."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return None  # an integer beyond 64 bits


def dumps(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    """Return the compact JSON text of ``value``; ``default`` converts what JSON lacks."""
    if plain(value):
        try:
            return orjson.dumps(value).decode()
        except orjson.JSONEncodeError:
            pass  # an integer beyond 64 bits
    return json.dumps(value, default=default, ensure_ascii=False, separators=(",", ":"))


def canonical(value: Any) -> str:
    """Return ``value`` as ``json`` writes it with sorted keys, compact and unescaped.

    The text is hashed, so it must be exactly ``json``'s: orjson writes it
    only where the two agree to the byte (no floats, whose exponents they
    spell differently; no lone surrogates or integers beyond 64 bits, which
    orjson refuses).
    """
    if plain(value, floats=False):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
        except orjson.JSONEncodeError:
            pass
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_bytes(value: Any) -> bytes:
    """Return ``canonical(value)`` encoded in UTF-8 (what a hash is computed over).

    orjson writes bytes: they are hashed as they are, without a text between.
    """
    if plain(value, floats=False):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass
    return canonical(value).encode("utf-8")


def loads(text: str | bytes) -> Any:
    """Return the value of JSON text, as ``json.loads`` reads it."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")
    if len(text) < 19 or _LONG_NUMBER.search(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass  # NaN, infinities, lone surrogates: json reads them
    return json.loads(text)
