"""Schema changes only through Alembic; upgrades are backed up first and all-or-nothing."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select

from app.db import backup as backups
from app.auth import Actor
from app.db import migrate, open_database, schema
from app.errors import DatabaseError, DatabaseTooNewError
from app.models import Base, Household, Person, Team
from app.services import communities, households, people, teams

pytestmark = pytest.mark.sqlite_only  # about SQLite files: locks, WAL, backups, damage

UPGRADE_OK = '''
from alembic import op
import sqlalchemy as sa

revision = "9999_test"
down_revision = "%s"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(sa.Column("nickname", sa.String(40), nullable=False, server_default=""))
    op.execute("UPDATE person SET nickname = name || '同志'")
'''

UPGRADE_FAILS = '''
from alembic import op
import sqlalchemy as sa

revision = "9999_test"
down_revision = "%s"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("scratch", sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Text))
    op.execute("INSERT INTO scratch (v) VALUES ('一'), ('二')")
    op.execute("UPDATE person SET name = name || '改'")
    with op.batch_alter_table("person") as batch_op:
        batch_op.add_column(sa.Column("nickname", sa.String(40), nullable=False, server_default=""))
    raise RuntimeError("升级到一半出错")
'''


def script_chain(location: Path) -> tuple[str, ...]:
    config = Config()
    config.set_main_option("script_location", str(location))
    walked = ScriptDirectory.from_config(config).walk_revisions("base", "heads")
    return tuple(reversed([s.revision for s in walked]))


def test_known_revisions_equal_the_migration_scripts() -> None:
    assert schema.KNOWN_REVISIONS == script_chain(migrate.MIGRATIONS)
    assert schema.HEAD == schema.KNOWN_REVISIONS[-1]


def test_models_match_the_migrations(db_path: Path) -> None:
    with open_database(db_path) as db, db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def fill(db_path: Path) -> None:
    """A file at the current revision holding teams, people and households."""
    with open_database(db_path).act_as(Actor.program()) as db, db.session() as s:
        leader = people.create_person(s, people.PersonInput(name="陈志强", phones="13800000001"))
        village = communities.ensure_community(s, "石岗村")
        teams.create_team(s, teams.default_input(s, "石岗村驻点团队", [village.id]), leader.id,
                          date(2026, 1, 5))
        for i in range(30):
            households.create_household(s, households.HouseholdInput(
                community_id=village.id, address=f"石岗村{i + 1}号", head_name=f"户主{i}"))


def snapshot(db_path: Path) -> tuple[list[str], list[str], int]:
    with open_database(db_path, write=False) as db, db.session() as s:
        return (sorted(s.scalars(select(Person.name))), sorted(s.scalars(select(Team.name))),
                len(s.scalars(select(Household.id)).all()))


def use_test_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> Path:
    """A copy of the real migrations plus one extra revision, made the program's head."""
    location = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, location, ignore=shutil.ignore_patterns("__pycache__"))
    (location / "versions" / "9999_test.py").write_text(source % schema.HEAD, encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS", location)
    monkeypatch.setattr(schema, "KNOWN_REVISIONS", (*schema.KNOWN_REVISIONS, "9999_test"))
    monkeypatch.setattr(schema, "HEAD", "9999_test")
    return location


def revision_in(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def test_older_file_is_backed_up_then_upgraded(db_path: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    fill(db_path)
    before = snapshot(db_path)
    location = use_test_revision(tmp_path, monkeypatch, UPGRADE_OK)
    assert script_chain(location) == schema.KNOWN_REVISIONS

    with open_database(db_path) as db:
        assert db.report.upgraded_from == schema.KNOWN_REVISIONS[-2]
        assert len(db.report.backups) == 1
        with db.engine.connect() as conn:
            nick = conn.exec_driver_sql("SELECT nickname FROM person WHERE name='陈志强'").scalar()
        assert nick == "陈志强同志"
    assert revision_in(db_path) == "9999_test"
    assert snapshot(db_path) == before

    saved = [b for b in backups.list_backups(db_path) if b.reason == "migrate"]
    assert [b.path for b in saved] == db.report.backups
    assert revision_in(saved[0].path) == schema.KNOWN_REVISIONS[-2]
    backups.verify(saved[0].path)


def committed_state(path: Path) -> tuple[str, list[str]]:
    """The file's bytes and a full SQL dump, read after every connection has closed."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        dump = list(conn.iterdump())
    return hashlib.sha256(path.read_bytes()).hexdigest(), dump


def test_failed_upgrade_leaves_the_file_exactly_as_it_was(db_path: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    fill(db_path)
    assert not db_path.with_name(db_path.name + "-wal").exists()  # closed: WAL checkpointed
    digest, dump = committed_state(db_path)
    use_test_revision(tmp_path, monkeypatch, UPGRADE_FAILS)

    with pytest.raises(DatabaseError, match="升级失败.*升级到一半出错"):
        open_database(db_path)

    assert not db_path.with_name(db_path.name + "-wal").exists()
    assert committed_state(db_path) == (digest, dump)
    assert revision_in(db_path) == schema.KNOWN_REVISIONS[-2]  # the real head, as before
    with closing(sqlite3.connect(db_path)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "scratch" not in tables and not any(t.startswith("_alembic_tmp") for t in tables)
    # The lock was released: the file opens again once the broken revision is gone.
    monkeypatch.undo()
    with open_database(db_path) as db:
        assert db.report.upgraded_from is None


def test_ddl_is_transactional_on_our_connections(db_path: Path) -> None:
    with open_database(db_path) as db:
        with pytest.raises(RuntimeError):
            with db.engine.begin() as conn:
                conn.exec_driver_sql("CREATE TABLE scratch (id INTEGER PRIMARY KEY)")
                conn.exec_driver_sql("INSERT INTO scratch VALUES (1)")
                raise RuntimeError("撤销")
        with db.engine.connect() as conn:
            found = conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE name='scratch'").scalar()
        assert found == 0


def test_newer_file_is_refused_untouched(db_path: Path) -> None:
    fill(db_path)
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_future'")
        conn.commit()
    before = (hashlib.sha256(db_path.read_bytes()).hexdigest(), db_path.stat().st_mtime_ns)

    with pytest.raises(DatabaseTooNewError, match="更新版本.*0099_future"):
        open_database(db_path)
    leftovers = {p.name for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)}
    assert leftovers <= {db_path.name, db_path.name + ".lock"}
    # A reader (no writer lock) may leave an empty -wal beside it, but not change the file.
    with pytest.raises(DatabaseTooNewError):
        open_database(db_path, write=False)

    assert (hashlib.sha256(db_path.read_bytes()).hexdigest(), db_path.stat().st_mtime_ns) == before
    assert backups.list_backups(db_path) == []


def test_non_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    sheet = tmp_path / "名册.xlsx"
    sheet.write_bytes(b"PK\x03\x04 not a database" * 100)
    before = sheet.read_bytes()
    for write in (True, False):
        with pytest.raises(DatabaseError, match="不是数据库文件"):
            open_database(sheet, write=write)
    assert sheet.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["名册.xlsx"]


def test_a_file_from_before_accounts_upgrades_to_accounts_and_an_append_only_trail(
        db_path: Path) -> None:
    """A town's file from the first release: its data stay, it gets the account tables (empty,
    so the first start asks for an administrator) and the append-only audit trail."""
    from app.db.engine import make_engine, sqlite_url
    from app.services import accounts

    engine = make_engine(sqlite_url(db_path), foreign_keys=False)
    migrate.upgrade(engine, target="0001_initial")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO person (name, unit, position, category, mobile, landline,"
                             " note, version) VALUES ('陈志强', '', '', 'other', '', '', '', 1)")
    engine.dispose()

    with open_database(db_path).act_as(Actor.program()) as db:
        assert db.report.upgraded_from == "0001_initial"
        with db.session() as s:
            assert s.scalars(select(Person.name)).all() == ["陈志强"]
            assert not accounts.has_users(s)
            people.update_person(s, s.scalar(select(Person.id)), people.PersonInput(name="陈志刚"))
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("SELECT action, summary FROM audit_entry").fetchall() == [
            ("update", "人员：陈志刚")]
        with pytest.raises(sqlite3.DatabaseError, match="只能追加"):
            conn.execute("UPDATE audit_entry SET summary = '改过'")
        with pytest.raises(sqlite3.DatabaseError, match="只能追加"):
            conn.execute("DELETE FROM audit_entry")
