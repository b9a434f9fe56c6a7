"""Opening a database safely: one writer, checked, backed up and upgraded before use."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.auth.actor import Actor
from app.db import backup as backups
from app.db import migrate, network, sqlite_files
from app.db.engine import (is_sqlite, make_engine, make_session_factory, new_session, session_scope,
                           sqlite_path, sqlite_url)
from app.db.errors import translate
from app.db.lock import WriterLock
from app.errors import DatabaseDamagedError, DatabaseError
from app.models import DataRevision
from app.paths import backup_dir_for, default_db_path

ENV_URL = "ZHILIAN_DB_URL"


@dataclass
class OpenReport:
    """What opening did to the file, for the status bar and the log."""

    created: bool = False
    upgraded_from: str | None = None
    backups: list[Path] = field(default_factory=list)


class Database:
    def __init__(self, url: str, engine: Engine, lock: WriterLock | None, report: OpenReport) -> None:
        self.url = url
        self.engine = engine
        self.path = sqlite_path(url)
        self.lock = lock
        self.report = report
        self._factory: sessionmaker[Session] = make_session_factory(engine)
        self.actor: Actor | None = None  # set by signing in (app.services.accounts)

    @property
    def display_name(self) -> str:
        return str(self.path) if self.path else self.engine.url.render_as_string(hide_password=True)

    def session(self) -> AbstractContextManager[Session]:
        """One transaction per user action: committed at the end, rolled back on error."""
        return session_scope(self._factory, self.actor)

    def new_session(self) -> Session:
        return new_session(self._factory, self.actor)

    def act_as(self, actor: Actor | None) -> "Database":
        """Sessions from now on act for ``actor`` (after signing in, or the program itself)."""
        self.actor = actor
        return self

    def data_revision(self) -> int:
        with self._factory() as s:
            return int(s.scalar(select(DataRevision.revision).where(DataRevision.id == 1)) or 0)

    def backup(self, reason: str = "manual",
               progress: Callable[[int, int], None] | None = None) -> Path:
        """A checked copy: SQLite's backup API for a file, pg_dump for a server database."""
        if self.path is None:
            if self.engine.dialect.name != "postgresql":
                raise DatabaseError(f"不知道如何备份这种数据库（{self.engine.dialect.name}）。")
            from app.db import pg_backup

            return pg_backup.take_backup(self.engine.url, reason)
        return backups.take_backup(self.path, reason, progress=progress)

    def list_backups(self) -> list[Path]:
        """This database's backups, newest first."""
        if self.path is None:
            from app.db import pg_backup

            return pg_backup.list_backups(self.engine.url)
        return [b.path for b in backups.list_backups(self.path)]

    def backup_if_changed(self) -> Path | None:
        """The start-up backup: only when data changed since the newest backup."""
        if self.path is None or backups.latest_revision(self.path) == self.data_revision():
            return None
        return self.backup("start")

    def close_keeping_lock(self) -> WriterLock | None:
        """Close, handing the writer lock (if any) to the caller, who must release it."""
        lock, self.lock = self.lock, None
        self.close()
        return lock

    def close(self) -> None:
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def resolve_url(db: str | Path | None = None) -> str:
    """``--db`` first, then ``ZHILIAN_DB_URL``, then the file in the user's data directory."""
    if db:
        text = str(db)
        return text if "://" in text else sqlite_url(Path(text).expanduser().resolve())
    return os.environ.get(ENV_URL) or sqlite_url(default_db_path())


def open_database(db: str | Path | None = None, *, write: bool = True,
                  lock: WriterLock | None = None) -> Database:
    """Open for use. Writers hold the file's lock for as long as the Database is open.

    ``lock``: the file's writer lock, already taken by the caller (the window takes it before
    importing SQLAlchemy). It passes to the Database, or is released if opening fails.
    """
    url = resolve_url(db)
    path = sqlite_path(url)
    if lock is not None:
        return _open_with_lock(path, url, lock)
    if path is None:
        return _open_server(url)
    _refuse_foreign(path)
    network.refuse_network_share(path)
    lock = WriterLock(path) if write else None
    if lock:
        lock.acquire()
    return _open_file(path, url, lock)


def _open_with_lock(path: Path | None, url: str, lock: WriterLock) -> Database:
    try:
        if path is None or lock.db_path != path:
            raise ValueError(f"the lock is for {lock.db_path}, not for {url}")
        _refuse_foreign(path)
        network.refuse_network_share(path)
        if not lock.held:
            lock.acquire()
    except BaseException:
        lock.release()
        raise
    return _open_file(path, url, lock)


def _open_file(path: Path, url: str, lock: WriterLock | None) -> Database:
    """Check, back up and upgrade as needed; the lock (if any) passes to the Database."""
    try:
        report = _prepare_file(path, url, lock)
        if lock:
            lock.cover_identity()  # the file may be new, or replaced by a restore
        return Database(url, make_engine(url, read_only=lock is None), lock, report)
    except BaseException:
        if lock:
            lock.release()
        raise


def _prepare_file(path: Path, url: str, lock: WriterLock | None) -> OpenReport:
    report = OpenReport()
    quiet = lock is not None and not sqlite_files.has_journal(path)
    revision = _inspect(path, quiet) if path.exists() and path.stat().st_size else None
    report.created = revision is None
    if not migrate.needs_upgrade(revision):
        return report
    if lock is None and revision is None:
        raise DatabaseError(f"找不到数据库文件 {path}（或文件是空的）。")
    if lock is None:
        raise DatabaseError(f"{path} 需要先升级才能读取：请先用本程序打开一次（会自动备份并升级）。")
    path.parent.mkdir(parents=True, exist_ok=True)
    if revision is not None:
        report.backups.append(backups.take_backup(path, "migrate"))
        report.upgraded_from = revision
    _upgrade(url)
    return report


