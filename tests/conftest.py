"""Shared fixtures: every test gets its own data directory and a fresh database.

The database is a file by default; with ``ZHILIAN_TEST_DB_URL`` (see test.sh) it is a fresh
PostgreSQL database per test, and tests marked ``sqlite_only`` are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.db import Database  # noqa: E402
from tests.databases import SERVER, open_test_database  # noqa: E402

SQLITE_ONLY_REASON = "测的是 SQLite 数据库文件本身（锁、WAL、备份、损坏），PostgreSQL 模式下不适用"

if SERVER is not None:
    # The program's server ends a transaction idle for a minute (a PC asleep mid-save). On a CI
    # machine two busy test workers can leave a test's own session idle that long; the server
    # then cut it, and its connection was garbage-collected still open (a ResourceWarning that
    # failed an unrelated test). The tests of that timeout set their own (test_db_pg_timeouts).
    from app.db import engine as pg_engine  # noqa: E402

    pg_engine.PG_IDLE_IN_TRANSACTION_MS = 0  # 0: no limit


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SERVER is None:
        return
    skip = pytest.mark.skip(reason=SQLITE_ONLY_REASON)
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if SERVER is not None:
        SERVER.drop_all()


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ZHILIAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ZHILIAN_DB_URL", raising=False)
    made_before = len(SERVER.created) if SERVER else 0
    yield
    if SERVER is not None:
        SERVER.drop_since(made_before)  # the test's own server databases


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "town.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_test_database(db_path)
    yield database
    database.close()


@pytest.fixture
def window(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The main window over the test database, shown; its workers finished afterwards."""
    from ui import tasks
    from ui.context import AppContext
    from ui.main_window import MainWindow

    # "已保存" notes after a team form are modal; tests read the warnings from the services.
    monkeypatch.setattr("ui.teams.page.show_warnings", lambda *a: None)
    shown = MainWindow(AppContext(db))
    qtbot.addWidget(shown)
    shown.show()
    yield shown
    tasks.wait_all()
