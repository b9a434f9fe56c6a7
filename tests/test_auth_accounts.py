"""Accounts: the first administrator, signing in (and being slowed down), passwords kept only
as argon2id hashes, and the rules that keep an administrator in charge.

Hashing costs ~0.2 s, so most accounts here are inserted with one shared hash of ``PASSWORD``;
the tests about making and changing passwords go through the services.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from app.auth import Actor
from app.auth.passwords import HASHER, hash_password, needs_rehash
from app.db import Database
from app.errors import DomainError, PermissionDenied, SignInError, ValidationError
from app.models import AuditEntry, Role, User, UserRole
from app.services import accounts
from app.services.accounts import UserInput

PASSWORD = "Yunxi-accounts-2026"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
T0 = datetime(2026, 3, 2, 9, 0, 0)


@cache
def shared_hash(password: str = PASSWORD) -> str:
    return hash_password(password)


def add_user(db: Database, username: str, roles: list[Role], *, password_hash: str | None = None,
             active: bool = True) -> int:
    with db.session() as s:
        user = User(username=username, display_name=f"{username}的姓名",
                    password_hash=password_hash or shared_hash(), active=active,
                    roles=[UserRole(role=r) for r in roles])
        s.add(user)
        s.flush()
        return user.id


def user(db: Database, user_id: int) -> User:
    """The stored account, roles loaded, read in a fresh session."""
    with db.session() as s:
        found = s.get_one(User, user_id)
        found.roles  # noqa: B018 - loaded while the session is open
        return found


def entries(db: Database, action: str) -> list[AuditEntry]:
    with db.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id)))


def sign_in(db: Database, username: str, password: str, now: datetime | None = None
            ) -> accounts.SignIn:
    """One attempt in its own transaction, as the sign-in dialog makes it."""
    with db.session() as s:
        return accounts.sign_in(s, username, password, now=now)


def as_actor(db: Database, user_id: int) -> Actor:
    db.act_as(Actor.program())
    with db.session() as s:
        return accounts.actor_for(s.get_one(User, user_id))


# --- the first administrator ---------------------------------------------------------------

def test_first_administrator_only_while_there_are_no_accounts(db: Database) -> None:
    with db.session() as s:
        assert not accounts.has_users(s)
        first = accounts.create_first_admin(s, "GuanLi ", "管理员", "Diyi-mima-2026")
    assert first.username == "guanli"
    with db.session() as s:
        assert accounts.has_users(s)
        with pytest.raises(PermissionDenied, match="已经有管理员账户") as refused:
            accounts.create_first_admin(s, "dierge", "第二个", "Dier-mima-2026")
    assert CHINESE.search(str(refused.value))
    with db.session() as s:
        users = list(s.scalars(select(User)))
        assert [(u.username, u.role_set, u.must_change_password) for u in users] == [
            ("guanli", {Role.ADMIN}, False)]
    [created] = [e for e in entries(db, "create") if e.entity == "app_user"]
    assert (created.username, created.entity_id) == ("系统", first.id)  # nobody signed in yet
    assert "guanli" in created.changes and "$argon2" not in created.changes


def test_first_administrator_needs_a_real_password(db: Database) -> None:
    with db.session() as s:
        with pytest.raises(ValidationError, match="至少 8 位"):
            accounts.create_first_admin(s, "guanli", "管理员", "short")
        with pytest.raises(ValidationError, match="不能与用户名相同"):
            accounts.create_first_admin(s, "guanli2026", "管理员", "GuanLi2026")
    with db.session() as s:
        assert not accounts.has_users(s)


# --- signing in ----------------------------------------------------------------------------

def test_sign_in_gives_an_actor_with_roles_and_teams(db: Database) -> None:
    uid = add_user(db, "zhangsan", [Role.CLERK, Role.ORG_OFFICE])
    result = sign_in(db, "  ZhangSan ", PASSWORD, now=T0)
    assert result.actor is not None and result.message == ""
    assert (result.actor.user_id, result.actor.username) == (uid, "zhangsan")
    assert result.actor.roles == {Role.CLERK, Role.ORG_OFFICE}
    assert not result.actor.system
    assert user(db, uid).last_login_at == T0
    [login] = entries(db, "login")
    assert (login.user_id, login.username, login.entity_id) == (uid, "zhangsan", uid)


def test_sign_in_to_makes_the_database_act_for_the_user(db: Database) -> None:
    add_user(db, "zhangsan", [Role.LEADER])
    db.act_as(None)
    result = accounts.sign_in_to(db, "zhangsan", PASSWORD)
    assert db.actor == result.actor and db.actor is not None
    assert db.actor.roles == {Role.LEADER}
    db.act_as(None)
    with pytest.raises(SignInError, match="用户名或密码不对"):
        accounts.sign_in_to(db, "zhangsan", "Wrong-password-1")
    assert db.actor is None
    # The refusal raised, yet the failure was committed.
    with db.session() as s:
        assert s.scalar(select(User.failed_attempts)) == 1
        assert s.scalar(select(AuditEntry.username).where(
            AuditEntry.action == "login_failed")) == "zhangsan"


def test_wrong_password_is_counted_and_recorded(db: Database) -> None:
    uid = add_user(db, "zhangsan", [Role.CLERK])
    result = sign_in(db, "zhangsan", "Not-the-password-9", now=T0)
    assert result.actor is None
    assert "用户名或密码不对" in result.message and "还可再试 4 次" in result.message
    stored = user(db, uid)
    assert (stored.failed_attempts, stored.last_failed_at, stored.last_login_at) == (1, T0, None)
    [failed] = entries(db, "login_failed")
    assert (failed.user_id, failed.username, failed.entity, failed.entity_id) == (
        uid, "zhangsan", "app_user", uid)
    assert "Not-the-password-9" not in failed.summary + failed.changes
    # An unknown name gets the same answer (names stay secret) and is recorded too, without
    # the name typed: it may be a password typed into the wrong field.
    unknown = sign_in(db, "Typed-Password-In-Name-1", "Not-the-password-9", now=T0)
    assert unknown.actor is None and unknown.message == "用户名或密码不对。还可再试 3 次，之后每次要等待。"
    assert [e.username for e in entries(db, "login_failed")] == ["zhangsan", "（未知用户名）"]
    assert all("typed-password" not in e.summary.lower() for e in entries(db, "login_failed"))


def test_after_five_failures_each_try_waits_and_the_wait_doubles(db: Database) -> None:
    uid = add_user(db, "zhangsan", [Role.CLERK])
    for n in range(1, 6):
        result = sign_in(db, "zhangsan", f"Wrong-guess-{n}", now=T0 + timedelta(seconds=n))
        assert result.actor is None
    assert "30 秒后再试" in result.message
    last_failure = T0 + timedelta(seconds=5)
    # Even the right password is refused while the wait lasts, and the refusal is recorded.
    early = sign_in(db, "zhangsan", PASSWORD, now=last_failure + timedelta(seconds=10))
    assert early.actor is None and "请 20 秒后再试" in early.message
    assert "这台电脑已连续输错 5 次密码" in early.message
    assert entries(db, "login_failed")[-1].summary == "登录被推迟（这台电脑连续输错）"
    assert user(db, uid).failed_attempts == 5  # waiting tries are not counted as guesses
    # After the wait, a sixth wrong guess doubles it.
    later = last_failure + timedelta(seconds=31)
    sixth = sign_in(db, "zhangsan", "Wrong-guess-6", now=later)
    assert sixth.actor is None and "60 秒后再试" in sixth.message
    with db.session() as s:
        assert accounts.seconds_to_wait(s.get_one(User, uid), later + timedelta(seconds=59)) == 1
    assert sign_in(db, "zhangsan", PASSWORD, now=later + timedelta(seconds=59)).actor is None
    ok = sign_in(db, "zhangsan", PASSWORD, now=later + timedelta(seconds=61))
    assert ok.actor is not None
    stored = user(db, uid)
    assert (stored.failed_attempts, stored.last_failed_at) == (0, None)


def test_the_wait_has_a_ceiling(db: Database) -> None:
    uid = add_user(db, "zhangsan", [Role.CLERK])
    with db.session() as s:
        u = s.get_one(User, uid)
        u.failed_attempts, u.last_failed_at = 40, T0
        assert accounts.seconds_to_wait(u, T0) == accounts.LONGEST_WAIT_SECONDS


def test_disabled_account_is_refused(db: Database) -> None:
    admin = add_user(db, "guanli", [Role.ADMIN])
    uid = add_user(db, "zhangsan", [Role.CLERK])
    db.act_as(as_actor(db, admin))
    with db.session() as s:
        data, version = accounts.user_input(s, uid)
        data.active = False
        accounts.update_user(s, uid, data, version)
    right = sign_in(db, "zhangsan", PASSWORD, now=T0)
    assert right.actor is None and right.message == "这个账户已停用，请找管理员。"
    # Someone without the password learns nothing about the account.
    wrong = sign_in(db, "zhangsan", "Guessing-away-1", now=T0)
    assert wrong.actor is None and wrong.message == "用户名或密码不对。还可再试 4 次，之后每次要等待。"
    assert [e.summary for e in entries(db, "login_failed")] == [
        "登录失败：zhangsan（账户已停用）"] * 2
    assert entries(db, "login") == []


def test_weaker_hash_is_renewed_at_sign_in(db: Database) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    assert needs_rehash(weak)
    uid = add_user(db, "zhangsan", [Role.CLERK], password_hash=weak)
    assert sign_in(db, "zhangsan", PASSWORD, now=T0).actor is not None
    renewed = user(db, uid).password_hash
    assert renewed != weak and renewed.startswith("$argon2id$")
    assert f"m={HASHER.memory_cost},t={HASHER.time_cost},p={HASHER.parallelism}" in renewed
    assert not needs_rehash(renewed)
    assert sign_in(db, "zhangsan", PASSWORD, now=T0).actor is not None  # same password still


def test_reset_password_forces_a_change_and_change_checks_the_old_one(db: Database) -> None:
    admin = add_user(db, "guanli", [Role.ADMIN])
    uid = add_user(db, "zhangsan", [Role.CLERK])
    db.act_as(as_actor(db, admin))
    with db.session() as s:
        accounts.reset_password(s, uid, "Linshi-mima-01")
    db.act_as(None)
    assert sign_in(db, "zhangsan", PASSWORD).actor is None
    result = sign_in(db, "zhangsan", "Linshi-mima-01")
    assert result.actor is not None and result.must_change_password
    db.act_as(result.actor)
    with db.session() as s, pytest.raises(ValidationError, match="原密码不对"):
        accounts.change_own_password(s, "Not-the-old-one", "Ziji-mima-2026")
    with db.session() as s, pytest.raises(ValidationError, match="不能与原密码相同"):
        accounts.change_own_password(s, "Linshi-mima-01", "Linshi-mima-01")
    with db.session() as s, pytest.raises(ValidationError, match="至少 8 位"):
        accounts.change_own_password(s, "Linshi-mima-01", "abc")
    assert user(db, uid).must_change_password
    with db.session() as s:
        accounts.change_own_password(s, "Linshi-mima-01", "Ziji-mima-2026")
    assert not user(db, uid).must_change_password
    assert sign_in(db, "zhangsan", "Linshi-mima-01").actor is None
    after = sign_in(db, "zhangsan", "Ziji-mima-2026")
    assert after.actor is not None and not after.must_change_password
    assert [(e.username, e.summary) for e in entries(db, "password")] == [
        ("guanli", "管理员重设密码：zhangsan"), ("zhangsan", "修改自己的密码：zhangsan")]


def test_created_account_must_choose_its_own_password(db: Database) -> None:
    admin = add_user(db, "guanli", [Role.ADMIN])
    db.act_as(as_actor(db, admin))
    with db.session() as s:
        with pytest.raises(ValidationError, match="要指定负责的驻点团队"):
            accounts.create_user(s, UserInput("lisi", "李四", [Role.LIAISON]), "Chushi-mima-1")
        new = accounts.create_user(s, UserInput("lisi", "李四", [Role.CLERK]), "Chushi-mima-1")
    with db.session() as s:
        with pytest.raises(ValidationError, match="已被使用"):
            accounts.create_user(s, UserInput("LiSi", "另一个李四", [Role.CLERK]), "Chushi-mima-2")
    assert user(db, new.id).must_change_password
    # One entry for the new account (no separate "update" for the must-change flag).
    creates = [e for e in entries(db, "create") if e.entity == "app_user" and e.entity_id == new.id]
    assert len(creates) == 1 and "李四" in creates[0].summary
    assert [e for e in entries(db, "update") if e.entity == "app_user"] == []
    assert "Chushi-mima-1" not in creates[0].changes


# --- keeping an administrator --------------------------------------------------------------

def demote(db: Database, target: int, *, active: bool = True) -> None:
    with db.session() as s:
        data, version = accounts.user_input(s, target)
        data.roles, data.active = [Role.CLERK], active
        accounts.update_user(s, target, data, version)


def test_nobody_removes_their_own_administrator_role(db: Database) -> None:
    first = add_user(db, "guanli", [Role.ADMIN])
    second = add_user(db, "guanli2", [Role.ADMIN])
    db.act_as(as_actor(db, first))
    with pytest.raises(ValidationError, match="不能取消自己的管理员角色"):
        demote(db, first)
    with pytest.raises(ValidationError, match="停用自己的账户"):
        demote(db, first, active=False)
    db.act_as(Actor.program())
    assert user(db, first).role_set == {Role.ADMIN} and user(db, first).active
    # Another administrator may be demoted while one remains.
    db.act_as(as_actor(db, first))
    demote(db, second)
    db.act_as(Actor.program())
    assert user(db, second).role_set == {Role.CLERK}


def test_the_last_administrator_stays(db: Database) -> None:
    only = add_user(db, "guanli", [Role.ADMIN])
    add_user(db, "tingyong", [Role.ADMIN], active=False)  # a disabled admin does not count
    for active in (True, False):
        with pytest.raises(DomainError, match="唯一的管理员账户") as refused:
            demote(db, only, active=active)  # as the program: not "yourself"
        assert CHINESE.search(str(refused.value))
    stored = user(db, only)
    assert stored.role_set == {Role.ADMIN} and stored.active


def test_only_administrators_manage_accounts(db: Database) -> None:
    uid = add_user(db, "zuzhi", [Role.ORG_OFFICE, Role.CLERK])
    db.act_as(as_actor(db, uid))
    with db.session() as s:
        for call in (lambda: accounts.list_users(s), lambda: accounts.user_input(s, uid),
                     lambda: accounts.reset_password(s, uid, "Xin-mima-2026"),
                     lambda: accounts.team_choices(s),
                     lambda: accounts.create_user(s, UserInput("x1", "某", [Role.ADMIN]),
                                                  "Xin-mima-2026")):
            with pytest.raises(PermissionDenied, match="管理账户"):
                call()
    db.act_as(Actor.program())
    with db.session() as s:
        assert [u.username for u in s.scalars(select(User))] == ["zuzhi"]


# --- no password in clear ------------------------------------------------------------------

DISTINCTIVE = ["Zhilian-Cleartext-A7", "Zhilian-Cleartext-B8", "Zhilian-Cleartext-C9",
               "Zhilian-Cleartext-D0", "Zhilian-Wrong-E1"]


def make_accounts_with_distinctive_passwords(db: Database) -> None:
    with db.session() as s:
        admin = accounts.create_first_admin(s, "guanli", "管理员", DISTINCTIVE[0])
    db.act_as(as_actor(db, admin.id))
    with db.session() as s:
        clerk = accounts.create_user(s, UserInput("dangzheng", "党政办", [Role.CLERK]),
                                     DISTINCTIVE[1])
    with db.session() as s:
        accounts.reset_password(s, clerk.id, DISTINCTIVE[2])
    db.act_as(as_actor(db, clerk.id))
    with db.session() as s:
        accounts.change_own_password(s, DISTINCTIVE[2], DISTINCTIVE[3])
    sign_in(db, "dangzheng", DISTINCTIVE[4])  # a wrong one, recorded as a failure
    assert sign_in(db, "dangzheng", DISTINCTIVE[3]).actor is not None
    db.act_as(Actor.program())


def test_no_password_in_clear_anywhere_in_the_database(db: Database) -> None:
    """Hashes are argon2id PHC strings; no password is in any column, in any audit entry or
    (SQLite) anywhere in the bytes of the database file and its WAL."""
    make_accounts_with_distinctive_passwords(db)
    with db.session() as s:
        hashes = list(s.scalars(select(User.password_hash)))
        texts = [f"{e.username}{e.summary}{e.changes}" for e in s.scalars(select(AuditEntry))]
    assert len(hashes) == 2 and all(h.startswith("$argon2id$") for h in hashes)
    for password in DISTINCTIVE:
        assert all(password not in h for h in hashes)
        assert all(password not in t for t in texts)
    if db.path is None:  # PostgreSQL: the columns are all there is to read
        return
    files = [p for p in (db.path, Path(f"{db.path}-wal")) if p.exists()]
    raw = b"".join(p.read_bytes() for p in files)
    assert b"$argon2id$" in raw and "党政办".encode() in raw  # the search finds what is stored
    for password in DISTINCTIVE:
        assert password.encode("utf-8") not in raw, password
        assert password.encode("utf-16-le") not in raw, password


def test_a_restored_backup_keeps_the_user_only_if_their_account_is_in_it(db: Database) -> None:
    """After a restore the window keeps the same user with their roles in the restored data;
    an account newer than the backup (or disabled in it) must sign in again."""
    from app.services.maintenance import record_restore

    uid = add_user(db, "zhangsan", [Role.CLERK])
    with db.session() as s:
        kept = accounts.actor_again(s, accounts.actor_for(s.get(User, uid)))
        assert kept is not None and kept.roles == frozenset({Role.CLERK})
        newer = Actor(uid + 100, "lisi", "李四", frozenset({Role.ADMIN}))
        assert accounts.actor_again(s, newer) is None
        assert accounts.actor_again(s, None) is None
    db.act_as(None)  # as after a restore whose backup lacks the user
    with db.session() as s:
        record_restore(s, "zhilian-20261101.db", newer)
    [entry] = entries(db, "restore")
    assert (entry.user_id, entry.username) == (None, "lisi")
    assert "恢复者的账户不在这份备份中" in entry.summary
