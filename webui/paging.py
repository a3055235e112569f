"""Links between the pages of a list read a bounded page at a time (keyset cursors)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request, url_for

from engine.access import is_id

#: the most digits a row id has (``engine.access.MAX_ID`` is 2**31 - 1)
_ID_DIGITS = 10


def next_url(endpoint: str, args: Mapping[str, Any], key: str, cursor: object) -> str | None:
    """Return the address of the page after ``cursor``, with the same ``args``; None on the last."""
    return url_for(endpoint, **{**args, key: cursor}) if cursor else None


def first_url(endpoint: str, args: Mapping[str, Any], key: str) -> str | None:
    """Return the address of the first page when this page is a later one, else None."""
    return url_for(endpoint, **args) if request.args.get(key) else None


def links(endpoint: str, args: Mapping[str, Any], key: str, cursor: object) -> dict[str, Any]:
    """Return the addresses of the next and the first page, as ``pager`` takes them.

    ``args`` are the list's filter (a page's own ``key`` in them is left out): every page
    of a filtered list links to the first page of that list, not of the whole one.
    """
    kept_args = {name: value for name, value in args.items() if name != key}
    return {
        "next_url": next_url(endpoint, kept_args, key, cursor),
        "first_url": first_url(endpoint, kept_args, key),
    }


def kept(*names: str) -> dict[str, str]:
    """Return those of the query's ``names`` that are given: a list's filter and page.

    A form on a list page sends them back in its address, so that the list it comes back
    to (refused, or done) is the page the user was on, not the first.
    """
    return {name: request.args[name] for name in names if request.args.get(name)}


def id_arg(name: str) -> int | None:
    """Return the query's ``name`` as a row id (a page's cursor), or None if it names no row.

    A number no row can have (negative, zero, beyond the database's integer
    column, thousands of digits) is taken as absent: the list shows its first page.
    """
    value = request.args.get(name, "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > _ID_DIGITS:
        return None
    number = int(value)
    return number if is_id(number) else None
