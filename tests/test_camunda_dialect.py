"""BPMN files drawn with Camunda Modeler (Camunda 7's dialect) deploy and run, or are refused.

Each file of ``tests/bpmn/camunda`` is a process as Camunda Modeler saves
it (with its diagram).  The runnable ones are deployed on a core engine and
driven to their end on SQLite and PostgreSQL; every history must replay.
What the engine cannot run is refused at deployment, naming the element and
why.  The JUEL translator is tested on its own, hostile input included.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine import (
    Database,
    DeploymentError,
    FormValidationError,
    PermissionDeniedError,
    ScriptError,
    WorkflowEngine,
    camunda,
    runtime,
)
from engine.clock import ManualClock
from engine.definitions import DeployRules, compile_definition
from engine.domain import Domain, ServiceContext
from engine.juel import JuelError, translate_juel, translate_template
from engine.restricted import check_source
from engine.views import InstanceView

from .conftest import TEST_BPMN, _replay_everything

CAMUNDA_FILES = TEST_BPMN / "camunda"


def files(*names: str) -> dict[str, str]:
    return {name: (CAMUNDA_FILES / name).read_text(encoding="utf-8") for name in names}


def archive(context: ServiceContext, data: dict[str, Any], params: dict[str, Any]) -> Any:
    """The service an external task's topic names: it files the invoice."""
    return {"archive_no": f"A-{data['amount']}"}


@pytest.fixture
def core(
    db: Database, clock: ManualClock, request: pytest.FixtureRequest
) -> Iterator[WorkflowEngine]:
    """A core engine with one service; every history it made must replay afterwards."""
    engine = WorkflowEngine(db, clock, domain=Domain(services={"archive_invoice": archive}))
    engine.users.add("emma", ["employee"])
    engine.users.add("mark", ["manager"])
    engine.users.add("anna", ["accounting"])
    engine.users.add("carl", ["controller"])
    yield engine
    _replay_everything(engine, request)  # type: ignore[arg-type]


def do(engine: WorkflowEngine, user: str, element: str, data: dict | None = None) -> InstanceView:
    """Complete the one task ``element`` in the user's inbox."""
    tasks = [t for t in engine.queries.list_tasks(user) if t.element_id == element]
    assert tasks, f"{user} has no {element}: {engine.queries.list_tasks(user)}"
    return engine.complete_task(tasks[0].task_id, user, data or {})


def refusals(text: str, name: str = "probe.bpmn", **rules: Any) -> set[tuple[str | None, str]]:
    with pytest.raises(DeploymentError) as refused:
        compile_definition({name: text}, DeployRules(**rules))
    return {(p.element_id, p.message) for p in refused.value.problems}


# -- files as Camunda Modeler saves them -------------------------------------------


def test_every_camunda_file_has_a_diagram() -> None:
    for path in CAMUNDA_FILES.glob("*.bpmn"):
        text = path.read_text(encoding="utf-8")
        assert "xmlns:camunda=" in text and "<bpmndi:BPMNShape" in text, path.name


def test_a_long_annual_leave_is_approved_by_a_manager_with_camunda_forms(
    core: WorkflowEngine,
) -> None:
    core.deploy_files(files("leave_request.bpmn"))
    instance = core.start("camunda_leave", "emma")
    (task,) = instance.ready_tasks
    assert (task.element_id, task.role) == ("submit", "employee")
    assert core.queries.list_tasks("mark") == []
    assert core.diagrams.position(instance.id, "emma").waiting == ("submit",)  # BPMNDI drawn
    form = core.queries.task_form(task.task_id, "emma").form
    assert list(form.fields) == ["days", "reason", "first_day", "kind", "urgent"]
    assert form.fields["kind"].metadata["choices"]["sick"] == ("Sick leave", "Sick leave")
    assert form.fields["days"].metadata["label"] == "Days of leave"
    assert form.fields["first_day"].metadata["widget"] == "date"

    with pytest.raises(FormValidationError) as refused:
        core.complete_task(task.task_id, "emma", {"reason": "holiday", "first_day": "1/2/2027"})
    assert sorted(refused.value.errors) == ["days", "first_day"]
    assert refused.value.errors["days"][0].code == "form.required"
    with pytest.raises(FormValidationError) as refused:
        core.complete_task(task.task_id, "emma", {"days": 61, "reason": "x" * 201})
    assert sorted(refused.value.errors) == ["days", "reason"]
    with pytest.raises(FormValidationError) as refused:
        core.complete_task(task.task_id, "emma", {"days": 3, "reason": "x", "kind": "fun"})
    assert list(refused.value.errors) == ["kind"]

    after = do(core, "emma", "submit", {"days": 10, "reason": "holiday", "first_day": "2027-01-04"})
    assert (after.data["kind"], after.data["urgent"]) == ("annual", False)  # the defaults
    assert [(t.element_id, t.role) for t in after.ready_tasks] == [("approve", "manager")]
    with pytest.raises(FormValidationError) as refused:
        do(core, "mark", "approve", {"remark": "ok"})
    assert list(refused.value.errors) == ["approved"]
    done = do(core, "mark", "approve", {"approved": True})
    assert (done.status, done.data["status"]) == ("completed", "approved")


