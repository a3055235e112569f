"""form submissions: the one-time key of the form that recorded an appeal case or a request

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-30 00:00:00

A form sent twice (a double click on 登记 or 提交, or the browser resending it)
made two appeal cases, or filed two requests.  Each form now carries a
one-time key, kept with what it recorded; a unique index lets the second
sending find the first's.  Rows recorded before have none (NULL, which the
index does not count).
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

#: (table, its unique index of the key)
_KEYED = (
    ("appeal_cases", "ux_appeal_cases_submission"),
    ("disclosure_requests", "ux_disclosure_requests_submission"),
)


def upgrade() -> None:
    for table, index in _KEYED:
        op.add_column(table, sa.Column("submission", sa.String(64), nullable=True))
        op.create_index(index, table, ["submission"], unique=True)


def downgrade() -> None:
    for table, index in _KEYED:
        op.drop_index(index, table_name=table)
        op.execute(f"ALTER TABLE {table} DROP COLUMN submission")
