"""The core engine with no domain at all runs BPMN processes of any kind.

Each test deploys one small BPMN file of ``tests/bpmn/elements`` (one element
each) on a ``WorkflowEngine`` built with no domain, and drives it as a user
and the clock would, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine import (
    Database,
    DeploymentError,
    FormValidationError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    ScriptError,
    WorkflowEngine,
    definitions,
    loops,
    runtime,
    steps,
)
from engine.clock import ManualClock
from engine.definitions import compile_definition
from engine.forms import MAX_DATA_ITEMS
from engine.instructions import MAX_STEPS, fill_in
from engine.views import InstanceView
from webui.cli import main

from .conftest import TEST_BPMN

ELEMENTS = TEST_BPMN / "elements"


def files(*names: str) -> dict[str, str]:
    return {name: (ELEMENTS / name).read_text(encoding="utf-8") for name in names}


@pytest.fixture
def core(db: Database, clock: ManualClock) -> Iterator[WorkflowEngine]:
    """An engine without any domain: lanes name groups, tasks get the generic form."""
    engine = WorkflowEngine(db, clock)
    engine.users.add("clara", ["clerk"])
    engine.users.add("rita", ["reviewer"])
    engine.users.add("nobody_special", ["visitor"])
    yield engine


def started_by_rules(
    engine: WorkflowEngine, monkeypatch: pytest.MonkeyPatch, rules: int, process: str
) -> InstanceView:
    """Deploy ``process`` from its file and start it as an instance of older step rules."""
    with monkeypatch.context() as patched:
        patched.setattr(runtime, "RULES", rules)
        return started(engine, process)


def started(engine: WorkflowEngine, process: str) -> InstanceView:
    """Deploy ``process`` from its file and start it for clara."""
    engine.deploy_files(files(f"{process}.bpmn"))
    return engine.start(process, "clara")


def do(engine: WorkflowEngine, user: str, element: str, data: dict | None = None) -> InstanceView:
    """Complete the one task ``element`` in the user's inbox."""
    tasks = [t for t in engine.queries.list_tasks(user) if t.element_id == element]
    assert tasks, f"{user} has no {element}: {engine.queries.list_tasks(user)}"
    return engine.complete_task(tasks[0].task_id, user, data or {})


def test_a_process_with_user_tasks_a_gateway_and_a_timer_runs_without_a_domain(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    assert core.domain.name == "core" and not core.domain.forms
    core.deploy_files(files("parallel_and_inclusive.bpmn"))
    instance = core.start("parallel_and_inclusive", "clara")
    do(core, "clara", "clerk_part", {"amount": 500})
    done = do(core, "rita", "reviewer_part", {"urgent": True})
    assert done.status == "completed"
    assert (done.data["big"], done.data["rushed"]) == (True, True)

    core.deploy_files(files("boundary_events.bpmn"))
    timed = core.start("boundary_events", "clara")
    clock.advance(hours=1, minutes=1)
    assert core.tick().timers_fired == 1
    assert core.queries.get_instance(timed.id).data["reminded"] is True
    finished = do(core, "clara", "handle", {"result": "ok"})
    assert finished.status == "completed" and finished.data["result"] == "ok"
    assert core.queries.verify_chain(instance.id).ok


def test_a_user_task_outside_every_lane_is_for_anyone(core: WorkflowEngine) -> None:
    core.deploy_files(files("lane_less_user_task.bpmn"))
    instance = core.start("lane_less_user_task", "nobody_special")
    assert [t.role for t in instance.ready_tasks] == ["*"]
    assert [t.element_id for t in core.queries.list_tasks("rita")] == ["fill_in"]
    done = do(core, "rita", "fill_in", {"comment": "已填", "text": "hello"})
    assert done.status == "completed" and done.data["text"] == "hello"


def test_a_manual_task_is_a_confirmation_for_its_lane(core: WorkflowEngine) -> None:
    core.deploy_files(files("manual_task.bpmn"))
    instance = core.start("manual_task", "clara")
    (task,) = instance.ready_tasks
    assert (task.element_id, task.role, task.form) == ("check_paper", "clerk", "confirm")
    assert core.queries.list_tasks("rita") == []
    assert do(core, "clara", "check_paper", {"comment": "核对无误"}).status == "completed"


def test_a_lane_named_by_its_name_is_a_group_its_members_can_be_given(
    core: WorkflowEngine,
) -> None:
    """spiff-arena's lanes name groups as people write them: "Finance Team", 财务处."""
    core.deploy_files(files("lane_named_group.bpmn"))
    core.users.add("fiona", ["Finance Team"], new_groups=True)
    core.users.add("cai", ["财务处"], new_groups=True)
    instance = core.start("lane_named_group", "fiona")
    assert [t.role for t in instance.ready_tasks] == ["Finance Team"]
    assert core.queries.list_tasks("cai") == []
    assert do(core, "fiona", "check_invoice").status == "running"
    assert [t.element_id for t in core.queries.list_tasks("fiona")] == []
    assert do(core, "cai", "approve").status == "completed"


@pytest.mark.parametrize("group", ["a,b", "x" * 33, " padded", "tab\there"])
def test_a_group_no_lane_could_name_is_still_refused_for_a_user(
    core: WorkflowEngine, group: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        core.users.add("fiona", [group], new_groups=True)
    assert refused.value.code == "user.unknown_groups"


def test_a_task_shows_its_instructions_filled_in_from_its_data(core: WorkflowEngine) -> None:
    """spiff-arena's instructionsForEndUser, and its lane named by its name (Lane_0k3x9qa)."""
    core.deploy_files(files("task_instructions.bpmn"))
    start = {"applicant": {"name": "王小明"}, "pages": 3, "urgent": True, "files": ["申请表"]}
    instance = core.start("task_instructions", "clara", start)
    (task,) = instance.ready_tasks
    assert task.role == "clerk"
    form = core.queries.task_form(task.task_id, "clara")
    assert form.instructions == "## 核对 王小明 的纸质材料\n共 3 页，加急；第一份：申请表。"
    assert do(core, "clara", "check_paper", {"comment": "核对无误"}).status == "completed"


@pytest.mark.parametrize(
    ("template", "shown"),
    [
        ("{{ a.b[1] }}|{{ a['c'] }}|{{ n | int }}", "2|x|5"),
        ("{{ nothing.here }}{{ a.b[9] }}{{ 1 + 1 }}{{ a.__class__ }}", ""),
        ("{% for i in range(10**9) %}{{ i }}{% endfor %}done", "done"),
        ("{{ a }}", '{"b": [1, 2], "c": "x"}'),
        ("{% if n %}yes{% else %}no{% endif %}/{% if not m %}none{% endif %}", "yes/none"),
        ("{% if m %}1{% elif a.c %}2{% else %}3{% endif %}", "2"),
        # a comparison is not read: it does not hold
        ("{% for x in a.b %}[{{ x }}{% if x == 2 %}!{% endif %}]{% endfor %}", "[1][2]"),
        ("{% if zero %}x{% endif %}{% if empty %}y{% endif %}{% if n %}{{ n }}", "5"),
    ],
)
def test_instructions_name_data_and_run_nothing(template: str, shown: str) -> None:
    data = {"a": {"b": [1, 2], "c": "x"}, "n": 5, "zero": 0, "empty": []}
    assert fill_in(template, data) == shown


def test_instructions_stop_where_nested_loops_would_go_on() -> None:
    template = "{% for a in xs %}{% for b in xs %}{% for c in xs %}{% for d in xs %}."
    done = fill_in(template + "{% endfor %}" * 4, {"xs": list(range(100))})
    assert set(done) <= {"."} and 0 < len(done) <= MAX_STEPS


def test_a_plain_task_passes_straight_through(core: WorkflowEngine) -> None:
    core.deploy_files(files("plain_task.bpmn"))
    instance = core.start("plain_task", "clara")
    assert [t.element_id for t in instance.ready_tasks] == ["confirm"]
    assert do(core, "clara", "confirm").status == "completed"


@pytest.mark.parametrize(("amount", "level"), [(50, "low"), (500, "high")])
def test_a_decision_table_deploys_and_runs_with_its_process(
    core: WorkflowEngine, amount: int, level: str
) -> None:
    core.deploy_files(files("decision_table.bpmn", "decision_table.dmn"))
    core.start("decision_table", "clara")
    after = do(core, "clara", "enter_amount", {"amount": amount})
    assert after.data["level"] == level
    if level == "high":
        assert after.status == "running"
        after = do(core, "rita", "review_high", {"checked": True})
    assert after.status == "completed"


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("<text>&lt;= 100</text>", "<text>&lt;= = 100</text>", "row 1"),
        ('<text>"high"</text>', "<text>locals()</text>", "locals"),
        ("<text>amount</text>", "<text>amount +</text>", "row 1"),
        # SpiffWorkflow reads on from each ? to the entry's end: 8,000 cost six seconds
        ("<text>&lt;= 100</text>", f"<text>{'?' * 8000}</text>", "8,000 '?'"),
        ("<text>&lt;= 100</text>", f"<text>'{'?' * 8000}'</text>", "8,000 '?'"),
        ("<text>&lt;= 100</text>", f"<text>{'1' * 300_000}</text>", "too long"),
    ],
)
def test_a_decision_table_that_cannot_run_is_refused_naming_decision_and_row(
    core: WorkflowEngine, old: str, new: str, words: str
) -> None:
    given = files("decision_table.bpmn", "decision_table.dmn")
    assert old in given["decision_table.dmn"]
    given["decision_table.dmn"] = given["decision_table.dmn"].replace(old, new)
    started = time.process_time()
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files(given)
    assert time.process_time() - started < 2
    problems = refused.value.problems
    assert {(p.file, p.element_id) for p in problems} == {("decision_table.dmn", "classify_amount")}
    assert words in problems[0].message


