"""appeal cases (行政复议、行政诉讼) counted in the annual report

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appeal_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("filed_on", sa.String(length=10), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=True),
        sa.Column("decided_on", sa.String(length=10), nullable=True),
        sa.Column("request_file_number", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("entered_by", sa.String(length=64), nullable=False),
        sa.Column("entered_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_appeal_cases_filed_on", "appeal_cases", ["filed_on"])


def downgrade() -> None:
    op.drop_index("ix_appeal_cases_filed_on", table_name="appeal_cases")
    op.drop_table("appeal_cases")
