"""Printing a PDF directly (issue 15): the cards' print path (pages rendered at 100 % onto a
QPrinter) for any PDF, and the 打印… buttons of the minutes and the sign-in sheet. No real
printer: the print dialog is replaced, and either the printer prints to a PDF file or the
printing step records which PDF reached it."""

from __future__ import annotations

import subprocess
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QPageSize, QPainter, QPdfWriter
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from app.db import Database
from app.models import Attendance, MeetingKind
from app.services import meetings as M
from tests.ui_support import seed_town
from ui import tasks
from ui.cards import print as printing
from ui.cards.pdf_pages import page_sizes
from ui.context import AppContext
from ui.meetings.page import MeetingsPage
from ui.widgets import print_pdf

A4 = (595.28, 841.89)


@pytest.fixture
def finish_tasks():  # type: ignore[no-untyped-def]
    yield
    tasks.wait_all()


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def write_pdf(path: Path, pages: int) -> Path:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    painter = QPainter(writer)
    for i in range(pages):
        if i:
            writer.newPage()
        painter.drawText(200, 400, f"第 {i + 1} 页")
    painter.end()
    return path


@pytest.fixture
def parent(qtbot) -> QWidget:  # type: ignore[no-untyped-def]
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_any_pdf_prints_at_its_own_size_through_the_dialog(qtbot, parent, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          finish_tasks) -> None:
    source = write_pdf(tmp_path / "通报.pdf", 2)
    printed = tmp_path / "打印机输出.pdf"
    asked: list[tuple[str, int]] = []

    def to_file(_parent: Any, printer: QPrinter, pages: int, title: str = "") -> bool:
        asked.append((title, pages))
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        printer.setResolution(100)
        return True

    monkeypatch.setattr(printing, "ask_printer", to_file)
    results: list[Any] = []
    print_pdf.print_pdf(parent, source, "打印月通报", on_finished=results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=30000)
    assert asked == [("打印月通报", 2)]
    assert results[0] is not None and results[0].pages == 2 and not results[0].cancelled
    assert [s.width == pytest.approx(A4[0], abs=1) and s.height == pytest.approx(A4[1], abs=1)
            for s in page_sizes(printed)] == [True, True]


