"""The auditor's pages: every instance, filtered and paged, and each one's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from engine import Engine
from engine.disclosure.documents import RETURN_REASONS
from engine.forms import PROMPT
from engine.queries import FieldTerm, ProcessTerms
from engine.replay import ReplayStep
from engine.views import EventView, InstanceFilter

from . import paging
from .filters import choice_filter, text_filter
from .i18n import label, pick

bp = Blueprint("audit", __name__, url_prefix="/audit")

#: status -> label
STATUSES = {"running": _l("办理中"), "completed": _l("已办结"), "cancelled": _l("已删除")}
#: event type -> what the timeline calls it
EVENTS = {
    "instance_started": _l("发起"),
    "task_completed": _l("办理"),
    "sent_back": _l("退回"),
    "task_claimed": _l("认领"),
    "task_released": _l("释放"),
    "task_reassigned": _l("改派"),
    "timer_fired": _l("计时器到期"),
    "task_reminded": _l("临期提醒"),
    "task_overdue": _l("超期"),
    "message_received": _l("收到消息"),
    "signal_received": _l("收到信号"),
    "data_changed": _l("数据变更"),
    "clock_started": _l("开始计时"),
    "clock_paused": _l("暂停计时"),
    "clock_resumed": _l("恢复计时"),
    "clock_restarted": _l("重新计时"),
    "clock_extended": _l("延期"),
    "correction_asked": _l("告知补正"),
    "attribute_changed": _l("公开属性变更"),
    "instance_completed": _l("办结"),
    "service_completed": _l("自动办理"),
    "task_saved": _l("保存草稿"),
    "instance_cancelled": _l("删除草稿"),
    "tick": _l("计时器检查"),
}
#: how many replayed steps one page shows
STEPS_PER_PAGE = 200
#: the longest name the instances are filtered by (a display name's length)
ACTOR_MAX = 128


def _engine() -> Engine:
    return current_app.extensions["gongkai.engine"]


def _day(name: str, problems: list[str]) -> str | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        problems.append(name)
        return None


@bp.get("/instances")
@login_required
def instances() -> ResponseReturnValue:
    """List the instances, newest first, filtered by process, status, dates, actor, overdue."""
    problems: list[str] = []
    engine = _engine()
    processes = {pid: label(*names) for pid, names in engine.queries.process_names().items()}
    boxes = {
        "process": choice_filter("process", processes),
        "status": choice_filter("status", STATUSES),
        "actor": text_filter("actor", ACTOR_MAX),
    }
    chosen = InstanceFilter(
        process_id=boxes["process"].value or None,
        status=boxes["status"].value or None,
        started_from=_day("from", problems),
        started_to=_day("to", problems),
        actor=boxes["actor"].value or None,
        overdue=request.args.get("overdue") == "1",
    )
    if chosen.started_from and chosen.started_to and chosen.started_from > chosen.started_to:
        problems.append("range")  # nothing starts after it ends: say so, not "none found"
    page = engine.queries.browse_instances(current_user.username, chosen, paging.id_arg("before"))
    return render_template(
        "audit_instances.html",
        page=page,
        **paging.links("audit.instances", request.args.to_dict(), "before", page.next_before),
        chosen=chosen,
        boxes=boxes,
        problems=problems,
        processes=processes,
        statuses=STATUSES,
    )


@bp.get("/instances/<id:instance_id>/verify")
@login_required
def verify(instance_id: int) -> ResponseReturnValue:
    """Verify one instance's history, as `gongkai audit verify --instance` does, and say how."""
    engine = _engine()
    ok, problems, signed = engine.queries.verify_instance(instance_id, current_user.username)
    page = engine.queries.timeline(instance_id, current_user.username, 1, 1)
    return render_template(
        "audit_verify.html", instance=page.instance, ok=ok, problems=problems, signed=signed
    )


