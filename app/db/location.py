"""Which SQLite file a ``--db`` argument names, without importing SQLAlchemy.

The window takes the writer lock before it loads the data layer (~0.6 s of imports), so a
second copy is refused at once. ``sqlite_path(resolve_url(db))`` gives the same answer; this
module only spares the import. When in doubt it answers None and the caller leaves the
locking to ``open_database``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from app.paths import default_db_path

ENV_URL = "ZHILIAN_DB_URL"

# "sqlite:///relative.db", "sqlite:////absolute.db", "sqlite+pysqlite:///…"; a query string
# (options for the driver) is not part of the file name.
_SQLITE_URL = re.compile(r"^sqlite(\+\w+)?:///(?P<database>[^?]*)(\?.*)?$")
_NO_FILE = ("", ":memory:")


def sqlite_file_for(db: str | Path | None = None) -> Path | None:
    """The database file ``open_database(db)`` would open, or None (a server, memory, unsure)."""
    if db:
        text = str(db)
        return _file_in_url(text) if "://" in text else Path(text).expanduser().resolve()
    url = os.environ.get(ENV_URL)
    return _file_in_url(url) if url else default_db_path()


def _file_in_url(url: str) -> Path | None:
    match = _SQLITE_URL.match(url)
    if match is None or match["database"] in _NO_FILE or "%" in match["database"]:
        return None  # not SQLite, in memory, or escaped characters SQLAlchemy would decode
    return Path(match["database"])
