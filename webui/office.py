"""The office's view: the basic catalogue of proactive disclosure and oversight (督查).

``/office/catalogue`` lists the catalogue's entries (主动公开基本目录) by field, with those
overdue marked; the office adds, changes and retires entries and files published documents
under them (the to-do of unfiled documents is ``/office/catalogue/unfiled``; the document
page has a small form too). ``/office/oversight`` shows each department's figures for a
period, as charts (Apache ECharts, built from ``webui/diagram/`` into ``static/diagram/``)
and as a table, and exports them as CSV and XLSX. Who reads what is the engine's decision.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from engine import (
    ConflictError,
    Engine,
    FormValidationError,
    InvalidInputError,
    NotFoundError,
    Problem,
)
from engine.access import MAX_ID
from engine.disclosure.basic_catalogue import (
    AREAS,
    CATEGORIES,
    CHANGE_ACTIONS,
    CHANGE_FIELDS,
    LIMIT_KINDS,
    MANNERS,
    STATUSES,
    BasicCatalogue,
    DocumentFiling,
    EntryForm,
    FormedForm,
    value_label,
)
from engine.disclosure.oversight import (
    AFTER_REASONS,
    BASE_COLUMNS,
    NO_DEPARTMENT,
    PERIOD_KINDS,
    TOTAL,
    OversightReport,
    Period,
    period,
    reason_label,
    to_csv,
    to_xlsx,
)
from engine.forms import new_submission

from . import formview, paging
from .documents import document_page
from .filters import FilterBox, choice_filter
from .i18n import pick
from .messages import error_message

bp = Blueprint("office", __name__)

#: the built charts, under the static folder (built with the diagram viewer)
CHART_SCRIPT = "diagram/charts.js"
CHART_STYLE = "diagram/charts.css"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _engine() -> Engine:
    return current_app.extensions["gongkai.engine"]


@bp.app_context_processor
def _vocabulary() -> dict[str, object]:
    return {
        "CATALOGUE_CATEGORIES": CATEGORIES,
        "CATALOGUE_MANNERS": MANNERS,
        "CATALOGUE_STATUSES": STATUSES,
        "CHANGE_ACTIONS": CHANGE_ACTIONS,
        "CHANGE_FIELDS": CHANGE_FIELDS,
        "change_value": lambda field, value: pick(*value_label(field, value)),
    }


# -- template helpers ----------------------------------------------------------------------------


@bp.app_template_global("charts_built")
def charts_built() -> bool:
    """Tell whether the charts have been built into the static files."""
    static = current_app.static_folder
    return static is not None and (Path(static) / CHART_SCRIPT).is_file()


@bp.app_template_global("chart_assets")
def chart_assets() -> Markup:
    """Return the charts' stylesheet and script tags, once per page."""
    if g.get("gongkai_chart_assets"):
        return Markup("")
    g.gongkai_chart_assets = True
    return Markup('<link rel="stylesheet" href="{}">\n<script src="{}" defer></script>').format(
        url_for("static", filename=CHART_STYLE), url_for("static", filename=CHART_SCRIPT)
    )


@bp.app_template_global("catalogue_filing")
def catalogue_filing(document_id: int) -> DocumentFiling | None:
    """Return where a document is filed in the basic catalogue, if the reader may know."""
    if not current_user.is_authenticated:
        return None
    return _engine().basic_catalogue.document_filing(current_user.username, document_id)


# -- the catalogue ---------------------------------------------------------------------------------


def _keeper() -> None:
    """Refuse whoever does not keep the catalogue (the engine decides who does)."""
    if not _engine().basic_catalogue.may_manage(current_user.username):
        abort(403)


def _filters(desk: BasicCatalogue) -> tuple[dict[str, FilterBox], list[str], list[str]]:
    """Return the catalogue's filter boxes, and the departments and fields it offers.

    A department is one users may join or one entries are under (a retired department
    keeps its entries, and the oversight page links to them); a field is one entries are
    in. A value none of these is ignored, and said, as in every list's filter.
    """
    reader = current_user.username
    typed = {key: request.args.get(key, "").strip() for key in ("department", "area")}
    listed = desk.departments(reader, typed["department"])
    departments = sorted({*_engine().users.departments(), *listed})
    areas = desk.areas(reader, typed["area"])
    boxes = {
        "department": choice_filter("department", departments),
        "category": choice_filter("category", CATEGORIES),
        "area": choice_filter("area", areas),
        "status": choice_filter("status", STATUSES),
    }
    return boxes, departments, areas


