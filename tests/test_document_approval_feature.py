"""Steps of features/document_approval.feature, run on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading
from datetime import datetime
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from engine import (
    ConflictError,
    Engine,
    EngineError,
    FormValidationError,
    NotFoundError,
    PermissionDeniedError,
)
from engine.attachments import Upload
from engine.clock import ManualClock
from engine.disclosure.workdays import CHINA
from engine.views import EventView, InstanceView, TaskView

from .conftest import WORKFLOWS
from .helpers import (
    AUDITOR,
    Story,
    approve_until,
    attempt,
    beijing,
    document_of,
    review,
    review_data,
    task_of,
    waiting_task,
)

# pytest-bdd asks for fixtures as steps run; naming ``engine`` here puts its
# database parameter in each scenario, so that every one runs on SQLite and PostgreSQL.
pytestmark = pytest.mark.usefixtures("engine")

scenarios("document_approval.feature")

PROCESS = "document_approval"

#: the steps as the feature names them -> BPMN element ids
STEPS = {
    "draft": "draft",
    "department review": "dept_review",
    "office review": "office_review",
    "sign-off": "sign_off",
    "confidentiality review": "confidentiality_review_task",
    "publish task": "publish",
    "interpretation task": "interpret",
}
#: the review steps in order, with who takes each unless a scenario says otherwise

#: a schedule the administrator loads for 2027 (State Council format)
SCHEDULE_2027 = """\
# 2027 年节假日安排（测试用）
2027-01-01 holiday 元旦
2027-02-06..2027-02-12 holiday 春节
2027-02-14 workday 春节调休
"""

#: why a user was refused -> what the engine's message says
#: why an action is refused -> the engine's error code and parameters
REFUSALS: dict[str, tuple[str, dict[str, Any]]] = {
    "nobody reviews his own draft": ("task.own_work", {}),
    "li has claimed the task": ("task.claimed", {"user": "li"}),
    "only an administrator may reassign": ("admin.only", {}),
    "only the drafter interprets his document": ("task.only_for", {"users": ["zhang"]}),
    "he does not hold the role": ("task.not_your_group", {"group": "dept_head"}),
    "the draft is of another department": ("task.other_department", {"department": "法规处"}),
}

#: a withheld draft's (reason, legal basis) by what the drafter gives
WITHHELD_GIVING = {
    "with a legal basis but no reason": ("", "art16_internal_affairs"),
    "with a reason but no legal basis": ("属于内部管理事务", ""),
    "with neither reason nor legal basis": ("", ""),
}

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _step_element(text: str) -> str:
    return STEPS[text]


_step_element.pattern = "|".join(re.escape(name) for name in STEPS)  # type: ignore[attr-defined]
TYPES = {"Step": _step_element}


def step(pattern: str) -> parsers.parse:
    """Parse a step text in which ``{x:Step}`` names a step of the procedure."""
    return parsers.parse(pattern, extra_types=TYPES)


# -- helpers ----------------------------------------------------------------------


def draft_data(
    title: str, doc_type: str = "general", attribute: str = "proactive", **extra: Any
) -> dict[str, Any]:
    """Return a complete draft form; a withheld draft gives its reason and basis."""
    data: dict[str, Any] = {
        "title": title,
        "doc_type": doc_type,
        "body": f"{title}\n各有关单位：现将有关事项通知如下。",
        "attribute": attribute,
    }
    if attribute == "withheld":
        data |= {"attribute_reason": "属于内部管理事务", "withheld_basis": "art16_internal_affairs"}
    if doc_type == "policy":  # a policy goes for approval with its interpretation plan
        data["interpretation_plan"] = "由起草处室撰写政策解读，随文件同步发布。"
    return data | extra


def complete(
    engine: Engine, instance_id: int, element: str, user: str, data: dict[str, Any], **kw: Any
) -> InstanceView:
    """Complete the task ``element`` of an instance as ``user`` with form ``data``."""
    task = task_of(engine, instance_id, element, user)
    return engine.complete_task(task.task_id, user, data, **kw)


def start_document(engine: Engine, story: Story, user: str) -> int:
    story.instance_id = engine.start(PROCESS, user).id
    return story.instance_id


def submit(engine: Engine, story: Story, user: str, data: dict[str, Any], **kw: Any) -> None:
    complete(engine, story.instance_id, "draft", user, data, **kw)


def draft_document(
    engine: Engine, story: Story, user: str, title: str, doc_type: str, attribute: str
) -> int:
    instance_id = start_document(engine, story, user)
    submit(engine, story, user, draft_data(title, doc_type, attribute))
    story.by_title[title] = instance_id
    return instance_id


def events(engine: Engine, story: Story, type_: str) -> list[EventView]:
    return [e for e in engine.queries.history(story.instance_id) if e.type == type_]


def names(text: str) -> list[str]:
    """Split "li, liu and wang" (or "li or wang") into user names."""
    return [n for n in re.split(r",\s*|\s+(?:and|or)\s+", text) if n]


def tasks_of_instance(engine: Engine, user: str, instance_id: int) -> list[str]:
    return [t.element_id for t in engine.queries.list_tasks(user) if t.instance_id == instance_id]


# -- given ------------------------------------------------------------------------


@given("the document approval workflow is deployed")
def deployed(engine: Engine) -> None:
    engine.deploy([WORKFLOWS / "document_approval.bpmn", WORKFLOWS / "confidentiality_review.bpmn"])


@given(parsers.parse("{user:w} has started a document"))
def started(engine: Engine, story: Story, user: str) -> None:
    start_document(engine, story, user)


@given(parsers.parse('{user:w} has drafted a {doc_type:w} document "{title}" marked {attribute:w}'))
def drafted(
    engine: Engine, story: Story, user: str, doc_type: str, title: str, attribute: str
) -> None:
    draft_document(engine, story, user, title, doc_type, attribute)


@given(step("the document has reached the {element:Step}"))
def reached(engine: Engine, story: Story, element: str) -> None:
    approve_until(engine, story.instance_id, element)
    if element == "publish":
        clear = {"review_conclusion": "disclose"}
        complete(engine, story.instance_id, "confidentiality_review_task", "sun", clear)
    waiting_task(engine, story.instance_id, element)


@given("the document has been issued and cleared for publication")
def cleared(engine: Engine, story: Story) -> None:
    approve_until(engine, story.instance_id)
    complete(
        engine,
        story.instance_id,
        "confidentiality_review_task",
        "sun",
        {"review_conclusion": "disclose"},
    )


@given(parsers.parse('"{title}" awaits sign-off with the number prefix "{prefix}"'))
def awaits_sign_off(engine: Engine, story: Story, title: str, prefix: str) -> None:
    instance_id = draft_document(engine, story, "zhang", title, "general", "on_request")
    review(engine, instance_id, "dept_review")
    review(engine, instance_id, "office_review", number_prefix=prefix)


@given("no further holiday schedule is loaded")
def no_schedule() -> None:
    """Only the years the calendar package covers (up to 2026) are known."""


@given("the 2027 holiday schedule is loaded")
@when("the 2027 holiday schedule is loaded")
def schedule_2027(engine: Engine) -> None:
    assert engine.calendar.load(SCHEDULE_2027, loaded_by="admin") == 9


# -- when: drafting ---------------------------------------------------------------


@when(parsers.parse("{user:w} submits the draft with no disclosure attribute"))
def submit_without_attribute(engine: Engine, story: Story, user: str) -> None:
    submit(engine, story, user, draft_data("关于做好冬季供暖工作的通知", attribute=""))


@when(parsers.parse("{user:w} submits a draft to be withheld (不予公开) {giving}"))
def submit_withheld(engine: Engine, story: Story, user: str, giving: str) -> None:
    reason, basis = WITHHELD_GIVING[giving]
    data = draft_data("关于内部人事安排的通知", attribute="withheld")
    submit(engine, story, user, data | {"attribute_reason": reason, "withheld_basis": basis})


@when(
    parsers.parse(
        "{user:w} submits a draft written on the government's behalf (代拟稿) "
        "without a reason for its attribute"
    )
)
def submit_government_draft(engine: Engine, story: Story, user: str) -> None:
    data = draft_data("关于促进就业的若干意见（代拟稿）", "policy", government_draft=True)
    submit(engine, story, user, data)


@when(parsers.parse('{user:w} submits it again with the reason "{reason}"'))
def submit_again_with_reason(engine: Engine, story: Story, user: str, reason: str) -> None:
    data = draft_data(
        "关于促进就业的若干意见（代拟稿）", "policy", government_draft=True, attribute_reason=reason
    )
    submit(engine, story, user, data)


@when(parsers.parse('{user:w} submits a {doc_type:w} document "{title}" marked {attribute:w}'))
def submit_document(
    engine: Engine, story: Story, user: str, doc_type: str, title: str, attribute: str
) -> None:
    submit(engine, story, user, draft_data(title, doc_type, attribute))
    story.by_title[title] = story.instance_id


@when(
    parsers.parse(
        '{user:w} submits a {doc_type:w} document "{title}" marked {attribute:w} '
        'with the attachment "{filename}"'
    )
)
def submit_with_attachment(
    engine: Engine,
    story: Story,
    user: str,
    doc_type: str,
    title: str,
    attribute: str,
    filename: str,
) -> None:
    files = {"attachment": Upload(filename, PDF)}
    submit(engine, story, user, draft_data(title, doc_type, attribute), files=files)


@when(parsers.parse("{user:w} submits a draft with {defect}"))
def submit_bad_draft(
    engine: Engine, clock: ManualClock, story: Story, user: str, defect: str
) -> None:
    data = draft_data("关于测试的通知")
    desk, files = engine, None
    if defect == "an empty title":
        data["title"] = "   "
    elif defect == 'the disclosure attribute "secret"':
        data["attribute"] = "secret"
    elif defect == "an attachment larger than the 1 KB limit":
        desk = Engine(engine.db, clock, max_attachment_bytes=1024)
        files = {"attachment": Upload("通知.pdf", PDF + b" " * 2048)}
    elif defect == 'the attachment "setup.exe"':
        files = {"attachment": Upload("setup.exe", b"MZ\x90\x00" + b"\x00" * 60)}
    elif defect == 'the attachment "通知.pdf" that is not a PDF':
        files = {"attachment": Upload("通知.pdf", b"MZ\x90\x00this is an executable")}
    else:
        raise AssertionError(f"unknown defect {defect!r}")
    task = task_of(engine, story.instance_id, "draft", user)
    attempt(engine, story, user, lambda: desk.complete_task(task.task_id, user, data, files=files))


# -- when: reviewing --------------------------------------------------------------


def my_review(engine: Engine, story: Story, user: str) -> TaskView:
    """Return the one review task of the current document in ``user``'s inbox."""
    tasks = [t for t in engine.queries.list_tasks(user) if t.instance_id == story.instance_id]
    assert len(tasks) == 1, f"{user} should have one task of the document: {tasks}"
    return tasks[0]


