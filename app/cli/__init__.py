"""The command line: ``python main.py <command>`` runs a batch job without a window.

Each command lives in a module of this package with ``register(subparsers)``; the handler
it sets returns the exit code. Domain errors print their Chinese message and exit 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from app import APP_NAME, __version__
from app.errors import DomainError

if TYPE_CHECKING:
    from pathlib import Path

    from app.auth import Permission
    from app.db import Database

COMMAND_MODULES = ("app.cli.demo", "app.cli.users", "app.cli.roster", "app.cli.maintenance",
                   "app.cli.cards", "app.cli.ledgers", "app.cli.meetings", "app.cli.checks",
                   "app.cli.submissions")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description=f"{APP_NAME} {__version__}。不带命令时打开程序窗口；带命令时在后台执行批处理。",
        epilog="数据库：--db 指定 SQLite 文件；也可用环境变量 ZHILIAN_DB_URL 指定任意数据库地址。\n"
               "账户：命令以 --user（或环境变量 ZHILIAN_USER）指定的账户执行，权限与窗口中相同；"
               "密码在提示时输入，脚本可用环境变量 ZHILIAN_PASSWORD。",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--db", metavar="PATH", help="数据库文件（默认在用户数据目录中）")
    parser.add_argument("--user", metavar="NAME", help="以哪个账户执行（默认：环境变量 ZHILIAN_USER）")
    sub = parser.add_subparsers(dest="command", title="命令", metavar="<命令>")
    from importlib import import_module
    for name in COMMAND_MODULES:
        import_module(name).register(sub)
    return parser


def add_db_option(parser: argparse.ArgumentParser, user: bool = True) -> None:
    """Commands accept ``--db`` (and ``--user``) after their name too, as the documentation
    writes it."""
    parser.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="数据库文件（默认在用户数据目录中）")
    if user:
        parser.add_argument("--user", metavar="NAME", default=argparse.SUPPRESS,
                            help="以哪个账户执行（默认：环境变量 ZHILIAN_USER）")


def open_signed_in(args: argparse.Namespace, *need: "Permission", write: bool = True
                   ) -> "Database":
    """Open the database and sign in as ``--user``: commands obey the same rules as the window.

    ``need``: the account must hold at least one of these permissions (checked right after
    signing in, before any work). Signing in writes (failed-attempt count, audit entry), so
    the database is opened for writing unless ``write=False`` is asked for explicitly.
    """
    from app.cli.signin import sign_in_from_args
    from app.db import open_database

    existing_file(args)
    db = open_database(getattr(args, "db", None), write=write)
    try:
        sign_in_from_args(db, args)
        require_any(db, *need)
    except BaseException:
        db.close()
        raise
    return db


def existing_file(args: argparse.Namespace) -> "Path | None":
    """The SQLite file ``--db`` names, which must exist: a command never creates a database
    it would then have no account for. None for a server database."""
    from app.db import resolve_url
    from app.db.engine import sqlite_path
    from app.errors import DatabaseError

    path = sqlite_path(resolve_url(getattr(args, "db", None)))
    if path is not None and not (path.is_file() and path.stat().st_size):
        raise DatabaseError(f"找不到数据库文件 {path}（或文件是空的）。新的数据库请先执行 "
                            "python main.py users init --user 用户名 创建管理员。")
    return path


def require_any(db: "Database", *need: "Permission") -> None:
    """PermissionDenied (Chinese) unless the signed-in account holds one of ``need``."""
    from app.auth import check
    from app.errors import PermissionDenied

    if not need:
        return
    actor = check(db.actor, need[0]) if len(need) == 1 else db.actor
    if actor is None or not any(actor.can(p) for p in need):
        roles = actor.roles_text if actor else "未登录"
        wanted = "”或“".join(p.label for p in need)
        raise PermissionDenied(f"您的账户（{roles}）没有“{wanted}”的权限。如需要，请找管理员。")


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def run(args: argparse.Namespace) -> int:
    try:
        return int(args.handler(args) or 0)
    except DomainError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130
    except Exception as exc:
        # A full disk, a read-only USB stick or folder, a server that went away: the user
        # can act on these, so they get a Chinese message, not a traceback.
        from app.db.errors import translate

        known = translate(exc)
        if known is None:
            raise
        print(f"错误：{known}", file=sys.stderr)
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for commands only (the window is started by main.py)."""
    _utf8_console()
    args = parse(argv)
    if args.command is None:
        build_parser().print_help()
        return 0
    return run(args)


def _utf8_console() -> None:
    # A Windows console defaults to a legacy code page; Chinese output must not crash there.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
