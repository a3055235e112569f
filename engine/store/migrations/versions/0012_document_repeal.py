"""repealed normative documents (废止): the day and the reason

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("repealed_on", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("repeal_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("repeal_reason")
        batch.drop_column("repealed_on")
