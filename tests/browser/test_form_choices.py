"""Real pages in Debian's Chromium: a refused form comes back as sent, blank choices included.

Every select of every task form of the bundled workflows is submitted with
its required choices left at 请选择; the page must come back showing exactly
what was sent, and sending it again untouched must record nothing (issue 7,
item 6).  Earlier steps are driven through the engine to keep this fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from engine import Engine
from engine.disclosure.privacy import id_check_char

RESIDENT_ID = "37100219900101123" + id_check_char("37100219900101123")
DRAFT = {
    "title": "关于公布2026年度慈善救助对象的通知",
    "doc_type": "general",
    "body": f"救助对象刘某，公民身份号码{RESIDENT_ID}，联系电话13806311234。特此通知。",
    "attribute": "proactive",
    "attribute_reason": "",
}
REVIEW = {"decision": "approve", "attribute": "proactive", "comment": "同意。"}
TO_ISSUE = [
    ("zhang", DRAFT),
    ("li", REVIEW),
    ("wang", {**REVIEW, "number_prefix": "威政办发"}),
    ("zhao", REVIEW),
]
#: what the browser would send for the form, but the CSRF token (renewed on each page)
FORM_DATA = """form => [...new FormData(form)]
    .filter(([name]) => name !== 'csrf_token')
    .map(([name, value]) => [name, typeof value === 'string' ? value : value.name])"""


FIRST_INVALID_FOCUSED = """() => document.activeElement !== null
    && document.activeElement === document.querySelector("main [aria-invalid='true']")"""


@dataclass(frozen=True)
class Case:
    """A task form reached through the engine, and what the user leaves or puts in it."""

    form: str
    user: str
    steps: list[tuple[str, dict[str, Any]]]
    choose: dict[str, str]  # every select of the form -> the value submitted ('' is blank)
    errors: tuple[str, ...]  # the fields that must show an error
    fill: dict[str, str] = field(default_factory=dict)
    click: tuple[str, ...] = ()  # checkboxes to tick or untick
    process: str = "document_approval"


CASES = {
    "document_draft": Case(
        "document_draft",
        "zhang",
        [],
        {"doc_type": "", "urgency": "", "attribute": "", "withheld_basis": ""},
        ("title", "doc_type"),
        fill={"title": "", "body": "正文"},
        click=('input[name="government_draft"]',),
    ),
    "dept_review": Case(
        "document_review",
        "li",
        TO_ISSUE[:1],
        {"decision": "", "attribute": "withheld", "withheld_basis": ""},
        ("decision", "attribute_reason", "withheld_basis"),
        fill={"comment": "", "attribute_reason": ""},
    ),
    "office_review": Case(
        "office_review",
        "wang",
        TO_ISSUE[:2],
        {"decision": "", "attribute": "proactive", "withheld_basis": ""},
        ("decision", "number_prefix"),
        fill={"number_prefix": ""},  # stays blank, not back to 威政办发
    ),
    "sign_off": Case(
        "document_sign_off",
        "zhao",
        TO_ISSUE[:3],
        {"decision": "", "attribute": "on_request", "withheld_basis": ""},
        ("decision",),
    ),
    "confidentiality_review": Case(
        "confidentiality_review",
        "sun",
        TO_ISSUE,
        {"review_conclusion": "", "exemption": ""},
        ("review_conclusion",),
        click=('input[name="confirmed_findings"] >> nth=0',),
    ),
    "referral_answer": Case(
        "referral_answer",
        "sun",
        [*TO_ISSUE, ("sun", {"review_conclusion": "refer", "review_basis": "报请确定。"})],
        {"referral_conclusion": ""},
        ("referral_reference", "referral_conclusion"),
        fill={"referral_reference": ""},
        click=('input[name="confirmed_findings"] >> nth=1',),
    ),
    "publish_document": Case(
        "publish_document",
        "zhou",
        [*TO_ISSUE, ("sun", {"review_conclusion": "disclose"})],
        {"publish_action": "publish", "channel": ""},
        ("channel",),
        fill={"url": ""},
    ),
    "review_decision": Case(
        "review_decision",
        "li",
        [("zhang", {"title": "关于购置办公设备的请示", "body": "拟购置打印机一台。"})],
        {"decision": ""},
        ("decision",),
        process="simple_approval",
    ),
}


def _state(engine: Engine, instance_id: int) -> tuple[int, int, list[str]]:
    """Return the instance version, the length of its history and its waiting tasks."""
    instance = engine.queries.get_instance(instance_id)
    waiting = [t.task_id for t in instance.ready_tasks]
    return instance.version, len(engine.queries.history(instance_id)), waiting


def _submit(page: Any) -> Any:
    """Press 提交, expect the form back with its errors, and return what it would send now."""
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    assert page.get_by_role("alert").filter(has_text="请更正下列标出的问题").is_visible()
    return page.locator("form[enctype]").evaluate(FORM_DATA)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_refused_form_comes_back_as_sent(sign_in, site, case: Case) -> None:
    server, engine = site
    instance = engine.start(case.process, "zhang")
    for actor, data in case.steps:
        instance = engine.complete_task(instance.ready_tasks[0].task_id, actor, data)
    (task,) = instance.ready_tasks
    assert task.form == case.form
    before = _state(engine, instance.id)

    page = sign_in(case.user)
    # The publisher confirms that the text goes public (page.js) before the form is sent.
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{server}/tasks/{task.task_id}")
    selects = page.locator("form[enctype] select")
    assert selects.evaluate_all("els => els.map(e => e.name)") == list(case.choose)
    for name, value in case.fill.items():
        page.locator(f'[name="{name}"]').fill(value)
    for name, value in case.choose.items():
        page.locator(f'select[name="{name}"]').select_option(value=value)
    for checkbox in case.click:
        page.locator(checkbox).click()
    sent = page.locator("form[enctype]").evaluate(FORM_DATA)

    for _ in range(2):  # once as the user filled it in, once more untouched
        assert _submit(page) == sent
        for name, value in case.choose.items():
            assert page.locator(f'select[name="{name}"]').input_value() == value
        for name in case.errors:
            assert page.locator(f"#{name}-error").is_visible(), name
        # The keyboard is where the first correction is to be made.
        assert page.evaluate(FIRST_INVALID_FOCUSED), page.evaluate("document.activeElement.name")
        assert _state(engine, instance.id) == before
    assert task.task_id in before[2]