def test_a_refused_leave_goes_back_to_whoever_asked_for_it(core: WorkflowEngine) -> None:
    core.users.add("erik", ["employee"])
    core.deploy_files(files("leave_request.bpmn"))
    instance = core.start("camunda_leave", "emma")
    do(core, "erik", "submit", {"days": 9, "reason": "trip", "kind": "annual"})
    after = do(core, "mark", "approve", {"approved": False})
    (task,) = after.ready_tasks
    assert (task.element_id, task.form) == ("read_refusal", "confirm")  # formKey: generic form
    assert [t.element_id for t in core.queries.list_tasks("erik")] == []
    with pytest.raises(PermissionDeniedError):
        core.complete_task(task.task_id, "erik", {})
    done = do(core, "emma", "read_refusal")
    assert done.status == "completed" and "status" not in done.data
    assert core.queries.verify_chain(instance.id).ok


def test_the_initiator_variable_holds_who_started_the_instance(core: WorkflowEngine) -> None:
    """As Camunda sets it: a condition may read it, and start data cannot forge it."""
    given = with_(LEAVE, ">${approved}<", ">${initiator == 'emma'}<")
    core.deploy_files({"leave_request.bpmn": given})
    instance = core.start("camunda_leave", "emma", {"initiator": "mark"})
    assert instance.data["initiator"] == "emma"
    done = do(core, "emma", "submit", {"days": 2, "reason": "move", "kind": "sick"})
    assert done.status == "completed" and done.data["initiator"] == "emma"
    assert "status" in done.data  # f_yes taken: the starter was emma


def test_a_short_leave_is_approved_by_the_script_task(core: WorkflowEngine) -> None:
    core.deploy_files(files("leave_request.bpmn"))
    core.start("camunda_leave", "emma")
    done = do(core, "emma", "submit", {"days": 2, "reason": "move", "kind": "sick"})
    assert (done.status, done.data["approved"], done.data["status"]) == (
        "completed",
        True,
        "approved",
    )


