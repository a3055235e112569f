"""The annual report (政府信息公开工作年度报告): its tables, printable and as XLSX.

Part two's rows of normative documents (主动公开政府信息情况: 规章 is not tracked); part three
counts the requests; part four the appeals (行政复议、行政诉讼), which the office records on
``/report/appeals``.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from engine.disclosure.report import (
    COLUMN_GROUPS,
    FIRST_YEAR,
    LAST_YEAR,
    request_table,
    to_xlsx,
)
from engine.disclosure.workdays import CHINA
from engine.forms import new_submission

from . import formview
from .messages import field_errors, field_messages

bp = Blueprint("report", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _engine() -> Engine:
    return current_app.extensions["gongkai.engine"]


@dataclass(frozen=True)
class _YearFilter:
    """The year box of a report's filter: what was typed, and the year it asks for."""

    #: as typed (cut to 20 characters, to say back in the box)
    typed: str
    #: the year asked for; None when the box is empty or what is typed is no year covered
    year: int | None

    @property
    def ignored(self) -> bool:
        """Tell whether something was typed that is no year the reports cover."""
        return bool(self.typed) and self.year is None


def _year_filter() -> _YearFilter:
    """Read the filter's year box."""
    typed = (request.args.get("year") or "").strip()[:20]
    year = None
    # isdecimal and len: int() would also read "２０２５", " 2025" or "+2025"
    if typed.isascii() and typed.isdecimal() and len(typed) == 4:
        year = int(typed) if FIRST_YEAR <= int(typed) <= LAST_YEAR else None
    return _YearFilter(typed, year)


def _last_year() -> int:
    return datetime.fromisoformat(_engine().now()).astimezone(CHINA).year - 1


def _year() -> int:
    """Return the year asked for, or last year (China time) when none is (or the box is empty)."""
    chosen = _year_filter()
    if chosen.ignored:
        # Said, not silently replaced by last year's table (the download has no page to say it).
        raise InvalidInputError("report.bad_year", year=chosen.typed)
    return chosen.year or _last_year()


@bp.get("/report/annual")
@login_required
def annual() -> ResponseReturnValue:
    """Show the year's table of requests, printable, with the balance check."""
    # A year that is none is said over last year's table, and kept in the box to correct.
    chosen = _year_filter()
    table = request_table(_engine(), chosen.year or _last_year(), current_user.username)
    appeals = appeal_table(_engine(), table.year, current_user.username)
    normative = normative_table(_engine(), table.year, current_user.username)
    return render_template(
        "report_annual.html",
        year_ignored=chosen.ignored,
        typed_year=chosen.typed,
        this_year=_last_year() + 1,
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
    decision: tuple[int, dict[str, str], dict[str, list[Problem]]] | None = None,
) -> ResponseReturnValue:
    """Render the list of appeals (and, for the office, the forms to record and decide).

    The form to record carries ``submission``, the key of the form sent back for
    correction, or a new one: sent twice, it records one case. ``decision`` is a case's
    result form sent back: its id, what was chosen and typed, and each field's problems.
    """
    decided_id, decided, problems = decision or (0, {}, {})
    # The case's row may be far down the list: the top names each field, as well as its box.
    labels = {"result": _("结果"), "decided_on": _("审结日期")}
    chosen = _year_filter()
    year = chosen.year
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
        year_ignored=chosen.ignored,
        typed_year=chosen.typed,
        decision=(decided_id, decided, field_errors(problems)),
        decision_messages=field_messages(problems, labels),
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
    sent = {name: request.form.get(name, "") for name in ("result", "decided_on")}
    try:
        _engine().appeals.decide(current_user.username, case_id, sent["result"], sent["decided_on"])
    except FormValidationError as exc:
        # the list again, the case's form as sent with each problem beside it; nothing recorded
        return _appeals_page({}, {}, 422, decision=(case_id, sent, exc.errors))
    flash(_("已登记审结结果。"))
    return redirect(url_for("report.appeals"))
