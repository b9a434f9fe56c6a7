"""联系卡 in the window: the card list with its reprint flag, saving and printing the PDF
(at 100 %: the printer's page keeps the PDF's A4 size and every card stays where it was),
the preview, recording distribution, and what a leader (no PRINT_CARDS) is shown.

PDFs are read back with pypdfium2; the database is reopened to check what was recorded.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image
import pytest
from PySide6.QtCore import QDate, QItemSelectionModel
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QPushButton
from sqlalchemy import func, select

from app.auth import Actor
from app.db import Database
from app.models import AuditEntry, CardDelivery, CardPrint, Role
from app.services import accounts, cards, teams
from tests.databases import open_test_database
from tests.ui_support import seed_town
from ui import tasks
from ui.cards import page as cards_page
from ui.cards import print as printing
from ui.cards.page import CardsPage
from ui.cards.preview import PreviewDialog
from ui.context import AppContext
from ui.main_window import AREAS, MainWindow

A4 = (595.28, 841.89)  # points


def cards_area(qtbot, window: MainWindow) -> CardsPage:  # type: ignore[no-untyped-def]
    window.show_area("联系卡")
    page = window.pages["联系卡"]
    assert isinstance(page, CardsPage)
    qtbot.waitUntil(lambda: not page.production.loading and page.production.model.rowCount() > 0)
    return page


def pdf_sizes(path: Path) -> list[tuple[float, float]]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [tuple(pdf[i].get_size()) for i in range(len(pdf))]  # type: ignore[misc]
    finally:
        pdf.close()


def grey(path: Path, index: int, dpi: float = 72, block: int = 6) -> Image.Image:
    """A page in grey, each pixel the average of a ``block`` × ``block`` square (about 2 mm):
    where things are shows, how text edges are smoothed (vector text against a printed
    raster) hardly does."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        bitmap = pdf[index].render(scale=dpi / 72, grayscale=True)
        try:
            return bitmap.to_pil().reduce(block)
        finally:
            bitmap.close()
    finally:
        pdf.close()


def difference(a: Image.Image, b: Image.Image, shift: int = 0) -> float:
    """Mean grey difference over the area both pages cover (a PDF printer rounds the paper to
    whole points, so one may be a pixel larger), with ``b`` moved left by ``shift`` pixels."""
    width, height = min(a.width, b.width - shift), min(a.height, b.height)
    left = a.crop((0, 0, width, height)).tobytes()
    right = b.crop((shift, 0, shift + width, height)).tobytes()
    return sum(abs(x - y) for x, y in zip(left, right)) / len(left)


def save_to(monkeypatch: pytest.MonkeyPatch, out: Path) -> list[str]:
    """The save dialog answers ``out``; messages after saving are collected, not shown."""
    shown: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *args, **kwargs: (str(out), "PDF 文件 (*.pdf)")))
    monkeypatch.setattr(cards_page, "show_message", lambda parent, title, text, path=None: shown.append(text))
    return shown


def move_station(db: Database, team_id: int, place: str) -> None:
    with db.session() as s:
        data, version = teams.team_input(s, team_id)
        teams.update_team(s, team_id, replace(data, station_place=place), version)


def test_the_page_lists_each_team_and_community_and_flags_reprints(qtbot, db: Database,
                                                                   window: MainWindow) -> None:
    ids = seed_town(db)
    production = cards_area(qtbot, window).production
    model = production.model
    assert [(model.index(r, 1).data(), model.index(r, 2).data(), model.index(r, 3).data())
            for r in range(model.rowCount())] == [("石岗村驻点团队", "石岗村", "从未打印")]
    with db.session() as s:  # printed once, then the station moves: the card is out of date
        cards.record_print(s, [cards.card_content(s, ids["team"], ids["shigang"])], False, 2,
                           "测试.pdf")
    window.ctx.data_changed.emit()
    qtbot.waitUntil(lambda: model.index(0, 3).data() == "无需重印")  # printed, still current
    move_station(db, ids["team"], "村委会三楼会议室")
    window.ctx.data_changed.emit()
    qtbot.waitUntil(lambda: model.index(0, 3).data() == "需重印")
    assert "1 张因名册变动需重印" in production.count.text()
    production.check_reprint_button.click()
    assert [t.team_id for t in model.checked_targets()] == [ids["team"]]
    production.search.setText("新围")
    assert production.proxy.rowCount() == 0