@when(parsers.parse("{user:w} sends it back without a comment"))
def send_back_silently(engine: Engine, story: Story, user: str) -> None:
    task = my_review(engine, story, user)
    data = review_data(engine, task, user, "send_back")
    attempt(engine, story, user, lambda: engine.complete_task(task.task_id, user, data))


@when(parsers.parse('{user:w} sends it back with the comment "{comment}"'))
def send_back(engine: Engine, story: Story, user: str, comment: str) -> None:
    task = my_review(engine, story, user)
    story.outcomes.append(task.element_id)
    data = review_data(engine, task, user, "send_back", comment=comment)
    engine.complete_task(task.task_id, user, data)


@when(
    parsers.parse(
        '{user:w} approves it changing the attribute to {attribute:w} with the reason "{reason}"'
    )
)
def approve_changing(engine: Engine, story: Story, user: str, attribute: str, reason: str) -> None:
    task = my_review(engine, story, user)
    data = review_data(engine, task, user, attribute=attribute, attribute_reason=reason)
    engine.complete_task(task.task_id, user, data)


@when(
    parsers.parse(
        "{user:w} approves it changing the attribute to withheld without a reason or legal basis"
    )
)
def approve_withholding_badly(engine: Engine, story: Story, user: str) -> None:
    task = my_review(engine, story, user)
    data = review_data(
        engine, task, user, attribute="withheld", attribute_reason="", withheld_basis=""
    )
    attempt(engine, story, user, lambda: engine.complete_task(task.task_id, user, data))


