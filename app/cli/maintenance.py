"""Commands that look after the database: backup, restore, check. Each signs in first."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app import audit
from app.auth import Permission
from app.cli import add_db_option, open_signed_in, require_any
from app.cli.signin import sign_in_from_args
from app.db import Database, open_database, resolve_url, restore, sqlite_files
from app.db import audit_guard
from app.db import backup as backups
from app.db.database import counts
from app.db.engine import sqlite_path
from app.errors import DatabaseDamagedError, DatabaseError, DomainError
from app.services.maintenance import record_restore


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="备份数据库（SQLite：校验后按轮换规则保留；PostgreSQL：pg_dump）")
    add_db_option(p)
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="用备份替换数据库文件（替换前先备份当前文件）")
    add_db_option(p)
    p.add_argument("backup", metavar="BACKUP", type=Path, help="备份文件")
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("check", help="检查数据库是否完好、操作记录是否被改动，列出备份")
    add_db_option(p)
    p.set_defaults(handler=cmd_check)


def _file(args: argparse.Namespace) -> Path:
    path = sqlite_path(resolve_url(getattr(args, "db", None)))
    if path is None:
        raise DatabaseError("restore 只用于 SQLite 数据库文件；服务器数据库（PostgreSQL）请用 "
                            "pg_restore 恢复，见 docs/POSTGRESQL.md。")
    return path


def cmd_backup(args: argparse.Namespace) -> int:
    with open_signed_in(args, Permission.MAINTAIN_DATABASE) as db:
        target = db.backup("manual")
        with db.session() as session:
            audit.record(session, "backup", summary=f"备份数据库：{target.name}")
    print(f"已备份并校验：{target}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    path = _file(args)
    backup = args.backup.expanduser().resolve()
    if not backup.is_file():
        raise DatabaseError(f"找不到备份文件 {backup}。")
    current = _open_current(path)
    if current is None:
        print(f"当前数据库文件 {path} 不存在或已损坏：先用备份恢复，再以恢复后的数据库核对账户和权限。",
              file=sys.stderr)
        db = restore(path, backup)
        try:
            _sign_in_restored(db, args)
        except BaseException:
            db.close()
            raise
    else:
        try:
            password = sign_in_from_args(current, args)
            require_any(current, Permission.MAINTAIN_DATABASE)
        except BaseException:
            current.close()
            raise
        # The lock passes straight on: no other copy can open the file in between.
        db = restore(path, backup, lock=current.close_keeping_lock())
        try:
            _sign_in_restored(db, args, password, quiet=True)
        except BaseException:
            db.close()
            raise
    with db:
        with db.session() as s:
            figures = counts(s)
    print(f"已从 {args.backup} 恢复到 {path}（恢复前的文件已另行备份或移到一旁）。")
    print("，".join(f"{k} {v}" for k, v in figures.items()))
    return 0


def _open_current(path: Path) -> Database | None:
    """The current file, open for writing; None when it is missing, not SQLite or damaged."""
    if not (path.is_file() and path.stat().st_size) or not sqlite_files.is_sqlite_file(path):
        return None
    try:
        return open_database(path)
    except DatabaseDamagedError:
        return None


def _sign_in_restored(db: Database, args: argparse.Namespace, password: str | None = None,
                      quiet: bool = False) -> None:
    """Sign in to the restored database and record the restore in its audit trail.

    ``quiet``: the user was already checked against the file before it; an account missing
    from the older backup then only costs the audit entry, with a note.
    """
    try:
        sign_in_from_args(db, args, password)
        require_any(db, Permission.MAINTAIN_DATABASE)
    except DomainError as exc:
        if not quiet:
            raise DomainError(f"已用备份恢复了 {db.display_name}，但无法在恢复后的数据库中核对账户：{exc}")
        print(f"提示：恢复后的数据库中无法以该账户登录（{exc}），这次恢复没有写入它的操作记录。",
              file=sys.stderr)
        return
    with db.session() as session:
        record_restore(session, args.backup.name, db.actor)


def cmd_check(args: argparse.Namespace) -> int:
    path = sqlite_path(resolve_url(getattr(args, "db", None)))
    if path is not None:
        if not path.exists():
            raise DatabaseError(f"找不到数据库文件 {path}。")
        if not sqlite_files.is_sqlite_file(path):
            raise DatabaseError(f"{path} 不是数据库文件。")
        damage = sqlite_files.check(path, full=True)
        print(f"数据库：{path}")
        if damage:
            print("完整性检查：发现问题")
            for line in damage[:20]:
                print(f"  {line}")
            _print_backups([b.path for b in backups.list_backups(path)])
            return 1
        print("完整性检查：通过")
    problems: list[str] = []
    with open_signed_in(args, Permission.MAINTAIN_DATABASE, Permission.VIEW_AUDIT) as db:
        if path is None:
            print(f"数据库：{db.display_name}")
        with db.session() as s:
            print("，".join(f"{k} {v}" for k, v in counts(s).items()))
            entries, chain = audit.verify(s)
            guards = audit_guard.trigger_problems(s)
        listed = db.list_backups()
    print(f"操作记录：{entries} 条，" + ("校验链完好" if not chain else f"发现 {len(chain)} 处问题："))
    for line in chain:
        print(f"  {line}")
    print("操作记录防改动触发器：" + ("完好" if not guards else "发现问题："))
    for line in guards:
        print(f"  {line}")
    problems += chain + guards
    _print_backups(listed)
    if problems:
        print("检查未通过：操作记录可能被人为改动过。请保留现状，联系管理员核查。", file=sys.stderr)
    return 1 if problems else 0


def _print_backups(listed: list[Path]) -> None:
    print(f"备份 {len(listed)} 份" + (f"，最新：{listed[0]}" if listed else ""))
