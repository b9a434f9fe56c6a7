"""The backup, restore and check commands, run as ``python main.py <command>`` would."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.db import Database, open_database
from app.db import backup as backups
from app.models import Person
from app.services import people

pytestmark = pytest.mark.sqlite_only  # backup, restore and check work on SQLite files


def add_person(db: Database, name: str) -> None:
    with db.session() as s:
        people.create_person(s, people.PersonInput(name=name))


def test_backup_command_works_while_the_program_is_open(db: Database, db_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    add_person(db, "甲")
    assert main(["backup", "--db", str(db_path)]) == 0
    [info] = backups.list_backups(db_path)
    assert f"已备份并校验：{info.path}" in capsys.readouterr().out
    assert info.reason == "manual"


def test_restore_command_round_trip(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_database(db_path) as db:
        add_person(db, "甲")
    assert main(["--db", str(db_path), "backup"]) == 0
    [saved] = backups.list_backups(db_path)
    with open_database(db_path) as db:
        add_person(db, "乙")

    assert main(["restore", "--db", str(db_path), str(saved.path)]) == 0
    out = capsys.readouterr().out
    assert "已从" in out and "人员 1" in out
    with open_database(db_path) as db, db.session() as s:
        assert s.scalars(select(Person.name)).all() == ["甲"]
    assert any(b.reason == "restore" for b in backups.list_backups(db_path))


def test_restore_command_refused_while_another_copy_writes(db: Database, db_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    saved = db.backup("manual")
    assert main(["restore", "--db", str(db_path), str(saved)]) == 1
    assert "正被另一个驻点直联工作台使用" in capsys.readouterr().err


def test_check_command_passes_a_sound_file(db: Database, db_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    add_person(db, "甲")
    db.backup("manual")
    assert main(["check", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "完整性检查：通过" in out and "人员 1" in out and "备份 1 份" in out


def test_check_command_fails_on_a_damaged_file(db_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with open_database(db_path) as db, db.session() as s:
        for i in range(2000):
            people.create_person(s, people.PersonInput(name=f"人员{i}", note="备注" * 40))
    with open(db_path, "r+b") as f:
        f.seek(4096 * 20)
        f.write(b"\x5a" * 4096 * 4)
    assert main(["check", "--db", str(db_path)]) != 0
    assert "完整性检查：发现问题" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["backup", "check"])
def test_commands_name_a_missing_file(tmp_path: Path, command: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "无.db"
    assert main([command, "--db", str(missing)]) == 1
    assert f"找不到数据库文件 {missing}" in capsys.readouterr().err
    assert not missing.exists()
