"""The import preview dialog: counts and every problem shown, 导入 held back while problems exist."""

from __future__ import annotations

from dataclasses import dataclass, field

from ui.roster.preview_dialog import ImportPreviewDialog


@dataclass
class Problem:
    file: str
    sheet: str
    row: int
    column: str
    field: str
    reason: str


@dataclass
class Preview:
    problems: list[Problem] = field(default_factory=list)
    teams_new: int = 2
    teams_existing: int = 1
    people_new: int = 12
    people_existing: int = 3
    memberships_new: int = 15
    households_new: int = 480
    households_existing: int = 0
    rows_total: int = 500
    rows_valid: int = 499


def test_import_button_waits_for_skip_when_there_are_problems(qtbot, qtmodeltester) -> None:
    bad = Problem("名册.xlsx", "团队人员", 7, "J", "手机", "手机号应为 11 位数字")
    dialog = ImportPreviewDialog(Preview([bad]), "名册.xlsx")
    qtbot.addWidget(dialog)
    table = dialog.problem_table.model()
    qtmodeltester.check(table)
    assert [table.index(0, c).data() for c in range(6)] == [
        "名册.xlsx", "团队人员", "7", "J", "手机", "手机号应为 11 位数字"]
    assert not dialog.import_button.isEnabled()
    dialog.skip.setChecked(True)
    assert dialog.import_button.isEnabled() and dialog.skip_invalid


def test_clean_file_can_be_imported_at_once(qtbot) -> None:
    dialog = ImportPreviewDialog(Preview(), "名册.xlsx")
    qtbot.addWidget(dialog)
    assert dialog.import_button.isEnabled()
    assert dialog.skip.isHidden()