@bp.get("/office/catalogue")
@login_required
def catalogue() -> ResponseReturnValue:
    """List the catalogue's entries by field, filtered, overdue ones marked."""
    desk = _engine().basic_catalogue
    boxes, departments, areas = _filters(desk)
    chosen = {key: box.value for key, box in boxes.items() if box.value}
    page = desk.entries(
        current_user.username,
        department=chosen.get("department"),
        category=chosen.get("category"),
        area=chosen.get("area"),
        status=chosen.get("status", "active"),
        after=paging.id_arg("after"),
    )
    if page.department is not None:
        # A department head reads his own department's entries: he has no such box.
        del boxes["department"]
        chosen.pop("department", None)
    unfiled = None if page.department else desk.unfiled_count(current_user.username)
    return render_template(
        "office_catalogue.html",
        page=page,
        chosen=chosen,
        boxes=boxes,
        areas=areas,
        departments=departments if page.department is None else [],
        unfiled=unfiled,
        **paging.links("office.catalogue", chosen, "after", page.next_after),
    )


def _entry_fields(values: dict[str, Any], errors: dict[str, list[Problem]]) -> list[Any]:
    """Return the entry form's inputs: departments to choose from, fields to suggest."""
    engine = _engine()
    suggestions = {"area": sorted({*AREAS, *engine.basic_catalogue.areas(current_user.username)})}
    views = formview.build(EntryForm(), values, errors, suggestions=suggestions)
    departments = engine.users.departments()
    for view in views:
        if view.name == "department":
            view.widget = "select"
            view.choices = [(name, name) for name in departments]
            view.placeholder = values.get("department") not in departments
        elif view.name == "manners":
            view.widget = "checkboxes"
            view.choices = [(key, pick(*labels)) for key, labels in MANNERS.items()]
            given = values.get("manners")
            view.value = list(given) if isinstance(given, list | tuple) else []
        elif view.name in ("limit_days", "limit_month", "limit_day"):
            view.widget = "number"
    return views


def _entry_form(
    template_values: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, list[Problem]],
    status: int = 200,
) -> ResponseReturnValue:
    fields = _entry_fields(values, errors)
    page = render_template(
        "office_entry_form.html",
        fields={f.name: f for f in fields},
        errors=errors,
        LIMIT_KINDS=LIMIT_KINDS,
        **({"submission": new_submission()} | template_values),
    )
    return page, status


@bp.route("/office/catalogue/new", methods=["GET", "POST"])
@login_required
def new_entry() -> ResponseReturnValue:
    """Add an entry to the catalogue (the office)."""
    _keeper()
    if request.method != "POST":  # GET, or HEAD: never a submission
        return _entry_form({"entry": None}, {"limit_kind": "working_days", "limit_days": 20}, {})
    values = formview.submitted(EntryForm(), request.form)
    submission = request.form.get("submission") or None
    try:
        entry_id = _engine().basic_catalogue.create(current_user.username, values, submission)
    except FormValidationError as exc:
        return _entry_form({"entry": None, "submission": submission}, values, exc.errors, 422)
    except ConflictError as exc:
        if exc.code != "form.already_sent":
            raise
        # The first sending (a double click) added the entry: it is in the catalogue.
        flash(error_message(exc), "warning")
        return redirect(url_for("office.catalogue"))
    flash(_("已新增目录事项。"))
    return redirect(url_for("office.entry", entry_id=entry_id))


@bp.get("/office/catalogue/<id:entry_id>")
@login_required
def entry(entry_id: int) -> ResponseReturnValue:
    """Show an entry, its change log and the documents filed under it."""
    return _entry_page(entry_id)


def _entry_page(
    entry_id: int,
    sent: dict[str, str] | None = None,
    errors: dict[str, list[Problem]] | None = None,
) -> str:
    """Render an entry's page; with the form recording a formed day as sent, and its problems."""
    detail = _engine().basic_catalogue.entry(
        current_user.username,
        entry_id,
        changes_before=paging.id_arg("changes_before"),
        filings_before=paging.id_arg("filings_before"),
    )
    formed_fields = formview.build(FormedForm(), sent or {}, errors or {})
    return render_template(
        "office_entry.html",
        detail=detail,
        entry=detail.entry,
        formed_fields=formed_fields,
        errors=errors or {},
    )


