"""appeal submission: the one-time key of the form that recorded an appeal case

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-30 00:00:00

A form sent twice (a double click on 登记, or the browser resending it) made
two cases.  Each form now carries a one-time key, kept with the case it
recorded; a unique index lets the second sending find the first's case.
Cases recorded before have none (NULL, which the index does not count).
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("appeal_cases", sa.Column("submission", sa.String(64), nullable=True))
    op.create_index("ux_appeal_cases_submission", "appeal_cases", ["submission"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_appeal_cases_submission", table_name="appeal_cases")
    op.execute("ALTER TABLE appeal_cases DROP COLUMN submission")
