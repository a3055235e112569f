"""Persistence: SQLAlchemy models, database setup and the unit of work."""