@when(step("{user:w} approves the {element:Step}"))
def approve(engine: Engine, story: Story, user: str, element: str) -> None:
    task = task_of(engine, story.instance_id, element, user)
    data = review_data(engine, task, user)
    story.last_post = (task.task_id, user, data)
    engine.complete_task(task.task_id, user, data)


@when(step('{user:w} approves the {element:Step} with the comment "{comment}"'))
def approve_with_comment(
    engine: Engine, story: Story, user: str, element: str, comment: str
) -> None:
    review(engine, story.instance_id, element, user, comment=comment)


@when(parsers.parse("{user:w} posts the same form again"))
def post_again(engine: Engine, story: Story, user: str) -> None:
    assert story.last_post is not None
    task_id, _, data = story.last_post
    attempt(engine, story, user, lambda: engine.complete_task(task_id, user, data))


@when(step("{user:w} tries to complete the {element:Step}"))
def try_to_complete(engine: Engine, story: Story, user: str, element: str) -> None:
    task = waiting_task(engine, story.instance_id, element)
    data = {
        "interpret": {"interpretation_title": "解读"},
        "publish": {"channel": "website"},
    }.get(element)
    if data is None:
        # what the reviewer's form would hold: the draft's attribute, approved
        data = {
            "decision": "approve",
            "attribute": engine.queries.get_instance(task.instance_id).data["attribute"],
        }
    attempt(engine, story, user, lambda: engine.complete_task(task.task_id, user, data))


@when(parsers.parse('{user:w} signs off "{title}"'))
def sign_off(engine: Engine, story: Story, user: str, title: str) -> None:
    review(engine, story.by_title[title], "sign_off", user)


@when(parsers.parse('{user:w} signs off "{first}" and "{second}" at the same moment'))
def sign_off_together(engine: Engine, story: Story, user: str, first: str, second: str) -> None:
    work = []
    for title in (first, second):
        task = task_of(engine, story.by_title[title], "sign_off", user)
        work.append((task.task_id, review_data(engine, task, user)))
    barrier = threading.Barrier(len(work))

    def sign(task_id: str, data: dict[str, Any]) -> None:
        barrier.wait()
        try:
            story.outcomes.append(engine.complete_task(task_id, user, data))
        except Exception as exc:  # reported by the Then step
            story.outcomes.append(exc)

    threads = [threading.Thread(target=sign, args=item) for item in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)


