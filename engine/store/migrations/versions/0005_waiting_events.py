"""messages and signals that instances wait for; task names in other languages; provisional
due dates

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "waiting_events",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"]),
        sa.PrimaryKeyConstraint("instance_id", "kind", "name"),
    )
    op.create_index("ix_waiting_events_kind_name", "waiting_events", ["kind", "name"])
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("labels", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("due_provisional", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_column("due_provisional")
        batch_op.drop_column("labels")
    op.drop_index("ix_waiting_events_kind_name", table_name="waiting_events")
    op.drop_table("waiting_events")
