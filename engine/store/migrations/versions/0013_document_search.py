"""full-text search of documents (FTS5 trigram on SQLite, pg_trgm on PostgreSQL)

The catalogue and the public list are searched by words of the title and
text, in Chinese, which has no spaces between words: both databases index
every three-character piece (trigram) of the searched columns.

SQLite: ``documents_fts``, an FTS5 table with the trigram tokenizer whose
content is the ``documents`` table itself (external content), kept in step
by three triggers.  A later batch migration that recreates ``documents`` on
SQLite (Alembic does so to drop or alter a column) drops those triggers with
the old table: it must create them again (``create_sqlite_triggers``).

PostgreSQL: GIN indexes with pg_trgm's ``gin_trgm_ops``, which serve
``ILIKE '%words%'``.  The extension belongs to the database, not to one
schema: it is created once, in ``public`` where the migrating role may create
there (else in the current schema), and the indexes name its operator class
with its schema, so the search path need not include it.  The downgrade
leaves the extension, which other schemas of the database may use.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

#: the columns searched by words: the original for those who read it, the disclosed for the rest
SEARCHED = ("number", "title", "official_text", "disclosed_title", "disclosed_text")

#: (name, columns) of the B-tree indexes the lists filter and sort on
ORDERS = (
    # the public list: proactive and published, newest published first; by year; by type
    ("ix_documents_attribute_published", ("attribute", "published_at", "id")),
    ("ix_documents_attribute_year_published", ("attribute", "year", "published_at", "id")),
    ("ix_documents_attribute_type_published", ("attribute", "doc_type", "published_at", "id")),
    # the catalogue: newest issued first; by year, attribute, type
    ("ix_documents_issued", ("issued_at", "id")),
    ("ix_documents_year_issued", ("year", "issued_at", "id")),
    ("ix_documents_attribute_issued", ("attribute", "issued_at", "id")),
    ("ix_documents_type_issued", ("doc_type", "issued_at", "id")),
    # by department (the drafter's), and a policy's interpretation found from its address
    ("ix_documents_drafter", ("drafter",)),
    ("ix_documents_interpretation_url", ("interpretation_url",)),
)

#: a key for the advisory lock that keeps two migrations from creating pg_trgm at once
_TRGM_LOCK = 7_013_001


def upgrade() -> None:
    for name, columns in ORDERS:
        op.create_index(name, "documents", list(columns))
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in SEARCHED:
            op.execute(f"DROP INDEX IF EXISTS ix_documents_{column}_trgm")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS documents_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS documents_fts")
    for name, _ in reversed(ORDERS):
        op.drop_index(name, "documents")


def _upgrade_postgresql() -> None:
    bind = op.get_bind()
    # Tests and several workers may migrate schemas of one database at the same
    # time; the extension is the database's, so they take turns creating it.
    bind.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _TRGM_LOCK})
    schema = bind.execute(sa.text(_EXTENSION_SCHEMA)).scalar()
    if schema is None:
        home = bind.execute(sa.text(_HOME)).scalar_one()
        op.execute(f'CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA "{home}"')
        schema = bind.execute(sa.text(_EXTENSION_SCHEMA)).scalar_one()
    for column in SEARCHED:
        op.execute(
            f"CREATE INDEX ix_documents_{column}_trgm ON documents "
            f'USING gin ({column} "{schema}".gin_trgm_ops)'
        )


_EXTENSION_SCHEMA = (
    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
    "WHERE e.extname = 'pg_trgm'"
)
# public outlives the schemas tests make and drop; a role that may not create there
# (PostgreSQL 15 keeps public to its owner) puts the extension in its own schema.
_HOME = (
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') "
    "AND has_schema_privilege('public', 'CREATE') THEN 'public' ELSE current_schema() END"
)


def _upgrade_sqlite() -> None:
    columns = ", ".join(SEARCHED)
    op.execute(
        f"CREATE VIRTUAL TABLE documents_fts USING fts5({columns}, "
        "content='documents', content_rowid='id', tokenize='trigram')"
    )
    create_sqlite_triggers()
    op.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")


def create_sqlite_triggers() -> None:
    """Create the triggers that keep ``documents_fts`` in step with ``documents``."""
    columns = ", ".join(SEARCHED)
    new = ", ".join(f"new.{c}" for c in SEARCHED)
    old = ", ".join(f"old.{c}" for c in SEARCHED)
    remove = (
        f"INSERT INTO documents_fts(documents_fts, rowid, {columns}) "
        f"VALUES ('delete', old.id, {old});"
    )
    add = f"INSERT INTO documents_fts(rowid, {columns}) VALUES (new.id, {new});"
    op.execute(f"CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN {add} END")
    op.execute(f"CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN {remove} END")
    op.execute(
        f"CREATE TRIGGER documents_fts_update AFTER UPDATE OF id, {columns} ON documents "
        f"BEGIN {remove} {add} END"
    )
