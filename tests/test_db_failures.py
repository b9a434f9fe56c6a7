"""Failures the user can act on: a full disk, a read-only folder, a hard link past the lock.
Disk-full and read-only are simulated by raising what the OS (or SQLite) raises at that
point: the tests run as root on a disk that is neither full nor read-only."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.db import backup as backups
from app.db import open_database, sqlite_files
from app.db.lock import WriterLock
from app.errors import DatabaseError, DatabaseInUseError
from app.paths import backup_dir_for
from tests.test_cli_maintenance import ADMIN_PW, add_person, with_admin

pytestmark = pytest.mark.sqlite_only


@pytest.fixture(autouse=True)
def signed_in_as_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHILIAN_USER", "admin")
    monkeypatch.setenv("ZHILIAN_PASSWORD", ADMIN_PW)


def full_disk_during_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy gets half way, leaving the partial file and its journal, then the disk is full."""
    def copy(_source: Path, target: Path, _progress) -> None:  # noqa: ANN001
        target.write_bytes(b"SQLite format 3\x00" + b"\0" * 100)
        target.with_name(target.name + "-journal").write_bytes(b"\0" * 10)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backups, "_copy", copy)


def test_a_full_disk_during_a_backup_is_told_and_leaves_no_files(
        db, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    add_person(db, "甲")
    full_disk_during_copy(monkeypatch)
    with pytest.raises(DatabaseError, match="磁盘空间不足") as told:
        db.backup("manual")
    assert "原数据库没有改动" in told.value.message
    assert list(backup_dir_for(db_path).iterdir()) == []  # no *.partial, no *.partial-journal


def test_a_read_only_backup_folder_is_told(db, db_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    def refuse(*_a, **_k) -> None:  # noqa: ANN002, ANN003
        raise OSError(errno.EROFS, "Read-only file system", str(backup_dir_for(db_path)))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(DatabaseError, match="不能写入（只读的 U 盘"):
        db.backup("manual")


def test_backup_command_on_a_full_disk_prints_chinese_not_a_traceback(
        db, db_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
        capsys: pytest.CaptureFixture[str]) -> None:
    with_admin(db)
    db.close()
    full_disk_during_copy(monkeypatch)
    assert main(["backup", "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：磁盘空间不足") and "Traceback" not in err


def test_export_to_a_read_only_folder_prints_chinese(
        db, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
        capsys: pytest.CaptureFixture[str]) -> None:
    with_admin(db)
    db.close()
    out = tmp_path / "u盘" / "名册.xlsx"
    out.parent.mkdir()
    if os.geteuid() != 0:
        out.parent.chmod(0o555)
    else:  # root writes through any mode bits: raise what a read-only stick raises
        import app.roster as roster

        def refuse(_session, path: Path):  # noqa: ANN001, ANN202
            raise OSError(errno.EROFS, "Read-only file system", str(path))

        monkeypatch.setattr(roster, "export_roster", refuse)
    try:
        assert main(["export-roster", "--db", str(db_path), "--out", str(out)]) == 1
    finally:
        out.parent.chmod(0o755)
    err = capsys.readouterr().err
    assert err.startswith("错误：无法写入文件") and "请换一个可以写入的文件夹" in err
    assert "Traceback" not in err


def test_check_of_a_sound_file_in_a_read_only_folder_is_not_damage(
        db, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    add_person(db, "甲")
    db.close()
    real = sqlite_files.open_readonly

    def cannot_make_shm(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
        if not immutable:  # what SQLite says when it may not create the -shm beside the file
            raise sqlite3.OperationalError("unable to open database file")
        return real(path, immutable=True)

    monkeypatch.setattr(sqlite_files, "open_readonly", cannot_make_shm)
    assert sqlite_files.check(db_path, full=True) == []


def test_a_hard_link_cannot_get_past_the_writer_lock(db_path: Path, tmp_path: Path) -> None:
    with open_database(db_path):
        link = tmp_path / "other-name.db"
        os.link(db_path, link)
        with pytest.raises(DatabaseInUseError, match="正被另一个驻点直联工作台使用"):
            open_database(link)
        assert not WriterLock(link).held
    # Once the first is closed, the other name opens as usual.
    open_database(link).close()


def test_the_start_up_backup_failure_stays_in_a_chinese_banner(window) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QLabel, QPushButton, QToolBar

    window._startup_backup_failed(sqlite3.OperationalError("database or disk is full"))
    window.statusBar().showMessage("别的消息")  # the status bar moves on; the banner stays
    bar = window.findChild(QToolBar, "failureBanner")
    assert bar is not None and bar.isVisible()
    text = bar.findChild(QLabel, "failureBannerText").text()
    assert text.startswith("启动备份没有完成：磁盘已满") and "disk" not in text
    bar.findChild(QPushButton).click()
    assert window.findChild(QToolBar, "failureBanner") is None or not bar.isVisible()
