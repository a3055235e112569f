"""Small helpers the step definitions share: the story, finding tasks, approving, China time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from alembic import command
from sqlalchemy import Connection

from engine import (
    ConflictError,
    Database,
    Engine,
    FormValidationError,
    NotReviewedError,
    PermissionDeniedError,
    ScriptError,
)
from engine.disclosure.views import DocumentView
from engine.disclosure.workdays import CHINA
from engine.store import schema
from engine.views import InstanceView, TaskView


@contextmanager
def upgraded_database(url: str) -> Iterator[Database]:
    """Yield the database at ``url`` migrated to the newest schema; close it after."""
    db = Database.connect(url)
    try:
        schema.upgrade(db)
        yield db
    finally:
        db.dispose()


def downgrade(db: Database, revision: str) -> None:
    """Take the schema of ``db`` back to ``revision`` (a migration test's first step)."""
    config = schema._config()
    with db.write_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


#: the user who reads every document in the tests (an auditor)
AUDITOR = "auditor"


def beijing(text: str) -> datetime:
    """Return the UTC moment of ``YYYY-MM-DD HH:MM`` China Standard Time."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=CHINA).astimezone(UTC)


def task_of(engine: Engine, instance_id: int, element: str, user: str) -> TaskView:
    """Return the task ``element`` of an instance from ``user``'s inbox."""
    tasks = [
        t
        for t in engine.queries.list_tasks(user)
        if t.instance_id == instance_id and t.element_id == element
    ]
    assert tasks, f"{user} has no '{element}' task of instance {instance_id}; inbox: " + str(
        [(t.instance_id, t.element_id) for t in engine.queries.list_tasks(user)]
    )
    return tasks[0]


def waiting_task(engine: Engine, instance_id: int, element: str) -> TaskView:
    """Return the waiting task ``element`` of an instance, whoever may take it."""
    tasks = [
        t for t in engine.queries.get_instance(instance_id).ready_tasks if t.element_id == element
    ]
    assert tasks, f"instance {instance_id} waits for no '{element}'"
    return tasks[0]


#: who approves a document's review steps, in order
APPROVERS = {"dept_review": "li", "office_review": "wang", "sign_off": "zhao"}


@dataclass
class Story:
    """What a scenario's steps hand each other; a feature module may add its own."""

    instance_id: int = 0
    by_title: dict[str, int] = field(default_factory=dict)
    error: Exception | None = None
    actor: str | None = None
    version_before: int | None = None
    history_before: int | None = None
    status_before: str | None = None
    outcomes: list[Any] = field(default_factory=list)


def catalogue_entry(engine: Engine, instance_id: int) -> DocumentView | None:
    """Return an instance's document as the catalogue lists it, or None before it is issued."""
    found = [d for d in engine.catalogue.list_documents(AUDITOR) if d.instance_id == instance_id]
    return found[0] if found else None


def document_of(engine: Engine, instance_id: int) -> DocumentView:
    """Return an instance's document from the catalogue, which must list it."""
    document = catalogue_entry(engine, instance_id)
    assert document is not None, f"instance {instance_id} has no document in the catalogue"
    return document


def snapshot(engine: Engine, story: Story) -> None:
    """Note the instance version, history length and catalogue status before an attempt."""
    story.version_before = engine.queries.get_instance(story.instance_id).version
    story.history_before = len(engine.queries.history(story.instance_id))
    entry = catalogue_entry(engine, story.instance_id)
    story.status_before = entry.status if entry else None


def attempt(engine: Engine, story: Story, actor: str, action: Callable[[], object]) -> None:
    """Try an action that may be refused; keep the refusal for the Then steps."""
    snapshot(engine, story)
    story.actor = actor
    story.error = None
    try:
        action()
    except (
        FormValidationError,
        PermissionDeniedError,
        ConflictError,
        ScriptError,
        NotReviewedError,
    ) as exc:
        story.error = exc


def review_data(
    engine: Engine, task: TaskView, user: str, decision: str = "approve", **changes: Any
) -> dict[str, Any]:
    """Return a review form as the reviewer sees it, with his decision and changes."""
    values = engine.queries.task_form(task.task_id, user).values
    kept = {k: v for k, v in values.items() if v is not None}
    return kept | {"decision": decision, "comment": ""} | changes


def review(
    engine: Engine,
    instance_id: int,
    element: str,
    user: str | None = None,
    decision: str = "approve",
    **changes: Any,
) -> InstanceView:
    """Complete a review step (by its usual reviewer unless ``user`` is given)."""
    user = user or APPROVERS[element]
    task = task_of(engine, instance_id, element, user)
    data = review_data(engine, task, user, decision, **changes)
    return engine.complete_task(task.task_id, user, data)


def approve_until(engine: Engine, instance_id: int, stop: str | None = None) -> None:
    """Approve the review steps in order until the step ``stop`` (or all of them)."""
    for element in APPROVERS:
        if element == stop:
            return
        review(engine, instance_id, element)


def while_another_writes(
    engine: Engine,
    statement: str | Callable[[Connection], object],
    params: dict[str, Any],
    action: Callable[[], object],
) -> None:
    """Run ``action`` in a thread while another transaction, not yet committed, runs ``statement``.

    ``statement``: SQL, or a function writing on the other transaction's connection.

    The other transaction commits once ``action`` waits on it (or half a second has passed);
    whatever ``action`` raised is raised here.  Two users clicking the same button at once.
    """
    import threading
    import time

    import sqlalchemy

    raised: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as exc:  # handed to the test's thread
            raised.append(exc)

    with engine.db.write_engine.connect() as other:
        with other.begin():
            if isinstance(statement, str):
                other.execute(sqlalchemy.text(statement), params)
            else:
                statement(other)
            thread = threading.Thread(target=run)
            thread.start()
            deadline = time.monotonic() + 0.5
            waiting = "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            while time.monotonic() < deadline and thread.is_alive():
                if not engine.db.is_sqlite and other.execute(sqlalchemy.text(waiting)).first():
                    break
                time.sleep(0.02)
        thread.join(30)
    assert not thread.is_alive()
    if raised:
        raise raised[0]
