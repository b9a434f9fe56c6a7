"""Backups: taken with SQLite's backup API, verified, rotated, and restorable."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.auth import Actor
from app.db import Database, open_database, restore
from app.db import backup as backups
from app.errors import DatabaseError, DatabaseInUseError
from app.models import Household, Person
from app.paths import backup_dir_for
from app.services import communities, households, people

pytestmark = pytest.mark.sqlite_only  # about SQLite files: locks, WAL, backups, damage


def add_people(db: Database, *names: str) -> None:
    with db.session() as s:
        for name in names:
            people.create_person(s, people.PersonInput(name=name))


def names(db: Database) -> list[str]:
    with db.session() as s:
        return sorted(s.scalars(select(Person.name)))


def names_in(path: Path) -> list[str]:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return sorted(r[0] for r in conn.execute("SELECT name FROM person"))


def test_backup_is_a_verified_standalone_copy_of_committed_data(db: Database) -> None:
    add_people(db, "甲", "乙")
    with db.session() as s:  # uncommitted work in progress is not in the backup
        people.create_person(s, people.PersonInput(name="未提交"))
        s.flush()
        target = db.backup("manual")
    assert target.parent == backup_dir_for(db.path) and target.name.endswith("-manual.db")
    assert names_in(target) == sorted(["甲", "乙"])
    with closing(sqlite3.connect(target)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    [info] = backups.list_backups(db.path)
    assert (info.path, info.reason, info.reason_label) == (target, "manual", "手动")


def test_start_backup_only_when_data_changed(db: Database) -> None:
    add_people(db, "甲")
    first = db.backup_if_changed()
    assert first is not None and first.name.endswith("-start.db")
    assert db.backup_if_changed() is None
    add_people(db, "乙")
    second = db.backup_if_changed()
    assert second is not None and second != first
    assert names_in(second) == sorted(["甲", "乙"])


def fake_backup(folder: Path, when: datetime, reason: str = "start") -> Path:
    path = folder / f"town-{when:%Y%m%d-%H%M%S}-{reason}.db"
    path.write_bytes(b"")
    return path


def test_rotation_keeps_newest_ten_daily_fortnight_and_monthly_year(tmp_path: Path) -> None:
    folder = tmp_path / "town-backups"
    folder.mkdir()
    now = datetime(2026, 6, 15, 12, 30)
    today = [fake_backup(folder, now.replace(hour=12, minute=m)) for m in range(12)]
    evenings = [fake_backup(folder, datetime(2026, 6, d, 20)) for d in range(1, 15)]
    mornings = [fake_backup(folder, datetime(2026, 6, d, 8)) for d in range(1, 15)]
    months = [(2025, m) for m in range(7, 13)] + [(2026, m) for m in range(1, 6)]
    month_late = [fake_backup(folder, datetime(y, m, 20, 9)) for y, m in months]
    month_early = [fake_backup(folder, datetime(y, m, 10, 9)) for y, m in months]
    too_old = [fake_backup(folder, datetime(2025, 6, 20, 9)), fake_backup(folder, datetime(2024, 1, 5))]
    other = [folder / "town-20200101-000000-manual.partial", folder / "说明.txt"]
    for path in other:
        path.write_text("x")

    removed = backups.rotate(folder, now=now)

    kept = set(today[2:]) | set(evenings[1:]) | set(month_late)
    assert {p for p in folder.iterdir()} == kept | set(other)
    assert set(removed) == set(today[:2]) | {evenings[0]} | set(mornings) | set(month_early) \
        | set(too_old)
    assert len(kept) == 10 + 13 + 11


def test_rotation_runs_after_each_backup(db: Database) -> None:
    folder = backup_dir_for(db.path)
    folder.mkdir(parents=True)
    old = [fake_backup(folder, datetime(2026, 6, 1, 8) - timedelta(minutes=i)) for i in range(12)]
    target = db.backup("manual")
    left = {p for p in folder.iterdir()}
    assert target in left and len(left & set(old)) == 9


def test_latest_good_backup_skips_damaged_ones(db: Database) -> None:
    add_people(db, "甲")
    older = db.backup("manual")
    add_people(db, "乙")
    newer = db.backup("manual")
    assert backups.latest_good_backup(db.path).path == newer
    with open(newer, "r+b") as f:
        f.seek(0)
        f.write(b"garbage")
    assert backups.latest_good_backup(db.path).path == older
    older.unlink()
    assert backups.latest_good_backup(db.path) is None


def household_table(db: Database) -> list[tuple[str, str]]:
    with db.session() as s:
        return sorted((r.address, r.head_name)
                      for r in s.execute(select(Household.address, Household.head_name)))


def test_restore_round_trip(db_path: Path) -> None:
    with open_database(db_path).act_as(Actor.program()) as db:
        add_people(db, "甲", "乙")
        with db.session() as s:
            village = communities.ensure_community(s, "石岗村")
            households.create_household(s, households.HouseholdInput(
                community_id=village.id, address="石岗村1号", head_name="王五"))
        saved = db.backup("manual")
        expected = (names(db), household_table(db))
        add_people(db, "丙")
        with db.session() as s:
            s.execute(Household.__table__.delete())
        changed = (names(db), household_table(db))
        revision_before = db.data_revision()

    with restore(db_path, saved) as db:
        assert (names(db), household_table(db)) == expected
        with pytest.raises(DatabaseInUseError):  # held until closed, no gap for another copy
            open_database(db_path)
        assert db.data_revision() > revision_before  # never repeats a revision a backup holds
    [pre] = [b for b in backups.list_backups(db_path) if b.reason == "restore"]
    assert names_in(pre.path) == changed[0]
    assert saved.exists()


def test_restore_refuses_bad_backups_and_leaves_the_file(db: Database, db_path: Path,
                                                          tmp_path: Path) -> None:
    add_people(db, "甲")
    good = db.backup("manual")
    db.close()
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(good.read_bytes()[:4096] + b"\x00" * 100 + good.read_bytes()[4196:])
    with open(damaged, "r+b") as f:
        f.seek(4096 * 2)
        f.write(b"\xff" * 4096)
    not_db = tmp_path / "名册.xlsx"
    not_db.write_bytes(b"PK\x03\x04" * 500)
    empty = tmp_path / "empty.db"
    with closing(sqlite3.connect(empty)) as conn:
        conn.execute("PRAGMA user_version = 1")
    foreign = tmp_path / "foreign.db"
    with closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE t (x)")
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    count = len(backups.list_backups(db_path))

    for bad, message in ((damaged, "损坏"), (not_db, "不是数据库备份"), (empty, "空的数据库"),
                         (foreign, "不是驻点直联工作台"), (tmp_path / "无.db", "找不到"),
                         (db_path, "自身")):
        with pytest.raises(DatabaseError, match=message):
            restore(db_path, bad)
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert len(backups.list_backups(db_path)) == count
    with open_database(db_path) as db:
        assert names(db) == ["甲"]


def test_restore_of_an_old_backup_survives_rotation(db: Database, db_path: Path) -> None:
    """The pre-restore backup must not rotate away the backup being restored."""
    add_people(db, "甲")
    old = db.backup("manual")
    add_people(db, "乙")
    for _ in range(9):
        db.backup("manual")
    ancient = old.with_name(f"town-{datetime(2020, 1, 1):%Y%m%d-%H%M%S}-manual.db")
    old.replace(ancient)
    db.close()
    with restore(db_path, ancient) as db:
        assert names(db) == ["甲"]
    assert not ancient.exists()  # rotated away afterwards, once it had been used
