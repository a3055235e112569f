"""Disclosure requests on the web: the public request and status pages, the staff's view."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from engine import Engine, FormValidationError, NotFoundError, Problem
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

from . import formview
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
        try:
            receipt = _engine().requests.submit(values, address=_address(), registrar=registrar)
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
    if request.method == "GET":
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
    return render_template(
        "request_status.html",
        found=found,
        message=None,
        status=status_label(found.status),
        reply=reply_label(found.letter["reply_type"] if found.letter else None),
    )


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


@bp.get("/requests/<id:request_id>")
@login_required
def show(request_id: int) -> ResponseReturnValue:
    """Show a request with its applicant, to a registrar or one of its handlers."""
    view = _engine().requests.get(request_id, current_user.username)
    return render_template("request.html", view=view, **request_labels(view))
