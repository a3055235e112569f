"""Engine behaviour beyond the Gherkin spec, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from engine import (
    ConflictError,
    Engine,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    ScriptError,
)
from engine.clock import ManualClock
from engine.delivery import broadcast_from, deliver_from
from engine.store import schema

from .conftest import TEST_BPMN, WORKFLOWS

SIMPLE = (WORKFLOWS / "simple_approval.bpmn").read_text(encoding="utf-8")
TIMED = (TEST_BPMN / "timed_handling.bpmn").read_text(encoding="utf-8")


@pytest.fixture
def people(engine: Engine) -> Engine:
    engine.users.add("alice", ["drafter"], "张三")
    engine.users.add("bob", ["dept_head"], "李四")
    engine.users.add("hana", ["handler"])
    return engine


def complete(engine: Engine, user: str, element: str, data: dict) -> None:
    task = next(t for t in engine.queries.list_tasks(user) if t.element_id == element)
    engine.complete_task(task.task_id, user, data)


def test_schema_is_at_head(engine: Engine) -> None:
    assert schema.current_revision(engine.db) == schema.head_revision()


def test_six_hundred_send_backs_lose_nothing(people: Engine) -> None:
    engine = people
    engine.deploy([WORKFLOWS / "simple_approval.bpmn"])
    instance = engine.start("simple_approval", "alice")
    for round_ in range(600):
        complete(engine, "alice", "draft", {"title": f"第{round_ + 1}稿"})
        complete(engine, "bob", "review", {"decision": "send_back", "comment": f"{round_}"})
    assert engine.queries.get_instance(instance.id).status == "running"
    assert [t.element_id for t in engine.queries.list_tasks("alice")] == ["draft"]
    complete(engine, "alice", "draft", {"title": "定稿"})
    complete(engine, "bob", "review", {"decision": "approve"})

    done = engine.queries.get_instance(instance.id)
    assert done.status == "completed"
    assert done.data["title"] == "定稿"
    history = engine.queries.history(instance.id)
    completed = [e for e in history if e.type == "task_completed"]
    assert len(completed) == 1202
    assert [e.data["data"]["title"] for e in completed[::2]][:2] == ["第1稿", "第2稿"]
    assert sum(e.type == "sent_back" for e in history) == 600
    assert history[-1].type == "instance_completed"
    assert engine.queries.verify_chain(instance.id).ok


def test_live_state_does_not_grow_with_history(people: Engine) -> None:
    engine = people
    engine.deploy([WORKFLOWS / "simple_approval.bpmn"])
    instance = engine.start("simple_approval", "alice")

    def state_size() -> int:
        with engine.db.read_engine.connect() as conn:
            return len(
                conn.execute(
                    text("SELECT state FROM process_instances WHERE id = :id"), {"id": instance.id}
                ).scalar_one()
            )

    sizes = []
    for _ in range(30):
        complete(engine, "alice", "draft", {"title": "稿"})
        complete(engine, "bob", "review", {"decision": "send_back", "comment": "请修改"})
        sizes.append(state_size())
    assert max(sizes) - min(sizes) < 64, sizes


def test_timers_fire_on_tick_by_the_engine_clock(people: Engine, clock: ManualClock) -> None:
    engine = people
    engine.deploy([TEST_BPMN / "timed_handling.bpmn"])
    instance = engine.start("timed_handling", "hana")
    assert engine.queries.list_tasks("hana") == []
    assert engine.tick().timers_fired == 0

    clock.advance(hours=23, minutes=59)
    assert engine.tick().timers_fired == 0
    clock.advance(minutes=2)
    assert engine.tick().timers_fired == 1
    assert [t.element_id for t in engine.queries.list_tasks("hana")] == ["handle"]

    clock.advance(hours=2, minutes=1)
    assert engine.tick().timers_fired == 1
    done = engine.queries.get_instance(instance.id)
    assert (done.status, done.data["overdue"]) == ("completed", True)
    history = engine.queries.history(instance.id)
    assert [e.type for e in history] == [
        "instance_started",
        "timer_fired",
        "timer_fired",
        "instance_completed",
    ]
    assert history[1].at == "2026-12-01T01:01:00.000000+00:00"
    assert history[2].data["element_id"] == "overdue"
    assert engine.tick().instances == 0


def test_a_failing_timer_script_is_reported_and_changes_nothing(
    people: Engine, clock: ManualClock
) -> None:
    engine = people
    engine.deploy_files(
        {"timed.bpmn": TIMED.replace("overdue = True", "overdue = no_such_value + 1")}
    )
    instance = engine.start("timed_handling", "hana")
    clock.advance(days=1, minutes=1)
    engine.tick()
    before = engine.queries.get_instance(instance.id)
    clock.advance(hours=3)
    result = engine.tick()
    assert result.timers_fired == 0
    assert len(result.failures) == 1 and "mark_overdue" in result.failures[0]
    assert "no_such_value" in result.failures[0]
    after = engine.queries.get_instance(instance.id)
    assert (after.version, after.status) == (before.version, "running")
    assert [t.element_id for t in engine.queries.list_tasks("hana")] == ["handle"]


def test_a_failing_condition_names_its_element_and_changes_nothing(people: Engine) -> None:
    engine = people
    engine.deploy_files(
        {"simple.bpmn": SIMPLE.replace('decision == "approve"', 'decision == "approve" and 1 / 0')}
    )
    instance = engine.start("simple_approval", "alice")
    complete(engine, "alice", "draft", {"title": "稿"})
    version = engine.queries.get_instance(instance.id).version
    events = len(engine.queries.history(instance.id))
    with pytest.raises(ScriptError, match="ZeroDivisionError") as raised:
        complete(engine, "bob", "review", {"decision": "approve"})
    assert raised.value.element_id is not None
    assert engine.queries.get_instance(instance.id).version == version
    assert len(engine.queries.history(instance.id)) == events
    assert [t.element_id for t in engine.queries.list_tasks("bob")] == ["review"]


@pytest.mark.tampers
def test_tampering_with_the_log_is_detected(people: Engine) -> None:
    engine = people
    engine.deploy([WORKFLOWS / "simple_approval.bpmn"])
    instance = engine.start("simple_approval", "alice")
    complete(engine, "alice", "draft", {"title": "原稿"})
    complete(engine, "bob", "review", {"decision": "approve"})
    assert engine.queries.verify_chain(instance.id).ok

    with engine.db.write_engine.begin() as conn:
        conn.execute(
            text("UPDATE events SET actor = 'mallory' WHERE instance_id = :id AND seq = 2"),
            {"id": instance.id},
        )
    report = engine.queries.verify_chain(instance.id)
    assert (report.ok, report.first_bad_seq) == (False, 2)
    assert "altered" in (report.problem or "")

    with engine.db.write_engine.begin() as conn:
        conn.execute(
            text("DELETE FROM events WHERE instance_id = :id AND seq = 2"), {"id": instance.id}
        )
    report = engine.queries.verify_chain(instance.id)
    assert (report.ok, report.first_bad_seq) == (False, 2)
    assert "missing" in (report.problem or "")


def test_roles_and_users_are_checked(people: Engine) -> None:
    engine = people
    engine.deploy([WORKFLOWS / "simple_approval.bpmn"])
    engine.start("simple_approval", "alice")
    draft = engine.queries.list_tasks("alice")[0]
    with pytest.raises(PermissionDeniedError, match="drafter"):
        engine.complete_task(draft.task_id, "bob", {"title": "冒名"})
    with pytest.raises(NotFoundError, match="nobody"):
        engine.complete_task(draft.task_id, "nobody", {"title": "冒名"})
    with pytest.raises(InvalidInputError, match="secretary"):
        engine.users.add("dave", ["secretary"])
    with pytest.raises(InvalidInputError, match=r"user\.bad_name"):
        engine.users.add("bad name!", ["drafter"])
    with pytest.raises(NotFoundError, match="no_such_process"):
        engine.start("no_such_process", "alice")
    assert engine.queries.list_tasks("bob") == []


def test_what_the_desks_start_and_send_no_user_starts_or_sends_bare(people: Engine) -> None:
    engine = people
    engine.users.add("rita", ["registrar", "secrecy_reviewer", "handler"])
    engine.deploy(sorted(WORKFLOWS.glob("*.bpmn")))
    for process in ("disclosure_request", "confidentiality_review", "proactive_proposal"):
        with pytest.raises(PermissionDeniedError, match=r"process\.desk_only"):
            engine.start(process, "rita")
    assert engine.queries.list_instances() == []
    draft = engine.start("document_approval", "alice")
    for send in (
        lambda: deliver_from(engine, draft.id, "draft_withdrawn", {}, "alice"),
        lambda: broadcast_from(engine, "draft_withdrawn", {}, "alice"),
    ):
        with pytest.raises(PermissionDeniedError, match=r"message\.desk_only"):
            send()


def test_a_stale_version_is_a_conflict(people: Engine) -> None:
    engine = people
    engine.deploy([WORKFLOWS / "simple_approval.bpmn"])
    engine.start("simple_approval", "alice")
    draft = engine.queries.list_tasks("alice")[0]
    with pytest.raises(ConflictError, match=r"instance\.version"):
        engine.complete_task(
            draft.task_id, "alice", {"title": "稿"}, expected_version=draft.instance_version - 1
        )
    engine.complete_task(
        draft.task_id, "alice", {"title": "稿"}, expected_version=draft.instance_version
    )
    with pytest.raises(ConflictError, match=r"task\.gone"):
        engine.complete_task(draft.task_id, "alice", {"title": "稿"})


def test_redeploying_the_same_files_gives_the_same_version(engine: Engine) -> None:
    first = engine.deploy([WORKFLOWS / "simple_approval.bpmn"])
    again = engine.deploy([WORKFLOWS / "simple_approval.bpmn"])
    assert (again.definition_id, again.created) == (first.definition_id, False)
    assert first.process_ids == ("simple_approval",)


def test_a_process_cannot_throw_a_message_only_a_desk_sends(engine: Engine) -> None:
    """Withdrawing a draft goes through its desk's checks, never a third-party throw."""
    text = (TEST_BPMN / "elements" / "throw_events.bpmn").read_text(encoding="utf-8")
    engine.deploy_files({"throw_events.bpmn": text.replace("payment_received", "draft_withdrawn")})
    engine.users.add("clara", ["clerk"], new_groups=True)
    started = engine.start("throw_events", "clara", {"request_no": "R-5"})
    (task,) = started.ready_tasks
    with pytest.raises(PermissionDeniedError) as refused:
        engine.complete_task(task.task_id, "clara", {})
    assert refused.value.code == "message.desk_only"
    assert engine.queries.get_instance(started.id).ready_tasks == started.ready_tasks
