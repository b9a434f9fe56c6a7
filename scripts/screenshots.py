"""Render the user guide's screenshots (docs/screenshots) from a copy of a demo database.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py --db /tmp/zhilian-large.db

Run from the checkout: the import preview is shown on a workbook built with the test helpers
(tests/roster_files.py), with a few rows a town would get wrong.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ui.app import make_application  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def _problem_workbook(folder: Path) -> Path:
    from tests.roster_files import MEMBER_HEADER, member, messy_rows, write_book

    sheets = messy_rows()
    sheets["团队人员"] = [MEMBER_HEADER,
                      member("石岗村驻点团队", "石岗村", "组员", "周强", "1380000"),
                      member("石岗村驻点团队", "石岗村", "团队成员", "", "13800000021"),
                      member("石岗村驻点团队", "石岗村", "团队成员", "郑华", "13800000022",
                             rid="440781198001011234")]
    return write_book(folder / "花名册（有问题）.xlsx", sheets)


def _save(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    widget.grab().save(str(OUT / name))
    print(OUT / name)


def render(db_copy: Path, folder: Path) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QTabWidget

    import app.roster as roster
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.roster.preview_dialog import ImportPreviewDialog
    from ui.startup import open_with_dialogs
    from ui.teams.page import TeamsPage
    from ui.teams.rows import team_input
    from ui.teams.team_dialog import TeamDialog
    from ui.communities.rows import community_choices
    from ui import tasks

    from app.services.accounts import sign_in_to
    from ui.auth.sign_in import SignInDialog

    app = QApplication.instance()
    db = open_with_dialogs(str(db_copy))
    assert db is not None
    sign_in = SignInDialog(db)
    sign_in.show()
    _settle_briefly()
    _save(sign_in, "sign-in.png")
    sign_in.reject()
    sign_in_to(db, "admin", "demo")  # the demo database's administrator
    ctx = AppContext(db)
    window = MainWindow(ctx)
    window.resize(1280, 800)
    window.show()

    def settle(ms: int = 400) -> None:
        # A local loop: QApplication.quit() would close the window (Qt 6), hiding what we grab.
        tasks.wait_all()
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        tasks.wait_all()

    settle()
    tabs = window.directory
    for index, name in ((0, "teams.png"), (1, "people.png"), (3, "households.png")):
        tabs.setCurrentIndex(index)
        settle(800 if name == "households.png" else 300)
        _save(window, name)
    tabs.setCurrentIndex(0)
    _save(window, "home.png")
    for area, name in (("日志与台账", "ledgers.png"),
                       ("设置", "settings.png"),
                       ("账户", "users.png"), ("操作记录", "audit.png"), ("联系卡", "cards.png")):
        window.show_area(area)
        settle(1500 if area in ("联系卡", "日志与台账") else 400)
        _save(window, name)
    cards_page = window.stack.currentWidget().findChild(QTabWidget)
    cards_page.setCurrentIndex(1)
    settle(1500)
    _save(window, "cards-distribution.png")
    _card_pages(db, folder)
    _record_areas(window, settle, db)
    _documents(db, folder)
    window.show_area("团队与人员")
    page: TeamsPage = tabs.teams
    with db.session() as s:
        data, version = team_input(s, page.current_id())
        communities = community_choices(s)
    form = TeamDialog(db, data, communities, [], page.current_id(), version, parent=window)
    form.show()
    settle()
    _save(form, "team-form.png")
    form.reject()
    _household_form(db, window, settle)
    book = _problem_workbook(folder)
    with db.new_session() as s:
        preview = roster.preview_import(s, book)
    dialog = ImportPreviewDialog(preview, book.name, window)
    dialog.resize(1000, 640)
    dialog.show()
    settle()
    _save(dialog, "import-preview.png")
    dialog.reject()
    _mapping_step(folder, window, settle)
    window.close()
    tasks.wait_all()
    db.close()


# Each tab of these areas, as (area, tab index, file name).
AREA_TABS = (
    ("日志与台账", 3, "visits.png"), ("日志与台账", 4, "coverage.png"),
    ("会议与签到", 0, "meetings.png"), ("会议与签到", 1, "meetings-compliance.png"),
    ("抽查督查", 0, "checks.png"), ("抽查督查", 1, "patrols.png"),
    ("抽查督查", 3, "findings.png"), ("抽查督查", 5, "check-settings.png"),
    ("上报与通报", 0, "submissions.png"), ("上报与通报", 1, "funding.png"),
    ("上报与通报", 2, "bulletin.png"),
)


def _record_areas(window, settle, db) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QTabWidget
    from sqlalchemy import select

    from app.models import LedgerCheck, MeetingAmendment
    from ui.checks.ledger import CheckDialog
    from ui.meetings.editor import MeetingEditor

    for area, index, name in AREA_TABS:
        window.show_area(area)
        tabs = window.pages[area].findChild(QTabWidget)
        if tabs is None or index >= tabs.count():
            print(f"跳过 {name}：{area} 没有第 {index + 1} 个标签")
            continue
        tabs.setCurrentIndex(index)
        if name == "submissions.png":   # the demo town's last month, with its photos
            _last_demo_month(tabs.currentWidget())
        if name == "coverage.png":
            month = tabs.currentWidget().month
            month.setCurrentIndex(max(0, month.findData(10)))
        settle(3000 if name in ("visits.png", "bulletin.png", "coverage.png") else 1500)
        _save(window, name)
    with db.session() as s:
        meeting_id = s.scalar(select(MeetingAmendment.meeting_id).limit(1))
        check_id = s.scalar(select(LedgerCheck.id).where(LedgerCheck.reported_at.is_not(None))
                            .order_by(LedgerCheck.id.desc()).limit(1))
    meetings = window.pages["会议与签到"]
    editor = MeetingEditor(window.ctx, getattr(meetings.meetings, "teams", []), meeting_id,
                           window)
    editor.resize(1100, 760)
    editor.show()
    for index, name in ((1, "meeting-sign-in.png"), (2, "meeting-minutes.png")):
        editor.tabs.setCurrentIndex(index)
        settle()
        _save(editor, name)
    editor.reject()
    dialog = CheckDialog(window.ctx, check_id, window)
    dialog.resize(1100, 760)
    dialog.show()
    settle()
    _save(dialog, "check-dialog.png")
    dialog.reject()


def _last_demo_month(tab) -> None:  # type: ignore[no-untyped-def]
    from ui.submissions.common import MonthPicker

    picker = tab.findChild(MonthPicker)
    if picker is not None:
        picker.set_month(2026, 10)


def _documents(db, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """First pages of the printed records, as a town office receives them, at 80 dpi."""
    import pypdfium2 as pdfium
    from sqlalchemy import func, select

    from app.checks.report_pdf import check_report_pdf
    from app.forms.bulletin_pdf import bulletin_pdf
    from app.forms.form2 import form2_pdf
    from app.meetings.pdf import minutes_pdf, sign_in_sheet_pdf
    from app.models import LedgerCheck, MeetingAmendment, Team

    with db.session() as s:
        meeting_id = s.scalar(select(MeetingAmendment.meeting_id).limit(1))
        year, month = s.execute(select(LedgerCheck.year, LedgerCheck.month)
                                .where(LedgerCheck.reported_at.is_not(None))
                                .order_by(LedgerCheck.year.desc(), LedgerCheck.month.desc())
                                .limit(1)).one()
        team_id = s.scalar(select(func.min(Team.id)))
        jobs = (("minutes.pdf", lambda out: minutes_pdf(s, meeting_id, out), (0, 2),
                 ("minutes-1.png", "minutes-3.png")),
                ("sheet.pdf", lambda out: sign_in_sheet_pdf(s, meeting_id, out), (0,),
                 ("sign-in-sheet.png",)),
                ("check.pdf", lambda out: check_report_pdf(s, year, month, out), (0,),
                 ("check-report.png",)),
                ("bulletin.pdf", lambda out: bulletin_pdf(s, year, month, out), (0, "三、图表"),
                 ("bulletin-1.png", "bulletin-charts.png")),
                ("form2.pdf", lambda out: form2_pdf(s, year, month, team_id, out), (0,),
                 ("form2.png",)))
        for pdf_name, render, pages, names in jobs:
            out = folder / pdf_name
            render(out)
            pdf = pdfium.PdfDocument(str(out))
            for index, name in zip(pages, names):
                if isinstance(index, str):   # the page whose text has this heading
                    index = next((n for n in range(len(pdf))
                                  if index in pdf[n].get_textpage().get_text_range()), 0)
                if index < len(pdf):
                    pdf[index].render(scale=80 / 72).to_pil().save(OUT / name)
                    print(OUT / name)
            pdf.close()


def _settle_briefly() -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(300, loop.quit)
    loop.exec()


def _first_start(folder: Path) -> None:
    """The wizard a new installation opens with, on an empty database."""
    from app.db import open_database
    from ui.auth.first_start import FirstStartWizard

    with open_database(folder / "empty.db") as empty:
        wizard = FirstStartWizard(empty)
        wizard.show()
        _settle_briefly()
        _save(wizard, "first-start.png")
        wizard.reject()


def _card_pages(db, folder: Path) -> None:
    """One sheet of cards (front and back) and a poster, as printed, at 110 dpi."""
    import pypdfium2 as pdfium

    from app.cards.poster import render_posters
    from app.cards.render import render_cards
    from app.services.cards import card_content, card_targets

    with db.session() as s:
        target = card_targets(s)[0]
        content = card_content(s, target.team_id, target.community_id)
    for pdf_name, render, pages in (
            ("cards.pdf", lambda out: render_cards([content], out), ("card-front.png", "card-back.png")),
            ("poster.pdf", lambda out: render_posters([content], out), ("poster.png",))):
        out = folder / pdf_name
        render(out)
        pdf = pdfium.PdfDocument(str(out))
        for index, name in enumerate(pages):
            pdf[index].render(scale=110 / 72).to_pil().save(OUT / name)
            print(OUT / name)
        pdf.close()


def _household_form(db, window, settle) -> None:
    from app.services.households import household_rows
    from ui.households.dialog import HouseholdDialog, household_choices, household_start

    with db.session() as s:
        tagged = next(r for r in household_rows(s) if r.key_groups and r.grid)
        choices, start = household_choices(s), household_start(s, tagged.id)
    form = HouseholdDialog(db, choices, start, parent=window)
    form.show()
    settle()
    _save(form, "household-form.png")
    form.reject()


def _mapping_step(folder: Path, window: Any, settle: Any) -> None:
    """A roster from another town: one column the program cannot place, one not wanted."""
    from openpyxl import Workbook

    from app.roster.mapping import scan_layout
    from ui.roster.mapping_dialog import ColumnMappingDialog

    book = Workbook()
    sheet = book.active
    sheet.title = "人员"
    for row in (["所在团队", "驻扎点", "担任角色", "姓  名", "手机号码（必填）", "办公室电话", "其他情况"],
                ["石岗村驻点团队", "石岗村", "组长", "陈志强", "13800000011", "0750-6612000", ""],
                ["石岗村驻点团队", "石岗村", "联络员", "黄丽", "13800000012", "", "新任"],
                ["石岗村驻点团队", "石岗村", "辅助人员", "吴芳", "13800000014", "", ""]):
        sheet.append(row)
    path = folder / "别镇名册.xlsx"
    book.save(path)
    dialog = ColumnMappingDialog(scan_layout(path), {}, path.name, window)
    dialog.show()
    settle()
    _save(dialog, "import-mapping.png")
    dialog.reject()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True, help="演示数据库（会复制一份再打开）")
    args = parser.parse_args()
    make_application()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "shot.db"
        shutil.copy(args.db, copy)
        render(copy, Path(tmp))
        _first_start(Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
