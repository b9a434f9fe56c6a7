"""``python main.py users …`` and signing in on the command line, end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.cli.users import parse_role
from app.db import open_database
from app.models import AuditEntry, PersonCategory, Role, User
from app.services import communities, people, teams
from tests.databases import db_target, open_test_database

ROOT = Path(__file__).resolve().parent.parent
ADMIN_PW = "Admin-pass-2026"


@pytest.fixture
def town(db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    """A database with one team (石岗村驻点团队) and its first administrator ``admin``."""
    target = db_target(db_path)
    with open_test_database(db_path) as db, db.session() as s:
        leader = people.create_person(s, people.PersonInput(
            name="组长", category=PersonCategory.TOWN_CADRE)).id
        ids = [communities.ensure_community(s, "石岗村").id]
        teams.create_team(s, teams.default_input(s, "石岗村驻点团队", ids), leader, date(2026, 1, 5))
    monkeypatch.setenv("ZHILIAN_NEW_PASSWORD", ADMIN_PW)
    assert main(["users", "init", "--db", target, "--user", "admin", "--name", "王管理"]) == 0
    assert "创建管理员账户 admin（王管理）" in capsys.readouterr().out
    monkeypatch.delenv("ZHILIAN_NEW_PASSWORD")
    monkeypatch.setenv("ZHILIAN_PASSWORD", ADMIN_PW)
    return target


def as_user(monkeypatch: pytest.MonkeyPatch, password: str, new: str | None = None) -> None:
    monkeypatch.setenv("ZHILIAN_PASSWORD", password)
    if new is None:
        monkeypatch.delenv("ZHILIAN_NEW_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("ZHILIAN_NEW_PASSWORD", new)


def test_accounts_end_to_end(town: str, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    as_user(monkeypatch, ADMIN_PW, new="Clerk-first-1")
    assert main(["--user", "admin", "users", "add", "zhang", "--name", "张三", "--role", "党政办",
                 "--db", town]) == 0
    assert main(["users", "add", "li", "--name", "李四", "--role", "liaison", "--role", "驻点领导",
                 "--team", "石岗村驻点团队", "--db", town, "--user", "admin"]) == 0
    as_user(monkeypatch, ADMIN_PW)
    capsys.readouterr()
    assert main(["users", "list", "--db", town, "--user", "admin"]) == 0
    listed = capsys.readouterr().out
    assert "账户 3 个" in listed
    assert "zhang\t张三\t党政办" in listed
    assert "li\t李四\t联络员、驻点领导，团队：石岗村驻点团队" in listed

    # The administrator resets zhang's password; zhang then chooses his own.
    as_user(monkeypatch, ADMIN_PW, new="Clerk-reset-2")
    assert main(["users", "passwd", "zhang", "--db", town, "--user", "admin"]) == 0
    as_user(monkeypatch, "Clerk-first-1")
    assert main(["users", "list", "--db", town, "--user", "zhang"]) == 1  # old password is gone
    as_user(monkeypatch, "Clerk-reset-2", new="Clerk-own-3")
    assert main(["users", "passwd", "--db", town, "--user", "zhang"]) == 0
    assert "已修改账户 zhang 的密码" in capsys.readouterr().out

    as_user(monkeypatch, ADMIN_PW)
    assert main(["users", "disable", "zhang", "--db", town, "--user", "admin"]) == 0
    as_user(monkeypatch, "Clerk-own-3")
    capsys.readouterr()
    assert main(["export-roster", "--db", town, "--user", "zhang", "--out", "x.xlsx"]) == 1
    assert "这个账户已停用" in capsys.readouterr().err
    as_user(monkeypatch, ADMIN_PW)
    assert main(["users", "enable", "zhang", "--db", town, "--user", "admin"]) == 0

    with open_database(town) as db, db.session() as s:
        users = {u.username: u for u in s.scalars(select(User))}
        assert users["zhang"].active and not users["zhang"].must_change_password
        assert users["zhang"].role_set == {Role.CLERK}
        assert users["li"].role_set == {Role.LIAISON, Role.LEADER} and len(users["li"].team_ids) == 1
        actions = [(e.username, e.action) for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert ("admin", "password") in actions and ("zhang", "password") in actions
    assert ("zhang", "login_failed") in actions


def test_a_clerk_cannot_add_accounts(town: str, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    as_user(monkeypatch, ADMIN_PW, new="Clerk-first-1")
    assert main(["users", "add", "zhang", "--name", "张三", "--role", "clerk", "--db", town,
                 "--user", "admin"]) == 0
    as_user(monkeypatch, "Clerk-first-1", new="Sneaky-pass-9")
    capsys.readouterr()
    assert main(["users", "add", "wang", "--name", "王五", "--role", "admin", "--db", town,
                 "--user", "zhang"]) == 1
    assert "您的账户（党政办）没有“管理账户”的权限" in capsys.readouterr().err
    with open_database(town) as db, db.session() as s:
        assert s.scalar(select(User).where(User.username == "wang")) is None


def test_a_wrong_password_exits_1_and_is_recorded(town: str, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    as_user(monkeypatch, "not-the-password")
    assert main(["users", "list", "--db", town, "--user", "admin"]) == 1
    assert "无法以“admin”登录：用户名或密码不对" in capsys.readouterr().err
    with open_database(town) as db, db.session() as s:
        failed = s.scalars(select(AuditEntry).where(AuditEntry.action == "login_failed")).all()
        assert [(e.username, e.user_id is not None) for e in failed] == [("admin", True)]
        assert s.scalar(select(User.failed_attempts).where(User.username == "admin")) == 1


def test_init_is_refused_once_accounts_exist(town: str, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    as_user(monkeypatch, ADMIN_PW, new="Another-admin-1")
    assert main(["users", "init", "--db", town, "--user", "boss"]) == 1
    assert "已经有账户了" in capsys.readouterr().err
    with open_database(town) as db, db.session() as s:
        assert s.scalars(select(User.username)).all() == ["admin"]


def test_commands_need_a_user_and_an_account_table(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    target = db_target(db_path)
    open_test_database(db_path).close()  # a database without any account
    monkeypatch.setenv("ZHILIAN_PASSWORD", "whatever-1")
    assert main(["users", "list", "--db", target, "--user", "admin"]) == 1
    assert "还没有任何账户" in capsys.readouterr().err
    monkeypatch.setenv("ZHILIAN_NEW_PASSWORD", ADMIN_PW)
    assert main(["users", "init", "--db", target, "--user", "admin"]) == 0
    monkeypatch.delenv("ZHILIAN_USER", raising=False)
    capsys.readouterr()
    assert main(["users", "list", "--db", target]) == 1
    assert "请用 --user 指定账户" in capsys.readouterr().err
    monkeypatch.setenv("ZHILIAN_USER", "admin")
    monkeypatch.setenv("ZHILIAN_PASSWORD", ADMIN_PW)
    assert main(["users", "list", "--db", target]) == 0


def test_password_is_asked_at_the_terminal(town: str, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("ZHILIAN_PASSWORD")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    assert main(["users", "list", "--db", town, "--user", "admin"]) == 1
    assert "ZHILIAN_PASSWORD" in capsys.readouterr().err

    prompts: list[str] = []
    answers = iter([ADMIN_PW, "Typed-new-1", "Typed-new-1"])
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt) or next(answers))
    assert main(["users", "add", "zhang", "--name", "张三", "--role", "clerk", "--db", town,
                 "--user", "admin"]) == 0
    assert prompts == ["admin 的密码：", "新账户的初始密码：", "再输入一次新账户的初始密码："]

    answers = iter([ADMIN_PW, "Typed-new-1", "Typed-new-2"])  # the two entries differ
    assert main(["users", "passwd", "zhang", "--db", town, "--user", "admin"]) == 1
    assert "两次输入的密码不一致" in capsys.readouterr().err


@pytest.mark.sqlite_only
def test_no_plaintext_password_in_the_database_file(town: str, monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    secret = "Plain-Secret-Xyzzy-42"
    as_user(monkeypatch, ADMIN_PW, new=secret)
    assert main(["users", "add", "zhang", "--name", "张三", "--role", "clerk", "--db", town,
                 "--user", "admin"]) == 0
    as_user(monkeypatch, secret)
    assert main(["users", "list", "--db", town, "--user", "zhang"]) == 1  # a clerk: signed in, refused
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name == "town.db" for p in files)
    for path in files:
        data = path.read_bytes()
        for encoded in (secret.encode("utf-8"), secret.encode("utf-16-le")):
            assert encoded not in data, f"明文密码出现在 {path}"
        if path.name == "town.db":
            assert b"$argon2id$" in data


@pytest.mark.parametrize("text, role", [("clerk", Role.CLERK), ("leader", Role.LEADER),
                                        ("驻点领导", Role.LEADER), ("组织办", Role.ORG_OFFICE),
                                        ("Admin", Role.ADMIN)])
def test_roles_by_code_or_chinese_label(text: str, role: Role) -> None:
    assert parse_role(text) is role


@pytest.mark.sqlite_only
def test_a_real_process(db_path: Path, tmp_path: Path) -> None:
    env = {**os.environ, "ZHILIAN_DATA_DIR": str(tmp_path / "data"), "PYTHONIOENCODING": "utf-8",
           "ZHILIAN_NEW_PASSWORD": ADMIN_PW, "ZHILIAN_PASSWORD": ADMIN_PW, "ZHILIAN_USER": "admin"}
    env.pop("ZHILIAN_DB_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, encoding="utf-8", timeout=120)

    shown = run("users", "--help")
    assert shown.returncode == 0 and "users init" in shown.stdout and "创建第一个管理员" in shown.stdout
    made = run("users", "init", "--db", str(db_path))
    assert made.returncode == 0, made.stderr
    listed = run("users", "list", "--db", str(db_path))
    assert listed.returncode == 0, listed.stderr
    assert "admin\t管理员\t管理员" in listed.stdout
