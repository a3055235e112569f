"""security: departments and participants for need-to-know reads, sign-in throttling, no
TRUNCATE of review records

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department", sa.String(length=64), nullable=True))
    op.create_table(
        "instance_participants",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"]),
        sa.PrimaryKeyConstraint("instance_id", "username"),
    )
    op.create_index(
        "ix_instance_participants_username", "instance_participants", ["username"], unique=False
    )
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sign_in_failures_key_at", "sign_in_failures", ["key", "at"], unique=False)

    # Who worked on each existing instance: its starter and whoever completed a task.
    connection = op.get_bind()
    instances = sa.table(
        "process_instances",
        sa.column("id", sa.Integer),
        sa.column("started_by", sa.String),
        sa.column("actors", sa.JSON),
    )
    participants = sa.table(
        "instance_participants",
        sa.column("instance_id", sa.Integer),
        sa.column("username", sa.String),
    )
    rows = []
    for instance_id, started_by, actors in connection.execute(
        sa.select(instances.c.id, instances.c.started_by, instances.c.actors)
    ):
        names = {started_by} if started_by else set()
        for users in (actors or {}).values():
            names.update(users)
        rows.extend({"instance_id": instance_id, "username": name} for name in sorted(names))
    if rows:
        op.bulk_insert(participants, rows)

    if connection.dialect.name == "postgresql":
        # TRUNCATE fires no row triggers: refuse it as well (the function raises).
        op.execute("""
            CREATE TRIGGER review_records_no_truncate BEFORE TRUNCATE ON review_records
            FOR EACH STATEMENT EXECUTE FUNCTION review_records_are_immutable()
        """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER review_records_no_truncate ON review_records")
    op.drop_index("ix_sign_in_failures_key_at", table_name="sign_in_failures")
    op.drop_table("sign_in_failures")
    op.drop_index("ix_instance_participants_username", table_name="instance_participants")
    op.drop_table("instance_participants")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("department")
