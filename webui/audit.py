"""The auditor's pages: every instance, filtered and paged, and each one's timeline."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from engine import Engine
from engine.replay import ReplayStep
from engine.views import InstanceFilter

from . import paging
from .i18n import label

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
    chosen = InstanceFilter(
        process_id=request.args.get("process", "").strip() or None,
        status=request.args.get("status", "").strip() or None,
        started_from=_day("from", problems),
        started_to=_day("to", problems),
        actor=request.args.get("actor", "").strip() or None,
        overdue=request.args.get("overdue") == "1",
    )
    engine = _engine()
    page = engine.queries.browse_instances(
        current_user.username, chosen, request.args.get("before", type=int)
    )
    processes = engine.queries.process_ids()
    return render_template(
        "audit_instances.html",
        page=page,
        next_url=paging.next_url(
            "audit.instances", request.args.to_dict(), "before", page.next_before
        ),
        chosen=chosen,
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


@bp.get("/instances/<id:instance_id>")
@login_required
def timeline(instance_id: int) -> ResponseReturnValue:
    """Show a bounded page of one instance's history: who did what, when, what changed."""
    page = _engine().queries.timeline(
        instance_id, current_user.username, request.args.get("from", 1, type=int)
    )
    more_url = (
        url_for("audit.timeline", instance_id=instance_id, **{"from": page.next_seq})
        if page.next_seq
        else None
    )
    return render_template(
        "audit_timeline.html", page=page, events=EVENTS, statuses=STATUSES, more_url=more_url
    )


@bp.get("/instances/<id:instance_id>/steps")
@login_required
def steps(instance_id: int) -> ResponseReturnValue:
    """Step through an instance's history re-executed on its diagram, one step at a time."""
    page = _engine().queries.replay(instance_id, current_user.username)
    first = max(0, request.args.get("from", 0, type=int) or 0)
    shown = page.report.steps[first : first + STEPS_PER_PAGE]
    window = [_step(s, page.names, first + k + 1) for k, s in enumerate(shown)]
    later = first + STEPS_PER_PAGE < len(page.report.steps)
    return render_template(
        "audit_steps.html",
        page=page,
        steps=window,
        statuses=STATUSES,
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


def _step(step: ReplayStep, names: dict[str, str], number: int) -> dict[str, object]:
    """Return one replayed step as the diagram's step-through reads it."""
    what = str(EVENTS.get(step.kind, step.kind))
    title = f"{number}. {what}" + (f" · {label(step.name, step.labels)}" if step.name else "")
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
        "data": {key: _shown(value) for key, value in step.data.items()},
    }


def _shown(value: object) -> str:
    """Return a submitted value as text: a file by its name and hash, a list joined."""
    if isinstance(value, dict) and "sha256" in value:
        return f"{value.get('filename', '')}（SHA-256 {str(value['sha256'])[:12]}…）"
    if isinstance(value, list):
        return "、".join(_shown(v) for v in value)
    if value is None:
        return "—"
    return str(value)