def test_a_message_reaches_the_instance_it_correlates_with(core: WorkflowEngine) -> None:
    core.deploy_files(files("message_wait.bpmn"))
    first = core.start("message_wait", "clara", {"request_no": "R-1"})
    second = core.start("message_wait", "clara", {"request_no": "R-2"})
    result = core.send_message("payment_received", {"request_no": "R-2", "paid": 100})
    assert (result.reached, result.started) == ((second.id,), ())
    assert core.queries.get_instance(first.id).ready_tasks == ()
    moved = core.queries.get_instance(second.id)
    assert [t.element_id for t in moved.ready_tasks] == ["deliver"]
    assert moved.data["payment"] == {"request_no": "R-2", "paid": 100}
    assert core.send_message("payment_received", {"request_no": "R-9"}).reached == ()
    history = core.queries.history(second.id)
    assert history[-1].type == "message_received"
    assert history[-1].data == {
        "name": "payment_received",
        "payload": {"request_no": "R-2", "paid": 100},
    }


def test_a_message_starts_the_process_that_waits_for_it(core: WorkflowEngine) -> None:
    core.deploy_files(files("message_start.bpmn"))
    result = core.send_message("request_filed", {"applicant": "张三"})
    (started,) = result.started
    instance = core.queries.get_instance(started)
    assert [t.element_id for t in instance.ready_tasks] == ["register"]
    assert instance.data["request"] == {"applicant": "张三"}


def test_a_process_a_message_starts_is_not_started_by_hand(core: WorkflowEngine) -> None:
    core.deploy_files(files("message_start.bpmn"))
    with pytest.raises(InvalidInputError) as refused:
        core.start("message_start", "clara")
    assert refused.value.code == "process.started_by_message"
    assert refused.value.params["name"] == "request_filed"
    assert core.queries.list_instances() == []  # nothing waits to take the message twice
    assert len(core.send_message("request_filed", {}).started) == 1


def test_a_message_start_naming_no_message_waits_for_one_named_after_it(
    core: WorkflowEngine,
) -> None:
    given = files("message_start.bpmn")
    given["message_start.bpmn"] = given["message_start.bpmn"].replace(
        ' messageRef="request_filed"', ""
    )  # as Signavio's files may have it
    core.deploy_files(given)
    with pytest.raises(InvalidInputError) as refused:
        core.start("message_start", "clara")
    assert refused.value.params["name"] == "收到申请 Request filed"
    (started,) = core.send_message("收到申请 Request filed", {}).started
    ready = core.queries.get_instance(started).ready_tasks
    assert [t.element_id for t in ready] == ["register"]


def test_a_signal_reaches_every_waiting_instance_and_the_command_line_sends_it(
    core: WorkflowEngine, database_url: str
) -> None:
    core.deploy_files(files("signal_wait.bpmn"))
    waiting = [core.start("signal_wait", "clara").id for _ in range(2)]
    result = CliRunner(env={"GONGKAI_DATABASE_URL": database_url}).invoke(
        main, ["send", "signal", "office_closed"]
    )
    assert result.exit_code == 0, result.output
    assert "2 instance(s) reached" in result.output
    for instance_id in waiting:
        ready = core.queries.get_instance(instance_id).ready_tasks
        assert [t.element_id for t in ready] == ["after_signal"]