@bp.get("/instances/<id:instance_id>/history.jsonl")
@login_required
def export(instance_id: int) -> ResponseReturnValue:
    """Download one instance's history as `gongkai audit export --instance` writes it."""
    instance, lines = _engine().queries.export_history(instance_id, current_user.username)
    # Sent as it is read, a page of events at a time: a long history costs no more memory.
    return Response(
        (line + "\n" for line in lines),
        mimetype="application/jsonl",
        headers={
            "Content-Disposition": f'attachment; filename="{export_name(instance.id)}"',
            "Cache-Control": "private, no-store",
        },
    )


def export_name(instance_id: int) -> str:
    """Return the file name an instance's exported history is saved under."""
    return f"gongkai-history-{instance_id}.jsonl"


@dataclass(frozen=True)
class Entry:
    """One event of a timeline as the auditor reads it: names, not codes."""

    event: EventView
    #: what happened (发起, 办理, 退回…)
    what: str
    #: the BPMN element it happened at, by its name in the reader's language
    step: str | None
    #: a code shown only when the BPMN names nothing (a service's operation)
    code: str | None
    #: why: return reasons by their text, a reason given, a sender's opinion
    reasons: tuple[str, ...]
    comment: str | None
    #: (field label, old, new) and (field label, value), values readable
    changes: tuple[tuple[str, str, str], ...]
    submitted: tuple[tuple[str, str], ...]


def _entry(event: EventView, terms: ProcessTerms) -> Entry:
    data = event.data
    element = data.get("element_id")
    if data.get("name"):
        step: str | None = label(data["name"], data.get("labels"))
    elif element in terms.elements:
        step = label(*terms.elements[element])
    else:
        step = None
    code = data.get("operation") if step is None else None
    fields = terms.field_terms(element if event.type != "data_changed" else None)
    shown = (
        (_field_label(name, fields.get(name)), *_old_new(change, fields.get(name)))
        for name, change in dict(data.get("changes") or {}).items()
    )
    # Nothing to the reader where both read the same (an empty field, then no value: — → —).
    changes = tuple(change for change in shown if change[1] != change[2])
    submitted = (
        tuple(
            (_field_label(name, fields.get(name)), _readable(value, fields.get(name)))
            for name, value in dict(data.get("data") or {}).items()
        )
        if event.type == "task_completed"
        else ()
    )
    reasons = tuple(
        pick(*RETURN_REASONS[code]) if code in RETURN_REASONS else str(code)
        for code in data.get("reasons") or ()
    )
    if data.get("reason"):
        reasons += (str(data["reason"]),)
    comment = str(data["comment"]) if event.type == "sent_back" and data.get("comment") else None
    what = EVENTS.get(event.type, event.type)
    if event.type == "sent_back" and data.get("automatic"):
        what = _l("自动退文")  # returned by the rules, not by a person
    return Entry(
        event,
        str(what),
        step,
        code,
        reasons,
        comment,
        changes,
        submitted,
    )


def _field_label(name: str, term: FieldTerm | None) -> str:
    """Return a field's label in the reader's language, its name when its form gives none."""
    if term is None:
        return name
    return pick(term.label or None, term.label_en) or name


def _old_new(change: Any, term: FieldTerm | None) -> tuple[str, str]:
    """Return a recorded change ([old, new], or {old, new}) as two readable values."""
    if isinstance(change, dict):
        return _readable(change.get("old"), term), _readable(change.get("new"), term)
    if isinstance(change, list | tuple) and len(change) == 2:
        return _readable(change[0], term), _readable(change[1], term)
    return "—", _readable(change, term)


def _readable(value: object, term: FieldTerm | None = None) -> str:
    """Return a recorded value as a reader reads it: 是/否, choices by their label, — for none."""
    if term is not None and isinstance(value, str):
        if value in term.choices:
            return pick(*term.choices[value])
        if value == "" and term.blank and tuple(term.blank) != PROMPT:
            return pick(*term.blank)  # a named none, such as （不适用）
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, dict) and "sha256" in value:
        digest = str(value["sha256"])[:12]
        return f"{value.get('filename', '')}{pick('（', ' (')}SHA-256 {digest}…{pick('）', ')')}"
    if isinstance(value, list):
        return pick("、", ", ").join(_readable(v, term) for v in value)
    return str(value)


