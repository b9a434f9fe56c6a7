"""Several PCs on one PostgreSQL server: backups with pg_dump, edits that collide, one audit
chain. Run only against a server (ZHILIAN_TEST_DB_URL, see test.sh)."""

from __future__ import annotations

import shutil
import subprocess
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from app import audit
from app.cli import main
from app.db import Database, audit_guard, pg_backup
from app.errors import DomainError
from app.models import Person, PersonCategory, Team
from app.services import accounts, communities, people, teams
from tests.databases import db_target, open_test_database, postgres_mode

server_only = pytest.mark.skipif(not postgres_mode(), reason="只在 PostgreSQL 模式下运行（ZHILIAN_TEST_DB_URL）")

ADMIN_PW = "Admin-pass-2026"


def two_pcs(db_path: Path) -> tuple[Database, Database]:
    return open_test_database(db_path), open_test_database(db_path)


def a_team(db: Database) -> int:
    with db.session() as s:
        leader = people.create_person(s, people.PersonInput(name="组长", category=PersonCategory.TOWN_CADRE))
        ids = [communities.ensure_community(s, "石岗村").id]
        return teams.create_team(s, teams.default_input(s, "石岗村驻点团队", ids), leader.id,
                                 date(2026, 1, 5)).team.id


@server_only
def test_pg_dump_backup_reads_back(db: Database, db_path: Path) -> None:
    if pg_backup.find_tool("pg_dump") is None or pg_backup.find_tool("pg_restore") is None:
        pytest.skip("pg_dump / pg_restore not installed")
    with db.session() as s:
        people.create_person(s, people.PersonInput(name="甲"))
    dump = db.backup("manual")
    assert dump.parent == pg_backup.backup_dir() and dump.suffix == ".dump"
    listed = subprocess.run([pg_backup.find_tool("pg_restore") or "", "--list", str(dump)],
                            capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public person" in listed and "TRIGGER public audit_entry" in listed
    assert db.list_backups() == [dump]


def test_password_goes_by_environment_not_command_line() -> None:
    args, env = pg_backup.connection_args(
        "postgresql+psycopg://zhilian:S3cret@db.office:5433/town?sslmode=require")
    assert "S3cret" not in " ".join(args)
    assert args == ["--no-password", "--host", "db.office", "--port", "5433", "--username", "zhilian"]
    assert env["PGPASSWORD"] == "S3cret" and env["PGSSLMODE"] == "require"


@server_only
def test_backup_without_pg_dump_says_how_to_install(db: Database, monkeypatch: pytest.MonkeyPatch
                                                    ) -> None:
    monkeypatch.setattr(pg_backup, "find_tool", lambda name: None)
    with pytest.raises(DomainError, match="找不到 pg_dump.*postgresql-client.*POSTGRESQL.md"):
        db.backup("manual")


@server_only
def test_backup_and_check_commands_on_the_server(db: Database, db_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with db.session() as s:
        accounts.create_first_admin(s, "admin", "管理员", ADMIN_PW)
    monkeypatch.setenv("ZHILIAN_DB_URL", db_target(db_path))
    monkeypatch.setenv("ZHILIAN_PASSWORD", ADMIN_PW)
    assert main(["check", "--user", "admin"]) == 0
    out = capsys.readouterr().out
    assert "数据库：postgresql" in out and "校验链完好" in out and "防改动触发器：完好" in out
    if pg_backup.find_tool("pg_dump") is not None:
        assert main(["backup", "--user", "admin"]) == 0
        assert "已备份并校验" in capsys.readouterr().out

    # Someone with the server's superuser password switches the guard off and edits an entry.
    with db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only"))
        conn.execute(text("UPDATE audit_entry SET summary = '改过' WHERE id = 1"))
    assert main(["check", "--user", "admin"]) == 1
    out = capsys.readouterr().out
    assert "第 1 条操作记录" in out and "被改动过" in out
    assert "audit_entry_append_only 被停用了" in out


@server_only
def test_triggers_refuse_edits_and_are_reported_when_dropped(db: Database) -> None:
    with db.session() as s:
        people.create_person(s, people.PersonInput(name="甲"))
        assert audit_guard.trigger_problems(s) == []
    with pytest.raises(Exception, match="只能追加"):
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_entry"))
    with db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_entry_no_truncate ON audit_entry"))
    with db.session() as s:
        assert audit_guard.trigger_problems(s) == [
            "数据库中拒绝清空操作记录的触发器 audit_entry_no_truncate 不见了（被人为删除过）"]


@server_only
def test_second_save_with_an_old_version_is_refused(db_path: Path) -> None:
    pc_a, pc_b = two_pcs(db_path)
    with pc_a, pc_b:
        team_id = a_team(pc_a)
        with pc_a.session() as s:
            form_a, version_a = teams.team_input(s, team_id)
        with pc_b.session() as s:
            form_b, version_b = teams.team_input(s, team_id)
            form_b.station_place = "村委会二楼"
            teams.update_team(s, team_id, form_b, version_b)
        form_a.station_place = "党群服务中心"
        with pytest.raises(DomainError, match="已被其他人修改"):
            with pc_a.session() as s:
                teams.update_team(s, team_id, form_a, version_a)
        with pc_a.session() as s:
            assert s.get(Team, team_id).station_place == "村委会二楼"  # type: ignore[union-attr]


@server_only
def test_concurrent_edit_of_the_same_row_is_never_a_silent_overwrite(db_path: Path) -> None:
    """Both load the person before either saves: the version column catches the second."""
    pc_a, pc_b = two_pcs(db_path)
    with pc_a, pc_b:
        with pc_a.session() as s:
            person_id = people.create_person(s, people.PersonInput(name="甲")).id
        with pytest.raises(DomainError, match="已被其他人修改"):
            with pc_a.session() as sa, pc_b.session() as sb:
                a = sa.get(Person, person_id)
                b = sb.get(Person, person_id)
                assert a is not None and b is not None
                a.unit, b.unit = "镇政府", "街道办"
                sa.commit()          # PC A saves first
                sb.commit()          # PC B's save found version 1 gone
        with pc_b.session() as s:
            saved = s.get(Person, person_id)
            assert saved is not None and saved.unit == "镇政府" and saved.version == 2


@server_only
def test_concurrent_audit_appends_keep_one_chain(db_path: Path) -> None:
    pc_a, pc_b = two_pcs(db_path)
    rounds = 15
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def work(db: Database, name: str) -> None:
        try:
            start.wait()
            for i in range(rounds):
                with db.session() as s:
                    people.create_person(s, people.PersonInput(name=f"{name}{i}"))
        except BaseException as exc:  # pragma: no cover - shown by the assertion below
            failures.append(exc)

    with pc_a, pc_b:
        threads = [threading.Thread(target=work, args=(pc_a, "甲")),
                   threading.Thread(target=work, args=(pc_b, "乙"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert failures == []
        with pc_a.session() as s:
            count, problems = audit.verify(s)
            assert problems == []
            assert count >= 2 * rounds
            assert len(s.scalars(select(Person.id)).all()) == 2 * rounds


@server_only
def test_pg_dump_url_names_the_database(db: Database) -> None:
    url = make_url(db.url)
    assert db.path is None and url.get_backend_name() == "postgresql"
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump not installed")
    dump = db.backup("manual")
    assert dump.name.startswith(f"{url.host}-{url.database}-")
