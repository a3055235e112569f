"""Demo data for a first look: one user per role and documents in every state."""

from __future__ import annotations

from typing import Any

from engine import Engine
from engine.disclosure.privacy import id_check_char
from engine.views import InstanceView

#: the department of the demo's drafter and his head (处室)
DEMO_DEPARTMENT = "综合处"
#: who works in which department
DEMO_DEPARTMENTS = {
    "zhangsan": DEMO_DEPARTMENT,
    "lisi": DEMO_DEPARTMENT,
    "zhengshi": DEMO_DEPARTMENT,
    "wujiu": "办公室",
    "wangwu": "办公室",
}
#: demo user name -> (display name, roles); every password is ``demo``.
DEMO_USERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "zhangsan": ("张三", ("drafter",)),
    "lisi": ("李四", ("dept_head",)),
    "wangwu": ("王五", ("office",)),
    "zhaoliu": ("赵六", ("leader",)),
    "sunqi": ("孙七", ("secrecy_reviewer",)),
    "zhouba": ("周八", ("publisher",)),
    "wujiu": ("吴九", ("registrar",)),
    "zhengshi": ("郑十", ("handler",)),
    "qianyi": ("钱一", ("auditor",)),
    "admin": ("管理员", ("admin",)),
}
DEMO_PASSWORD = "demo"

_BODY = (
    "各区市人民政府，国家级开发区管委，市政府各部门：\n"
    "为深入贯彻《中华人民共和国政府信息公开条例》，进一步做好政务公开工作，现就有关事项通知如下。\n"
    "一、落实公开属性源头认定机制。\n二、严格执行先审查后公开制度。"
)


def _draft(title: str, doc_type: str, attribute: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "doc_type": doc_type,
        "body": _BODY,
        "attribute": attribute,
        "attribute_reason": extra.pop("reason", ""),
        **extra,
    }


def _advance(engine: Engine, instance: InstanceView, steps: list[tuple[str, dict]]) -> None:
    for user, data in steps:
        task = instance.ready_tasks[0]
        instance = engine.complete_task(task.task_id, user, data)


def seed(engine: Engine) -> list[str]:
    """Add the demo users and, on a database without documents, a few; return what was done."""
    for username, (display_name, user_roles) in DEMO_USERS.items():
        department = DEMO_DEPARTMENTS.get(username)
        engine.users.add(username, user_roles, display_name, DEMO_PASSWORD, department)
    done = [f"{len(DEMO_USERS)} demo users, password '{DEMO_PASSWORD}'"]
    if engine.queries.list_instances(process_id="document_approval"):
        return done
    review = {"decision": "approve", "attribute": "proactive", "comment": "同意。"}
    to_issue = [
        ("lisi", review),
        ("wangwu", {**review, "number_prefix": "威政办发"}),
        ("zhaoliu", {**review, "comment": "同意印发。"}),
    ]
    published = engine.start("document_approval", "zhangsan")
    _advance(
        engine,
        published,
        [
            ("zhangsan", _draft("关于印发2026年政务公开工作要点的通知", "general", "proactive")),
            *to_issue,
            ("sunqi", {"review_conclusion": "disclose"}),
            ("zhouba", {"channel": "website", "url": "https://www.weihai.gov.cn/"}),
        ],
    )
    to_publish = engine.start("document_approval", "zhangsan")
    _advance(
        engine,
        to_publish,
        [
            (
                "zhangsan",
                _draft(
                    "威海市政府信息公开保密审查办法",
                    "policy",
                    "proactive",
                    reason="涉及公众切身利益，应主动公开。",
                    interpretation_plan="由起草处室撰写图文解读，随文件同步在政府网站发布。",
                ),
            ),
            *to_issue,
            ("sunqi", {"review_conclusion": "disclose"}),
        ],
    )
    to_review = engine.start("document_approval", "zhangsan")
    resident_id = "37100219850312003" + id_check_char("37100219850312003")
    _advance(
        engine,
        to_review,
        [
            (
                "zhangsan",
                _draft(
                    "关于对违规占用道路行为的处理结果公示",
                    "general",
                    "proactive",
                    body=f"经查，当事人王小明（身份证号{resident_id}，联系电话13912345678，"
                    "电子邮箱wangxm@example.com）于2026年10月占用道路堆放物料。依据有关规定，"
                    "责令限期改正。特此公示。",
                ),
            ),
            *to_issue,
        ],
    )
    waiting = engine.start("document_approval", "zhangsan")
    _advance(
        engine,
        waiting,
        [
            (
                "zhangsan",
                _draft(
                    "关于开展政务公开培训的通知",
                    "general",
                    "on_request",
                    reason="仅涉及内部培训安排。",
                ),
            ),
        ],
    )
    returned = engine.start("document_approval", "zhangsan")
    _advance(
        engine,
        returned,
        [
            ("zhangsan", _draft("关于调整市政府信息公开工作领导小组成员的通知", "general", "")),
        ],
    )
    done.append(
        "5 documents: one published (public page), one waiting for the publisher (周八), "
        "one with personal data for the confidentiality reviewer (孙七), one for the "
        "department head (李四), one returned to the drafter (张三)"
    )
    return done + _requests(engine) + _catalogue(engine)


