"""BPMN files as Signavio, Bizagi, bpmn.io and other tools export them run, or are refused.

Each file under ``tests/bpmn/<dialect>`` is written the way its tool writes
it; each test deploys it on a ``WorkflowEngine`` with no domain, on SQLite
and PostgreSQL, and runs it or checks that it is refused naming the element
and what is wrong.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from flask import Flask

from engine import (
    ConflictError,
    Database,
    DeploymentError,
    FormValidationError,
    PermissionDeniedError,
    ScriptError,
    WorkflowEngine,
)
from engine.clock import ManualClock, iso
from engine.definitions import compile_definition, read_files
from engine.diagrams import has_layout
from webui import get_engine

from .conftest import TEST_BPMN
from .web import Browser

SIGNAVIO = TEST_BPMN / "signavio"
ENCODINGS = TEST_BPMN / "encodings"


@pytest.fixture
def core(db: Database, clock: ManualClock) -> Iterator[WorkflowEngine]:
    """An engine without any domain, with one user in the default group."""
    engine = WorkflowEngine(db, clock)
    engine.users.add("clara", ["clerk"])
    yield engine


def refusals(files: dict[str, str]) -> list[tuple[str | None, str]]:
    with pytest.raises(DeploymentError) as refused:
        compile_definition(files)
    return [(p.element_id, p.message) for p in refused.value.problems]


# -- Signavio: references as child elements ------------------------------------------------


def test_signavios_message_references_as_children_deploy_and_carry_the_messages(
    core: WorkflowEngine,
) -> None:
    name = "claim_reply_message_children.bpmn"
    given = (SIGNAVIO / name).read_text(encoding="utf-8")
    assert "<messageRef>sid-answer-message</messageRef>" in given
    core.deploy_files({name: given})
    office = core.start("signavio_claims_office", "clara")
    (record,) = office.ready_tasks
    waiting = core.complete_task(record.task_id, "clara", {})
    assert waiting.status == "running" and not waiting.ready_tasks  # waits for the answer
    # the claim message started the insurer's process: the message, not the event's name
    (insurer,) = [i for i in core.queries.list_instances() if i.process_id == "signavio_insurer"]
    (assess,) = core.queries.get_instance(insurer.id).ready_tasks
    assert assess.element_id == "sid-assess"
    assert core.complete_task(assess.task_id, "clara", {}).status == "completed"
    # its end event sent the answer the office waited for
    (inform,) = core.queries.get_instance(office.id).ready_tasks
    assert inform.element_id == "sid-inform"
    assert core.complete_task(inform.task_id, "clara", {}).status == "completed"
    assert core.replayer.replay_stored(office.id).ok


def test_an_operations_error_reference_stays_a_child() -> None:
    given = (SIGNAVIO / "claim_reply_message_children.bpmn").read_text(encoding="utf-8")
    interface = (
        '<error id="sid-refused" errorCode="refused"/>'
        '<interface id="sid-claims-api" name="Claims"><operation id="sid-file-claim" '
        'name="file"><inMessageRef>sid-claim-message</inMessageRef>'
        "<errorRef>sid-refused</errorRef></operation></interface>"
    )
    claim = '<message id="sid-claim-message"'
    given = given.replace(claim, interface + claim)
    compiled = compile_definition({"claims.bpmn": given})
    assert set(compiled.processes) == {"signavio_claims_office", "signavio_insurer"}


# -- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["latin1_leave.bpmn", "windows1252_leave.bpmn", "utf16_leave.bpmn"],
)
def test_a_file_in_the_encoding_it_declares_deploys_with_its_names_intact(
    core: WorkflowEngine, name: str
) -> None:
    raw = (ENCODINGS / name).read_bytes()
    assert b"pr\xc3\xbcfen" not in raw  # not UTF-8
    process = name.removesuffix(".bpmn")
    core.deploy([ENCODINGS / name])
    instance = core.start(process, "clara")
    (task,) = instance.ready_tasks
    assert task.name.startswith("Antrag prüfen") and "Straße" in task.name
    assert core.queries.process_names()[process][0] == "Urlaubsantrag für Müller"
    assert core.complete_task(task.task_id, "clara", {}).status == "completed"


def test_a_declared_encoding_is_not_applied_twice_to_decoded_text() -> None:
    """Text already decoded, with its ISO-8859-1 declaration, keeps its umlauts."""
    (text,) = read_files([ENCODINGS / "latin1_leave.bpmn"]).values()
    assert 'encoding="ISO-8859-1"' in text
    compiled = compile_definition({"leave.bpmn": text})
    (rules,) = compiled.user_tasks.values()
    assert rules.name == "Antrag prüfen - Größe, Maß, Straße"


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<definitions name="M\xfcller"/>', None),
        (b'<?xml version="1.0" encoding="UTF-16"?>\n<definitions name="M\xc3\xbcller"/>', None),
        (b'<?xml version="1.0" encoding="UTF-8"?>\n<definitions name="M\xfcller"/>', "UTF-8"),
        (b'<?xml version="1.0" encoding="klingon"?>\n<definitions/>', "unknown encoding 'klingon'"),
        (b"\xff\xfe<\x00d\x00e", "utf-16"),
    ],
)
def test_a_file_not_in_its_encoding_is_refused_naming_it(
    tmp_path: pytest.TempPathFactory, data: bytes, said: str | None
) -> None:
    path = tmp_path / "odd.bpmn"  # type: ignore[operator]
    path.write_bytes(data)
    if said is None:
        (text,) = read_files([path]).values()
        assert 'name="Müller"' in text
        return
    with pytest.raises(DeploymentError) as refused:
        read_files([path])
    (problem,) = refused.value.problems
    assert "cannot be read" in problem.message and said in problem.message


def test_the_admin_uploads_a_file_in_utf16_and_latin1(app: Flask) -> None:
    engine = get_engine(app)
    admin = Browser(app.test_client()).login("admin")
    for name in ("utf16_leave.bpmn", "latin1_leave.bpmn"):
        admin.get("/admin/workflows")
        location = admin.post(
            "/admin/workflows",
            {"files": [(io.BytesIO((ENCODINGS / name).read_bytes()), name)]},
            content_type="multipart/form-data",
        )
        assert location == "/admin/workflows", name
        newest = engine.queries.definition_versions("admin").items[0]
        assert newest.processes[0][0] == name.removesuffix(".bpmn")
    names = engine.queries.process_names()
    assert names["latin1_leave"][0] == names["utf16_leave"][0] == "Urlaubsantrag für Müller"


# -- ids -----------------------------------------------------------------------------------


def test_an_id_given_twice_is_named_with_both_elements() -> None:
    given = (SIGNAVIO / "claim_reply_message_children.bpmn").read_text(encoding="utf-8")
    given = (
        given.replace('id="sid-inform"', 'id="sid-record"')
        .replace('targetRef="sid-inform"', 'targetRef="sid-record"')
        .replace('sourceRef="sid-inform"', 'sourceRef="sid-record"')
    )
    (problem,) = refusals({"claims.bpmn": given})
    element_id, message = problem
    assert element_id == "sid-record"
    assert "2 elements" in message and "userTask (line 25)" in message
    assert "userTask (line 46)" in message


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ('"sid-assess"', '"' + "sid-assess-" + "x" * 120 + '"', "userTask's id is 131 characters"),
        ('"signavio_insurer"', '"' + "insurer_" * 17 + '"', "process's id is 136 characters"),
        ('name="Assess the claim"', 'name="' + "核" * 257 + '"', "userTask's name is 257"),
        ('name="answer"', 'name="' + "a" * 300 + '"', "message's name is 300"),
    ],
)
def test_an_id_or_name_longer_than_the_engine_keeps_is_refused_before_it_is_stored(
    core: WorkflowEngine, old: str, new: str, said: str
) -> None:
    given = (SIGNAVIO / "claim_reply_message_children.bpmn").read_text(encoding="utf-8")
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({"claims.bpmn": given.replace(old, new)})
    (problem,) = refused.value.problems
    assert said in problem.message and "at most" in problem.message
    assert len(problem.element_id or "") <= 61


# -- expressions of other dialects ---------------------------------------------------------


def test_a_feel_condition_is_refused_as_feel() -> None:
    given = (SIGNAVIO / "claim_reply_message_children.bpmn").read_text(encoding="utf-8")
    given = given.replace(
        '<sequenceFlow id="sid-i2" sourceRef="sid-assess" targetRef="sid-send-answer"/>',
        '<sequenceFlow id="sid-i2" sourceRef="sid-assess" targetRef="sid-send-answer">'
        '<conditionExpression xsi:type="tFormalExpression">=amount &gt; 1000'
        "</conditionExpression></sequenceFlow>",
    )
    (problem,) = refusals({"claims.bpmn": given})
    assert problem[0] == "sid-i2" and "FEEL expression" in problem[1]


# -- a file with no diagram ----------------------------------------------------------------

GENERATED = TEST_BPMN / "generated" / "permit_no_layout.bpmn"


def test_a_file_with_no_layout_runs_its_timers_gateways_and_terminate_ends(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    core.deploy([GENERATED])
    permit = core.start("generated_permit", "clara")
    (review,) = permit.ready_tasks
    fired = []
    for _ in range(5):
        clock.advance(hours=1, minutes=1)
        fired.append(core.tick().timers_fired)
    assert fired == [1, 1, 1, 0, 0]  # R3/PT1H: three reminders, and the task stays open
    after = core.complete_task(review.task_id, "clara", {"storeys": 5, "listed": True})
    assert sorted(t.element_id for t in after.ready_tasks) == ["fire_check", "heritage_check"]
    for task in after.ready_tasks:
        done = core.complete_task(task.task_id, "clara", {})
    assert done.status == "completed"  # the terminate end event ended the waiting branch too
    assert core.send_message("permit withdrawn").reached == ()
    # the message, when it comes first, ends the review still open
    withdrawing = core.start("generated_permit", "clara")
    assert core.send_message("permit withdrawn").reached == (withdrawing.id,)
    withdrawn = core.queries.get_instance(withdrawing.id)
    assert withdrawn.status == "completed" and not withdrawn.ready_tasks
    assert core.queries.inbox("clara").total == 0
    # the default flow, when no condition holds; the fixed date, when it comes first
    lapsing = core.start("generated_permit", "clara")
    (review,) = lapsing.ready_tasks
    after = core.complete_task(review.task_id, "clara", {"storeys": 1, "listed": False})
    assert [t.element_id for t in after.ready_tasks] == ["basic_check"]
    clock.advance(days=8)  # past 2026-12-07T01:00:00Z
    assert core.tick().timers_fired == 1
    lapsed = core.queries.get_instance(lapsing.id)
    assert lapsed.status == "completed" and not lapsed.ready_tasks
    late = core.start("generated_permit", "clara")
    assert late.status == "completed"  # the date has passed: it lapses as it starts
    for instance in (permit, lapsing, withdrawing):
        assert core.replayer.replay_stored(instance.id).ok


def test_the_step_through_of_a_process_with_no_layout_says_it_has_no_diagram(
    app: Flask,
) -> None:
    engine = get_engine(app)
    engine.deploy([GENERATED], "admin")
    permit = engine.start("generated_permit", "admin")
    html = Browser(app.test_client()).login("qianyi").get(f"/audit/instances/{permit.id}/steps")
    assert "流程文件中没有此流程的布局" in html
    assert "data-bpmn-diagram" not in html and "流程图未构建" not in html


def test_a_layout_is_a_plane_of_the_process_or_of_its_collaboration() -> None:
    signavio = (SIGNAVIO / "claim_reply_message_children.bpmn").read_text(encoding="utf-8")
    assert has_layout(signavio, "signavio_insurer")  # a participant of the drawn collaboration
    assert not has_layout(signavio, "another_process")
    encoded = read_files([ENCODINGS / "latin1_leave.bpmn"])["latin1_leave.bpmn"]
    assert has_layout(encoded, "latin1_leave")  # its own plane
    assert not has_layout(GENERATED.read_text(encoding="utf-8"), "generated_permit")


# -- Camunda 8 (Zeebe) ---------------------------------------------------------------------

ZEEBE = TEST_BPMN / "zeebe"


def test_a_camunda_8_timer_written_as_feel_giving_a_literal_fires(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    core.deploy([ZEEBE / "feel_timers.bpmn"])
    instance = core.start("zeebe_feel_timers", "clara")
    clock.advance(hours=1, minutes=1)  # ="PT1H": a reminder, the task stays
    assert core.tick().timers_fired == 1
    assert [t.element_id for t in core.queries.list_tasks("clara")] == ["Activity_handle"]
    clock.advance(days=3)  # =duration("P3D"): the task is escalated
    assert core.tick().timers_fired == 1
    (escalate,) = core.queries.get_instance(instance.id).ready_tasks
    assert escalate.element_id == "Activity_escalate"
    assert core.complete_task(escalate.task_id, "clara", {}).status == "completed"


def test_a_camunda_8_timer_of_other_feel_is_refused_naming_it() -> None:
    """A guard: FEEL that gives no literal stays refused."""
    given = (ZEEBE / "feel_timers.bpmn").read_text(encoding="utf-8")
    with pytest.raises(DeploymentError) as refused:
        compile_definition({"t.bpmn": given.replace('=duration("P3D")', "=duration(wait)")})
    (problem,) = refused.value.problems
    assert problem.element_id == "TimerEventDefinition_late" and "is FEEL" in problem.message


def test_a_camunda_8_file_runs_its_assignments_loop_call_and_feel_condition(
    core: WorkflowEngine,
) -> None:
    core.deploy([ZEEBE / "purchase_request.bpmn"])
    core.users.add("bea", ["buyers"])
    core.users.add("max", ["managers"])
    core.users.add("dora", ["directors"])
    items = ["desk", "chair"]
    data = {"items": items, "amount": 400, "urgent": True, "supplier": "other", "approver": "dora"}
    purchase = core.start("zeebe_purchase", "clara", data)
    for _ in items:  # one check per item, in turn, for the buyers
        (check,) = purchase.ready_tasks
        assert (check.element_id, check.role) == ("Activity_check", "buyers")
        with pytest.raises(PermissionDeniedError):
            core.complete_task(check.task_id, "clara", {})
        purchase = core.complete_task(check.task_id, "bea", {})
    # =amount > 1000 or (urgent = true and not(supplier = "framework")): urgent, not framework
    (approve,) = purchase.ready_tasks
    assert approve.element_id == "Activity_approve"
    with pytest.raises(PermissionDeniedError):
        core.complete_task(approve.task_id, "max", {})  # assignee "=approver": dora's alone
    placing = core.complete_task(approve.task_id, "dora", {})
    (place,) = placing.ready_tasks
    assert place.element_id == "Activity_place"  # in the called process zeebe_order
    assert core.complete_task(place.task_id, "bea", {}).status == "completed"
    assert "item" not in core.queries.get_instance(purchase.id).data
    # the default flow: small, and from the framework supplier
    small = dict(data, items=["pen"], urgent=True, supplier="framework")
    small_purchase = core.start("zeebe_purchase", "clara", small)
    (check,) = small_purchase.ready_tasks
    (place,) = core.complete_task(check.task_id, "bea", {}).ready_tasks
    assert place.element_id == "Activity_place"
    assert core.replayer.replay_stored(purchase.id).ok


def test_a_camunda_8_call_propagating_not_all_variables_passes_its_mappings_alone(
    core: WorkflowEngine,
) -> None:
    core.deploy([ZEEBE / "call_propagation.bpmn"])
    order = core.start("zeebe_call_propagation", "clara", {"order": {"total": 250}, "note": "n"})
    (check,) = order.ready_tasks
    # propagateAllParentVariables="false": the review starts with its input mappings alone
    assert core.queries.task_form(check.task_id, "clara").data == {
        "amount": 250,
        "currency": "EUR",
    }
    shipping = core.complete_task(check.task_id, "clara", {"approved": True, "remark": "ok"})
    # propagateAllChildVariables="false": only =approved comes back, as orderApproved
    assert core.queries.get_instance(order.id).data == {
        "order": {"total": 250},
        "note": "n",
        "orderApproved": True,
    }
    (pack,) = shipping.ready_tasks  # the gateway read orderApproved
    assert pack.element_id == "Activity_pack"
    assert core.queries.task_form(pack.task_id, "clara").data["note"] == "n"  # every one in
    done = core.complete_task(pack.task_id, "clara", {"tracking": "T1"})
    assert done.status == "completed"
    assert "tracking" not in core.queries.get_instance(order.id).data  # and none back
    assert core.replayer.replay_stored(order.id).ok


def test_a_camunda_8_call_mapping_into_no_variable_is_refused_naming_the_call() -> None:
    given = (ZEEBE / "call_propagation.bpmn").read_text(encoding="utf-8")
    (problem,) = refusals({"c.bpmn": given.replace('target="orderApproved"', 'target="class"')})
    said = "zeebe:output 'class': the target must be a variable's name"
    assert problem == ("Activity_review", said)


def test_a_camunda_8_user_task_served_by_a_job_type_runs_with_its_headers_shown(
    core: WorkflowEngine,
) -> None:
    core.deploy([ZEEBE / "user_task_headers.bpmn"])
    core.users.add("max", ["managers"], new_groups=True)
    request = core.start("zeebe_user_task_headers", "clara")
    (review,) = request.ready_tasks
    page = core.queries.task_form(review.task_id, "clara")
    assert page.headers == (("region", "华东 East"), ("guide", "https://example.org/review-guide"))
    assert list(page.form.fields) == ["approved", "remark"]  # the io.camunda.zeebe:formKey's
    signing = core.complete_task(review.task_id, "clara", {"approved": True, "remark": "可"})
    (sign,) = signing.ready_tasks
    assert sign.groups == ("managers",)  # io.camunda.zeebe:candidateGroups
    assert core.queries.task_form(sign.task_id, "max").headers == ()
    with pytest.raises(PermissionDeniedError):
        core.complete_task(sign.task_id, "clara", {})
    assert core.complete_task(sign.task_id, "max", {}).status == "completed"
    assert core.replayer.replay_stored(request.id).ok


def test_a_task_page_shows_a_camunda_8_user_tasks_headers(app: Flask) -> None:
    engine = get_engine(app)
    engine.deploy([ZEEBE / "user_task_headers.bpmn"])
    (review,) = engine.start("zeebe_user_task_headers", "zhangsan").ready_tasks
    page = Browser(app.test_client()).login("zhangsan").get(f"/tasks/{review.task_id}")
    assert "任务信息" in page
    assert '<dt>region</dt><dd class="body-text">华东 East</dd>' in page


def test_a_camunda_8_header_with_no_key_is_refused_naming_the_task() -> None:
    given = (ZEEBE / "user_task_headers.bpmn").read_text(encoding="utf-8")
    (problem,) = refusals({"h.bpmn": given.replace('key="region"', 'key=" "')})
    assert problem == ("Activity_review", "zeebe:header: a header needs a key")


@pytest.mark.parametrize(("amount", "reminded"), [(10, False), (2, True)])
def test_a_camunda_8_events_output_mappings_set_the_variables_they_name(
    core: WorkflowEngine, amount: int, reminded: bool
) -> None:
    core.deploy([ZEEBE / "event_mappings.bpmn"])
    request = core.start("zeebe_event_mappings", "clara", {"request": {"id": "R1", "pages": 3}})
    # the start event's =request.id and static "web", the none event's =request.pages * 2
    assert {k: request.data.get(k) for k in ("requestId", "channel", "fee")} == {
        "requestId": "R1",
        "channel": "web",
        "fee": 6,
    }
    (review,) = request.ready_tasks
    core.complete_task(review.task_id, "clara", {})
    assert core.send_message("paid", {"requestId": "R1", "amount": amount}).reached == (request.id,)
    paid = core.queries.get_instance(request.id)
    assert paid.data["paidAmount"] == amount  # the catch event's =amount
    # the gateway read what the catch event mapped: =paidAmount >= fee
    assert [t.element_id for t in paid.ready_tasks] == (["Activity_remind"] if reminded else [])
    for remind in paid.ready_tasks:
        core.complete_task(remind.task_id, "clara", {})
    if not reminded:  # the receive task maps =number
        core.send_message("invoiced", {"requestId": "R1", "number": "F-1"})
        assert core.queries.get_instance(request.id).data["invoiceNumber"] == "F-1"
    assert core.queries.get_instance(request.id).status == "completed"
    assert core.replayer.replay_stored(request.id).ok


def test_a_camunda_8_event_mapping_whose_source_the_data_lack_stops_naming_the_event(
    core: WorkflowEngine,
) -> None:
    core.deploy([ZEEBE / "event_mappings.bpmn"])
    with pytest.raises(ScriptError) as failed:
        core.start("zeebe_event_mappings", "clara", {})
    assert failed.value.params["element"] == "StartEvent_1"
    assert "name 'request' is not defined" in failed.value.params["detail"]


def test_a_camunda_8_events_input_mapping_is_refused_naming_the_event() -> None:
    given = (ZEEBE / "event_mappings.bpmn").read_text(encoding="utf-8")
    given = given.replace(
        '<zeebe:output source="=amount" target="paidAmount" />',
        '<zeebe:input source="=amount" target="paidAmount" />',
    )
    (problem,) = refusals({"e.bpmn": given})
    assert problem[0] == "Event_paid"
    assert "zeebe:input 'paidAmount': an event's input mappings are not supported" in problem[1]


@pytest.mark.parametrize(("pages", "charged"), [(10, True), (3, False)])
def test_a_camunda_8_script_tasks_feel_expression_sets_its_result_variable(
    core: WorkflowEngine, pages: int, charged: bool
) -> None:
    core.deploy([ZEEBE / "feel_script.bpmn"])
    request = core.start("zeebe_feel_script", "clara", {"request": {"pages": pages}})
    assert request.data["fee"] == pages * 2 + 1  # =request.pages * 2 + 1
    assert [t.element_id for t in request.ready_tasks] == (["Activity_charge"] if charged else [])
    for task in request.ready_tasks:
        request = core.complete_task(task.task_id, "clara", {})
    assert request.status == "completed"
    assert core.replayer.replay_stored(request.id).ok


@pytest.mark.parametrize(
    ("channel", "note", "fast"),
    [
        ("web", "Urgent, please", True),
        ("hold", "Urgent, please", False),
        ("mail", "!", True),
        ("fax", "urgent", False),
        ("web", "whenever", False),
    ],
)
def test_a_camunda_8_files_feel_built_ins_run_as_camunda_reads_them(
    core: WorkflowEngine, channel: str, note: str, fast: bool
) -> None:
    core.deploy([ZEEBE / "feel_functions.bpmn"])
    data = {
        "pages": [10, 20, 30],
        "applicant": {"name": "li"},
        "channel": "web" if channel == "hold" else channel,
        "blocked": ["wang"],
    }
    if channel == "hold":  # is defined(hold): held back, however urgent
        data["hold"] = True
    request = core.start("zeebe_feel_functions", "clara", data)
    assert (request.data["total"], request.data["size"]) == (60, "long")  # sum(), if count()
    (review,) = request.ready_tasks
    assert core.queries.task_form(review.task_id, "clara").data["title"] == "申请人: LI"
    request = core.complete_task(review.task_id, "clara", {"note": note})
    urgent = "urgent" in note.lower() or note.startswith("!")  # contains(), starts with()
    assert core.queries.get_instance(request.id).data["urgent"] is urgent
    assert [t.element_id for t in request.ready_tasks] == (["Activity_fast"] if fast else [])
    for task in request.ready_tasks:
        request = core.complete_task(task.task_id, "clara", {})
    assert request.status == "completed"
    assert core.replayer.replay_stored(request.id).ok


@pytest.mark.parametrize(
    ("feel", "said"),
    [
        ("=is defined(applicant.name)", "is defined() is read of a variable's name only"),
        ("=pages[1] &gt; 1", "a filter or index [...] after a value is not read here"),
        ("=total in 1..100", "'in' is read before a list [a, b] only"),
        ("=for p in pages return p", "'for' is not read here"),
        ("=date and time(when) &lt; now()", "the function date and time() is not read here"),
        ("=some p in pages satisfies p &gt; 1", "'some' is not read here"),
        ("=" + "not " * 60 + "urgent", "it is nested too deeply (at most 40 levels)"),
        ("=" + "-" * 4000 + "1 &gt; 0", "it is nested too deeply (at most 40 levels)"),
    ],
)
def test_a_camunda_8_condition_of_feel_beyond_the_built_ins_is_refused_naming_it(
    feel: str, said: str
) -> None:
    given = (ZEEBE / "feel_functions.bpmn").read_text(encoding="utf-8")
    old = ">=(not(is defined(hold)) or hold = false) and urgent and total between 1 and 100"
    assert old in given
    (problem,) = refusals({"f.bpmn": given.replace(old, f">{feel} and total between 1 and 2")})
    assert problem[0] == "Flow_fast" and said in problem[1], problem


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            'expression="=request.pages * 2 + 1"',
            'expression="=floor(request.pages)"',
            "zeebe:script expression '=floor(request.pages)' is not read here: the function",
        ),
        (
            'resultVariable="fee"',
            'resultVariable="class"',
            "zeebe:script resultVariable 'class': name a variable",
        ),
    ],
)
def test_a_camunda_8_script_not_read_is_refused_naming_the_task(
    old: str, new: str, said: str
) -> None:
    given = (ZEEBE / "feel_script.bpmn").read_text(encoding="utf-8")
    assert old in given
    (problem,) = refusals({"s.bpmn": given.replace(old, new)})
    assert problem[0] == "Activity_fee" and said in problem[1], problem


def test_a_camunda_8_user_tasks_input_and_output_mappings_set_the_variables_they_name(
    core: WorkflowEngine,
) -> None:
    core.deploy([ZEEBE / "io_mapping.bpmn"])
    large = core.start("zeebe_io_mapping", "clara", {"order": {"total": 250}})
    (check,) = large.ready_tasks
    data = core.queries.task_form(check.task_id, "clara").data
    assert (data["openAmount"], data["currency"]) == (250, "EUR")  # =order.total, EUR
    (approve,) = core.complete_task(check.task_id, "clara", {"approved": True}).ready_tasks
    assert approve.element_id == "Activity_approve"  # =approved out as checked
    assert core.queries.get_instance(large.id).data["checked"] is True
    assert core.complete_task(approve.task_id, "clara", {}).status == "completed"
    small = core.start("zeebe_io_mapping", "clara", {"order": {"total": 90}})
    (check,) = small.ready_tasks
    assert core.complete_task(check.task_id, "clara", {"approved": True}).status == "completed"


def test_a_camunda_8_mapping_beyond_what_is_read_is_refused_naming_it() -> None:
    given = (ZEEBE / "io_mapping.bpmn").read_text(encoding="utf-8")
    for old, new, said in (
        ('source="=order.total"', 'source="=uuid()"', "the function uuid() is not read here"),
        ('target="checked"', 'target="result.checked"', "the target must be a variable's name"),
        (
            '<bpmn:endEvent id="Event_done" name="办结">',
            '<bpmn:endEvent id="Event_done" name="办结"><bpmn:extensionElements>'
            '<zeebe:ioMapping><zeebe:input source="=true" target="repeat" /></zeebe:ioMapping>'
            "</bpmn:extensionElements>",
            "zeebe:ioMapping on a endEvent is not supported",
        ),
    ):
        assert old in given
        (problem,) = refusals({"io.bpmn": given.replace(old, new)})
        assert said in problem[1], problem


CATCH_EVENT = (
    '<bpmn:intermediateCatchEvent id="Event_paid" name="已收款 Money collected">'
    "<bpmn:incoming>Flow_place_paid</bpmn:incoming><bpmn:outgoing>Flow_paid_ship</bpmn:outgoing>"
    '<bpmn:messageEventDefinition id="MessageEventDefinition_paid" messageRef="Message_paid" />'
    "</bpmn:intermediateCatchEvent>"
)
RECEIVE_TASK = (
    '<bpmn:receiveTask id="Event_paid" name="已收款 Money collected" messageRef="Message_paid">'
    "<bpmn:incoming>Flow_place_paid</bpmn:incoming><bpmn:outgoing>Flow_paid_ship</bpmn:outgoing>"
    "</bpmn:receiveTask>"
)


@pytest.mark.parametrize("receiver", [CATCH_EVENT, RECEIVE_TASK], ids=["event", "receive_task"])
def test_a_camunda_8_message_reaches_the_instance_whose_correlation_key_it_carries(
    core: WorkflowEngine, receiver: str
) -> None:
    given = (ZEEBE / "correlated_message.bpmn").read_text(encoding="utf-8")
    assert CATCH_EVENT in given
    core.deploy_files({"correlated_message.bpmn": given.replace(CATCH_EVENT, receiver)})
    waiting = []
    for order in ("A-1", "A-2"):
        instance = core.start("zeebe_correlated_message", "clara", {"orderId": order})
        (place,) = instance.ready_tasks
        assert core.complete_task(place.task_id, "clara", {}).ready_tasks == ()
        waiting.append(instance.id)
    first, second = waiting
    # correlationKey="=orderId": the message carries the key as the instance holds it
    assert core.send_message("Money Collected", {"orderId": "A-2"}).reached == (second,)
    assert core.send_message("Money Collected", {"orderId": "A-9"}).reached == ()
    assert core.queries.get_instance(first).ready_tasks == ()
    (ship,) = core.queries.get_instance(second).ready_tasks
    assert ship.element_id == "Activity_ship"
    assert core.send_message("Money Collected", {"orderId": "A-1"}).reached == (first,)
    assert core.complete_task(ship.task_id, "clara", {}).status == "completed"
    assert core.replayer.replay_stored(second).ok


def test_a_camunda_8_form_embedded_in_the_file_is_the_tasks_form_and_a_linked_one_is_dropped(
    core: WorkflowEngine,
) -> None:
    core.deploy([ZEEBE / "forms.bpmn"])
    (check,) = core.start("zeebe_forms", "clara", {"applicationId": "A-7"}).ready_tasks
    form = core.queries.task_form(check.task_id, "clara")
    # the form-js input fields, in order; the text above them takes no input
    assert list(form.form.fields) == ["applicationId", "comment", "pages", "priority", "accepted"]
    assert form.values["applicationId"] == "A-7"
    with pytest.raises(FormValidationError) as refused:
        core.complete_task(check.task_id, "clara", {"accepted": True})  # no comment
    assert "comment" in str(refused.value)
    with pytest.raises(FormValidationError):
        core.complete_task(check.task_id, "clara", {"comment": "ok", "priority": "urgent"})
    answer = {"comment": "ok", "pages": 3, "priority": "high", "accepted": True}
    (issue,) = core.complete_task(check.task_id, "clara", answer).ready_tasks
    # formId names a form deployed apart from the file: the task's own form stands in
    assert issue.element_id == "Activity_issue" and issue.form == "confirm"
    assert core.complete_task(issue.task_id, "clara", {}).status == "completed"


def test_a_camunda_8_form_with_a_field_not_read_gives_the_task_its_own_form() -> None:
    given = (ZEEBE / "forms.bpmn").read_text(encoding="utf-8")
    old = '"type": "number", "id": "Field_pages", "key": "pages"'
    assert old in given
    compiled = compile_definition(
        {"forms.bpmn": given.replace(old, '"type": "taglist", "id": "Field_pages", "key": "tags"')}
    )
    assert compiled.user_task("zeebe_forms", "Activity_check").form == "confirm"


def test_a_camunda_8_task_schedules_due_date_is_the_tasks_due_date(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    core.deploy([ZEEBE / "task_schedule.bpmn"])
    created = clock()
    deadline = "2027-01-15T17:00:00+08:00"
    (first,) = core.start("zeebe_task_schedule", "clara", {"deadline": deadline}).ready_tasks
    assert first.due_at == iso(created + timedelta(days=2))  # =now() + duration("P2D")
    (second,) = core.complete_task(first.task_id, "clara", {}).ready_tasks
    assert second.due_at == iso(datetime.fromisoformat("2026-12-24T09:00:00+08:00"))
    (third,) = core.complete_task(second.task_id, "clara", {}).ready_tasks
    assert third.due_at == iso(datetime.fromisoformat(deadline))  # =deadline
    assert core.complete_task(third.task_id, "clara", {}).status == "completed"


def test_a_camunda_8_due_date_of_other_feel_is_refused_naming_the_task() -> None:
    given = (ZEEBE / "task_schedule.bpmn").read_text(encoding="utf-8")
    (problem,) = refusals({"s.bpmn": given.replace('dueDate="=deadline"', 'dueDate="=today()"')})
    assert problem[0] == "Activity_c" and "zeebe:taskSchedule dueDate" in problem[1]


ZEEBE_REFUSALS = [
    (
        '<zeebe:userTask />\n        <zeebe:assignmentDefinition assignee="=approver"'
        ' candidateGroups="managers, directors" />',
        '<zeebe:assignmentDefinition assignee="=if urgent then boss else approver" />',
        "Activity_approve",
        "FEEL other than a variable's name is not read",
    ),
    (
        '<zeebe:calledElement processId="zeebe_order" propagateAllChildVariables="true" />',
        '<zeebe:calledElement processId="=orderProcess" />',
        "Activity_order",
        "name the process",
    ),
    (
        '<zeebe:loopCharacteristics inputCollection="=items" inputElement="item" />',
        '<zeebe:loopCharacteristics inputCollection="=items" inputElement="item" '
        'outputCollection="results" outputElement="=result" />',
        "Activity_check",
        "outputCollection: gathering is not supported",
    ),
    (
        '=amount &gt; 1000 or (urgent = true and not(supplier = "framework"))',
        "=floor(items) &gt; 3",
        "Flow_large",
        "the function floor() is not read here",
    ),
    (
        '<zeebe:versionTag value="1.2" />',
        '<zeebe:executionListeners><zeebe:executionListener eventType="start" '
        'type="audit" /></zeebe:executionListeners>',
        "zeebe_purchase",
        "zeebe:executionListeners: execution listeners are not run here: each is a job for a "
        "worker of its type, and the engine runs no job workers (remove them, and do their "
        "work in a task of its own",
    ),
]


@pytest.mark.parametrize(("old", "new", "element", "said"), ZEEBE_REFUSALS)
def test_what_camunda_8_would_do_and_the_engine_cannot_is_refused_naming_it(
    old: str, new: str, element: str, said: str
) -> None:
    given = (ZEEBE / "purchase_request.bpmn").read_text(encoding="utf-8")
    assert old in given
    (problem,) = refusals({"purchase.bpmn": given.replace(old, new, 1)})
    assert problem[0] == element and said in problem[1], problem


def test_a_job_worker_a_key_of_other_feel_and_a_feel_timer_are_refused_naming_each() -> None:
    given = (ZEEBE / "purchase_request.bpmn").read_text(encoding="utf-8")
    given = given.replace(
        '<bpmn:process id="zeebe_purchase"',
        '<bpmn:message id="Message_paid" name="paid"><bpmn:extensionElements>'
        '<zeebe:subscription correlationKey="=string(orderId)" /></bpmn:extensionElements>'
        "</bpmn:message>\n  "
        '<bpmn:process id="zeebe_purchase"',
    ).replace(
        '<bpmn:sequenceFlow id="Flow_1e7k0v2" sourceRef="Activity_order" '
        'targetRef="Event_ordered" />',
        '<bpmn:sequenceFlow id="Flow_1e7k0v2" sourceRef="Activity_order" targetRef="Mail" />'
        '<bpmn:serviceTask id="Mail"><bpmn:extensionElements><zeebe:taskDefinition '
        'type="send-mail" retries="3" /><zeebe:taskHeaders><zeebe:header key="to" '
        'value="shop" /></zeebe:taskHeaders></bpmn:extensionElements></bpmn:serviceTask>'
        '<bpmn:sequenceFlow id="Flow_m1" sourceRef="Mail" targetRef="Paid" />'
        '<bpmn:intermediateCatchEvent id="Paid"><bpmn:messageEventDefinition '
        'messageRef="Message_paid" /></bpmn:intermediateCatchEvent>'
        '<bpmn:sequenceFlow id="Flow_m2" sourceRef="Paid" targetRef="Wait" />'
        '<bpmn:intermediateCatchEvent id="Wait"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>=wait</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:intermediateCatchEvent>"
        '<bpmn:sequenceFlow id="Flow_m3" sourceRef="Wait" targetRef="Event_ordered" />',
    )
    problems = refusals({"purchase.bpmn": given})
    said = {element: " ".join(m for e, m in problems if e == element) for element, _ in problems}
    assert "a job worker of that type runs the task" in said["Mail"]
    assert "headers are for a job worker" in said["Mail"]
    assert "correlationKey '=string(orderId)'" in said["Message_paid"]
    assert "the function string() is not read here" in said["Message_paid"]
    assert "the timeDuration '=wait' is FEEL" in said["Wait"]


# -- a receive task naming no message: a wait state the API triggers -------------------


@pytest.mark.parametrize("paid", [True, False])
def test_a_receive_task_naming_no_message_waits_until_triggered(
    core: WorkflowEngine, paid: bool
) -> None:
    core.deploy([TEST_BPMN / "third_party" / "activiti_receive_wait.bpmn"])
    waiting = core.start("activiti_receive_wait", "clara")
    assert waiting.status == "running" and not waiting.ready_tasks  # it waits at waitForFee
    with pytest.raises(ConflictError) as nowhere:
        core.trigger(waiting.id, "sendAnswer")  # nothing waits there
    assert nowhere.value.code == "instance.not_waiting"
    assert nowhere.value.params["name"] == "trigger:sendAnswer"
    moved = core.trigger(waiting.id, "waitForFee", {"paid": paid}, "clara")
    assert moved.data["paid"] is paid  # the variables given, as Camunda's trigger sets them
    assert [t.element_id for t in moved.ready_tasks] == (["sendAnswer"] if paid else [])
    for task in moved.ready_tasks:
        moved = core.complete_task(task.task_id, "clara", {})
    assert moved.status == "completed"
    with pytest.raises(ConflictError):
        core.trigger(waiting.id, "waitForFee")  # once moved on, it waits no more
    assert core.replayer.replay_stored(waiting.id).ok


def test_a_receive_task_naming_no_message_is_moved_on_by_its_message_too(
    core: WorkflowEngine,
) -> None:
    core.deploy([TEST_BPMN / "third_party" / "activiti_receive_wait.bpmn"])
    first = core.start("activiti_receive_wait", "clara")
    second = core.start("activiti_receive_wait", "clara")
    # gongkai send message and the JSON API deliver it by its name, to all or to one
    core.deliver(second.id, "trigger:waitForFee", {"paid": False})
    assert core.queries.get_instance(second.id).status == "completed"
    assert core.queries.get_instance(first.id).status == "running"
    assert core.send_message("trigger:waitForFee", {"paid": False}).reached == (first.id,)
    assert core.queries.get_instance(first.id).status == "completed"


# -- what SpiffWorkflow would leave out silently -------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "element", "said"),
    [
        (
            '<bpmn:inclusiveGateway id="checks" name="Which checks?" default="flow_basic">',
            '<bpmn:inclusiveGateway id="checks" name="Which checks?" default="Flow_basic">',
            "checks",
            "its default flow 'Flow_basic' is no sequence flow leaving it",
        ),
        (
            '<bpmn:task id="remind" name="Remind the reviewer">',
            '<bpmn:adHocSubProcess id="remind" name="Remind the reviewer"><bpmn:task id="call"/>'
            '<bpmn:task id="mail"/></bpmn:adHocSubProcess><bpmn:task id="remind_done">',
            "remind",
            "an ad-hoc subprocess needs a completionCondition here",
        ),
    ],
)
def test_what_would_be_left_out_is_refused_naming_the_element(
    old: str, new: str, element: str, said: str
) -> None:
    given = GENERATED.read_text(encoding="utf-8")
    assert old in given
    given = given.replace(old, new)
    (problem,) = refusals({"permit.bpmn": given})
    assert problem == (element, problem[1]) and said in problem[1]


def test_a_business_rule_task_naming_no_decision_is_refused_as_such() -> None:
    given = GENERATED.read_text(encoding="utf-8").replace(
        '<bpmn:userTask id="basic_check" name="Basic check">',
        '<bpmn:businessRuleTask id="basic_check" name="Basic check">',
    )
    given = given.replace(
        "<bpmn:outgoing>flow_basic_done</bpmn:outgoing>\n    </bpmn:userTask>",
        "<bpmn:outgoing>flow_basic_done</bpmn:outgoing>\n    </bpmn:businessRuleTask>",
    )
    assert "</bpmn:businessRuleTask>" in given
    ((element, message),) = refusals({"permit.bpmn": given})
    assert element == "basic_check" and message.startswith(
        "a business rule task names no decision (camunda:decisionRef"
    )
