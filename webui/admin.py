"""Administration: oversee and reassign tasks, load the holiday schedule."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import Engine, InvalidInputError

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
    open_tasks = engine.queries.all_open_tasks(current_user.username)
    holders = {t.role: engine.users.with_role(t.role) for t in open_tasks}
    return render_template("admin_tasks.html", tasks=open_tasks, holders=holders)


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
    return render_template("admin_calendar.html", error=error, schedule=text), status
