"""The mapping step in the real window: an unplaced column asked about, the choice remembered
for the next file of the same layout, and the preview's way back to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.db import Database
from app.models import Team
from app.roster import preview_import
from app.roster.mapping import scan_layout
from tests.roster_files import write_book
from tests.test_roster_formats import UNPLACED
from tests.test_ui_flows import choose_file, when_modal
from ui import tasks
from ui.main_window import MainWindow
from ui.roster.mapping_dialog import ColumnMappingDialog
from ui.roster.preview_dialog import ImportPreviewDialog


@pytest.fixture
def infos(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: shown.append(text))
    return shown


def combo_for(dialog: ColumnMappingDialog, header: str) -> Any:
    return next(c for _s, h, c in dialog.combos if h == header)


def test_unplaced_column_is_asked_then_remembered(qtbot, db: Database, tmp_path: Path,
                                                   window: MainWindow, infos: list[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    choose_file(monkeypatch, "getOpenFileName", write_book(tmp_path / "一月.xlsx", {"人员": UNPLACED}))
    mapped: list[Any] = []
    previews: list[Any] = []

    def place(dialog: ColumnMappingDialog) -> None:
        mapped.append(dialog)
        assert dialog.problem.isVisible() and "驻点村（社区）" in dialog.problem.text()
        combo_for(dialog, "驻扎点").setCurrentText("驻点村（社区）")
        assert not dialog.problem.isVisible()
        combo_for(dialog, "团队角色").setCurrentText("姓名")  # a slip: two columns as 姓名
        assert not dialog.ok_button.isEnabled() and "两列都选了“姓名”" in dialog.problem.text()
        combo_for(dialog, "团队角色").setCurrentText("团队角色")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    def look_then_import(dialog: ImportPreviewDialog) -> None:
        previews.append(dialog)
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    when_modal(ColumnMappingDialog, place, [])
    when_modal(ImportPreviewDialog, look_then_import, [])
    window.actions_by_name["import"].trigger()
    qtbot.waitUntil(lambda: len(infos) == 1, timeout=20000)
    tasks.wait_all()
    assert mapped and previews and previews[0].problems == []
    assert "F 列“其他情况”" in previews[0].columns_label.text()
    with db.session() as s:
        team = s.scalar(select(Team))
        assert team is not None and [c.name for c in team.communities] == ["石岗村"]

    # The same layout next month: straight to the preview, nothing asked.
    later = UNPLACED[:1] + [["新围社区驻点团队", "新围社区", "责任人", "王海", "13800000021", ""]]
    choose_file(monkeypatch, "getOpenFileName", write_book(tmp_path / "二月.xlsx", {"人员": later}))
    asked: list[Any] = []
    when_modal(ColumnMappingDialog, lambda d: (asked.append(d), d.reject()), [])
    when_modal(ImportPreviewDialog, look_then_import, [])
    window.actions_by_name["import"].trigger()
    qtbot.waitUntil(lambda: len(infos) == 2, timeout=20000)
    tasks.wait_all()
    assert not asked and len(previews) == 2 and previews[1].problems == []


def test_preview_offers_the_way_back_and_a_marked_copy(qtbot, db: Database, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_book(tmp_path / "名册.xlsx", {"人员": UNPLACED})
    with db.session() as s:
        preview = preview_import(s, path)
    dialog = ImportPreviewDialog(preview, path.name, source=path)
    qtbot.addWidget(dialog)
    assert dialog.remap_button.isVisibleTo(dialog) and dialog.marked_button.isVisibleTo(dialog)
    out = tmp_path / "标注.xlsx"
    choose_file(monkeypatch, "getSaveFileName", out)
    shown: list[str] = []
    monkeypatch.setattr("ui.roster.preview_dialog.saved_file",
                        lambda _p, _t, text, path: shown.append(text))
    dialog.save_marked_copy()
    qtbot.waitUntil(lambda: bool(shown), timeout=15000)
    assert out.is_file() and str(out) in shown[0]
    qtbot.mouseClick(dialog.remap_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == ImportPreviewDialog.REMAP


def test_mapping_dialog_fits_a_small_screen(qtbot, tmp_path: Path) -> None:
    path = write_book(tmp_path / "名册.xlsx", {"人员": UNPLACED})
    dialog = ColumnMappingDialog(scan_layout(path), {}, path.name)
    qtbot.addWidget(dialog)
    hint = dialog.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 728
    assert dialog.width() <= 1366 and dialog.height() <= 728
    assert dialog.mapping()["其他情况"] == "不导入"