@bp.get("/instances/<id:instance_id>")
@login_required
def timeline(instance_id: int) -> ResponseReturnValue:
    """Show a bounded page of one instance's history: who did what, when, what changed."""
    queries = _engine().queries
    page = queries.timeline(instance_id, current_user.username, paging.id_arg("from") or 1)
    terms = queries.terms(instance_id, current_user.username)
    more_url = (
        url_for("audit.timeline", instance_id=instance_id, **{"from": page.next_seq})
        if page.next_seq
        else None
    )
    return render_template(
        "audit_timeline.html",
        page=page,
        may_audit=queries.may_audit(current_user.username),
        export_name=export_name(instance_id),
        entries=[_entry(e, terms) for e in page.events],
        process=label(terms.name, terms.labels),
        statuses=STATUSES,
        more_url=more_url,
    )


@bp.get("/instances/<id:instance_id>/steps")
@login_required
def steps(instance_id: int) -> ResponseReturnValue:
    """Step through an instance's history re-executed on its diagram, one step at a time."""
    queries = _engine().queries
    page = queries.replay(instance_id, current_user.username)
    terms = queries.terms(instance_id, current_user.username)
    first = max(0, request.args.get("from", 0, type=int) or 0)
    shown = page.report.steps[first : first + STEPS_PER_PAGE]
    window = [_step(s, page.names, first + k + 1, terms) for k, s in enumerate(shown)]
    later = first + STEPS_PER_PAGE < len(page.report.steps)
    # A step is one input from outside and every event it led to: say so beside the count.
    position = _(
        "第 %(k)s / %(n)s 步（共 %(events)s 个事件）",
        k="{k}",
        n="{n}",
        events=page.instance.event_count,
    )
    return render_template(
        "audit_steps.html",
        page=page,
        steps=window,
        statuses=STATUSES,
        process=label(terms.name, terms.labels),
        position_label=position,
        process_id=page.instance.process_id,
        earlier_url=url_for(
            "audit.steps", instance_id=instance_id, **{"from": max(0, first - STEPS_PER_PAGE)}
        )
        if first
        else None,
        later_url=url_for(
            "audit.steps", instance_id=instance_id, **{"from": first + STEPS_PER_PAGE}
        )
        if later
        else None,
    )


def _step(
    step: ReplayStep, names: dict[str, str], number: int, terms: ProcessTerms
) -> dict[str, object]:
    """Return one replayed step as the diagram's step-through reads it."""
    what = str(EVENTS.get(step.kind, step.kind))
    if step.name:
        where: str | None = label(step.name, step.labels)
    elif step.element_id in terms.elements:
        where = label(*terms.elements[step.element_id])
    else:
        where = None
    events = (
        _("（事件 %(n)s）", n=step.seq_from)
        if step.seq_from == step.seq_to
        else _("（事件 %(a)s–%(b)s）", a=step.seq_from, b=step.seq_to)
    )
    title = f"{number}. {what}" + (f" · {where}" if where else "") + events
    return {
        "seq_from": step.seq_from,
        "seq_to": step.seq_to,
        "at": step.at,
        "actor": step.actor,
        "actor_name": names.get(step.actor, step.actor) if step.actor else None,
        "kind": step.kind,
        "title": title,
        "completed": list(step.completed),
        "waiting": list(step.waiting),
        "data": _step_data(step.data, terms.field_terms(step.element_id)),
    }


def _step_data(data: dict[str, Any], fields: dict[str, FieldTerm]) -> dict[str, str]:
    """Return what a step was given as the timeline shows it: by field labels, values readable."""
    shown: dict[str, str] = {}
    for name, value in data.items():
        term = fields.get(name)
        key = _field_label(name, term)
        shown[key if key not in shown else f"{key} ({name})"] = _readable(value, term)
    return shown
