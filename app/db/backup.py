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
from datetime import datetime, timedelta
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
                progress: Callable[[int, int], None] | None = None) -> Path:
    """Copy the live database with the backup API, verify the copy, rotate; return its path."""
    folder = backup_dir_for(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, db_path.stem, reason, now or datetime.now())
    partial = target.with_suffix(".partial")
    try:
        _copy(db_path, partial, progress)
        problems = sqlite_files.check(partial, full=True)
        if problems:
            raise DatabaseError(f"备份校验未通过（{problems[0]}），已放弃这份备份。原数据库没有改动。")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    rotate(folder, now=now)
    return target


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
    found = []
    if folder.is_dir():
        for path in folder.glob("*.db"):
            match = _NAME.match(path.name)
            if match:
                stamp = match["stamp"][:15]
                found.append(BackupInfo(path, datetime.strptime(stamp, "%Y%m%d-%H%M%S"),
                                        match["reason"]))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def rotate(folder: Path, *, now: datetime | None = None) -> list[Path]:
    """Delete the backups the rotation does not keep; return what was deleted."""
    backups = _scan(folder)
    keep = {b.path for b in backups[:KEEP_NEWEST]}
    day_floor = (now or datetime.now()) - timedelta(days=KEEP_DAILY_DAYS)
    seen_days: set[str] = set()
    seen_months: set[str] = set()
    for b in backups:  # newest first, so the first of each day or month is its newest
        day, month = b.taken_at.strftime("%Y%m%d"), b.taken_at.strftime("%Y%m")
        if b.taken_at >= day_floor and day not in seen_days:
            keep.add(b.path)
        if month not in seen_months and len(seen_months) < KEEP_MONTHLY:
            keep.add(b.path)
        seen_days.add(day)
        seen_months.add(month)
    removed = [b.path for b in backups if b.path not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def latest_revision(db_path: Path) -> int | None:
    """The data revision the newest readable backup holds, or None when there is none."""
    for info in list_backups(db_path):
        try:
            return sqlite_files.data_revision(info.path)
        except sqlite3.DatabaseError:
            continue
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


def copy_into(backup: Path, db_path: Path) -> None:
    """Overwrite the database at ``db_path`` with the backup's content, page by page."""
    with closing(sqlite_files.open_readonly(backup)) as src, closing(sqlite3.connect(db_path)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
