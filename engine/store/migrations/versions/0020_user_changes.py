"""user changes: what an admin changed about a user, and when

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29 02:30:00

Every change an admin makes on the users' page (a user created, his display
name, department or groups changed, deactivated, reactivated, a new password
set) is one row: who, whom, when, and what changed as JSON text, old and new.
A password or its hash is never written here.  A user's history is read newest
first by (username, id).
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("admin", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_user_changes_username", "user_changes", ["username", "id"])


def downgrade() -> None:
    op.drop_index("ix_user_changes_username", table_name="user_changes")
    op.drop_table("user_changes")
