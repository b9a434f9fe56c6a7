"""The import preview dialog on real previews: counts and every problem shown, 导入 held back."""

from __future__ import annotations

from pathlib import Path

from app.db import Database
from app.roster import preview_import
from tests.roster_files import MEMBER_HEADER, good_rows, member, write_book
from ui.roster.preview_dialog import ImportPreviewDialog


def _preview(db: Database, path: Path):
    with db.session() as s:
        return preview_import(s, path)


def test_import_button_waits_for_skip_when_there_are_problems(qtbot, qtmodeltester, db: Database,
                                                               tmp_path: Path) -> None:
    sheets = good_rows()
    sheets["团队人员"] = [MEMBER_HEADER,
                      member("石岗村驻点团队", "石岗村", "责任人", "陈志强", "13800000001"),
                      member("石岗村驻点团队", "石岗村", "团队成员", "周强", "1380000")]
    path = write_book(tmp_path / "名册.xlsx", sheets)
    dialog = ImportPreviewDialog(_preview(db, path), "名册.xlsx")
    qtbot.addWidget(dialog)
    table = dialog.problem_table.model()
    qtmodeltester.check(table)
    rows = [[table.index(r, c).data() for c in range(6)] for r in range(table.rowCount())]
    phone = next(r for r in rows if r[1] == "团队人员")
    assert phone[:4] == ["名册.xlsx", "团队人员", "3", "J"] and "1380000" in phone[5]
    assert not dialog.import_button.isEnabled()
    dialog.skip.setChecked(True)
    assert dialog.import_button.isEnabled() and dialog.skip_invalid


def test_clean_file_can_be_imported_at_once(qtbot, db: Database, tmp_path: Path) -> None:
    path = write_book(tmp_path / "名册.xlsx", good_rows())
    preview = _preview(db, path)
    assert preview.problems == [] and preview.teams_new > 0
    dialog = ImportPreviewDialog(preview, "名册.xlsx")
    qtbot.addWidget(dialog)
    assert dialog.import_button.isEnabled()
    assert dialog.skip.isHidden()
