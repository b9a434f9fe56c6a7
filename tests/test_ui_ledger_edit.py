"""修改 in the 日志与台账 tabs: the recording dialogs open filled in (by the button or a
double-click), the list comes back with the row still selected, the database holds the change
with its audit entry; a handled problem and a stale form are refused; a leader gets no 修改."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.auth import Actor
from app.db import Database
from app.models import AuditEntry, ProblemStatus, Role
from app.services import problems, station_logs
from app.services.problems import ProblemInput
from app.services.station_logs import ReceptionInput, SessionInput
from tests.databases import open_test_database
from tests.ui_support import seed_town, type_text, when_modal
from ui import tasks
from ui.context import AppContext
from ui.ledgers.page import LedgersPage
from ui.ledgers.problems import RaiseProblemDialog
from ui.ledgers.receptions import ReceptionDialog
from ui.ledgers.sessions import SessionDialog

S = ProblemStatus
TODAY = date.today()
TUESDAY = TODAY - timedelta(days=(TODAY.isoweekday() - 2) % 7)   # the last Tuesday


@pytest.fixture
def finish_tasks():  # type: ignore[no-untyped-def]
    yield
    tasks.wait_all()


def open_page(qtbot, db: Database) -> LedgersPage:  # type: ignore[no-untyped-def]
    page = LedgersPage(AppContext(db))
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    qtbot.waitUntil(lambda: page.problems.loaded and page.teams_loaded)
    return page


def double_click(qtbot, table, row: int) -> None:  # type: ignore[no-untyped-def]
    """A user's double-click: press, release, then the second press that Qt reports as a
    double-click (QTest's mouseDClick alone leaves the view without a pressed index)."""
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def updates(s, entity: str, entity_id: int) -> dict:  # type: ignore[no-untyped-def]
    merged: dict = {}
    for changes in s.scalars(select(AuditEntry.changes).where(
            AuditEntry.action == "update", AuditEntry.entity == entity,
            AuditEntry.entity_id == entity_id).order_by(AuditEntry.id)):
        merged.update(json.loads(changes))
    return merged


def test_edit_a_session_through_the_button(qtbot, db, db_path, finish_tasks) -> None:
    ids = seed_town(db)
    with db.session() as s:
        session_id = station_logs.create_session(s, SessionInput(
            ids["team"], ids["shigang"], TUESDAY, member_ids=[ids["lee"], ids["wong"]],
            summary="接待群众2人", problems=[ProblemInput(
                0, date.min, "基础设施", "村口路灯不亮", reporter_name="张三")])).id
        other = station_logs.create_session(s, SessionInput(
            ids["team"], ids["shigang"], TUESDAY - timedelta(days=7), summary="上周")).id
    page = open_page(qtbot, db)
    page.tabs.setCurrentWidget(page.sessions)
    tab = page.sessions
    qtbot.waitUntil(lambda: tab.loaded and tab.model.total == 2)
    assert tab.edit_button.isVisible() and not tab.edit_button.isEnabled()
    assert tab.select_row(session_id) and tab.edit_button.isEnabled()
    seen: dict = {}

    def fix(dialog: SessionDialog) -> None:
        seen["title"] = dialog.windowTitle()
        seen["team_locked"] = not dialog.team.isEnabled()
        seen["summary"] = dialog.summary.toPlainText()
        seen["ticked"] = {c.text() for c in dialog.member_checks if c.isChecked()}
        from PySide6.QtWidgets import QLabel
        seen["raised"] = dialog.findChild(QLabel, "sessionRaised").text()
        dialog.grab().save(str(db_path.parent / "session_edit.png"))
        dialog.summary.clear()
        type_text(qtbot, dialog.summary, "接待群众3人走访2户")
        for check in dialog.member_checks:
            check.setChecked(check.text() != "黄志强")
        type_text(qtbot, dialog.problems_text, "环境卫生：垃圾池满了")
        dialog.save_button.click()
    when_modal(SessionDialog, fix)
    tab.edit_button.click()
    qtbot.waitUntil(lambda: tab.selected() is not None
                    and tab.selected().summary == "接待群众3人走访2户")
    assert seen == {"title": "修改驻点日志", "team_locked": True, "summary": "接待群众2人",
                    "ticked": {"李建国", "黄志强"}, "raised": f"石岗村-{TUESDAY:%Y}-001　村口路灯不亮"}
    row = tab.selected()
    assert (row.id, row.members, row.problems) == (session_id, "李建国、陈小红", 2)
    assert tab.model.total == 2 and other != session_id
    page.close()
    tasks.wait_all()
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        saved = next(r for r in station_logs.list_sessions(s) if r.id == session_id)
        assert saved.summary == "接待群众3人走访2户"
        assert [p.name for p in saved.members] == ["李建国", "陈小红"]
        assert [p.description for p in saved.problems] == ["村口路灯不亮", "垃圾池满了"]
        change = updates(s, "station_session", session_id)
        assert change["summary"] == {"前": "接待群众2人", "后": "接待群众3人走访2户"}
        assert change["到岗成员"] == {"前": "李建国、黄志强", "后": "李建国、陈小红"}


def test_double_click_edits_a_reception_and_keeps_it_selected(qtbot, db, db_path,
                                                              finish_tasks) -> None:
    ids = seed_town(db)
    with db.session() as s:
        first = station_logs.create_reception(s, ReceptionInput(
            ids["team"], ids["shigang"], TODAY - timedelta(days=3), "王阿姨", "咨询低保",
            phone="13800000009")).id
        station_logs.create_reception(s, ReceptionInput(
            ids["team"], ids["shigang"], TODAY - timedelta(days=1), "赵六", "路灯坏了",
            new_problem=ProblemInput(0, date.min, "基础设施", "路灯坏了")))
    page = open_page(qtbot, db)
    page.tabs.setCurrentWidget(page.receptions)
    tab = page.receptions
    qtbot.waitUntil(lambda: tab.loaded and tab.model.total == 2)
    row_index = tab.model.row_of_id(first)
    seen: dict = {}

    def fix(dialog: ReceptionDialog) -> None:
        seen["title"] = dialog.windowTitle()
        seen["values"] = (dialog.visitor.text(), dialog.phone.text(), dialog.matter.toPlainText())
        dialog.visitor.clear()
        dialog.save_button.click()            # the same checks as recording
        seen["error"] = dialog.field_errors["visitor_name"].text()
        type_text(qtbot, dialog.visitor, "王阿婆")
        type_text(qtbot, dialog.handling, "已当面解答")
        dialog.save_button.click()
    when_modal(ReceptionDialog, fix)
    double_click(qtbot, tab.table, row_index)
    qtbot.waitUntil(lambda: tab.selected() is not None and tab.selected().visitor == "王阿婆")
    assert seen == {"title": "修改接待记录", "values": ("王阿姨", "13800000009", "咨询低保"),
                    "error": "请填写来访人"}
    assert tab.selected().id == first and tab.selected().handling == "已当面解答"
    # a reception with a linked problem shows it instead of raising another
    linked = tab.model.visible_row_where(lambda r: r.id != first)
    tab.table.selectRow(linked)

    def look(dialog: ReceptionDialog) -> None:
        from PySide6.QtWidgets import QLabel
        seen["linked"] = dialog.findChild(QLabel, "receptionLinkedProblem").text()
        seen["offers_new"] = dialog.to_ledger.isVisibleTo(dialog)
        dialog.reject()
    when_modal(ReceptionDialog, look)
    tab.edit_button.click()
    qtbot.waitUntil(lambda: "linked" in seen)
    assert seen["linked"] == f"石岗村-{TODAY - timedelta(days=1):%Y}-001　路灯坏了"
    assert seen["offers_new"] is False
    page.close()
    tasks.wait_all()
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        saved = next(r for r in station_logs.list_receptions(s) if r.id == first)
        assert (saved.visitor_name, saved.handling, saved.phone) == (
            "王阿婆", "已当面解答", "13800000009")
        assert updates(s, "reception", first)["visitor_name"] == {"前": "王阿姨", "后": "王阿婆"}


def test_edit_a_problem_refuses_stale_forms_and_handled_problems(qtbot, db, db_path,
                                                                 finish_tasks) -> None:
    ids = seed_town(db)
    with db.session() as s:
        open_id = problems.raise_problem(s, ProblemInput(
            ids["shigang"], TODAY - timedelta(days=2), "环境卫生", "垃圾池满了没人清",
            reporter_name="李阿姨", team_id=ids["team"])).id
        done_id = problems.raise_problem(s, ProblemInput(
            ids["shigang"], TODAY - timedelta(days=5), "基础设施", "桥面栏杆松动",
            anonymous=True, team_id=ids["team"])).id
        problems.advance(s, done_id, S.IN_PROGRESS, TODAY - timedelta(days=4))
        problems.advance(s, done_id, S.DONE, TODAY - timedelta(days=3), result="已处理完毕")
    page = open_page(qtbot, db)
    tab = page.problems
    assert tab.select_problem(done_id)
    assert tab.edit_button.isVisible() and not tab.edit_button.isEnabled()   # 已办结
    seen: dict = {}

    def unexpected(dialog: RaiseProblemDialog) -> None:
        # This watcher may still be polling (a loaded machine stretches its 10 tries) when
        # the edit dialog below opens: from then on that dialog is not its business.
        if "editing" not in seen:
            seen["opened"] = True
            dialog.reject()

    watcher = when_modal(RaiseProblemDialog, unexpected, tries=10)
    double_click(qtbot, tab.table, tab.model.row_of_id(done_id))
    qtbot.waitUntil(lambda: watcher["done"])
    assert "opened" not in seen
    seen["editing"] = True
    assert tab.select_problem(open_id) and tab.edit_button.isEnabled()

    def stale_then_fix(dialog: RaiseProblemDialog) -> None:
        seen["title"] = dialog.windowTitle()
        seen["values"] = (dialog.description.toPlainText(), dialog.reporter.text(),
                          dialog.category.currentText(), dialog.community.isEnabled(),
                          dialog.team.currentData())
        dialog.grab().save(str(db_path.parent / "problem_edit.png"))
        with db.session() as s:   # someone else saves first
            problems.update_problem(s, open_id, ProblemInput(
                ids["shigang"], TODAY - timedelta(days=2), "环境卫生", "垃圾池满了",
                reporter_name="李阿姨", team_id=ids["team"]))
        dialog.description.clear()
        type_text(qtbot, dialog.description, "垃圾池满了三天没人清")
        dialog.save_button.click()
        seen["stale"] = dialog.top_error.text()
        seen["still_open"] = dialog.isVisible()
        dialog.reject()
    when_modal(RaiseProblemDialog, stale_then_fix)
    tab.edit_button.click()
    qtbot.waitUntil(lambda: "stale" in seen)
    assert seen["title"].startswith("修改问题：石岗村-")
    assert seen["values"] == ("垃圾池满了没人清", "李阿姨", "环境卫生", False, ids["team"])
    assert "已被其他人修改" in seen["stale"] and seen["still_open"]

    def fix(dialog: RaiseProblemDialog) -> None:   # opened again: the other save is shown
        seen["reloaded"] = dialog.description.toPlainText()
        dialog.description.clear()
        type_text(qtbot, dialog.description, "垃圾池满了三天没人清")
        dialog.save_button.click()
    when_modal(RaiseProblemDialog, fix)
    tab.edit_button.click()
    qtbot.waitUntil(lambda: tab.selected() is not None
                    and tab.selected().description == "垃圾池满了三天没人清")
    assert seen["reloaded"] == "垃圾池满了" and tab.selected().id == open_id
    page.close()
    tasks.wait_all()
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        p = problems.get_problem(s, open_id)
        assert (p.description, p.reporter_name, p.team_id) == ("垃圾池满了三天没人清", "李阿姨",
                                                               ids["team"])
        assert updates(s, "problem", open_id)["description"] == {
            "前": "垃圾池满了", "后": "垃圾池满了三天没人清"}
        assert problems.get_problem(s, done_id).description == "桥面栏杆松动"


def test_a_leader_gets_no_edit(qtbot, db, finish_tasks) -> None:
    ids = seed_town(db)
    with db.session() as s:
        station_logs.create_session(s, SessionInput(ids["team"], ids["shigang"], TUESDAY))
    db.act_as(Actor(None, "lingdao", "驻点领导", frozenset({Role.LEADER}),
                    frozenset({ids["team"]})))
    page = open_page(qtbot, db)
    page.tabs.setCurrentWidget(page.sessions)
    tab = page.sessions
    qtbot.waitUntil(lambda: tab.loaded and tab.model.total == 1)
    tab.table.selectRow(0)
    for button in (tab.edit_button, page.receptions.edit_button, page.problems.edit_button):
        assert not button.isVisible()
    assert not tab.edit_button.isEnabled()
    opened: list = []
    watcher = when_modal(SessionDialog, lambda d: (opened.append(d), d.reject()), tries=10)
    double_click(qtbot, tab.table, 0)
    qtbot.waitUntil(lambda: watcher["done"])
    assert opened == []
