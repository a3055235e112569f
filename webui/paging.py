"""Links between the pages of a list read a bounded page at a time (keyset cursors)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request, url_for


def next_url(endpoint: str, args: Mapping[str, Any], key: str, cursor: object) -> str | None:
    """Return the address of the page after ``cursor``, with the same ``args``; None on the last."""
    return url_for(endpoint, **{**args, key: cursor}) if cursor else None


def first_url(endpoint: str, args: Mapping[str, Any], key: str) -> str | None:
    """Return the address of the first page when this page is a later one, else None."""
    return url_for(endpoint, **args) if request.args.get(key) else None