def test_a_cancelled_print_dialog_prints_nothing(qtbot, parent, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_pdf(tmp_path / "通报.pdf", 1)
    sent: list[Path] = []
    monkeypatch.setattr(printing, "ask_printer", lambda *_a: False)
    monkeypatch.setattr(printing, "print_pdf", lambda _printer, pdf, *_a: sent.append(pdf))
    results: list[Any] = []
    assert print_pdf.print_pdf(parent, source, "打印", on_finished=results.append) is None
    assert results == [None] and sent == []


# -- 会议记录 / 签到表: 打印… ------------------------------------------------------------------
def meeting_page(qtbot, db: Database) -> tuple[MeetingsPage, int]:  # type: ignore[no-untyped-def]
    ids = seed_town(db)
    with db.session() as s:
        meeting = M.create_meeting(s, M.MeetingInput(
            MeetingKind.WEEKLY, date.today() - timedelta(days=3), time(14), time(15),
            [ids["team"]], agenda=["研究本周走访安排"]))
        meeting_id, people = meeting.id, [a.id for a in meeting.attendees]
    with db.session() as s:
        for attendee_id in people:
            M.sign_in(s, attendee_id, M.SignIn(Attendance.PRESENT))
    page = MeetingsPage(AppContext(db))
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    qtbot.waitUntil(lambda: page.meetings.loaded and page.teams_loaded)
    page.meetings.reload(select_id=meeting_id)
    qtbot.waitUntil(lambda: page.meetings.selected() is not None
                    and page.meetings.print_minutes_button.isEnabled())
    return page, meeting_id


def capture_printing(monkeypatch: pytest.MonkeyPatch, accept: bool = True
                     ) -> tuple[list[str], list[tuple[Path, str]]]:
    """The dialog's title, and each PDF that reached the printer with its text."""
    titles: list[str] = []
    sent: list[tuple[Path, str]] = []

    def dialog(_parent: Any, _printer: QPrinter, _pages: int, title: str = "") -> bool:
        titles.append(title)
        return accept

    def to_printer(_printer: QPrinter, pdf: Path, *_a: Any) -> printing.Printed:
        sent.append((pdf, pdf_text(pdf)))
        return printing.Printed(1, "测试打印机")

    monkeypatch.setattr(printing, "ask_printer", dialog)
    monkeypatch.setattr(printing, "print_pdf", to_printer)
    return titles, sent


def test_the_minutes_and_the_sign_in_sheet_print_directly(qtbot, db: Database,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          finish_tasks) -> None:
    page, _meeting_id = meeting_page(qtbot, db)
    titles, sent = capture_printing(monkeypatch)
    tab = page.meetings
    assert tab.print_minutes_button.text() == "打印会议记录…"
    assert tab.print_sheet_button.text() == "打印签到表…"
    tab.print_minutes_button.click()
    qtbot.waitUntil(lambda: len(sent) == 1, timeout=30000)
    assert titles == ["打印会议记录"]
    pdf, text = sent[0]
    assert "会议记录" in text and "研究本周走访安排" in text
    qtbot.waitUntil(lambda: not pdf.exists() and not pdf.parent.exists())  # the temporary file goes
    tab.print_sheet_button.click()
    qtbot.waitUntil(lambda: len(sent) == 2, timeout=30000)
    assert titles == ["打印会议记录", "打印会议签到表"]
    assert "签到" in sent[1][1]


def test_cancelling_the_print_dialog_prints_no_minutes(qtbot, db: Database,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       finish_tasks) -> None:
    page, _meeting_id = meeting_page(qtbot, db)
    titles, sent = capture_printing(monkeypatch, accept=False)
    page.meetings.print_minutes_button.click()
    qtbot.waitUntil(lambda: titles == ["打印会议记录"], timeout=30000)
    tasks.wait_all()
    qtbot.wait(50)
    assert sent == []


# -- 月通报: 打印… -------------------------------------------------------------------------------
def test_the_bulletin_prints_directly(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch,
                                      finish_tasks) -> None:
    from app.models import Role
    from tests.test_services_problems import actor
    from tests.test_services_submissions import make_month
    from tests.test_ui_submissions import open_area

    make_month(db)
    db.act_as(actor(Role.ORG_OFFICE))
    _window, page = open_area(qtbot, db)
    tab = page.bulletin
    page.tabs.setCurrentWidget(tab)
    tab.picker.set_month(2026, 3)
    qtbot.waitUntil(lambda: tab.bulletin is not None and tab.bulletin.month == 3)
    titles, sent = capture_printing(monkeypatch)
    assert tab.print_button.isVisible() and tab.print_button.text() == "打印…"
    tab.print_button.click()
    qtbot.waitUntil(lambda: len(sent) == 1, timeout=60000)
    assert titles == ["打印月通报"]
    text = sent[0][1]
    assert "2026年3月" in text.replace(" ", "") and "石岗村驻点团队" in text


# -- 抽查督查月度通报: 打印… --------------------------------------------------------------------
def test_the_check_report_prints_directly(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch,
                                          finish_tasks) -> None:
    from app.services import spot_checks
    from tests.test_ui_checks import _drawn_check, open_page, seed
    from tests.ui_support import when_modal
    from ui.checks.ledger import MonthDialog

    seed(db)
    check_id, _due = _drawn_check(db)
    with db.session() as s:
        check = spot_checks.get_check(s, check_id)
        month, team = date(check.year, check.month, 1), check.team.name
    page = open_page(qtbot, db)
    tab = page.ledger
    tab.select_id(check_id)
    titles, sent = capture_printing(monkeypatch)
    when_modal(MonthDialog, lambda dialog: dialog.save_button.click())
    tab.print_report_button.click()
    qtbot.waitUntil(lambda: len(sent) == 1, timeout=60000)
    assert titles == ["打印月度通报"]
    text = sent[0][1]
    assert f"{month.year}年{month.month}月" in text.replace(" ", "") and team in text
