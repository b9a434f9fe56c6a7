"""会议与签到 area: a meeting created through the editor, people signed in (a signature drawn on
the pad with mouse events), the record reopened from the database; 定稿 makes the editor
read-only and 更正 leaves an amendment; a liaison cannot open another team's meeting; the
compliance grid shows a missed week in red; the drawn signature appears in the minutes PDF."""

from __future__ import annotations

import io
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from sqlalchemy import select

from app.auth import Actor
from app.db import Database
from app.models import Attendance, Meeting, MeetingAmendment, MeetingKind, Role
from app.services import meetings as M
from app.services import teams as team_service
from tests.databases import open_test_database
from tests.ui_support import seed_town, type_text, when_modal
from ui import tasks
from ui.context import AppContext
from ui.ledgers import data as ledger_data
from ui.meetings.editor import AmendDialog, FinaliseDialog, MeetingEditor
from ui.meetings.page import MISSED, MeetingsPage
from ui.widgets.signature_pad import SignatureDialog

HELD_ON = date.today() - timedelta(days=3)


@pytest.fixture
def finish_tasks():  # type: ignore[no-untyped-def]
    yield
    tasks.wait_all()


def draw_signature(qtbot, dialog: SignatureDialog) -> None:  # type: ignore[no-untyped-def]
    pad = dialog.pad
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(pad, left, pos=QPoint(60, 120))
    for x, y in ((90, 70), (120, 140), (160, 60), (200, 130), (240, 80), (300, 110)):
        qtbot.mouseMove(pad, QPoint(x, y))
    qtbot.mouseRelease(pad, left, pos=QPoint(320, 100))
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()


def choose(tab, row: int, status: Attendance) -> None:  # type: ignore[no-untyped-def]
    """Pick a status in a row's combo as a user would (``activated`` is the user's signal)."""
    combo = tab._status_combo(row)
    index = combo.findData(status)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def new_meeting_through_editor(qtbot, db: Database, ids: dict[str, int]) -> MeetingEditor:  # type: ignore[no-untyped-def]
    ctx = AppContext(db)
    editor = MeetingEditor(ctx, ledger_data.team_choices(db), None)
    qtbot.addWidget(editor)
    editor.show()
    info = editor.info
    assert info.checked_teams() == [ids["team"]]     # the only team is ticked
    assert not editor.tabs.isTabEnabled(1)           # sign-in after the meeting exists
    info.held_on.setDate(QDate(HELD_ON))
    type_text(qtbot, info.place, "石岗村委会会议室")
    info.save_button.click()
    assert editor.detail is not None, info.body.top_error.text()
    assert editor.tabs.currentWidget() is editor.sign_in
    return editor


def test_create_sign_in_and_sign_then_reopen(qtbot, db: Database, db_path: Path,
                                             finish_tasks) -> None:
    ids = seed_town(db)
    editor = new_meeting_through_editor(qtbot, db, ids)
    tab = editor.sign_in
    names = [line.name for line in tab.lines]
    assert sorted(names) == sorted(["李建国", "陈小红", "黄志强"]) and names[0] == "李建国"
    late, leave = names.index("陈小红"), names.index("黄志强")   # the roster, leader first
    assert "应到 3 人" in tab.figures.text() and "未登记 3" in tab.figures.text()
    # 李建国 signs on the pad: 确定 saves 出席 with the signature.
    when_modal(SignatureDialog, lambda d: draw_signature(qtbot, d))
    tab.table.cellWidget(0, 7).findChild(type(editor.finalise_button), "signInSign0").click()
    qtbot.waitUntil(lambda: tab.lines[0].signature_png is not None)
    assert tab.lines[0].status == Attendance.PRESENT
    # 陈小红 is late: saved once the time is confirmed.
    choose(tab, late, Attendance.LATE)
    assert tab.lines[late].status is None and "到会时间" in tab.message.text()
    tab._time_edit(late).setTime(tab._time_edit(late).time().addSecs(5 * 60))
    tab._time_edit(late).editingFinished.emit()
    assert tab.lines[late].status == Attendance.LATE and tab.lines[late].arrived_at is not None
    # 黄志强 is on leave: the reason is asked for, then saved.
    choose(tab, leave, Attendance.LEAVE)
    assert tab.lines[leave].status is None and "请假原因" in tab.message.text()
    type_text(qtbot, tab._reason_edit(leave), "下村处理纠纷")
    tab._reason_edit(leave).editingFinished.emit()
    assert tab.lines[leave].status == Attendance.LEAVE
    text = tab.figures.text()
    assert "出席 1" in text and "迟到 1" in text and "请假 1" in text and "未登记 0" in text
    meeting_id = editor.detail.id
    editor.close()
    db.close()

    again = open_test_database(db_path)
    try:
        with again.session() as s:
            meeting = s.get(Meeting, meeting_id)
            assert meeting.place == "石岗村委会会议室" and meeting.held_on == HELD_ON
            rows = {a.name: a for a in meeting.attendees}
            assert rows["陈小红"].status == Attendance.LATE
            assert rows["黄志强"].leave_reason == "下村处理纠纷"
            png = rows["李建国"].signature_png
            assert png is not None and png[:8] == b"\x89PNG\r\n\x1a\n"
            picture = Image.open(io.BytesIO(png)).convert("RGBA")
            assert picture.getchannel("A").getbbox() is not None   # ink on transparency
            assert picture.getpixel((0, 0))[3] == 0
    finally:
        again.close()


