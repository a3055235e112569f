"""sign out: signing out ends the user's sessions on the server's side too

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29 12:00:00

A session is a signed cookie, not a row: signing out cleared it in the browser,
but a copy of it (taken from a shared computer, say) stayed good until the
sign-in expired.  Each user now counts his sign-outs; a session keeps the
count it began with and ends when the count moves on.  Nobody has signed out
before this migration.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("signed_out", sa.Integer(), nullable=False, server_default="0")
    )


def downgrade() -> None:
    op.execute("ALTER TABLE users DROP COLUMN signed_out")
