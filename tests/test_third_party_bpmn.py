"""BPMN files as other people's modelers write them run on the core engine.

Each test deploys a small file of ``tests/bpmn/third_party`` shaped the way a
third-party tool or SpiffWorkflow's own examples write it, on a
``WorkflowEngine`` with no domain, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from engine import (
    Database,
    DeploymentError,
    EngineError,
    FormValidationError,
    PermissionDeniedError,
    WorkflowEngine,
)
from engine.clock import ManualClock
from engine.definitions import DeployRules, compile_definition
from engine.forms import INITIAL
from webui import create_app, formview

from .conftest import TEST_BPMN

THIRD_PARTY = TEST_BPMN / "third_party"


def text(name: str) -> str:
    return (THIRD_PARTY / name).read_text(encoding="utf-8")


@pytest.fixture
def core(db: Database, clock: ManualClock) -> Iterator[WorkflowEngine]:
    """An engine without any domain, with one user in the default group."""
    engine = WorkflowEngine(db, clock)
    engine.users.add("clara", ["clerk"])
    yield engine


def test_an_empty_io_specification_deploys_and_runs(core: WorkflowEngine) -> None:
    given = text("empty_io_specification.bpmn")
    assert given.count("<bpmn:ioSpecification />") == 2
    core.deploy_files({"empty_io_specification.bpmn": given})
    instance = core.start("empty_io_specification", "clara")
    (task,) = instance.ready_tasks
    assert task.element_id == "fill_in"
    assert core.complete_task(task.task_id, "clara", {}).status == "completed"


def test_children_in_no_schema_order_deploy_and_run(core: WorkflowEngine) -> None:
    given = text("children_out_of_order.bpmn")
    # as written: outgoing before incoming, documentation last
    assert given.index("<outgoing>flow_review_end") < given.index("<incoming>flow_large")
    core.deploy_files({"children_out_of_order.bpmn": given})
    instance = core.start("children_out_of_order", "clara")
    (task,) = instance.ready_tasks
    assert task.element_id == "review"  # the moved condition still chose the large flow
    page = core.queries.task_form(task.task_id, "clara")
    assert page.instructions == "Review an amount of 150."
    assert core.complete_task(task.task_id, "clara", {}).status == "completed"


def test_artifacts_among_flow_elements_and_child_lanes_first_deploy_and_run(
    core: WorkflowEngine,
) -> None:
    given = text("artifacts_among_flow_elements.bpmn")
    # as written: the annotation before the tasks, the child lanes before the flow nodes
    assert given.index("<bpmn:textAnnotation") < given.index("<bpmn:userTask")
    assert given.index("<bpmn:childLaneSet") < given.index("<bpmn:flowNodeRef>approve")
    core.deploy_files({"artifacts_among_flow_elements.bpmn": given})
    core.users.add("rita", ["reviewer"], new_groups=True)
    instance = core.start("artifacts_among_flow_elements", "clara")
    (write,) = instance.ready_tasks
    assert write.role == "clerk"  # the innermost lane's
    (approve,) = core.complete_task(write.task_id, "clara", {}).ready_tasks
    assert approve.role == "reviewer"
    assert core.complete_task(approve.task_id, "rita", {}).status == "completed"


@pytest.mark.parametrize(("complete", "signatures"), [(True, 2), (False, 0)])
def test_a_file_in_feel_without_camundas_equals_sign_runs_its_expressions(
    core: WorkflowEngine, complete: bool, signatures: int
) -> None:
    given = text("trisotech_feel_expressions.bpmn")
    assert 'expressionLanguage="http://www.omg.org/spec/FEEL/20140401"' in given
    core.deploy_files({"trisotech_feel_expressions.bpmn": given})
    instance = core.start("trisotech_feel_expressions", "clara")
    (answer,) = instance.ready_tasks
    done = core.complete_task(answer.task_id, "clara", {"complete": complete, "pages": 3})
    for _ in range(signatures):  # the cardinality 2, one after the other
        (sign,) = done.ready_tasks
        assert sign.element_id == "_sign"
        done = core.complete_task(sign.task_id, "clara", {})
    assert done.status == "completed"


def test_feel_beyond_what_is_read_is_refused_naming_the_flow(core: WorkflowEngine) -> None:
    given = text("trisotech_feel_expressions.bpmn").replace(
        "complete = true and pages &gt;= 1", "floor(pages) &gt; 1"
    )
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({"trisotech_feel_expressions.bpmn": given})
    (problem,) = refused.value.problems
    assert problem.element_id == "_flow_check_sign"
    assert "is FEEL beyond what is read here: the function floor() is not read here" in str(problem)


def test_a_business_rule_task_naming_no_decision_is_refused_once(core: WorkflowEngine) -> None:
    given = text("trisotech_feel_expressions.bpmn").replace(
        '<semantic:userTask id="_answer" name="拟写答复 Draft the answer">',
        '<semantic:businessRuleTask id="_answer" name="拟写答复 Draft the answer" '
        'implementation="http://www.omg.org/spec/DMN/20180521/MODEL/">',
    )
    given = given.replace("</semantic:userTask>", "</semantic:businessRuleTask>", 1)
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({"trisotech_feel_expressions.bpmn": given})
    (problem,) = refused.value.problems  # not the schema's word on 'implementation' besides
    assert problem.element_id == "_answer" and "names no decision" in problem.message


@pytest.mark.parametrize("data", [{"plansOk": True, "remark": "合格"}, {"plansOk": False}])
def test_conditions_writing_true_false_and_null_read_them_as_the_literals(
    core: WorkflowEngine, data: dict[str, object]
) -> None:
    given = text("bizagi_lowercase_literals.bpmn")
    assert "plansOk == true and remark != null" in given
    core.deploy_files({"bizagi_lowercase_literals.bpmn": given})
    instance = core.start("bizagi_lowercase_literals", "clara")
    (inspect,) = instance.ready_tasks
    done = core.complete_task(inspect.task_id, "clara", {"remark": None, **data})
    assert done.status == "completed"  # the gateway chose a way: no NameError on 'true'
    assert core.replayer.replay_stored(instance.id).ok


def test_a_condition_comparing_with_one_equals_sign_is_refused_saying_so(
    core: WorkflowEngine,
) -> None:
    given = text("bizagi_lowercase_literals.bpmn").replace("plansOk == true", "plansOk = true")
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({"bizagi_lowercase_literals.bpmn": given})
    (problem,) = refused.value.problems
    assert problem.element_id == "Id_flow_yes"
    assert "a single '=' assigns in Python: compare with '=='" in problem.message


def test_a_child_the_schema_knows_nowhere_is_still_refused(core: WorkflowEngine) -> None:
    given = text("children_out_of_order.bpmn").replace(
        "<incoming>flow_large</incoming>",
        "<incoming>flow_large</incoming><flowNodeRef>x</flowNodeRef>",
    )
    with pytest.raises(DeploymentError, match="flowNodeRef"):
        core.deploy_files({"children_out_of_order.bpmn": given})


def test_a_camunda_file_without_juel_reads_its_expressions_as_python(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    core.deploy_files({"camunda_python_expressions.bpmn": text("camunda_python_expressions.bpmn")})
    instance = core.start("camunda_python_expressions", "clara")
    (task,) = instance.ready_tasks
    fields = core.queries.task_form(task.task_id, "clara").form.fields
    assert list(fields) == ["decision", "notes", "urgent"]
    assert fields["urgent"].load_default is False  # defaultValue="No", as SpiffWorkflow's files say
    clock.advance(hours=1, minutes=1)  # the quoted Python duration "PT1H"
    assert core.tick().timers_fired == 1
    assert core.queries.get_instance(instance.id).data["reminded"] is True
    before = {i.id for i in core.queries.list_instances()}
    done = core.complete_task(task.task_id, "clara", {"decision": "approve", "notes": "可以"})
    assert done.status == "completed"
    (archive,) = [i for i in core.queries.list_instances() if i.id not in before]
    started = core.queries.get_instance(archive.id)
    assert started.process_id == "camunda_python_archive"
    assert started.data["approval"] == {"notes": "可以"}  # camunda:expression, resultVariable
    rejected = core.start("camunda_python_expressions", "clara")
    (task,) = rejected.ready_tasks
    assert core.complete_task(task.task_id, "clara", {"decision": "reject"}).status == "completed"
    assert core.replayer.replay_stored(instance.id).ok


def test_in_a_file_with_juel_an_expression_without_it_is_still_refused(
    core: WorkflowEngine,
) -> None:
    given = text("camunda_python_expressions.bpmn").replace(
        '"PT1H"</bpmn:timeDuration>', "${reminder}</bpmn:timeDuration>"
    )
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({"camunda_python_expressions.bpmn": given})
    (problem,) = [p for p in refused.value.problems if p.element_id == "flow_approved"]
    assert "not a JUEL expression" in problem.message
    assert "language=" in problem.message


def test_a_camunda_file_without_juel_names_python_that_does_not_compile(
    core: WorkflowEngine,
) -> None:
    given = text("camunda_python_expressions.bpmn").replace(
        "decision == 'approve'</bpmn:conditionExpression>",
        "decision == </bpmn:conditionExpression>",
    )
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({"camunda_python_expressions.bpmn": given})
    assert [p.element_id for p in refused.value.problems] == ["flow_approved"]


@pytest.mark.parametrize(
    ("script_format", "refused"),
    [("text/x-python", False), ("reset", False), ("javascript", True), ("groovy", True)],
)
def test_a_camunda_file_without_juel_runs_any_script_format_but_another_language_as_python(
    core: WorkflowEngine, script_format: str, refused: bool
) -> None:
    given = text("camunda_python_expressions.bpmn").replace(
        '<bpmn:scriptTask id="remind" name="提醒 Remind"',
        f'<bpmn:scriptTask id="remind" name="提醒 Remind" scriptFormat="{script_format}"',
    )
    if not refused:
        core.deploy_files({"camunda_python_expressions.bpmn": given})
        return
    with pytest.raises(DeploymentError) as failed:
        core.deploy_files({"camunda_python_expressions.bpmn": given})
    (problem,) = failed.value.problems
    assert problem.element_id == "remind" and repr(script_format) in problem.message


def test_a_process_with_a_plain_start_is_not_started_by_its_message(core: WorkflowEngine) -> None:
    core.deploy_files({"plain_and_message_start.bpmn": text("plain_and_message_start.bpmn")})
    instance = core.start("plain_and_message_start", "clara")
    (task,) = instance.ready_tasks
    assert task.element_id == "enter"  # the plain start fired; the message start is dropped
    before = {i.id for i in core.queries.list_instances()}
    assert core.complete_task(task.task_id, "clara", {}).status == "completed"
    assert {i.id for i in core.queries.list_instances()} == before
    thrown = [e for e in core.queries.history(instance.id) if e.type == "message_thrown"]
    assert [e.data["name"] for e in thrown] == ["request"]
    result = core.send_message("request", {})
    assert (result.started, result.reached, result.failures) == ((), (), ())


def test_juel_quoted_in_documentation_leaves_the_expressions_python(core: WorkflowEngine) -> None:
    given = text("camunda_python_expressions.bpmn").replace(
        '<bpmn:userTask id="review" name="审核 Review" camunda:formKey="review">',
        '<bpmn:userTask id="review" name="审核 Review" camunda:formKey="review">'
        "<bpmn:documentation>Review ${applicant}'s request</bpmn:documentation>",
    )
    core.deploy_files({"camunda_python_expressions.bpmn": given})
    instance = core.start("camunda_python_expressions", "clara")
    (task,) = instance.ready_tasks
    done = core.complete_task(task.task_id, "clara", {"decision": "reject"})
    assert done.status == "completed"


# -- Camunda's start forms, decision references and several candidate groups ------------

INVOICE = ("camunda_invoice_approvers.bpmn", "camunda_invoice_approvers.dmn")


def invoice_files(**replace: str) -> dict[str, str]:
    given = {name: text(name) for name in INVOICE}
    for old, new in replace.items():
        assert old in given[INVOICE[0]], old
        given[INVOICE[0]] = given[INVOICE[0]].replace(old, new)
    return given


def test_every_third_party_bpmn_file_has_a_diagram_and_names_its_source() -> None:
    for path in THIRD_PARTY.glob("*.bpmn"):
        given = path.read_text(encoding="utf-8")
        assert "BPMNShape" in given, path.name
    for path in THIRD_PARTY.glob("*.*"):
        # where it comes from (or what it was written after), said before its content
        head = path.read_text(encoding="utf-8").split("<bpmn:process", 1)[0]
        assert "<!--" in head.split("<dmn:decision", 1)[0].split("<decision", 1)[0], path.name


def test_a_camunda_start_form_decision_and_several_candidate_groups_deploy_and_run(
    core: WorkflowEngine,
) -> None:
    compiled = compile_definition(invoice_files())
    rules = compiled.user_task("camunda_invoice_approvers", "approve_invoice")
    assert rules is not None
    assert rules.groups == ("management", "accounting") and rules.role == "management"
    # the start event's fields are the form of the data an instance starts with
    start_form = compiled.json_forms[compiled.start_forms["camunda_invoice_approvers"]]
    assert list(start_form.fields) == ["creditor", "amount", "invoiceCategory"]
    assert start_form.fields["amount"].required
    assert start_form.fields["invoiceCategory"].load_default == "Misc"
    with create_app({"ENGINE": core, "SECRET_KEY": "x"}).test_request_context():
        shown = {view.name: view.value for view in formview.build(start_form, {}, {})}
    # a required field with a default starts filled in, as one that may be left out does
    assert (
        shown["creditor"] == "Great Pizza for Everyone Inc." and shown["invoiceCategory"] == "Misc"
    )
    core.deploy_files(invoice_files())
    core.users.add("mia", ["management"])
    instance = core.start(
        "camunda_invoice_approvers",
        "mia",
        {"creditor": "Pizza", "amount": 800, "invoiceCategory": "Software License Costs"},
    )
    # camunda:decisionRef named the decision of the DMN file deployed with it; its
    # COLLECT result went into camunda:resultVariable as collectEntries maps it
    assert instance.data["approverGroups"] == ["accounting", "management", "sales"]
    (task,) = instance.ready_tasks
    task_form = core.queries.task_form(task.task_id, "mia")
    # the read-only amount is shown with the case's value, never taken from a post
    assert [(n, f.dump_only) for n, f in task_form.form.fields.items()] == [
        ("amount", True),
        ("approved", False),
    ]
    with create_app({"ENGINE": core, "SECRET_KEY": "x"}).test_request_context():
        (amount, approved) = formview.build(task_form.form, task_form.values, {})
    assert (amount.widget, amount.value) == ("readonly", "800")
    assert approved.widget == "checkbox"
    done = core.complete_task(task.task_id, "mia", {"approved": True, "amount": 1})
    assert done.status == "completed" and done.data["amount"] == 800


def test_a_member_of_any_candidate_group_may_take_the_task(core: WorkflowEngine) -> None:
    core.deploy_files(invoice_files())
    core.users.add("ann", ["accounting"])
    instance = core.start(
        "camunda_invoice_approvers", "clara", {"amount": 100, "invoiceCategory": "Misc"}
    )
    (task,) = instance.ready_tasks
    assert core.queries.list_tasks("ann")
    assert core.complete_task(task.task_id, "ann", {"approved": True}).status == "completed"


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ("resultList", [{"approverGroup": "accounting"}]),
        ("singleResult", {"approverGroup": "accounting"}),
        ("singleEntry", "accounting"),
        ("collectEntries", ["accounting"]),
    ],
)
def test_a_decision_result_is_mapped_as_camunda_maps_it(
    core: WorkflowEngine, mapping: str, expected: object
) -> None:
    old = 'camunda:mapDecisionResult="collectEntries"'
    core.deploy_files(invoice_files(**{old: f'camunda:mapDecisionResult="{mapping}"'}))
    instance = core.start(
        "camunda_invoice_approvers", "clara", {"amount": 100, "invoiceCategory": "Misc"}
    )
    assert instance.data["approverGroups"] == expected
    assert instance.data["approverGroup"] == ["accounting"]  # the outputs, as SpiffWorkflow's


def test_a_decision_reference_names_a_deployed_decision() -> None:
    with pytest.raises(DeploymentError) as refused:
        compile_definition(
            invoice_files(**{'decisionRef="invoice-assign-approver"': 'decisionRef="nothing"'})
        )
    ((element, message),) = [(p.element_id, p.message) for p in refused.value.problems]
    assert element == "assign_approver"
    assert "'nothing'" in message and "known: invoice-assign-approver" in message
    with pytest.raises(DeploymentError) as refused:
        compile_definition(
            invoice_files(
                **{'camunda:mapDecisionResult="collectEntries"': 'camunda:mapDecisionResult="x"'}
            )
        )
    assert "mapDecisionResult 'x'" in refused.value.problems[0].message


def test_several_candidate_groups_are_each_checked_with_strict_groups() -> None:
    with pytest.raises(DeploymentError) as refused:
        compile_definition(
            invoice_files(),
            DeployRules(knows_group=lambda group: group == "management", strict_groups=True),
        )
    ((element, message),) = [(p.element_id, p.message) for p in refused.value.problems]
    assert element == "approve_invoice" and message.endswith("strict groups): accounting")


def test_several_starter_groups_deploy() -> None:
    compiled = compile_definition(
        invoice_files(
            **{
                'camunda:historyTimeToLive="P180D"': 'camunda:historyTimeToLive="P180D" '
                'camunda:candidateStarterGroups="clerks, management"'
            }
        )
    )
    assert compiled.start_roles["camunda_invoice_approvers"] == "clerks"
    assert compiled.start_groups["camunda_invoice_approvers"] == ("clerks", "management")


def test_a_sequential_decision_per_item_of_a_collection_runs(core: WorkflowEngine) -> None:
    """SpiffWorkflow's DMNMultiInstance: a business rule task per item of ``stuff``.

    Each instance's element variable stays its own: the next instance of the
    sequential loop does not find the last one's ``item`` in the loop's data.
    """
    core.deploy_files(
        {n: text(n) for n in ("spiff_dmn_multi_instance.bpmn", "spiff_integer_decision_multi.dmn")}
    )
    instance = core.start("Process_1", "clara")
    (task,) = instance.ready_tasks
    done = core.complete_task(task.task_id, "clara", {})
    (task,) = done.ready_tasks
    assert task.element_id == "Activity_1mu3z8p"
    assert "item" not in done.data
    assert core.complete_task(task.task_id, "clara", {}).status == "completed"


def test_a_counted_loop_gathers_its_items_in_the_collection(core: WorkflowEngine) -> None:
    """SpiffWorkflow's token_trial_MI: three instances, ``output`` gets each one's number.

    In a file drawn for SpiffWorkflow's Camunda parser, a ``camunda:collection``
    beside a ``loopCardinality`` is what the loop gives back, as SpiffWorkflow reads it.
    """
    core.deploy_files({"spiff_token_trial_mi.bpmn": text("spiff_token_trial_mi.bpmn")})
    instance = core.start("token", "clara")
    seen = []
    while instance.status == "running":
        (task,) = instance.ready_tasks
        seen.append(task.element_id)
        given = {"do_step": True} if task.element_id == "First" else {"A": "a", "C": "c"}
        instance = core.complete_task(task.task_id, "clara", given)
    assert seen == ["First", "FormA", "FormA", "FormA", "FormC"]
    assert instance.data["output"] == [0, 1, 2]
    assert "current" not in instance.data and "current_gathered" not in instance.data


def test_a_dotted_form_field_id_is_a_path_into_the_data(core: WorkflowEngine) -> None:
    """SpiffWorkflow's default_gateway_pmi: ``stuff.addstuff`` fills ``stuff["addstuff"]``."""
    core.deploy_files({"spiff_default_gateway_pmi.bpmn": text("spiff_default_gateway_pmi.bpmn")})
    instance = core.start("DefaultGateway", "clara")
    (task,) = instance.ready_tasks
    instance = core.complete_task(task.task_id, "clara", {"morestuff": "Yes"})
    tasks = instance.ready_tasks  # three at once: the loop is parallel
    assert len(tasks) == 3
    for number, task in enumerate(tasks):
        form = core.queries.task_form(task.task_id, "clara").form
        (name,) = form.fields
        assert form.fields[name].metadata["label"] == "Add More Stuff"
        instance = core.complete_task(task.task_id, "clara", {name: f"more {number}"})
    assert instance.status == "completed"
    assert sorted(instance.data["collectstuff"], key=str) == [
        {"addstuff": f"more {n}"} for n in range(3)
    ]


