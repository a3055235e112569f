"""indexes and a table that keep inboxes, task lists and tick flat at any scale

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_instances") as batch:
        batch.drop_index("ix_process_instances_status")
        batch.drop_index("ix_process_instances_next_timer_at")
        batch.create_index("ix_process_instances_status_timer", ["status", "next_timer_at"])
    with op.batch_alter_table("work_items") as batch:
        batch.add_column(
            sa.Column("named", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.drop_index("ix_work_items_role")
        batch.create_index(
            "ix_work_items_inbox", ["role", "named", "department", "created_at", "task_id"]
        )
        batch.create_index("ix_work_items_created", ["created_at", "task_id"])
        batch.create_index("ix_work_items_claimed", ["claimed_by", "created_at", "task_id"])
        batch.create_index("ix_work_items_due", ["due_at"])
    op.create_table(
        "work_item_users",
        sa.Column("task_id", sa.String(length=36), primary_key=True),
        sa.Column("kind", sa.String(length=8), primary_key=True),
        sa.Column("username", sa.String(length=64), primary_key=True),
    )
    op.create_index("ix_work_item_users_user", "work_item_users", ["username", "kind", "task_id"])
    # The open tasks name their users in the new table, read from their JSON lists.
    items = sa.table(
        "work_items",
        sa.column("task_id"),
        sa.column("named", sa.Boolean),
        sa.column("excluded_users", sa.JSON),
        sa.column("allowed_users", sa.JSON),
    )
    users = sa.table(
        "work_item_users", sa.column("task_id"), sa.column("kind"), sa.column("username")
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(items.c.task_id, items.c.excluded_users, items.c.allowed_users)
    ).all()
    named = []
    for task_id, excluded, allowed in rows:
        values = [{"task_id": task_id, "kind": "excluded", "username": u} for u in excluded or []]
        if allowed is not None:
            named.append({"b_task_id": task_id})
            values += [{"task_id": task_id, "kind": "allowed", "username": u} for u in allowed]
        if values:
            connection.execute(sa.insert(users), values)
    if named:
        connection.execute(
            sa.update(items).where(items.c.task_id == sa.bindparam("b_task_id")).values(named=True),
            named,
        )


def downgrade() -> None:
    op.drop_index("ix_work_item_users_user", table_name="work_item_users")
    op.drop_table("work_item_users")
    with op.batch_alter_table("work_items") as batch:
        batch.drop_index("ix_work_items_due")
        batch.drop_index("ix_work_items_claimed")
        batch.drop_index("ix_work_items_created")
        batch.drop_index("ix_work_items_inbox")
        batch.create_index("ix_work_items_role", ["role"])
        batch.drop_column("named")
    with op.batch_alter_table("process_instances") as batch:
        batch.drop_index("ix_process_instances_status_timer")
        batch.create_index("ix_process_instances_next_timer_at", ["next_timer_at"])
        batch.create_index("ix_process_instances_status", ["status"])