def signed_meeting(db: Database, ids: dict[str, int]) -> int:
    with db.session() as s:
        meeting = M.create_meeting(s, M.MeetingInput(
            MeetingKind.WEEKLY, HELD_ON, time(14), time(15), [ids["team"]],
            agenda=["研究本周走访安排"]))
        people = [a.id for a in meeting.attendees]
        meeting_id = meeting.id
    with db.session() as s:
        for attendee_id in people:
            M.sign_in(s, attendee_id, M.SignIn(Attendance.PRESENT))
    return meeting_id


def test_finalise_makes_it_read_only_and_a_correction_is_kept(qtbot, db: Database,
                                                              finish_tasks) -> None:
    ids = seed_town(db)
    meeting_id = signed_meeting(db, ids)
    editor = MeetingEditor(AppContext(db), ledger_data.team_choices(db), meeting_id)
    qtbot.addWidget(editor)
    editor.show()
    minutes = editor.minutes
    editor.tabs.setCurrentWidget(minutes)
    box = minutes.boxes[-1]
    type_text(qtbot, box.discussion, "联络员通报走访情况")
    assert minutes.dirty

    def give_reason(dialog: FinaliseDialog) -> None:
        # everyone is 出席 without a signature: named, asked before any "确定…吗？"
        text = dialog.findChild(QLabel, "finaliseUnsigned").text()
        assert "3 位出席（迟到）的人没有签名" in text and "李建国" in text
        dialog.save_button.click()
        assert dialog.isVisible() and "原因" in dialog.field_errors["unsigned_reason"].text()
        type_text(qtbot, dialog.reason, "签字板故障，已口头确认到会")
        dialog.save_button.click()

    when_modal(FinaliseDialog, give_reason)
    editor.finalise_button.click()
    assert editor.detail.final
    with db.session() as s:
        assert s.get(Meeting, meeting_id).unsigned_reason.endswith("签字板故障，已口头确认到会")
    # Read-only everywhere; the typed discussion was saved before finalising.
    box = minutes.boxes[-1]
    assert box.discussion.toPlainText() == "联络员通报走访情况"
    assert box.discussion.isReadOnly() and box.title.isReadOnly()
    assert minutes.decisions.isReadOnly() and not minutes.save_button.isVisible()
    assert not minutes.add_button.isVisible() and not editor.finalise_button.isVisible()
    assert not editor.info.held_on.isEnabled() and not editor.info.save_button.isVisible()
    assert not editor.sign_in._status_combo(0).isEnabled()
    assert editor.state.text().startswith("已定稿")
    # A silent rewrite is refused by the model; 更正… asks for the new text and a reason.
    with pytest.raises(Exception, match="已定稿"):
        with db.session() as s:
            s.get(Meeting, meeting_id).decisions = "偷偷改"
            s.flush()

    def correct(dialog: AmendDialog) -> None:
        dialog.text.setPlainText("联络员通报走访情况，共走访 23 户")
        dialog.save_button.click()                      # no reason: refused beside the field
        assert "原因" in dialog.field_errors["reason"].text()
        type_text(qtbot, dialog.reason, "记录遗漏")
        dialog.save_button.click()

    when_modal(AmendDialog, correct)
    box.amend_buttons["discussion"].click()
    assert minutes.boxes[-1].discussion.toPlainText() == "联络员通报走访情况，共走访 23 户"
    table = editor.amendments.table
    assert table.rowCount() == 1
    assert table.item(0, 3).text() == "记录遗漏"
    assert table.item(0, 4).text() == "联络员通报走访情况"      # the original stays readable
    assert editor.state.text().startswith("已定稿·更正 1 次")
    with db.session() as s:
        amendment = s.scalars(select(MeetingAmendment)).one()
        assert (amendment.before, amendment.reason) == ("联络员通报走访情况", "记录遗漏")