def _applicant(what: str, name: str, serial: str) -> dict[str, str]:
    first17 = "371002198001010" + serial
    return {
        "applicant_type": "natural_person",
        "applicant_name": name,
        "id_type": "resident_id",
        "id_number": first17 + id_check_char(first17),
        "phone": "139" + serial * 4,  # an 11-digit mobile number
        "address": "威海市环翠区新威路1号",
        "description": what,
        "preferred_form": "electronic_data",
        "delivery": "mail",
    }


#: the demo agency, as its reply letters name it
DEMO_AGENCY = {
    "name": "威海市人民政府办公室",
    "address": "山东省威海市环翠区统一路1号",
    "postcode": "264200",
    "phone": "0631-5287000",
    "reconsideration_body": "威海市人民政府",
    "court": "威海市环翠区人民法院",
    "reconsideration_days": 60,
    "litigation_months": 6,
}


def _requests(engine: Engine) -> list[str]:
    """Add disclosure requests in every state; return what was done, with one query code."""
    if engine.queries.list_instances(process_id="disclosure_request"):
        return []
    if not engine.agency.is_complete(engine.agency.get()):
        engine.agency.save("admin", DEMO_AGENCY)
    accept = ("wujiu", {"intake_decision": "accept", "department": DEMO_DEPARTMENT})
    plans: list[tuple[str, str, list[tuple[str, dict[str, Any]]]]] = [
        ("2026年城区道路改造计划", "李明", []),
        (
            "有关文件",
            "赵丽",
            [("wujiu", {"intake_decision": "correct", "correction_notice": "请写明文件名称。"})],
        ),
        ("市区公交线路调整方案", "孙强", [accept]),
        (
            "某企业环境影响评价报告",
            "周敏",
            [accept, ("zhengshi", {"action": "consult_third_party", "consulted": "该企业"})],
        ),
        (
            "2025年全部会议纪要",
            "吴刚",
            [
                accept,
                ("zhengshi", {"action": "fee_notice", "fee_method": "volume", "fee_pages": 120}),
            ],
        ),
        (
            "2026年政务公开工作要点",
            "郑华",
            [
                accept,
                (
                    "zhengshi",
                    {
                        "action": "reply",
                        "reply_type": "already_disclosed",
                        "reply_text": "该信息已主动公开，可在本机关网站“政府信息公开”栏目查阅。",
                    },
                ),
            ],
        ),
        (
            "某涉密会议的纪要",
            "冯军",
            [
                accept,
                (
                    "zhengshi",
                    {
                        "action": "reply",
                        "reply_type": "withhold.state_secret",
                        "reply_text": "您申请的信息属于国家秘密，依法不予公开。",
                    },
                ),
                ("wangwu", {"decision": "approve", "comment": "同意。"}),
            ],
        ),
    ]
    receipts = []
    for serial, (what, name, steps) in enumerate(plans, start=10):
        receipt = engine.requests.submit(_applicant(what, name, str(serial)), address="demo")
        instance = engine.queries.get_instance(receipt.instance_id)
        _advance(engine, instance, steps)
        receipts.append(receipt)
    replied = receipts[-1]
    return [
        f"{len(plans)} disclosure requests in every state; the replied one: tracking number "
        f"{replied.tracking_number}, query code {replied.query_code} (/public/status)"
    ]


#: the demo's basic catalogue entries (主动公开基本目录): a few of the seed's kinds
_ENTRIES = (
    {
        "name": "政务公开工作要点",
        "area": "政务公开工作",
        "category": "decision",
        "content": "本年度政务公开工作要点及其解读。",
        "basis": "《中华人民共和国政府信息公开条例》第二十条",
        "limit_kind": "yearly",
        "limit_month": 3,
        "limit_day": 31,
        "manners": ["website", "gazette"],
    },
    {
        "name": "行政规范性文件",
        "area": "行政规范性文件",
        "category": "decision",
        "content": "本机关制发的行政规范性文件及其政策解读。",
        "basis": "《中华人民共和国政府信息公开条例》第二十条第一项",
        "limit_kind": "working_days",
        "limit_days": 20,
        "manners": ["website", "gazette"],
    },
    {
        "name": "政府信息公开工作年度报告",
        "area": "政务公开工作",
        "category": "result",
        "content": "上一年度政府信息公开工作年度报告。",
        "basis": "《中华人民共和国政府信息公开条例》第四十九条",
        "limit_kind": "yearly",
        "limit_month": 1,
        "limit_day": 31,
        "manners": ["website"],
    },
)


def _catalogue(engine: Engine) -> list[str]:
    """Add the basic catalogue's entries and file the published document under the first."""
    entries = [
        engine.basic_catalogue.create("wangwu", {**entry, "department": DEMO_DEPARTMENT})
        for entry in _ENTRIES
    ]
    published = engine.catalogue.public_documents()
    for document in published:
        engine.basic_catalogue.file("wangwu", document.id, entries[0])
    return [
        f"{len(entries)} entries of the basic catalogue (基本目录), the published document filed"
    ]
