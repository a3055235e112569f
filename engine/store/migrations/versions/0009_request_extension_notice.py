"""the extension of a request's reply period, as the applicant is told of it; the scan of
the applicant's identity document, kept with his other personal data

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("disclosure_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("extension_days", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("extension_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("id_scan", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("id_scan_name", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("id_scan_type", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("disclosure_requests", schema=None) as batch_op:
        batch_op.drop_column("id_scan_type")
        batch_op.drop_column("id_scan_name")
        batch_op.drop_column("id_scan")
        batch_op.drop_column("extension_reason")
        batch_op.drop_column("extension_days")
