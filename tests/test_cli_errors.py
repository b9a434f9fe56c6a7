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
