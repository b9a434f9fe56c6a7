"""Where a test's database lives: a SQLite file, or (``ZHILIAN_TEST_DB_URL`` set) a PostgreSQL
database made for it from a template migrated once per run.

Tests name their databases by file path either way; in PostgreSQL mode each path maps to its
own database, so reopening ``db_path`` reopens the same data, as it does with a file.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.auth import Actor
from app.db import Database, open_database

TEST_URL = os.environ.get("ZHILIAN_TEST_DB_URL") or None
# One template per pytest-xdist worker: CREATE DATABASE … TEMPLATE needs the template to itself.
TEMPLATE = f"zhilian_test_template_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def postgres_mode() -> bool:
    return TEST_URL is not None


class _Server:
    """The server's databases made during this run, so they can be dropped again."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        # AUTOCOMMIT: CREATE/DROP DATABASE cannot run inside a transaction.
        self.admin: Engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []
        self.template_ready = False

    def url_for(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql))

    def _exists(self, name: str) -> bool:
        with self.admin.connect() as conn:
            return conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) == 1

    def _prepare_template(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{TEMPLATE}"')
        open_database(self.url_for(TEMPLATE)).close()  # migrates; close() disposes the engine
        self.template_ready = True

    def database_for(self, path: Path) -> str:
        """The URL of the database standing for ``path``, made from the template on first use."""
        name = "zt_" + hashlib.sha1(str(path).encode()).hexdigest()[:20]
        if name not in self.created or not self._exists(name):
            if not self.template_ready:
                self._prepare_template()
            self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
            self.created.append(name)
        return self.url_for(name)

    def drop_since(self, count: int) -> None:
        """Drop the databases made after the first ``count`` (a test's own)."""
        for name in self.created[count:]:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        del self.created[count:]

    def drop_all(self) -> None:
        self.drop_since(0)
        if self.template_ready:
            self._execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
        self.admin.dispose()


SERVER = _Server(TEST_URL) if TEST_URL else None


def db_target(path: Path) -> str:
    """What to pass as ``--db`` (or to open_database) for the database at ``path``."""
    return SERVER.database_for(path) if SERVER else str(path)


def open_test_database(path: Path, actor: Actor | None = None) -> Database:
    """open_database for a test: the file at ``path``, or the server database standing for it.

    Sessions act as ``actor``, by default the program itself (every permission); tests of
    permissions pass the actor of a real account.
    """
    return open_database(db_target(path)).act_as(actor or Actor.program())


def copy_of(path: Path, to: Path) -> Path:
    """A consistent copy of a SQLite file (the backup API, so WAL content is included)."""
    src, dst = sqlite3.connect(path), sqlite3.connect(to)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return to
