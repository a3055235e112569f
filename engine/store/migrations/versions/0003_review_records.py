"""confidentiality review records

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 04:37:40.187603
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("item_kind", sa.String(length=24), nullable=False),
        sa.Column("item_ref", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("disclosed_text", sa.Text(), nullable=True),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("redactions", sa.JSON(), nullable=False),
        sa.Column("conclusion", sa.String(length=24), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("exemption", sa.String(length=24), nullable=False),
        sa.Column("exemption_reason", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(length=64), nullable=False),
        sa.Column("reviewed_at", sa.String(length=40), nullable=False),
        sa.Column("follows_id", sa.Integer(), nullable=True),
        sa.Column("referral_reference", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["follows_id"],
            ["review_records.id"],
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_records", schema=None) as batch_op:
        batch_op.create_index("ix_review_records_item", ["item_kind", "item_ref"], unique=False)

    # 谁审查谁负责: a review record is evidence; nobody edits or deletes it,
    # not even through SQL. A correction is a new record.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION review_records_are_immutable() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'review records cannot be changed or deleted';
            END;
            $$ LANGUAGE plpgsql
        """)
        op.execute("""
            CREATE TRIGGER review_records_immutable BEFORE UPDATE OR DELETE ON review_records
            FOR EACH ROW EXECUTE FUNCTION review_records_are_immutable()
        """)
    else:
        # INSERT OR REPLACE deletes a row without firing DELETE triggers: refuse
        # any insert that would take the place of an existing record.
        op.execute("""
            CREATE TRIGGER review_records_no_replace BEFORE INSERT ON review_records
            WHEN EXISTS (SELECT 1 FROM review_records WHERE id = NEW.id)
            BEGIN SELECT RAISE(ABORT, 'review records cannot be changed or deleted'); END
        """)
        for action in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER review_records_no_{action.lower()} BEFORE {action} ON review_records
                BEGIN SELECT RAISE(ABORT, 'review records cannot be changed or deleted'); END
            """)

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_record_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("disclosed_title", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("disclosed_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("attachments", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            "fk_documents_review_record_id", "review_records", ["review_record_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint("fk_documents_review_record_id", type_="foreignkey")
        batch_op.drop_column("attachments")
        batch_op.drop_column("disclosed_text")
        batch_op.drop_column("disclosed_title")
        batch_op.drop_column("review_record_id")

    with op.batch_alter_table("review_records", schema=None) as batch_op:
        batch_op.drop_index("ix_review_records_item")

    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER review_records_immutable ON review_records")
        op.execute("DROP FUNCTION review_records_are_immutable()")
    else:
        op.execute("DROP TRIGGER review_records_no_replace")
        op.execute("DROP TRIGGER review_records_no_update")
        op.execute("DROP TRIGGER review_records_no_delete")
    op.drop_table("review_records")
