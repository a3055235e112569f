"""Health check for the IT department's monitoring: database reachable and schema current.

``/healthz`` answers within seconds whatever the database does: it opens a
connection of its own with a short connect timeout and a statement timeout
(``engine.store.probe``), never one of the engine's pooled connections, which
would wait as long as the network lets them.  It says only what a monitor
needs: whether the database answered and the schema revisions, never an
address, a user name or an error's text.
"""

from __future__ import annotations

import threading
from functools import cache

from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue

from engine.store import schema
from engine.store.probe import DatabaseProbe

bp = Blueprint("health", __name__)
_made = threading.Lock()


def _probe(app: Flask) -> DatabaseProbe:
    """Return the application's probe, made on first use."""
    probe = app.extensions.get("gongkai.probe")
    if probe is None:
        with _made:
            probe = app.extensions.get("gongkai.probe")
            if probe is None:
                probe = DatabaseProbe(app.extensions["gongkai.engine"].db)
                app.extensions["gongkai.probe"] = probe
    return probe


@cache
def _head() -> str | None:
    """Return the newest schema revision (read once: the migrations do not change)."""
    return schema.head_revision()


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Report whether the database answers and its schema is at the newest revision."""
    found = _probe(current_app._get_current_object()).check()  # type: ignore[attr-defined]
    head = _head()
    headers = {"Cache-Control": "no-store"}
    if not found.reachable:
        return jsonify(status="unavailable", schema=None, expected=head), 503, headers
    ok = found.revision == head
    status = "ok" if ok else "outdated"
    return jsonify(status=status, schema=found.revision, expected=head), 200 if ok else 503, headers
