"""``python main.py users …``: the first administrator and the administrator's account list.

Everything but ``users init`` signs in first and goes through app.services.accounts, which
allows it to administrators only (changing one's own password excepted).
"""

from __future__ import annotations

import argparse
import os
import sys

from app.auth import Permission
from app.cli import add_db_option, existing_file, open_signed_in
from app.cli.signin import ENV_USER, new_password, sign_in_from_args, username_from
from app.errors import NotFoundError, ValidationError
from app.models import Role

# Role names a script may use besides the stored codes and the Chinese labels.
ROLE_WORDS = {"leader": Role.LEADER}
DEFAULT_ADMIN_NAME = "管理员"


def register(sub: argparse._SubParsersAction) -> None:
    users = sub.add_parser("users", help="账户：创建第一个管理员、列出、添加、改密码、停用与启用",
                           description="账户管理。除 users init 外，都要以管理员账户登录（--user）。")
    add_db_option(users)
    cmds = users.add_subparsers(dest="users_command", title="账户命令", metavar="<账户命令>")
    users.set_defaults(handler=lambda args: _usage(users))

    p = cmds.add_parser("init", help="在没有任何账户的数据库中创建第一个管理员（--user 为其用户名）")
    add_db_option(p)
    p.add_argument("--name", metavar="姓名", default=DEFAULT_ADMIN_NAME, help="显示的姓名（默认：管理员）")
    p.set_defaults(handler=cmd_init)

    p = cmds.add_parser("list", help="列出全部账户")
    add_db_option(p)
    p.set_defaults(handler=cmd_list)

    p = cmds.add_parser("add", help="添加账户；初始密码在提示时输入（或用环境变量 ZHILIAN_NEW_PASSWORD）")
    add_db_option(p)
    p.add_argument("username", metavar="NAME", help="新账户的用户名（英文字母、数字等，例如 zhangsan）")
    p.add_argument("--name", metavar="姓名", required=True, help="姓名")
    p.add_argument("--role", metavar="角色", dest="roles", action="append", type=parse_role,
                   required=True, help="clerk（党政办）、org_office（组织办）、liaison（联络员）、"
                                       "leader（驻点领导）、admin（管理员），也可写中文；可重复")
    p.add_argument("--team", metavar="团队名", dest="teams", action="append", default=[],
                   help="负责的驻点团队（联络员、驻点领导必填）；可重复")
    p.set_defaults(handler=cmd_add)

    p = cmds.add_parser("passwd", help="不带 NAME：修改自己的密码；带 NAME：管理员重设该账户的密码")
    add_db_option(p)
    p.add_argument("username", metavar="NAME", nargs="?", help="要重设密码的账户")
    p.set_defaults(handler=cmd_passwd)

    for name, active, text in (("disable", False, "停用账户（不能再登录，记录保留）"),
                               ("enable", True, "重新启用账户")):
        p = cmds.add_parser(name, help=text)
        add_db_option(p)
        p.add_argument("username", metavar="NAME", help="账户的用户名")
        p.set_defaults(handler=cmd_set_active, active=active)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def parse_role(text: str) -> Role:
    word = text.strip()
    role = ROLE_WORDS.get(word.lower()) or Role.from_label(word.lower()) or Role.from_label(word)
    if role is None:
        names = "、".join(f"{r.label}" for r in Role)
        raise argparse.ArgumentTypeError(
            f"不认识的角色“{text}”：可用 clerk、org_office、liaison、leader、admin 或 {names}")
    return Role(role)


# --- users init ------------------------------------------------------------------------------

