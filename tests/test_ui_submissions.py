"""上报与通报 through the window: a liaison adds notice-board photos and the written report and
builds the month's package (the zip's manifest lists every file); the office receives it into
its own database (the data appears; a second receipt changes nothing; a tampered copy is
refused with the reason); a funding project applied for, decided and disbursed through the
dialogs (exact money in the reopened database); the bulletin tab shows the service's figures
and lists the records behind one."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.db import Database
from app.models import (FundingProject, NoticePhoto, PhotoKind, Role, Submission,
                        SubmissionKind, WrittenReport)
from app.services import bulletin as bulletin_service
from tests.databases import open_test_database
from tests.test_services_problems import actor
from tests.test_services_submissions import make_month
from tests.ui_support import seed_town, type_text, when_modal
from ui import tasks
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.submissions import common
from ui.submissions.bulletin import COLUMNS, RecordsDialog
from ui.submissions.funding import DecisionDialog, DisburseDialog, ProjectDialog
from ui.submissions.page import SubmissionsPage

TODAY = date.today()


@pytest.fixture(autouse=True)
def finish_tasks():  # type: ignore[no-untyped-def]
    yield
    tasks.wait_all()


def open_area(qtbot, db: Database) -> tuple[MainWindow, SubmissionsPage]:  # type: ignore[no-untyped-def]
    window = MainWindow(AppContext(db))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    window.show_area("上报与通报")
    page = window.pages["上报与通报"]
    assert isinstance(page, SubmissionsPage)
    return window, page


def photo(path: Path, color: str) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def click(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    assert widget.isVisible() and widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_liaison_builds_the_package_and_the_office_receives_it_once(
        qtbot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    town = seed_town(db)
    db.act_as(actor(Role.LIAISON, town["team"]))
    window, page = open_area(qtbot, db)
    tab = page.monthly
    qtbot.waitUntil(lambda: tab.loaded and tab.team_loaded)
    assert tab.model.teams == [(town["team"], "石岗村驻点团队")]
    assert not tab.build_button.isEnabled() or tab.team_month.missing  # nothing there yet
    assert "组织办接收" not in [tab.side.tabText(i) for i in range(tab.side.count())]

    # Photos: one 远景, then two 近景, chosen "by file dialog".
    tab.side.setCurrentIndex(0)
    chosen: list[list[Path]] = [[photo(tmp_path / "远景.jpg", "navy")],
                                [photo(tmp_path / "近景1.jpg", "gray"),
                                 photo(tmp_path / "近景2.jpg", "olive")]]
    monkeypatch.setattr(common, "ask_open_paths", lambda *_a: chosen.pop(0))
    tab.photo_kind.setCurrentIndex(tab.photo_kind.findData(PhotoKind.FAR))
    click(qtbot, tab.add_photos_button)
    qtbot.waitUntil(lambda: tab.team_loaded and tab.photo_list.count() == 1)
    tab.photo_kind.setCurrentIndex(tab.photo_kind.findData(PhotoKind.NEAR))
    click(qtbot, tab.add_photos_button)
    qtbot.waitUntil(lambda: tab.team_loaded and tab.photo_list.count() == 3)
    assert not tab.photo_list.item(0).icon().isNull()           # thumbnails from the stored image
    assert "已齐" in tab.photo_state.text()
    assert tab.team_month.missing == (f"{TODAY.year} 年 {TODAY.month} 月的书面汇报还没有写",)

    # The written report: too short first (the service's message), then saved.
    tab.side.setCurrentIndex(1)
    type_text(qtbot, tab.report_body, "本月驻点四次")
    click(qtbot, tab.save_report_button)
    assert "太短" in tab.report_state.text()
    type_text(qtbot, tab.report_body, "，走访群众二十户，收集问题五个，已解决三个，其余正在办理。")
    click(qtbot, tab.save_report_button)
    qtbot.waitUntil(lambda: tab.team_loaded and tab.team_month.report is not None)
    assert tab.team_month.missing == ()

    # The package, saved where the dialog says, built in a worker.
    out = tmp_path / "石岗村_上报材料.zip"
    monkeypatch.setattr(common, "ask_save_path", lambda *_a: out)
    tab.side.setCurrentIndex(2)
    click(qtbot, tab.build_button)
    qtbot.waitUntil(lambda: "已生成" in tab.build_result.text(), timeout=30000)
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        listed = {entry["path"] for entry in manifest["files"]}
        assert listed == set(archive.namelist()) - {"manifest.json"}
        kinds = {entry["kind"] for entry in manifest["files"]}
    assert (manifest["team"], manifest["year"], manifest["month"]) == (
        "石岗村驻点团队", TODAY.year, TODAY.month)
    assert {k.value for k in SubmissionKind} <= kinds
    assert sum(1 for p in listed if p.startswith("photos/")) == 3
    window.close()

    # The office, in its own database (same town roster), receives the package.
    office_db = open_test_database(tmp_path / "office.db")
    try:
        seed_town(office_db)
        office_db.act_as(actor(Role.ORG_OFFICE))
        office_window, office_page = open_area(qtbot, office_db)
        office = office_page.monthly
        qtbot.waitUntil(lambda: office.loaded)
        office.side.setCurrentIndex(office.side.count() - 1)
        assert office.side.tabText(office.side.currentIndex()) == "组织办接收"
        assert not office.add_photos_button.isVisible()          # the office adds no photos
        monkeypatch.setattr(common, "ask_open_path", lambda *_a: out)
        click(qtbot, office.receive_button)
        qtbot.waitUntil(lambda: office.receipt.text().startswith("已接收"), timeout=30000)
        assert "登记收到：公开栏相片、" in office.receipt.text()
        assert "书面汇报" in office.receipt.text().split("合并数据：")[1]
        qtbot.waitUntil(lambda: office.package_model.rowCount() == 1)
        assert office.package_model.rows[0].file_name == out.name
        with office_db.session() as s:
            assert len(s.scalars(select(NoticePhoto)).all()) == 3
            assert "走访群众二十户" in s.scalars(select(WrittenReport)).one().body
            assert {r.kind for r in s.scalars(select(Submission))} == set(SubmissionKind)
        qtbot.waitUntil(lambda: office.loaded and all(
            office.model.item(0, c).received_at is not None for c in range(1, 6)))

        # The same file again: already received, nothing changes.
        click(qtbot, office.receive_button)
        qtbot.waitUntil(lambda: "接收过" in office.receipt.text())
        assert "没有任何改动" in office.receipt.text()

        # A tampered copy: one form's bytes changed, the manifest not.
        tampered = tmp_path / "tampered.zip"
        with zipfile.ZipFile(out) as src, zipfile.ZipFile(tampered, "w") as dst:
            for info in src.infolist():
                content = src.read(info.filename)
                if info.filename.endswith("书面汇报.pdf"):
                    content += b"%"
                dst.writestr(info, content)
        monkeypatch.setattr(common, "ask_open_path", lambda *_a: tampered)
        click(qtbot, office.receive_button)
        qtbot.waitUntil(lambda: "不能接收" in office.receipt.text())
        assert "与清单中的校验值不符" in office.receipt.text()
        assert "书面汇报.pdf" in office.receipt.text()
        with office_db.session() as s:
            assert len(s.scalars(select(NoticePhoto)).all()) == 3
        office_window.close()
        tasks.wait_all()
    finally:
        office_db.close()


def test_a_project_applied_decided_and_disbursed_through_the_dialogs(
        qtbot, db: Database, db_path: Path) -> None:
    town = seed_town(db)
    _window, page = open_area(qtbot, db)
    page.tabs.setCurrentWidget(page.funding)
    tab = page.funding
    qtbot.waitUntil(lambda: tab.loaded)

    def fill_project(dialog: ProjectDialog) -> None:
        assert dialog.community.currentData() == town["shigang"]
        type_text(qtbot, dialog.name, "村道硬化")
        type_text(qtbot, dialog.budget, "88,000.00")
        type_text(qtbot, dialog.subsidy, "12,345.60")
        type_text(qtbot, dialog.situation, "村道坑洼，雨天积水")
        dialog.applied_on.setDate(date(TODAY.year, 1, 5) if TODAY.month > 1 else TODAY)
        dialog.try_save()

    when_modal(ProjectDialog, fill_project)
    click(qtbot, tab.new_button)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    tab.table.selectRow(0)
    row = tab.model.rows[0]
    assert (row.name, tab.model.index(0, 6).data()) == ("村道硬化", "12,345.60")

    def refuse_too_much(dialog: DecisionDialog) -> None:
        dialog.amount.clear()
        type_text(qtbot, dialog.amount, "20000")
        dialog.try_save()                                      # more than asked: refused
        assert "不能超过申请补贴" in dialog.field_errors["approved_amount"].text()
        dialog.amount.clear()
        type_text(qtbot, dialog.amount, "12,000.50")
        dialog.try_save()

    when_modal(DecisionDialog, refuse_too_much)
    click(qtbot, tab.decide_button)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1 and tab.model.rows[0].status.label == "已批准")
    tab.table.selectRow(0)

    def pay(dialog: DisburseDialog) -> None:
        type_text(qtbot, dialog.amount, "2,000.25")
        dialog.try_save()

    when_modal(DisburseDialog, pay)
    click(qtbot, tab.disburse_button)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1
                    and tab.model.rows[0].disbursed == Decimal("2000.25"))
    assert tab.model.index(0, 9).data() == "2,000.25"
    assert "已批准" == tab.queue_model.rows[0].status.label
    tasks.wait_all()
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        project = s.scalars(select(FundingProject)).one()
        assert (project.subsidy, project.budget, project.approved_amount) == (
            Decimal("12345.60"), Decimal("88000.00"), Decimal("12000.50"))
        assert [d.amount for d in project.disbursements] == [Decimal("2000.25")]
        assert project.situation == "村道坑洼，雨天积水"


def test_the_bulletin_tab_shows_the_figures_and_the_records_behind_one(
        qtbot, db: Database) -> None:
    town = make_month(db)
    _window, page = open_area(qtbot, db)
    page.tabs.setCurrentWidget(page.bulletin)
    tab = page.bulletin
    tab.picker.set_month(2026, 3)
    qtbot.waitUntil(lambda: tab.bulletin is not None and tab.bulletin.month == 3)
    with db.session() as s:
        expected = bulletin_service.bulletin(s, 2026, 3)
    titles = [c.title for c in COLUMNS]

    def cell(row: int, title: str) -> str:
        return tab.model.index(row, titles.index(title)).data()

    assert tab.model.rowCount() == 2                              # the team, then the totals
    team = expected.teams[0]
    assert cell(0, "驻点团队") == "石岗村驻点团队"
    assert cell(0, "驻点次数") == f"{team.sessions_held}/{team.station_days}" == "3/5"
    assert cell(0, "收集问题") == "4" and cell(0, "办结问题") == "2"
    assert cell(0, "超期未办结") == "1" and cell(0, "得分") == f"{team.score:.1f}"
    assert cell(1, "驻点团队") == "全镇合计"
    assert "收集问题 4 个" in tab.summary.text()

    seen: dict[str, object] = {}

    def read(dialog: RecordsDialog) -> None:
        seen["rows"] = [dialog.model.rows[r].what for r in range(dialog.model.rowCount())]
        seen["title"] = dialog.windowTitle()
        dialog.reject()

    when_modal(RecordsDialog, read)
    tab.table.doubleClicked.emit(tab.model.index(0, titles.index("超期未办结")))
    assert seen == {"rows": ["石岗村-2026-003"], "title": "石岗村驻点团队 2026 年 3 月 · 超期未办结"}
    # The totals row and untraceable columns open nothing.
    assert tab.model.figure_at(tab.model.index(1, titles.index("收集问题"))) is None
    assert tab.model.figure_at(tab.model.index(0, titles.index("走访达标户"))) is None
    assert town["team"] == team.team_id


def test_the_office_records_a_paper_submission_and_exports_the_forms_and_the_bulletin(
        qtbot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl
    from PySide6.QtWidgets import QMessageBox

    from ui.submissions.monthly import RecordReceivedDialog

    make_month(db)
    db.act_as(actor(Role.ORG_OFFICE))
    _window, page = open_area(qtbot, db)
    tab = page.monthly
    qtbot.waitUntil(lambda: tab.loaded)
    tab.picker.set_month(2026, 3)
    qtbot.waitUntil(lambda: tab.loaded and tab.model.due.get(SubmissionKind.PHOTOS) == date(2026, 3, 3))
    register = 1 + list(SubmissionKind).index(SubmissionKind.REGISTER)
    qtbot.waitUntil(lambda: tab.model.item(0, register) is not None
                    and tab.model.item(0, register).state.label == "缺报")

    def paper(dialog: RecordReceivedDialog) -> None:
        dialog.kind.setCurrentIndex(dialog.kind.findData(SubmissionKind.REGISTER))
        dialog.at.setDateTime(datetime(2026, 3, 28, 16, 30))
        type_text(qtbot, dialog.note, "纸质登记册")
        dialog.try_save()

    tab.side.setCurrentIndex(tab.side.count() - 1)
    when_modal(RecordReceivedDialog, paper)
    click(qtbot, tab.record_button)
    qtbot.waitUntil(lambda: tab.model.item(0, register).state.label == "按时报送")
    assert tab.model.index(0, register).data() == "按时报送 03-28"

    # 附件2 of the month and the bulletin, written through app.forms where the dialog says.
    def closes(box: QMessageBox) -> None:
        box.accept()

    funding_tab = page.funding
    page.tabs.setCurrentWidget(funding_tab)
    qtbot.waitUntil(lambda: funding_tab.loaded)
    funding_tab.export_month.set_month(2026, 3)
    form2 = tmp_path / "附件2.xlsx"
    monkeypatch.setattr(common, "ask_save_path", lambda *_a: form2)
    when_modal(QMessageBox, closes)
    click(qtbot, funding_tab.form2_button)
    qtbot.waitUntil(lambda: form2.exists() and QApplication.activeModalWidget() is None)
    assert openpyxl.load_workbook(form2).worksheets

    bulletin_tab = page.bulletin
    page.tabs.setCurrentWidget(bulletin_tab)
    bulletin_tab.picker.set_month(2026, 3)
    qtbot.waitUntil(lambda: bulletin_tab.bulletin is not None and bulletin_tab.bulletin.month == 3)
    book = tmp_path / "通报.xlsx"
    monkeypatch.setattr(common, "ask_save_path", lambda *_a: book)
    when_modal(QMessageBox, closes)
    click(qtbot, bulletin_tab.xlsx_button)
    qtbot.waitUntil(lambda: book.exists() and QApplication.activeModalWidget() is None)
    cells = [str(c.value) for ws in openpyxl.load_workbook(book).worksheets
             for row in ws.iter_rows() for c in row if c.value is not None]
    assert "石岗村驻点团队" in cells


def test_the_office_issues_the_bulletin_and_exports_the_issued_one_after(
        qtbot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    from PySide6.QtWidgets import QMessageBox

    from ui.submissions.bulletin import IssueDialog

    make_month(db)
    db.act_as(actor(Role.ORG_OFFICE))
    _window, page = open_area(qtbot, db)
    tab = page.bulletin
    page.tabs.setCurrentWidget(tab)
    tab.picker.set_month(2026, 3)
    qtbot.waitUntil(lambda: tab.bulletin is not None and tab.bulletin.month == 3)
    said: list[str] = []

    def closes(box: QMessageBox) -> None:
        said.append(box.text())
        box.accept()

    def dated(dialog: IssueDialog) -> None:
        dialog.dated.setDate(date(2026, 4, 8))
        dialog.try_save()

    issued = tmp_path / "印发.pdf"
    monkeypatch.setattr(common, "ask_save_path", lambda *_a: issued)
    when_modal(IssueDialog, dated)
    # Issuing builds and stores the PDF in a worker: on a loaded run (the PostgreSQL pass on two
    # busy cores) the message can take well over the watcher's default 10 s.
    when_modal(QMessageBox, closes, tries=3000)
    click(qtbot, tab.issue_button)
    qtbot.waitUntil(lambda: bool(said) and QApplication.activeModalWidget() is None, timeout=60000)
    assert said[0].startswith("已印发：") and "〔2026〕1号" in said[0] and "2026-04-08" in said[0]
    text = subprocess.run(["pdftotext", str(issued), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "〔2026〕1号" in text and "2026年4月8日" in text and "征求意见稿" not in text

    # 导出 PDF afterwards: the issued document again, byte for byte
    again = tmp_path / "导出.pdf"
    monkeypatch.setattr(common, "ask_save_path", lambda *_a: again)
    when_modal(QMessageBox, closes, tries=3000)
    click(qtbot, tab.pdf_button)
    qtbot.waitUntil(lambda: len(said) == 2 and QApplication.activeModalWidget() is None,
                    timeout=60000)
    assert again.read_bytes() == issued.read_bytes()


def test_a_team_set_up_mid_month_is_not_shown_missing_for_what_fell_due_before(
        qtbot, db: Database) -> None:
    from datetime import time

    from app.services import teams

    town = seed_town(db)
    with db.session() as s:
        teams.create_team(s, teams.TeamInput(
            "新围社区驻点团队", [town["xinwei"]], 4, time(9), time(12)), town["wong"],
            date(2026, 3, 10))
    db.act_as(actor(Role.ORG_OFFICE))
    _window, page = open_area(qtbot, db)
    tab = page.monthly
    qtbot.waitUntil(lambda: tab.loaded)
    tab.picker.set_month(2026, 3)
    qtbot.waitUntil(lambda: tab.loaded and len(tab.model.teams) == 2
                    and tab.model.due.get(SubmissionKind.PHOTOS) == date(2026, 3, 3))
    photos = 1 + list(SubmissionKind).index(SubmissionKind.PHOTOS)
    report = 1 + list(SubmissionKind).index(SubmissionKind.REPORT)
    rows = {name: row for row, (_id, name) in enumerate(tab.model.teams)}
    new, old = rows["新围社区驻点团队"], rows["石岗村驻点团队"]
    assert tab.model.item(old, photos).state.label == "缺报"
    assert tab.model.item(new, photos) is None
    cell = tab.model.index(new, photos)
    assert tab.model.data(cell) is None
    assert "无需报送" in tab.model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert tab.model.item(new, report).state.label == "缺报"
