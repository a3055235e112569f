"""work item groups: a user task open to the members of several groups

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29 08:00:00

A user task may name several groups (``camunda:candidateGroups="management,
accounting"``); a member of any of them may take it.  The work item keeps
the first in ``role``, as before, and all of them in ``groups`` (NULL when
there is only the one).  The further groups are also rows of
``work_item_groups``, keyed in the order an inbox reads them (group, then
oldest first), which go with their task (``ON DELETE CASCADE``).  A task with
one group has no row there: its step writes nothing more.  Every work item
that exists before this migration has one group.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column, added in place: no table of 100,000 work items is rebuilt.
    op.add_column("work_items", sa.Column("groups", sa.JSON(), nullable=True))
    op.create_table(
        "work_item_groups",
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["work_items.task_id"],
            name="fk_work_item_groups_task",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("role", "created_at", "task_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_work_item_groups_task", "work_item_groups", ["task_id"])


def downgrade() -> None:
    op.drop_index("ix_work_item_groups_task", table_name="work_item_groups")
    op.drop_table("work_item_groups")
    # In place on both databases (SQLite has dropped columns since 3.35).
    op.execute("ALTER TABLE work_items DROP COLUMN groups")
