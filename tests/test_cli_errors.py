"""Typos on the command line get a Chinese message and leave no new files behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main


def test_import_of_a_missing_file_creates_no_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    db = tmp_path / "town.db"
    assert main(["import-roster", "--db", str(db), str(tmp_path / "名册.xlsx")]) == 1
    assert "找不到文件" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_export_from_a_missing_database_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                ) -> None:
    code = main(["export-roster", "--db", str(tmp_path / "town.db"), "--out", str(tmp_path / "a.xlsx")])
    assert code == 1
    assert "找不到数据库文件" in capsys.readouterr().err
    assert not (tmp_path / "town.db").exists() and not (tmp_path / "a.xlsx").exists()


def test_import_into_a_missing_database_creates_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    """A command signs in, so it needs a database with accounts: it never makes a new one."""
    source = tmp_path / "名册.xlsx"
    source.write_bytes(b"PK")  # exists; never read
    db = tmp_path / "town.db"
    assert main(["import-roster", "--db", str(db), "--user", "admin", str(source)]) == 1
    err = capsys.readouterr().err
    assert f"找不到数据库文件 {db}" in err and "users init" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["名册.xlsx"]


@pytest.mark.parametrize("argv", [["--user", "admin", "backup"], ["users", "list", "--user", "admin"],
                                  ["check", "--user", "admin"]])
def test_a_server_address_that_does_not_answer(argv: list[str], monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ZHILIAN_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    monkeypatch.setenv("ZHILIAN_PASSWORD", "whatever-1")
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.startswith("错误：") and "Traceback" not in err