def test_a_dotted_form_field_id_in_a_file_with_juel_is_refused() -> None:
    given = text("spiff_default_gateway_pmi.bpmn").replace(
        "morestuff == 'No'", "${morestuff == 'No'}"
    )
    with pytest.raises(DeploymentError) as refused:
        compile_definition({"spiff_default_gateway_pmi.bpmn": given})
    assert [p.element_id for p in refused.value.problems] == ["GetMoreStuff"]


def test_a_dotted_decision_output_reaches_the_result_variable(core: WorkflowEngine) -> None:
    """SpiffWorkflow nests a dotted output (``item.y``); Camunda's result names it whole."""
    given = text("spiff_dmn_multi_instance.bpmn").replace(
        'camunda:decisionRef="IntegerDecisionStringOutputTable"',
        'camunda:decisionRef="IntegerDecisionStringOutputTable" camunda:resultVariable="found" '
        'camunda:mapDecisionResult="singleResult"',
    )
    core.deploy_files({"a.bpmn": given, "b.dmn": text("spiff_integer_decision_multi.dmn")})
    instance = core.start("Process_1", "clara")
    (task,) = instance.ready_tasks
    done = core.complete_task(task.task_id, "clara", {})
    assert done.data["found"] == {"item.y": "D"}  # the last item's (x = 7)


