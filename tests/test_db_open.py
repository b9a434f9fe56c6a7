"""Opening a file: safe connection settings, a quick check, and the data revision counter."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from app.db import Database, open_database, restore, set_aside
from app.db import backup as backups
from app.errors import DatabaseDamagedError
from app.models import Community, Household, Person
from app.services import communities, households, people

pytestmark = pytest.mark.sqlite_only  # about SQLite files: locks, WAL, backups, damage


def test_every_connection_is_set_up_safely(db: Database) -> None:
    with db.engine.connect() as conn:
        pragma = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in ("foreign_keys", "journal_mode", "synchronous", "busy_timeout")}
    assert pragma["foreign_keys"] == 1
    assert pragma["journal_mode"] == "wal"
    assert pragma["synchronous"] == 2  # FULL
    assert pragma["busy_timeout"] >= 1000


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        with db.engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO grid (community_id, name) VALUES (999, '一网格')")


def test_new_file_is_created_at_the_current_schema(db_path: Path) -> None:
    with open_database(db_path) as db:
        assert db.report.created and db.report.upgraded_from is None
        assert db.report.backups == []
    with open_database(db_path) as db:
        assert not db.report.created


def revision_after(db: Database, action) -> int:
    before = db.data_revision()
    with db.session() as s:
        action(s)
    return db.data_revision() - before


def test_data_revision_rises_once_per_committed_change(db: Database) -> None:
    def add_two(s) -> None:
        people.create_person(s, people.PersonInput(name="甲"))
        people.create_person(s, people.PersonInput(name="乙"))

    assert revision_after(db, add_two) == 1
    assert revision_after(db, lambda s: s.scalars(select(Person)).all()) == 0
    assert revision_after(db, lambda s: s.execute(
        insert(Community), [{"name": "新村", "kind": "village"}])) == 1
    assert revision_after(db, lambda s: s.execute(update(Person).values(note="批量"))) == 1


def test_no_rise_for_rolled_back_or_unchanged_work(db: Database) -> None:
    with db.session() as s:
        person_id = people.create_person(s, people.PersonInput(name="甲")).id
    before = db.data_revision()
    with pytest.raises(RuntimeError):
        with db.session() as s:
            people.create_person(s, people.PersonInput(name="乙"))
            raise RuntimeError("取消")
    assert revision_after(db, lambda s: setattr(s.get(Person, person_id), "name", "甲")) == 0
    assert db.data_revision() == before
    # A long-lived session that rolled a change back does not count it at its next commit.
    with db.new_session() as s:
        people.create_person(s, people.PersonInput(name="丙"))
        s.rollback()
        s.commit()
    assert db.data_revision() == before


def fill_many(db: Database, count: int = 1500) -> None:
    with db.session() as s:
        village = communities.ensure_community(s, "石岗村")
        for i in range(count):
            households.create_household(s, households.HouseholdInput(
                community_id=village.id, address=f"石岗村{i + 1}号之{'甲' * 20}",
                head_name=f"户主{i}", note="备注" * 30))


def damage(path: Path) -> None:
    """Overwrite pages in the middle of the file, as a failing disk would."""
    page = 4096
    pages = path.stat().st_size // page
    with open(path, "r+b") as f:
        for n in range(pages // 3, pages // 3 + 5):
            f.seek(n * page)
            f.write(b"\xa5" * page)


def test_damaged_file_is_reported_set_aside_and_restored(db: Database, db_path: Path) -> None:
    fill_many(db)
    good = db.backup("manual")
    db.close()
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 4096
    damage(db_path)

    with pytest.raises(DatabaseDamagedError, match="已损坏") as refused:
        open_database(db_path)
    assert refused.value.path == str(db_path)

    moved = set_aside(db_path)
    assert moved.exists() and not db_path.exists() and "损坏" in moved.name
    assert backups.latest_good_backup(db_path).path == good
    with restore(db_path, good) as again, again.session() as s:
        assert len(s.scalars(select(Household.id)).all()) == 1500
