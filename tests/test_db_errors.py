"""Failures a user can act on reach them as Chinese messages, with nothing half-saved."""

from __future__ import annotations

import sqlite3

import pytest
from app.db import Database
from app.errors import DatabaseError, DomainError
from app.models import Community
from app.services import communities

pytestmark = pytest.mark.sqlite_only


def test_a_locked_database_is_told_and_nothing_is_saved(db: Database, db_path) -> None:
    with db.session() as s:
        communities.ensure_community(s, "石岗村")
    blocker = sqlite3.connect(db_path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError, match="数据库正忙"), db.session() as s:
            s.connection().exec_driver_sql("PRAGMA busy_timeout=0")  # fail now, not in 5 s
            communities.ensure_community(s, "新围社区")
    finally:
        blocker.rollback()
        blocker.close()
    with db.session() as s:
        assert [c.name for c in communities.list_communities(s)] == ["石岗村"]


def test_a_stale_row_is_told_as_a_conflict(db: Database) -> None:
    with db.session() as s:
        community_id = communities.ensure_community(s, "石岗村").id
    with pytest.raises(DomainError, match="已被其他人修改"), db.session() as s:
        community = s.get(Community, community_id)
        s.commit()  # the form is open; its row stays loaded, its read transaction is over
        with db.session() as other:
            other.get(Community, community_id).note = "别人先改了"
        community.note = "我后改"
    with db.session() as s:
        assert s.get(Community, community_id).note == "别人先改了"
