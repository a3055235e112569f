"""A task page reads the workflow its engine keeps, and its approval sheet in one statement."""

from __future__ import annotations

from typing import Any

import pytest

from engine import Database, Engine
from engine.clock import ManualClock
from engine.state import StateSerializer
from engine.store.repository import EventRow, Repository

from .conftest import CHEAP_PASSWORDS, WORKFLOWS
from .helpers import task_of

DRAFT = {"title": "关于做好政务公开工作的通知", "body": "正文"}
SEND_BACK = {"decision": "send_back", "comment": "请补充公开属性"}


def _at_review(engine: Engine) -> tuple[int, str]:
    """Start a simple approval, submit its draft; return the instance and its review task."""
    engine.users.add("drafter", ["drafter"])
    engine.users.add("reviewer", ["dept_head"])
    engine.deploy([WORKFLOWS / "simple_approval.bpmn"])
    started = engine.start("simple_approval", "drafter")
    reviewed = engine.complete_task(started.ready_tasks[0].task_id, "drafter", DRAFT)
    return reviewed.id, reviewed.ready_tasks[0].task_id


def _counted_loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the states loaded from their stored text from now on."""
    loads: list[int] = []
    load = StateSerializer.loads

    def counted(self: StateSerializer, *args: Any, **kwargs: Any) -> Any:
        loads.append(1)
        return load(self, *args, **kwargs)

    monkeypatch.setattr(StateSerializer, "loads", counted)
    return loads


def test_a_task_page_and_its_case_are_read_from_the_workflow_the_engine_keeps(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each task page loaded the whole state from its text (a quarter of the page's time),
    # though the engine kept that very workflow, current, from the step before.
    instance_id, task_id = _at_review(engine)
    loads = _counted_loads(monkeypatch)
    form = engine.queries.task_form(task_id, "reviewer")
    case = engine.queries.get_instance(instance_id)
    assert loads == []
    assert form.data["title"] == case.data["title"] == DRAFT["title"]
    # what a page is given is its own: changing it changes nothing the engine keeps
    form.data["title"] = case.data["title"] = "改过的标题"
    assert engine.queries.task_form(task_id, "reviewer").data["title"] == DRAFT["title"]
    assert engine.queries.get_instance(instance_id).data["title"] == DRAFT["title"]


def test_a_task_page_reads_the_stored_state_once_another_process_has_moved_the_case_on(
    engine: Engine, db: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance_id, task_id = _at_review(engine)  # this engine keeps the case as it is now
    other = Engine(db, clock, password_method=CHEAP_PASSWORDS)  # another worker's
    other.complete_task(task_id, "reviewer", SEND_BACK)
    draft = task_of(other, instance_id, "draft", "drafter")
    other.complete_task(draft.task_id, "drafter", {**DRAFT, "title": "补充公开属性后的通知"})
    review = task_of(other, instance_id, "review", "reviewer")
    loads = _counted_loads(monkeypatch)
    form = engine.queries.task_form(review.task_id, "reviewer")
    assert form.data["title"] == "补充公开属性后的通知"
    assert engine.queries.get_instance(instance_id).data["title"] == "补充公开属性后的通知"
    assert len(loads) == 2  # the kept workflow is two steps behind: not used
    other.db.dispose()


def test_the_opinions_box_reads_its_lines_and_their_count_in_one_statement(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance_id, task_id = _at_review(engine)
    for _ in range(4):
        engine.complete_task(task_id, "reviewer", SEND_BACK)
        draft = task_of(engine, instance_id, "draft", "drafter")
        task_id = engine.complete_task(draft.task_id, "drafter", DRAFT).ready_tasks[0].task_id
    reads: list[tuple[int, int]] = []
    newest_events = Repository.newest_events

    def counted(
        self: Repository, *args: Any
    ) -> tuple[list[EventRow], list[tuple[str, str | None]]]:
        found = newest_events(self, *args)
        reads.append((len(found[0]), len(found[1])))
        return found

    monkeypatch.setattr(Repository, "newest_events", counted)
    form = engine.queries.task_form(task_id, "reviewer")
    # thirteen events: the first draft, and four times a return (its opinion and the
    # sending back) and a draft; six read whole, all counted as nine acts
    assert reads == [(6, 13)]
    assert form.done_count == 9 and not form.done_more
    assert [e.type for e in form.recent] == ["task_completed", "sent_back", "task_completed"] * 2
    assert form.recent[-1].data["data"]["title"] == DRAFT["title"]
