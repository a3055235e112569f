"""Migration 0019: fewer B-trees a step writes, the same rows and the same answers."""

from __future__ import annotations

import sqlalchemy

from engine import Database, WorkflowEngine
from engine.clock import ManualClock
from engine.store import schema
from engine.store.repository import WorkItemRow

from .helpers import downgrade
from .test_general_engine import files

NAMED = ("work_items", "work_item_users", "instance_participants")


def _named_users(db: Database) -> list[tuple[str, str, str]]:
    with db.transaction(write=False) as connection:
        rows = connection.exec_driver_sql(
            "SELECT task_id, kind, username FROM work_item_users ORDER BY 1, 2, 3"
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_migration_0019_keeps_every_row_and_lets_named_users_go_with_their_task(
    database_url: str, clock: ManualClock
) -> None:
    db = Database.connect(database_url)
    try:
        schema.upgrade(db)
        core = WorkflowEngine(db, clock)
        core.users.add("clara", ["clerk"])
        core.users.add("rita", ["reviewer"])
        core.deploy_files(files("lane_less_user_task.bpmn"))
        instance = core.start("lane_less_user_task", "clara")
        named = WorkItemRow(
            task_id="00000000-0000-4000-8000-000000000001",
            instance_id=instance.id,
            element_id="fill_in",
            name="named",
            role="*",
            form="",
            excluded_users=["clara"],
            claimed_by=None,
            created_at="2026-11-30T09:00:00+08:00",
            due_at=None,
            allowed_users=["rita"],
        )
        with core.store.write() as repo:
            repo.insert_work_items([named])
        before = _named_users(db)
        assert before == [(named.task_id, "allowed", "rita"), (named.task_id, "excluded", "clara")]

        downgrade(db, "0018")
        with db.transaction(write=True) as connection:  # what a deleted task left behind
            connection.exec_driver_sql(
                "INSERT INTO work_item_users (task_id, kind, username) "
                "VALUES ('00000000-0000-4000-8000-00000000dead', 'allowed', 'rita')"
            )
        schema.upgrade(db)

        assert _named_users(db) == before  # the left-behind row is gone, the others kept
        assert [t.task_id for t in core.queries.list_tasks("rita")] == [
            instance.ready_tasks[0].task_id,
            named.task_id,
        ]
        assert [t.task_id for t in core.queries.list_tasks("clara")] == [
            instance.ready_tasks[0].task_id
        ]
        inspected = sqlalchemy.inspect(db.read_engine)
        claimed = {i["name"]: i for i in inspected.get_indexes("work_items")}[
            "ix_work_items_claimed"
        ]
        where = claimed["dialect_options"].get(f"{db.read_engine.dialect.name}_where")
        assert where is not None and "claimed_by" in str(where)
        if db.is_sqlite:
            with db.transaction(write=False) as connection:
                for table in NAMED:
                    sql = connection.exec_driver_sql(
                        "SELECT sql FROM sqlite_master WHERE name = ?", (table,)
                    ).scalar_one()
                    assert sql.rstrip().endswith("WITHOUT ROWID"), table

        with core.store.write() as repo:
            repo.delete_work_items([named.task_id])
        assert _named_users(db) == []  # they went with their task

        downgrade(db, "0018")
        schema.upgrade(db)
        assert schema.current_revision(db) == schema.head_revision()
        done = core.complete_task(instance.ready_tasks[0].task_id, "rita", {"comment": "好"})
        assert done.status == "completed"
        assert core.queries.verify_chain(instance.id).ok
    finally:
        db.dispose()