def test_an_invoice_calls_the_external_task_service_and_waits_on_its_timer(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    core.deploy_files(files("invoice.bpmn"))
    small = core.start("camunda_invoice", "anna", {"wait_for": "PT1H"})
    after = do(core, "anna", "assign", {"amount": 300, "supplier": "  ACME "})
    assert after.data["archive_invoice"] == {"archive_no": "A-300"}
    assert after.ready_tasks == () and after.status == "running"  # waiting on its timer
    clock.advance(hours=1, minutes=1)
    assert core.tick().timers_fired == 1
    assert core.queries.get_instance(small.id).status == "completed"

    big = core.start("camunda_invoice", "anna", {"wait_for": "PT1H"})
    after = do(core, "anna", "assign", {"amount": 5000, "currency": "EUR"})
    (task,) = after.ready_tasks
    assert (task.element_id, task.role) == ("review", "controller")
    after = do(core, "carl", "review", {"ok": True})
    assert (after.data["limit"], after.data["title"]) == ("1000", "Invoice of unknown")
    assert after.data["reviewed"] is True and after.status == "running"
    clock.advance(hours=1, minutes=1)
    core.tick()
    assert core.queries.get_instance(big.id).status == "completed"

    foreign = core.start("camunda_invoice", "anna", {"wait_for": "PT1H"})
    do(core, "anna", "assign", {"amount": 10, "currency": "USD"})
    clock.advance(days=1, minutes=1)  # nobody reviews it: the boundary timer escalates
    core.tick()
    done = core.queries.get_instance(foreign.id)
    assert (done.status, done.data["escalated"]) == ("completed", True)


def test_a_flowable_external_worker_task_calls_the_service_of_its_topic(
    core: WorkflowEngine,
) -> None:
    given = with_(
        INVOICE,
        'camunda:type="external" camunda:topic="archive_invoice"',
        'camunda:type="external-worker" camunda:topic="archive_invoice"',
    )
    core.deploy_files({"invoice.bpmn": given})
    core.start("camunda_invoice", "anna", {"wait_for": "PT1H"})
    after = do(core, "anna", "assign", {"amount": 300, "supplier": "ACME"})
    assert after.data["archive_invoice"] == {"archive_no": "A-300"}


def test_what_a_message_or_signal_brings_becomes_process_data(core: WorkflowEngine) -> None:
    core.deploy_files(files("order_messages.bpmn"))
    paid = core.start("order_messages", "anna")
    core.send_message("OrderPlaced", {"price": 100, "customer": "李四"})  # a receive task
    core.send_signal("StockCounted", {"inStock": True})
    core.send_message("PaymentReceived", {"paid": 100})
    after = core.queries.get_instance(paid.id)
    assert [task.element_id for task in after.ready_tasks] == ["ship"]  # the gateway read them
    assert {key: after.data[key] for key in ("price", "customer", "inStock", "paid")} == {
        "price": 100,
        "customer": "李四",
        "inStock": True,
        "paid": 100,
    }
    core.send_message("OrderCancelled", {"reason": "买错了"})  # a boundary event
    after = core.queries.get_instance(paid.id)
    assert [task.element_id for task in after.ready_tasks] == ["refund"]
    assert after.data["reason"] == "买错了"

    short = core.start("order_messages", "anna")
    for kind, name, payload in (
        ("message", "OrderPlaced", {"price": 100}),
        ("signal", "StockCounted", {"inStock": True}),
        ("message", "PaymentReceived", {"paid": 60}),
    ):
        delivered = getattr(core, f"send_{kind}")(name, payload)
        assert delivered.failures == ()
    assert [t.element_id for t in core.queries.get_instance(short.id).ready_tasks] == ["check"]


def test_an_instance_begun_before_payloads_became_data_keeps_its_rules(
    core: WorkflowEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    core.deploy_files(files("order_messages.bpmn"))
    with monkeypatch.context() as patched:
        patched.setattr(runtime, "RULES", 4)
        old = core.start("order_messages", "anna")
    core.send_message("OrderPlaced", {"price": 100})
    assert "price" not in core.queries.get_instance(old.id).data  # its history replays as made
    assert core.send_signal("StockCounted", {"inStock": True}).reached == (old.id,)


def test_a_review_round_gives_one_task_per_reviewer_due_when_the_data_says(
    core: WorkflowEngine,
) -> None:
    core.users.add("rob", ["reviewer"])
    core.users.add("sue", ["secretary"])
    core.deploy_files(files("review_round.bpmn"))
    with pytest.raises(PermissionDeniedError):  # camunda:candidateStarterGroups
        core.start("camunda_review_round", "rob", {"reviewers": ["a", "b"]})
    deadline = "2026-12-07T09:00:00+08:00"
    instance = core.start(
        "camunda_review_round", "sue", {"reviewers": ["a", "b"], "deadline": deadline}
    )
    assert [(t.element_id, t.role) for t in instance.ready_tasks] == [("opinions", "reviewer")] * 2
    assert all(t.due_at is not None for t in instance.ready_tasks)
    with pytest.raises(FormValidationError) as refused:
        do(core, "rob", "opinions", {"opinion": "maybe"})
    assert list(refused.value.errors) == ["opinion"]
    do(core, "rob", "opinions", {"opinion": "agree"})
    done = do(core, "rob", "opinions", {"opinion": "agree"})
    assert (done.status, done.data["verdict"]) == ("completed", "accepted")
    assert "reviewer" not in done.data  # the element variable stays with each instance


def test_what_the_engine_cannot_run_is_refused_naming_element_and_reason() -> None:
    found = refusals(
        files("java_order.bpmn")["java_order.bpmn"], services=frozenset({"archive_invoice"})
    )
    messages = dict(found)
    assert set(messages) == {"compute_total", "charge", "f_charged"}
    assert "scriptFormat is 'groovy'" in messages["compute_total"]
    assert "camunda:class" in messages["charge"] and "archive_invoice" in messages["charge"]
    assert "'execution'" in messages["f_charged"]


APPROVE = 'id="approve" name="Approve the leave" camunda:candidateGroups="manager"'


@pytest.mark.parametrize(
    ("given", "start", "who"),
    [
        ('camunda:assignee="mark"', {}, ["mark"]),
        ('camunda:assignee="${approver}"', {"approver": "mona"}, ["mona"]),
        ('camunda:assignee="${approver}"', {"approver": None}, ["mark", "mona"]),
        ('camunda:candidateUsers="mark, mona"', {}, ["mark", "mona"]),
        # beside the task's candidate group: a listed user or a member (mark) of the group
        ('camunda:candidateUsers="${deputies}"', {"deputies": ["mona"]}, ["mark", "mona"]),
    ],
)
def test_an_assignee_or_candidate_users_alone_may_take_the_task(
    core: WorkflowEngine, given: str, start: dict[str, Any], who: list[str]
) -> None:
    """Camunda's users of a task: names or a JUEL expression (candidate users beside groups)."""
    core.users.add("mona", ["manager"])
    core.deploy_files({"leave_request.bpmn": with_(LEAVE, APPROVE, f"{APPROVE} {given}")})
    core.start("camunda_leave", "emma", start)
    do(core, "emma", "submit", {"days": 10, "reason": "holiday"})
    assert [u for u in ("mark", "mona") if core.queries.list_tasks(u)] == who
    (task,) = core.queries.list_tasks(who[-1])
    if len(who) == 1:
        other = "mona" if who == ["mark"] else "mark"
        with pytest.raises(PermissionDeniedError) as refused:
            core.complete_task(task.task_id, other, {"approved": True})
        assert refused.value.code == "task.only_for"
    assert core.complete_task(task.task_id, who[-1], {"approved": True}).status == "completed"


def test_an_assignee_that_names_no_user_stops_the_step_naming_the_task(
    core: WorkflowEngine,
) -> None:
    core.deploy_files(
        {"leave_request.bpmn": with_(LEAVE, APPROVE, f'{APPROVE} camunda:assignee="${{days}}"')}
    )
    core.start("camunda_leave", "emma")
    with pytest.raises(ScriptError) as failed:
        do(core, "emma", "submit", {"days": 10, "reason": "holiday"})
    assert failed.value.element_id == "approve" and "does not name users" in str(
        failed.value.params["detail"]
    )


def with_(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


LEAVE = files("leave_request.bpmn")["leave_request.bpmn"]
INVOICE = files("invoice.bpmn")["invoice.bpmn"]


@pytest.mark.parametrize(
    ("text", "element", "words"),
    [
        (with_(LEAVE, "${approved}", "${approved.size()}"), "f_yes", "calls a method"),
        (with_(LEAVE, "${approved}", "approved"), "f_yes", "is not a JUEL expression"),
        (with_(LEAVE, "${approved}", "${approved"), "f_yes", "is not closed"),
        (
            with_(LEAVE, 'Expression">${approved}', 'Expression" language="groovy">x'),
            "f_yes",
            "'groovy'",
        ),
        (with_(LEAVE, '"${initiator}"', '"${boss()}"'), "read_refusal", "camunda:assignee"),
        (
            with_(LEAVE, 'camunda:candidateGroups="manager"', 'camunda:candidateGroups=" , "'),
            "approve",
            "names no group",
        ),
        (with_(LEAVE, 'type="long"', 'type="double"'), "submit", "'double' is not supported"),
        (
            with_(
                LEAVE,
                '<camunda:constraint name="min" config="1" />',
                '<camunda:constraint name="min1" config="&gt;=1" />',
            ),
            "submit",
            "is not a constraint the engine checks",
        ),
        (
            with_(LEAVE, 'defaultValue="annual"', 'defaultValue="maybe"'),
            "submit",
            "not a valid enum",
        ),
        (with_(INVOICE, ">P1D<", ">one day<"), "review_overdue", "not an ISO 8601 duration"),
        (
            with_(INVOICE, 'camunda:topic="archive_invoice"', 'camunda:topic="print"'),
            "archive",
            "topic 'print' is not a service",
        ),
        (
            with_(
                INVOICE,
                "<camunda:inputOutput>",
                '<camunda:taskListener event="create" class="x.Y" /><camunda:inputOutput>',
            ),
            "review",
            "listeners",
        ),
        (
            with_(INVOICE, "Invoice of ${supplier}", "${supplier.toUpperCase()}"),
            "review",
            "calls a method",
        ),
        (
            with_(
                LEAVE,
                '<bpmn:startEvent id="start" name="Leave wanted" camunda:initiator="initiator">',
                '<bpmn:startEvent id="start" name="Leave wanted" camunda:initiator="initiator">'
                "<bpmn:extensionElements><camunda:formData>"
                '<camunda:formField id="a" type="double" />'
                "</camunda:formData></bpmn:extensionElements>",
            ),
            "start",
            "'double' is not supported",
        ),
        (
            with_(LEAVE, "<bpmn:script>approved = True", "<bpmn:script>import os"),
            "auto_approve",
            "import",
        ),
    ],
)
def test_a_refusal_names_the_element_and_the_reason(text: str, element: str, words: str) -> None:
    found = refusals(text, services=frozenset({"archive_invoice"}))
    assert len(found) == 1, found
    ((element_id, message),) = found
    assert element_id == element and words in message, message


def test_candidate_groups_are_checked_like_lanes_with_strict_groups() -> None:
    found = refusals(LEAVE, knows_group=lambda group: group == "employee", strict_groups=True)
    assert found == {
        (
            "approve",
            "camunda:candidateGroups names no known group (deployed with strict groups): manager",
        )
    }


def test_candidate_groups_win_over_a_lane_and_properties_carry_over() -> None:
    """Camunda's lanes assign nothing: a task's own candidate groups say whose it is."""
    text = with_(
        LEAVE,
        '<bpmn:process id="camunda_leave"',
        '<bpmn:collaboration id="c"><bpmn:participant id="p" processRef="camunda_leave" />'
        '</bpmn:collaboration><bpmn:process id="camunda_leave"',
    )
    text = with_(
        text,
        '<bpmn:startEvent id="start"',
        '<bpmn:laneSet id="ls"><bpmn:lane id="boss"><bpmn:flowNodeRef>approve</bpmn:flowNodeRef>'
        '</bpmn:lane></bpmn:laneSet><bpmn:startEvent id="start"',
    )
    text = with_(
        text,
        '<camunda:formField id="approved"',
        '<camunda:formField id="approved"',
    )
    text = with_(
        text,
        'camunda:candidateGroups="manager">\n      <bpmn:extensionElements>',
        'camunda:candidateGroups="manager">\n      <bpmn:extensionElements>'
        '<camunda:properties><camunda:property name="name:zh" value="批准" /></camunda:properties>',
    )
    compiled = compile_definition({"leave.bpmn": text})
    rules = compiled.user_task("camunda_leave", "approve")
    assert rules is not None
    assert (rules.role, rules.labels) == ("manager", (("zh", "批准"),))
    # A task in the lane with no candidate groups of its own is the lane's.
    text = with_(text, 'camunda:candidateGroups="manager">', ">")
    rules = compile_definition({"leave.bpmn": text}).user_task("camunda_leave", "approve")
    assert rules is not None and rules.role == "boss"


def test_an_assigned_task_in_a_lane_is_the_assignees(core: WorkflowEngine) -> None:
    """Camunda Modeler draws lanes with ids of its own (Lane_0x8k2): they name no group."""
    lane = (
        '<bpmn:laneSet id="ls"><bpmn:lane id="Lane_0x8k2t1" name="Boss">'
        "<bpmn:flowNodeRef>approve</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
    )
    text = with_(LEAVE, '<bpmn:startEvent id="start"', f'{lane}<bpmn:startEvent id="start"')
    text = with_(text, APPROVE, 'id="approve" name="Approve the leave" camunda:assignee="${boss}"')
    core.users.add("ben", ["clerk"])
    core.users.add("mona", ["manager"])
    core.deploy_files({"leave_request.bpmn": text})
    core.start("camunda_leave", "emma", {"boss": "ben"})
    do(core, "emma", "submit", {"days": 10, "reason": "holiday"})
    assert core.queries.list_tasks("mona") == []
    (task,) = core.queries.list_tasks("ben")
    assert core.complete_task(task.task_id, "ben", {"approved": True}).status == "completed"


def test_a_spiffworkflow_file_is_not_touched() -> None:
    from lxml import etree

    text = (TEST_BPMN / "elements" / "manual_task.bpmn").read_text(encoding="utf-8")
    assert not camunda.is_camunda(etree.fromstring(text.encode()))
    assert camunda.is_camunda(etree.fromstring(LEAVE.encode()))


# -- the JUEL translator ----------------------------------------------------------


@pytest.mark.parametrize(
    ("juel", "python"),
    [
        ("${approved}", "approved"),
        ("${!approved}", "(not approved)"),
        ("${not approved}", "(not approved)"),
        ("${amount > 1000 && type == 'x'}", "((amount > 1000) and (type == 'x'))"),
        ("${x eq 'a' or y ne 2}", "((x == 'a') or (y != 2))"),
        (
            "${a lt 1 || a gt 2 and b le 3 && b ge 4}",
            "((a < 1) or (((a > 2) and (b <= 3)) and (b >= 4)))",
        ),
        ('${order.customer.name == "Wu"}', "(order['customer']['name'] == 'Wu')"),
        ("${items[0] != null}", "(items[0] != None)"),
        ("${empty list}", "(list in (None, '', [], {}, ()))"),
        ("${not empty comment}", "(not (comment in (None, '', [], {}, ())))"),
        ("${ok ? 'yes' : 'no'}", "('yes' if ok else 'no')"),
        ("${a ? b : c ? d : e}", "(b if a else (d if c else e))"),
        ("${(a + 2) * 3 - -b div 2 mod 5}", "(((a + 2) * 3) - (((-b) / 2) % 5))"),
        ("${true}", "True"),
        ("#{false}", "False"),
        ("${1.5e3 >= x}", "(1500.0 >= x)"),
        ("${'it\\'s' == s}", '("it\'s" == s)'),
        ("  ${ a }  ", "a"),
    ],
)
def test_juel_is_translated_into_python(juel: str, python: str) -> None:
    translated = translate_juel(juel)
    assert translated.python == python
    check_source(translated.python, "eval")


def test_juel_means_the_same_in_python() -> None:
    def run(juel: str, **data: Any) -> Any:
        return eval(translate_juel(juel).python, {"__builtins__": {}}, data)

    assert run("${amount > 1000 && type == 'x'}", amount=1001, type="x") is True
    assert run("${amount > 1000 && type == 'x'}", amount=1000, type="x") is False
    assert run("${x eq 'a' or y ne 2}", x="b", y=2) is False
    assert run("${x eq 'a' or y ne 2}", x="b", y=3) is True
    assert run("${!a == b}", a=True, b=False) is True  # ! binds before ==
    assert run("${1 < 2 == true}") is True  # no chained comparison: (1 < 2) == true
    assert run("${empty s}", s="") is True and run("${empty s}", s=0) is False
    assert run("${p.q}", p={"q": 7}) == 7


def test_templates_join_text_and_values() -> None:
    assert translate_template("PT1H").python == "'PT1H'"
    assert translate_template("${wait}").python == "wait"
    assert translate_template("P${days}D").python == "'P' + str(days) + 'D'"
    assert translate_template("").python == "''"
    assert translate_template("a}b'\"").python == repr("a}b'\"")


@pytest.mark.parametrize(
    ("juel", "words"),
    [
        ("${x.getClass()}", "calls a method"),
        ("${execution.getVariable('a')}", "Camunda's own"),
        ("${fn:length(x)}", "where the expression should end"),
        ("${__import__('os')}", "cannot be a variable"),
        ("${x.__class__}", "cannot be a variable"),
        ("${a.class}", "cannot be a variable"),
        ("${lambda}", "cannot be a variable"),
        ("${import}", "cannot be a variable"),
        ("${$x}", "cannot be a variable"),
        ("${x = 1}", "where the expression should end"),
        ("${x += 1}", "where the expression should end"),
        ("${a; b}", "where the expression should end"),
        ("${x -> x}", "where the expression should end"),
        ("${{1, 2}}", "where a value was expected"),
        ("${[1, 2]}", "where a value was expected"),
        ("${feel$eval(x)}", "cannot be a variable here"),
        ("${feel$upper(x, y)}", "gives feel$upper() 2 arguments, not 1"),
        ("${feel$upper(x).__class__}", "cannot be a variable here"),
        ("${x instanceof y}", "where the expression should end"),
        ("${'abc}", "not closed"),
        ("${a", "not closed"),
        ("${}", "is empty"),
        ("${a} and ${b}", "has text after"),
        ("${a`}", "unexpected character"),
        ("${a\\b}", "unexpected character"),
        ('${a}"); import os; ("', "has text after"),
        ('${"""}', "not closed"),
        ("${'a' 'b'}", "where the expression should end"),
        ("${" + "(" * 60 + "a" + ")" * 60 + "}", "nested too deeply"),
        ("${" + "!" * 60 + "a}", "nested too deeply"),
        ("${" + "9" * 40 + "}", "longer than 30"),
        ("${" + "a+" * 3000 + "a}", "too long"),
        ("approved", "not a JUEL expression"),
        ("${a}}", "has text after"),
        ("${x[0](1)}", "calls a method"),
    ],
)
def test_hostile_or_unsupported_juel_is_refused(juel: str, words: str) -> None:
    with pytest.raises(JuelError) as refused:
        translate_juel(juel)
    assert words in str(refused.value)


@pytest.mark.parametrize(
    "text",
    [
        "${'\\'); import os; print(\\''}",
        "${\"__import__('os').system('x')\"}",
        "${'\\n' + a}",
        "${a['__class__']}",
        "${'}' == a}",
        "Hello ${name}, ''' \"\"\" \\ \n ${x ? '}' : \"{\"}",
    ],
)
def test_strings_stay_strings_whatever_they_hold(text: str) -> None:
    translated = translate_template(text)
    tree = ast.parse(translated.python, mode="eval")
    called = [n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)]  # type: ignore[attr-defined]
    assert set(called) <= {"str"}
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.Attribute, ast.Lambda))]
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - {"str"}
    assert names <= {"a", "name", "x"}
    check_source(translated.python, "eval")


