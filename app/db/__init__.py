"""The database layer: the only place that knows SQLite from PostgreSQL."""

from app.db.database import Database, open_database, resolve_url, restore, set_aside

__all__ = ["Database", "open_database", "resolve_url", "restore", "set_aside"]
