"""The annual report (政府信息公开工作年度报告): its table of requests, printable and as XLSX."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from engine import Engine
from engine.disclosure.report import COLUMN_GROUPS, request_table, to_xlsx
from engine.disclosure.workdays import CHINA

bp = Blueprint("report", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _engine() -> Engine:
    return current_app.extensions["gongkai.engine"]


def _year() -> int:
    """Return the year asked for, or last year (China time) when none is."""
    asked = request.args.get("year", type=int)
    if asked is not None:
        return asked
    return datetime.fromisoformat(_engine().now()).astimezone(CHINA).year - 1


@bp.get("/report/annual")
@login_required
def annual() -> ResponseReturnValue:
    """Show the year's table of requests, printable, with the balance check."""
    table = request_table(_engine(), _year(), current_user.username)
    return render_template("report_annual.html", table=table, COLUMN_GROUPS=COLUMN_GROUPS)


@bp.get("/report/annual.xlsx")
@login_required
def annual_xlsx() -> ResponseReturnValue:
    """Download the year's table of requests as an XLSX workbook."""
    table = request_table(_engine(), _year(), current_user.username)
    return Response(
        to_xlsx(table),
        mimetype=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="annual-report-{table.year}.xlsx"',
            "Cache-Control": "private, no-store",
        },
    )
