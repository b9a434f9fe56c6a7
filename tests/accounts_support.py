"""Accounts for tests that drive commands: an administrator, and the environment that makes
``python main.py <command>`` act as them."""

from __future__ import annotations

import pytest

from app.db import Database
from app.services import accounts

ADMIN = "guanliyuan"
ADMIN_PASSWORD = "Yunxi-2026-test"


def add_admin(db: Database) -> None:
    """The first administrator (``db`` acts as the program, as test databases do)."""
    with db.session() as s:
        accounts.create_first_admin(s, ADMIN, "测试管理员", ADMIN_PASSWORD)


def act_as_admin_in_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHILIAN_USER", ADMIN)
    monkeypatch.setenv("ZHILIAN_PASSWORD", ADMIN_PASSWORD)
