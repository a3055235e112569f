"""Documents: start a draft, the catalogue, approval sheets and attachments."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import Engine, FormValidationError, Problem
from engine.disclosure.documents import (
    ATTRIBUTES,
    DOC_TYPES,
    RETURN_REASONS,
    URGENCIES,
    WITHHELD_BASES,
)
from engine.disclosure.official import OfficialFile, drafting_sheet, official_pdf
from engine.disclosure.repeal import KEEPERS, NORMATIVE, RepealForm, repeal
from engine.disclosure.review import CONCLUSIONS, EXEMPTIONS
from engine.disclosure.roles import ROLES

from . import diagrams, formview
from .security import UPLOADED_FILE_POLICY

bp = Blueprint("documents", __name__)

#: catalogue status -> (Chinese, English)
STATUSES = {
    "issued": ("已印发", "Issued"),
    "awaiting_review": ("待保密审查", "Awaiting confidentiality review"),
    "awaiting_publication": ("待发布", "Awaiting publication"),
    "withheld_after_review": ("审查后不予公开", "Withheld after review"),
    "referred": ("已报保密行政管理部门确定", "Referred to the secrecy administration"),
    "awaiting_interpretation": ("已发布，待解读", "Published, awaiting interpretation"),
    "published": ("已发布", "Published"),
    "interpreted": ("已发布并解读", "Published and interpreted"),
}


def _engine() -> Engine:
    return current_app.extensions["gongkai.engine"]


@bp.app_context_processor
def _vocabulary() -> dict[str, object]:
    return {
        "ATTRIBUTES": ATTRIBUTES,
        "DOC_TYPES": DOC_TYPES,
        "WITHHELD_BASES": WITHHELD_BASES,
        "URGENCIES": URGENCIES,
        "RETURN_REASONS": RETURN_REASONS,
        "STATUSES": STATUSES,
        "ROLES": ROLES,
        "CONCLUSIONS": CONCLUSIONS,
        "EXEMPTIONS": EXEMPTIONS,
    }


@bp.get("/documents")
@login_required
def catalogue() -> ResponseReturnValue:
    """List the issued documents one may see, newest first, searched and paged (公文目录)."""
    # imported here, so that this view's search stays apart from the document pages' imports
    from engine.disclosure.search import parse_query

    from .messages import field_errors
    from .paging import next_url
    from .search import search_args

    engine, args = _engine(), search_args(staff=True)
    departments = engine.users.departments()
    try:
        query = parse_query(request.args, public=False)
        page = engine.catalogue.search(current_user.username, query)
    except FormValidationError as exc:
        errors = field_errors(exc.errors)
        return render_template(
            "catalogue.html", page=None, args=args, errors=errors, departments=departments
        ), 400
    return render_template(
        "catalogue.html",
        page=page,
        args=args,
        errors={},
        departments=departments,
        next_url=next_url("documents.catalogue", args, "before", page.next_before),
    )


@bp.get("/documents/<id:document_id>")
@login_required
def document(document_id: int) -> ResponseReturnValue:
    """Show an issued document's official text."""
    return document_page(document_id)


def document_page(
    document_id: int,
    sent: dict[str, str] | None = None,
    errors: dict[str, list[Problem]] | None = None,
    filing_errors: dict[str, str] | None = None,
) -> str:
    """Render a document's page; with the repeal or filing form's problems, if given."""
    found = _engine().catalogue.get_document(document_id, current_user.username)
    repealer = found.full and found.doc_type == NORMATIVE and _repeals()
    position = diagrams.position(found.instance_id) if found.full else None
    return render_template(
        "document.html",
        document=found,
        public=not found.full,
        repealer=repealer,
        position=position,
        repeal_fields=formview.build(RepealForm(), sent or {}, errors or {}) if repealer else [],
        errors=errors or {},
        filing_errors=filing_errors or {},
    )


def _repeals() -> bool:
    return any(current_user.has_role(role) for role in KEEPERS)


@bp.post("/documents/<id:document_id>/repeal")
@login_required
def repeal_document(document_id: int) -> ResponseReturnValue:
    """Repeal an issued normative document (废止; the office)."""
    if not _repeals():
        abort(403)
    values = {name: request.form.get(name, "") for name in ("repealed_on", "repeal_reason")}
    try:
        repeal(
            _engine(),
            document_id,
            current_user.username,
            values["repealed_on"],
            values["repeal_reason"],
        )
    except FormValidationError as exc:
        # the page again, with what was typed and each box's problem beside it; nothing repealed
        return document_page(document_id, values, exc.errors), 422
    flash(_("已废止该文件。"))
    return redirect(url_for("documents.document", document_id=document_id))


@bp.get("/instances/<id:instance_id>/sheet")
@login_required
def sheet(instance_id: int) -> ResponseReturnValue:
    """Show the printable approval sheet (审签单) of a document, with its drafting fields."""
    found = drafting_sheet(_engine(), instance_id, current_user.username)
    return render_template("sheet.html", sheet=found.sheet, drafting=found.fields)


@bp.get("/documents/<id:document_id>/official.pdf")
@login_required
def official(document_id: int) -> ResponseReturnValue:
    """Send an issued document's official text as PDF (GB/T 9704), as the reader may read it."""
    return _official(official_pdf(_engine(), document_id, current_user.username))


@bp.get("/public/<id:document_id>/official.pdf")
def public_official(document_id: int) -> ResponseReturnValue:
    """Send a published proactive document as PDF, in its published (de-identified) version."""
    return _official(official_pdf(_engine(), document_id, None))


def _official(found: OfficialFile) -> ResponseReturnValue:
    return Response(
        found.content,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(found.filename)}",
            # the same address gives a staff member more than the public: keep it out of caches
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/attachments/<id:attachment_id>")
@login_required
def attachment(attachment_id: int) -> ResponseReturnValue:
    """Send an attachment to the browser as a download."""
    found = _engine().queries.attachment(attachment_id, current_user.username)
    return Response(
        found.content,
        mimetype=found.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(found.filename)}",
            "Content-Security-Policy": UPLOADED_FILE_POLICY,
            "Cache-Control": "private, no-store",
        },
    )


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename, safe="")
