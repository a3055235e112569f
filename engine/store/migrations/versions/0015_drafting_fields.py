"""the approval sheet's drafting fields and the interpretation plan, kept with the document

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: the columns an issued document gains: what the drafter filled in (发文稿纸), and who issued it
_COLUMNS = (
    ("urgency", sa.String(length=8)),
    ("main_recipients", sa.Text()),
    ("copied_to", sa.Text()),
    ("copies", sa.Integer()),
    ("drafting_unit", sa.String(length=64)),
    ("issuing_authority", sa.String(length=200)),
    ("interpretation_plan", sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        for name, type_ in _COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