def test_save_as_pdf_through_the_page(qtbot, db: Database, db_path: Path, window: MainWindow,
                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = seed_town(db)
    production = cards_area(qtbot, window).production
    out = tmp_path / "石岗村联系卡.pdf"
    shown = save_to(monkeypatch, out)
    production.check_all_button.click()
    production.save_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert str(out) in shown[0]
    sizes = pdf_sizes(out)
    assert len(sizes) == 2  # one sheet of ten cards: its front and its back
    assert all(w == pytest.approx(A4[0], abs=1) and h == pytest.approx(A4[1], abs=1)
               for w, h in sizes)
    # Personalised, front only: three households fit on one sheet; one page.
    front_only = tmp_path / "按户.pdf"
    shown = save_to(monkeypatch, front_only)
    production.households.setChecked(True)
    production.front_only.setChecked(True)
    production.save_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert len(pdf_sizes(front_only)) == 1
    tasks.wait_all()
    db.close()  # what was recorded is in the file, not only in this connection
    with open_test_database(db_path) as again, again.session() as s:
        prints = s.scalars(select(CardPrint).order_by(CardPrint.id)).all()
        assert [(p.team_id, p.community_id, p.households, p.file_name) for p in prints] == [
            (ids["team"], ids["shigang"], False, out.name),
            (ids["team"], ids["shigang"], True, front_only.name)]
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "print")) == 2