def test_a_multi_instance_task_gives_one_task_per_item(core: WorkflowEngine) -> None:
    core.deploy_files(files("multi_instance.bpmn"))
    instance = core.start("multi_instance", "rita")
    assert [t.element_id for t in instance.ready_tasks] == ["opinion"] * 3
    for opinion in ("同意", "不同意", "再议"):
        done = do(core, "rita", "opinion", {"opinion_text": opinion})
    assert done.status == "completed"
    assert sorted(done.data["opinions"]) == sorted(["同意", "不同意", "再议"])


def test_a_multi_instance_task_with_no_input_is_an_error_naming_it(core: WorkflowEngine) -> None:
    core.deploy_files(files("multi_instance_no_input.bpmn"))
    before = len(core.queries.list_instances())
    with pytest.raises(ScriptError) as failed:
        core.start("multi_instance_no_input", "rita")
    assert failed.value.element_id == "opinion"
    assert "TypeError" in failed.value.params["detail"]
    assert len(core.queries.list_instances()) == before


def test_an_event_subprocess_starts_on_its_timer(core: WorkflowEngine, clock: ManualClock) -> None:
    core.deploy_files(files("event_subprocess.bpmn"))
    instance = core.start("event_subprocess", "clara")
    clock.advance(hours=2, minutes=1)
    core.tick()
    assert core.queries.get_instance(instance.id).data["escalated"] is True