# -- when: claims -----------------------------------------------------------------


@when(step("{user:w} claims the {element:Step}"))
def claims(engine: Engine, story: Story, user: str, element: str) -> None:
    engine.claim(waiting_task(engine, story.instance_id, element).task_id, user)


@when(step("{user:w} releases the {element:Step}"))
def releases(engine: Engine, story: Story, user: str, element: str) -> None:
    engine.release(waiting_task(engine, story.instance_id, element).task_id, user)


@when(step("{user:w} tries to reassign the {element:Step} to {other:w}"))
def tries_to_reassign(engine: Engine, story: Story, user: str, element: str, other: str) -> None:
    task_id = waiting_task(engine, story.instance_id, element).task_id
    attempt(engine, story, user, lambda: engine.reassign(task_id, user, other))


@when(step("{user:w} reassigns the {element:Step} to {other:w}"))
def reassigns(engine: Engine, story: Story, user: str, element: str, other: str) -> None:
    engine.reassign(waiting_task(engine, story.instance_id, element).task_id, user, other)


# -- when: review, publication, time ------------------------------------------------


@when(parsers.parse('{user:w} concludes the confidentiality review with "{conclusion:w}"'))
def conclude(engine: Engine, story: Story, user: str, conclusion: str) -> None:
    data = {"review_conclusion": conclusion}
    complete(engine, story.instance_id, "confidentiality_review_task", user, data)


@when(
    parsers.parse(
        '{user:w} concludes the confidentiality review with "{conclusion:w}" giving no basis'
    )
)
def conclude_without_basis(engine: Engine, story: Story, user: str, conclusion: str) -> None:
    task = task_of(engine, story.instance_id, "confidentiality_review_task", user)
    data = {"review_conclusion": conclusion, "review_basis": " "}
    attempt(engine, story, user, lambda: engine.complete_task(task.task_id, user, data))


@when(
    parsers.parse(
        '{user:w} concludes the confidentiality review with "{conclusion:w}" on the basis "{basis}"'
    )
)
def conclude_with_basis(
    engine: Engine, story: Story, user: str, conclusion: str, basis: str
) -> None:
    data = {"review_conclusion": conclusion, "review_basis": basis}
    complete(engine, story.instance_id, "confidentiality_review_task", user, data)


@when(parsers.parse("{user:w} publishes the document on the website"))
def publishes(engine: Engine, story: Story, user: str) -> None:
    data = {"channel": "website", "url": "https://www.example.gov.cn/zwgk/1.html"}
    complete(engine, story.instance_id, "publish", user, data)


@when(parsers.parse('{user:w} publishes the interpretation "{title}"'))
def interprets(engine: Engine, story: Story, user: str, title: str) -> None:
    data = {"interpretation_title": title, "interpretation_url": "https://www.example.gov.cn/jd/1"}
    complete(engine, story.instance_id, "interpret", user, data)


@when(parsers.parse('{user:w} tries to publish the interpretation "{title}"'))
def tries_interpreting(engine: Engine, story: Story, user: str, title: str) -> None:
    attempt(engine, story, user, lambda: interprets(engine, story, user, title))


@when(step("{user:w} posts the {element:Step} form with nothing filled in"))
def post_empty(engine: Engine, story: Story, user: str, element: str) -> None:
    task = task_of(engine, story.instance_id, element, user)
    attempt(engine, story, user, lambda: engine.complete_task(task.task_id, user, {}))


@when("an hour passes")
def an_hour_passes(clock: ManualClock) -> None:
    clock.advance(hours=1)


# -- then: returns and send-backs ---------------------------------------------------


@then(parsers.parse('the draft comes back to {user:w} at once, returned for "{codes}"'))
def returned_at_once(engine: Engine, story: Story, user: str, codes: str) -> None:
    task = task_of(engine, story.instance_id, "draft", user)
    back = engine.queries.task_form(task.task_id, user).last_return
    assert back is not None, "the draft shows no return"
    assert back.data["automatic"] is True
    assert back.data["reasons"] == [c.strip() for c in codes.split(",")]


@then(parsers.re(r"(?P<who>[\w, ]+?) (?:has|have) nothing to review"))
def nothing_to_review(engine: Engine, story: Story, who: str) -> None:
    for user in names(who):
        assert tasks_of_instance(engine, user, story.instance_id) == [], user


@then(parsers.parse('the history records the return as automatic, by nobody, for "{codes}"'))
def return_recorded(engine: Engine, story: Story, codes: str) -> None:
    returns = events(engine, story, "sent_back")
    assert len(returns) == 1, returns
    assert returns[0].actor is None
    assert returns[0].data["automatic"] is True
    assert returns[0].data["element_id"] == "draft"
    assert returns[0].data["reasons"] == [c.strip() for c in codes.split(",")]