def test_the_translation_deploys_through_the_sandbox_checks(tmp_path: Path) -> None:
    # a name the sandbox refuses survives translation and is refused at deployment
    text = with_(LEAVE, "${approved}", "${open}")
    ((element, message),) = refusals(text)
    assert element == "f_yes" and "open" in message


@pytest.mark.parametrize(
    ("approvers", "who"),
    [
        (["accounting", "controller"], ["anna", "carl"]),
        ("controller", ["carl"]),
        ("accounting, controller", ["anna", "carl"]),
        (None, ["anna", "carl", "emma", "mark"]),  # no group named: anyone's, as in Camunda
    ],
)
def test_candidate_groups_from_the_data_are_worked_out_when_the_task_is_ready(
    core: WorkflowEngine, approvers: Any, who: list[str]
) -> None:
    """Camunda's invoice gives its approval to the groups a decision found: ${approverGroups}."""
    given = 'id="approve" name="Approve the leave" camunda:candidateGroups="${approverGroups}"'
    core.deploy_files({"leave_request.bpmn": with_(LEAVE, APPROVE, given)})
    core.start("camunda_leave", "emma", {"approverGroups": approvers})
    do(core, "emma", "submit", {"days": 10, "reason": "holiday"})
    may = [u for u in ("anna", "carl", "emma", "mark") if core.queries.list_tasks(u)]
    assert may == who
    (task,) = core.queries.list_tasks(who[-1])
    if "mark" not in who:
        with pytest.raises(PermissionDeniedError):
            core.complete_task(task.task_id, "mark", {"approved": True})
    assert core.complete_task(task.task_id, who[-1], {"approved": True}).status == "completed"


