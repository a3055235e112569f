"""request notice: what the applicant is asked to do while his request waits on him

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-29 15:30:00

A request waiting for a correction or a fee stopped its clock, and the
status page said only that it waited: not what to correct or what to pay,
nor by when, though the request is closed as abandoned when that day
passes.  The notice (its kind, the registrar's words, the day it is due)
is kept on the request while it waits, for the applicant's status page.
Requests waiting before this migration show no notice; the next pause
writes one.
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("disclosure_requests", sa.Column("notice", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE disclosure_requests DROP COLUMN notice")
