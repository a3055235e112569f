"""The inbox and task pages: see, claim and complete one's tasks."""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
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
from markupsafe import Markup

from engine import ConflictError, Engine, FormValidationError, PermissionDeniedError, Problem
from engine.attachments import Upload
from engine.disclosure.catalogue import sheet_entry
from engine.disclosure.documents import RETURN_FIELDS, RETURN_REASONS
from engine.disclosure.draft_rules import draft_return_reasons
from engine.disclosure.requests.desk import RequestView
from engine.forms import FormSchema
from engine.views import InstanceView, TaskView, acts

from . import formview, i18n, paging, requests
from .errors import error_page
from .messages import error_message

bp = Blueprint("tasks", __name__)


def _engine() -> Engine:
    return current_app.extensions["gongkai.engine"]


#: the task page's own controls, by what they carry: named with the '_' that no form field's
#: name begins with, so that a form's own "version" or "action" field (a Camunda form may
#: have one) is read as typed and not mistaken for them
_CONTROLS = {"version": "_version", "action": "_action"}


def _control(name: str, kind: type = str) -> Any:
    """Return what the task page's own control ``name`` posted (a client's older name too)."""
    posted = request.form
    own = _CONTROLS[name]
    return posted.get(own if own in posted else name, type=kind)


#: a posted value that is a choice's key or a number, not words someone typed
_TOKEN = re.compile(r"[\w.:-]{0,40}", re.ASCII)


def _refused_post(exc: PermissionDeniedError, schema: FormSchema | None) -> ResponseReturnValue:
    """Refuse a form posted to a task taken meanwhile by someone else, keeping what was typed.

    Nothing was saved; the words typed are shown to copy (a choice's key is not).
    """
    labels = {f.name: f.label for f in formview.build(schema, {}, {})} if schema else {}
    typed = [
        (labels.get(name, _("已填写的内容")), text)
        for name, text in request.form.items(multi=True)
        if name not in ("csrf_token", *_CONTROLS.values(), *_CONTROLS)
        and text.strip()
        and not _TOKEN.fullmatch(text.strip())
    ]
    return error_page(403, _("无权办理"), error_message(exc), kept=typed)


def submitted(instance: InstanceView, name: str, onward: str) -> ResponseReturnValue:
    """Say what became of a submitted task, and go on to where the user works next.

    A submission the process at once sent back (退文: a draft that does not
    meet the rules) is not "submitted": the user is told so and taken to the
    returned task, whose page gives the reasons.
    """
    returned = next((t for t in instance.ready_tasks if t.returned == "automatic"), None)
    if returned is not None and _mine(returned):
        told = _("未能提交：%(name)s 被退回（退文），请按退文原因修改后重新提交。", name=name)
        flash(told, "warning")
        return redirect(url_for("tasks.task", task_id=returned.task_id))
    following = list(dict.fromkeys(i18n.label(t.name, t.labels) for t in instance.ready_tasks))
    if following:
        # What the case waits for now, so that nobody wonders where it went.
        upcoming = _("、").join(following)
        flash(_("已提交：%(name)s。下一步：%(next)s。", name=name, next=upcoming))
    elif instance.status == "completed":
        flash(_("已提交：%(name)s。此事项已办结。", name=name))
    else:
        flash(_("已提交：%(name)s", name=name))
    return redirect(onward)


def _delivery_to_do(signed: RequestView) -> Markup | None:
    """Say what the signer does next with a signed reply the applicant gets on paper.

    The applicant reads the letter online at once; one who asked for it by post
    or to collect it gets it only when the office prints and posts or hands it
    over. gongkai keeps no record of that, so this only says what to do.
    """
    if signed.delivery not in ("mail", "collect"):
        return None
    letter = Markup('<a href="{}">{}</a>').format(
        url_for("requests.staff_letter_pdf", request_id=signed.id), _("答复书（PDF）")
    )
    if signed.delivery == "mail":
        told = _(
            "申请人要求邮寄答复：请打印%(letter)s，寄往申请人的通信地址：%(address)s。",
            letter=letter,
            address=Markup.escape(signed.address),
        )
    else:
        told = _(
            "申请人要求自行领取答复：请打印%(letter)s，"
            "通知申请人（电话 %(phone)s）前来领取，当面交给申请人。",
            letter=letter,
            phone=Markup.escape(signed.phone),
        )
    return Markup(told)