@pytest.mark.parametrize("approvers", [42, ["accounting", 7], "x" * 40])
def test_candidate_groups_from_the_data_that_name_no_group_stop_the_step(
    core: WorkflowEngine, approvers: Any
) -> None:
    given = 'id="approve" name="Approve the leave" camunda:candidateGroups="${approverGroups}"'
    core.deploy_files({"leave_request.bpmn": with_(LEAVE, APPROVE, given)})
    core.start("camunda_leave", "emma", {"approverGroups": approvers})
    with pytest.raises(ScriptError) as failed:
        do(core, "emma", "submit", {"days": 10, "reason": "holiday"})
    assert failed.value.element_id == "approve"
    assert "does not name groups" in str(failed.value.params["detail"])


# -- what only Camunda's task list reads -----------------------------------------------------


@pytest.mark.parametrize(("rejected", "outcome"), [(False, "granted"), (True, "refused")])
def test_a_follow_up_date_and_an_error_message_deploy_and_change_nothing(
    core: WorkflowEngine, rejected: bool, outcome: str
) -> None:
    """A task list's follow-up date and an error's text are read by nothing that runs here."""
    core.deploy_files(files("task_list_hints.bpmn"))
    instance = core.start("task_list_hints", "emma")
    (task,) = instance.ready_tasks
    assert task.element_id == "review"
    done = core.complete_task(task.task_id, "emma", {"rejected": rejected})
    # the error ends the check, caught on it; the follow-up date ${dueSoon} is never evaluated
    assert (done.status, done.data["outcome"]) == ("completed", outcome)


