"""Drafting: a new document from its first save, my documents (我的公文), withdraw, delete."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import ConflictError, Engine, FormValidationError, Problem
from engine.attachments import Upload
from engine.disclosure.drafts import PROCESS, STATES
from engine.forms import new_submission

from . import formview, paging, tasks
from .messages import error_message

bp = Blueprint("drafts", __name__)

#: what my documents' states are called
STATE_LABELS = {
    "drafting": ("起草中", "Drafting"),
    "in_review": ("审核中", "In review"),
    "issued": ("已印发", "Issued"),
    "deleted": ("已删除", "Deleted"),
    "closed": ("已办结", "Closed"),
}


def _engine() -> Engine:
    return current_app.extensions["gongkai.engine"]


def _uploads(schema: object) -> dict[str, Upload]:
    return {
        name: Upload(upload.filename or "", upload.read())
        for name in getattr(schema, "FILE_FIELDS", ())
        if (upload := request.files.get(name)) is not None and upload.filename
    }


@bp.route("/drafts/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    """Show an empty draft; the first save (or submitting it) makes the document exist."""
    engine = _engine()
    view = engine.queries.draft_form(PROCESS, current_user.username)
    errors: dict[str, list[Problem]] = {}
    values = view.values
    status = 200
    if request.method == "POST":
        data = formview.submitted(view.form, request.form)
        files = _uploads(view.form)
        values = {**values, **data}
        submitting = request.form.get("action") != "save"
        submission = request.form.get("submission", "")
        try:
            if submitting:
                # Check it all before anything exists: a refused draft leaves nothing behind.
                engine.forms.validate(view.form_name, data)
            instance = engine.start_draft(
                PROCESS, current_user.username, data, files, submission or None
            )
            if submitting:
                # The draft keeps the uploads start_draft stored: sent again they were stored twice.
                task = instance.ready_tasks[0]
                instance = engine.complete_task(task.task_id, current_user.username, data)
        except FormValidationError as exc:
            errors, status = exc.errors, 422
        except ConflictError as exc:
            if exc.code != "form.already_sent":
                raise
            # The first sending (a double click) started the draft: it is among his documents.
            flash(error_message(exc), "warning")
            return redirect(url_for("drafts.mine"))
        else:
            if submitting:
                return tasks.submitted(instance, data.get("title") or "", url_for("drafts.mine"))
            flash(_("草稿已保存。"))
            return redirect(url_for("tasks.task", task_id=instance.ready_tasks[0].task_id))
    fields_ = formview.build(view.form, values, errors, {}, {})
    page = render_template(
        "draft_new.html",
        view=view,
        fields=fields_,
        errors=errors,
        submission=request.form.get("submission") or new_submission(),
    )
    return page, status


@bp.get("/mine")
@login_required
def mine() -> ResponseReturnValue:
    """List the documents I drafted or worked on: where each is, who has it, the last opinion."""
    state = request.args.get("state", "").strip() or None
    year = request.args.get("year", "").strip()
    problems: list[str] = []
    if state is not None and state not in STATES:
        problems.append("state")
        state = None
    digits = year.isdecimal() and len(year) == 4  # int() reads every decimal digit
    chosen_year = int(year) if digits and 2000 <= int(year) <= 2100 else None
    if year and chosen_year is None:
        problems.append("year")
    page = _engine().drafts.mine(current_user.username, state, chosen_year, paging.id_arg("before"))
    return render_template(
        "my_documents.html",
        page=page,
        state=state,
        year=chosen_year,
        problems=problems,
        states=STATES,
        state_labels=STATE_LABELS,
        **paging.links("drafts.mine", request.args.to_dict(), "before", page.next_before),
    )


@bp.post("/drafts/<id:instance_id>/withdraw")
@login_required
def withdraw(instance_id: int) -> ResponseReturnValue:
    """Take a submitted draft back before its first reviewer has started (撤回)."""
    instance = _engine().drafts.withdraw(instance_id, current_user.username)
    flash(_("已撤回，可以修改后重新提交。"))
    return redirect(url_for("tasks.task", task_id=instance.ready_tasks[0].task_id))


@bp.route("/drafts/<id:instance_id>/delete", methods=["GET", "POST"])
@login_required
def delete(instance_id: int) -> ResponseReturnValue:
    """Ask, then delete a draft never submitted (删除草稿); its history is kept."""
    if request.method == "POST":
        _engine().delete_draft(instance_id, current_user.username, _("起草人删除了未提交的草稿"))
        flash(_("草稿已删除。"))
        return redirect(url_for("drafts.mine"))
    return render_template("draft_delete.html", instance_id=instance_id)