def test_start_data_are_checked_by_the_start_form_and_take_its_defaults(
    core: WorkflowEngine,
) -> None:
    core.deploy_files(invoice_files())
    instance = core.start("camunda_invoice_approvers", "clara", {"amount": 100, "note": "x"})
    assert instance.data["invoiceCategory"] == "Misc"  # the form's default
    assert instance.data["creditor"] == "Great Pizza for Everyone Inc."
    assert instance.data["note"] == "x"  # start data the form does not name pass as they are
    for given, field in (({}, "amount"), ({"amount": "many"}, "amount")):
        with pytest.raises(FormValidationError) as refused:
            core.start("camunda_invoice_approvers", "clara", given)
        assert field in refused.value.errors
    assert len(core.queries.list_instances("camunda_invoice_approvers")) == 1  # nothing else began


def test_a_camunda_7_0_file_runs_with_qualified_references_and_a_juel_duration(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    given = text("camunda7_activiti_namespace.bpmn")
    assert 'xmlns:camunda="http://activiti.org/bpmn"' in given
    core.deploy_files({"camunda7_activiti_namespace.bpmn": given})
    (started,) = core.send_message("newInvoiceMessage").started
    (task,) = core.queries.get_instance(started).ready_tasks
    assert task.role == "clerk"  # camunda:candidateGroups in Activiti's namespace
    assert core.complete_task(task.task_id, "clara", {"wait": "PT1H"}).status == "running"
    clock.advance(minutes=59)
    assert core.tick().timers_fired == 0
    clock.advance(minutes=2)
    assert core.tick().timers_fired == 1
    assert core.queries.get_instance(started).status == "completed"
    assert core.replayer.replay_stored(started).ok


def test_flowable_names_camundas_attributes_in_its_own_namespace() -> None:
    given = (
        text("camunda7_activiti_namespace.bpmn")
        .replace(
            'xmlns:camunda="http://activiti.org/bpmn"', 'xmlns:flowable="http://flowable.org/bpmn"'
        )
        .replace("camunda:", "flowable:")
    )
    compiled = compile_definition({"flowable.bpmn": given})
    rules = compiled.user_task("camunda7_invoice", "check")
    assert rules is not None and rules.role == "clerk"


@pytest.mark.parametrize(
    ("prefix", "namespace"),
    [
        ("flowable", "http://flowable.org/bpmn"),
        ("activiti", "http://activiti.org/bpmn"),
        ("camunda", "http://activiti.org/bpmn"),  # as Camunda 7.0 wrote Activiti's namespace
    ],
)
def test_a_refusal_names_an_extension_as_the_file_writes_it(prefix: str, namespace: str) -> None:
    given = (
        text("camunda7_activiti_namespace.bpmn")
        .replace('xmlns:camunda="http://activiti.org/bpmn"', f'xmlns:{prefix}="{namespace}"')
        .replace("camunda:", f"{prefix}:")
        .replace(f'{prefix}:candidateGroups="clerk"', f'{prefix}:candidateGroups=" , "')
        .replace('type="string"', 'type="color"')
    )
    with pytest.raises(DeploymentError) as refused:
        compile_definition({"invoice.bpmn": given})
    assert {p.message for p in refused.value.problems} == {
        "form field 'wait': the type 'color' is not supported "
        "(known: string, long, boolean, date, enum, textarea)",
        f"{prefix}:candidateGroups names no group (the group the task is for)",
    }


def test_a_file_mixing_camundas_and_flowables_names_each_as_written() -> None:
    given = (
        text("camunda7_activiti_namespace.bpmn")
        .replace(
            'xmlns:camunda="http://activiti.org/bpmn"',
            'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
            'xmlns:flowable="http://flowable.org/bpmn"',
        )
        .replace(
            'camunda:candidateGroups="clerk"',
            'camunda:candidateStarterUsers="anna" flowable:candidateGroups=" "',
        )
    )
    with pytest.raises(DeploymentError) as refused:
        compile_definition({"invoice.bpmn": given})
    assert sorted(p.message for p in refused.value.problems) == [
        "camunda:candidateStarterUsers is not supported here: the engine lets groups start a "
        "process, not users (use candidateStarterGroups)",
        "flowable:candidateGroups names no group (the group the task is for)",
    ]


@pytest.mark.parametrize(
    ("reference", "named"),
    [("tns:oldInvoice", "oldInvoice"), ("other:newInvoice", "other:newInvoice")],
)
def test_a_reference_to_a_message_no_file_defines_is_named(reference: str, named: str) -> None:
    given = (
        text("camunda7_activiti_namespace.bpmn")
        .replace('messageRef="tns:newInvoice"', f'messageRef="{reference}"')
        .replace('xmlns:tns="Examples"', 'xmlns:tns="Examples" xmlns:other="Elsewhere"')
    )
    with pytest.raises(DeploymentError) as refused:
        compile_definition({"invoice.bpmn": given})
    (problem,) = refused.value.problems
    assert problem.element_id == "invoice_received"
    assert problem.message == f"messageRef '{named}' names no message in these files"


def test_a_file_using_no_extension_reads_a_juel_timer_date(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    core.deploy_files({"juel_timer_no_extensions.bpmn": text("juel_timer_no_extensions.bpmn")})
    due = clock.now + timedelta(hours=2)
    instance = core.start("juel_timer", "clara", {"dueDate": due.isoformat()})
    assert instance.status == "running" and not instance.ready_tasks
    clock.advance(hours=1)
    assert core.tick().timers_fired == 0
    clock.advance(hours=1, minutes=1)
    assert core.tick().timers_fired == 1
    assert core.queries.get_instance(instance.id).status == "completed"


def test_a_correlation_of_a_message_nothing_uses_is_not_checked(core: WorkflowEngine) -> None:
    given = text("spiff_unused_correlation.bpmn")
    core.deploy_files({"spiff_unused_correlation.bpmn": given})
    (task,) = core.start("unused_correlation", "clara").ready_tasks
    assert core.complete_task(task.task_id, "clara", {}).status == "completed"
    used = given.replace(
        '<bpmn:endEvent id="end" />',
        '<bpmn:endEvent id="end"><bpmn:messageEventDefinition messageRef="response" />'
        "</bpmn:endEvent>",
    )
    with pytest.raises(DeploymentError) as refused:
        compile_definition({"spiff_unused_correlation.bpmn": used})
    (problem,) = refused.value.problems
    assert problem.element_id == "from_name" and "does not compile" in problem.message


UNSTRUCTURED = {"two_joins": "unstructured_two_joins", "two_forks": "unstructured_two_forks"}


@pytest.mark.parametrize(
    ("shape", "order"),
    [
        ("two_joins", "task3 task2 task1 task4 task5 task6"),
        ("two_joins", "task1 task2 task3 task4 task5 task6"),
        ("two_joins", "task2 task1 task4 task3 task6 task5"),
        ("two_forks", "task1 task2 task3 task4"),
        ("two_forks", "task2 task1 task4 task3"),
    ],
)
def test_a_join_counts_branches_that_reached_it_before_another_join_fired(
    core: WorkflowEngine, shape: str, order: str
) -> None:
    name = f"activiti_{shape}.bpmn"
    core.deploy_files({name: text(name)})
    instance = core.start(UNSTRUCTURED[shape], "clara")
    for element_id in order.split():
        (task,) = [t for t in instance.ready_tasks if t.element_id == element_id]
        instance = core.complete_task(task.task_id, "clara", {})
    assert instance.status == "completed"
    assert core.replayer.replay_stored(instance.id).ok


def test_a_file_using_no_extension_reads_bare_iso_timers_as_written(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    core.deploy_files({"iso_timers_no_extensions.bpmn": text("iso_timers_no_extensions.bpmn")})
    instance = core.start("iso_timers", "clara")
    assert instance.status == "running" and not instance.ready_tasks
    clock.advance(minutes=4)
    assert core.tick().timers_fired == 0
    clock.advance(minutes=2)  # PT5M
    assert core.tick().timers_fired == 1
    (task,) = core.queries.get_instance(instance.id).ready_tasks
    assert task.element_id == "review"
    clock.advance(hours=31, minutes=50)  # to 08:56 on 2026-12-01, from Monday 01:06
    assert core.tick().timers_fired == 0
    clock.advance(minutes=5)  # 2026-12-01T09:00:00Z
    assert core.tick().timers_fired == 1
    assert core.queries.get_instance(instance.id).status == "completed"
    assert core.replayer.replay_stored(instance.id).ok


# -- expressions in another language than Python or JUEL --------------------------------


def test_jbpm_conditions_in_java_and_mvel_are_refused_naming_their_language() -> None:
    """Each is valid Python too (``amount <= 1000``): read as Python it would run, wrongly."""
    with pytest.raises(DeploymentError) as refused:
        compile_definition({"jbpm_java_conditions.bpmn": text("jbpm_java_conditions.bpmn")})
    found = {p.element_id: p.message for p in refused.value.problems}
    assert set(found) == {"flow_large", "flow_small"}
    assert found["flow_large"].startswith(
        "the conditionExpression is written in 'http://www.java.com/java', "
        "which the engine does not evaluate"
    )
    assert "'http://www.mvel.org/2.0'" in found["flow_small"]


def test_a_jbpm_human_task_is_refused_naming_each_mapping_and_its_owner() -> None:
    """SpiffWorkflow would ignore the assignments (the task anyone's) or fail on the rest."""
    name = "jbpm_human_task.bpmn"
    with pytest.raises(DeploymentError) as refused:
        compile_definition({name: text(name)})
    found = [(p.element_id, p.message.split(" maps ")[0]) for p in refused.value.problems]
    assert found[:4] == [
        ("approve", "its dataInputAssociation from an expression into 'TaskName'"),
        ("approve", "its dataInputAssociation from an expression into 'Skippable'"),
        ("approve", "its dataInputAssociation from an expression into 'GroupId'"),
        ("approve", "its dataOutputAssociation from 'comment' into 'comment'"),
    ]
    assert found[4][1].startswith("its potentialOwner is not read here")


def test_an_expression_naming_no_language_has_the_files_expression_language(
    core: WorkflowEngine,
) -> None:
    """jBPM's MVEL, Bonita's Groovy: BPMN's own default (XPath) is written without meaning."""
    given = text("jbpm_java_conditions.bpmn").replace(' language="http://www.mvel.org/2.0"', "")
    with pytest.raises(DeploymentError) as refused:
        compile_definition({"jbpm_java_conditions.bpmn": given})
    messages = {p.element_id: p.message for p in refused.value.problems}
    assert "'http://www.mvel.org/2.0' (the file's expressionLanguage)" in messages["flow_small"]
    runnable = given.replace(
        'language="http://www.java.com/java"><![CDATA[return amount > 1000;]]>',
        'language="python"><![CDATA[amount > 1000]]>',
    ).replace('"http://www.mvel.org/2.0"', '"http://www.w3.org/1999/XPath"')
    core.deploy_files({"jbpm_java_conditions.bpmn": runnable})
    instance = core.start("jbpm_loan", "clara", {"amount": 5000})
    (task,) = instance.ready_tasks
    (task,) = core.complete_task(task.task_id, "clara", {}).ready_tasks
    assert task.element_id == "review"  # amount > 1000, in Python as the file now says


# -- Activiti's and Flowable's files ------------------------------------------------------


def test_activitis_form_properties_performers_and_initiator_deploy_and_run(
    core: WorkflowEngine,
) -> None:
    name = "activiti_leave_request.bpmn"
    compiled = compile_definition({name: text(name)})
    start_form = compiled.json_forms[compiled.start_forms["activiti_leave"]]
    assert list(start_form.fields) == ["days", "firstDay", "motivation"]
    days = start_form.fields["days"]
    assert days.required and days.metadata[INITIAL] == 1  # shown first, filled in
    core.deploy_files({name: text(name)})
    core.users.add("mona", ["management"])
    core.users.add("emil", ["staff"])
    instance = core.start("activiti_leave", "emil", {"firstDay": "2026-04-01", "applicant": "x"})
    assert instance.data["days"] == 1  # the literal value shown first
    assert instance.data["applicant"] == "emil"  # activiti:initiator's variable: the starter
    (task,) = instance.ready_tasks
    assert (task.element_id, task.role) == ("decide", "management")  # potentialOwner
    form = core.queries.task_form(task.task_id, "mona").form
    assert list(form.fields) == ["leaveApproved", "managerReason"]  # readable="false" left out
    assert form.fields["leaveApproved"].metadata["choices"]["false"] == ("Refuse", "Refuse")
    with pytest.raises(PermissionDeniedError):
        core.complete_task(task.task_id, "emil", {"leaveApproved": "true"})
    after = core.complete_task(
        task.task_id, "mona", {"leaveApproved": "false", "managerReason": "busy"}
    )
    (task,) = after.ready_tasks
    assert task.element_id == "revise"
    form = core.queries.task_form(task.task_id, "emil").form
    assert [(n, f.dump_only) for n, f in form.fields.items()] == [
        ("days", False),
        ("managerReason", True),  # expression="${managerReason}" writable="false"
        ("resend", False),
    ]
    with pytest.raises(PermissionDeniedError) as refused:  # the humanPerformer, the starter
        core.complete_task(task.task_id, "mona", {"days": 2, "resend": "true"})
    assert refused.value.code == "task.only_for"
    (task,) = core.complete_task(task.task_id, "emil", {"days": 2, "resend": "true"}).ready_tasks
    done = core.complete_task(task.task_id, "mona", {"leaveApproved": "true"})
    assert (done.status, done.data["days"]) == ("completed", 2)
    assert core.replayer.replay_stored(instance.id).ok


def test_a_potential_owner_names_users_and_groups_as_activiti_reads_it() -> None:
    name = "activiti_leave_request.bpmn"
    given = text(name).replace(
        "<formalExpression>management</formalExpression>",
        "<formalExpression>user(mona), group(management), group(board)</formalExpression>",
    )
    rules = compile_definition({name: given}).user_task("activiti_leave", "decide")
    assert rules is not None
    # a listed user or a member of a listed group, as Activiti reads candidates
    assert (rules.groups, rules.only_users, rules.users_from) == (
        ("management", "board"),
        None,
        "['mona']",
    )
    nobody = text(name).replace("<formalExpression>management</formalExpression>", "")
    with pytest.raises(DeploymentError) as refused:
        compile_definition({name: nobody})
    ((element, message),) = [(p.element_id, p.message) for p in refused.value.problems]
    assert element == "decide" and message.startswith("its potentialOwner names nobody")


def test_flowables_initiator_form_properties_and_hints_deploy_and_run(
    core: WorkflowEngine,
) -> None:
    name = "flowable_expense_claim.bpmn"
    core.deploy_files({name: text(name)})
    core.users.add("fay", ["finance"])
    core.users.add("gus", ["clerk"])
    instance = core.start("flowable_expense", "clara", {"amount": "12.5"})
    assert (instance.data["amount"], instance.data["purpose"]) == (12.5, "Travel")
    (task,) = instance.ready_tasks
    assert task.element_id == "sid-attach"
    assert [t.task_id for t in core.queries.list_tasks("gus")] == []  # $INITIATOR: clara's
    with pytest.raises(PermissionDeniedError):
        core.complete_task(task.task_id, "gus", {})
    (task,) = core.complete_task(task.task_id, "clara", {}).ready_tasks
    assert (task.element_id, task.role) == ("sid-approve", "finance")
    (task,) = core.complete_task(task.task_id, "fay", {"approved": False}).ready_tasks
    assert task.element_id == "sid-read" and core.queries.list_tasks("clara")
    assert core.complete_task(task.task_id, "clara", {}).status == "completed"
    paid = core.start("flowable_expense", "gus", {"amount": 3})
    (task,) = paid.ready_tasks
    (task,) = core.complete_task(task.task_id, "gus", {}).ready_tasks
    assert core.complete_task(task.task_id, "fay", {"approved": True}).status == "completed"
    assert core.replayer.replay_stored(instance.id).ok


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (
            'flowable:category="expenses"',
            'flowable:skipExpression="${amount &lt; 10}"',
            "flowable:skipExpression is not supported here: the engine cannot skip",
        ),
        (
            'flowable:category="expenses"',
            'flowable:candidateStarterUsers="kermit"',
            "flowable:candidateStarterUsers is not supported here: the engine lets groups",
        ),
        (
            '<flowable:executionListener event="start"></flowable:executionListener>',
            '<flowable:executionListener event="start" class="org.example.Audit" />',
            "flowable:executionListener is not supported: listeners run Java",
        ),
        (
            '<flowable:formProperty id="approved"',
            '<flowable:formProperty id="approved" expression="${claim.approved}"',
            "flowable:formProperty 'approved': a property read and written through an "
            "expression ('${claim.approved}') is not supported",
        ),
    ],
)
def test_what_flowable_would_do_and_the_engine_cannot_is_refused(
    old: str, new: str, words: str
) -> None:
    name = "flowable_expense_claim.bpmn"
    assert old in text(name)
    with pytest.raises(DeploymentError) as refused:
        compile_definition({name: text(name).replace(old, new)})
    ((element, message),) = [(p.element_id, p.message) for p in refused.value.problems]
    assert element == "sid-approve" and message.startswith(words), message


def test_an_empty_skip_expression_does_nothing_and_deploys() -> None:
    name = "flowable_expense_claim.bpmn"
    given = text(name).replace('flowable:category="expenses"', 'flowable:skipExpression=""')
    compile_definition({name: given})


def test_initiator_is_the_starter_whether_or_not_the_start_event_names_a_variable() -> None:
    """Activiti's modeler writes ``$INITIATOR`` with no ``activiti:initiator`` at all."""
    name = "flowable_expense_claim.bpmn"
    for given in (text(name), text(name).replace(' flowable:initiator="initiator"', "")):
        rules = compile_definition({name: given}).user_task("flowable_expense", "sid-attach")
        assert rules is not None and rules.only_actors_of == ("startEvent1",)


# -- what modelers draw beside the flow ----------------------------------------------------


def test_a_camunda_drawing_with_pools_lanes_data_links_and_hints_runs(
    core: WorkflowEngine,
) -> None:
    """Data objects and stores are drawing, as in Camunda; a link pair is one flow."""
    name = "camunda_drawing_extras.bpmn"
    core.deploy_files({name: text(name)})
    core.users.add("hedy", ["head"])
    instance = core.start("camunda_drawing", "clara", {"subject": "roads"})
    (task,) = instance.ready_tasks
    assert (task.element_id, task.role) == ("check", "clerk")  # the inner lane of two
    # SpiffWorkflow would have moved the data object's value out of the task's data, and
    # failed the task: the data hold no DataObject_file
    (task,) = core.complete_task(task.task_id, "clara", {}).ready_tasks
    assert (task.element_id, task.role) == ("sign", "head")  # reached through the links
    done = core.complete_task(task.task_id, "hedy", {})
    assert done.status == "completed" and "data_objects" not in done.data
    assert core.replayer.replay_stored(instance.id).ok


def test_a_signavio_collaboration_runs_both_pools_and_follows_its_link(
    core: WorkflowEngine,
) -> None:
    name = "signavio_order_collaboration.bpmn"
    core.deploy_files({name: text(name)})
    core.users.add("sam", ["sales"])
    shop = core.start("signavio_shop", "sam")
    (task,) = shop.ready_tasks
    after = core.complete_task(task.task_id, "sam", {"item": "desk"})
    (task,) = after.ready_tasks
    assert task.element_id == "sid-file"  # the link carried the flow on, not to its end
    (store,) = [i for i in core.queries.list_instances() if i.process_id == "signavio_store"]
    (pack,) = core.queries.get_instance(store.id).ready_tasks
    assert pack.element_id == "sid-pack"  # the order message started the store's process
    assert core.complete_task(pack.task_id, "clara", {}).status == "completed"
    done = core.complete_task(task.task_id, "sam", {})
    assert done.status == "completed" and "data_objects" not in done.data


# -- an assignee or candidate groups given by a variable no one set ------------------------


def test_an_assignee_variable_no_one_set_gives_the_task_to_its_groups(
    core: WorkflowEngine,
) -> None:
    # As a Chinese OA's Flowable templates write it: ${startUserId} is set by the OA's own
    # code when it starts the process; SpiffWorkflow reads no assignee and runs the file.
    name = "flowable_unset_assignee.bpmn"
    core.deploy_files({name: text(name)})
    instance = core.start("flowable_unset_assignee", "clara")
    (submit,) = instance.ready_tasks
    assert (submit.element_id, submit.groups, submit.users) == ("submit_leave", ("*",), ())
    waiting = core.complete_task(submit.task_id, "clara", {})
    (approval,) = waiting.ready_tasks
    assert approval.element_id == "manager_approval"  # ${approverGroups} unset: its own group
    core.complete_task(approval.task_id, "clara", {})
    core.users.add("wang", ["ROLE_HR"], new_groups=True)
    (record,) = core.queries.get_instance(instance.id).ready_tasks
    with pytest.raises(PermissionDeniedError):
        core.complete_task(record.task_id, "clara", {})  # a literal group is still the group
    assert core.complete_task(record.task_id, "wang", {}).status == "completed"
    assert core.replayer.replay_stored(instance.id).ok


def test_an_assignee_variable_set_at_the_start_still_names_the_one_user(
    core: WorkflowEngine,
) -> None:
    name = "flowable_unset_assignee.bpmn"
    core.deploy_files({name: text(name)})
    core.users.add("lisi", ["clerk"])
    instance = core.start("flowable_unset_assignee", "clara", {"startUserId": "lisi"})
    (submit,) = instance.ready_tasks
    with pytest.raises(PermissionDeniedError) as refused:
        core.complete_task(submit.task_id, "clara", {})
    assert refused.value.code == "task.only_for"
    assert core.complete_task(submit.task_id, "lisi", {}).ready_tasks


def test_an_assignee_variable_holding_no_user_name_still_stops_the_step(
    core: WorkflowEngine,
) -> None:
    name = "flowable_unset_assignee.bpmn"
    core.deploy_files({name: text(name)})
    with pytest.raises(EngineError) as failed:
        core.start("flowable_unset_assignee", "clara", {"startUserId": 5})
    assert failed.value.params["element"] == "submit_leave"
    assert core.queries.list_instances() == []  # nothing of the failed start is kept


# -- 芋道 (ruoyi-vue-pro)'s own assignment strategies --------------------------------------


def test_yudaos_candidate_strategies_deploy_and_leave_the_task_to_its_group(
    core: WorkflowEngine,
) -> None:
    # the strategy names users and roles by that system's own ids: nobody here
    name = "yudao_candidate_strategy.bpmn"
    core.deploy_files({name: text(name)})
    instance = core.start("yudao_candidate_strategy", "clara")
    (review,) = instance.ready_tasks
    assert (review.element_id, review.groups, review.users) == ("leaderReviewTask", ("*",), ())
    (record,) = core.complete_task(review.task_id, "clara", {}).ready_tasks
    assert record.element_id == "hrRecordTask"
    assert core.complete_task(record.task_id, "clara", {}).status == "completed"


def test_another_of_yudaos_attributes_is_still_refused_naming_the_element(
    core: WorkflowEngine,
) -> None:
    # approveType 2 approves by itself: it changes what the process does
    name = "yudao_candidate_strategy.bpmn"
    given = text(name).replace(
        'flowable:candidateParam="2" />', 'flowable:candidateParam="2" flowable:approveType="2" />'
    )
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({name: given})
    (problem,) = refused.value.problems
    assert problem.element_id == "hrRecordTask" and "approveType" in problem.message


# -- what RuoYi-Flowable's designer keeps for its own panel --------------------------------


def test_ruoyi_flowables_designer_hints_deploy_and_the_assignment_they_record_holds(
    core: WorkflowEngine,
) -> None:
    name = "ruoyi_flowable_designer_hints.bpmn"
    core.deploy_files({name: text(name)})
    core.users.add("wang", ["ROLE_ESTATE"], new_groups=True)
    instance = core.start("ruoyi_flowable_designer_hints", "clara")
    (report,) = instance.ready_tasks
    with pytest.raises(PermissionDeniedError):
        core.complete_task(report.task_id, "wang", {})  # ${initiator}: only the starter
    (first,) = core.complete_task(report.task_id, "clara", {}).ready_tasks
    assert (first.element_id, first.groups) == ("review", ("ROLE_ESTATE",))
    (second,) = core.complete_task(first.task_id, "wang", {}).ready_tasks  # a loop of two
    assert second.element_id == "review"
    assert core.complete_task(second.task_id, "wang", {}).status == "completed"


def test_ruoyi_flowables_multi_instance_choice_without_its_loop_is_refused(
    core: WorkflowEngine,
) -> None:
    # the designer's record says "several people" but the task has no loop: which is meant?
    name = "ruoyi_flowable_designer_hints.bpmn"
    given = text(name).replace(
        'flowable:multiLoopType="Null"', 'flowable:multiLoopType="ParallelMultiInstance"'
    )
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({name: given})
    problems = refused.value.problems
    assert {p.element_id for p in problems} == {"report"}
    assert ["multiLoopType" in p.message or "isSequential" in p.message for p in problems] == [
        True,
        True,
    ]


# -- what Flowable Design (Flowable's modeler) records beside what the process says --------


def test_flowable_designs_records_deploy_and_the_task_is_its_groups(core: WorkflowEngine) -> None:
    name = "flowable_design_hints.bpmn"
    given = text(name)
    assert given.count("flowable:sourceDockerX") == 2  # each edge docked to its shapes
    core.deploy_files({name: given})
    core.users.add("rui", ["reviewers"], new_groups=True)
    instance = core.start("flowable_design_hints", "clara")
    (review,) = instance.ready_tasks
    assert (review.element_id, review.groups) == ("review", ("reviewers",))
    with pytest.raises(PermissionDeniedError):
        core.complete_task(review.task_id, "clara", {})  # not a reviewer: "all" added nobody
    assert core.complete_task(review.task_id, "rui", {}).status == "completed"


@pytest.mark.parametrize(
    ("record", "written", "instead", "named"),
    [
        ("task-candidates-type", "[all]", "[users]", "candidateGroups"),
        ("static-form-key", "[reviewForm]", "[otherForm]", "formKey"),
    ],
)
def test_a_flowable_design_record_saying_more_than_the_task_is_refused_saying_what_to_do(
    core: WorkflowEngine, record: str, written: str, instead: str, named: str
) -> None:
    name = "flowable_design_hints.bpmn"
    old = f"<flowable:{record}><![CDATA{written}]></flowable:{record}>"
    assert old in text(name)
    given = text(name).replace(old, old.replace(written, instead))
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({name: given})
    (problem,) = refused.value.problems
    assert problem.element_id == "review"
    assert f"flowable:{record} is not supported" in problem.message and named in problem.message


@pytest.mark.parametrize(("approved", "filed"), [(True, True), (False, False)])
def test_sequence_flows_written_without_ids_are_named_and_run(
    core: WorkflowEngine, approved: bool, filed: bool
) -> None:
    given = text("activiti_flows_without_ids.bpmn")
    assert '<sequenceFlow sourceRef="decide" targetRef="file">' in given
    core.deploy_files({"activiti_flows_without_ids.bpmn": given})
    instance = core.start("flowsWithoutIds", "clara")
    (check,) = instance.ready_tasks
    decided = core.complete_task(check.task_id, "clara", {"approved": approved})
    # the condition on the flow without an id chose the way
    assert [t.element_id for t in decided.ready_tasks] == (["file"] if filed else [])
    for task in decided.ready_tasks:
        decided = core.complete_task(task.task_id, "clara", {})
    assert decided.status == "completed"
    assert core.replayer.replay_stored(instance.id).ok
