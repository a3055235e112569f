"""The public page: published proactive documents, no sign-in needed (主动公开)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.get("/")
def index() -> ResponseReturnValue:
    """List the published proactive documents."""
    documents = current_app.extensions["gongkai.engine"].catalogue.public_documents()
    return render_template("public_list.html", documents=documents)


@bp.get("/<id:document_id>")
def document(document_id: int) -> ResponseReturnValue:
    """Show one published proactive document."""
    document = current_app.extensions["gongkai.engine"].catalogue.public_document(document_id)
    return render_template("document.html", document=document, public=True)
