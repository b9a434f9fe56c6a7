"""The database layer: the only place that knows SQLite from PostgreSQL.

Names are loaded on first use (PEP 562), so that ``app.db.lock`` and ``app.db.location`` can be
imported without SQLAlchemy: the window locks the file before it loads the data layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.db.database import Database, open_database, resolve_url, restore, set_aside

__all__ = ["Database", "open_database", "resolve_url", "restore", "set_aside"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from app.db import database

        return getattr(database, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
