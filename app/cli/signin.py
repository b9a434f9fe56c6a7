"""Who a command acts as: ``--user`` or ZHILIAN_USER, the password from a prompt or
ZHILIAN_PASSWORD. Sign-in failures are counted and recorded just as in the window, so the
database is open for writing when a command signs in."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from app.db import Database
from app.errors import PermissionDenied, SignInError, ValidationError
from app.services import accounts

ENV_USER = "ZHILIAN_USER"
ENV_PASSWORD = "ZHILIAN_PASSWORD"
ENV_NEW_PASSWORD = "ZHILIAN_NEW_PASSWORD"


def username_from(args: argparse.Namespace) -> str:
    username = (getattr(args, "user", None) or os.environ.get(ENV_USER, "")).strip()
    if not username:
        raise PermissionDenied(f"请用 --user 指定账户（或设置环境变量 {ENV_USER}）：命令按该账户的权限执行。")
    return username


def password_for(username: str) -> str:
    """ZHILIAN_PASSWORD, else asked for at the terminal (never echoed)."""
    password = os.environ.get(ENV_PASSWORD)
    if password is not None:
        return password
    return _ask(f"{username} 的密码：",
                f"没有终端可以输入密码：请在提示时输入，脚本中可用环境变量 {ENV_PASSWORD}。")


def new_password(what: str = "新密码") -> str:
    """ZHILIAN_NEW_PASSWORD, else asked for twice at the terminal."""
    password = os.environ.get(ENV_NEW_PASSWORD)
    if password is not None:
        return password
    missing = f"没有终端可以输入{what}：请在提示时输入，脚本中可用环境变量 {ENV_NEW_PASSWORD}。"
    first = _ask(f"{what}：", missing)
    if _ask(f"再输入一次{what}：", missing) != first:
        raise ValidationError("两次输入的密码不一致，没有做任何修改。", "password")
    return first


def _ask(prompt: str, no_terminal: str) -> str:
    if not sys.stdin or not sys.stdin.isatty():
        raise SignInError(no_terminal)
    return getpass.getpass(prompt)


def sign_in_from_args(db: Database, args: argparse.Namespace, password: str | None = None
                      ) -> str:
    """Sign in as ``--user``; ``db``'s sessions then act for that account. Returns the
    password used, for a command that must sign in to a second database (restore) or needs
    the old password again (changing one's own).

    Raises PermissionDenied for a database without accounts, SignInError when refused (the
    failure is committed first: it counts towards the wait and is in the audit trail).
    """
    with db.session() as session:
        if not accounts.has_users(session):
            raise PermissionDenied(
                f"数据库 {db.display_name} 还没有任何账户。请先打开程序窗口创建管理员，"
                "或执行 python main.py users init --user 管理员用户名。")
    username = username_from(args)
    if password is None:
        password = password_for(username)
    try:
        result = accounts.sign_in_to(db, username, password)
    except SignInError as exc:
        raise SignInError(f"无法以“{username}”登录：{exc.message}") from exc
    if result.must_change_password:
        print(f"提示：账户 {username} 的密码是管理员设置的临时密码，"
              "请尽快用 python main.py users passwd 修改。", file=sys.stderr)
    return password
