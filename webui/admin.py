"""Administration: tasks, the holiday schedule, the departments, the agency profile, the users."""

from __future__ import annotations

import dataclasses
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import DeploymentError, Engine, FormValidationError, InvalidInputError, Problem
from engine.definitions import decode_file
from engine.disclosure.agency import AgencyForm
from engine.disclosure.roles import TASKLESS
from engine.forms import FormSchema
from engine.users import DISPLAY_NAME_MAX, NewUserForm, UserFilter, UserForm
from engine.views import UserView

from . import formview, paging
from .filters import choice_filter, text_filter
from .i18n import label, pick
from .messages import error_message, group_name, left_blank, problem_element, problem_words

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


def _task_groups() -> dict[str, str]:
    """Return the groups the task list may be filtered by, with their names.

    The domain's groups that its workflows give tasks to, then the others that open tasks
    are for: the lanes of deployed third-party processes (whose name is the group's own),
    and an auditor's or administrator's group only where such a lane gives it a task.
    """
    domain = [g for g in _engine().domain.groups if g not in TASKLESS]
    others = [
        g for g in _engine().queries.open_task_groups(current_user.username) if g not in domain
    ]
    return {g: group_name(g) for g in [*domain, *others]}


#: who ``gongkai serve`` records as deploying the bundled workflows when it starts
BUNDLED_DEPLOYER = "gongkai serve"

#: what of the task list's address says which page it shows (kept by the forms on it)
_TASKS_PAGE = ("role", "after")


@bp.get("/tasks")
@admin_required
def tasks() -> ResponseReturnValue:
    """List every open task with the users it may be reassigned to."""
    return _tasks_page()


def _tasks_page(refused: str | None = None, errors: dict[str, str] | None = None) -> str:
    """Render the open tasks; ``refused`` is a task whose reassignment came back, and why."""
    engine = _engine()
    groups = _task_groups()
    chosen = choice_filter("role", groups)
    role = chosen.value or None
    page = engine.queries.all_open_tasks(
        current_user.username, request.args.get("after"), role=role
    )
    # One read of the user list per group on the page, not one per task.
    members = {g: engine.users.with_role(g) for g in {g for t in page.items for g in t.groups}}
    # The users a task lists besides its groups (camunda:candidateUsers) may take it too.
    listed = {u for t in page.items for u in t.users}
    everyone = engine.users.list() if listed else []
    named = {u.username: u for u in everyone if u.username in listed and u.active}
    holders = {
        t.task_id: list(
            (
                {u.username: u for g in t.groups for u in members[g]}
                | {n: named[n] for n in t.users if n in named}
            ).values()
        )
        for t in page.items
    }
    args = {"role": role} if role else {}
    return render_template(
        "admin_tasks.html",
        page=page,
        tasks=page.items,
        holders=holders,
        role=role,
        chosen_role=chosen,
        groups=groups,
        **paging.links("admin.tasks", args, "after", page.next_after),
        refused=refused,
        errors=errors or {},
        here=paging.kept(*_TASKS_PAGE),
    )


@bp.post("/tasks/<task:task_id>/reassign")
@admin_required
def reassign(task_id: str) -> ResponseReturnValue:
    """Hand a task to another holder of its role."""
    to_user = request.form.get("to_user", "")
    if not to_user:
        # the list again, said beside the task's box; nothing reassigned
        return _tasks_page(task_id, {"to_user": _("请先选择改派给谁。")}), 422
    task = _engine().reassign(task_id, current_user.username, to_user)
    # Say which task went to whom, by the name the list shows (its login name was all it said).
    flash(
        _(
            "已将“%(task)s：%(subject)s”改派给 %(name)s（%(user)s）。",
            task=label(task.name, task.labels),
            subject=task.subject or _("（未命名）"),
            name=_engine().users.get(to_user).display_name,
            user=to_user,
        )
    )
    return redirect(url_for("admin.tasks", **paging.kept(*_TASKS_PAGE)))


@bp.route("/calendar", methods=["GET", "POST"])
@admin_required
def calendar() -> ResponseReturnValue:
    """Load the State Council's holiday schedule for a year."""
    error = None
    text = request.form.get("schedule", "")
    if request.method == "POST":
        # A blank box is said like any other form's (此项必填, beside it), before the engine.
        error = left_blank(request.form, ["schedule"]).get("schedule")
        if error is None:
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
    """List the departments with how many users each has; add one, or restore a retired one."""
    engine = _engine()
    error = None
    name = request.form.get("name", "")
    if request.method == "POST":
        try:
            added = engine.users.add_department(current_user.username, name)
        except InvalidInputError as exc:
            error = error_message(exc)
        else:
            if added.restored:
                flash(_("已恢复处室“%(name)s”：可以再为其分配新用户。", name=added.name))
            else:
                flash(_("已添加处室“%(name)s”。", name=added.name))
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


#: what a deployment may hold: BPMN files (jBPM's and Eclipse's modelers save .bpmn2), their DMN
#: tables and JSON form schemas
_WORKFLOW_FILES = (".bpmn", ".bpmn2", ".xml", ".dmn", ".json")