def cmd_init(args: argparse.Namespace) -> int:
    from app.auth import Actor
    from app.db import open_database
    from app.services import accounts

    if not (getattr(args, "user", None) or os.environ.get(ENV_USER, "")).strip():
        raise ValidationError("请用 --user 指定第一个管理员的用户名，例如 --user admin。", "username")
    username = username_from(args)
    with open_database(getattr(args, "db", None)) as db:
        # The program itself creates the first account: nobody can sign in yet.
        db.act_as(Actor.program())
        with db.session() as session:
            if accounts.has_users(session):
                raise ValidationError(
                    f"数据库 {db.display_name} 已经有账户了：users init 只用于还没有任何账户的数据库。"
                    "请以管理员登录后用 users add 添加账户。", "username")
        password = new_password("管理员的密码")
        with db.session() as session:
            user = accounts.create_first_admin(session, username, args.name, password)
            created = f"{user.username}（{user.display_name}）"
        where = db.display_name
    print(f"已在 {where} 创建管理员账户 {created}。")
    print("请用它打开程序窗口完成镇（街道）设置，或用 users add 添加其他账户。")
    return 0


# --- signed in as an administrator -----------------------------------------------------------

def cmd_list(args: argparse.Namespace) -> int:
    from app.services import accounts

    with open_signed_in(args, Permission.MANAGE_USERS) as db, db.session() as session:
        rows = accounts.list_users(session)
    print(f"账户 {len(rows)} 个：")
    for r in rows:
        state = "启用" if r.active else "已停用"
        login = f"{r.last_login_at:%Y-%m-%d %H:%M}" if r.last_login_at else "从未登录"
        teams = f"，团队：{r.teams}" if r.teams else ""
        print(f"  {r.username}\t{r.display_name}\t{r.roles}{teams}\t{state}\t最近登录：{login}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from app.services import accounts

    with open_signed_in(args, Permission.MANAGE_USERS) as db:
        with db.session() as session:
            team_ids = _team_ids(session, args.teams)
        data = accounts.UserInput(args.username, args.name, sorted(set(args.roles)), team_ids)
        password = new_password("新账户的初始密码")
        with db.session() as session:
            user = accounts.create_user(session, data, password)
            text = f"{user.username}（{user.display_name}，{'、'.join(r.label for r in sorted(user.role_set))}）"
    print(f"已添加账户 {text}。首次登录后需要修改初始密码。")
    return 0


def _team_ids(session, names: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
    from app.services import accounts

    by_name = {name: id_ for id_, name in accounts.team_choices(session)}
    ids = []
    for name in names:
        if name.strip() not in by_name:
            known = "、".join(by_name) or "（还没有任何团队）"
            raise ValidationError(f"找不到驻点团队“{name}”。现有团队：{known}", "team_ids")
        ids.append(by_name[name.strip()])
    return sorted(set(ids))


def _user_id(session, username: str) -> int:  # type: ignore[no-untyped-def]
    from app.services import accounts

    name = username.strip().lower()
    for row in accounts.list_users(session):
        if row.username == name:
            return row.id
    raise NotFoundError(f"找不到账户“{username}”。用 python main.py users list 查看全部账户。")


def cmd_passwd(args: argparse.Namespace) -> int:
    from app.db import open_database
    from app.services import accounts

    own = args.username is None or args.username.strip().lower() == username_from(args).lower()
    if own:
        existing_file(args)
        with open_database(getattr(args, "db", None)) as db:
            old = sign_in_from_args(db, args)
            password = new_password()
            with db.session() as session:
                user = accounts.change_own_password(session, old, password)
                name = user.username
        print(f"已修改账户 {name} 的密码。")
        return 0
    with open_signed_in(args, Permission.MANAGE_USERS) as db:
        with db.session() as session:
            user_id = _user_id(session, args.username)
        password = new_password(f"{args.username} 的新密码")
        with db.session() as session:
            user = accounts.reset_password(session, user_id, password)
            name = user.username
    print(f"已重设账户 {name} 的密码（临时密码：其本人登录后需要修改）。")
    return 0


def cmd_set_active(args: argparse.Namespace) -> int:
    from app.services import accounts

    with open_signed_in(args, Permission.MANAGE_USERS) as db:
        with db.session() as session:
            user_id = _user_id(session, args.username)
            data, version = accounts.user_input(session, user_id)
            if data.active == args.active:
                print(f"账户 {data.username} 本来就已{'启用' if args.active else '停用'}。")
                return 0
            data.active = args.active
            accounts.update_user(session, user_id, data, version)
    print(f"已{'启用' if args.active else '停用'}账户 {data.username}。", file=sys.stdout)
    return 0
