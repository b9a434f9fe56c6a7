"""The backup, restore and check commands, run as ``python main.py <command>`` would, signed in."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.db import Database, open_database
from app.db import backup as backups
from app.models import AuditEntry, Person, PersonCategory, Role
from app.services import accounts, communities, people, teams
from tests.databases import db_target, open_test_database

ADMIN_PW = "Admin-pass-2026"
OTHER_PW = "Other-pass-2026"

sqlite_only = pytest.mark.sqlite_only  # backup files, restore and integrity checks of SQLite files


@pytest.fixture(autouse=True)
def signed_in_as_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHILIAN_USER", "admin")
    monkeypatch.setenv("ZHILIAN_PASSWORD", ADMIN_PW)


def with_admin(db: Database, *others: tuple[str, Role]) -> Database:
    """The first administrator ``admin`` (and other accounts), made by the program itself."""
    with db.session() as s:
        accounts.create_first_admin(s, "admin", "管理员", ADMIN_PW)
    for username, role in others:
        with db.session() as s:
            team_ids = [a_team(s)] if role.team_scoped else []
            accounts.create_user(s, accounts.UserInput(username, username, [role], team_ids),
                                 OTHER_PW)
    return db


def a_team(s) -> int:  # type: ignore[no-untyped-def]
    found = teams.find_team(s, "石岗村驻点团队")
    if found is not None:
        return found.id
    leader = people.create_person(s, people.PersonInput(name="组长", category=PersonCategory.TOWN_CADRE))
    ids = [communities.ensure_community(s, "石岗村").id]
    return teams.create_team(s, teams.default_input(s, "石岗村驻点团队", ids), leader.id,
                             date(2026, 1, 5)).team.id


def add_person(db: Database, name: str) -> None:
    with db.session() as s:
        people.create_person(s, people.PersonInput(name=name))


@sqlite_only
def test_backup_command(db: Database, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with_admin(db)
    add_person(db, "甲")
    db.close()
    assert main(["backup", "--db", str(db_path)]) == 0
    [info] = backups.list_backups(db_path)
    assert f"已备份并校验：{info.path}" in capsys.readouterr().out
    assert info.reason == "manual"
    with open_database(db_path) as reopened, reopened.session() as s:
        assert s.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() == "backup"


@sqlite_only
def test_backup_command_refused_while_the_program_is_open(db: Database, db_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Signing in writes (the failed-attempt count, the audit trail), so it needs the file."""
    with_admin(db)
    assert main(["backup", "--db", str(db_path)]) == 1
    assert "正被另一个驻点直联工作台使用" in capsys.readouterr().err
    assert backups.list_backups(db_path) == []


