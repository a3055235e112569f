"""The migrations build the schema the code's models describe, on both databases."""

from __future__ import annotations

import importlib
import pkgutil

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import engine
from engine import Database
from engine.store.models import Base

#: what the migrations make by SQL of the database's own for the full-text search, and the
#: models leave out: SQLite's FTS5 table and its shadow tables, PostgreSQL's trigram indexes
_SEARCH_ONLY = ("documents_fts", "_trgm")


def _every_model() -> None:
    """Import every module of the engine and its domain, so that each table is known."""
    for module in pkgutil.walk_packages(engine.__path__, "engine."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)


def test_the_migrated_schema_is_the_models_schema(db: Database) -> None:
    """Guard: a model changed without a migration (or the reverse) differs in production."""
    _every_model()
    with db.write_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    kept = [
        difference
        for difference in differences
        if not any(part in repr(difference) for part in _SEARCH_ONLY)
    ]
    assert kept == []
