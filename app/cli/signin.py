"""Who a command acts as: ``--user`` or ZHILIAN_USER, the password from a prompt or
ZHILIAN_PASSWORD. Sign-in failures are counted and recorded just as in the window."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from app.db import Database
from app.errors import PermissionDenied, SignInError
from app.services import accounts

ENV_USER = "ZHILIAN_USER"
ENV_PASSWORD = "ZHILIAN_PASSWORD"


def sign_in_from_args(db: Database, args: argparse.Namespace) -> None:
    with db.session() as session:
        if not accounts.has_users(session):
            raise PermissionDenied(
                "这个数据库还没有任何账户。请先打开程序窗口创建管理员，"
                "或执行 python main.py users init --user 管理员用户名。")
    username = getattr(args, "user", None) or os.environ.get(ENV_USER, "")
    if not username:
        raise PermissionDenied(f"请用 --user 指定账户（或设置环境变量 {ENV_USER}）：命令按该账户的权限执行。")
    password = os.environ.get(ENV_PASSWORD)
    if password is None:
        if not sys.stdin.isatty():
            raise SignInError(f"请在提示时输入密码；脚本中可用环境变量 {ENV_PASSWORD}。")
        password = getpass.getpass(f"{username} 的密码：")
    accounts.sign_in_to(db, username, password)