def test_backup_needs_the_permission(db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    with_admin(db, ("lingdao", Role.LEADER))
    db.close()
    monkeypatch.setenv("ZHILIAN_USER", "lingdao")
    monkeypatch.setenv("ZHILIAN_PASSWORD", OTHER_PW)
    assert main(["backup", "--db", db_target(db_path)]) == 1
    assert "没有“备份与恢复数据库”的权限" in capsys.readouterr().err


@sqlite_only
def test_restore_command_round_trip(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_test_database(db_path) as db:
        with_admin(db)
        add_person(db, "甲")
    assert main(["--db", str(db_path), "backup"]) == 0
    [saved] = backups.list_backups(db_path)
    with open_test_database(db_path) as db:
        add_person(db, "乙")

    assert main(["restore", "--db", str(db_path), str(saved.path)]) == 0
    out = capsys.readouterr().out
    assert "已从" in out and "人员 1" in out
    with open_database(db_path) as db, db.session() as s:
        assert s.scalars(select(Person.name)).all() == ["甲"]
        assert s.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() == "restore"
    assert any(b.reason == "restore" for b in backups.list_backups(db_path))


@sqlite_only
def test_restore_refused_without_the_permission(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    with open_test_database(db_path) as db:
        with_admin(db, ("zuzhiban", Role.ORG_OFFICE))
        add_person(db, "甲")
        saved = db.backup("manual")
        add_person(db, "乙")
    monkeypatch.setenv("ZHILIAN_USER", "zuzhiban")
    monkeypatch.setenv("ZHILIAN_PASSWORD", OTHER_PW)
    assert main(["restore", "--db", str(db_path), str(saved)]) == 1
    assert "没有“备份与恢复数据库”的权限" in capsys.readouterr().err
    with open_database(db_path) as db, db.session() as s:
        assert sorted(s.scalars(select(Person.name))) == ["乙", "甲"]


@sqlite_only
def test_restore_over_a_damaged_file_signs_in_to_the_restored_one(
        db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_test_database(db_path) as db:
        with_admin(db)
        add_person(db, "甲")
        saved = db.backup("manual")
    db_path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)  # damaged beyond opening

    assert main(["restore", "--db", str(db_path), str(saved)]) == 0
    captured = capsys.readouterr()
    assert "不存在或已损坏" in captured.err and "人员 1" in captured.out
    assert list(db_path.parent.glob("town.db.损坏-*"))
    with open_database(db_path) as db, db.session() as s:
        assert s.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() == "restore"


@sqlite_only
def test_restore_command_refused_while_another_copy_writes(db: Database, db_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    with_admin(db)
    saved = db.backup("manual")
    assert main(["restore", "--db", str(db_path), str(saved)]) == 1
    assert "正被另一个驻点直联工作台使用" in capsys.readouterr().err


@sqlite_only
def test_check_command_passes_a_sound_file(db: Database, db_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with_admin(db)
    add_person(db, "甲")
    db.backup("manual")
    db.close()
    assert main(["check", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "完整性检查：通过" in out and "人员 1" in out and "备份 1 份" in out
    assert "校验链完好" in out and "防改动触发器：完好" in out


def test_check_is_for_auditors_and_maintainers(db: Database, db_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    with_admin(db, ("zuzhiban", Role.ORG_OFFICE), ("lianluoyuan", Role.CLERK),
               ("lingdao", Role.LEADER))
    db.close()
    target = db_target(db_path)
    monkeypatch.setenv("ZHILIAN_PASSWORD", OTHER_PW)
    for user, code in (("zuzhiban", 0), ("lianluoyuan", 0), ("lingdao", 1)):
        monkeypatch.setenv("ZHILIAN_USER", user)
        assert main(["check", "--db", target]) == code, user
    err = capsys.readouterr().err
    assert "没有“备份与恢复数据库”或“查看操作记录”的权限" in err


@sqlite_only
def test_check_detects_a_hand_edit_of_the_audit_trail(db: Database, db_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with_admin(db)
    add_person(db, "甲")
    db.close()
    with closing(sqlite3.connect(db_path)) as conn:
        with pytest.raises(sqlite3.DatabaseError, match="只能追加"):
            conn.execute("UPDATE audit_entry SET summary = '改过' WHERE id = 2")
        conn.execute("DROP TRIGGER audit_entry_no_update")
        conn.execute("UPDATE audit_entry SET summary = '改过' WHERE id = 2")
        conn.commit()

    assert main(["check", "--db", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert "完整性检查：通过" in out
    assert "第 2 条操作记录" in out and "被改动过" in out
    assert "audit_entry_no_update 不见了" in out


@sqlite_only
def test_check_detects_a_removed_entry(db: Database, db_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    with_admin(db)
    add_person(db, "甲")
    add_person(db, "乙")
    db.close()
    with closing(sqlite3.connect(db_path)) as conn:
        conn.execute("DROP TRIGGER audit_entry_no_delete")
        conn.execute("DELETE FROM audit_entry WHERE id = 2")
        conn.commit()
    assert main(["check", "--db", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert "不见了（被删除过）" in out and "audit_entry_no_delete 不见了" in out


@sqlite_only
def test_check_command_fails_on_a_damaged_file(db_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with open_test_database(db_path) as db, db.session() as s:
        for i in range(2000):
            people.create_person(s, people.PersonInput(name=f"人员{i}", note="备注" * 40))
    with open(db_path, "r+b") as f:
        f.seek(4096 * 20)
        f.write(b"\x5a" * 4096 * 4)
    assert main(["check", "--db", str(db_path)]) != 0
    assert "完整性检查：发现问题" in capsys.readouterr().out


@sqlite_only
@pytest.mark.parametrize("command", ["backup", "check"])
def test_commands_name_a_missing_file(tmp_path: Path, command: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "无.db"
    assert main([command, "--db", str(missing)]) == 1
    assert f"找不到数据库文件 {missing}" in capsys.readouterr().err
    assert not missing.exists()
