"""Commands that look after the database file: backup, restore, check."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import add_db_option
from app.db import backup as backups
from app.db import open_database, resolve_url, restore, sqlite_files
from app.db.engine import sqlite_path
from app.db.database import counts
from app.errors import DatabaseError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="备份数据库（校验后按轮换规则保留）")
    add_db_option(p)
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="用备份替换数据库（替换前先备份当前文件）")
    add_db_option(p)
    p.add_argument("backup", metavar="BACKUP", type=Path, help="备份文件")
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("check", help="检查数据库是否完好，列出备份")
    add_db_option(p)
    p.set_defaults(handler=cmd_check)


def _path(args: argparse.Namespace) -> Path:
    path = sqlite_path(resolve_url(getattr(args, "db", None)))
    if path is None:
        raise DatabaseError("这个命令只用于 SQLite 数据库文件；PostgreSQL 请用 pg_dump / pg_restore。")
    return path


def cmd_backup(args: argparse.Namespace) -> int:
    path = _path(args)
    if not path.exists():
        raise DatabaseError(f"找不到数据库文件 {path}。")
    with open_database(path, write=False) as db:
        target = db.backup("manual")
    print(f"已备份并校验：{target}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    path = _path(args)
    with restore(path, args.backup.expanduser().resolve()) as db:
        with db.session() as s:
            figures = counts(s)
    print(f"已从 {args.backup} 恢复到 {path}（恢复前的文件已另行备份）。")
    print("，".join(f"{k} {v}" for k, v in figures.items()))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    path = _path(args)
    if not path.exists():
        raise DatabaseError(f"找不到数据库文件 {path}。")
    if not sqlite_files.is_sqlite_file(path):
        raise DatabaseError(f"{path} 不是数据库文件。")
    problems = sqlite_files.check(path, full=True)
    print(f"数据库：{path}")
    if problems:
        print("完整性检查：发现问题")
        for line in problems[:20]:
            print(f"  {line}")
    else:
        print("完整性检查：通过")
        with open_database(path, write=False) as db, db.session() as s:
            print("，".join(f"{k} {v}" for k, v in counts(s).items()))
    listed = backups.list_backups(path)
    print(f"备份 {len(listed)} 份" + (f"，最新：{listed[0].path}" if listed else ""))
    return 1 if problems else 0
