"""how a ready task came back to its doer: returned at once (退文) or sent back (退回)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_items") as batch:
        batch.add_column(sa.Column("returned", sa.String(length=16), nullable=True))
    # The open tasks that came back before this column say so, from their history.
    items = sa.table("work_items", sa.column("task_id"), sa.column("returned"))
    events = sa.table(
        "events",
        sa.column("seq"),
        sa.column("type"),
        sa.column("actor"),
        sa.column("data", sa.JSON),
    )
    connection = op.get_bind()
    for (task_id,) in connection.execute(sa.select(items.c.task_id)).all():
        found = connection.execute(
            sa.select(events.c.actor)
            .where(events.c.type == "sent_back", events.c.data["task_id"].as_string() == task_id)
            .order_by(events.c.seq.desc())
            .limit(1)
        ).first()
        if found is not None:
            connection.execute(
                items.update()
                .where(items.c.task_id == task_id)
                .values(returned="sent_back" if found.actor else "automatic")
            )


def downgrade() -> None:
    with op.batch_alter_table("work_items") as batch:
        batch.drop_column("returned")
