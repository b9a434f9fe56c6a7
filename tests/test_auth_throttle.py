"""Sign-in throttling that gives no names away, applies per computer as well as per account,
and never conflicts with itself when the same account signs in on two PCs at once."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db import Database
from app.models import AuditEntry, Role, SignInThrottle, User
from app.services import accounts
from tests.databases import open_test_database, postgres_mode
from tests.test_auth_accounts import PASSWORD, T0, add_user, entries, user


def attempt(db: Database, username: str, password: str, when, host: str) -> accounts.SignIn:
    with db.session() as s:
        return accounts.sign_in(s, username, password, now=when, host=host)


def test_a_locked_account_answers_like_an_unknown_name(db: Database) -> None:
    uid = add_user(db, "zhangsan", [Role.CLERK])
    # Another computer's guesses lock the account ...
    for n in range(5):
        attempt(db, "zhangsan", f"Wrong-guess-{n}", T0 + timedelta(seconds=n), "pc-other")
    assert user(db, uid).failed_attempts == 5
    # ... and here, at a computer with a clean record, the locked name and a name that is no
    # account at all get the very same answer, whatever the password.
    later = T0 + timedelta(seconds=6)
    locked = attempt(db, "zhangsan", PASSWORD, later, "pc-a")
    unknown = attempt(db, "nobody-here", PASSWORD, later, "pc-b")
    assert locked.actor is None
    assert locked.message == unknown.message == "用户名或密码不对。还可再试 4 次，之后每次要等待。"
    assert "zhangsan" not in locked.message and "输错 5" not in locked.message
    # The record says what happened, for the administrator.
    assert entries(db, "login_failed")[-2].summary == "登录被推迟（连续输错）"


def test_throttling_applies_per_computer_across_user_names(db: Database) -> None:
    add_user(db, "zhangsan", [Role.CLERK])
    # Guessing a different (unknown) name each time still counts against the computer.
    for n in range(5):
        result = attempt(db, f"guess{n}", "Whatever-1", T0 + timedelta(seconds=n), "pc-a")
    assert result.message == "用户名或密码不对。请 30 秒后再试。"
    # Even a real account with its right password must wait at that computer ...
    early = attempt(db, "zhangsan", PASSWORD, T0 + timedelta(seconds=10), "pc-a")
    assert early.actor is None
    assert early.message == "这台电脑已连续输错 5 次密码，请 24 秒后再试。"
    # ... but not at another one, and the account itself was never counted.
    assert attempt(db, "zhangsan", PASSWORD, T0 + timedelta(seconds=10), "pc-b").actor is not None
    # After the wait, a right password signs in and clears the computer's count.
    assert attempt(db, "zhangsan", PASSWORD, T0 + timedelta(seconds=35), "pc-a").actor is not None
    with db.session() as s:
        assert s.scalar(select(SignInThrottle.failed_attempts)
                        .where(SignInThrottle.host == "pc-a")) == 0


def test_a_computer_forgets_failures_after_a_day(db: Database) -> None:
    for n in range(5):
        attempt(db, "guess", "Whatever-1", T0, "pc-a")
    next_day = attempt(db, "guess", "Whatever-1", T0 + timedelta(days=1, seconds=1), "pc-a")
    assert next_day.message == "用户名或密码不对。还可再试 4 次，之后每次要等待。"


def test_sign_in_does_not_touch_the_versioned_row(db: Database) -> None:
    uid = add_user(db, "zhangsan", [Role.CLERK])
    version = user(db, uid).version
    attempt(db, "zhangsan", "Wrong-guess-1", T0, "pc-a")
    attempt(db, "zhangsan", PASSWORD, T0 + timedelta(seconds=1), "pc-a")
    stored = user(db, uid)
    assert stored.version == version and stored.last_login_at == T0 + timedelta(seconds=1)
    assert not [e for e in entries(db, "update") if e.entity == "app_user"]


@pytest.mark.skipif(not postgres_mode(), reason="只在 PostgreSQL 模式下运行（ZHILIAN_TEST_DB_URL）")
def test_same_account_on_several_pcs_at_once_never_conflicts(db_path: Path) -> None:
    setup = open_test_database(db_path)
    uid = add_user(setup, "zhangsan", [Role.CLERK])
    setup.close()
    pcs = [open_test_database(db_path) for _ in range(4)]
    rounds, results, errors = 5, [], []
    barrier = threading.Barrier(len(pcs))

    def one_pc(db: Database, n: int) -> None:
        try:
            for r in range(rounds):
                barrier.wait()
                # Few wrong guesses (the account stays under its limit), then the right one.
                password = "Wrong-pass-1" if r == 0 else PASSWORD
                with db.session() as s:
                    results.append(accounts.sign_in(s, "zhangsan", password, host=f"pc-{n}"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one_pc, args=(db, n)) for n, db in enumerate(pcs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for db in pcs:
        db.close()
    assert errors == []
    assert len(results) == rounds * len(pcs)
    check = open_test_database(db_path)
    try:
        failed = entries(check, "login_failed")
        assert len(failed) == len(pcs)  # every concurrent wrong password audited ...
        # ... and counted: the counts 1..4 each appear once (no two read the same value).
        assert sorted(e.summary for e in failed) == [f"密码错误（连续第 {n} 次）" for n in range(1, 5)]
        assert len(entries(check, "login")) == (rounds - 1) * len(pcs)
        with check.session() as s:
            from app import audit
            assert audit.verify(s)[1] == []
            assert s.scalar(select(func.count()).select_from(AuditEntry)) >= rounds * len(pcs)
            assert s.get_one(User, uid).failed_attempts == 0
    finally:
        check.close()
