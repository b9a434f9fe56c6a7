"""The audit trail: one entry per change (who, what, before and after), nothing for what was
rolled back, append-only in the database, and a hash chain that shows any hand edit."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from app import audit, roster
from app.auth import Actor
from app.db import Database
from app.errors import ValidationError
from app.models import AuditEntry, AuditHead, Person, Role, User, UserRole
from app.services import accounts, communities, households, people
from tests.databases import open_test_database
from tests.roster_files import ID_CHEN, good_rows, write_book

REFUSED = "只能追加"
ID_OTHER = "440781198001011233"


@pytest.fixture
def clerk(db: Database) -> Actor:
    """A real 党政办 account (entries point at it); a cheap hash, since nobody signs in."""
    with db.session() as s:
        user = User(username="dangzheng", display_name="党政办小林",
                    password_hash=PasswordHasher(time_cost=1, memory_cost=8192).hash("unused-pw"),
                    roles=[UserRole(role=Role.CLERK)])
        s.add(user)
        s.flush()
        actor = accounts.actor_for(user)
    return actor


def all_entries(db: Database) -> list[AuditEntry]:
    with db.session() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def new_entries(db: Database, after: int) -> list[AuditEntry]:
    return [e for e in all_entries(db) if e.id > after]


def last_id(db: Database) -> int:
    entries = all_entries(db)
    return entries[-1].id if entries else 0


def check(db: Database) -> tuple[int, list[str]]:
    with db.session() as s:
        return audit.verify(s)


# --- what an entry says --------------------------------------------------------------------

def test_an_edit_records_who_what_before_and_after(db: Database, clerk: Actor) -> None:
    with db.session() as s:
        person = people.create_person(s, people.PersonInput("陈志强", phones="13800000001",
                                                            resident_id=ID_CHEN))
    before = last_id(db)
    db.act_as(clerk)
    started = datetime.now()
    with db.session() as s:
        people.update_person(s, person.id, people.PersonInput(
            "陈志强", phones="13900000002", resident_id=ID_OTHER, unit="云溪镇"))
    db.act_as(Actor.program())
    [entry] = new_entries(db, before)
    assert (entry.action, entry.entity, entry.entity_id) == ("update", "person", person.id)
    assert (entry.user_id, entry.username) == (clerk.user_id, "dangzheng")
    assert entry.host and entry.summary == "人员：陈志强"
    assert started - timedelta(seconds=1) <= entry.at <= datetime.now() + timedelta(seconds=1)
    changes = json.loads(entry.changes)
    assert changes["mobile"] == {"前": "13800000001", "后": "13900000002"}
    assert changes["unit"] == {"前": "", "后": "云溪镇"}
    assert changes["resident_id"] == {"前": "110105********002X", "后": "440781********1233"}
    # gender: left blank in the form, so read from the new ID (its 17th digit); unchanged
    # fields are left out
    assert set(changes) == {"mobile", "unit", "resident_id", "gender"}
    assert changes["gender"]["前"] != changes["gender"]["后"]  # …02X is a woman's, …123 a man's
    assert ID_CHEN not in entry.changes and ID_OTHER not in entry.changes


def test_create_and_delete_record_the_values(db: Database, clerk: Actor) -> None:
    db.act_as(clerk)
    with db.session() as s:
        village = communities.ensure_community(s, "石岗村")
        household = households.create_household(s, households.HouseholdInput(
            village.id, "石岗村1号", "张大山", head_resident_id=ID_OTHER, note="低保户"))
    with db.session() as s:
        spare = communities.ensure_community(s, "错字村")
    with db.session() as s:
        communities.delete_community(s, spare.id)
    db.act_as(Actor.program())
    by_key = {(e.action, e.entity, e.entity_id): e for e in all_entries(db)}
    created = json.loads(by_key[("create", "household", household.id)].changes)
    assert created["head_name"] == {"后": "张大山"} and created["note"] == {"后": "低保户"}
    assert created["head_resident_id"] == {"后": "440781********1233"}
    removed = by_key[("delete", "community", spare.id)]
    assert removed.username == "dangzheng" and removed.summary == "村（社区）：错字村"
    assert json.loads(removed.changes)["name"] == {"前": "错字村"}
    assert all(ID_OTHER not in e.changes for e in all_entries(db))


def test_nothing_is_recorded_for_a_save_that_changes_nothing(db: Database) -> None:
    with db.session() as s:
        person = people.create_person(s, people.PersonInput("陈志强", phones="13800000001"))
    before = last_id(db)
    with db.session() as s:
        people.update_person(s, person.id, people.PersonInput("陈志强", phones="13800000001"))
    assert new_entries(db, before) == []


# --- rolled back: no entry -----------------------------------------------------------------

def test_a_rolled_back_action_leaves_no_entry(db: Database) -> None:
    with db.session() as s:
        person = people.create_person(s, people.PersonInput("陈志强"))
    before = last_id(db)

    class Interrupted(Exception):
        pass

    with pytest.raises(Interrupted), db.session() as s:
        people.create_person(s, people.PersonInput("半途"))
        people.update_person(s, person.id, people.PersonInput("陈志强", phones="13800000001"))
        s.flush()
        raise Interrupted
    with pytest.raises(ValidationError), db.session() as s:
        people.create_person(s, people.PersonInput("也半途"))
        people.create_person(s, people.PersonInput(" "))
    assert new_entries(db, before) == []
    # A long-lived session: what was rolled back is not written by its next commit either.
    s = db.new_session()
    try:
        people.create_person(s, people.PersonInput("撤回的人"))
        s.flush()
        s.rollback()
        people.create_person(s, people.PersonInput("留下的人"))
        s.commit()
    finally:
        s.close()
    assert [e.summary for e in new_entries(db, before)] == ["人员：留下的人"]
    assert check(db) == (before + 1, [])


def test_a_rolled_back_savepoint_leaves_no_entry(db: Database) -> None:
    before = last_id(db)
    with db.session() as s:
        kept = s.begin_nested()
        people.create_person(s, people.PersonInput("甲"))
        kept.commit()
        dropped = s.begin_nested()
        people.create_person(s, people.PersonInput("乙"))
        s.flush()
        dropped.rollback()
        people.create_person(s, people.PersonInput("丙"))
    assert [e.summary for e in new_entries(db, before)] == ["人员：甲", "人员：丙"]


def test_an_import_preview_records_nothing(db: Database, tmp_path: Path) -> None:
    before = last_id(db)
    book = write_book(tmp_path / "名册.xlsx", good_rows())
    with db.session() as s:  # even when the session that previewed is committed
        preview = roster.preview_import(s, book)
    assert preview.teams_new == 2
    assert new_entries(db, before) == []


# --- bulk work: one entry ------------------------------------------------------------------

def test_an_import_writes_one_entry_with_counts(db: Database, clerk: Actor, tmp_path: Path
                                                ) -> None:
    before = last_id(db)
    db.act_as(clerk)
    roster.apply_import(db, write_book(tmp_path / "名册.xlsx", good_rows()))
    db.act_as(Actor.program())
    [entry] = new_entries(db, before)
    assert (entry.action, entry.username, entry.summary) == ("import", "dangzheng",
                                                             "导入名册：名册.xlsx")
    counts = json.loads(entry.changes)["数量"]
    assert counts == {"驻点团队新增": 2, "团队驻点村（社区）新增": 3, "村（社区）新增": 3,
                      "人员新增": 5, "团队成员新增": 6, "网格新增": 1, "住户新增": 3,
                      "重点人群标记新增": 1}
    assert check(db) == (before + 1, [])


def test_an_export_writes_an_entry(db: Database, clerk: Actor, tmp_path: Path) -> None:
    roster.apply_import(db, write_book(tmp_path / "名册.xlsx", good_rows()))
    before = last_id(db)
    db.act_as(clerk)
    with db.session() as s:
        roster.export_roster(s, tmp_path / "导出.xlsx")
    db.act_as(Actor.program())
    [entry] = new_entries(db, before)
    assert (entry.action, entry.user_id, entry.username) == ("export", clerk.user_id, "dangzheng")
    assert entry.summary == "导出名册：导出.xlsx（住户 3 户）"
    assert audit.ACTION_LABELS[entry.action] == "导出"


# --- append-only ---------------------------------------------------------------------------

Tamper = Callable[[object], None]
TAMPERING: dict[str, Tamper] = {
    "orm_update": lambda s: setattr(s.get(AuditEntry, 1), "summary", "改过"),
    "orm_delete": lambda s: s.delete(s.get(AuditEntry, 1)),
    "update_statement": lambda s: s.execute(update(AuditEntry).values(summary="改过")),
    "delete_statement": lambda s: s.execute(delete(AuditEntry).where(AuditEntry.id == 1)),
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_entries_cannot_be_changed_or_deleted(db: Database, how: str) -> None:
    with db.session() as s:
        people.create_person(s, people.PersonInput("陈志强"))
        people.create_person(s, people.PersonInput("王海"))
    before = [(e.id, e.summary, e.hash) for e in all_entries(db)]
    with pytest.raises(DBAPIError, match=REFUSED), db.session() as s:
        TAMPERING[how](s)
        s.flush()
    assert [(e.id, e.summary, e.hash) for e in all_entries(db)] == before
    assert check(db) == (2, [])


def test_the_audit_table_cannot_be_truncated_on_postgresql(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE 只有 PostgreSQL 有（SQLite 的 DELETE 已被拒绝）")
    with db.session() as s:
        people.create_person(s, people.PersonInput("陈志强"))
    with pytest.raises(DBAPIError, match=REFUSED), db.session() as s:
        s.execute(text("TRUNCATE audit_entry"))
    assert len(all_entries(db)) == 1


# --- the chain -----------------------------------------------------------------------------

@pytest.fixture
def chained(db: Database) -> Database:
    """Six entries, one per person."""
    for name in ("甲", "乙", "丙", "丁", "戊", "己"):
        with db.session() as s:
            people.create_person(s, people.PersonInput(name))
    assert check(db) == (6, [])
    return db


@pytest.fixture
def by_hand(chained: Database, db_path: Path) -> Iterator[Callable[[list[str]], Database]]:
    """Run SQL on the database as someone with the file (or the server) would, around the
    program: the append-only triggers dropped (SQLite, with the sqlite3 module) or switched off
    for the session (PostgreSQL); then the database opened again as the program would."""
    opened: list[Database] = []

    def run(statements: list[str]) -> Database:
        if chained.path is not None:
            chained.close()
            conn = sqlite3.connect(chained.path)
            conn.execute("DROP TRIGGER audit_entry_no_update")
            conn.execute("DROP TRIGGER audit_entry_no_delete")
            for sql in statements:
                conn.execute(sql)
            conn.commit()
            conn.close()
        else:
            with chained.engine.begin() as conn:
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                for sql in statements:
                    conn.execute(text(sql))
            chained.close()
        again = open_test_database(db_path)
        opened.append(again)
        return again

    yield run
    for d in opened:
        d.close()


def test_an_intact_chain_verifies(chained: Database) -> None:
    count, problems = check(chained)
    assert (count, problems) == (6, [])
    with chained.session() as s:
        head = s.get_one(AuditHead, 1)
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (head.last_id, head.last_hash) == (last.id, last.hash)


def test_a_hand_edit_is_reported(by_hand: Callable[[list[str]], Database]) -> None:
    db = by_hand(["UPDATE audit_entry SET summary = '人员：改名' WHERE id = 3"])
    count, problems = check(db)
    assert count == 6
    assert len(problems) == 1 and problems[0].startswith("第 3 条操作记录") \
        and "被改动过" in problems[0], problems


def test_a_hand_edit_with_a_recomputed_hash_is_reported_at_the_next_entry(
        by_hand: Callable[[list[str]], Database]) -> None:
    """Whoever also rewrites the entry's hash breaks the link to the one after it."""
    db = by_hand(["UPDATE audit_entry SET hash = '" + "0" * 64 + "' WHERE id = 4"])
    _, problems = check(db)
    assert any(p.startswith("第 4 条") for p in problems)
    assert any(p.startswith("第 5 条操作记录与前一条接不上") for p in problems)