@bp.route("/office/catalogue/<id:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit_entry(entry_id: int) -> ResponseReturnValue:
    """Change an entry (the office); every changed field is recorded, old and new."""
    _keeper()
    current = _engine().basic_catalogue.entry(current_user.username, entry_id, limit=1).entry
    if request.method != "POST":  # GET, or HEAD: never a submission
        return _entry_form({"entry": current, "version": current.version}, current.values(), {})
    values = formview.submitted(EntryForm(), request.form)
    version = request.form.get("version", type=int)
    if version is None:
        # a form without the version it was filled from: it cannot be told current
        raise ConflictError("catalogue.entry_changed", entry=entry_id)
    context = {"entry": current, "version": version}
    try:
        changed = _engine().basic_catalogue.edit(current_user.username, entry_id, values, version)
    except FormValidationError as exc:
        return _entry_form(context, values, exc.errors, 422)
    flash(_("已保存修改。") if changed else _("没有修改任何内容。"))
    return redirect(url_for("office.entry", entry_id=entry_id))


@bp.post("/office/catalogue/<id:entry_id>/retire")
@login_required
def retire_entry(entry_id: int) -> ResponseReturnValue:
    """Take an entry out of use (the office)."""
    _keeper()
    _engine().basic_catalogue.retire(current_user.username, entry_id)
    flash(_("已停用该目录事项。"))
    return redirect(url_for("office.entry", entry_id=entry_id))


@bp.post("/office/catalogue/<id:entry_id>/restore")
@login_required
def restore_entry(entry_id: int) -> ResponseReturnValue:
    """Put a retired entry back in use (the office)."""
    _keeper()
    _engine().basic_catalogue.restore(current_user.username, entry_id)
    flash(_("已恢复使用该目录事项。"))
    return redirect(url_for("office.entry", entry_id=entry_id))


@bp.post("/office/catalogue/<id:entry_id>/formed")
@login_required
def record_formed(entry_id: int) -> ResponseReturnValue:
    """Record the day an entry's information was formed or changed (the office)."""
    _keeper()
    sent = {"formed_on": request.form.get("formed_on", "")}
    try:
        _engine().basic_catalogue.record_formed(current_user.username, entry_id, sent["formed_on"])
    except FormValidationError as exc:
        # the page again, with the day typed and its problem beside it; nothing recorded
        return _entry_page(entry_id, sent, exc.errors), 422
    flash(_("已登记信息形成或变更日期。"))
    return redirect(url_for("office.entry", entry_id=entry_id))


@bp.get("/office/catalogue/unfiled")
@login_required
def unfiled() -> ResponseReturnValue:
    """List the published proactive documents not yet filed under an entry (the to-do)."""
    return _unfiled_page()


def _unfiled_page(refused: int | None = None, errors: dict[str, str] | None = None) -> str:
    """Render the to-do; ``refused`` is a document whose filing came back, and why."""
    desk = _engine().basic_catalogue
    page = desk.unfiled(current_user.username, before=paging.id_arg("before"))
    choices = desk.choices(current_user.username) if page.may_manage else ()
    return render_template(
        "office_unfiled.html",
        page=page,
        choices=choices,
        **paging.links("office.unfiled", {}, "before", page.next_before),
        refused=refused,
        errors=errors or {},
        here=paging.kept("before"),
    )


@bp.post("/office/catalogue/file")
@login_required
def file_document() -> ResponseReturnValue:
    """File a published document under an entry (the office), from the to-do or the document."""
    _keeper()
    document_id = request.form.get("document_id", type=int)
    entry_id = request.form.get("entry_id", type=int)
    if document_id is None or not 0 < document_id <= MAX_ID:
        abort(400)
    back = (
        url_for("documents.document", document_id=document_id)
        if request.form.get("next") == "document"
        else url_for("office.unfiled", **paging.kept("before"))
    )
    if entry_id is None:
        # the page it was sent from again, said beside the box; nothing filed
        errors = {"entry_id": _("请选择要归入的目录事项。")}
        if request.form.get("next") == "document":
            return document_page(document_id, filing_errors=errors), 422
        return _unfiled_page(document_id, errors), 422
    try:
        _engine().basic_catalogue.file(current_user.username, document_id, entry_id)
    except (ConflictError, InvalidInputError, NotFoundError) as exc:
        flash(error_message(exc), "error")
        return redirect(back)
    flash(_("已归入目录事项。"))
    return redirect(back)


# -- oversight -------------------------------------------------------------------------------------


def _period() -> Period:
    """Return the period asked for; by default the current quarter (China time)."""
    today = _engine().oversight.today()
    kind = request.args.get("kind") or "quarter"
    year = request.args.get("year") or str(today.year)
    if kind == "month":
        number = request.args.get("month") or str(today.month)
    else:
        number = request.args.get("quarter") or str((today.month - 1) // 3 + 1)
    return period(kind, year, number)


def _chosen() -> dict[str, str]:
    return {
        key: request.args.get(key, "")
        for key in ("kind", "year", "quarter", "month")
        if request.args.get(key)
    }


def _chosen_of(chosen: Period) -> dict[str, str]:
    """Return the query of a period, as the form and the export links carry it."""
    query = {"kind": chosen.kind, "year": str(chosen.year)}
    if chosen.kind != "year":
        query[chosen.kind] = str(chosen.number)
    return query


def _department_name(name: str | None) -> str:
    return name if name is not None else pick(*NO_DEPARTMENT)


def _charts(report: OversightReport) -> dict[str, dict[str, Any]]:
    """Return the data the charts draw: on-time rates, and returns by reason."""
    categories = [_department_name(d.department) for d in report.departments]
    rates = {
        "categories": categories,
        "percent": True,
        "series": [
            {"name": _("按时发布率"), "data": [d.publishing.percent for d in report.departments]},
            {
                "name": _("按时解读率"),
                "data": [d.interpretation.percent for d in report.departments],
            },
            {"name": _("按时答复率"), "data": [d.replies.percent for d in report.departments]},
        ],
    }
    # only the reasons given in the period: the table lists every one
    returns = {
        "categories": categories,
        "stacked": True,
        "series": [
            {
                "name": pick(*reason_label(code)),
                "data": [d.reason(code) for d in report.departments],
            }
            for code in report.reasons
            if report.total.reason(code)
        ],
    }
    return {"rates": rates, "returns": returns}


@bp.get("/office/oversight")
@login_required
def oversight() -> ResponseReturnValue:
    """Show each department's figures for a period: charts, a table, exports."""
    engine = _engine()
    today = engine.oversight.today()
    try:
        chosen = _period()
    except InvalidInputError as exc:
        # the form again, with what is wrong; nothing is counted
        page = render_template(
            "office_oversight.html",
            report=None,
            problem=error_message(exc),
            # the box the problem is with (a kind, quarter or month can only be chosen)
            problem_field="year" if exc.code == "report.bad_year" else None,
            chosen=_chosen(),
            today=today,
            PERIOD_KINDS=PERIOD_KINDS,
        )
        return page, 400
    report = engine.oversight.report(current_user.username, chosen)
    return render_template(
        "office_oversight.html",
        report=report,
        problem=None,
        chosen=_chosen_of(chosen),
        today=today,
        charts=_charts(report),
        department_name=_department_name,
        reason_label=reason_label,
        BASE_COLUMNS=BASE_COLUMNS,
        AFTER_REASONS=AFTER_REASONS,
        TOTAL=TOTAL,
        PERIOD_KINDS=PERIOD_KINDS,
    )


def _download(content: bytes | str, mimetype: str, name: str) -> Response:
    return Response(
        content,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/office/oversight.csv")
@login_required
def oversight_csv() -> ResponseReturnValue:
    """Download the period's figures as CSV."""
    report = _engine().oversight.report(current_user.username, _period())
    name = f"oversight-{report.period.key}.csv"
    return _download(to_csv(report), "text/csv; charset=utf-8", name)


@bp.get("/office/oversight.xlsx")
@login_required
def oversight_xlsx() -> ResponseReturnValue:
    """Download the period's figures as an XLSX workbook."""
    report = _engine().oversight.report(current_user.username, _period())
    return _download(to_xlsx(report), XLSX, f"oversight-{report.period.key}.xlsx")