def _mine(task: TaskView) -> bool:
    return task.claimed_by in (None, current_user.username)


def _issued_number(data: dict[str, object]) -> str | None:
    """Return the number a case's document was issued under (文号), if it was issued."""
    issued = data.get("issued")
    number = issued.get("number") if isinstance(issued, dict) else None
    return number if isinstance(number, str) and number else None


def _still_returned(values: dict[str, Any]) -> dict[str, list[Problem]]:
    """Return, by field, why a draft sent back by the rules (退文) would come back again.

    Said beside the field to put right, where the keyboard lands; a reason already
    put right (the draft saved since) is not said again.
    """
    reasons = draft_return_reasons(
        values.get("attribute"),
        values.get("attribute_reason"),
        values.get("withheld_basis"),
        values.get("government_draft"),
        values.get("doc_type"),
        values.get("interpretation_plan"),
    )
    marked: dict[str, list[Problem]] = {}
    for code in reasons:
        if code in RETURN_FIELDS:
            reason = i18n.pick(*RETURN_REASONS[code])
            marked.setdefault(RETURN_FIELDS[code], []).append(
                Problem("draft.returned_for", {"reason": reason})
            )
    return marked


def _gone(task_id: str) -> ResponseReturnValue:
    """Say that a task is no longer open and, when its link named its case, who did it and when.

    Inbox links name the instance (``?case=``): without it the task's id alone
    cannot say where it was, now that its work item is gone.
    """
    case = request.args.get("case", type=int)
    outcome = _engine().queries.task_outcome(task_id, case, current_user.username) if case else None
    return render_template("task_gone.html", outcome=outcome), 409


@bp.get("/")
@login_required
def inbox() -> ResponseReturnValue:
    """List the tasks the user may take, claimed ones first, with due dates."""
    engine = _engine()
    page = engine.queries.inbox(current_user.username, request.args.get("after"))
    if not page.items and not request.args and not current_user.gets_tasks:
        # An auditor's or an administrator's groups get no tasks: his work is elsewhere
        # (a bookmark of 待办, or a sign-in that was sent back here, still lands there).
        return redirect(current_user.home)
    countdowns = engine.calendar.countdowns(t.due_at for t in page.items)
    return render_template(
        "inbox.html",
        page=page,
        tasks=page.items,
        countdowns=countdowns,
        next_url=paging.next_url("tasks.inbox", {}, "after", page.next_after),
        first_url=paging.first_url("tasks.inbox", {}, "after"),
    )


