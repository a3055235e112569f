"""form submissions: the one-time key of the form that recorded an appeal case, a request, a draft

Revision ID: 0028
Revises: 0027
Create Date: 2026-11-30 00:00:00

A form sent twice (a double click on 登记 or 提交, or the browser resending it)
made two appeal cases, filed two requests or started two drafts.  Each form
now carries a one-time key, kept with what it recorded (a unique index lets
the second sending find the first's; rows recorded before have none, NULL,
which the index does not count), or for a draft in ``form_submissions``.
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
    op.create_table(
        "form_submissions",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("at", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("form_submissions")
    for table, index in _KEYED:
        op.drop_index(index, table_name=table)
        op.execute(f"ALTER TABLE {table} DROP COLUMN submission")