def test_a_liaison_cannot_open_another_teams_meeting(qtbot, db: Database, monkeypatch,
                                                     finish_tasks) -> None:
    ids = seed_town(db)
    with db.session() as s:
        other = team_service.create_team(s, team_service.TeamInput(
            "新围社区驻点团队", [ids["xinwei"]], 2, time(15), time(18, 30), "社区服务站"),
            ids["wong"], date(2024, 1, 1)).team.id
    ours = signed_meeting(db, ids)
    with db.session() as s:
        theirs = M.create_meeting(s, M.MeetingInput(
            MeetingKind.WEEKLY, HELD_ON, time(14), time(15), [other])).id
    db.act_as(Actor(None, "chen", "陈小红", frozenset({Role.LIAISON}), frozenset({ids["team"]})))
    shown: list[str] = []
    monkeypatch.setattr("ui.meetings.page.error", lambda _p, _t, text: shown.append(text))
    page = MeetingsPage(AppContext(db))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.meetings.loaded and page.teams_loaded)
    listed = [page.meetings.model.row_at(i).id for i in range(page.meetings.model.rowCount())]
    assert listed == [ours]                       # the other team's meeting is not listed
    page.meetings.open_meeting(theirs)            # nor opened, asked for by its id
    assert shown and "不是您负责的团队的会议" in shown[0]


def test_compliance_grid_shows_a_missed_week_in_red(qtbot, db: Database, finish_tasks) -> None:
    ids = seed_town(db)
    year = date.today().year - 1
    first_monday = date.fromisocalendar(year, 1, 1)
    with db.session() as s:
        for week in (1, 2, 4):   # week 3 has no weekly meeting
            M.create_meeting(s, M.MeetingInput(
                MeetingKind.WEEKLY, first_monday + timedelta(weeks=week - 1, days=1),
                time(14), time(15), [ids["team"]]))
    page = MeetingsPage(AppContext(db))
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    page.tabs.setCurrentWidget(page.compliance)
    tab = page.compliance
    qtbot.waitUntil(lambda: tab.loaded)
    tab.loaded = False
    tab.year.setValue(year)
    qtbot.waitUntil(lambda: tab.loaded and tab.result.year == year)
    grid = tab.grid
    assert grid.verticalHeaderItem(0).text() == "石岗村驻点团队"
    states = [grid.item(0, c).data(Qt.ItemDataRole.UserRole) for c in range(4)]
    assert states == ["held", "held", "missed", "held"]
    assert grid.item(0, 2).background().color() == MISSED
    assert "第 3 周" in grid.item(0, 2).toolTip() and "没有周会记录" in grid.item(0, 2).toolTip()
    assert tab.month_grid.item(0, 0).data(Qt.ItemDataRole.UserRole) == "missed"  # no monthly