@bp.route("/workflows", methods=["GET", "POST"])
@admin_required
def workflows() -> ResponseReturnValue:
    """List the deployed versions of the workflows; check and deploy uploaded files."""
    engine = _engine()
    problems: list[Any] = []
    error = None
    if request.method == "POST":
        try:
            files = _uploaded_workflow()
            result = engine.deploy_uploaded(current_user.username, files)
        except DeploymentError as exc:
            problems = list(exc.problems)
        except InvalidInputError as exc:
            error = error_message(exc)
        else:
            if result.created:
                # By the names the list of versions shows, and what the new version is for:
                # the ids alone (simple_approval) left a newcomer wondering what changed.
                named = engine.queries.process_names()
                processes = pick("、", ", ").join(
                    f"{label(*named[p]) if p in named else p}{pick('（', ' (')}{p}{pick('）', ')')}"
                    for p in result.process_ids
                )
                message = _(
                    "已部署为版本 %(id)s：%(processes)s。"
                    "新发起的按此版本办理，已在办理的仍按原版本办理。",
                    id=result.definition_id,
                    processes=processes,
                )
            else:
                message = _(
                    "这些文件与已部署的版本 %(id)s 相同，没有重复部署。", id=result.definition_id
                )
            flash(message)
            return redirect(url_for("admin.workflows"))
    args = request.args.to_dict()
    versions = engine.queries.definition_versions(
        current_user.username, request.args.get("before", type=int)
    )
    page = render_template(
        "admin_workflows.html",
        versions=versions,
        names=versions.names,
        deployers={BUNDLED_DEPLOYER: _("服务启动时（内置流程）")},
        process_names=engine.queries.process_names(),
        problems=[
            {
                "file": p.file,
                "element_id": p.element_id,
                "element": problem_element(p),
                "words": problem_words(p),
            }
            for p in problems
        ],
        error=error,
        next_url=paging.next_url("admin.workflows", args, "before", versions.next_before),
        first_url=paging.first_url("admin.workflows", args, "before"),
    )
    return page, 422 if problems or error else 200


def _uploaded_workflow() -> dict[str, str]:
    """Return the uploaded files by name, as text; refuse what cannot be one."""
    files: dict[str, str] = {}
    for upload in request.files.getlist("files"):
        name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        if not name:
            continue
        if not name.lower().endswith(_WORKFLOW_FILES):
            raise InvalidInputError("definition.file_kind", file=name)
        try:
            files[name] = decode_file(upload.read())
        except ValueError as exc:
            raise InvalidInputError("definition.not_text", file=name, why=str(exc)) from None
    if not files:
        raise InvalidInputError("definition.no_files")
    return files


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
    if request.method != "POST":  # GET, or HEAD: its headers
        values = dataclasses.asdict(profile)
    fields = formview.build(schema, values, errors)
    complete = engine.agency.is_complete(profile)
    page = render_template("admin_agency.html", fields=fields, errors=errors, complete=complete)
    return page, status


# -- users and their groups (用户管理) ---------------------------------------------------

#: the list's "active or not" filter -> what the engine filters by
_STATUSES = {"active": True, "inactive": False}
#: the longest part of a user name or display name the list of users is searched by: a
#: whole display name, the longer of the two
USER_SEARCH_MAX = DISPLAY_NAME_MAX


def _group_names() -> dict[str, str]:
    """Return every group the domain knows, by id, named in the reader's language."""
    return {key: pick(group.zh, group.en) for key, group in _engine().domain.groups.items()}


def _user_fields(
    schema: FormSchema,
    values: dict[str, Any],
    errors: dict[str, list[Problem]],
    current_department: str | None = None,
) -> dict[str, formview.FieldView]:
    """Return a user form's inputs by name: the department as a select of the open ones."""
    built = {f.name: f for f in formview.build(schema, values, errors)}
    departments = _engine().users.departments()
    if current_department and current_department not in departments:
        departments.append(current_department)  # a retired one he stays in
    department = built["department"]
    department.widget = "select"
    department.choices = [("", _("（无）")), *((d, d) for d in departments)]
    if department.value not in departments:
        department.value = ""
    department.placeholder = False
    groups = built["groups"]
    groups.choices = list(_group_names().items())
    groups.value = list(values.get("groups") or [])
    return built


