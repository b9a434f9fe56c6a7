"""抽查督查 area through the window: drawing the month's team (found again, with its seed, in the
reopened database), filling a ledger check with a late delivery, a finding and the report that
locks it, a liaison seeing only 整改跟踪 with their team's findings (responding, not
re-checking), and a patrol's absence reaching the personal file."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox

from app.auth import Actor
from app.db import Database
from app.models import (FindingSource, FindingStatus, ItemResult, PersonCategory, Role, Severity,
                        Whereabouts)
from app.services import findings, people, spot_checks, teams
from app.services.findings import FindingInput
from app.services.settings import get_settings
from tests.databases import open_test_database
from tests.test_services_problems import actor
from tests.ui_support import seed_town, type_text, when_modal
from ui import tasks
from ui.checks.common import AmendDialog, FindingDialog
from ui.checks.findings import RespondDialog
from ui.checks.ledger import CheckDialog, DrawDialog
from ui.checks.page import ChecksPage
from ui.checks.patrols import NewPatrolDialog, PatrolDialog
from ui.context import AppContext
from ui.main_window import MainWindow

TODAY = date.today()


@pytest.fixture
def finish_tasks():  # type: ignore[no-untyped-def]
    yield
    tasks.wait_all()


def seed(db: Database) -> dict[str, int]:
    """seed_town's team (leader 李建国, liaison 陈小红, member 黄志强) and a second team; no
    full-check months, so today's month draws one team whatever the date."""
    ids = seed_town(db)
    with db.session() as s:
        get_settings(s).full_check_months = ""
        leader = people.create_person(s, people.PersonInput(
            "梁永发", unit="镇人大", category=PersonCategory.TOWN_LEADER)).id
        ids["team2"] = teams.create_team(s, teams.TeamInput(
            "新围社区驻点团队", [ids["xinwei"]], 3, time(15), time(18), "社区居委会"), leader,
            date(2024, 1, 1)).team.id
    return ids


def open_page(qtbot, db: Database) -> ChecksPage:  # type: ignore[no-untyped-def]
    page = ChecksPage(AppContext(db))
    qtbot.addWidget(page)
    page.resize(1400, 850)
    page.show()
    if page.office:
        qtbot.waitUntil(lambda: page.ledger.loaded and page.teams_loaded)
    else:
        qtbot.waitUntil(lambda: page.findings.loaded)
    return page


def click_button(box: QMessageBox, text: str) -> None:
    next(b for b in box.buttons() if b.text() == text).click()


def test_the_area_opens_from_the_window_with_its_six_tabs(qtbot, window) -> None:
    window.show_area("抽查督查")
    page = window.pages["抽查督查"]
    assert isinstance(page, ChecksPage)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
        "台账抽查", "下乡巡查", "会议督查", "整改跟踪", "个人档案", "抽查设置"]
    qtbot.waitUntil(lambda: page.ledger.loaded)


def test_draw_through_the_dialog_is_recorded_with_its_seed(qtbot, db, db_path,
                                                           finish_tasks) -> None:
    ids = seed(db)
    page = open_page(qtbot, db)
    tab = page.ledger
    shown: list[str] = []

    def fill(dialog: DrawDialog) -> None:
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
        candidates = {dialog.table.item(r, 0).text(): dialog.table.item(r, 1).text()
                      for r in range(2)}
        assert candidates == {"石岗村驻点团队": "从未抽查", "新围社区驻点团队": "从未抽查"}
        type_text(qtbot, dialog.seed, "ui-seed-7")
        dialog.save_button.click()

    when_modal(DrawDialog, fill)
    when_modal(QMessageBox, lambda box: (shown.append(box.text()), click_button(box, "确定")))
    tab.draw_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=15000)
    qtbot.waitUntil(lambda: tab.model.total == 1)
    row = tab.model.row_at(0)
    assert f"抽中：{row.team}" in shown[0] and "随机种子：ui-seed-7" in shown[0]
    assert (row.year, row.month_no, row.seed) == (TODAY.year, TODAY.month, "ui-seed-7")

    # Drawing the month again says so and draws nothing new.
    def again(dialog: DrawDialog) -> None:
        assert "已经抽过签" in dialog.state.text() and "ui-seed-7" in dialog.state.text()
        dialog.save_button.click()

    when_modal(DrawDialog, again)
    when_modal(QMessageBox, lambda box: (shown.append(box.text()), click_button(box, "确定")))
    tab.draw_button.click()
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=15000)
    assert "已经抽过签，不再重新抽取" in shown[1] and f"当时抽中：{row.team}" in shown[1]

    # 复核抽签 re-runs the recorded draw next to the recorded team.
    tab.select_id(row.id)
    when_modal(QMessageBox, lambda box: (shown.append(box.text()), click_button(box, "确定")))
    tab.replay_button.click()
    assert f"记录的抽签结果：{row.team}" in shown[2] and "一致" in shown[2]

    tasks.wait_all()
    db.close()
    with open_test_database(db_path, Actor.program()) as again_db, again_db.session() as s:
        (check,) = [spot_checks.get_check(s, r.id) for r in spot_checks.check_rows(s)]
        assert check.seed == "ui-seed-7" and check.team_id in (ids["team"], ids["team2"])
        assert spot_checks.replay_draw(s, check.id).team_id == check.team_id


