"""A small year of work in two departments, built through the real workflows, for oversight.

Every document and request goes through its BPMN process at the Beijing times given, so
that the figures oversight counts come from the same rows and history events as in use.
"""

from __future__ import annotations

from typing import Any

from engine import Engine
from engine.clock import ManualClock

from .conftest import WORKFLOWS
from .helpers import beijing, task_of, waiting_task

#: the departments of the set
GENERAL, LEGAL = "综合处", "法规处"
#: user -> (display name, roles, department)
STAFF: dict[str, tuple[str, list[str], str | None]] = {
    "zhang": ("张三", ["drafter"], GENERAL),
    "qian": ("钱二", ["drafter"], LEGAL),
    "li": ("李四", ["dept_head"], GENERAL),
    "liu": ("刘五", ["dept_head"], LEGAL),
    "wang": ("王五", ["office"], "办公室"),
    "root": ("管理员", ["admin"], None),
    "zhao": ("赵六", ["leader"], None),
    "sun": ("孙七", ["secrecy_reviewer"], None),
    "zhou": ("周八", ["publisher"], None),
    "reg": ("吴九", ["registrar"], "办公室"),
    "han": ("韩十", ["handler"], LEGAL),
    "zheng": ("郑十", ["handler"], GENERAL),
    "qianyi": ("钱一", ["auditor"], None),
}
#: the head who reviews a drafter's documents
HEAD_OF = {"zhang": "li", "qian": "liu"}
#: the handler of a department's requests
HANDLER_OF = {GENERAL: "zheng", LEGAL: "han"}


def staff(engine: Engine, password: str | None = None) -> None:
    """Add the people of the set (with a password to sign in with) and deploy the workflows."""
    for name, (display_name, roles, department) in STAFF.items():
        engine.users.add(name, roles, display_name, password, department)
    engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")))


def at(clock: ManualClock, moment: str) -> None:
    """Set the clock to ``YYYY-MM-DD HH:MM`` Beijing time (09:00 when only a day is given)."""
    clock.now = beijing(moment if " " in moment else f"{moment} 09:00")


def draft(title: str, doc_type: str = "general", attribute: str = "proactive") -> dict[str, Any]:
    """Return a complete draft form."""
    data: dict[str, Any] = {
        "title": title,
        "doc_type": doc_type,
        "body": f"{title}\n各有关单位：现将有关事项通知如下。",
        "attribute": attribute,
    }
    if attribute == "withheld":
        data |= {"attribute_reason": "属于内部管理事务", "withheld_basis": "art16_internal_affairs"}
    if doc_type == "policy":
        data["interpretation_plan"] = "由起草处室撰写政策解读，随文件同步发布。"
    return data


def _complete(engine: Engine, instance_id: int, element: str, user: str, data: Any) -> None:
    task = task_of(engine, instance_id, element, user)
    engine.complete_task(task.task_id, user, data)


def _approve(engine: Engine, instance_id: int, element: str, user: str) -> None:
    task = task_of(engine, instance_id, element, user)
    values = engine.queries.task_form(task.task_id, user).values
    data = {k: v for k, v in values.items() if v is not None} | {"decision": "approve"}
    engine.complete_task(task.task_id, user, data)


def submit(
    engine: Engine,
    clock: ManualClock,
    instance_id: int,
    drafter: str,
    day: str,
    data: dict[str, Any],
) -> None:
    """Submit a draft at 09:00 of ``day`` (the rules may return it at once: 退文)."""
    at(clock, f"{day} 09:00")
    _complete(engine, instance_id, "draft", drafter, data)


def approve(engine: Engine, clock: ManualClock, instance_id: int, drafter: str, day: str) -> None:
    """Approve a submitted draft at 10:00 of ``day``: head, office, leader; it is issued."""
    at(clock, f"{day} 10:00")
    _approve(engine, instance_id, "dept_review", HEAD_OF[drafter])
    _approve(engine, instance_id, "office_review", "wang")
    _approve(engine, instance_id, "sign_off", "zhao")


def issue(
    engine: Engine,
    clock: ManualClock,
    drafter: str,
    day: str,
    title: str,
    *,
    doc_type: str = "general",
    attribute: str = "proactive",
    first: dict[str, Any] | None = None,
) -> int:
    """Draft a document on ``day`` and approve it to issue the same day; return the instance.

    ``first``: changes to the first submission, which the rules return (退文) before the
    complete draft is submitted again.
    """
    at(clock, f"{day} 09:00")
    instance = engine.start("document_approval", drafter)
    complete = draft(title, doc_type, attribute)
    if first is not None:
        submit(engine, clock, instance.id, drafter, day, complete | first)
    submit(engine, clock, instance.id, drafter, day, complete)
    approve(engine, clock, instance.id, drafter, day)
    return instance.id


