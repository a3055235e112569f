"""documents, attachments, calendar, task deadlines

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 04:06:27.675535
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=64), nullable=False),
        sa.Column("loaded_by", sa.String(length=64), nullable=True),
        sa.Column("loaded_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "number_sequences",
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year"),
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("doc_type", sa.String(length=16), nullable=False),
        sa.Column("attribute", sa.String(length=16), nullable=False),
        sa.Column("official_text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("drafter", sa.String(length=64), nullable=True),
        sa.Column("issued_at", sa.String(length=40), nullable=False),
        sa.Column("publish_due_at", sa.String(length=40), nullable=True),
        sa.Column("published_at", sa.String(length=40), nullable=True),
        sa.Column("published_by", sa.String(length=64), nullable=True),
        sa.Column("publication_channel", sa.String(length=32), nullable=True),
        sa.Column("publication_url", sa.String(length=500), nullable=True),
        sa.Column("interpretation_due_at", sa.String(length=40), nullable=True),
        sa.Column("interpretation_at", sa.String(length=40), nullable=True),
        sa.Column("interpretation_title", sa.String(length=200), nullable=True),
        sa.Column("interpretation_url", sa.String(length=500), nullable=True),
        sa.Column("review_conclusion", sa.String(length=24), nullable=True),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("reviewed_at", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instance_id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("prefix", "year", "sequence", name="uq_documents_prefix_year_sequence"),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index("ix_documents_status", ["status"], unique=False)

    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=200), nullable=True))

    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("allowed_users", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("overdue", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("reminded_at", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("overdue")
        batch_op.drop_column("allowed_users")

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_status")

    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.drop_column("subject")

    op.drop_table("documents")
    op.drop_table("attachments")
    op.drop_table("number_sequences")
    op.drop_table("calendar_days")