def _drawn_check(db: Database) -> tuple[int, date]:
    notice = TODAY - timedelta(days=10)
    with db.session() as s:
        check = spot_checks.draw_check(s, notice.year, notice.month, notice, seed="k").checks[0]
        return check.id, check.due_on


def test_fill_a_check_add_a_finding_and_report(qtbot, db, db_path, finish_tasks) -> None:
    seed(db)
    check_id, due = _drawn_check(db)
    dialog = CheckDialog(AppContext(db), check_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "驻点日志" in dialog.findChild(type(dialog.header), "checkEvidence1").text()
    assert dialog.score.text() == "未评分"  # not "0/100", which reads as a failed check
    from ui.checks.data import check_rows

    assert [r.score for r in check_rows(db)] == ["未评分"]
    # Ledgers handed in two days late: saving says so and shows the late-delivery finding.
    dialog.received.setChecked(True)
    dialog.received_on.setDate(due + timedelta(days=2))
    combos = list(dialog.result_combos.values())
    for n, combo in enumerate(combos):
        combo.setCurrentIndex(combo.findData(ItemResult.FAIL if n == 1 else ItemResult.PASS))
    type_text(qtbot, list(dialog.note_edits.values())[1], "两个问题超期未反馈")
    type_text(qtbot, dialog.checker, "组织办 王敏")
    dialog.checked.setChecked(True)
    dialog.checked_on.setDate(TODAY)
    dialog.save_button.click()
    assert "逾期报送" in dialog.notice.text() and dialog.notice.isVisible()
    assert "逾期 2 天" in dialog.late.text()
    assert [dialog.findings.model.row_at(0).source] == ["台账逾期报送"]
    assert dialog.score.text() == "得分 80 / 100"

    # A failed item needs its finding before the check can be reported.
    when_modal(QMessageBox, lambda box: click_button(box, "上报"))
    dialog.report_button.click()
    assert "不合格" in dialog.top_error.text() and dialog.top_error.isVisible()

    def add(form: FindingDialog) -> None:
        assert form.deadline.date().toPython() == TODAY + timedelta(days=15)
        form.severity.setCurrentIndex(form.severity.findData(Severity.MAJOR))
        type_text(qtbot, form.description, "问题台账两个问题办结后未反馈群众")
        type_text(qtbot, form.requirement, "一周内回访并补记反馈")
        form.save_button.click()

    when_modal(FindingDialog, add)
    dialog.findings.add_button.click()
    assert dialog.findings.model.total == 2

    when_modal(QMessageBox, lambda box: click_button(box, "上报"))
    dialog.report_button.click()
    assert dialog.locked.isVisible() and "已上报" in dialog.notice.text()
    assert not dialog.save_button.isVisible() and not dialog.report_button.isVisible()
    assert not dialog.findings.add_button.isVisible() and dialog.findings.amend_button.isVisible()
    assert all(not c.isEnabled() for c in dialog.result_combos.values())
    assert dialog.checker.isReadOnly() and dialog.summary.isReadOnly()

    # 更正 a reported finding, with the reason.
    dialog.findings.table.selectRow(1)
    def amend(form: AmendDialog) -> None:
        form.field.setCurrentIndex(form.field.findData("severity"))
        form.severity.setCurrentIndex(form.severity.findData("严重"))
        type_text(qtbot, form.reason, "党委会认为影响较大")
        form.save_button.click()

    when_modal(AmendDialog, amend)
    dialog.findings.amend_button.click()
    assert "已更正" in dialog.notice.text()
    dialog.close()

    db.close()
    with open_test_database(db_path, Actor.program()) as again, again.session() as s:
        check = spot_checks.get_check(s, check_id)
        assert check.reported and check.checker == "组织办 王敏" and check.checked_on == TODAY
        assert check.received_on == due + timedelta(days=2)
        assert [i.result for i in check.items][:2] == [ItemResult.PASS, ItemResult.FAIL]
        assert check.items[1].notes == "两个问题超期未反馈"
        assert sorted(f.source for f in check.findings) == sorted(
            [FindingSource.LATE_DELIVERY, FindingSource.LEDGER_CHECK])
        assert all(f.reported for f in check.findings)
        mine = next(f for f in check.findings if f.source == FindingSource.LEDGER_CHECK)
        assert mine.severity == Severity.SERIOUS
        trail = findings.amendments(s, mine.id)
        assert [(a.what, a.before, a.after, a.reason) for a in trail] == [
            ("严重程度", "较重", "严重", "党委会认为影响较大")]


def test_a_liaison_sees_only_rectification_of_their_team(qtbot, db, db_path) -> None:
    ids = seed(db)
    with db.session() as s:   # a finding for each team
        for n in range(2):   # two months: each team drawn once
            month = TODAY - timedelta(days=40 * (n + 1))
            check = spot_checks.draw_check(s, month.year, month.month, month, seed="x").checks[0]
            findings.add_finding(s, FindingInput(
                FindingSource.LEDGER_CHECK, month, Severity.MINOR, f"{check.team.name}的问题",
                "限期整改", month + timedelta(days=15), team_id=check.team_id,
                ledger_check_id=check.id))
    with db.session() as s:
        mine = next(r for r in findings.finding_rows(s) if r.team == "石岗村驻点团队")
    db.act_as(actor(Role.LIAISON, ids["team"]))
    window = MainWindow(AppContext(db))
    qtbot.addWidget(window)
    window.show()
    try:
        assert not window.nav.item(4).isHidden()
        window.show_area("抽查督查")
        page = window.pages["抽查督查"]
        assert isinstance(page, ChecksPage)
        assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["整改跟踪"]
        tab = page.findings
        qtbot.waitUntil(lambda: tab.loaded)
        assert [tab.model.row_at(i).team for i in range(tab.model.rowCount())] == ["石岗村驻点团队"]
        assert tab.model.row_at(0).overdue and tab.count.text().endswith("其中超期未整改 1 个")
        assert tab.respond_button.isVisible() and not tab.recheck_button.isVisible()
        assert not tab.amend_button.isVisible()
        tab.select_id(mine.id)
        assert "发现的问题：石岗村驻点团队的问题" in tab.detail_text.text()

        def respond(dialog: RespondDialog) -> None:
            type_text(qtbot, dialog.response, "已电话回访并补记")
            dialog.save_button.click()

        when_modal(RespondDialog, respond)
        tab.respond_button.click()
        qtbot.waitUntil(lambda: tab.model.total == 1 and tab.model.row_at(0).status
                        == FindingStatus.RESPONDED.value)
        assert tab.model.row_at(0).response == "已电话回访并补记"
        assert not tab.recheck_button.isVisible()
    finally:
        tasks.wait_all()
    db.close()
    with open_test_database(db_path, Actor.program()) as again, again.session() as s:
        finding = findings.get_finding(s, mine.id)
        assert finding.status == FindingStatus.RESPONDED and finding.responded_on == TODAY


def test_a_patrol_absence_shows_in_the_personal_file(qtbot, db, finish_tasks, tmp_path,
                                                    monkeypatch) -> None:
    seed(db)
    page = open_page(qtbot, db)
    page.tabs.setCurrentWidget(page.patrols)
    tab = page.patrols
    qtbot.waitUntil(lambda: tab.loaded)
    notices: list[str] = []

    def new(dialog: NewPatrolDialog) -> None:
        assert dialog.patrol_on.date().toPython().isoweekday() == 4   # the latest Thursday
        dialog.check_villages(["石岗村"])
        type_text(qtbot, dialog.checkers, "组织办 王敏")
        dialog.save_button.click()

    def sightings(dialog: PatrolDialog) -> None:
        names = [x.person for x in dialog.detail.sightings]
        assert sorted(names) == sorted(["李建国", "陈小红", "黄志强"])
        for row, name in enumerate(names):
            if name == "黄志强":
                dialog.set_mark(row, Whereabouts.ABSENT, "电话联系称在镇里开会，未请假")
            else:
                dialog.set_mark(row, Whereabouts.AT_WORK)
        when_modal(QMessageBox, lambda box: click_button(box, "上报"))
        dialog.report_button.click()
        notices.append(dialog.notice.text())
        dialog.reject()

    when_modal(NewPatrolDialog, new)
    when_modal(PatrolDialog, sightings)
    tab.new_button.click()
    assert notices and "黄志强（缺岗）" in notices[0] and "个人档案" in notices[0]
    qtbot.waitUntil(lambda: tab.model.total == 1 and tab.model.row_at(0).reported)
    assert tab.model.row_at(0).away == 1 and tab.model.row_at(0).overdue

    personal = page.personal
    page.tabs.setCurrentWidget(personal)
    personal.search.setText("黄志强")
    personal.find_button.click()
    qtbot.waitUntil(lambda: personal.people.count() == 1)
    qtbot.waitUntil(lambda: personal.file is not None)
    assert personal.file.patrol_absences == 1
    text = personal.view.toPlainText()
    assert "被巡查 1 次，缺岗 1 次" in text and "电话联系称在镇里开会，未请假" in text
    assert "下乡情况巡查" in text   # the personal finding
    assert personal.pdf_button.isEnabled() and personal.xlsx_button.isEnabled()

    # 导出 PDF / 导出 Excel: the same file, read back.
    monkeypatch.setattr("ui.checks.personal.ask_save_path",
                        lambda _parent, kind, _suggested: tmp_path / f"档案.{kind}")
    said: list[str] = []
    for kind, clicked in (("pdf", personal.pdf_button), ("xlsx", personal.xlsx_button)):
        when_modal(QMessageBox, lambda box: (said.append(box.text()), click_button(box, "关闭")))
        clicked.click()
        qtbot.waitUntil(lambda: len(said) == (1 if kind == "pdf" else 2), timeout=20000)
        assert said[-1] == f"已保存：{tmp_path / f'档案.{kind}'}"
    assert "黄志强" in pdf_text(tmp_path / "档案.pdf") and "缺岗" in pdf_text(tmp_path / "档案.pdf")
    import openpyxl

    cells = [str(c.value) for ws in openpyxl.load_workbook(tmp_path / "档案.xlsx").worksheets
             for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("黄志强" in c for c in cells) and any("缺岗" in c for c in cells)


def pdf_text(path) -> str:  # type: ignore[no-untyped-def]
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        return "".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def test_the_monthly_report_pdf_from_the_check_tab(qtbot, db, tmp_path, monkeypatch,
                                                   finish_tasks) -> None:
    from ui.checks.ledger import MonthDialog

    seed(db)
    check_id, _due = _drawn_check(db)
    with db.session() as s:
        check = spot_checks.get_check(s, check_id)
        month, team = date(check.year, check.month, 1), check.team.name
    page = open_page(qtbot, db)
    tab = page.ledger
    tab.select_id(check_id)
    monkeypatch.setattr("ui.checks.ledger.ask_save_path",
                        lambda _parent, _title, _suggested: tmp_path / "通报.pdf")
    said: list[str] = []

    def pick(dialog: MonthDialog) -> None:
        assert dialog.month.date().toPython() == month     # the selected check's month
        dialog.save_button.click()

    when_modal(MonthDialog, pick)
    when_modal(QMessageBox, lambda box: (said.append(box.text()), click_button(box, "关闭")))
    tab.report_button.click()
    qtbot.waitUntil(lambda: bool(said), timeout=30000)
    assert said == [f"已保存：{tmp_path / '通报.pdf'}"]
    text = pdf_text(tmp_path / "通报.pdf")
    assert f"{month.year}年{month.month}月" in text.replace(" ", "") and team in text


def test_meeting_supervision_keeps_its_answers(qtbot, db, finish_tasks) -> None:
    """Saved, changed, reported: the four answers and the finding (会议督查)."""
    from app.models import MeetingKind
    from app.services import meetings
    from ui.checks.supervision import SupervisionDialog

    ids = seed(db)
    with db.session() as s:
        meeting = meetings.create_meeting(s, meetings.MeetingInput(
            MeetingKind.WEEKLY, TODAY - timedelta(days=2), time(14), time(15), [ids["team"]],
            agenda=["安排走访"]))
        meeting_id = meeting.id
    dialog = SupervisionDialog(AppContext(db), None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "会议记录未定稿" in dialog.facts.text())
    assert dialog.meeting.currentData() == meeting_id
    assert dialog.answers["minutes_complete"].currentText() == "否"   # as the record shows
    dialog.answers["held_as_scheduled"].setCurrentIndex(1)
    type_text(qtbot, dialog.supervisor, "组织办 王敏")
    dialog.save_button.click()
    assert "已保存" in dialog.notice.text() and dialog.detail is not None
    when_modal(QMessageBox, lambda box: click_button(box, "上报"))
    dialog.report_button.click()
    assert "签名与到会人员是否一致" in dialog.top_error.text()
    dialog.answers["signatures_match"].setCurrentIndex(1)

    def add(form: FindingDialog) -> None:
        type_text(qtbot, form.description, "会议记录未整理")
        type_text(qtbot, form.requirement, "当天整理并定稿")
        form.save_button.click()

    when_modal(FindingDialog, add)
    dialog.findings.add_button.click()
    when_modal(QMessageBox, lambda box: click_button(box, "上报"))
    dialog.report_button.click()
    assert dialog.detail.reported and dialog.detail.signatures_match is True
    assert dialog.detail.held_as_scheduled is True and len(dialog.detail.findings) == 1
    assert dialog.locked.isVisible()
    dialog.close()



def test_the_office_edits_the_check_plan_and_checklist(qtbot, db: Database, db_path,
                                                       finish_tasks) -> None:
    from PySide6.QtWidgets import QTableWidgetItem

    from ui.checks.settings import EVIDENCE, NAME, POINTS, RETIRED

    seed(db)
    page = open_page(qtbot, db)
    tab = page.settings
    assert [box.isChecked() for box in tab.months] == [False] * 12   # seed() cleared them
    tab.months[2].setChecked(True)
    tab.save_button.click()
    assert "至少安排 2 次" in tab.message.text()                      # refused, kept on screen
    assert tab.months[2].isChecked()
    tab.months[8].setChecked(True)
    tab.due_days.setValue(5)
    table = tab.table
    assert table.item(0, NAME).text() == "驻点日志"
    table.cellWidget(1, RETIRED).setChecked(True)                    # retire 问题台账
    table.cellWidget(0, POINTS).setValue(30)
    tab._add_row(None)
    last = table.rowCount() - 1
    table.setItem(last, NAME, QTableWidgetItem("驻点团队工作简报"))
    table.cellWidget(last, EVIDENCE).setCurrentIndex(0)
    when_modal(QMessageBox, lambda box: box.accept())
    tab.save_button.click()
    assert tab.message.text() == ""
    db.close()
    with open_test_database(db_path, Actor.program()) as again, again.session() as s:
        settings = get_settings(s)
        assert (settings.full_check_months, settings.check_due_days) == ("3,9", 5)
        active = [(t.name, t.points) for t in spot_checks.checklist(s)]
        assert active[0] == ("驻点日志", 30) and active[-1] == ("驻点团队工作简报", 10)
        assert "问题台账" not in dict(active)
        assert "问题台账" in [t.name for t in spot_checks.checklist(s, include_retired=True)]


def test_a_full_check_month_says_so_before_asking_for_a_seed(qtbot, db, finish_tasks) -> None:
    seed(db)
    with db.session() as s:
        get_settings(s).full_check_months = f"{date.today().month}"
        s.commit()
    dialog = DrawDialog(AppContext(db), {})
    qtbot.addWidget(dialog)
    dialog.show()
    assert "全面检查月份" in dialog.state.text() and "不需要随机种子" in dialog.state.text()
    assert dialog.seed.isHidden() or not dialog.seed.parentWidget().isVisible()
    assert dialog.save_button.text() == "建立全面检查"
    other = 1 if date.today().month != 1 else 2
    dialog.month.setDate(QDate(date.today().year, other, 1))
    assert dialog.save_button.text() == "抽签" and dialog.seed.parentWidget().isVisible()