def test_a_deleted_middle_entry_is_reported(by_hand: Callable[[list[str]], Database]) -> None:
    db = by_hand(["DELETE FROM audit_entry WHERE id = 3"])
    count, problems = check(db)
    assert count == 5
    assert "第 3–3 条操作记录不见了（被删除过）" in problems
    assert any(p.startswith("第 4 条操作记录与前一条接不上") for p in problems)


def test_deleted_last_entries_are_reported(by_hand: Callable[[list[str]], Database]) -> None:
    db = by_hand(["DELETE FROM audit_entry WHERE id >= 5"])
    count, problems = check(db)
    assert count == 4
    assert problems == ["最后的第 5–6 条操作记录不见了（被删除过）"]


def test_the_chain_goes_on_after_reopening(chained: Database, db_path: Path) -> None:
    chained.close()
    again = open_test_database(db_path)
    try:
        with again.session() as s:
            people.create_person(s, people.PersonInput("庚"))
        assert check(again) == (7, [])
        with again.session() as s:
            assert s.scalar(select(Person.name).where(Person.id == 7)) == "庚"
    finally:
        again.close()


def test_verify_leaves_the_callers_session_alone(chained: Database) -> None:
    """Checking the chain inside a unit of work must not detach what the caller holds."""
    with chained.session() as s:
        person = s.scalars(select(Person).where(Person.name == "甲")).one()
        assert audit.verify(s) == (6, [])
        person.name = "甲乙"
    with chained.session() as s:
        assert s.scalar(select(Person.name).where(Person.id == person.id)) == "甲乙"
    assert all_entries(chained)[-1].summary == "人员：甲乙"
    assert check(chained) == (7, [])
