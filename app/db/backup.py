"""Backups through SQLite's online backup API, verified, and kept by a fixed rotation.

Rotation (also in docs/USER_GUIDE.md): the newest 10 backups, plus the newest of each of the
last 14 days, plus the newest of each of the last 12 months. Everything else is deleted.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from app.db import sqlite_files
from app.errors import DatabaseError
from app.paths import backup_dir_for

REASONS = {
    "start": "启动时", "migrate": "升级前", "import": "导入前", "restore": "恢复前",
    "manual": "手动", "damaged": "损坏前",
}
KEEP_NEWEST = 10
KEEP_DAILY_DAYS = 14
KEEP_MONTHLY = 12
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6}(?:-\d+)?)-(?P<reason>[a-z]+)\.db$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    reason: str

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def take_backup(db_path: Path, reason: str, *, now: datetime | None = None,
                progress: Callable[[int, int], None] | None = None, keep_rotation: bool = True
                ) -> Path:
    """Copy the live database with the backup API, verify the copy, rotate; return its path.

    ``keep_rotation=False`` skips the rotation, for a caller still about to read an older
    backup that the rotation might delete (restore); it calls ``rotate`` itself afterwards.
    """
    folder = backup_dir_for(db_path)
    partial: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = _free_name(folder, db_path.stem, reason, now or datetime.now())
        partial = target.with_suffix(".partial")
        _copy(db_path, partial, progress)
        problems = sqlite_files.check(partial, full=True)
        if problems:
            raise DatabaseError(f"备份校验未通过（{problems[0]}），已放弃这份备份。原数据库没有改动。")
        partial.replace(target)
    except (OSError, sqlite3.Error) as exc:
        told = failure_message(exc, folder)
        if told is None:
            raise
        raise DatabaseError(told) from exc
    finally:
        if partial is not None:
            remove_with_journals(partial)
    if keep_rotation:
        rotate(folder, now=now)
    return target


def failure_message(exc: BaseException, folder: Path) -> str | None:
    """A full or read-only backup folder, told in Chinese; None for any other failure."""
    from app.db.errors import is_disk_full, is_read_only

    if is_disk_full(exc):
        return (f"磁盘空间不足，备份没有完成（未完成的备份文件已删除）。原数据库没有改动。"
                f"请清理备份文件夹 {folder} 所在的磁盘后再试。")
    if is_read_only(exc):
        return (f"备份文件夹 {folder} 不能写入（只读的 U 盘，或没有写入权限），备份没有完成。"
                "原数据库没有改动。请把数据库放在可以写入的本机文件夹中。")
    return None


def remove_with_journals(path: Path) -> None:
    """A file SQLite wrote, with whatever journal a failed write left beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        except OSError:
            pass


def _copy(source: Path, target: Path, progress: Callable[[int, int], None] | None) -> None:
    def step(_status: int, remaining: int, total: int) -> None:
        if progress:
            progress(total - remaining, total)

    with closing(sqlite_files.open_readonly(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst, pages=256, progress=step)
        # A backup is one self-contained file: no WAL beside it.
        dst.execute("PRAGMA journal_mode=DELETE")


def _free_name(folder: Path, stem: str, reason: str, when: datetime) -> Path:
    stamp = when.strftime("%Y%m%d-%H%M%S")
    candidate = folder / f"{stem}-{stamp}-{reason}.db"
    n = 1
    while candidate.exists():
        candidate = folder / f"{stem}-{stamp}-{n}-{reason}.db"
        n += 1
    return candidate


def list_backups(db_path: Path) -> list[BackupInfo]:
    """Backups of this database, newest first."""
    return _scan(backup_dir_for(db_path))


def _scan(folder: Path) -> list[BackupInfo]:
    found: list[tuple[datetime, int, BackupInfo]] = []
    if folder.is_dir():
        for path in folder.glob("*.db"):
            match = _NAME.match(path.name)
            if match:
                taken_at = datetime.strptime(match["stamp"][:15], "%Y%m%d-%H%M%S")
                # Within one second, "-1-", "-2-"... were taken after the unnumbered one.
                seq = int(match["stamp"][16:] or 0)
                found.append((taken_at, seq, BackupInfo(path, taken_at, match["reason"])))
    return [info for *_, info in sorted(found, key=lambda f: f[:2], reverse=True)]


def rotate(folder: Path, *, now: datetime | None = None) -> list[Path]:
    """Delete the backups the rotation does not keep; return what was deleted."""
    backups = _scan(folder)
    keep = {b.path for b in backups[:KEEP_NEWEST]}
    today = (now or datetime.now()).date()
    first_day = today - timedelta(days=KEEP_DAILY_DAYS - 1)
    first_month = _months_back(today.year, today.month, KEEP_MONTHLY - 1)
    seen_days: set[date] = set()
    seen_months: set[tuple[int, int]] = set()
    for b in backups:  # newest first, so the first of each day or month is its newest
        day, month = b.taken_at.date(), (b.taken_at.year, b.taken_at.month)
        if first_day <= day and day not in seen_days:
            keep.add(b.path)
        if first_month <= month and month not in seen_months:
            keep.add(b.path)
        seen_days.add(day)
        seen_months.add(month)
    removed = [b.path for b in backups if b.path not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _months_back(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) - count
    return index // 12, index % 12 + 1


def latest_revision(db_path: Path) -> int | None:
    """The data revision the newest readable backup holds, or None when there is none."""
    for info in list_backups(db_path):
        try:
            return sqlite_files.data_revision(info.path)
        except sqlite3.DatabaseError:
            continue
    return None


def latest_good_backup(db_path: Path) -> BackupInfo | None:
    """The newest backup that passes ``verify``: what to restore after damage."""
    for info in list_backups(db_path):
        try:
            verify(info.path)
        except DatabaseError:
            continue
        return info
    return None


def verify(backup: Path) -> None:
    """Refuse a file that is not a sound backup of ours before anything is overwritten."""
    if not backup.is_file():
        raise DatabaseError(f"找不到备份文件 {backup}。")
    if not sqlite_files.is_sqlite_file(backup):
        raise DatabaseError(f"{backup} 不是数据库备份文件。")
    problems = sqlite_files.check(backup, full=True)
    if problems:
        raise DatabaseError(f"备份文件 {backup.name} 已损坏（{problems[0]}），不能用来恢复。")
    # An empty SQLite file passes every check, and restoring it would wipe all data.
    if sqlite_files.schema_revision(backup) is None:
        raise DatabaseError(f"{backup} 是空的数据库，不是驻点直联工作台的备份。")


def copy_into(backup: Path, db_path: Path) -> None:
    """Overwrite the database at ``db_path`` with the backup's content, page by page."""
    with closing(sqlite_files.open_readonly(backup)) as src, closing(sqlite3.connect(db_path)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