@then(
    parsers.parse('the draft is back with {drafter:w} showing {reviewer:w}\'s comment "{comment}"')
)
def back_with_comment(
    engine: Engine, story: Story, drafter: str, reviewer: str, comment: str
) -> None:
    task = task_of(engine, story.instance_id, "draft", drafter)
    back = engine.queries.task_form(task.task_id, drafter).last_return
    assert back is not None, "the draft shows no return"
    assert (back.actor, back.data["automatic"]) == (reviewer, False)
    assert back.data["comment"] == comment
    assert back.data["from_element_id"] == story.outcomes[-1]


@then(parsers.parse("the draft task is still waiting for {user:w}"))
def draft_waiting(engine: Engine, story: Story, user: str) -> None:
    task_of(engine, story.instance_id, "draft", user)


# -- then: tasks and who sees them -------------------------------------------------


@then(step("{user:w} has the {element:Step} of it"))
@then(step("{user:w} still has the {element:Step} of it"))
def has_task(engine: Engine, story: Story, user: str, element: str) -> None:
    task = task_of(engine, story.instance_id, element, user)
    assert task.claimed_by in (None, user)


@then(step('{user:w} has the {element:Step} of it, due at "{due}"'))
def has_task_due(engine: Engine, story: Story, user: str, element: str, due: str) -> None:
    assert task_of(engine, story.instance_id, element, user).due_at == due


@then(step("the {element:Step} is offered to {others} but not to {author:w}"))
def offered(engine: Engine, story: Story, element: str, others: str, author: str) -> None:
    for user in names(others):
        task_of(engine, story.instance_id, element, user)
    assert element not in tasks_of_instance(engine, author, story.instance_id)


@then(parsers.parse("{user:w} is refused because {why}"))
def refused_because(story: Story, user: str, why: str) -> None:
    assert story.actor == user
    assert isinstance(story.error, PermissionDeniedError), f"not refused: {story.error!r}"
    code, params = REFUSALS[why]
    assert isinstance(story.error, EngineError), story.error
    assert story.error.code == code, str(story.error)
    assert params.items() <= story.error.params.items(), str(story.error)


@then(step("{user:w} sees the {element:Step}"))
def sees(engine: Engine, story: Story, user: str, element: str) -> None:
    assert task_of(engine, story.instance_id, element, user).claimed_by is None


@then(step("{user:w} sees the {element:Step}, claimed by him"))
def sees_claimed(engine: Engine, story: Story, user: str, element: str) -> None:
    assert task_of(engine, story.instance_id, element, user).claimed_by == user


@then(step("{user:w} does not see the {element:Step}"))
def does_not_see(engine: Engine, story: Story, user: str, element: str) -> None:
    assert element not in tasks_of_instance(engine, user, story.instance_id)


@then(step("nobody has a {element:Step} for it"))
@then(step("nobody has an {element:Step} for it"))
def nobody_has(engine: Engine, story: Story, element: str) -> None:
    waiting = [t.element_id for t in engine.queries.get_instance(story.instance_id).ready_tasks]
    assert element not in waiting, waiting


@then(parsers.parse("{user:w} gets a conflict error"))
def conflict(story: Story, user: str) -> None:
    assert story.actor == user
    assert isinstance(story.error, ConflictError), f"no conflict: {story.error!r}"


@then(parsers.parse("the history lists {entries}"))
def history_lists(engine: Engine, story: Story, entries: str) -> None:
    wanted = [tuple(e.split(" by ")) for e in entries.split(", ")]
    kinds = {kind for kind, _ in wanted}
    found = [
        (e.type, e.actor) for e in engine.queries.history(story.instance_id) if e.type in kinds
    ]
    assert found == wanted


# -- then: attribute changes and the approval sheet ---------------------------------


@then(
    parsers.parse("the history records {user:w}'s change of the attribute from {old:w} to {new:w}")
)
def change_in_history(engine: Engine, story: Story, user: str, old: str, new: str) -> None:
    done = [e for e in events(engine, story, "task_completed") if e.actor == user]
    assert done, f"{user} completed nothing"
    assert done[-1].data["changes"]["attribute"] == [old, new]


@then(
    parsers.parse(
        "the approval sheet shows {user:w}'s change of the attribute from {old:w} to {new:w}"
    )
)
def change_on_sheet(engine: Engine, story: Story, user: str, old: str, new: str) -> None:
    sheet = engine.catalogue.approval_sheet(story.instance_id, AUDITOR)
    entries = [e for e in sheet.entries if e.actor == user]
    assert entries, f"the sheet has no entry of {user}"
    assert entries[-1].changes["attribute"] == [old, new]
    assert engine.queries.get_instance(story.instance_id).data["attribute"] == new