@bp.get("/users")
@admin_required
def users() -> ResponseReturnValue:
    """List the users a page at a time, filtered by name, group, department and status."""
    engine = _engine()
    groups = _group_names()
    departments = [d.name for d in engine.users.department_list()]
    boxes = {
        "q": text_filter("q", USER_SEARCH_MAX),
        "group": choice_filter("group", groups),
        "department": choice_filter("department", departments),
        "status": choice_filter("status", _STATUSES),
    }
    args = {name: box.value for name, box in boxes.items() if box.value}
    group, department, status = (args.get(name, "") for name in ("group", "department", "status"))
    chosen = UserFilter(args.get("q", ""), group, department, _STATUSES.get(status))
    page = engine.users.find(current_user.username, chosen, request.args.get("after") or None)
    return render_template(
        "admin_users.html",
        users=page.items,
        groups=groups,
        departments=departments,
        boxes=boxes,
        group=group,
        department=department,
        status=status,
        next_url=paging.next_url("admin.users", args, "after", page.next_after),
        first_url=paging.first_url("admin.users", args, "after"),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new() -> ResponseReturnValue:
    """Create a user: name, display name, department, groups and a first password."""
    schema = NewUserForm()
    errors: dict[str, list[Problem]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        values = formview.submitted(schema, request.form)
        try:
            created = _engine().users.create_user(current_user.username, values)
        except FormValidationError as exc:
            errors, status = exc.errors, 422
        else:
            flash(_("已创建用户“%(name)s”。", name=created.display_name))
            return redirect(url_for("admin.user", username=created.username))
        values.pop("password", None)  # a password is never sent back
    fields = _user_fields(schema, values, errors)
    return render_template("admin_user_new.html", fields=fields, errors=errors), status


def _user_page(
    username: str,
    fields: dict[str, formview.FieldView] | None = None,
    errors: dict[str, list[Problem]] | None = None,
    status_error: str | None = None,
    password_error: str | None = None,
    code: int = 200,
) -> ResponseReturnValue:
    """Render a user's page: his form, his status, a new password and his history."""
    engine = _engine()
    admin = current_user.username
    shown = engine.users.user(admin, username)
    if fields is None:
        values = {
            "display_name": shown.display_name,
            "department": shown.department or "",
            "groups": list(shown.roles),
        }
        fields = _user_fields(UserForm(), values, {}, shown.department)
    before = request.args.get("before", "")
    history = engine.users.changes(
        admin, shown.username, int(before) if before.isdecimal() and len(before) < 10 else None
    )
    args = {"username": shown.username}
    page = render_template(
        "admin_user.html",
        user=shown,
        fields=fields,
        errors=errors or {},
        status_error=status_error,
        password_error=password_error,
        claimed=0 if shown.active else engine.users.claimed_tasks(admin, shown.username),
        groups=_group_names(),
        history=history.items,
        next_url=paging.next_url("admin.user", args, "before", history.next_before),
        first_url=paging.first_url("admin.user", args, "before"),
    )
    return page, code


# An empty name (/users//password) is a 404, not a redirect to the page of a user "password".
@bp.route("/users/<user:username>", methods=["GET", "POST"], merge_slashes=False)
@admin_required
def user(username: str) -> ResponseReturnValue:
    """Show a user and his history; save his display name, department and groups."""
    if request.method != "POST":  # GET, or HEAD: never a submission
        return _user_page(username)
    engine = _engine()
    schema = UserForm()
    values = formview.submitted(schema, request.form)
    try:
        saved = engine.users.update_user(current_user.username, username, values)
    except (FormValidationError, InvalidInputError) as exc:
        if isinstance(exc, FormValidationError):
            errors = exc.errors
        else:  # his own admin group, or the last admin's: the groups were refused
            errors = {"groups": [Problem(exc.code, exc.params)]}
        current = engine.users.user(current_user.username, username).department
        fields = _user_fields(schema, values, errors, current)
        return _user_page(username, fields, errors, code=422)
    flash(_("已保存用户“%(name)s”。", name=saved.display_name))
    return redirect(url_for("admin.user", username=saved.username))


def _show_user(shown: UserView) -> ResponseReturnValue:
    return redirect(url_for("admin.user", username=shown.username))


@bp.post("/users/<user:username>/deactivate", merge_slashes=False)
@admin_required
def user_deactivate(username: str) -> ResponseReturnValue:
    """Deactivate a user; his page then says how many open tasks he had claimed."""
    engine = _engine()
    try:
        engine.users.deactivate(current_user.username, username)
    except InvalidInputError as exc:
        return _user_page(username, status_error=error_message(exc), code=400)
    shown = engine.users.user(current_user.username, username)
    # The tasks he claimed are told once, by his status, with the link to reassign them.
    flash(_("已停用用户“%(name)s”：该用户不能再登录。", name=shown.display_name))
    return _show_user(shown)


@bp.post("/users/<user:username>/reactivate", merge_slashes=False)
@admin_required
def user_reactivate(username: str) -> ResponseReturnValue:
    """Let a deactivated user sign in again."""
    shown = _engine().users.reactivate(current_user.username, username)
    flash(_("已启用用户“%(name)s”。", name=shown.display_name))
    return _show_user(shown)


@bp.post("/users/<user:username>/password", merge_slashes=False)
@admin_required
def user_password(username: str) -> ResponseReturnValue:
    """Give a user a new password."""
    engine = _engine()
    try:
        engine.users.set_password(current_user.username, username, request.form.get("password", ""))
    except FormValidationError as exc:
        problems = exc.errors.get("password") or [Problem("form.invalid_value")]
        return _user_page(username, password_error=error_message(problems[0]), code=422)
    shown = engine.users.user(current_user.username, username)
    flash(_("已为用户“%(name)s”设置新密码。", name=shown.display_name))
    return _show_user(shown)