@bp.route("/tasks/<task:task_id>", methods=["GET", "POST"])
@login_required
def task(task_id: str) -> ResponseReturnValue:
    """Show a task's form; complete the task with the submitted data."""
    engine = _engine()
    try:
        view = engine.queries.task_form(task_id, current_user.username)
    except ConflictError as exc:
        if exc.code == "task.gone":
            return _gone(task_id)
        raise
    except PermissionDeniedError as exc:
        if request.method == "POST":
            return _refused_post(exc, None)
        raise
    errors: dict[str, list[Problem]] = {}
    values = view.values
    status = 200
    if request.method == "POST":
        schema = view.form
        data = formview.submitted(schema, request.form)
        files = {
            name: Upload(upload.filename or "", upload.read())
            for name in schema.FILE_FIELDS
            if (upload := request.files.get(name)) is not None and upload.filename
        }
        version = _control("version", int)
        saving = view.drafting and _control("action") == "save"
        # Read while he holds the task: once signed, the request is no longer his to read.
        signing = (
            engine.requests.of_instance(view.task.instance_id, current_user.username)
            if view.task.form == "reply_sign_off"
            else None
        )
        try:
            if saving:
                engine.save_task(task_id, current_user.username, data, version, files)
            else:
                done = engine.complete_task(task_id, current_user.username, data, version, files)
        except FormValidationError as exc:
            errors = exc.errors
            values = {**values, **data}
            status = 422
        except ConflictError as exc:
            if exc.code == "task.gone":  # done by someone else while this page was open
                return _gone(task_id)
            raise
        except PermissionDeniedError as exc:
            return _refused_post(exc, schema)
        else:
            if saving:
                flash(_("草稿已保存。"))
                return redirect(url_for("tasks.task", task_id=task_id))
            name = i18n.label(view.task.name, view.task.labels)
            if view.task.subject:
                # An inbox often holds several of one step: say which case was done.
                name = _("%(step)s“%(subject)s”", step=name, subject=view.task.subject)
            onward = url_for("drafts.mine") if view.drafting else url_for("tasks.inbox")
            number = _issued_number(done.data)
            if number and number != _issued_number(view.data):
                # The leader who signs wants the number the document goes out under.
                flash(_("已印发，文号：%(number)s。", number=number))
            answer = submitted(done, name, onward)
            if signing is not None and "reply" in done.data and (told := _delivery_to_do(signing)):
                flash(told)
            return answer
    # The registrar gives a request to one of the departments that have a handler.
    suggestions = (
        {"department": engine.requests.handling_departments()}
        if view.data.get("request_id")
        else {}
    )
    # A draft sent back by the rules: its notice says so; its fields say what is left to do.
    refused = bool(errors)
    if not errors and view.drafting and view.last_return and view.last_return.data.get("automatic"):
        errors = _still_returned(values)
    fields_ = formview.build(view.form, values, errors, view.data, suggestions)
    # The reviewer reads the text with its findings first, then concludes.
    fields_.sort(key=lambda f: f.widget != "findings")
    preview = (
        engine.publication.preview(task_id, current_user.username)
        if view.task.form == "publish_document"
        else None
    )
    request_view = (
        engine.requests.of_instance(view.task.instance_id, current_user.username)
        if view.data.get("request_id")
        else None
    )
    hits = (
        engine.catalogue.search_for_request(request_view.description, current_user.username)
        if request_view is not None and view.task.element_id == "handle"
        else []
    )
    # The office head signs the text the applicant gets: after the review, de-identified.
    letter = (
        engine.requests.draft_letter(request_view.id, current_user.username, engine.agency.get())
        if request_view is not None and view.task.element_id == "sign_reply"
        else None
    )
    # a task of a process not the domain's (a deployed third-party BPMN): no approval
    # sheet or draft number, which only the domain's documents have; its history instead
    generic = view.task.form not in engine.domain.forms
    # A reviewer reads the opinions given so far before he gives his own.
    opinions = (
        tuple(sheet_entry(e.type, e.actor, e.at, e.data, view.names) for e in view.recent)
        if not generic and "request_id" not in view.data and not view.drafting
        else ()
    )
    page = render_template(
        "task.html",
        view=view,
        generic=generic,
        opinions=opinions,
        # the box shows the sheet's newest lines: it says so where there are more
        opinions_shown=acts((e.type, e.actor) for e in view.recent),
        fields=fields_,
        errors=errors,
        refused=refused,
        request_view=request_view,
        hits=hits,
        preview=preview,
        sent_text=letter.body if letter is not None else None,
        **(requests.request_labels(request_view) if request_view else {}),
    )
    return page, status


@bp.post("/tasks/<task:task_id>/claim")
@login_required
def claim(task_id: str) -> ResponseReturnValue:
    """Claim a task so that other holders of the role no longer see it."""
    _engine().claim(task_id, current_user.username)
    flash(_("已认领。"))
    return redirect(url_for("tasks.task", task_id=task_id))


@bp.post("/tasks/<task:task_id>/release")
@login_required
def release(task_id: str) -> ResponseReturnValue:
    """Give a claimed task back to the role."""
    _engine().release(task_id, current_user.username)
    flash(_("已释放，其他同岗位人员可以办理。"))
    return redirect(url_for("tasks.inbox"))
