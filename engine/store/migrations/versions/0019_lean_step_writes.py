"""fewer B-trees written per step: tables keyed by their primary key, partial indexes

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-28 23:40:00

Each B-tree a step changes is one more page in SQLite's log at commit.  On
SQLite the work items, the users they name and the participants are stored
in their primary key's order (``WITHOUT ROWID``): one B-tree each instead of
a table and its key's index.  The claimed-by and due-time indexes hold only
the tasks claimed or due (the others are never looked up by them), and the
users a task names go with it when it is deleted (``ON DELETE CASCADE``)
instead of by a second statement.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_FK = "fk_work_item_users_task"
#: (table, its B-trees' indexes besides the primary key)
_REKEYED = ("work_items", "work_item_users", "instance_participants")


def _partial_indexes(partial: bool) -> None:
    op.drop_index("ix_work_items_claimed", table_name="work_items")
    op.drop_index("ix_work_items_due", table_name="work_items")
    claimed = sa.text("claimed_by IS NOT NULL") if partial else None
    due = sa.text("due_at IS NOT NULL") if partial else None
    op.create_index(
        "ix_work_items_claimed",
        "work_items",
        ["claimed_by", "created_at", "task_id"],
        sqlite_where=claimed,
        postgresql_where=claimed,
    )
    op.create_index(
        "ix_work_items_due", "work_items", ["due_at"], sqlite_where=due, postgresql_where=due
    )


def _rekey(with_rowid: bool) -> None:
    for table in _REKEYED:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}
        ) as batch:
            if table == "work_item_users" and not with_rowid:
                batch.create_foreign_key(
                    _FK, "work_items", ["task_id"], ["task_id"], ondelete="CASCADE"
                )


def upgrade() -> None:
    # A task's named users left behind by a deleted task would stop the foreign key.
    op.execute("DELETE FROM work_item_users WHERE task_id NOT IN (SELECT task_id FROM work_items)")
    if op.get_bind().dialect.name == "sqlite":
        _rekey(with_rowid=False)
    else:
        op.create_foreign_key(
            _FK, "work_item_users", "work_items", ["task_id"], ["task_id"], ondelete="CASCADE"
        )
    _partial_indexes(partial=True)


def downgrade() -> None:
    _partial_indexes(partial=False)
    if op.get_bind().dialect.name == "sqlite":
        for table in reversed(_REKEYED):
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_with_rowid": True}
            ) as batch:
                if table == "work_item_users":
                    batch.drop_constraint(_FK, type_="foreignkey")
    else:
        op.drop_constraint(_FK, "work_item_users", type_="foreignkey")
