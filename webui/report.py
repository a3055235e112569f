"""The annual report (政府信息公开工作年度报告): its tables, printable and as XLSX.

Part two's rows of normative documents (主动公开政府信息情况: 规章 is not tracked); part three
counts the requests; part four the appeals (行政复议、行政诉讼), which the office records on
``/report/appeals``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

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

from engine import Engine, FormValidationError, InvalidInputError, Problem
from engine.disclosure.appeals import (
    DECIDED,
    KINDS,
    RESULTS,
    AppealForm,
    appeal_table,
    with_appeal_sheet,
)
from engine.disclosure.repeal import (
    NORMATIVE_COLUMNS,
    NORMATIVE_LABEL,
    NOT_TRACKED,
    RULES_LABEL,
    normative_table,
    with_normative_sheet,
)
from engine.disclosure.report import COLUMN_GROUPS, request_table, to_xlsx
from engine.disclosure.workdays import CHINA
from engine.forms import new_submission

from . import formview
from .messages import field_messages

bp = Blueprint("report", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _engine() -> Engine:
    return current_app.extensions["gongkai.engine"]


def _year() -> int:
    """Return the year asked for, or last year (China time) when none is (or the box is empty)."""
    raw = (request.args.get("year") or "").strip()
    if raw:
        try:
            return int(raw)
        except ValueError:
            # Said, not silently replaced by last year's report.
            raise InvalidInputError("report.bad_year", year=raw[:20]) from None
    return datetime.fromisoformat(_engine().now()).astimezone(CHINA).year - 1


@bp.get("/report/annual")
@login_required
def annual() -> ResponseReturnValue:
    """Show the year's table of requests, printable, with the balance check."""
    table = request_table(_engine(), _year(), current_user.username)
    appeals = appeal_table(_engine(), table.year, current_user.username)
    normative = normative_table(_engine(), table.year, current_user.username)
    return render_template(
        "report_annual.html",
        table=table,
        appeals=appeals,
        normative=normative,
        COLUMN_GROUPS=COLUMN_GROUPS,
        NORMATIVE_COLUMNS=NORMATIVE_COLUMNS,
        NORMATIVE_LABEL=NORMATIVE_LABEL,
        RULES_LABEL=RULES_LABEL,
        NOT_TRACKED=NOT_TRACKED,
    )


@bp.get("/report/annual.xlsx")
@login_required
def annual_xlsx() -> ResponseReturnValue:
    """Download the year's table of requests as an XLSX workbook."""
    table = request_table(_engine(), _year(), current_user.username)
    appeals = appeal_table(_engine(), table.year, current_user.username)
    normative = normative_table(_engine(), table.year, current_user.username)
    return Response(
        with_normative_sheet(with_appeal_sheet(to_xlsx(table), appeals), normative),
        mimetype=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="annual-report-{table.year}.xlsx"',
            "Cache-Control": "private, no-store",
        },
    )


def _keeps_appeals() -> bool:
    return bool(current_user.has_role("office") or current_user.has_role("admin"))


def _appeals_page(
    values: dict[str, Any],
    errors: dict[str, list[Problem]],
    status: int = 200,
    submission: str | None = None,
) -> ResponseReturnValue:
    """Render the list of appeals (and, for the office, the forms to record and decide).

    The form to record carries ``submission``, the key of the form sent back for
    correction, or a new one: sent twice, it records one case.
    """
    year = request.args.get("year", type=int)
    cases = _engine().appeals.cases(current_user.username, year)
    keeper = _keeps_appeals()
    fields = formview.build(AppealForm(), values, errors) if keeper else []
    page = render_template(
        "report_appeals.html",
        submission=submission or new_submission(),
        cases=cases,
        year=year,
        keeper=keeper,
        fields=fields,
        errors=errors,
        KINDS=KINDS,
        RESULTS=RESULTS,
        DECIDED=DECIDED,
    )
    return page, status


@bp.get("/report/appeals")
@login_required
def appeals() -> ResponseReturnValue:
    """List the appeals the office is party to; the office records and decides them here."""
    return _appeals_page({}, {})


@bp.post("/report/appeals")
@login_required
def record_appeal() -> ResponseReturnValue:
    """Record a case (the office)."""
    if not _keeps_appeals():
        abort(403)
    values = formview.submitted(AppealForm(), request.form)
    submission = request.form.get("submission") or None
    try:
        _engine().appeals.record(current_user.username, values, submission)
    except FormValidationError as exc:
        return _appeals_page(values, exc.errors, 422, submission)
    flash(_("已登记复议诉讼案件。"))
    return redirect(url_for("report.appeals"))


@bp.post("/report/appeals/<id:case_id>/decide")
@login_required
def decide_appeal(case_id: int) -> ResponseReturnValue:
    """Record the result of a pending case (the office)."""
    if not _keeps_appeals():
        abort(403)
    try:
        _engine().appeals.decide(
            current_user.username,
            case_id,
            request.form.get("result", ""),
            request.form.get("decided_on", ""),
        )
    except FormValidationError as exc:
        labels = {"result": _("结果"), "decided_on": _("审结日期")}
        for said in field_messages(exc.errors, labels):
            flash(said, "error")
        return redirect(url_for("report.appeals"))
    flash(_("已登记审结结果。"))
    return redirect(url_for("report.appeals"))
