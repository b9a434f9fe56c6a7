"""Whole flows through the real window, the way a clerk works: menus, dialogs, the pages after,
and the database reopened."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QPushButton

from app.db import Database
from app.db.database import counts
from app.models import MemberRole, PersonCategory
from app.services import people as people_service
from app.services import teams as team_service
from tests.databases import open_test_database
from tests.roster_files import MEMBER_HEADER, good_rows, member, write_book
from tests.ui_support import seed_town, type_text
from ui import tasks
from ui.main_window import MainWindow
from ui.people.dialogs import PersonDialog, RetireDialog
from ui.roster.preview_dialog import ImportPreviewDialog
from ui.teams.member_dialogs import AddMemberDialog, EndMembershipDialog, ReplaceMemberDialog
from ui.widgets.form import FormDialog
from ui.widgets.table import select_first_where



@pytest.fixture
def infos(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of the information boxes the window would have shown."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information",
                        lambda _parent, _title, text, *a: shown.append(text))
    # exports end in the message with 打开文件 / 打开所在文件夹 (ui.widgets.messages.saved_file)
    monkeypatch.setattr("ui.roster.actions.saved_file",
                        lambda _parent, _title, text, _path: shown.append(text))
    return shown


def when_modal(kind: type[QDialog], action: Callable[[Any], None], seen: list[QDialog]) -> None:
    """Run ``action`` on the next modal dialog of ``kind`` once it is open; it goes in ``seen``."""
    def poll(tries: int) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            seen.append(dialog)
            try:
                action(dialog)
            except BaseException:
                dialog.reject()  # a failed check must not leave the test inside exec()
                raise
        elif tries:
            QTimer.singleShot(20, lambda: poll(tries - 1))
    QTimer.singleShot(20, lambda: poll(500))


def pick(combo: Any, text: str) -> None:
    index = combo.findText(text, Qt.MatchFlag.MatchStartsWith)
    assert index >= 0, f"{text} not offered"
    combo.setCurrentIndex(index)


def click(qtbot, button: Any) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def choose_file(monkeypatch: pytest.MonkeyPatch, method: str, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, method, lambda *a, **k: (str(path), ""))


def status_counts(window: MainWindow) -> str:
    return window.counts_label.text()


# -- 1. 文件 → 导入花名册… ----------------------------------------------------------------------
def run_import(qtbot, window: MainWindow, tick_skip: bool) -> ImportPreviewDialog:  # type: ignore[no-untyped-def]
    seen: list[QDialog] = []

    def import_it(dialog: ImportPreviewDialog) -> None:
        if tick_skip:
            assert not dialog.import_button.isEnabled()
            qtbot.keyClick(dialog.skip, Qt.Key.Key_Space)
        click(qtbot, dialog.import_button)

    when_modal(ImportPreviewDialog, import_it, seen)
    window.actions_by_name["import"].trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=15000)
    tasks.wait_all()
    return seen[0]  # type: ignore[return-value]


def test_import_roster_fills_every_page_and_the_database(qtbot, db: Database, db_path: Path,
                                                         tmp_path: Path, window: MainWindow,
                                                         infos: list[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    choose_file(monkeypatch, "getOpenFileName", write_book(tmp_path / "名册.xlsx", good_rows()))
    dialog = run_import(qtbot, window, tick_skip=False)
    assert (dialog.preview.teams_new, dialog.preview.people_new, dialog.preview.households_new
            ) == (2, 5, 3)
    assert dialog.skip.isHidden()
    qtbot.waitUntil(lambda: len(infos) == 1, timeout=15000)
    assert "新增团队 2 个、人员 5 人" in infos[0] and "住户 3 户" in infos[0]

    teams_page = window.directory.teams
    assert sorted(r.name for r in teams_page.model.rows) == ["新围社区驻点团队", "石岗村驻点团队"]
    window.directory.setCurrentWidget(window.directory.people)
    assert {r.name for r in window.directory.people.model.rows} == {
        "陈志强", "黄丽", "李明", "吴芳", "王海"}
    households = window.directory.households
    window.directory.setCurrentWidget(households)
    qtbot.waitUntil(lambda: households.model.total == 3, timeout=10000)
    qtbot.waitUntil(lambda: "团队 2" in status_counts(window), timeout=10000)
    assert "人员 5" in status_counts(window) and "住户 3" in status_counts(window)

    window.close()
    db.close()
    with open_test_database(db_path) as reopened, reopened.session() as s:
        assert counts(s)["团队"] == 2 and counts(s)["住户"] == 3
        team = team_service.find_team(s, "石岗村驻点团队")
        assert team is not None and team.leader is not None and team.leader.name == "陈志强"


def test_import_with_problems_waits_for_skip_and_lands_valid_rows(
        qtbot, db: Database, tmp_path: Path, window: MainWindow, infos: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    sheets = good_rows()
    sheets["团队人员"] = [MEMBER_HEADER,
                      member("石岗村驻点团队", "石岗村", "责任人", "陈志强", "13800000001"),
                      member("石岗村驻点团队", "石岗村", "团队成员", "周强", "1380000")]
    choose_file(monkeypatch, "getOpenFileName", write_book(tmp_path / "有问题.xlsx", sheets))
    dialog = run_import(qtbot, window, tick_skip=True)
    assert dialog.problems and dialog.skip_invalid
    qtbot.waitUntil(lambda: len(infos) == 1, timeout=15000)
    window.directory.setCurrentWidget(window.directory.people)
    names = {r.name for r in window.directory.people.model.rows}
    assert "陈志强" in names and "周强" not in names
    with db.session() as s:
        assert [p.name for p in people_service.search_people(s, "周强")] == []


# -- 2. 文件 → 导出花名册… ----------------------------------------------------------------------
def test_export_roster_writes_a_workbook_that_reopens(qtbot, db: Database, tmp_path: Path,
                                                      window: MainWindow, infos: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seed_town(db)
    out = tmp_path / "导出.xlsx"
    choose_file(monkeypatch, "getSaveFileName", out)
    window.actions_by_name["export"].trigger()
    qtbot.waitUntil(lambda: len(infos) == 1, timeout=15000)
    assert str(out) in infos[0]
    book = load_workbook(out)
    assert book.sheetnames == ["驻点团队", "团队人员", "人员名册", "住户"]
    teams_sheet = [[c.value for c in row] for row in book["驻点团队"].iter_rows(min_row=3)]
    assert teams_sheet[0][:2] == ["石岗村驻点团队", "石岗村"]
    members = [[c.value for c in row] for row in book["团队人员"].iter_rows(min_row=3)]
    assert ["石岗村驻点团队", "李建国"] in [[r[0], r[4]] for r in members]


# -- 3. the team page ------------------------------------------------------------------------------
def open_team_dialog(qtbot, window: MainWindow, key: str, kind: type[FormDialog],  # type: ignore[no-untyped-def]
                     fill: Callable[[Any], None]) -> FormDialog:
    seen: list[QDialog] = []
    when_modal(kind, fill, seen)
    click(qtbot, window.directory.teams.action_buttons[key])
    assert seen, "the dialog did not open"
    return seen[0]  # type: ignore[return-value]


def test_replace_town_liaison_shows_successor_and_predecessor(qtbot, db: Database,
                                                              window: MainWindow) -> None:
    seed_town(db)
    window.ctx.data_changed.emit()

    def fill(d: ReplaceMemberDialog) -> None:
        pick(d.member, "专职联络员")
        pick(d.successor, "周敏")
        type_text(qtbot, d.reason, "工作调动")
        click(qtbot, d.save_button)

    open_team_dialog(qtbot, window, "replace", ReplaceMemberDialog, fill)
    detail = window.directory.teams.detail
    assert detail.fact_labels["town_liaison"].text() == "周敏"
    former = [(m.name, m.end_reason) for m in detail.former_model.rows]
    assert former == [("陈小红", "工作调动")]


def test_core_member_leaves_with_a_reason(qtbot, db: Database, window: MainWindow) -> None:
    seed_town(db)
    window.ctx.data_changed.emit()

    def fill(d: EndMembershipDialog) -> None:
        pick(d.member, "团队成员")
        type_text(qtbot, d.reason, "退休")
        click(qtbot, d.save_button)

    open_team_dialog(qtbot, window, "end", EndMembershipDialog, fill)
    detail = window.directory.teams.detail
    assert "黄志强" not in [m.name for m in detail.current_model.rows]
    assert [(m.name, m.end_reason) for m in detail.former_model.rows] == [("黄志强", "退休")]


def test_eleventh_station_member_is_refused_in_the_dialog(qtbot, db: Database,
                                                          window: MainWindow) -> None:
    ids = seed_town(db)
    with db.session() as s:  # leader, liaison and 黄志强 already: seven more make ten
        for i in range(8):
            person = people_service.create_person(s, people_service.PersonInput(
                f"队员{i}", unit=f"镇办{i}", category=PersonCategory.TOWN_CADRE))
            if i < 7:
                team_service.add_member(s, ids["team"], person.id, MemberRole.CORE, date(2024, 1, 1))
    window.ctx.data_changed.emit()
    messages: list[str] = []

    def fill(d: AddMemberDialog) -> None:
        pick(d.person, "队员7")
        click(qtbot, d.save_button)
        messages.append(d.top_error.text() if d.top_error.isVisible() else "")
        d.reject()

    dialog = open_team_dialog(qtbot, window, "add", AddMemberDialog, fill)
    assert messages == ["石岗村驻点团队的驻点团队已有 10 人，按规定不超过 10 人"
                        "（含责任人和专职联络员）。辅助人员请加入辅助团队。"]
    assert dialog.result() == QDialog.DialogCode.Rejected
    with db.session() as s:
        assert len(team_service.overview(s, ids["team"]).core) == 8


# -- 4. 人员 → 退出名册 ---------------------------------------------------------------------------
def retire(qtbot, window: MainWindow, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    page = window.directory.people
    window.directory.setCurrentWidget(page)
    assert select_first_where(page.table, lambda r: r is not None and r.name == name)
    messages: list[str] = []

    def fill(d: RetireDialog) -> None:
        type_text(qtbot, d.reason, "调离")
        click(qtbot, d.save_button)
        if d.isVisible():  # refused: the message is on the form, which stays open
            messages.append(d.top_error.text())
            d.reject()

    seen: list[QDialog] = []
    when_modal(RetireDialog, fill, seen)
    click(qtbot, page.findChild(QPushButton, "person_retire"))
    assert seen
    return messages


def test_retiring_a_leader_is_refused_and_a_member_leaves_the_team(qtbot, db: Database,
                                                                   window: MainWindow) -> None:
    ids = seed_town(db)
    window.ctx.data_changed.emit()
    assert retire(qtbot, window, "李建国") == [
        "“李建国”是石岗村驻点团队的责任人，请先在团队页用“替换”指定继任者。"]
    assert retire(qtbot, window, "黄志强") == []
    assert "黄志强" not in {r.name for r in window.directory.people.model.rows}
    window.directory.setCurrentWidget(window.directory.teams)
    detail = window.directory.teams.detail
    assert "黄志强" not in [m.name for m in detail.current_model.rows]
    with db.session() as s:
        assert team_service.overview(s, ids["team"]).leader is not None


# -- 5. keyboard -------------------------------------------------------------------------------
def test_navigation_and_tabs_work_from_the_keyboard(qtbot, db: Database,
                                                    window: MainWindow) -> None:
    window.activateWindow()
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.stack.currentIndex() == 1
    qtbot.keyClick(window.nav, Qt.Key.Key_Up)
    assert window.stack.currentIndex() == 0
    tabs = window.directory
    tabs.teams.table.setFocus()
    qtbot.keyClick(tabs.teams.table, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentWidget() is tabs.people
    qtbot.keyClick(tabs.people.table, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentWidget() is tabs.communities


def test_enter_saves_a_form(qtbot, db: Database, window: MainWindow) -> None:
    page = window.directory.people
    window.directory.setCurrentWidget(page)
    seen: list[QDialog] = []

    def fill(d: PersonDialog) -> None:
        assert d.save_button.isDefault()
        type_text(qtbot, d.name, "林海")
        qtbot.keyClick(d.name, Qt.Key.Key_Return)

    when_modal(PersonDialog, fill, seen)
    click(qtbot, page.findChild(QPushButton, "person_new"))
    assert seen and seen[0].result() == QDialog.DialogCode.Accepted
    assert "林海" in {r.name for r in page.model.rows}


def test_add_member_through_the_dialog_joins_the_team(qtbot, db: Database, window: MainWindow
                                                      ) -> None:
    seed_town(db)
    window.ctx.data_changed.emit()

    def fill(d: AddMemberDialog) -> None:
        pick(d.person, "周敏")
        pick(d.role, MemberRole.SUPPORT.label)
        click(qtbot, d.save_button)

    dialog = open_team_dialog(qtbot, window, "add", AddMemberDialog, fill)
    assert dialog.result() == QDialog.DialogCode.Accepted
    lines = window.directory.teams.detail.current_model.rows
    assert ("周敏", MemberRole.SUPPORT.label) in [(m.name, m.role) for m in lines]
