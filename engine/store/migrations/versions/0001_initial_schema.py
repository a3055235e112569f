"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 03:50:07.765268
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "definitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("deployed_at", sa.String(length=40), nullable=False),
        sa.Column("deployed_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("content_hash"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "deployed_processes",
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("file", sa.String(length=256), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["definitions.id"],
        ),
        sa.PrimaryKeyConstraint("definition_id", "process_id"),
    )
    with op.batch_alter_table("deployed_processes", schema=None) as batch_op:
        batch_op.create_index("ix_deployed_processes_process_id", ["process_id"], unique=False)

    op.create_table(
        "process_instances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("serializer_version", sa.String(length=16), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("actors", sa.JSON(), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=True),
        sa.Column("started_at", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.Column("completed_at", sa.String(length=40), nullable=True),
        sa.Column("next_timer_at", sa.String(length=40), nullable=True),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("last_event_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["definitions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.create_index("ix_process_instances_next_timer_at", ["next_timer_at"], unique=False)
        batch_op.create_index("ix_process_instances_status", ["status"], unique=False)

    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("user_id", "role"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instance_id", "seq", name="uq_events_instance_seq"),
    )
    op.create_table(
        "work_items",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("element_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("form", sa.String(length=64), nullable=False),
        sa.Column("excluded_users", sa.JSON(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("due_at", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
        ),
        sa.PrimaryKeyConstraint("task_id"),
    )
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.create_index("ix_work_items_instance_id", ["instance_id"], unique=False)
        batch_op.create_index("ix_work_items_role", ["role"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_index("ix_work_items_role")
        batch_op.drop_index("ix_work_items_instance_id")

    op.drop_table("work_items")
    op.drop_table("events")
    op.drop_table("user_roles")
    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.drop_index("ix_process_instances_status")
        batch_op.drop_index("ix_process_instances_next_timer_at")

    op.drop_table("process_instances")
    with op.batch_alter_table("deployed_processes", schema=None) as batch_op:
        batch_op.drop_index("ix_deployed_processes_process_id")

    op.drop_table("deployed_processes")
    op.drop_table("users")
    op.drop_table("definitions")