def test_a_business_key_passed_to_a_called_process_changes_nothing(core: WorkflowEngine) -> None:
    core.deploy_files(files("call_business_key.bpmn"))
    done = core.start("call_business_key", "emma", {"order": 7})
    assert (done.status, done.data) == ("completed", {"order": 7, "archived": True})


@pytest.mark.parametrize(
    "mapping",
    ['businessKey="${key}" variables="all"', 'businessKey="${key}" local="true"'],
)
def test_a_business_key_beside_another_mapping_is_still_refused(mapping: str) -> None:
    given = files("call_business_key.bpmn")["call_business_key.bpmn"].replace(
        'businessKey="#{execution.processBusinessKey}"', mapping
    )
    with pytest.raises(DeploymentError) as refused:
        compile_definition({"call_business_key.bpmn": given})
    (problem,) = refused.value.problems
    assert problem.element_id == "call_archive" and "camunda:in must name" in problem.message


def _only_problem(name: str, old: str, new: str) -> Any:
    """Deploy a test file with ``old`` replaced by ``new``: the one problem it is refused for."""
    with pytest.raises(DeploymentError) as refused:
        compile_definition({name: files(name)[name].replace(old, new)})
    (problem,) = refused.value.problems
    return problem


START = {"order": 7, "amount": 6, "secret": "mine"}