def publish(engine: Engine, clock: ManualClock, instance_id: int, day: str) -> None:
    """Review (sun) and publish (zhou) an issued proactive document on ``day``."""
    at(clock, f"{day} 09:00")
    _complete(
        engine,
        instance_id,
        "confidentiality_review_task",
        "sun",
        {"review_conclusion": "disclose", "review_basis": "经审查可以公开"},
    )
    at(clock, f"{day} 10:00")
    url = f"https://www.example.gov.cn/zwgk/{instance_id}.html"
    _complete(engine, instance_id, "publish", "zhou", {"channel": "website", "url": url})


def interpret(engine: Engine, clock: ManualClock, instance_id: int, drafter: str, day: str) -> None:
    """Publish a policy document's interpretation on ``day`` (its drafter)."""
    at(clock, f"{day} 11:00")
    data = {
        "interpretation_title": "政策解读",
        "interpretation_url": f"https://www.example.gov.cn/jd/{instance_id}.html",
    }
    _complete(engine, instance_id, "interpret", drafter, data)


def receive(engine: Engine, clock: ManualClock, day: str, department: str, n: int) -> int:
    """Register a paper request received on ``day`` and give it to a department."""
    at(clock, f"{day} 09:00")
    form = {
        "applicant_type": "natural_person",
        "applicant_name": f"申请人{n}",
        "id_type": "passport",
        "id_number": f"E{n:08d}",
        "phone": "13900001111",
        "address": "威海市环翠区新威路1号",
        "email": "",
        "description": f"城区道路改造计划第{n}项",
        "preferred_form": "paper",
        "delivery": "mail",
        "channel": "mail",
        "received_on": day,
    }
    receipt = engine.requests.submit(form, registrar="reg")
    _complete(
        engine,
        receipt.instance_id,
        "check_request",
        "reg",
        {"intake_decision": "accept", "department": department},
    )
    return receipt.instance_id


def reply(
    engine: Engine, clock: ManualClock, instance_id: int, department: str, day: str, kind: str
) -> None:
    """Reply to a request on ``day``: the handler drafts, the office signs."""
    at(clock, f"{day} 10:00")
    handler = HANDLER_OF[department]
    data = {"action": "reply", "reply_type": kind, "reply_text": "答复如下。"}
    _complete(engine, instance_id, "handle", handler, data)
    if kind in ("disclose", "partial"):
        review = waiting_task(engine, instance_id, "confidentiality_review_task")
        form = engine.queries.task_form(review.task_id, "sun")
        findings = [f["id"] for f in form.data["review_item"]["findings"]]
        values = {k: v for k, v in form.values.items() if v is not None}
        engine.complete_task(
            review.task_id,
            "sun",
            values
            | {
                "confirmed_findings": findings,
                "review_conclusion": "disclose",
                "review_basis": "经审查可以公开",
            },
        )
    _complete(engine, instance_id, "sign_reply", "wang", {"decision": "approve"})


def third_quarter(
    engine: Engine, clock: ManualClock, password: str | None = None
) -> dict[str, int]:
    """Build the third quarter of 2026 in 综合处 and 法规处; return the instances by name.

    综合处 (zhang): D1 issued 07-06, published 07-08 (on time); D2 returned for no
    attribute, then a policy issued 07-07, published 08-20 (late), interpreted 08-24 (on
    time); D5 issued 09-21, due in October, never published (overdue now). Request R3
    received 07-06, replied 08-10 (late).

    法规处 (qian): D3 a policy issued 07-08, published 07-09 (on time), never interpreted
    (late, overdue now); D4 returned for a withheld draft with neither reason nor basis,
    then issued on request 07-10. Requests: R1 received 07-01, disclosed 07-15 (on time,
    reviewed); R2 received 07-02, never replied (late, overdue now).
    """
    staff(engine, password)
    made = {
        "R1": receive(engine, clock, "2026-07-01", LEGAL, 1),
        "R2": receive(engine, clock, "2026-07-02", LEGAL, 2),
        "D1": issue(engine, clock, "zhang", "2026-07-06", "关于做好防汛工作的通知"),
        "R3": receive(engine, clock, "2026-07-06", GENERAL, 3),
        "D2": issue(
            engine,
            clock,
            "zhang",
            "2026-07-07",
            "关于促进就业的若干措施",
            doc_type="policy",
            first={"attribute": ""},
        ),
        "D3": issue(
            engine, clock, "qian", "2026-07-08", "关于优化营商环境的意见", doc_type="policy"
        ),
    }
    publish(engine, clock, made["D1"], "2026-07-08")
    publish(engine, clock, made["D3"], "2026-07-09")
    made["D4"] = issue(
        engine,
        clock,
        "qian",
        "2026-07-10",
        "关于内部值班安排的通知",
        attribute="on_request",
        first={"attribute": "withheld", "attribute_reason": "", "withheld_basis": ""},
    )
    reply(engine, clock, made["R1"], LEGAL, "2026-07-15", "disclose")
    reply(engine, clock, made["R3"], GENERAL, "2026-08-10", "cannot_provide.not_held")
    publish(engine, clock, made["D2"], "2026-08-20")
    interpret(engine, clock, made["D2"], "zhang", "2026-08-24")
    made["D5"] = issue(engine, clock, "zhang", "2026-09-21", "关于国庆期间安全生产的通知")
    return made
