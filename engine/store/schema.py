"""Create and upgrade the database schema with Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from .database import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema of ``db`` up to ``revision`` (default: the newest)."""
    with db.write_engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(db: Database) -> str | None:
    """Return the schema revision ``db`` is at, or None for an empty database."""
    with db.read_engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """Return the newest revision the migrations define."""
    return ScriptDirectory.from_config(_config()).get_current_head()
