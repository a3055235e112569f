"""The public page: published proactive documents, no sign-in needed (主动公开)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask.typing import ResponseReturnValue

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.get("/")
def index() -> ResponseReturnValue:
    """List the published proactive documents."""
    documents = current_app.extensions["gongkai.engine"].public_documents()
    return render_template("public_list.html", documents=documents)


@bp.get("/<int:document_id>")
def document(document_id: int) -> ResponseReturnValue:
    """Show one published proactive document."""
    engine = current_app.extensions["gongkai.engine"]
    found = next((d for d in engine.public_documents() if d.id == document_id), None)
    if found is None:
        abort(404)
    return render_template("document.html", document=found, public=True)
