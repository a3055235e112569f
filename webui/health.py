"""Health check for the IT department's monitoring: database reachable and schema current."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from engine.store import schema

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Report whether the database answers and its schema is at the newest revision."""
    engine = current_app.extensions["gongkai.engine"]
    try:
        current = schema.current_revision(engine.db)
    except Exception as exc:
        return jsonify(status="error", error=str(exc)), 503
    head = schema.head_revision()
    ok = current == head
    return jsonify(
        status="ok" if ok else "outdated", schema=current, expected=head
    ), 200 if ok else 503
