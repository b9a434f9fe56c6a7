"""Low-level checks on SQLite files, done before the program trusts or touches one."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from app.errors import DatabaseError

SQLITE_MAGIC = b"SQLite format 3\x00"


def is_sqlite_file(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(16) == SQLITE_MAGIC


def open_readonly(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A connection that cannot change the file in any way, not even its journal mode.

    A read-only connection to a WAL file still creates ``-wal`` and ``-shm`` beside it and,
    unable to checkpoint, leaves them there. ``immutable`` avoids that; it is only safe while
    nobody can write the file (we hold its writer lock) and no journal holds pending pages.
    """
    query = "mode=ro&immutable=1" if immutable else "mode=ro"
    return sqlite3.connect(f"{path.resolve().as_uri()}?{query}", uri=True, timeout=5)


def has_journal(path: Path) -> bool:
    """A -wal or rollback journal beside the file may hold pages the file itself lacks."""
    return any(path.with_name(path.name + s).exists() for s in ("-wal", "-journal"))


def check(path: Path, *, full: bool = False, immutable: bool = False) -> list[str]:
    """SQLite's quick_check (or integrity_check): an empty list when the file is sound."""
    try:
        rows = _check_rows(path, full, immutable)
    except sqlite3.OperationalError as exc:
        # A sound WAL file in a folder we may not write to (a read-only USB stick, a locked
        # profile) cannot be opened even read-only: SQLite wants to create its -shm. Nobody
        # can write it there either, so reading it as immutable is safe, unless a journal
        # beside it holds pages the file lacks.
        if immutable or has_journal(path) or not _cannot_open_here(exc):
            return [str(exc)]
        try:
            rows = _check_rows(path, full, True)
        except sqlite3.DatabaseError as again:
            return [str(again)]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else [r for r in rows if r != "ok"]


def _check_rows(path: Path, full: bool, immutable: bool) -> list[str]:
    pragma = "integrity_check" if full else "quick_check"
    with closing(open_readonly(path, immutable=immutable)) as conn:
        rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}")]
        if full:
            rows += [f"外键错误：{r[0]} 第 {r[1]} 行" for r in conn.execute("PRAGMA foreign_key_check")]
    return rows


def _cannot_open_here(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "unable to open" in text or "readonly" in text or "read-only" in text


def schema_revision(path: Path, *, immutable: bool = False) -> str | None:
    """The Alembic revision recorded in the file, or None for a file with no schema yet."""
    with closing(open_readonly(path, immutable=immutable)) as conn:
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
        if not has_tables:
            return None
        found = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()[0]
        if not found:
            raise DatabaseError(f"{path} 不是驻点直联工作台的数据库（缺少版本信息），程序没有改动它。")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None


def data_revision(path: Path) -> int:
    with closing(open_readonly(path)) as conn:
        row = conn.execute("SELECT revision FROM data_revision WHERE id = 1").fetchone()
    return int(row[0]) if row else 0


def raise_data_revision(path: Path, above: int) -> None:
    """Set the data revision to ``above + 1`` so it never repeats one an older backup holds."""
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE data_revision SET revision = ? WHERE id = 1", (above + 1,))
