"""Disclosure requests on the web: the public request and status pages, the staff's view."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from engine import Engine, FormValidationError, NotFoundError, Problem
from engine.attachments import Upload
from engine.disclosure import letter as letters
from engine.disclosure.letter import ReplyLetter, letter_paragraphs
from engine.disclosure.requests.applicants import (
    APPLICANT_TYPES,
    DELIVERY_FORMS,
    DELIVERY_METHODS,
    ID_DOCUMENT_TYPES,
    ORGANISATION_KINDS,
)
from engine.disclosure.requests.clock import PAUSE_KINDS
from engine.disclosure.requests.desk import (
    AlreadyFiledError,
    RequestThrottledError,
    RequestView,
    document_address,
    reply_label,
    status_label,
)
from engine.disclosure.requests.fees import FEE_METHODS
from engine.disclosure.requests.forms import RegistrarEntryForm, RequestForm
from engine.disclosure.requests.handling import STATUSES
from engine.disclosure.requests.replies import REPLY_TYPES
from engine.forms import new_submission

from . import diagrams, formview, paging
from .filters import choice_filter, text_filter
from .messages import error_message, left_blank
from .security import UPLOADED_FILE_POLICY

bp = Blueprint("requests", __name__)

#: the longest number the list of requests is searched by (受理编号 or 登记号)
NUMBER_MAX = 64

#: the session keys of a filed request's receipt (shown once) and of the forms already filed
_RECEIPT = "request_receipt"
_FILED = "request_filed"
#: how many filed forms a browser's session remembers, against a second post of the same form
_FILED_KEPT = 5

LABELS = {
    "applicant_type": APPLICANT_TYPES,
    "organisation_kind": ORGANISATION_KINDS,
    "id_type": ID_DOCUMENT_TYPES,
    "preferred_form": DELIVERY_FORMS,
    "delivery": DELIVERY_METHODS,
    "fee_method": FEE_METHODS,
}


def _engine() -> Engine:
    return current_app.extensions["gongkai.engine"]


def _address() -> str:
    return request.remote_addr or ""


def _request_form(registrar: str | None) -> ResponseReturnValue:
    """Show a request form; register the request posted, or show what is wrong.

    Filing redirects to the receipt (POST/redirect/GET), so that reloading it
    files nothing; the same form posted again (its ``submission`` token was
    filed, by this browser's session or, sent twice at once, by the engine)
    leads to the receipt instead of a second request.
    """
    schema = RegistrarEntryForm() if registrar else RequestForm()
    values: dict[str, object] = {}
    errors: dict[str, list[Problem]] = {}
    status = 200
    receipt_page = "requests.entry_receipt" if registrar else "requests.public_receipt"
    submission = request.form.get("submission", "")[:64] if request.method == "POST" else ""
    if submission and submission in session.get(_FILED, {}):
        return redirect(url_for(receipt_page), 303)
    if request.method == "POST":
        values = formview.submitted(schema, request.form)
        scan = request.files.get("id_scan")
        upload = Upload(scan.filename or "", scan.read()) if scan and scan.filename else None
        try:
            receipt = _engine().requests.submit(
                values,
                address=_address(),
                registrar=registrar,
                id_scan=upload,
                submission=submission or None,
            )
        except AlreadyFiledError:
            # The first sending's answer, still on its way, leaves the receipt in the session.
            return redirect(url_for(receipt_page), 303)
        except FormValidationError as exc:
            errors, status = exc.errors, 422
        except RequestThrottledError as exc:
            message = error_message(exc)
            headers = {"Retry-After": str(exc.retry_after)}
            page = render_template("request_form.html", fields=[], refused=message, entry=False)
            return page, 429, headers
        else:
            session[_RECEIPT] = asdict(receipt)
            if submission:
                filed = dict(session.get(_FILED, {}))
                filed[submission] = receipt.tracking_number
                session[_FILED] = dict(list(filed.items())[-_FILED_KEPT:])
            return redirect(url_for(receipt_page), 303)
    fields = formview.build(schema, values, errors)
    entry = registrar is not None
    page = render_template(
        "request_form.html",
        fields=fields,
        errors=errors,
        entry=entry,
        submission=submission or new_submission(),
    )
    return page, status


def _receipt(entry: bool) -> ResponseReturnValue:
    """Show the receipt of the request just filed, once: its query code is not kept."""
    receipt = session.pop(_RECEIPT, None)
    filed = list(session.get(_FILED, {}).values())
    page = render_template(
        "request_receipt.html",
        receipt=receipt,
        entry=entry,
        last_filed=filed[-1] if filed else None,
    )
    return page, 200, {"Cache-Control": "private, no-store"}


@bp.route("/public/request", methods=["GET", "POST"])
def public_request() -> ResponseReturnValue:
    """Let anyone ask for government information (依申请公开), no sign-in needed."""
    return _request_form(None)


@bp.get("/public/request/receipt")
def public_receipt() -> ResponseReturnValue:
    """Show the applicant the receipt of the request he has just filed, once."""
    return _receipt(entry=False)


@bp.route("/public/status", methods=["GET", "POST"])
def public_status() -> ResponseReturnValue:
    """Show where a request stands to whoever has its tracking number and query code."""
    if request.method != "POST":
        number = request.args.get("tracking_number", "")[:40]
        return render_template("request_status.html", found=None, message=None, number=number)
    number = request.form.get("tracking_number", "")
    code = request.form.get("query_code", "")
    if blank := left_blank(request.form, ("tracking_number", "query_code")):
        # said beside each empty box, before any look-up (none counts against the address)
        page = render_template(
            "request_status.html",
            found=None,
            message=error_message(Problem("form.invalid")),
            number=number,
            errors=blank,
        )
        return page, 400
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
        _engine().requests.public_letter(number, code, _address(), _engine().agency.get(), _site())
        if found.letter
        else None
    )
    return render_template(
        "request_status.html",
        found=found,
        message=None,
        code=code,
        status=status_label(found.status),
        fee_methods=FEE_METHODS,
        paragraphs=letter_paragraphs(letter) if letter else None,
        document=(found.letter or {}).get("document"),
        document_address=document_address((found.letter or {}).get("document"), _site()),
    )


@bp.post("/public/status/letter.pdf")
def public_letter_pdf() -> ResponseReturnValue:
    """Send the reply letter as a PDF to whoever has the tracking number and query code."""
    letter = _engine().requests.public_letter(
        request.form.get("tracking_number", ""),
        request.form.get("query_code", ""),
        _address(),
        _engine().agency.get(),
        _site(),
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


def _site() -> str:
    """Return the address of the public document pages a letter names, or "" for none known.

    Only a host the site is configured to answer to (``GONGKAI_TRUSTED_HOSTS``) may go
    into a letter: with any host let in, the Host header is the sender's to choose, and
    each one made a different official letter (and PDF) naming an address he chose.  The
    letter then gives the address recorded when the document was published.
    """
    if not current_app.config.get("TRUSTED_HOSTS"):
        return ""
    return url_for("public.index", _external=True)


def _download(content: bytes, content_type: str, name: str) -> ResponseReturnValue:
    return Response(
        content,
        mimetype=content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}",
            "Content-Security-Policy": UPLOADED_FILE_POLICY,
            "Cache-Control": "private, no-store",
        },
    )


def _pdf(letter: ReplyLetter, name: str) -> ResponseReturnValue:
    content = letters.LETTERS.pdf(letter)
    return _download(content, "application/pdf", f"{name}-{letter.tracking_number}.pdf")


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def enter_request() -> ResponseReturnValue:
    """Let a registrar enter a request that came on paper, by mail or by fax."""
    _engine().requests.check_registrar(current_user.username)
    return _request_form(current_user.username)


@bp.get("/requests/new/receipt")
@login_required
def entry_receipt() -> ResponseReturnValue:
    """Show the registrar the receipt of the paper request he has just entered, once."""
    _engine().requests.check_registrar(current_user.username)
    return _receipt(entry=True)


def request_labels(view: RequestView) -> dict[str, Any]:
    """Return what the request card needs besides the request: the labels of its codes."""
    return {
        "labels": LABELS,
        "status": status_label(view.status),
        "reply": reply_label(view.reply_type),
        "reply_names": _reply_names,
        "pause_kinds": PAUSE_KINDS,
    }


def _reply_names(key: object) -> tuple[str, str] | None:
    """Return the names of a drafted reply's type, or None for none or an unknown one."""
    return reply_label(key) if isinstance(key, str) and key in REPLY_TYPES else None


@bp.get("/requests/<id:request_id>/letter")
@login_required
def staff_letter(request_id: int) -> ResponseReturnValue:
    """Show the reply letter to print, to a registrar or a handler of the request."""
    engine = _engine()
    view = engine.requests.get(request_id, current_user.username)
    agency = engine.agency.get()
    reader = current_user.username
    letter = engine.requests.staff_letter(request_id, reader, agency, _site())
    draft = letter is None
    if draft:
        # Before signing, the office head reads the letter the drafted reply would make.
        letter = engine.requests.draft_letter(request_id, reader, agency, _site())
    if letter is None:
        raise NotFoundError("request.no_letter_yet")
    return render_template(
        "request_letter.html",
        view=view,
        draft=draft,
        paragraphs=letter_paragraphs(letter),
        agency_complete=engine.agency.is_complete(agency),
    )


@bp.get("/requests/<id:request_id>/letter.pdf")
@login_required
def staff_letter_pdf(request_id: int) -> ResponseReturnValue:
    """Send the reply letter as a PDF, to a registrar or a handler of the request."""
    engine = _engine()
    letter = engine.requests.staff_letter(
        request_id, current_user.username, engine.agency.get(), _site()
    )
    if letter is None:
        raise NotFoundError("request.no_letter_yet")
    return _pdf(letter, "答复书")


@bp.get("/requests")
@login_required
def listing() -> ResponseReturnValue:
    """List the requests, newest first, by status; a handler sees his department's."""
    chosen = choice_filter("status", STATUSES)
    status = chosen.value or None
    number = text_filter("number", NUMBER_MAX)
    page = _engine().requests.list_page(
        current_user.username, status, paging.id_arg("before"), number=number.value
    )
    return render_template(
        "request_list.html",
        page=page,
        status=status,
        chosen_status=chosen,
        number=number,
        statuses=STATUSES,
        **paging.links("requests.listing", request.args.to_dict(), "before", page.next_before),
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
