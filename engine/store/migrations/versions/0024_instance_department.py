"""instance department: a case belongs to the department its starter was in then

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-29 15:00:00

A department head reads what his department starts.  That was the starter's
department now: when a drafter moved, his new head read all his old cases
and the old head lost them.  Each instance now keeps the department its
starter was in when he started it.  Instances started before are given their
starter's department as it is at this migration, the best record there is.
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("process_instances", sa.Column("department", sa.String(64), nullable=True))
    op.execute(
        "UPDATE process_instances SET department = "
        "(SELECT users.department FROM users WHERE users.username = process_instances.started_by)"
    )
    op.create_index("ix_process_instances_department", "process_instances", ["department"])


def downgrade() -> None:
    op.drop_index("ix_process_instances_department", table_name="process_instances")
    op.execute("ALTER TABLE process_instances DROP COLUMN department")
