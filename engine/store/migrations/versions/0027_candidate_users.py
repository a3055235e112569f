"""candidate users: a user task open to listed users besides its groups' members

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-29 20:40:00

A Camunda user task with both ``candidateUsers`` and ``candidateGroups`` may be
taken by a listed user or by a member of a listed group.  The work item keeps
those users in ``users`` (NULL for a task that names none, as every work item
before this migration), and each as a row of ``work_item_users`` of kind
``user``, which an inbox reads by its index on (user, kind, task).
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column, added in place: no table of 100,000 work items is rebuilt.
    op.add_column("work_items", sa.Column("users", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM work_item_users WHERE kind = 'user'")
    # In place on both databases (SQLite has dropped columns since 3.35).
    op.execute("ALTER TABLE work_items DROP COLUMN users")
