"""step rules: the version of the engine's step rules each instance runs by

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29 03:00:00

A rule of how a step is recorded may change (rules 2: a task created already
past its due time is marked overdue in the step that creates it).  A history
must replay by the rules it was made with, so each instance keeps the version
it started under; every instance that exists before this migration ran by
rules 1.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A column with a default, added in place: no table of 100,000 instances is rebuilt.
    op.add_column(
        "process_instances",
        sa.Column("rules", sa.Integer(), nullable=False, server_default="1"),
    )


def downgrade() -> None:
    # In place on both databases (SQLite has dropped columns since 3.35): rebuilding the
    # table would trip the foreign keys of every row that refers to an instance.
    op.execute("ALTER TABLE process_instances DROP COLUMN rules")
