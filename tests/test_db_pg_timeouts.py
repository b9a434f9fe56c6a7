"""Several PCs on one PostgreSQL server: one PC stuck inside a save does not freeze the
others without a word, and a restarting server is told in Chinese, then reconnected to.
Run only against a server (ZHILIAN_TEST_DB_URL)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.db import engine as engines
from app.db.errors import BUSY_ELSEWHERE, SERVER_GONE
from app.errors import DatabaseError
from app.models import Community
from app.services import communities
from tests.databases import open_test_database, postgres_mode

server_only = pytest.mark.skipif(not postgres_mode(),
                                reason="只在 PostgreSQL 模式下运行（ZHILIAN_TEST_DB_URL）")


@server_only
def test_connections_carry_timeouts_and_keepalives(db_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engines, "PG_IDLE_IN_TRANSACTION_MS", 60_000)  # the program's default
    db = open_test_database(db_path)
    try:
        with db.engine.connect() as conn:
            shown = {name: conn.execute(text(f"SHOW {name}")).scalar() for name in (
                "lock_timeout", "statement_timeout", "idle_in_transaction_session_timeout")}
        assert shown == {"lock_timeout": "10s", "statement_timeout": "2min",
                         "idle_in_transaction_session_timeout": "1min"}
        args = engines.pg_connect_args(db.url)
        assert args["keepalives"] == 1 and args["connect_timeout"] == engines.PG_CONNECT_TIMEOUT_S
    finally:
        db.close()


@server_only
def test_a_pc_stuck_in_a_save_makes_the_others_wait_only_until_the_lock_timeout(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engines, "PG_LOCK_TIMEOUT_MS", 1000)
    stuck, other = open_test_database(db_path), open_test_database(db_path)
    try:
        with stuck.session() as s:
            communities.ensure_community(s, "石岗村")
        # PC 1 is inside a save and then goes to sleep: its transaction holds the audit head.
        sleeper = stuck.new_session()
        communities.ensure_community(sleeper, "新围社区")
        sleeper.flush()
        from app.audit import recorder
        recorder.write(sleeper)
        started = time.monotonic()
        with pytest.raises(DatabaseError) as told, other.session() as s:
            communities.ensure_community(s, "沙坑村")
        waited = time.monotonic() - started
        assert told.value.message == BUSY_ELSEWHERE
        assert "另一台电脑正在保存，请稍后再试" in told.value.message
        assert waited < 5, waited
        sleeper.rollback()
        sleeper.close()
        # Once PC 1 lets go, PC 2 saves as usual.
        with other.session() as s:
            communities.ensure_community(s, "沙坑村")
        with other.session() as s:
            assert sorted(s.scalars(select(Community.name))) == ["沙坑村", "石岗村"]
    finally:
        stuck.close()
        other.close()


@server_only
def test_a_transaction_left_open_is_ended_by_the_server(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engines, "PG_IDLE_IN_TRANSACTION_MS", 500)
    db = open_test_database(db_path)
    try:
        with pytest.raises(DatabaseError, match="没有保存"), db.session() as s:
            communities.ensure_community(s, "石岗村")
            s.flush()
            time.sleep(1.5)  # asleep mid-save: the server ends the transaction, freeing its locks
        with db.session() as s:  # and the program carries on with a fresh connection
            communities.ensure_community(s, "沙坑村")
        with db.session() as s:
            assert list(s.scalars(select(Community.name))) == ["沙坑村"]
    finally:
        db.close()


@server_only
def test_a_restarting_server_is_told_in_chinese_and_reconnected_to(db_path: Path) -> None:
    db, admin = open_test_database(db_path), open_test_database(db_path)
    try:
        with db.session() as s:
            communities.ensure_community(s, "石岗村")
        with pytest.raises(DatabaseError) as told, db.session() as s:
            pid = s.scalar(text("SELECT pg_backend_pid()"))
            with admin.engine.connect() as conn:  # what a server restart does to each session
                conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            communities.ensure_community(s, "新围社区")
        assert told.value.message == SERVER_GONE and "没有保存" in told.value.message
        with db.session() as s:  # the server is there again: the next save just works
            communities.ensure_community(s, "沙坑村")
        with db.session() as s:
            assert sorted(s.scalars(select(Community.name))) == ["沙坑村", "石岗村"]
    finally:
        db.close()
        admin.close()


@pytest.mark.parametrize("server_says", [
    "FATAL:  terminating connection due to administrator command",
    "FATAL:  the database system is not yet accepting connections",
    "FATAL:  the database system is starting up",
    'FATAL:  database "town" does not exist',
    "ERROR:  canceling statement due to lock timeout",
])
def test_server_states_become_chinese(server_says: str) -> None:
    from sqlalchemy.exc import OperationalError

    from app.db.errors import translate

    known = translate(OperationalError("COMMIT", {}, Exception(server_says)))
    assert known is not None and "没有保存" in known.message


def test_a_missing_table_stays_a_bug() -> None:
    from sqlalchemy.exc import ProgrammingError

    from app.db.errors import translate

    assert translate(ProgrammingError("SELECT", {}, Exception('relation "x" does not exist'))) is None