def _refuse_foreign(path: Path) -> None:
    """A file that is not SQLite (a spreadsheet chosen by mistake) gets no lock file beside it."""
    if path.is_file() and path.stat().st_size and not sqlite_files.is_sqlite_file(path):
        raise DatabaseError(f"{path} 不是数据库文件（可能选错了文件），程序没有改动它。")


def _inspect(path: Path, quiet: bool) -> str | None:
    """Check a file without writing to it (``quiet``: not even a -wal beside it); refuse what
    we must not touch."""
    if not sqlite_files.is_sqlite_file(path):
        raise DatabaseError(f"{path} 不是数据库文件（可能选错了文件），程序没有改动它。")
    problems = sqlite_files.check(path, immutable=quiet)
    if problems:
        raise DatabaseDamagedError(f"数据库 {path} 已损坏：{problems[0]}", path=str(path))
    revision = sqlite_files.schema_revision(path, immutable=quiet)
    migrate.check_known(revision, str(path))
    return revision


def _upgrade(url: str) -> None:
    engine = make_engine(url, foreign_keys=False)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()


def _open_server(url: str) -> Database:
    engine = make_engine(url)
    try:
        return _prepare_server(url, engine)
    except BaseException as exc:
        engine.dispose()
        if isinstance(exc, DBAPIError):
            raise DatabaseError(_server_message(engine, exc)) from exc
        raise


_SERVER_PROBLEMS = (
    ("connection refused", "连不上服务器（服务器没有开启，或地址、端口不对）"),
    ("timeout", "连接服务器超时（网络不通，或服务器没有开启）"),
    ("could not translate host name", "找不到这台服务器（服务器名称写错了？）"),
    ("name or service not known", "找不到这台服务器（服务器名称写错了？）"),
    ("password authentication failed", "服务器拒绝了数据库用户名或密码"),
    ("no password supplied", "服务器要求密码，但地址中没有写密码"),
    ("does not exist", "服务器上没有这个数据库或数据库用户"),
    ("no pg_hba.conf entry", "服务器不允许这台电脑连接（pg_hba.conf）"),
)


def _server_message(engine: Engine, exc: DBAPIError) -> str:
    where = engine.url.render_as_string(hide_password=True)
    detail = str(exc.orig if exc.orig is not None else exc).strip()
    lowered = detail.lower()
    what = next((text for needle, text in _SERVER_PROBLEMS if needle in lowered), None)
    if what is None:
        known = translate(exc)
        what = known.message if known else (detail.splitlines() or [type(exc).__name__])[0]
    return (f"无法打开服务器数据库 {where}：{what}。"
            f"请检查 ZHILIAN_DB_URL 和网络，详见 {network.POSTGRES_DOC}。")


def _prepare_server(url: str, engine: Engine) -> Database:
    report = OpenReport()
    revision = migrate.current_revision(engine)
    migrate.check_known(revision, engine.url.render_as_string(hide_password=True))
    if migrate.needs_upgrade(revision):
        report.created = revision is None
        report.upgraded_from = revision
        migrate.upgrade(engine)
    return Database(url, engine, None, report)


def set_aside(path: Path, *, now: datetime | None = None) -> Path:
    """Move a damaged file (and its WAL) out of the way, keeping it for inspection."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.损坏-{stamp}")
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.replace(target.with_name(target.name + suffix))
    path.replace(target)
    return target


def restore(db: str | Path, backup: Path, lock: WriterLock | None = None) -> Database:
    """Replace the database with a backup and open it; the current file is backed up first.

    The writer lock is held from the first check until the returned Database is closed, so
    no other copy can slip in between the copy and the opening. ``lock``: the file's lock,
    already held by the caller (see ``Database.close_keeping_lock``); it passes on.
    """
    path = Path(db).expanduser().resolve()
    backup = backup.expanduser().resolve()
    try:
        network.refuse_network_share(path)
        if lock is None:
            lock = WriterLock(path)
        elif lock.db_path != path:
            raise ValueError(f"the lock is for {lock.db_path}, not for {path}")
        if not lock.held:
            lock.acquire()
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    try:
        _replace_with(path, backup)
    except BaseException:
        lock.release()
        raise
    return _open_file(path, sqlite_url(path), lock)


def _replace_with(path: Path, backup: Path) -> None:
    if backup == path:
        raise DatabaseError("不能用数据库文件自身来恢复，请选择备份文件夹中的备份。")
    backups.verify(backup)
    migrate.check_known(sqlite_files.schema_revision(backup), str(backup))
    revision = sqlite_files.data_revision(backup)
    if path.exists() and path.stat().st_size:
        if sqlite_files.is_sqlite_file(path) and not sqlite_files.check(path):
            revision = max(revision, sqlite_files.data_revision(path))
            # Not rotated yet: the rotation could delete the very backup about to be read.
            backups.take_backup(path, "restore", keep_rotation=False)
        else:
            set_aside(path)
    backups.copy_into(backup, path)
    sqlite_files.raise_data_revision(path, revision)
    backups.rotate(backup_dir_for(path))


def counts(session: Session) -> dict[str, int]:
    """Row counts for the status bar."""
    from app.models import Community, Household, Person, Team

    return {name: session.scalar(select(func.count()).select_from(model)) or 0
            for name, model in (("社区", Community), ("团队", Team), ("人员", Person),
                                ("住户", Household))}


