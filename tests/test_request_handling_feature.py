"""Step definitions of features/request_handling.feature: disclosure requests (依申请公开)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from engine import (
    ConflictError,
    Engine,
    EngineError,
    FormValidationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from engine.attachments import Upload
from engine.disclosure.privacy import id_check_char
from engine.disclosure.requests.desk import PublicStatus, Receipt, RequestThrottledError

from .conftest import WORKFLOWS
from .helpers import Story as BaseStory
from .helpers import approve_until, document_of, task_of, waiting_task

pytestmark = pytest.mark.usefixtures("engine")

scenarios("request_handling.feature")

#: the applicant of every scenario: a natural person with a valid resident ID
NAME = "王小明"
RESIDENT_ID = "11010519491231002" + id_check_char("11010519491231002")
PHONE = "13900001111"


@dataclass
class Story(BaseStory):
    """What the steps hand each other: the receipt the applicant was given."""

    receipt: Receipt | None = None
    status: PublicStatus | None = None
    fee: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def story() -> Story:
    return Story()


def request_form(what: str) -> dict[str, str]:
    return {
        "applicant_type": "natural_person",
        "applicant_name": NAME,
        "id_type": "resident_id",
        "id_number": RESIDENT_ID,
        "phone": PHONE,
        "address": "威海市环翠区新威路1号",
        "email": "",
        "description": what,
        "preferred_form": "paper",
        "delivery": "mail",
    }


def look_up(engine: Engine, story: Story) -> PublicStatus:
    assert story.receipt is not None
    return engine.requests.status(
        story.receipt.tracking_number, story.receipt.query_code, "203.0.113.9"
    )


def complete(engine: Engine, story: Story, user: str, element: str, data: dict[str, Any]) -> None:
    task = task_of(engine, story.instance_id, element, user)
    engine.complete_task(task.task_id, user, data)


def attempt(story: Story, action: Any) -> None:
    story.error = None
    try:
        action()
    except (EngineError, ConflictError) as exc:
        story.error = exc


def started(engine: Engine, story: Story, receipt: Receipt) -> None:
    story.receipt = receipt
    story.instance_id = receipt.instance_id


# -- given ----------------------------------------------------------------------------------


@given("the disclosure request workflow is deployed")
def deployed(engine: Engine) -> None:
    names = ("disclosure_request", "confidentiality_review", "proactive_proposal")
    engine.deploy([WORKFLOWS / f"{name}.bpmn" for name in names])


@given(parsers.parse('an applicant has asked on the public page for "{what}"'))
@when(parsers.parse('an applicant asks on the public page for "{what}"'))
def asks(engine: Engine, story: Story, what: str) -> None:
    started(engine, story, engine.requests.submit(request_form(what), address="198.51.100.7"))


@given(parsers.parse("reg has accepted the request for {department}"))
@when(parsers.parse("reg accepts the request for {department}"))
def accepts(engine: Engine, story: Story, department: str) -> None:
    complete(
        engine,
        story,
        "reg",
        "check_request",
        {"intake_decision": "accept", "department": department},
    )


# -- when -----------------------------------------------------------------------------------


@when(parsers.parse("reg tries to accept the request for {department}"))
def tries_to_accept(engine: Engine, story: Story, department: str) -> None:
    attempt(story, lambda: accepts(engine, story, department))


@when(parsers.parse('reg enters a paper request for "{what}" received on {day}'))
def paper(engine: Engine, story: Story, what: str, day: str) -> None:
    form = request_form(what) | {"channel": "mail", "received_on": day}
    started(engine, story, engine.requests.submit(form, registrar="reg"))


@when("the applicant looks the request up with its query code")
def looks_up(engine: Engine, story: Story) -> None:
    story.status = look_up(engine, story)


@when("someone looks the request up with a wrong query code")
def wrong_code(engine: Engine, story: Story) -> None:
    assert story.receipt is not None
    attempt(
        story,
        lambda: engine.requests.status(story.receipt.tracking_number, "WRONGCODE1", "192.0.2.1"),
    )


@when(parsers.parse("someone tries {count:d} wrong query codes for the request"))
def wrong_codes(engine: Engine, story: Story, count: int) -> None:
    assert story.receipt is not None
    for n in range(count):
        with pytest.raises(NotFoundError):
            engine.requests.status(story.receipt.tracking_number, f"WRONG{n:05d}", f"192.0.2.{n}")


@when(
    parsers.parse("reg asks the applicant to make the request clear within {days:d} working days")
)
def asks_correction(engine: Engine, story: Story, days: int) -> None:
    complete(
        engine,
        story,
        "reg",
        "check_request",
        {
            "intake_decision": "correct",
            "correction_notice": "请写明所需文件的名称或文号。",
            "correction_days": days,
        },
    )


@when(
    parsers.parse(
        "reg tries to ask the applicant to make the request clear within {days:d} working days"
    )
)
def tries_correction(engine: Engine, story: Story, days: int) -> None:
    attempt(story, lambda: asks_correction(engine, story, days))


@when(parsers.parse("the corrected request arrives on {day}"))
def corrected(engine: Engine, story: Story, day: str) -> None:
    complete(
        engine,
        story,
        "reg",
        "await_correction",
        {
            "corrected_description": "2026年城区道路改造计划（威政办发〔2026〕3号）",
            "corrected_on": day,
        },
    )


@when(parsers.parse("reg records a correction received on {day}"), target_fixture="refusal")
def correction_refused(engine: Engine, story: Story, day: str) -> FormValidationError:
    with pytest.raises(FormValidationError) as refused:
        corrected(engine, story, day)
    return refused.value


@then(parsers.parse('the correction\'s day is refused with "{code}"'))
def correction_day_refused(refusal: FormValidationError, code: str) -> None:
    assert [p.code for p in refusal.errors["corrected_on"]] == [code]


@when("han consults a third party")
def consults(engine: Engine, story: Story) -> None:
    complete(
        engine,
        story,
        "han",
        "handle",
        {"action": "consult_third_party", "consulted": "威海某环保科技有限公司"},
    )


@when(parsers.parse("han records the opinion received on {day}"))
def opinion(engine: Engine, story: Story, day: str) -> None:
    complete(
        engine,
        story,
        "han",
        "await_opinion",
        {"opinion": "不同意公开涉及商业秘密的部分。", "opinion_on": day},
    )


@when(parsers.parse("han tries to record the opinion received on {day}"))
def tries_opinion(engine: Engine, story: Story, day: str) -> None:
    attempt(story, lambda: opinion(engine, story, day))


def _extend(engine: Engine, story: Story, days: int) -> None:
    complete(
        engine,
        story,
        "han",
        "handle",
        {"action": "extend", "extension_days": days, "extension_reason": "需调取档案"},
    )


@when(parsers.parse("han asks to extend the period by {days:d} working days"))
def asks_extension(engine: Engine, story: Story, days: int) -> None:
    _extend(engine, story, days)


@when(parsers.parse("han tries to ask to extend the period by {days:d} working days"))
def tries_extension(engine: Engine, story: Story, days: int) -> None:
    attempt(story, lambda: _extend(engine, story, days))


@when("boss approves the extension")
def approves_extension(engine: Engine, story: Story) -> None:
    complete(engine, story, "boss", "approve_extension", {"extension_decision": "approve"})


@given(parsers.parse("the applicant has made {count:d} requests this month"))
def earlier_requests(engine: Engine, count: int) -> None:
    for n in range(count):
        engine.requests.submit(request_form(f"第{n + 1}件申请"), address=f"203.0.113.{n}")


@when("han sends a fee notice by count")
def fee_by_count(engine: Engine, story: Story) -> None:
    complete(engine, story, "han", "handle", {"action": "fee_notice", "fee_method": "count"})
    story.fee = engine.queries.get_instance(story.instance_id).data["clock"]["fee"]


@when(parsers.parse("han sends a fee notice by volume for {pages:d} pages"))
def fee_notice(engine: Engine, story: Story, pages: int) -> None:
    complete(
        engine,
        story,
        "han",
        "handle",
        {"action": "fee_notice", "fee_method": "volume", "fee_pages": pages},
    )
    story.fee = engine.queries.get_instance(story.instance_id).data["clock"]["fee"]


@when("han tries to send a fee notice by count")
def tries_fee_by_count(engine: Engine, story: Story) -> None:
    attempt(story, lambda: fee_by_count(engine, story))


@when(parsers.parse("han tries to send a fee notice by volume for {pages:d} pages"))
def tries_fee_by_volume(engine: Engine, story: Story, pages: int) -> None:
    attempt(story, lambda: fee_notice(engine, story, pages))


@when(parsers.parse('han replies "{reply_type}" with "{text}"'))
def replies(engine: Engine, story: Story, reply_type: str, text: str) -> None:
    complete(
        engine,
        story,
        "han",
        "handle",
        {"action": "reply", "reply_type": reply_type, "reply_text": text},
    )


@when("boss signs the reply")
def signs(engine: Engine, story: Story) -> None:
    complete(engine, story, "boss", "sign_reply", {"decision": "approve"})


@when(parsers.parse('sun concludes the review with "{conclusion}"'))
def concludes(engine: Engine, story: Story, conclusion: str) -> None:
    task = waiting_task(engine, story.instance_id, "confidentiality_review_task")
    form = engine.queries.task_form(task.task_id, "sun")
    findings = [f["id"] for f in form.data["review_item"]["findings"]]
    data = {k: v for k, v in form.values.items() if v is not None} | {
        "confirmed_findings": findings,
        "review_conclusion": conclusion,
        "review_basis": "依据条例第十五条对个人信息去标识化处理",
    }
    engine.complete_task(task.task_id, "sun", data)


# -- then -----------------------------------------------------------------------------------


@then("the applicant gets a tracking number and a query code")
def got_numbers(story: Story) -> None:
    assert story.receipt is not None
    assert story.receipt.tracking_number.startswith("GK")
    assert len(story.receipt.query_code) == 10
    assert story.receipt.file_number.startswith("依申请〔2026〕")


@then(parsers.parse("the reply is due on {day}"))
def due_on(engine: Engine, story: Story, day: str) -> None:
    assert look_up(engine, story).due_on == day


@then(parsers.parse("{user} has the check of it"))
def has_check(engine: Engine, story: Story, user: str) -> None:
    task_of(engine, story.instance_id, "check_request", user)


@then(parsers.parse("{user} has the handling of it"))
def has_handling(engine: Engine, story: Story, user: str) -> None:
    task_of(engine, story.instance_id, "handle", user)


@then(parsers.parse("{user} has nothing of it"))
def has_nothing(engine: Engine, story: Story, user: str) -> None:
    mine = [t for t in engine.queries.list_tasks(user) if t.instance_id == story.instance_id]
    assert not mine, mine


@then(parsers.parse("{user} has the confidentiality review of it"))
def has_review(engine: Engine, story: Story, user: str) -> None:
    mine = [
        t for t in engine.queries.list_tasks(user) if t.element_id == "confidentiality_review_task"
    ]
    assert mine, engine.queries.list_tasks(user)


@then(parsers.parse('the status page shows "{status}" due on {day}'))
def status_due(engine: Engine, story: Story, status: str, day: str) -> None:
    status_shown(engine, story, status)
    assert look_up(engine, story).due_on == day


@then(parsers.parse('the status page shows "{status}"'))
def status_shown(engine: Engine, story: Story, status: str) -> None:
    from engine.disclosure.requests.desk import status_label

    assert status_label(look_up(engine, story).status)[0] == status


@then("the status page shows no personal data of the applicant")
def no_personal_data(engine: Engine, story: Story) -> None:
    shown = json.dumps(asdict(look_up(engine, story)), ensure_ascii=False)
    for personal in (NAME, RESIDENT_ID, PHONE):
        assert personal not in shown


@then("the lookup is refused without saying whether the number exists")
def refused_alike(engine: Engine, story: Story) -> None:
    assert isinstance(story.error, NotFoundError)
    with pytest.raises(NotFoundError) as unknown:
        engine.requests.status("GKNOSUCHNUM", "WRONGCODE1", "192.0.2.2")
    assert unknown.value.code == story.error.code == "request.no_such_code"


@then("even the right query code must wait")
def must_wait(engine: Engine, story: Story) -> None:
    with pytest.raises(RequestThrottledError):
        look_up(engine, story)


@then(parsers.parse("{first} and {second} can read the applicant's name"))
def can_read(engine: Engine, story: Story, first: str, second: str) -> None:
    for user in (first, second):
        view = engine.requests.of_instance(story.instance_id, user)
        assert view is not None and view.applicant_name == NAME


@then(parsers.parse("{first} and {second} cannot read the applicant's name"))
def cannot_read(engine: Engine, story: Story, first: str, second: str) -> None:
    for user in (first, second):
        assert engine.requests.of_instance(story.instance_id, user) is None


@then("the instance's history holds no personal data of the applicant")
def history_clean(engine: Engine, story: Story) -> None:
    history = engine.queries.history(story.instance_id)
    shown = json.dumps([asdict(e) for e in history], ensure_ascii=False, default=str)
    state = json.dumps(engine.queries.get_instance(story.instance_id).data, ensure_ascii=False)
    for personal in (NAME, RESIDENT_ID, PHONE):
        assert personal not in shown and personal not in state


@then(parsers.parse('it is refused because "{code}"'))
def refused_because(story: Story, code: str) -> None:
    error = story.error
    assert isinstance(error, InvalidInputError | FormValidationError | PermissionDeniedError), (
        f"not refused: {error!r}"
    )
    codes = {error.code}
    if isinstance(error, FormValidationError):
        codes |= {p.code for problems in error.errors.values() for p in problems}
    assert code in codes, codes


@then("the history records the pause and the restart")
def pause_recorded(engine: Engine, story: Story) -> None:
    types = [e.type for e in engine.queries.history(story.instance_id)]
    assert "clock_paused" in types and "clock_resumed" in types
    assert types.index("clock_paused") < types.index("clock_resumed")
    # The opinion arriving resumed the handling: nobody sent the request back.
    assert "sent_back" not in types


@then(parsers.parse("the status page tells the applicant of the {days:d}-day extension"))
def extension_told(engine: Engine, story: Story, days: int) -> None:
    shown = look_up(engine, story)
    assert shown.extension_days == days and shown.extension_reason


def _handling(engine: Engine, story: Story) -> Any:
    return task_of(engine, story.instance_id, "handle", "han")


@then("han's handling of it is neither reminded nor overdue")
def not_yet(engine: Engine, story: Story) -> None:
    task = _handling(engine, story)
    assert task.reminded_at is None and not task.overdue


@then("han's handling of it is reminded")
def reminded(engine: Engine, story: Story) -> None:
    task = _handling(engine, story)
    assert task.reminded_at is not None and not task.overdue


@then("han's handling of it is overdue")
def overdue(engine: Engine, story: Story) -> None:
    assert _handling(engine, story).overdue
    types = [e.type for e in engine.queries.history(story.instance_id)]
    assert types.index("task_reminded") < types.index("task_overdue")


@then("reg's check of it is overdue already")
def check_overdue(engine: Engine, story: Story) -> None:
    task = task_of(engine, story.instance_id, "check_request", "reg")
    assert task.overdue and task.reminded_at is not None
    history = engine.queries.history(story.instance_id)
    marked = [e.data["task_id"] for e in history if e.type in ("task_reminded", "task_overdue")]
    assert marked == [task.task_id, task.task_id]


@then(parsers.parse("the status page shows the request {days:d} working day overdue"))
@then(parsers.parse("the status page shows the request {days:d} working days overdue"))
def days_overdue(engine: Engine, story: Story, days: int) -> None:
    assert look_up(engine, story).days_left == -days


@then(
    parsers.parse('han sees {count:d} earlier requests of the applicant, "{what}" marked similar')
)
def earlier_seen(engine: Engine, story: Story, count: int, what: str) -> None:
    view = engine.requests.of_instance(story.instance_id, "han")
    assert view is not None and len(view.earlier) == count
    assert [e["description"] for e in view.earlier if e["similar"]] == [what]


def _pause_due_on(engine: Engine, story: Story) -> str:
    return str(engine.queries.get_instance(story.instance_id).data["clock"]["pause_due_on"])


@then("the status page tells the applicant what to correct and by when")
def told_to_correct(engine: Engine, story: Story) -> None:
    notice = look_up(engine, story).notice
    assert notice == {
        "kind": "correction",
        "text": "请写明所需文件的名称或文号。",
        "due_on": _pause_due_on(engine, story),
    }


@then(parsers.parse("the status page tells the applicant to pay {yuan:d} yuan and by when"))
def told_to_pay(engine: Engine, story: Story, yuan: int) -> None:
    status = look_up(engine, story)
    assert (status.fee_yuan, status.fee_method) == (yuan, "volume")
    assert status.notice == {"kind": "fee", "due_on": _pause_due_on(engine, story)}


@then("the history records the fee notice with the fee's fields only")
def fee_fields_only(engine: Engine, story: Story) -> None:
    (done,) = [
        e
        for e in engine.queries.history(story.instance_id)
        if e.type == "task_completed" and e.data["element_id"] == "handle"
    ]
    # not the reply's or the extension's, whose defaults would read as answers
    assert set(done.data["data"]) == {"findings", "action", "fee_method", "fee_pages"}


@then("the status page asks nothing more of the applicant")
def asks_nothing(engine: Engine, story: Story) -> None:
    assert look_up(engine, story).notice is None


@then(parsers.parse("the fee is {yuan:d} yuan"))
def fee_is(story: Story, yuan: int) -> None:
    assert story.fee["yuan"] == yuan


@then(parsers.parse('the reply letter reads "{decision}" with the basis "{fragment}"'))
def letter_reads(engine: Engine, story: Story, decision: str, fragment: str) -> None:
    letter = look_up(engine, story).letter
    assert letter is not None
    assert decision in letter["decision"] and fragment in letter["basis"]


@then(parsers.parse('the reply letter hides "{text}"'))
def letter_hides(engine: Engine, story: Story, text: str) -> None:
    letter = look_up(engine, story).letter
    assert letter is not None and text not in letter["body"]


# -- 依申请转主动 (Art. 44) -------------------------------------------------------------------


@given(parsers.parse('an issued document "{title}" disclosed only on request'))
def on_request_document(engine: Engine, story: Story, title: str) -> None:
    for name, role in (("zhang", "drafter"), ("li", "dept_head"), ("wang", "office")):
        engine.users.add(name, [role])
    engine.users.add("zhao", ["leader"])
    engine.users.add("zhou", ["publisher"])
    engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")))
    instance = engine.start("document_approval", "zhang")
    draft = {
        "title": title,
        "doc_type": "general",
        "body": f"{title}\n市发展改革委：你委关于停车收费标准的请示收悉。",
        "attribute": "on_request",
        "attribute_reason": "涉及特定主体，依申请公开。",
    }
    engine.complete_task(instance.ready_tasks[0].task_id, "zhang", draft)
    approve_until(engine, instance.id)
    story.by_title[title] = instance.id


def _document_number(engine: Engine, story: Story, title: str) -> str:
    return document_of(engine, story.by_title[title]).number


def _reply_naming(engine: Engine, story: Story, reply_type: str, number: str) -> None:
    reply = {"action": "reply", "reply_type": reply_type, "reply_text": "见该文件。"}
    complete(engine, story, "han", "handle", reply | {"disclosed_document": number})


@when(parsers.parse('han tries to reply "{reply_type}" naming the document "{number}"'))
def tries_reply_naming_number(engine: Engine, story: Story, reply_type: str, number: str) -> None:
    attempt(story, lambda: _reply_naming(engine, story, reply_type, number))


@when(parsers.parse('han tries to reply "{reply_type}" naming "{title}"'))
def tries_reply_naming(engine: Engine, story: Story, reply_type: str, title: str) -> None:
    number = _document_number(engine, story, title)
    attempt(story, lambda: _reply_naming(engine, story, reply_type, number))


@when(parsers.parse('han replies "{reply_type}" naming "{title}" typed with round brackets'))
def reply_naming_typed(engine: Engine, story: Story, reply_type: str, title: str) -> None:
    number = _document_number(engine, story, title)
    typed = number.replace("〔", "（").replace("〕", "）")
    assert typed != number
    _reply_naming(engine, story, reply_type, typed)


@when(parsers.parse('{count:d} different applicants are each given "{title}"'))
def given_to_applicants(engine: Engine, story: Story, count: int, title: str) -> None:
    number = _document_number(engine, story, title)
    for n in range(count):
        first17 = f"37100219800101{n:03d}"
        form = request_form(title) | {"id_number": first17 + id_check_char(first17)}
        receipt = engine.requests.submit(form, address=f"198.51.100.{n}")
        story.instance_id = receipt.instance_id
        accepts(engine, story, "法规处")
        complete(
            engine,
            story,
            "han",
            "handle",
            {
                "action": "reply",
                "reply_type": "disclose",
                "reply_text": "现将该批复提供给您。",
                "disclosed_document": number,
            },
        )
        concludes(engine, story, "disclose")
        signs(engine, story)


@when(parsers.parse('{count:d} different applicants are each given the file "{filename}"'))
def file_to_applicants(engine: Engine, story: Story, count: int, filename: str) -> None:
    engine.users.add("zhou", ["publisher"])
    content = b"%PDF-1.7\n% the same plan for everyone\n%%EOF\n"
    for n in range(count):
        first17 = f"37100219800101{n:03d}"
        form = request_form(filename) | {"id_number": first17 + id_check_char(first17)}
        story.instance_id = engine.requests.submit(form, address=f"198.51.100.{n}").instance_id
        accepts(engine, story, "法规处")
        task = task_of(engine, story.instance_id, "handle", "han")
        reply = {"action": "reply", "reply_type": "disclose", "reply_text": "见附件。"}
        files = {"reply_attachment": Upload(filename, content)}
        engine.complete_task(task.task_id, "han", reply, files=files)
        concludes(engine, story, "disclose")
        signs(engine, story)


def _proposals(engine: Engine, user: str) -> list[Any]:
    return [t for t in engine.queries.list_tasks(user) if t.element_id == "consider_proposal"]


@then(parsers.parse('{user} has the proposal to disclose "{title}" proactively'))
def has_proposal(engine: Engine, story: Story, user: str, title: str) -> None:
    (proposal,) = _proposals(engine, user)
    assert engine.queries.get_instance(proposal.instance_id).data["title"] == title
    story.instance_id = proposal.instance_id


@then("nobody has a proposal to disclose it proactively")
def no_proposal(engine: Engine) -> None:
    assert not _proposals(engine, "boss")


@when("boss accepts the proposal")
def accepts_proposal(engine: Engine, story: Story) -> None:
    complete(engine, story, "boss", "consider_proposal", {"proposal_decision": "accept"})


@when("zhou publishes the document")
def zhou_publishes(engine: Engine, story: Story) -> None:
    complete(
        engine,
        story,
        "zhou",
        "publish",
        {"publish_action": "publish", "channel": "website", "url": "https://www.example.gov.cn/1"},
    )


@then(parsers.parse('"{title}" is in the public list'))
def in_public_list(engine: Engine, title: str) -> None:
    assert title in [d.title for d in engine.catalogue.public_documents()]
