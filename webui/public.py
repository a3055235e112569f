"""The public pages: published proactive documents, searched, no sign-in needed (主动公开)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine import Engine, FormValidationError
from engine.disclosure.search import parse_query

from .messages import field_errors
from .paging import next_url
from .search import search_args

bp = Blueprint("public", __name__, url_prefix="/public")


def _engine() -> Engine:
    return current_app.extensions["gongkai.engine"]


def _site() -> str:
    """Return the address of the public document pages, to recognise one in a recorded link."""
    return url_for("public.index", _external=True)


@bp.get("/")
def index() -> ResponseReturnValue:
    """List the published proactive documents, newest first, searched by words, year, type."""
    args = search_args()
    try:
        query = parse_query(request.args, public=True)
    except FormValidationError as exc:
        errors = field_errors(exc.errors)
        return render_template("public_list.html", page=None, args=args, errors=errors), 400
    page = _engine().catalogue.search_public(query, _site())
    return render_template(
        "public_list.html",
        page=page,
        args=args,
        errors={},
        next_url=next_url("public.index", args, "before", page.next_before),
    )


@bp.get("/<id:document_id>")
def document(document_id: int) -> ResponseReturnValue:
    """Show one published proactive document, with its interpretation or its policy."""
    found = _engine().catalogue.public_page(document_id, _site())
    return render_template("public_document.html", found=found, document=found.document)