def test_printing_to_a_pdf_printer_keeps_a4_at_100_percent(qtbot, db: Database,
                                                           window: MainWindow, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    seed_town(db)
    production = cards_area(qtbot, window).production
    printed = tmp_path / "打印机输出.pdf"
    asked: list[tuple[str, int]] = []

    def pdf_printer(parent: object, printer: QPrinter, pages: int) -> bool:
        """What a user does in the print dialog: choose "print to file" (and a lower resolution,
        to keep the test quick); the page size stays the PDF's own."""
        asked.append((printer.pageLayout().pageSize().name(), pages))
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        printer.setResolution(150)
        return True

    monkeypatch.setattr(printing, "ask_printer", pdf_printer)
    production.check_all_button.click()
    production.print_button.click()
    qtbot.waitUntil(lambda: production.status.text().startswith("已发送到"), timeout=30000)
    assert asked == [("A4", 2)]
    source = production.last.path
    assert [size == pytest.approx(A4, abs=1) for size in pdf_sizes(printed)] == [True, True]
    for index in (0, 1):  # every card, crop mark and line where the PDF has it: not shrunk
        a, b = grey(source, index), grey(printed, index)
        assert difference(a, b) < 4.5
        assert difference(a, b, shift=1) > 1.5 * difference(a, b)  # 2 mm off would show
        assert sum(1 for x in b.tobytes() if x < 160) > 300  # the page is not blank
    with db.session() as s:
        assert s.scalars(select(CardPrint.file_name)).all() == ["打印机：打印机输出.pdf"]


def test_page_rect_is_the_paper_size_at_the_printer_resolution() -> None:
    from ui.cards.pdf_pages import PageSize

    rect = printing.page_rect(PageSize(*A4), 600)
    assert (round(rect.width()), round(rect.height())) == (4961, 7016)  # 210 × 297 mm at 600 dpi
    layout = printing.page_layout(PageSize(841.89, 1190.55))
    assert layout.pageSize().name() == "A3" and layout.mode() == layout.Mode.FullPageMode
    assert layout.margins().isNull()


def test_preview_shows_every_page_and_checks_warnings_first(qtbot, db: Database,
                                                            window: MainWindow,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    seed_town(db)
    production = cards_area(qtbot, window).production
    warned: list[list[str]] = []
    monkeypatch.setattr(cards_page, "ask_continue",
                        lambda parent, warnings: warned.append(warnings) or False)
    monkeypatch.setattr(cards_page, "read_contents", _with_warning(cards_page.read_contents))
    production.check_all_button.click()
    production.preview_button.click()
    qtbot.waitUntil(lambda: production.status.text().startswith("已停止"))
    assert warned == [["测试：黄志强的职务太长"]] and production.preview is None
    monkeypatch.setattr(cards_page, "ask_continue", lambda parent, warnings: True)
    production.preview_button.click()
    qtbot.waitUntil(lambda: production.preview is not None
                    and production.preview.shown_page == 0, timeout=20000)
    preview: PreviewDialog = production.preview
    assert len(preview.pages) == 2 and preview.size_label.text().startswith("A4")
    fit_width = preview.picture.pixmap().width()
    preview.next_button.click()
    qtbot.waitUntil(lambda: preview.shown_page == 1)
    assert not preview.next_button.isEnabled()
    preview.actual_button.click()
    qtbot.waitUntil(lambda: preview.picture.pixmap().width() != fit_width)
    assert preview.save_button is not None and preview.print_button is not None
    preview.reject()


def test_printing_warns_when_the_leader_stands_in_for_a_missing_town_liaison(
        qtbot, db: Database, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from app.models import MemberRole, Team

    ids = seed_town(db)
    with db.session() as s:
        liaison = s.get(Team, ids["team"]).current(MemberRole.TOWN_LIAISON)[0]
        teams.end_membership(s, liaison.id, date.today(), "调岗")
    production = cards_area(qtbot, window).production
    warned: list[list[str]] = []
    monkeypatch.setattr(cards_page, "ask_continue",
                        lambda parent, warnings: warned.append(warnings) or False)
    production.check_all_button.click()
    production.preview_button.click()
    qtbot.waitUntil(lambda: production.status.text().startswith("已停止"))
    assert production.preview is None
    assert any("团队没有专职联络员" in w and "李建国" in w and "13800138000" in w
               for w in warned[0]), warned


def _with_warning(read):  # type: ignore[no-untyped-def]
    def wrapped(db, job):  # type: ignore[no-untyped-def]
        checked = read(db, job)
        return replace(checked, warnings=[*checked.warnings, "测试：黄志强的职务太长"])
    return wrapped


def test_recording_a_distribution_updates_coverage_and_the_database(
        qtbot, db: Database, db_path: Path, window: MainWindow) -> None:
    ids = seed_town(db)
    page = cards_area(qtbot, window)
    page.setCurrentWidget(page.distribution)
    tab = page.distribution
    qtbot.waitUntil(lambda: not tab.loading and tab.model.total == 3)
    assert tab.community.currentText() == "石岗村"
    assert tab.numbers.text().startswith("在册 3 户，已发放现行联系卡 0 户，覆盖率 0.0%")
    chosen = [tab.model.row_at(r) for r in (0, 2)]
    selection = tab.table.selectionModel()
    for r in (0, 2):
        selection.select(tab.model.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)
    assert tab.record_button.text() == "登记已发放（2 户）"
    tab.delivered_on.setDate(QDate(2024, 5, 6))
    tab.record_button.click()
    qtbot.waitUntil(lambda: not tab.loading and tab.model.total == 1)
    assert tab.numbers.text().startswith("在册 3 户，已发放现行联系卡 2 户，覆盖率 66.7%")
    # The card changes (the station moves): both households now need the new card.
    move_station(db, ids["team"], "村委会三楼会议室")
    window.ctx.data_changed.emit()
    qtbot.waitUntil(lambda: not tab.loading and tab.model.total == 3)
    assert "需重新发放 2 户" in tab.numbers.text() and "其中 2 户需重新发放" in tab.count.text()
    statuses = {tab.model.row_at(r).head_name: tab.model.index(r, 4).data()
                for r in range(tab.model.rowCount())}
    assert sorted(statuses.values()) == ["未发放", "需重新发放", "需重新发放"]
    tasks.wait_all()
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        delivered = s.execute(select(CardDelivery.household_id, CardDelivery.delivered_on)
                              .order_by(CardDelivery.household_id)).all()
        assert delivered == sorted((r.household_id, QDate(2024, 5, 6).toPython())
                                   for r in chosen)
        [row] = cards.coverage(s, ids["shigang"])
        assert (row.households, row.reached, row.stale) == (3, 0, 2)


def account(db: Database, username: str, role: Role, team_ids: tuple[int, ...]) -> Actor:
    with db.session() as s:
        user = accounts.create_user(s, accounts.UserInput(username, f"{role.label}一",
                                                          [role], list(team_ids)),
                                    "zhilian-2024")
        user.must_change_password = False
        return accounts.actor_for(user)


def test_a_leader_sees_the_cards_but_no_printing(qtbot, db: Database) -> None:
    ids = seed_town(db)
    db.act_as(account(db, "leader1", Role.LEADER, (ids["team"],)))
    window = MainWindow(AppContext(db))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.painted):
        window.show()
    assert not window.nav.item(AREAS.index("联系卡")).isHidden()
    page = cards_area(qtbot, window)
    assert page.production.model.rowCount() == 1
    for name in ("cardPreview", "cardPrint", "cardSave", "cardDesign", "cardCheckAll"):
        button = page.findChild(QPushButton, name)
        assert button is None or button.isHidden(), name
    page.setCurrentWidget(page.distribution)
    qtbot.waitUntil(lambda: not page.distribution.loading and page.distribution.model.total == 3)
    assert page.distribution.record_controls.isHidden()
    assert page.distribution.export_button.isHidden()  # leaders do not export the roster
    tasks.wait_all()


def test_an_a3_poster_is_saved_one_page_per_community(qtbot, db: Database, window: MainWindow,
                                                       tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    seed_town(db)
    production = cards_area(qtbot, window).production
    out = tmp_path / "公开栏"  # no suffix typed: .pdf is added
    shown = save_to(monkeypatch, out)
    production.check_all_button.click()
    production.kind_poster.setChecked(True)
    assert not production.households.isEnabled() and production.a3.isEnabled()
    production.a3.setChecked(True)
    production.save_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert pdf_sizes(out.with_suffix(".pdf")) == [pytest.approx((841.89, 1190.55), abs=1)]


def test_card_settings_show_errors_on_their_field_and_save(qtbot, db: Database,
                                                            window: MainWindow) -> None:
    from tests.ui_support import when_modal
    from ui.cards.design import DesignDialog

    ids = seed_town(db)
    production = cards_area(qtbot, window).production
    production.table.selectRow(0)
    seen: list[str] = []

    def fill(dialog: DesignDialog) -> None:
        assert "陈小红" in dialog.qr_role.itemText(0)  # the town liaison, the default
        dialog.back_text.setPlainText("长" * 250)
        dialog.save_button.click()  # refused: shown under the field, dialog stays open
        seen.append(dialog.field_errors["back_text"].text())
        dialog.back_text.setPlainText("有事请找驻点团队。")
        dialog.qr_role.setCurrentIndex(dialog.qr_role.findData("leader"))
        dialog.save_button.click()

    when_modal(DesignDialog, fill)
    production.design_button.click()
    assert seen and seen[0]
    with db.session() as s:
        content = cards.card_content(s, ids["team"], ids["shigang"])
    assert content.back_text == "有事请找驻点团队。" and content.qr_contact.name == "李建国"