def test_a_signature_drawn_on_the_pad_is_in_the_minutes_pdf(qtbot, db: Database, tmp_path: Path,
                                                            finish_tasks) -> None:
    pdf = pytest.importorskip("app.meetings.pdf")
    pdfium = pytest.importorskip("pypdfium2")
    ids = seed_town(db)
    editor = new_meeting_through_editor(qtbot, db, ids)
    tab = editor.sign_in
    when_modal(SignatureDialog, lambda d: draw_signature(qtbot, d))
    tab.table.cellWidget(0, 7).findChild(type(editor.finalise_button), "signInSign0").click()
    qtbot.waitUntil(lambda: tab.lines[0].signature_png is not None)
    choose(tab, 1, Attendance.ABSENT)     # the next row: absent, no signature
    assert tab.lines[1].status == Attendance.ABSENT
    meeting_id, signed_id = editor.detail.id, tab.lines[0].id
    editor.close()
    out = tmp_path / "minutes.pdf"
    with db.session() as s:
        report = pdf.minutes_pdf(s, meeting_id, out)
    page_no, x, y, w, h = report.signature_boxes[signed_id]
    document = pdfium.PdfDocument(str(out))
    scale = 2
    page = document[page_no - 1]
    picture = page.render(scale=scale).to_pil().convert("L")
    page_h = page.get_height()

    def dark_in(top_y: float) -> int:
        box = (int(x * scale) + 2, int((page_h - top_y - h) * scale) + 2,
               int((x + w) * scale) - 2, int((page_h - top_y) * scale) - 2)
        crop = picture.crop(box)
        return sum(1 for v in crop.get_flattened_data() if v < 128)

    signed = dark_in(y)
    # The next row (absent) in the same column, one row height lower.
    unsigned = dark_in(y - pdf.SIGN_ROW_H)
    assert signed > 150, signed
    assert unsigned * 5 < signed, (signed, unsigned)


def test_the_area_opens_from_the_window(qtbot, window, db: Database) -> None:
    ids = seed_town(db)
    meeting_id = signed_meeting(db, ids)
    window.show_area("会议与签到")
    page = window.pages["会议与签到"]
    assert isinstance(page, MeetingsPage)
    qtbot.waitUntil(lambda: page.meetings.loaded)
    assert page.meetings.model.row_at(0).id == meeting_id
    assert page.meetings.model.row_at(0).state == "草稿"
    assert "应到 3，实到 3" in page.meetings.model.row_at(0).figures_text
    assert page.meetings.new_button.isVisible()


def test_finalise_checks_before_asking(qtbot, db: Database, finish_tasks) -> None:
    ids = seed_town(db)
    with db.session() as s:
        meeting_id = M.create_meeting(s, M.MeetingInput(
            MeetingKind.WEEKLY, HELD_ON, time(14), time(15), [ids["team"]],
            agenda=["研究本周走访安排"])).id
    editor = MeetingEditor(AppContext(db), ledger_data.team_choices(db), meeting_id)
    qtbot.addWidget(editor)
    editor.show()
    seen: list[str] = []

    def read(box: QMessageBox) -> None:
        seen.append(box.text())
        box.buttons()[0].click()
    when_modal(QMessageBox, read)
    editor.finalise_button.click()
    # the refusal comes first, not "确定定稿吗？"
    assert len(seen) == 1 and "没有登记签到" in seen[0] and "确定定稿吗" not in seen[0]
    assert not editor.detail.final


def test_all_present_then_the_exceptions_and_leave_kept_without_enter(
        qtbot, db: Database, finish_tasks) -> None:
    ids = seed_town(db)
    editor = new_meeting_through_editor(qtbot, db, ids)
    tab = editor.sign_in
    names = [line.name for line in tab.lines]
    late, leave = names.index("陈小红"), names.index("黄志强")
    # 请假 chosen and its reason typed, then the focus goes elsewhere (no Enter)
    choose(tab, leave, Attendance.LEAVE)
    type_text(qtbot, tab._reason_edit(leave), "下村处理纠纷")
    # another row's save reloads the list: the unsaved 请假 and its reason stay on screen
    choose(tab, late, Attendance.ABSENT)
    assert tab.lines[late].status == Attendance.ABSENT
    assert status_shown(tab, leave) == Attendance.LEAVE
    assert tab._reason_edit(leave).text() == "下村处理纠纷"
    # 全部出席 saves the typed 请假 first, then marks the rest present
    assert tab.all_present_button.isVisible() and tab.all_present_button.isEnabled()
    tab.all_present_button.click()
    statuses = {line.name: (line.status, line.leave_reason) for line in tab.lines}
    assert statuses == {"李建国": (Attendance.PRESENT, ""), "陈小红": (Attendance.ABSENT, ""),
                        "黄志强": (Attendance.LEAVE, "下村处理纠纷")}
    assert not tab.all_present_button.isEnabled()
    editor.close()


def status_shown(tab, row: int):  # type: ignore[no-untyped-def]
    combo = tab._status_combo(row)
    return combo.itemData(combo.currentIndex())
