"""Administration: tasks, the holiday schedule, the departments and the agency profile."""

from __future__ import annotations

import dataclasses
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import Engine, FormValidationError, InvalidInputError, Problem
from engine.disclosure.agency import AgencyForm

from . import formview, paging
from .messages import error_message

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _engine() -> Engine:
    return current_app.extensions["gongkai.engine"]


@bp.context_processor
def _calendar_notice() -> dict[str, Any]:
    # Only the admin's pages tell of schedules that are missing.
    return {"missing_years": _engine().calendar.missing_years()}


def admin_required(view: Any) -> Any:
    """Let only administrators through."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.has_role("admin"):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.get("/tasks")
@admin_required
def tasks() -> ResponseReturnValue:
    """List every open task with the users it may be reassigned to."""
    engine = _engine()
    role = request.args.get("role", "").strip() or None
    page = engine.queries.all_open_tasks(
        current_user.username, request.args.get("after"), role=role
    )
    # One read of the user list per group on the page, not one per task.
    holders = {role: engine.users.with_role(role) for role in {t.role for t in page.items}}
    args = {"role": role} if role else {}
    return render_template(
        "admin_tasks.html",
        page=page,
        tasks=page.items,
        holders=holders,
        role=role,
        next_url=paging.next_url("admin.tasks", args, "after", page.next_after),
        first_url=paging.first_url("admin.tasks", args, "after"),
    )


@bp.post("/tasks/<task:task_id>/reassign")
@admin_required
def reassign(task_id: str) -> ResponseReturnValue:
    """Hand a task to another holder of its role."""
    to_user = request.form.get("to_user", "")
    _engine().reassign(task_id, current_user.username, to_user)
    flash(_("已改派给 %(user)s。", user=to_user))
    return redirect(url_for("admin.tasks"))


@bp.route("/calendar", methods=["GET", "POST"])
@admin_required
def calendar() -> ResponseReturnValue:
    """Load the State Council's holiday schedule for a year."""
    error = None
    text = request.form.get("schedule", "")
    if request.method == "POST":
        try:
            count = _engine().calendar.load(text, current_user.username)
        except InvalidInputError as exc:
            error = error_message(exc)
        else:
            flash(_("已载入 %(count)d 天。", count=count))
            return redirect(url_for("admin.calendar"))
    status = 400 if error else 200
    years = _engine().calendar.schedule_years()
    return render_template("admin_calendar.html", error=error, schedule=text, years=years), status


@bp.route("/departments", methods=["GET", "POST"])
@admin_required
def departments() -> ResponseReturnValue:
    """List the departments with how many users each has; add one."""
    engine = _engine()
    error = None
    name = request.form.get("name", "")
    if request.method == "POST":
        try:
            added = engine.users.add_department(current_user.username, name)
        except InvalidInputError as exc:
            error = error_message(exc)
        else:
            flash(_("已添加处室“%(name)s”。", name=added))
            return redirect(url_for("admin.departments"))
    listed = engine.users.department_list()
    page = render_template("admin_departments.html", departments=listed, error=error, name=name)
    return page, 400 if error else 200


@bp.post("/departments/retire")
@admin_required
def retire_department() -> ResponseReturnValue:
    """Take a department off the list: its members keep it, no one new joins it."""
    retired = _engine().users.retire_department(current_user.username, request.form.get("name", ""))
    flash(_("已撤销处室“%(name)s”。", name=retired))
    return redirect(url_for("admin.departments"))


@bp.route("/agency", methods=["GET", "POST"])
@admin_required
def agency() -> ResponseReturnValue:
    """Show the agency profile every reply letter states, and save it."""
    engine = _engine()
    schema = AgencyForm()
    errors: dict[str, list[Problem]] = {}
    status = 200
    if request.method == "POST":
        values = formview.submitted(schema, request.form)
        try:
            engine.agency.save(current_user.username, values)
        except FormValidationError as exc:
            errors, status = exc.errors, 422
        else:
            flash(_("机关信息已保存。"))
            return redirect(url_for("admin.agency"))
    profile = engine.agency.get()
    if request.method == "GET":
        values = dataclasses.asdict(profile)
    fields = formview.build(schema, values, errors)
    complete = engine.agency.is_complete(profile)
    page = render_template("admin_agency.html", fields=fields, errors=errors, complete=complete)
    return page, status
