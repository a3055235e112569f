"""due order: the admin's list of every task read along an index, most urgent first

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-29 18:30:00

The admin's task list puts tasks with a due time first, the nearest first,
then those without one, oldest first among equals.  The index of due times
(``ix_work_items_due``, of the tasks that have one) now holds the creation
time and the task id after the due time, so that a page of the list is read
along it from where the page before ended, instead of sorting every task.
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def _due_index(columns: list[str]) -> None:
    op.drop_index("ix_work_items_due", table_name="work_items")
    due = sa.text("due_at IS NOT NULL")
    op.create_index(
        "ix_work_items_due", "work_items", columns, sqlite_where=due, postgresql_where=due
    )


def upgrade() -> None:
    _due_index(["due_at", "created_at", "task_id"])


def downgrade() -> None:
    _due_index(["due_at"])
