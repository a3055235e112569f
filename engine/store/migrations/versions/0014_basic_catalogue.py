"""the basic catalogue of proactive disclosure (主动公开基本目录) and filed items

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

#: (table, index, columns) of the indexes oversight reads a period by (documents by their
#: issue are 0013's ``ix_documents_issued``)
_PERIOD_INDEXES = (
    ("documents", "ix_documents_publish_due_at", ["publish_due_at"]),
    ("documents", "ix_documents_interpretation_due_at", ["interpretation_due_at"]),
    ("disclosure_requests", "ix_disclosure_requests_due_on", ["due_on"]),
    ("review_records", "ix_review_records_reviewed_at", ["reviewed_at"]),
    ("events", "ix_events_type_at", ["type", "at"]),
)


def upgrade() -> None:
    op.create_table(
        "catalogue_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("area", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False, server_default=""),
        sa.Column("limit_kind", sa.String(length=16), nullable=False),
        sa.Column("limit_days", sa.Integer(), nullable=True),
        sa.Column("limit_month", sa.Integer(), nullable=True),
        sa.Column("limit_day", sa.Integer(), nullable=True),
        sa.Column("manners", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("formed_on", sa.String(length=10), nullable=True),
        sa.Column("rule_since", sa.String(length=10), nullable=False),
        sa.Column("next_due_on", sa.String(length=10), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_catalogue_entries_area", "catalogue_entries", ["area", "id"])
    op.create_index(
        "ix_catalogue_entries_department_due", "catalogue_entries", ["department", "next_due_on"]
    )
    op.create_table(
        "catalogue_entry_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["catalogue_entries.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_catalogue_entry_changes_entry", "catalogue_entry_changes", ["entry_id", "id"]
    )
    op.create_table(
        "catalogue_filings",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("filed_by", sa.String(length=64), nullable=False),
        sa.Column("filed_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["entry_id"], ["catalogue_entries.id"]),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_index("ix_catalogue_filings_entry", "catalogue_filings", ["entry_id"])
    # Oversight counts a period's rows by these days and times: an index reads only the period.
    for table, name, columns in _PERIOD_INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for table, name, _ in reversed(_PERIOD_INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_catalogue_filings_entry", table_name="catalogue_filings")
    op.drop_table("catalogue_filings")
    op.drop_index("ix_catalogue_entry_changes_entry", table_name="catalogue_entry_changes")
    op.drop_table("catalogue_entry_changes")
    op.drop_index("ix_catalogue_entries_department_due", table_name="catalogue_entries")
    op.drop_index("ix_catalogue_entries_area", table_name="catalogue_entries")
    op.drop_table("catalogue_entries")
