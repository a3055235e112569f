"""SpiffWorkflow's own example files, as its parsers run them, run on the core engine.

Each test deploys a small file of ``tests/bpmn/third_party`` written after a
file of SpiffWorkflow's test data, on a ``WorkflowEngine`` with no domain.
"""

from __future__ import annotations

import pytest

from engine import DeploymentError, WorkflowEngine

from .test_third_party_bpmn import core, text

__all__ = ["core"]  # the fixture, shared with the other third-party files' tests


# -- camunda:resultVariable on a python script task ----------------------------------------


def test_a_python_script_result_variable_gets_the_value_of_its_last_expression(
    core: WorkflowEngine,
) -> None:
    name = "camunda_script_result_variable.bpmn"
    core.deploy_files({name: text(name)})
    instance = core.start("camunda_script_result_variable", "clara")
    (task,) = instance.ready_tasks
    data = core.queries.get_instance(instance.id).data
    # "(pages\n * 3)" is the last statement: its value; an assignment last gives none
    assert (data["pages"], data["total"], data["cancel"]) == (2, 6, "none")
    assert "test_message" not in data
    assert core.complete_task(task.task_id, "clara", {}).status == "completed"
    assert core.replayer.replay_stored(instance.id).ok


@pytest.mark.parametrize("variable", ["not a name", "class", ""])
def test_a_script_result_variable_must_be_a_variable_name(
    core: WorkflowEngine, variable: str
) -> None:
    name = "camunda_script_result_variable.bpmn"
    given = text(name).replace(
        'camunda:resultVariable="total"', f'camunda:resultVariable="{variable}"'
    )
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({name: given})
    (problem,) = refused.value.problems
    assert problem.element_id == "compute" and "must be a variable name" in problem.message


def test_a_script_result_variable_on_a_script_that_does_not_compile_names_the_script(
    core: WorkflowEngine,
) -> None:
    name = "camunda_script_result_variable.bpmn"
    given = text(name).replace("(pages\n * 3)", "pages *")
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({name: given})
    (problem,) = refused.value.problems
    assert problem.element_id == "compute" and "does not compile" in problem.message


# -- an expression's language in SpiffWorkflow's Camunda dialect -----------------------------

CONDITION = '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">decision'


@pytest.mark.parametrize(
    ("language", "refused"), [("true", False), ("python3", False), ("groovy", True)]
)
def test_a_camunda_file_without_juel_reads_a_condition_in_any_but_another_language_as_python(
    core: WorkflowEngine, language: str, refused: bool
) -> None:
    # as SpiffWorkflow's DoubleGatewayNavigation.bpmn writes it: language="true"
    name = "camunda_python_expressions.bpmn"
    given = text(name).replace(CONDITION, CONDITION.replace(">", f' language="{language}">', 1))
    assert given != text(name)
    if refused:
        with pytest.raises(DeploymentError) as failed:
            core.deploy_files({name: given})
        (problem,) = failed.value.problems
        assert problem.element_id == "flow_approved" and repr(language) in problem.message
        return
    core.deploy_files({name: given})
    instance = core.start("camunda_python_expressions", "clara")
    (task,) = instance.ready_tasks
    done = core.complete_task(task.task_id, "clara", {"decision": "approve", "notes": "好"})
    assert done.status == "completed"
    assert "camunda_python_archive" in {i.process_id for i in core.queries.list_instances()}


# -- a JSON Schema form file that is not deployed ------------------------------------------


def test_a_form_file_not_deployed_gives_the_confirmation_form(core: WorkflowEngine) -> None:
    name = "spiff_form_file_not_deployed.bpmn"
    core.deploy_files({name: text(name)})
    instance = core.start("spiff_form_file_not_deployed", "clara")
    (task,) = instance.ready_tasks
    assert task.form == "confirm"
    assert core.complete_task(task.task_id, "clara", {}).status == "completed"


def test_a_form_file_deployed_with_it_is_still_its_form(core: WorkflowEngine) -> None:
    name = "spiff_form_file_not_deployed.bpmn"
    schema = (
        '{"type": "object", "required": ["pages"], "properties": {"pages": {"type": "integer"}}}'
    )
    core.deploy_files({name: text(name), "my_json_jschema.json": schema})
    instance = core.start("spiff_form_file_not_deployed", "clara")
    (task,) = instance.ready_tasks
    assert task.form == "json:my_json_jschema.json"
    done = core.complete_task(task.task_id, "clara", {"pages": "3"})
    assert (done.status, done.data["pages"]) == ("completed", 3)


# -- a thrown message's camunda:resultVariable in SpiffWorkflow's Camunda dialect ----------


def test_a_thrown_messages_result_variable_names_where_its_catcher_keeps_the_payload(
    core: WorkflowEngine,
) -> None:
    # as SpiffWorkflow's message_test.bpmn writes it: the catcher names no variable
    name = "camunda_thrown_result_variable.bpmn"
    core.deploy_files({name: text(name)})
    asker = core.start("camunda_thrown_result_variable", "clara")
    (plan,) = asker.ready_tasks
    core.complete_task(plan.task_id, "clara", {"plan_details": "修缮"})
    (approver,) = core.queries.list_instances("camunda_thrown_result_approver")
    (decide,) = core.queries.get_instance(approver.id).ready_tasks
    core.complete_task(decide.task_id, "clara", {"approved": "No"})
    waiting = core.queries.get_instance(asker.id)
    assert waiting.data["ApprovalResult"] == "No"  # back to the plan, as the gateway says
    (plan,) = waiting.ready_tasks
    assert plan.element_id == "enter_plan"
    core.complete_task(plan.task_id, "clara", {"plan_details": "修缮，改"})
    approvers = core.queries.list_instances("camunda_thrown_result_approver", "running")
    (decide,) = core.queries.get_instance(approvers[0].id).ready_tasks
    core.complete_task(decide.task_id, "clara", {"approved": "Yes"})
    done = core.queries.get_instance(asker.id)
    assert (done.status, done.data["ApprovalResult"]) == ("completed", "Yes")
    assert "approved" not in done.data  # the payload only, not the thrower's data
    assert core.replayer.replay_stored(asker.id).ok


@pytest.mark.parametrize("variable", ["not a name", "class"])
def test_a_thrown_messages_result_variable_must_be_a_variable_name(
    core: WorkflowEngine, variable: str
) -> None:
    name = "camunda_thrown_result_variable.bpmn"
    given = text(name).replace(
        'camunda:resultVariable="ApprovalResult"', f'camunda:resultVariable="{variable}"'
    )
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({name: given})
    (problem,) = refused.value.problems
    assert problem.element_id == "send_decision" and "must be a variable name" in problem.message
