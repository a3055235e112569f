"""Disclosure requests on the web: the public request and status pages, the staff's view."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from engine import Engine, FormValidationError, NotFoundError, Problem
from engine.attachments import Upload
from engine.disclosure.letter import ReplyLetter, letter_paragraphs, render_pdf
from engine.disclosure.requests.applicants import (
    APPLICANT_TYPES,
    DELIVERY_FORMS,
    DELIVERY_METHODS,
    ID_DOCUMENT_TYPES,
    ORGANISATION_KINDS,
)
from engine.disclosure.requests.desk import (
    RequestThrottledError,
    RequestView,
    reply_label,
    status_label,
)
from engine.disclosure.requests.forms import RegistrarEntryForm, RequestForm
from engine.disclosure.requests.handling import STATUSES

from . import diagrams, formview
from .messages import error_message

bp = Blueprint("requests", __name__)

LABELS = {
    "applicant_type": APPLICANT_TYPES,
    "organisation_kind": ORGANISATION_KINDS,
    "id_type": ID_DOCUMENT_TYPES,
    "preferred_form": DELIVERY_FORMS,
    "delivery": DELIVERY_METHODS,
}


def _engine() -> Engine:
    return current_app.extensions["gongkai.engine"]


def _address() -> str:
    return request.remote_addr or ""


def _request_form(registrar: str | None) -> ResponseReturnValue:
    """Show a request form; register the request posted, or show what is wrong."""
    schema = RegistrarEntryForm() if registrar else RequestForm()
    values: dict[str, object] = {}
    errors: dict[str, list[Problem]] = {}
    status = 200
    if request.method == "POST":
        values = formview.submitted(schema, request.form)
        scan = request.files.get("id_scan")
        upload = Upload(scan.filename or "", scan.read()) if scan and scan.filename else None
        try:
            receipt = _engine().requests.submit(
                values, address=_address(), registrar=registrar, id_scan=upload
            )
        except FormValidationError as exc:
            errors, status = exc.errors, 422
        except RequestThrottledError as exc:
            message = error_message(exc)
            headers = {"Retry-After": str(exc.retry_after)}
            page = render_template("request_form.html", fields=[], refused=message, entry=False)
            return page, 429, headers
        else:
            return render_template("request_receipt.html", receipt=receipt)
    fields = formview.build(schema, values, errors)
    entry = registrar is not None
    return render_template("request_form.html", fields=fields, errors=errors, entry=entry), status


@bp.route("/public/request", methods=["GET", "POST"])
def public_request() -> ResponseReturnValue:
    """Let anyone ask for government information (依申请公开), no sign-in needed."""
    return _request_form(None)


@bp.route("/public/status", methods=["GET", "POST"])
def public_status() -> ResponseReturnValue:
    """Show where a request stands to whoever has its tracking number and query code."""
    if request.method != "POST":
        return render_template("request_status.html", found=None, message=None)
    number = request.form.get("tracking_number", "")
    code = request.form.get("query_code", "")
    try:
        found = _engine().requests.status(number, code, _address())
    except RequestThrottledError as exc:
        page = render_template(
            "request_status.html", found=None, message=error_message(exc), number=number
        )
        return page, 429, {"Retry-After": str(exc.retry_after)}
    except NotFoundError as exc:
        page = render_template(
            "request_status.html", found=None, message=error_message(exc), number=number
        )
        return page, 404
    letter = (
        _engine().requests.public_letter(number, code, _address(), _engine().agency.get())
        if found.letter
        else None
    )
    return render_template(
        "request_status.html",
        found=found,
        message=None,
        code=code,
        status=status_label(found.status),
        paragraphs=letter_paragraphs(letter) if letter else None,
    )


@bp.post("/public/status/letter.pdf")
def public_letter_pdf() -> ResponseReturnValue:
    """Send the reply letter as a PDF to whoever has the tracking number and query code."""
    letter = _engine().requests.public_letter(
        request.form.get("tracking_number", ""),
        request.form.get("query_code", ""),
        _address(),
        _engine().agency.get(),
    )
    if letter is None:
        raise NotFoundError("request.no_letter_yet")
    return _pdf(letter, "答复书")


@bp.post("/public/status/attachment")
def public_attachment() -> ResponseReturnValue:
    """Send a file the reply gave out to whoever has the tracking number and query code."""
    name, content_type, content = _engine().requests.public_attachment(
        request.form.get("tracking_number", ""),
        request.form.get("query_code", ""),
        _address(),
        request.form.get("attachment", type=int) or 0,
    )
    return _download(content, content_type, name)


def _download(content: bytes, content_type: str, name: str) -> ResponseReturnValue:
    return Response(
        content,
        mimetype=content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "private, no-store",
        },
    )


def _pdf(letter: ReplyLetter, name: str) -> ResponseReturnValue:
    return _download(render_pdf(letter), "application/pdf", f"{name}-{letter.tracking_number}.pdf")


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def enter_request() -> ResponseReturnValue:
    """Let a registrar enter a request that came on paper, by mail or by fax."""
    _engine().requests.check_registrar(current_user.username)
    return _request_form(current_user.username)


def request_labels(view: RequestView) -> dict[str, Any]:
    """Return what the request card needs besides the request: the labels of its codes."""
    return {
        "labels": LABELS,
        "status": status_label(view.status),
        "reply": reply_label(view.reply_type),
    }


@bp.get("/requests/<id:request_id>/letter")
@login_required
def staff_letter(request_id: int) -> ResponseReturnValue:
    """Show the reply letter to print, to a registrar or a handler of the request."""
    engine = _engine()
    view = engine.requests.get(request_id, current_user.username)
    agency = engine.agency.get()
    letter = engine.requests.staff_letter(request_id, current_user.username, agency)
    if letter is None:
        raise NotFoundError("request.no_letter_yet")
    return render_template(
        "request_letter.html",
        view=view,
        paragraphs=letter_paragraphs(letter),
        agency_complete=engine.agency.is_complete(agency),
    )


@bp.get("/requests/<id:request_id>/letter.pdf")
@login_required
def staff_letter_pdf(request_id: int) -> ResponseReturnValue:
    """Send the reply letter as a PDF, to a registrar or a handler of the request."""
    engine = _engine()
    letter = engine.requests.staff_letter(request_id, current_user.username, engine.agency.get())
    if letter is None:
        raise NotFoundError("request.no_letter_yet")
    return _pdf(letter, "答复书")


@bp.get("/requests")
@login_required
def listing() -> ResponseReturnValue:
    """List the requests, newest first, by status; a handler sees his department's."""
    status = request.args.get("status", "").strip() or None
    page = _engine().requests.list_page(
        current_user.username, status, request.args.get("before", type=int)
    )
    next_url = (
        url_for("requests.listing", **(request.args.to_dict() | {"before": page.next_before}))
        if page.next_before
        else None
    )
    return render_template(
        "request_list.html", page=page, status=status, statuses=STATUSES, next_url=next_url
    )


@bp.get("/requests/<id:request_id>/id-scan")
@login_required
def id_scan(request_id: int) -> ResponseReturnValue:
    """Send the applicant's scan of his identity document, to those who read the applicant."""
    found = _engine().requests.id_scan(request_id, current_user.username)
    if found is None:
        raise NotFoundError("request.no_id_scan")
    name, content_type, content = found
    return _download(content, content_type, name)


@bp.get("/requests/<id:request_id>")
@login_required
def show(request_id: int) -> ResponseReturnValue:
    """Show a request with its applicant, to a registrar or one of its handlers."""
    view = _engine().requests.get(request_id, current_user.username)
    position = diagrams.position(view.instance_id)
    return render_template("request.html", view=view, position=position, **request_labels(view))
