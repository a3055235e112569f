"""disclosure requests (依申请公开); tasks for one department's members

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department", sa.String(length=64), nullable=True))
    op.create_table(
        "disclosure_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("tracking_number", sa.String(length=32), nullable=False),
        sa.Column("file_number", sa.String(length=64), nullable=False),
        sa.Column("query_code_hash", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("received_on", sa.String(length=10), nullable=False),
        sa.Column("received_by", sa.String(length=64), nullable=True),
        sa.Column("applicant_type", sa.String(length=16), nullable=False),
        sa.Column("organisation_kind", sa.String(length=24), nullable=True),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("id_type", sa.String(length=32), nullable=False),
        sa.Column("id_number", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("document_hint", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("preferred_form", sa.String(length=24), nullable=False),
        sa.Column("delivery", sa.String(length=24), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=True),
        sa.Column("due_on", sa.String(length=10), nullable=True),
        sa.Column("due_provisional", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("paused", sa.String(length=24), nullable=True),
        sa.Column("fee_method", sa.String(length=16), nullable=True),
        sa.Column("fee_yuan", sa.Integer(), nullable=True),
        sa.Column("reply_type", sa.String(length=48), nullable=True),
        sa.Column("reply_item", sa.String(length=100), nullable=True),
        sa.Column("reply_letter", sa.JSON(), nullable=True),
        sa.Column("replied_at", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"]),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachments.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instance_id"),
        sa.UniqueConstraint("tracking_number"),
        sa.UniqueConstraint("file_number"),
    )
    op.create_index("ix_disclosure_requests_status", "disclosure_requests", ["status"])
    op.create_index(
        "ix_disclosure_requests_applicant",
        "disclosure_requests",
        ["id_type", "id_number", "received_on"],
    )
    op.create_index("ix_disclosure_requests_reply_item", "disclosure_requests", ["reply_item"])
    op.create_table(
        "proactive_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=100), nullable=False),
        sa.Column("applicants", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item"),
    )
    op.create_table(
        "public_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_public_attempts_key_at", "public_attempts", ["key", "at"])


def downgrade() -> None:
    op.drop_index("ix_public_attempts_key_at", table_name="public_attempts")
    op.drop_table("public_attempts")
    op.drop_table("proactive_proposals")
    op.drop_index("ix_disclosure_requests_reply_item", table_name="disclosure_requests")
    op.drop_index("ix_disclosure_requests_applicant", table_name="disclosure_requests")
    op.drop_index("ix_disclosure_requests_status", table_name="disclosure_requests")
    op.drop_table("disclosure_requests")
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_column("department")