def test_a_process_whose_flow_ends_before_its_event_subprocess_timer_ends(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    core.deploy_files(files("event_subprocess.bpmn"))
    instance = core.start("event_subprocess", "clara")
    assert do(core, "clara", "handle").status == "completed"
    clock.advance(hours=3)
    assert core.tick().timers_fired == 0  # the case is done: nothing escalates it
    assert "escalated" not in core.queries.get_instance(instance.id).data


def test_a_message_starts_an_interrupting_event_subprocess(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    core.deploy_files(files("event_subprocess_message.bpmn"))
    instance = core.start("event_subprocess_message", "clara")
    clock.advance(days=1, minutes=1)
    assert core.tick().timers_fired == 1  # the reminder does not interrupt
    assert [t.element_id for t in core.queries.list_tasks("clara")] == ["prepare"]
    assert core.send_message("ApplicationWithdrawn", {}).reached == (instance.id,)
    assert [t.element_id for t in core.queries.list_tasks("clara")] == ["close"]
    done = do(core, "clara", "close")
    assert done.status == "completed" and done.data["reminded"] is True


def test_a_repeated_message_does_not_start_an_interrupting_handler_again(
    core: WorkflowEngine,
) -> None:
    instance = started(core, "event_subprocess_message")
    assert core.send_message("ApplicationWithdrawn", {}).reached == (instance.id,)
    # the process is interrupted: nothing of it waits for the message any more
    assert core.send_message("ApplicationWithdrawn", {}).reached == ()
    assert [t.element_id for t in core.queries.list_tasks("clara")] == ["close"]
    assert do(core, "clara", "close").status == "completed"
    assert core.replayer.replay_stored(instance.id).ok


def test_a_message_starts_the_event_subprocess_of_a_subprocess_under_way(
    core: WorkflowEngine,
) -> None:
    instance = started(core, "event_subprocess_nested")
    assert [t.element_id for t in instance.ready_tasks] == ["examine"]
    assert core.send_message("ReviewWithdrawn", {}).reached == (instance.id,)
    # it interrupts the review, once: a second message finds nothing waiting for it
    assert [t.element_id for t in core.queries.list_tasks("clara")] == ["note_withdrawal"]
    assert core.send_message("ReviewWithdrawn", {}).reached == ()
    # the sub-process ends with its handler, and the case goes on after it
    assert [t.element_id for t in do(core, "clara", "note_withdrawal").ready_tasks] == ["archive"]
    assert do(core, "clara", "archive").status == "completed"
    assert core.replayer.replay_stored(instance.id).ok
    # once the sub-process is done, its handler waits no more
    other = core.start("event_subprocess_nested", "clara")
    do(core, "clara", "examine")
    assert core.send_message("ReviewWithdrawn", {}).reached == ()
    assert do(core, "clara", "archive").status == "completed"
    assert core.queries.get_instance(other.id).status == "completed"


def test_a_non_interrupting_handler_of_a_subprocess_starts_on_each_message(
    core: WorkflowEngine,
) -> None:
    given = files("event_subprocess_nested.bpmn")
    name = "event_subprocess_nested.bpmn"
    given[name] = given[name].replace(
        '<bpmn:startEvent id="withdrawn" name="审查中撤回 Withdrawn">',
        '<bpmn:startEvent id="withdrawn" name="审查中撤回 Withdrawn" isInterrupting="false">',
    )
    core.deploy_files(given)
    instance = core.start("event_subprocess_nested", "clara")
    for _ in range(2):
        assert core.send_message("ReviewWithdrawn", {}).reached == (instance.id,)
    tasks = sorted(t.element_id for t in core.queries.list_tasks("clara"))
    assert tasks == ["examine", "note_withdrawal", "note_withdrawal"]
    do(core, "clara", "examine")
    do(core, "clara", "note_withdrawal")
    # the review ends once its handlers have ended too
    assert [t.element_id for t in do(core, "clara", "note_withdrawal").ready_tasks] == ["archive"]
    assert core.replayer.replay_stored(instance.id).ok


def test_an_instance_begun_by_rules_8_keeps_starting_its_handler_again(
    core: WorkflowEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A guard: an instance of rules 8 keeps its way, so that its history replays."""
    old = started_by_rules(core, monkeypatch, 8, "event_subprocess_message")
    for _ in range(2):
        assert core.send_message("ApplicationWithdrawn", {}).reached == (old.id,)
    assert [t.element_id for t in core.queries.list_tasks("clara")] == ["close", "close"]
    assert core.replayer.replay_stored(old.id).ok


def test_a_process_waiting_for_no_event_subprocess_message_ends_with_its_flow(
    core: WorkflowEngine,
) -> None:
    core.deploy_files(files("event_subprocess_message.bpmn"))
    instance = core.start("event_subprocess_message", "clara")
    do(core, "clara", "prepare")
    assert do(core, "clara", "sign").status == "completed"
    assert core.send_message("ApplicationWithdrawn", {}).reached == ()
    assert core.queries.get_instance(instance.id).status == "completed"


def test_an_instance_begun_before_event_subprocesses_ended_keeps_its_rules(
    core: WorkflowEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A guard: an instance of rules 7 keeps SpiffWorkflow's way, so its history replays."""
    old = started_by_rules(core, monkeypatch, 7, "event_subprocess")
    # its history replays as made: SpiffWorkflow's own way, waiting for the timer
    assert do(core, "clara", "handle").status == "running"
    assert core.queries.get_instance(old.id).status == "running"


@pytest.mark.parametrize(
    ("process", "after", "variable"),
    [
        ("boundary_events", timedelta(days=1, minutes=1), "timed_out"),
        ("event_subprocess", timedelta(hours=2, minutes=1), "escalated"),
    ],
)
def test_an_interrupting_timer_cancels_the_task_it_interrupts(
    core: WorkflowEngine, clock: ManualClock, process: str, after: timedelta, variable: str
) -> None:
    core.deploy_files(files(f"{process}.bpmn"))
    instance = core.start(process, "clara")
    clock.advance(seconds=after.total_seconds())
    core.tick()
    done = core.queries.get_instance(instance.id)
    assert done.status == "completed" and done.data[variable] is True
    assert core.queries.list_tasks("clara") == []


def test_a_call_activity_runs_the_called_process(core: WorkflowEngine) -> None:
    core.deploy_files(files("call_activity.bpmn", "called_process.bpmn"))
    core.start("call_activity", "clara")
    done = do(core, "clara", "inner_step", {"inner_note": "已办"})
    assert done.status == "completed"
    assert (done.data["case_no"], done.data["inner_note"]) == (7, "已办")


def called_after_a_user_task(excluded: str) -> dict[str, str]:
    """Return the call activity's files, its script a clerk's task, the call excluding some."""
    given = files("call_activity.bpmn", "called_process.bpmn")
    given["call_activity.bpmn"] = (
        given["call_activity.bpmn"]
        .replace('<bpmn:scriptTask id="prepare"', '<bpmn:userTask id="prepare"')
        .replace(
            "<bpmn:script>case_no = 7</bpmn:script>\n    </bpmn:scriptTask>", "</bpmn:userTask>"
        )
        .replace(
            "<bpmn:incoming>flow_prepare_call_inner</bpmn:incoming>",
            "<bpmn:extensionElements><spiffworkflow:properties>"
            f'<spiffworkflow:property name="excludeActorsOf" value="{excluded}"/>'
            "</spiffworkflow:properties></bpmn:extensionElements>"
            "<bpmn:incoming>flow_prepare_call_inner</bpmn:incoming>",
        )
    )
    return given


def test_a_call_activity_keeps_the_callers_actors_from_the_called_tasks(
    core: WorkflowEngine,
) -> None:
    # The called process is drawn once for every caller: the caller names who is kept out.
    core.users.add("clive", ["clerk"])
    core.deploy_files(called_after_a_user_task("prepare"))
    instance = core.start("call_activity", "clara")
    do(core, "clara", "prepare", {})
    assert [t.element_id for t in core.queries.list_tasks("clara")] == []
    (task,) = core.queries.list_tasks("clive")
    with pytest.raises(PermissionDeniedError) as refused:
        core.complete_task(task.task_id, "clara", {"inner_note": "自己办"})
    assert refused.value.code == "task.own_work"
    assert core.complete_task(task.task_id, "clive", {"inner_note": "已办"}).status == "completed"
    assert core.replayer.replay_stored(instance.id).ok


def test_a_call_activity_may_keep_out_only_actors_of_its_own_process() -> None:
    with pytest.raises(DeploymentError) as refused:
        compile_definition(called_after_a_user_task("inner_step"))
    (problem,) = refused.value.problems
    assert problem.element_id == "call_inner"
    assert problem.message == "'excludeActorsOf' names 'inner_step', which is not in this process"


def test_a_process_that_calls_itself_is_refused_at_deployment(core: WorkflowEngine) -> None:
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files(files("recursive_call.bpmn"))
    (problem,) = refused.value.problems
    assert problem.element_id == "call_self" and "calls itself" in problem.message


def test_a_json_schema_form_is_the_form_of_its_task(core: WorkflowEngine, tmp_path: Path) -> None:
    bpmn = (ELEMENTS / "manual_task.bpmn").read_text(encoding="utf-8")
    with_form = bpmn.replace(
        '<bpmn:manualTask id="check_paper"',
        '<bpmn:manualTask id="check_paper"',
    ).replace(
        "<bpmn:incoming>flow_start_check</bpmn:incoming>",
        "<bpmn:extensionElements><spiffworkflow:properties>"
        '<spiffworkflow:property name="formJsonSchemaFilename" value="check-schema.json" />'
        "</spiffworkflow:properties></bpmn:extensionElements>"
        "<bpmn:incoming>flow_start_check</bpmn:incoming>",
    )
    assert with_form != bpmn
    schema = (
        '{"title": "核对", "type": "object", "required": ["pages"], "properties": {'
        '"pages": {"type": "integer", "title": "页数"},'
        '"complete": {"type": "boolean", "title": "材料齐全"},'
        '"kind": {"type": "string", "enum": ["原件", "复印件"]}}}'
    )
    core.deploy_files({"manual_task.bpmn": with_form, "check-schema.json": schema})
    instance = core.start("manual_task", "clara")
    (task,) = instance.ready_tasks
    assert task.form == "json:check-schema.json"
    form = core.queries.task_form(task.task_id, "clara")
    assert list(form.form.fields) == ["pages", "complete", "kind"]
    from engine import FormValidationError

    with pytest.raises(FormValidationError) as refused:
        core.complete_task(task.task_id, "clara", {"kind": "草稿"})
    assert sorted(refused.value.errors) == ["kind", "pages"]
    # a fractional count is refused, not cut down to a whole one (an API call's 1.5 pages)
    with pytest.raises(FormValidationError) as refused:
        core.complete_task(task.task_id, "clara", {"pages": 1.5, "kind": "原件"})
    assert [p.code for p in refused.value.errors["pages"]] == ["form.invalid_value"]
    done = core.complete_task(task.task_id, "clara", {"pages": "12", "kind": "原件"})
    assert (done.status, done.data["pages"], done.data["kind"]) == ("completed", 12, "原件")


def test_a_task_for_a_department_is_for_its_members_only(core: WorkflowEngine) -> None:
    core.users.add("clara", ["clerk"], department="综合处")
    core.users.add("carl", ["clerk"], department="法规处")
    core.deploy_files(files("department_task.bpmn"))
    instance = core.start("department_task", "clara", {"assigned_to": "法规处"})
    assert [t.element_id for t in core.queries.list_tasks("clara")] == []
    (task,) = core.queries.list_tasks("carl")
    with pytest.raises(PermissionDeniedError) as refused:
        core.complete_task(task.task_id, "clara", {})
    assert refused.value.code == "task.other_department"
    with pytest.raises(PermissionDeniedError):
        core.claim(task.task_id, "clara")
    assert core.complete_task(task.task_id, "carl", {}).status == "completed"
    assert core.queries.verify_chain(instance.id).ok


def test_a_script_changes_and_deletes_data_in_place(core: WorkflowEngine) -> None:
    core.deploy_files(files("script_changes_in_place.bpmn"))
    instance = core.start("script_changes_in_place", "clara", {"rounds": 1, "scratch": "草稿"})
    assert [t.element_id for t in instance.ready_tasks] == ["check"]
    done = do(core, "clara", "check")
    assert done.status == "completed"
    assert done.data["rounds"] == 2 and "scratch" not in done.data


def test_a_user_task_in_an_embedded_subprocess_is_for_its_lane(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    core.deploy_files(files("subprocess_user_task.bpmn"))
    instance = core.start("subprocess_user_task", "clara")
    assert [(t.element_id, t.role) for t in instance.ready_tasks] == [("review", "clerk")]
    assert core.queries.list_tasks("rita") == []
    clock.advance(hours=1, minutes=1)
    assert core.tick().timers_fired == 1
    (task,) = core.queries.list_tasks("clara")
    assert task.reminded_at is not None
    assert core.queries.history(instance.id)[-1].type == "task_reminded"
    assert do(core, "clara", "review").status == "completed"
    assert core.queries.verify_chain(instance.id).ok


def test_an_event_based_gateway_takes_a_message_a_signal_or_its_timer(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    core.deploy_files(files("event_gateway.bpmn"))
    replied = core.start("event_gateway", "clara")
    assert core.send_message("reply", {"text": "同意"}).reached == (replied.id,)
    closed = core.start("event_gateway", "clara")
    assert core.send_signal("closing").reached == (closed.id,)
    timed_out = core.start("event_gateway", "clara")
    clock.advance(hours=2, minutes=1)
    assert core.tick().timers_fired == 1
    for instance, outcome in ((replied, "replied"), (closed, "closed"), (timed_out, "timed_out")):
        done = core.queries.get_instance(instance.id)
        assert (done.status, done.data["outcome"]) == ("completed", outcome)
    assert core.queries.history(timed_out.id)[-2].type == "timer_fired"


def test_a_pool_for_another_party_is_drawn_but_not_run(core: WorkflowEngine) -> None:
    deployed = core.deploy_files(files("external_pool.bpmn"))
    assert deployed.process_ids == ("external_pool",)
    with pytest.raises(NotFoundError):
        core.start("applicant", "clara")
    core.start("external_pool", "clara")
    assert do(core, "clara", "answer").status == "completed"
    only_a_black_box = (ELEMENTS / "external_pool.bpmn").read_text(encoding="utf-8")
    only_a_black_box = only_a_black_box.replace('isExecutable="true"', 'isExecutable="false"')
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({"external_pool.bpmn": only_a_black_box})
    assert "no executable process" in refused.value.problems[0].message


def test_loop_and_event_expressions_run_and_are_checked_at_deployment(
    core: WorkflowEngine,
) -> None:
    core.deploy_files(files("event_expressions.bpmn"))
    instance = core.start("event_expressions", "clara", {"case_no": "C-1"})
    assert instance.data["count"] == 3  # the loop ran until its condition was false
    assert core.send_message("go_on", {"case_no": "C-2"}).reached == ()
    assert core.send_message("go_on", {"case_no": "C-1", "ok": True}).reached == (instance.id,)
    done = core.queries.get_instance(instance.id)
    assert (done.status, done.data["go"]) == ("completed", {"case_no": "C-1", "ok": True})

    bpmn = (ELEMENTS / "event_expressions.bpmn").read_text(encoding="utf-8")
    broken = {
        "count &lt; 3</bpmn:loopCondition>": "len(locals()) &lt; 3</bpmn:loopCondition>",
        "count &gt;= 3</bpmn:condition>": "count &gt;=</bpmn:condition>",
        '{"count": count}</spiffworkflow:payloadExpression>': (
            '{"count": open("x")}</spiffworkflow:payloadExpression>'
        ),
        "count}</spiffworkflow:messagePayload>": "count</spiffworkflow:messagePayload>",
        "case_no</spiffworkflow:expression>": "import os</spiffworkflow:expression>",
        "case_no</bpmn:messagePath>": "case_no.</bpmn:messagePath>",
    }
    for old, new in broken.items():
        assert old in bpmn
        bpmn = bpmn.replace(old, new)
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files({"event_expressions.bpmn": bpmn})
    assert {p.element_id for p in refused.value.problems} == {
        "count_up",
        "check_count_condition",
        "counted",
        "tell_message",
        "wait_go_on_message",
        "case_no",
    }


def test_an_instance_that_fails_to_take_a_signal_keeps_it_from_no_other(
    core: WorkflowEngine,
) -> None:
    core.deploy_files(files("signal_then_script.bpmn"))
    ids = [core.start("signal_then_script", "clara", {"parts": n}).id for n in (2, 0, 5)]
    result = core.send_signal("office_closed")
    assert result.reached == (ids[0], ids[2])
    (failure,) = result.failures
    assert failure.startswith(f"instance {ids[1]}: ") and "share_out" in failure
    assert [core.queries.get_instance(i).data.get("share") for i in ids] == [50, None, 20]
    # The broken one was left waiting, as it was: mended, it takes the signal sent again.
    assert core.queries.history(ids[1])[-1].type == "instance_started"
    core.update_data(ids[1], {"parts": 4}, "不能按零份分摊")
    again = core.send_signal("office_closed")
    assert (again.reached, again.failures) == ((ids[1],), ())
    assert core.queries.get_instance(ids[1]).data["share"] == 25


def test_a_countersign_replays_whichever_department_signs_first(core: WorkflowEngine) -> None:
    """Parallel siblings of one task told apart in the history by their item, not their order."""
    core.deploy_files(files("countersign.bpmn"))
    for user, department in (("fa", "法规处"), ("zong", "综合处"), ("ban", "办公室")):
        core.users.add(user, ["clerk"], department=department)
    departments = ["法规处", "综合处", "办公室"]
    instance = core.start("countersign", "clara", {"departments": departments})

    def signs(user: str, opinion: str) -> None:
        (task,) = core.queries.list_tasks(user)
        core.complete_task(task.task_id, user, {"opinion": opinion})
        assert core.replayer.replay_stored(instance.id).ok, user

    signs("zong", "同意")
    (pending,) = core.queries.list_tasks("ban")
    core.claim(pending.task_id, "ban")
    assert core.replayer.replay_stored(instance.id).ok
    signs("ban", "原则同意")
    signs("fa", "无意见")
    done = core.queries.get_instance(instance.id)
    assert done.status == "completed" and sorted(done.data["opinions"]) == [
        "原则同意",
        "同意",
        "无意见",
    ]
    completed = [e for e in core.queries.history(instance.id) if e.type == "task_completed"]
    assert [e.data["iteration"] for e in completed] == [1, 2, 0]


def test_only_users_names_who_alone_may_take_a_task(core: WorkflowEngine) -> None:
    text = files("lane_less_user_task.bpmn")["lane_less_user_task.bpmn"].replace(
        '<bpmn:userTask id="fill_in" name="填写 Fill in">',
        '<bpmn:userTask id="fill_in" name="填写 Fill in"><bpmn:extensionElements>'
        "<spiffworkflow:properties>"
        '<spiffworkflow:property name="onlyUsers" value="approver" />'
        "</spiffworkflow:properties></bpmn:extensionElements>",
    )
    core.deploy_files({"lane_less_user_task.bpmn": text})
    instance = core.start("lane_less_user_task", "clara", {"approver": "rita"})
    assert core.queries.list_tasks("clara") == []
    (task,) = core.queries.list_tasks("rita")
    assert task.instance_id == instance.id
    with pytest.raises(PermissionDeniedError) as refused:
        core.complete_task(task.task_id, "clara", {})
    assert refused.value.code == "task.only_for"
    assert core.complete_task(task.task_id, "rita", {}).status == "completed"
    with pytest.raises(ScriptError) as failed:
        core.start("lane_less_user_task", "clara", {"approver": ["rita", 7]})
    assert failed.value.element_id == "fill_in"


def test_what_a_process_throws_reaches_the_instances_waiting_for_it(core: WorkflowEngine) -> None:
    core.deploy_files(files("signal_wait.bpmn"))
    core.deploy_files(files("message_wait.bpmn"))
    core.deploy_files(files("throw_events.bpmn"))
    closing = [core.start("signal_wait", "clara").id for _ in range(2)]
    other, paying = (
        core.start("message_wait", "clara", {"request_no": n}).id for n in ("R-1", "R-2")
    )
    thrower = core.start("throw_events", "clara", {"request_no": "R-2"})
    done = do(core, "clara", "announce")
    assert done.status == "completed"
    for instance_id in closing:
        moved = core.queries.get_instance(instance_id)
        assert [t.element_id for t in moved.ready_tasks] == ["after_signal"]
        assert core.queries.history(instance_id)[-1].type == "signal_received"
    assert core.queries.get_instance(other).ready_tasks == ()
    paid = core.queries.get_instance(paying)
    assert [t.element_id for t in paid.ready_tasks] == ["deliver"]
    assert paid.data["payment"] == {"request_no": "R-2", "paid": 100}
    thrown = [e for e in core.queries.history(thrower.id) if e.type.endswith("_thrown")]
    assert [(e.type, e.data["name"]) for e in thrown] == [
        ("signal_thrown", "office_closed"),
        ("message_thrown", "payment_received"),
    ]
    for instance_id in (*closing, other, paying, thrower.id):
        assert core.replayer.replay_stored(instance_id).ok, instance_id


def test_a_receiver_that_fails_fails_the_throw_and_nothing_is_kept(core: WorkflowEngine) -> None:
    core.deploy_files(files("signal_then_script.bpmn"))
    core.deploy_files(files("throw_events.bpmn"))
    broken = core.start("signal_then_script", "clara", {"parts": 0})
    core.start("throw_events", "clara", {"request_no": "R-3"})
    (task,) = [t for t in core.queries.list_tasks("clara") if t.element_id == "announce"]
    with pytest.raises(ScriptError) as failed:
        core.complete_task(task.task_id, "clara", {})
    assert failed.value.element_id == "share_out"
    assert core.queries.get_task(task.task_id).element_id == "announce"  # still to do
    assert core.queries.history(broken.id)[-1].type == "instance_started"


def test_a_thrown_message_starts_the_process_that_waits_for_it(core: WorkflowEngine) -> None:
    core.deploy_files(files("message_start.bpmn"))
    text = files("throw_events.bpmn")["throw_events.bpmn"].replace(
        "payment_received", "request_filed"
    )
    core.deploy_files({"throw_events.bpmn": text})
    before = {i.id for i in core.queries.list_instances()}
    thrower = core.start("throw_events", "clara", {"request_no": "R-4"})
    do(core, "clara", "announce")
    listed = core.queries.list_instances()
    (started,) = [i for i in listed if i.id not in before and i.id != thrower.id]
    instance = core.queries.get_instance(started.id)
    assert instance.process_id == "message_start"
    assert instance.data["request"] == {"request_no": "R-4", "paid": 100}
    assert core.replayer.replay_stored(started.id).ok


RUNAWAY = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
    targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="runaway" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait"/>
    <bpmn:userTask id="wait" name="Wait"/>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="e"/>
    <bpmn:endEvent id="e"/>
    <bpmn:boundaryEvent id="again" attachedToRef="wait" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeCycle>every</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="again" targetRef="count"/>
    <bpmn:scriptTask id="count" name="Count"><bpmn:script>n = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f4" sourceRef="count" targetRef="e2"/>
    <bpmn:endEvent id="e2"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_step_that_runs_away_is_stopped_and_the_other_timers_still_fire(
    core: WorkflowEngine, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(steps, "MAX_STEP_SECONDS", 0.5)  # 10 s in production
    core.deploy_files({"runaway.bpmn": RUNAWAY})
    core.deploy_files(files("boundary_events.bpmn"))
    runaway = core.start("runaway", "clara", {"every": "R/PT0S"})  # from the data: deploys
    timed = core.start("boundary_events", "clara")
    clock.advance(hours=1, minutes=1)
    ticked = core.tick()
    assert ticked.timers_fired == 1 and core.queries.get_instance(timed.id).data["reminded"]
    (failure,) = ticked.failures
    assert f"instance {runaway.id}" in failure and "runaway" in failure
    assert core.queries.get_instance(runaway.id).version == runaway.version  # nothing kept


HOURLY = RUNAWAY.replace('id="runaway"', 'id="hourly"').replace(">every<", '>"R3/PT1H"<')


def test_a_repeating_timer_of_no_interval_is_refused_at_deployment(core: WorkflowEngine) -> None:
    endless = RUNAWAY.replace(">every<", '>"R/PT0S"<')
    with pytest.raises(DeploymentError, match="interval of no length"):
        core.deploy_files({"endless.bpmn": endless})


def test_each_firing_of_a_repeating_timer_is_recorded_and_replays(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    core.deploy_files({"hourly.bpmn": HOURLY})
    instance = core.start("hourly", "clara")
    fired = []
    for _ in range(5):
        clock.advance(hours=1, minutes=1)
        fired.append(core.tick().timers_fired)
    assert fired == [1, 1, 1, 0, 0]  # R3: three times, then never again
    history = core.queries.history(instance.id, "clara")
    assert [e.type for e in history].count("timer_fired") == 3
    report = core.replayer.replay_stored(instance.id)
    assert report.problems == ()


def test_a_repeating_timer_far_behind_fires_once_for_what_it_missed_and_goes_on(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    every_second = RUNAWAY.replace('id="runaway"', 'id="pulse"').replace(">every<", '>"R/PT1S"<')
    core.deploy_files({"pulse.bpmn": every_second})
    instance = core.start("pulse", "clara")
    clock.advance(days=1, seconds=0.5)  # the tick workers were stopped: 86,400 fell due
    ticked = core.tick()
    assert (ticked.failures, ticked.timers_fired) == ((), 1)
    (fired,) = [e for e in core.queries.history(instance.id, "clara") if e.type == "timer_fired"]
    assert fired.data["missed"] == 86_400 - 1
    clock.advance(seconds=1)
    assert core.tick().timers_fired == 1  # on time again: one a second
    assert core.tick().timers_fired == 0
    assert core.replayer.replay_stored(instance.id).problems == ()


def test_a_bounded_repeating_timer_far_behind_fires_once_and_is_spent(
    core: WorkflowEngine, clock: ManualClock
) -> None:
    core.deploy_files({"hourly.bpmn": HOURLY})
    instance = core.start("hourly", "clara")
    clock.advance(hours=5)  # all three of R3/PT1H fell due meanwhile
    assert core.tick().timers_fired == 1
    clock.advance(hours=5)
    assert core.tick().timers_fired == 0
    history = core.queries.history(instance.id, "clara")
    assert [e.data.get("missed") for e in history if e.type == "timer_fired"] == [2]
    assert core.replayer.replay_stored(instance.id).problems == ()


def test_an_instance_begun_before_missed_cycles_were_folded_keeps_its_rules(
    core: WorkflowEngine, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    core.deploy_files({"hourly.bpmn": HOURLY})
    with monkeypatch.context() as patched:
        patched.setattr(runtime, "RULES", 6)
        old = core.start("hourly", "clara")
    clock.advance(hours=5)
    assert core.tick().timers_fired == 3  # one for each occurrence, as its history was made
    assert core.replayer.replay_stored(old.id).problems == ()


def test_an_ad_hoc_subprocess_condition_that_fails_names_the_subprocess(
    core: WorkflowEngine,
) -> None:
    core.deploy_files(files("ad_hoc_condition.bpmn"))
    with pytest.raises(ScriptError) as failed:
        core.start("ad_hoc_condition", "clara")
    assert failed.value.element_id == "gather"
    assert failed.value.params["reason"] == "NameError" and "done" in failed.value.params["detail"]


def test_data_given_without_a_form_is_bounded_as_a_whole(core: WorkflowEngine) -> None:
    # Each field was checked alone: a start, a message or a task without a form of its own
    # took millions of fields (a 40 MB body through the API: 1.6 GB and a minute of work,
    # and the case then carried them for ever).
    core.deploy_files(files("lane_less_user_task.bpmn", "message_wait.bpmn"))
    many = {f"field{n}": 0 for n in range(MAX_DATA_ITEMS)}
    before = len(core.queries.list_instances())
    refusals = []
    with pytest.raises(FormValidationError) as refused:
        core.start("lane_less_user_task", "clara", many)
    refusals.append(refused.value)
    waiting = core.start("message_wait", "clara", {"request_no": "R-1"})
    with pytest.raises(FormValidationError) as refused:
        core.send_message("payment_received", {"request_no": "R-1", **many})
    refusals.append(refused.value)
    instance = core.start("lane_less_user_task", "clara")
    (task,) = instance.ready_tasks
    with pytest.raises(FormValidationError) as refused:
        core.complete_task(task.task_id, "rita", {"text": "hello", **many})
    refusals.append(refused.value)
    for error in refusals:
        assert [p.code for p in error.errors["_schema"]] == ["form.data_too_large"]
    assert len(core.queries.list_instances()) == before + 2
    assert core.queries.get_instance(waiting.id).version == waiting.version
    assert core.queries.get_instance(instance.id).version == instance.version
    # as many as the bound takes go through
    fewer = dict(list(many.items())[: MAX_DATA_ITEMS // 2])
    assert core.complete_task(task.task_id, "rita", fewer).status == "completed"


def _loop_process(process_id: str, body: str, head: str = "") -> dict[str, str]:
    """Return a file with one process of ``body`` (from ``t``) between a start and an end event.

    ``head`` is put before the process (a signal it names).
    """
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
    targetNamespace="http://bpmn.io/schema/bpmn">
  {head}
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
    {body}
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>
"""
    return {f"{process_id}.bpmn": text}


EACH = _loop_process(
    "each",
    """<bpmn:userTask id="t" name="Each"><bpmn:multiInstanceLoopCharacteristics>
      <bpmn:loopCardinality>n</bpmn:loopCardinality>
    </bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>""",
)


def test_a_parallel_multi_instance_activity_has_at_most_so_many_instances(
    core: WorkflowEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before, a cardinality of 100,000 built tasks for 17 s and 670 MB in one step, ten
    # million took 6 GB and more than five minutes, all before any bound of the step.
    monkeypatch.setattr(loops, "MAX_INSTANCES", 5)
    core.deploy_files(EACH)
    assert len(core.start("each", "clara", {"n": 5}).ready_tasks) == 5
    with pytest.raises(ScriptError) as refused:
        core.start("each", "clara", {"n": 6})
    assert refused.value.code == "step.too_many_instances"
    assert refused.value.params == {"element": "t", "name": "Each", "max": 5}
    assert len(core.queries.list_instances("each")) == 1  # nothing of the refused one kept


ONE_SCRIPT = _loop_process(
    "one_script",
    """<bpmn:scriptTask id="t"><bpmn:script>a = 1</bpmn:script></bpmn:scriptTask>""",
)


def test_a_step_reads_the_clock_at_every_task(
    core: WorkflowEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before, only every 32nd task: a loop of parallel branches grows until each of its
    # tasks costs seconds, and 32 of them held the writer for minutes.
    monkeypatch.setattr(steps, "MAX_STEP_SECONDS", 0.0)
    core.deploy_files(ONE_SCRIPT)
    with pytest.raises(ScriptError) as stopped:
        core.start("one_script", "clara")
    assert stopped.value.code == "step.runaway" and stopped.value.params["tasks"] == 1


def test_an_instance_whose_timers_fail_waits_before_it_is_tried_again(
    core: WorkflowEngine, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before, it was the most overdue at every tick and was run first each time, up to
    # MAX_STEP_SECONDS (10 s) a tick each, ahead of every other instance's timers.
    monkeypatch.setattr(steps, "MAX_STEP_TASKS", 50)
    monkeypatch.setattr(runtime, "TIMER_RETRY", timedelta(hours=2))  # 15 minutes in production
    core.deploy_files({"runaway.bpmn": RUNAWAY})
    core.deploy_files(files("boundary_events.bpmn"))
    runaway = core.start("runaway", "clara", {"every": "R/PT0S"})
    clock.advance(seconds=1)
    first = core.tick()
    assert first.instances == 1 and "step.runaway" in first.failures[0]
    timed = core.start("boundary_events", "clara")
    clock.advance(hours=1, minutes=1)
    later = core.tick()
    assert (later.instances, later.timers_fired, later.failures) == (1, 1, ())
    assert core.queries.get_instance(timed.id).data["reminded"]
    clock.advance(hours=1)
    again = core.tick()
    assert again.instances == 1 and f"instance {runaway.id}" in again.failures[0]
    assert core.queries.get_instance(runaway.id).version == runaway.version  # nothing kept


def test_a_tick_ends_after_its_time_and_leaves_the_rest_to_the_next(
    core: WorkflowEngine, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime, "MAX_TICK_SECONDS", 0.0)
    core.deploy_files(files("boundary_events.bpmn"))
    for _ in range(3):
        core.start("boundary_events", "clara")
    clock.advance(hours=1, minutes=1)
    assert [core.tick().timers_fired for _ in range(4)] == [1, 1, 1, 0]


@pytest.mark.parametrize("kind", ["task", "scriptTask"])
def test_a_loop_without_a_wait_is_stopped_not_called_finished(
    core: WorkflowEngine, kind: str
) -> None:
    # Before, some 470 rounds grew the tree deeper than SpiffWorkflow's iterator looks: it
    # saw no task left and the instance was recorded completed, after a second and a half.
    body = "<bpmn:script>n = n + 1</bpmn:script>" if kind == "scriptTask" else ""
    loop = f"""<bpmn:{kind} id="t" name="Again">{body}</bpmn:{kind}>
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="g"/>
    <bpmn:exclusiveGateway id="g" default="f4"/>
    <bpmn:sequenceFlow id="f3" sourceRef="g" targetRef="t">
      <bpmn:conditionExpression>x == 1</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="g" targetRef="e"/>"""
    # the process's own end flows from the gateway, not from the task
    text = _loop_process("again", loop)["again.bpmn"]
    core.deploy_files(
        {
            "again.bpmn": text.replace(
                '<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>', "", 1
            )
        }
    )
    with pytest.raises(ScriptError) as stopped:
        core.start("again", "clara", {"x": 1, "n": 0})
    assert stopped.value.code == "step.runaway"
    assert core.queries.list_instances("again") == []


def _fan(count: int) -> dict[str, str]:
    """Return a process whose parallel gateway has ``count`` branches to one join."""
    flows = "\n".join(
        f'<bpmn:sequenceFlow id="b{n}" sourceRef="t" targetRef="j"/>' for n in range(count)
    )
    body = f"""<bpmn:parallelGateway id="t"/>{flows}<bpmn:parallelGateway id="j"/>
    <bpmn:sequenceFlow id="f9" sourceRef="j" targetRef="e2"/><bpmn:endEvent id="e2"/>"""
    text = _loop_process("fan", body)["fan.bpmn"]
    return {
        "fan.bpmn": text.replace('<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/>', "")
    }


def test_a_process_too_big_to_run_is_refused_at_deployment_saying_the_limit(
    core: WorkflowEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before, 5,000 branches of a parallel gateway deployed, and starting it ran for minutes
    # in one SpiffWorkflow move (1,000 took 14 s); 20,000 tasks cost 4.6 s to refuse.
    core.deploy_files(_fan(200))
    with pytest.raises(DeploymentError) as refused:
        core.deploy_files(_fan(201))
    assert "'t': 201 sequence flows leave it: at most 200 may" in str(refused.value)
    assert "'j': 201 sequence flows enter it: at most 200 may" in str(refused.value)
    monkeypatch.setattr(definitions, "MOST_FLOW_ELEMENTS", 20)  # 5,000 in production
    with pytest.raises(DeploymentError, match=r"has 27 activities, .*: at most 20 are run"):
        core.deploy_files(_fan(20))


def _signal_file(process_id: str, event: str) -> dict[str, str]:
    """Return a process that throws or waits for the signal "go" (``event``), then ends."""
    body = f'<bpmn:{event} id="t"><bpmn:signalEventDefinition signalRef="go"/></bpmn:{event}>'
    return _loop_process(process_id, body, '<bpmn:signal id="go" name="go"/>')


def test_the_instances_a_thrown_signal_reaches_count_toward_the_step_bound(
    core: WorkflowEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each receiver takes it in the thrower's transaction: 1,000 of them cost 0.5 s there,
    # and before, any number of them were reached in one step, unbounded.
    core.deploy_files(_signal_file("waits", "intermediateCatchEvent"))
    core.deploy_files(_signal_file("throws", "intermediateThrowEvent"))
    for _ in range(8):
        core.start("waits", "clara")
    monkeypatch.setattr(steps, "MAX_STEP_TASKS", 10)  # 5,000 in production
    with pytest.raises(ScriptError) as stopped:
        core.start("throws", "clara")
    assert stopped.value.code == "step.runaway" and stopped.value.params["element"] == "go"
    assert len(core.queries.list_instances("throws")) == 0
    assert [i.version for i in core.queries.list_instances("waits")] == [2] * 8  # none reached