def _run_call_mappings(core: WorkflowEngine, text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run call_mappings.bpmn: the called process's data at its task, the caller's after."""
    core.deploy_files({"call_mappings.bpmn": text})
    instance = core.start("call_mappings", "emma", START)
    (task,) = instance.ready_tasks
    called = core.queries.task_form(task.task_id, "emma").data
    return called, core.complete_task(task.task_id, "emma", {}).data


def test_a_call_passes_and_gets_back_only_the_variables_camunda_maps(core: WorkflowEngine) -> None:
    called, after = _run_call_mappings(core, files("call_mappings.bpmn")["call_mappings.bpmn"])
    assert called == {"orderId": 7, "doubled": 12}  # the called process starts with these alone
    # only the mapped outputs come back: the caller's secret stays its own
    assert after == {**START, "receiptNo": 1007, "large": True}


@pytest.mark.parametrize(
    ("old", "new", "called", "after"),
    [
        # variables="all" out: everything the called process holds comes back
        (
            '<camunda:out source="receipt" target="receiptNo" />',
            '<camunda:out variables="all" />',
            {"orderId": 7, "doubled": 12},
            {"secret": "the check's", "orderId": 7, "doubled": 12, "receipt": 1007, "comment": ""},
        ),
        # variables="all" in: the called process starts with every variable of the caller
        (
            '<camunda:in source="order" target="orderId" />',
            '<camunda:in variables="all" /><camunda:in source="order" target="orderId" />',
            {**START, "orderId": 7, "doubled": 12},
            {"receiptNo": 1007},
        ),
        # local: the call activity's own input parameters, the only local variables it has
        (
            '<camunda:in source="order" target="orderId" />',
            '<camunda:inputOutput><camunda:inputParameter name="orderId">${order}'
            '</camunda:inputParameter></camunda:inputOutput><camunda:in variables="all" '
            'local="true" />',
            {"orderId": 7, "doubled": 12},
            {"orderId": 7, "receiptNo": 1007},
        ),
        # a source the caller lacks is None, as Camunda maps it
        (
            '<camunda:out source="receipt" target="receiptNo" />',
            '<camunda:out source="receipt" target="receiptNo" /><camunda:out source="none" '
            'target="nothing" />',
            {"orderId": 7, "doubled": 12},
            {"receiptNo": 1007, "nothing": None},
        ),
    ],
)
def test_call_mappings_as_camunda_reads_them(
    core: WorkflowEngine, old: str, new: str, called: dict[str, Any], after: dict[str, Any]
) -> None:
    text = files("call_mappings.bpmn")["call_mappings.bpmn"].replace(old, new)
    seen, done = _run_call_mappings(core, text)
    assert seen == called
    assert done == {**START, "large": True, **after}


def test_a_call_with_only_inputs_gives_nothing_back(core: WorkflowEngine) -> None:
    text = files("call_mappings.bpmn")["call_mappings.bpmn"]
    for out in (
        '<camunda:out source="receipt" target="receiptNo" />',
        '<camunda:out sourceExpression="${doubled &gt; 10}" target="large" />',
    ):
        text = text.replace(out, "")
    _, after = _run_call_mappings(core, text)
    assert after == START


@pytest.mark.parametrize(
    ("mapping", "said"),
    [
        ('<camunda:in source="order" />', "camunda:in target '' must be a variable name"),
        ('<camunda:in source="order" target="a b" />', "camunda:in target 'a b' must be"),
        ('<camunda:in variables="some" />', 'camunda:in variables must be "all"'),
        ('<camunda:out source="a" sourceExpression="${a}" target="b" />', "camunda:out must name"),
        ('<camunda:in sourceExpression="${a.b()}" target="b" />', "camunda:in sourceExpression"),
        ('<camunda:in sourceExpression="${__import__}" target="b" />', "cannot be a variable"),
    ],
)
def test_a_call_mapping_camunda_would_not_run_is_named(mapping: str, said: str) -> None:
    problem = _only_problem(
        "call_mappings.bpmn", '<camunda:in source="order" target="orderId" />', mapping
    )
    assert problem.element_id == "call_check" and said in problem.message


def test_input_output_lists_and_maps_become_python_lists_and_dicts(core: WorkflowEngine) -> None:
    core.deploy_files(files("io_lists_and_maps.bpmn"))
    instance = core.start("io_lists_and_maps", "emma", {"boss": "mark", "cap": 5})
    (task,) = instance.ready_tasks
    done = core.complete_task(task.task_id, "emma", {})
    assert done.data["approvers"] == ["anna", "mark"]  # the input, given to the task
    assert done.data["plan"] == {"daily": "100", "monthly": ["1000", 5]}


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ('<camunda:script scriptFormat="python">1</camunda:script>', "a camunda:list holds script"),
        ("<camunda:entry>1</camunda:entry>", "a camunda:list holds entry"),
        ("<camunda:value>${a.b(</camunda:value>", "'${a.b(' "),
    ],
)
def test_what_a_camunda_list_may_not_hold_is_named(value: str, said: str) -> None:
    problem = _only_problem("io_lists_and_maps.bpmn", "<camunda:value>anna</camunda:value>", value)
    assert problem.element_id == "review"
    assert problem.message.startswith(f"camunda:inputParameter 'approvers': {said}")


def test_a_camunda_map_entry_needs_a_key() -> None:
    given = files("io_lists_and_maps.bpmn")["io_lists_and_maps.bpmn"].replace(
        '<camunda:entry key="daily">', "<camunda:entry>"
    )
    with pytest.raises(DeploymentError) as refused:
        compile_definition({"io_lists_and_maps.bpmn": given})
    (problem,) = refused.value.problems
    assert "each with a key" in problem.message


def test_a_caught_error_and_escalation_set_their_code_variables(core: WorkflowEngine) -> None:
    core.deploy_files(files("caught_codes.bpmn"))
    instance = core.start("caught_codes", "emma", {"amount": 500, "limit": 100})
    # the boundary event catches any error: the code is the thrown one's, and its message
    caught = {"code": "TOO_MUCH", "reason": "over the limit of 100"}
    assert instance.data == {"amount": 500, "limit": 100, **caught}
    (task,) = instance.ready_tasks
    assert core.complete_task(task.task_id, "emma", {}).data.items() >= caught.items()
    escalated = core.start("caught_codes", "emma", {"amount": 5, "limit": 100})
    assert (escalated.status, escalated.data["escalated"]) == ("completed", "LATE")
    assert "code" not in escalated.data


def test_an_error_without_a_message_gives_its_message_variable_none(core: WorkflowEngine) -> None:
    text = files("caught_codes.bpmn")["caught_codes.bpmn"]
    core.deploy_files(
        {
            "caught_codes.bpmn": text.replace(
                ' camunda:errorMessage="over the limit of ${limit}"', ""
            )
        }
    )
    instance = core.start("caught_codes", "emma", {"amount": 500, "limit": 100})
    assert (instance.data["code"], instance.data["reason"]) == ("TOO_MUCH", None)


@pytest.mark.parametrize(
    ("old", "new", "element", "said"),
    [
        ('errorCodeVariable="code"', 'errorCodeVariable="a b"', "any_error", "'a b' must be a"),
        (
            'escalationCodeVariable="escalated"',
            'escalationCodeVariable="class"',
            "escalated_event",
            "camunda:escalationCodeVariable 'class' must be a variable name",
        ),
        (
            '<bpmn:escalationEventDefinition escalationRef="escalation_late" />',
            '<bpmn:escalationEventDefinition escalationRef="escalation_late" '
            'camunda:escalationCodeVariable="x" />',
            "late",
            "camunda:escalationCodeVariable is not supported here",
        ),
    ],
)
def test_a_caught_code_variable_that_cannot_be_set_is_named(
    old: str, new: str, element: str, said: str
) -> None:
    problem = _only_problem("caught_codes.bpmn", old, new)
    assert problem.element_id == element and said in problem.message


# -- listeners written as inline Python scripts ----------------------------------------------


@pytest.mark.parametrize(("approved", "published"), [(True, True), (False, False)])
def test_python_script_listeners_run_around_their_tasks(
    core: WorkflowEngine, approved: bool, published: bool
) -> None:
    core.deploy_files(files("python_listeners.bpmn"))
    core.users.add("clara", ["clerk"])
    draft = core.start("python_listeners", "clara")
    (check,) = draft.ready_tasks
    assert core.queries.task_form(check.task_id, "clara").data == {"days_allowed": 5}  # start
    checked = core.complete_task(check.task_id, "clara", {"approved": approved})
    data = core.queries.get_instance(draft.id).data
    assert data["checked_once"] is approved  # the task listener on completion
    assert data["status"] == ("approved" if approved else "rejected")  # the end listener
    assert data["entries"] == [data["status"]] and data["logged"] is True  # the script task's
    assert [t.element_id for t in checked.ready_tasks] == (
        ["Activity_publish"] if published else []
    )


@pytest.mark.parametrize(
    ("old", "new", "element", "said"),
    [
        (
            '<camunda:script scriptFormat="python">days_allowed = 5',
            '<camunda:script scriptFormat="groovy">days_allowed = 5',
            "Activity_check",
            "the start execution listener's script: its scriptFormat is 'groovy'",
        ),
        (
            "days_allowed = 5",
            'execution.setVariable("days_allowed", 5)',
            "Activity_check",
            "it uses Camunda's execution object",
        ),
        (
            "<bpmn:script>entries = [status]</bpmn:script>",
            '<bpmn:script>execution.setVariable("entries", [status])</bpmn:script>',
            "Activity_log",
            "script task: it uses Camunda's execution object",
        ),
        (
            '<camunda:taskListener event="complete">',
            '<camunda:taskListener event="assignment">',
            "Activity_check",
            "camunda:taskListener is not supported: listeners run Java or scripts",
        ),
    ],
)
def test_a_listener_that_cannot_run_is_refused_naming_its_task(
    old: str, new: str, element: str, said: str
) -> None:
    given = files("python_listeners.bpmn")["python_listeners.bpmn"]
    assert old in given
    with pytest.raises(DeploymentError) as refused:
        compile_definition({"l.bpmn": given.replace(old, new)})
    (problem,) = refused.value.problems
    assert problem.element_id == element and said in problem.message, problem


# -- a message that starts a process -----------------------------------------------------------


@pytest.mark.parametrize(("amount", "approving"), [(2000, True), (300, False)])
def test_a_message_starting_a_process_gives_the_instance_its_variables(
    core: WorkflowEngine, amount: int, approving: bool
) -> None:
    core.deploy_files(files("message_start_payload.bpmn"))
    delivered = core.send_message("InvoiceReceived", {"amount": amount, "supplier": "华光"})
    (started,) = delivered.started
    invoice = core.queries.get_instance(started)
    assert invoice.data == {"amount": amount, "supplier": "华光"}  # step rules 10
    registered = do(core, "anna", "register")
    # the gateway read the message's amount
    assert [t.element_id for t in registered.ready_tasks] == (["approve"] if approving else [])
    if approving:
        registered = do(core, "anna", "approve")
    assert registered.status == "completed"


def test_an_instance_a_message_started_before_rules_10_keeps_starting_without_its_variables(
    core: WorkflowEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    core.deploy_files(files("message_start_payload.bpmn"))
    with monkeypatch.context() as patched:
        patched.setattr(runtime, "RULES", 9)
        (started,) = core.send_message("InvoiceReceived", {"amount": 2000}).started
    assert core.queries.get_instance(started).data == {}  # its history replays as made
