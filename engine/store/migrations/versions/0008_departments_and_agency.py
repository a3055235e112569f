"""departments (处室) as a list; the agency profile (机关信息) reply letters state

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    departments = op.create_table(
        "departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.String(length=40), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    # The departments users already work in start the list, as if each had been named anew.
    users = sa.table(
        "users", sa.column("department", sa.String()), sa.column("created_at", sa.String())
    )
    op.get_bind().execute(
        sa.insert(departments).from_select(
            ["name", "created_at"],
            sa.select(users.c.department, sa.func.min(users.c.created_at))
            .where(users.c.department.is_not(None), users.c.department != "")
            .group_by(users.c.department),
        )
    )
    op.create_table(
        "agency_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("postcode", sa.String(length=6), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("reconsideration_body", sa.String(length=200), nullable=False),
        sa.Column("court", sa.String(length=200), nullable=False),
        sa.Column("reconsideration_days", sa.Integer(), nullable=False),
        sa.Column("litigation_months", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("agency_profile")
    op.drop_table("departments")