@then("the approval sheet reads")
def sheet_reads(engine: Engine, story: Story, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    sheet = engine.catalogue.approval_sheet(story.instance_id, AUDITOR)

    def row(entry: Any) -> list[str]:
        at = datetime.fromisoformat(entry.at).astimezone(CHINA).strftime("%H:%M")
        remark = entry.comment or ", ".join(entry.reasons)
        cells = {
            "at": at,
            "step": entry.element_id,
            "kind": entry.kind,
            "actor": entry.actor or "",
            "decision": entry.decision or "",
            "remark": remark or "",
        }
        return [cells[h] for h in header]

    assert [row(e) for e in sheet.entries] == rows
    assert all(e.actor_name == e.actor for e in sheet.entries if e.actor)


@then(parsers.parse('the approval sheet shows the document "{number}" marked {attribute:w}'))
def sheet_document(engine: Engine, story: Story, number: str, attribute: str) -> None:
    sheet = engine.catalogue.approval_sheet(story.instance_id, AUDITOR)
    assert sheet.document is not None
    assert (sheet.document.number, sheet.document.attribute) == (number, attribute)
    assert sheet.data["attribute"] == attribute


# -- then: numbers, marks, the catalogue -----------------------------------------------


@then("the catalogue numbers them")
def catalogue_numbers(engine: Engine, story: Story, datatable: list[list[str]]) -> None:
    _, *rows = datatable
    numbers = {d.title: d.number for d in engine.catalogue.list_documents(AUDITOR)}
    assert numbers == dict(rows)


@then(parsers.parse('both are issued, numbered "{first}" and "{second}"'))
def both_numbered(engine: Engine, story: Story, first: str, second: str) -> None:
    failures = [o for o in story.outcomes if isinstance(o, Exception)]
    assert not failures, failures
    assert len(story.outcomes) == 2
    numbers = sorted(d.number for d in engine.catalogue.list_documents(AUDITOR))
    assert numbers == sorted([first, second])
    issued_numbers = sorted(o.data["issued"]["number"] for o in story.outcomes)
    assert issued_numbers == numbers


@then(parsers.parse('"{title}" is numbered "{number}"'))
def numbered(engine: Engine, story: Story, title: str, number: str) -> None:
    assert document_of(engine, story.by_title[title]).number == number


@then(parsers.parse('the official text ends with "{mark}"'))
def text_marked(engine: Engine, story: Story, mark: str) -> None:
    document = document_of(engine, story.instance_id)
    assert document.official_text.endswith(mark), document.official_text
    assert document.official_text.startswith(document.title)


@then(parsers.parse('the catalogue shows the document as "{status:w}", to be published by "{due}"'))
def catalogue_due(engine: Engine, story: Story, status: str, due: str) -> None:
    document = document_of(engine, story.instance_id)
    assert (document.status, document.publish_due_at) == (status, due)


@then(parsers.parse('the catalogue shows the document as "{status:w}" at {moment} Beijing time'))
def catalogue_published(engine: Engine, story: Story, status: str, moment: str) -> None:
    document = document_of(engine, story.instance_id)
    assert document.status == status
    assert document.published_at is not None
    assert datetime.fromisoformat(document.published_at) == beijing(moment)
    assert document.published_by == "zhou"


@then(parsers.parse('the catalogue records the conclusion "{conclusion:w}" by {user:w}'))
def catalogue_conclusion(engine: Engine, story: Story, conclusion: str, user: str) -> None:
    document = document_of(engine, story.instance_id)
    assert (document.review_conclusion, document.reviewed_by) == (conclusion, user)


@then("the document is in the public list")
def in_public_list(engine: Engine, story: Story) -> None:
    assert story.instance_id in [d.instance_id for d in engine.catalogue.public_documents()]


@then("the document is finished")
def finished(engine: Engine, story: Story) -> None:
    instance = engine.queries.get_instance(story.instance_id)
    assert (instance.status, instance.ready_tasks) == ("completed", ())


@then("the document is finished without a publish task")
def finished_unpublished(engine: Engine, story: Story) -> None:
    finished(engine, story)
    reached = {e.data.get("element_id") for e in engine.queries.history(story.instance_id)}
    assert not reached & {"confidentiality_review_task", "publish"}
    assert document_of(engine, story.instance_id).publish_due_at is None
    assert tasks_of_instance(engine, "zhou", story.instance_id) == []


@then(step('{user:w} has the {element:Step} of it, due at "{due}", provisionally'))
def has_task_due_provisionally(
    engine: Engine, story: Story, user: str, element: str, due: str
) -> None:
    task = task_of(engine, story.instance_id, element, user)
    assert (task.due_at, task.due_provisional) == (due, True)


@then(parsers.parse('the catalogue shows the publishing deadline "{due}" as {how:w}'))
def catalogue_deadline(engine: Engine, story: Story, due: str, how: str) -> None:
    document = document_of(engine, story.instance_id)
    assert document.publish_due_at == due
    assert document.publish_due_provisional is (how == "provisional")


@then(parsers.parse("the administrators are told that the holiday schedule of {year:d} is missing"))
def told_missing(engine: Engine, year: int) -> None:
    assert year in engine.calendar.missing_years()


@then("the administrators are told of no missing holiday schedule")
def told_nothing_missing(engine: Engine, clock: ManualClock) -> None:
    assert engine.calendar.missing_years() == []


@then(
    "the history records that the publishing deadline was computed again on the official calendar"
)
def recomputed_in_history(engine: Engine, story: Story) -> None:
    (changed,) = events(engine, story, "data_changed")
    assert changed.data["reason"] == "calendar.loaded"
    old, new = changed.data["changes"]["issued"]
    assert (old["publish_due_provisional"], new["publish_due_provisional"]) == (True, False)


@when(
    parsers.parse(
        "the administrator loads, in another server process, a 2027 schedule with {span} off"
    )
)
def schedule_elsewhere(engine: Engine, clock: ManualClock, span: str) -> None:
    admin_page = Engine(engine.db, clock)  # the web server; ``engine`` is the other process
    admin_page.calendar.load(f"{SCHEDULE_2027}{span} holiday 测试假日\n", loaded_by="admin")


# -- then: timers -------------------------------------------------------------------


def publish_task(engine: Engine, story: Story) -> TaskView:
    return task_of(engine, story.instance_id, "publish", "zhou")


@then("the publish task is neither reminded nor overdue")
def not_reminded(engine: Engine, story: Story) -> None:
    task = publish_task(engine, story)
    assert (task.reminded_at, task.overdue) == (None, False)
    assert not events(engine, story, "task_reminded")


@then(parsers.parse("the publish task was reminded at {moment} Beijing time but is not overdue"))
def reminded(engine: Engine, story: Story, moment: str) -> None:
    task = publish_task(engine, story)
    assert task.reminded_at is not None
    assert datetime.fromisoformat(task.reminded_at) == beijing(moment)
    assert task.overdue is False


@then("the publish task is not overdue")
def not_overdue(engine: Engine, story: Story) -> None:
    assert publish_task(engine, story).overdue is False
    assert not events(engine, story, "task_overdue")


@then("the publish task is overdue")
def overdue(engine: Engine, story: Story) -> None:
    assert publish_task(engine, story).overdue is True


@then("the history records a reminder, then an overdue mark, for the publish task")
def timer_history(engine: Engine, story: Story) -> None:
    marks = [
        (e.type, e.data["task_element_id"], e.data["due_at"])
        for e in engine.queries.history(story.instance_id)
        if e.type in ("task_reminded", "task_overdue")
    ]
    due = publish_task(engine, story).due_at
    assert marks == [("task_reminded", "publish", due), ("task_overdue", "publish", due)]


# -- then: attachments ---------------------------------------------------------------


@then(
    parsers.parse(
        'the attachment "{filename}" is stored with the draft and downloads with the same bytes'
    )
)
def attachment_stored(engine: Engine, story: Story, filename: str) -> None:
    draft = next(e for e in events(engine, story, "task_completed") if e.actor == "zhang")
    reference = draft.data["data"]["attachment"]
    assert (reference["filename"], reference["size"]) == (filename, len(PDF))
    stored = engine.queries.attachment(reference["id"], AUDITOR)
    assert (stored.instance_id, stored.filename) == (story.instance_id, filename)
    assert (stored.content_type, stored.content) == ("application/pdf", PDF)
    with pytest.raises(NotFoundError):
        engine.queries.attachment(reference["id"] + 1000, AUDITOR)


# -- then: steps that show engine bugs (see the assertion messages) -------------------


@then(parsers.parse("{other:w}, another drafter, is not offered {owner:w}'s draft"))
def draft_not_offered(engine: Engine, story: Story, other: str, owner: str) -> None:
    offered = tasks_of_instance(engine, other, story.instance_id)
    assert "draft" not in offered, (
        f"BUG: {owner}'s returned draft is offered to {other} (and to every drafter): the "
        "draft task carries no owner (engine/runtime.py _save gives it allowed_users=None), so "
        f"{other} may rewrite it, becomes an actor of 'draft' and then also receives the "
        "interpretation task (onlyActorsOf=draft); 退回 should go back to the drafter only"
    )


@then("the sign-off is accepted")
def sign_off_accepted(engine: Engine, story: Story) -> None:
    assert story.error is None, (
        "BUG: the 2027 schedule loaded by another Engine (another server process) is not seen: "
        "engine/runtime.py Engine._working_calendar caches the calendar in self._calendar for "
        "the life of the process and only load_calendar() on the same object clears it, so "
        f"the tick worker / other web workers keep refusing: {story.error}"
    )


@then(
    parsers.parse(
        "{user:w}'s {element:Step} form shows the attribute {attribute:w} "
        "but no decision and no comment",
        extra_types=TYPES,
    )
)
def blank_opinion(engine: Engine, story: Story, user: str, element: str, attribute: str) -> None:
    values = engine.queries.task_form(
        task_of(engine, story.instance_id, element, user).task_id, user
    ).values
    assert values["attribute"] == attribute
    opinion = {k: values[k] for k in ("decision", "comment")}
    assert not any(opinion.values()), (
        f"BUG: {user}'s form opens with the previous reviewer's opinion {opinion}: "
        "engine/runtime.py Engine.task_form fills every form field from the case data, and "
        "'decision'/'comment' there are the last reviewer's; a review form should open blank"
    )


@then(parsers.parse('the form is refused, naming "{field_name}" among the fields'))
def refused_among(story: Story, field_name: str) -> None:
    assert isinstance(story.error, FormValidationError), (
        f"BUG: an empty form was accepted as {story.actor}'s decision: Engine._validated "
        "(engine/runtime.py, since commit d4e49b8) fills fields left out of the post from the "
        "case data, so the previous reviewer's 'decision' and 'comment' become this one's"
        if story.error is None
        else f"refused otherwise: {story.error!r}"
    )
    assert field_name in story.error.errors, story.error.errors


@then(parsers.parse("the approval sheet records no change of the document by {who}"))
def no_changes_on_sheet(engine: Engine, story: Story, who: str) -> None:
    entries = engine.catalogue.approval_sheet(story.instance_id, AUDITOR).entries
    changes = {e.actor: e.changes for e in entries if e.actor in names(who) and e.changes}
    assert not changes, (
        f"BUG: the sheet shows changes nobody made to the document: {changes}; "
        "engine/runtime.py Engine.complete_task compares every submitted field with the case "
        "data, so one reviewer's 'decision'/'comment' is recorded as a change of the previous "
        "reviewer's; only document fields (title, body, attribute, ...) should count"
    )


# -- drafts ---------------------------------------------------------------------------


@given(parsers.parse('{user:w} has saved a draft titled "{title}"'))
@when(parsers.parse('{user:w} saves a draft titled "{title}" without submitting it'))
def save_draft(engine: Engine, story: Story, user: str, title: str) -> None:
    story.instance_id = engine.start_draft(PROCESS, user, {"title": title}).id


@given(step("{user:w} has claimed the {element:Step}"))
def has_claimed(engine: Engine, story: Story, user: str, element: str) -> None:
    engine.claim(waiting_task(engine, story.instance_id, element).task_id, user)


@then(parsers.parse('{user:w}\'s inbox holds the draft "{title}"'))
def inbox_holds_draft(engine: Engine, story: Story, user: str, title: str) -> None:
    task = task_of(engine, story.instance_id, "draft", user)
    assert task.subject == title
    assert engine.queries.task_form(task.task_id, user).values["title"] == title


@then(parsers.parse("{user:w}'s inbox is empty"))
def inbox_empty(engine: Engine, user: str) -> None:
    assert engine.queries.list_tasks(user) == []


@then(parsers.parse("the history records {user:w}'s save of the draft"))
def save_recorded(engine: Engine, story: Story, user: str) -> None:
    saved = events(engine, story, "task_saved")
    assert [(e.actor, e.data["element_id"]) for e in saved] == [(user, "draft")]


@when(parsers.parse("{user:w} tries to delete {owner:w}'s draft"))
@when(parsers.parse("{user:w} tries to delete his draft"))
@when(parsers.parse("{user:w} deletes his draft"))
def delete_draft(engine: Engine, story: Story, user: str, owner: str = "") -> None:
    attempt(engine, story, user, lambda: engine.delete_draft(story.instance_id, user, "不再需要"))


@when(parsers.parse("{user:w} withdraws the draft"))
@when(parsers.parse("{user:w} tries to withdraw the draft"))
def withdraw_draft(engine: Engine, story: Story, user: str) -> None:
    attempt(engine, story, user, lambda: engine.drafts.withdraw(story.instance_id, user))


@then(parsers.re(r'the (?:deletion|withdrawal) is refused because "(?P<code>[\w.]+)"'))
def refused_with(engine: Engine, story: Story, code: str) -> None:
    assert isinstance(story.error, EngineError), f"not refused: {story.error!r}"
    assert story.error.code == code, str(story.error)
    # a refusal changes nothing
    assert engine.queries.get_instance(story.instance_id).version == story.version_before


@then(parsers.parse("the draft comes back to {user:w}"))
def back_to_drafter(engine: Engine, story: Story, user: str) -> None:
    assert story.error is None, story.error
    task = task_of(engine, story.instance_id, "draft", user)
    assert engine.queries.task_form(task.task_id, user).values["title"]


@then(parsers.parse("{user:w}'s documents list the draft as {state:w}"))
def listed_as(engine: Engine, story: Story, user: str, state: str) -> None:
    rows = engine.drafts.mine(user, state).rows
    assert story.instance_id in [r.instance_id for r in rows], state


@then(parsers.parse("the history records the deletion by {user:w}"))
def deletion_recorded(engine: Engine, story: Story, user: str) -> None:
    assert story.error is None, story.error
    assert [e.actor for e in events(engine, story, "instance_cancelled")] == [user]
    assert engine.queries.get_instance(story.instance_id).status == "cancelled"
