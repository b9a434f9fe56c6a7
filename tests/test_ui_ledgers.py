"""日志与台账 area: the problem ledger list and its filters, raising a problem and taking it to
已销案 through the window, the overdue view, what a leader sees, recording a station session."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel

from app.auth import Actor
from app.db import Database
from app.models import FeedbackMethod, ProblemStatus, Role, Satisfaction
from app.services import problems, station_logs
from app.services.problems import Feedback, ProblemInput
from tests.databases import open_test_database
from tests.ui_support import seed_town, type_text, when_modal
from ui import tasks
from ui.context import AppContext
from ui.ledgers.page import LedgersPage
from ui.ledgers.problems import RaiseProblemDialog, ReopenDialog, StepDialog
from ui.ledgers.sessions import SessionDialog

S = ProblemStatus
TODAY = date.today()


def seed_ledger(db: Database) -> dict[str, int]:
    ids = seed_town(db)
    with db.session() as s:
        late = problems.raise_problem(s, ProblemInput(
            ids["shigang"], TODAY - timedelta(days=60), "基础设施", "村口路灯不亮",
            reporter_name="张大伯", team_id=ids["team"])).id
        fresh = problems.raise_problem(s, ProblemInput(
            ids["shigang"], TODAY - timedelta(days=1), "环境卫生", "垃圾池满了没人清",
            reporter_name="李阿姨", team_id=ids["team"])).id
        closed = problems.raise_problem(s, ProblemInput(
            ids["shigang"], TODAY - timedelta(days=40), "矛盾纠纷", "邻里排水沟纠纷",
            anonymous=True, team_id=ids["team"])).id
    day = TODAY - timedelta(days=39)
    for to in (S.IN_PROGRESS, S.DONE):
        with db.session() as s:
            problems.advance(s, closed, to, day, result="已处理完毕")
    with db.session() as s:
        problems.advance(s, closed, S.FED_BACK, day, feedback=Feedback(
            FeedbackMethod.PHONE, day, Satisfaction.SATISFIED))
    with db.session() as s:
        problems.advance(s, closed, S.CLOSED, day)
    return {**ids, "late": late, "fresh": fresh, "closed": closed}


def open_page(qtbot, db: Database) -> LedgersPage:  # type: ignore[no-untyped-def]
    page = LedgersPage(AppContext(db))
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    qtbot.waitUntil(lambda: page.problems.loaded and page.teams_loaded)
    return page


@pytest.fixture
def finish_tasks():  # type: ignore[no-untyped-def]
    yield
    tasks.wait_all()


def settle(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    """Wait for the list's answer: filters and sorting are queries run in a worker."""
    qtbot.waitUntil(lambda: not tab.pending)


def numbers(page: LedgersPage) -> list[str]:
    model = page.problems.model
    return [model.row_at(i).number for i in range(model.rowCount())]


def test_the_area_opens_from_the_window_and_lists_the_problems(qtbot, window, db) -> None:
    seed_ledger(db)
    window.show_area("日志与台账")
    page = window.pages["日志与台账"]
    assert isinstance(page, LedgersPage)
    qtbot.waitUntil(lambda: page.problems.loaded)
    assert page.problems.model.rowCount() == 3


def test_list_filters_by_text_status_team_and_overdue(qtbot, db, finish_tasks) -> None:
    ids = seed_ledger(db)
    page = open_page(qtbot, db)
    tab = page.problems
    assert tab.count.text() == "显示 3 / 共 3 个问题，其中超期 1 个"
    type_text(qtbot, tab.search, "路灯")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert numbers(page)[0].startswith(f"石岗村-{TODAY - timedelta(days=60):%Y}-")
    tab.search.clear()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3)
    tab.status.setCurrentIndex(tab.status.findData(S.CLOSED.value))
    settle(qtbot, tab)
    assert [tab.model.row_at(0).id] == [ids["closed"]] and tab.model.rowCount() == 1
    tab.status.setCurrentIndex(0)
    settle(qtbot, tab)
    tab.team.setCurrentIndex(tab.team.findData(ids["team"]))
    settle(qtbot, tab)
    assert tab.model.rowCount() == 3
    tab.community.setCurrentIndex(tab.community.findData(ids["shigang"]))
    settle(qtbot, tab)
    assert tab.model.rowCount() == 3
    # overdue rows stand out, and 只看超期 leaves only them
    late_row = tab.model.row_of_id(ids["late"])
    red = tab.model.index(late_row, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert red.color().name() == "#c0392b"
    assert "超期" in tab.model.index(late_row, 8).data()
    tab.overdue.setChecked(True)
    settle(qtbot, tab)
    assert [tab.model.row_at(i).id for i in range(tab.model.rowCount())] == [ids["late"]]
    tab.overdue.setChecked(False)
    settle(qtbot, tab)
    month = f"{TODAY - timedelta(days=1):%Y-%m}"
    tab.month.setCurrentIndex(tab.month.findData(month))
    settle(qtbot, tab)
    assert ids["fresh"] in [tab.model.row_at(i).id for i in range(tab.model.rowCount())]
    assert all(tab.model.row_at(i).month == month for i in range(tab.model.rowCount()))


def test_raise_then_take_to_closed_through_the_actions(qtbot, db, db_path, finish_tasks) -> None:
    ids = seed_ledger(db)
    page = open_page(qtbot, db)
    tab = page.problems
    assert tab.raise_button.isVisible()

    def fill_raise(dialog: RaiseProblemDialog) -> None:
        dialog.save_button.click()          # nothing typed: errors beside the fields
        assert dialog.isVisible()
        assert dialog.field_errors["description"].isVisible()
        type_text(qtbot, dialog.description, "桥面栏杆松动")
        type_text(qtbot, dialog.reporter, "王五")
        assert not dialog.category.isEditable()   # the town's list only: no typo categories
        dialog.category.setCurrentIndex(dialog.category.findData("基础设施"))
        dialog.save_button.click()
    when_modal(RaiseProblemDialog, fill_raise)
    tab.raise_button.click()
    qtbot.waitUntil(lambda: tab.model.total == 4 and tab.selected() is not None)
    new = tab.selected()
    assert new.description == "桥面栏杆松动" and new.status == S.REGISTERED.value
    assert tab.steps.count() == 1

    def finish(dialog: StepDialog) -> None:
        if dialog.to_status != S.DONE:
            assert dialog.result is None
            dialog.save_button.click()
            return
        dialog.save_button.click()          # 办结 needs the result, shown beside the field
        assert dialog.isVisible()
        assert "办理结果" in dialog.field_errors["result"].text()
        type_text(qtbot, dialog.result, "已加固栏杆")
        dialog.save_button.click()

    for expected_label in ("开始办理", "办结"):
        assert tab.next_button.text() == expected_label
        when_modal(StepDialog, finish)
        tab.next_button.click()
        qtbot.waitUntil(lambda: tab.selected() is not None
                        and tab.selected().version > new.version)
        new = tab.selected()

    assert tab.next_button.text() == "登记反馈"

    def feedback(dialog: StepDialog) -> None:
        dialog.save_button.click()         # feedback is required
        assert dialog.isVisible()
        assert "反馈方式" in dialog.field_errors["feedback_method"].text()
        dialog.method.setCurrentIndex(dialog.method.findData(FeedbackMethod.IN_PERSON))
        dialog.satisfaction.setCurrentIndex(dialog.satisfaction.findData(Satisfaction.FAIRLY))
        dialog.save_button.click()
    when_modal(StepDialog, feedback)
    tab.next_button.click()
    qtbot.waitUntil(lambda: tab.selected() is not None
                    and tab.selected().status == S.FED_BACK.value)
    assert tab.next_button.text() == "销案"
    when_modal(StepDialog, lambda d: d.save_button.click())
    tab.next_button.click()
    qtbot.waitUntil(lambda: tab.selected() is not None
                    and tab.selected().status == S.CLOSED.value)
    assert not tab.next_button.isEnabled() and tab.reopen_button.isEnabled()
    assert tab.steps.count() == 5
    assert "当面" in tab.detail_text.text()
    problem_id = tab.selected().id
    page.close()
    tasks.wait_all()
    db.close()

    with open_test_database(db_path) as again, again.session() as s:
        p = problems.get_problem(s, problem_id)
        assert p.status == S.CLOSED and p.reporter_name == "王五" and p.team_id == ids["team"]
        assert [st.to_status for st in p.steps] == [S.REGISTERED, S.IN_PROGRESS, S.DONE,
                                                   S.FED_BACK, S.CLOSED]
        assert p.satisfaction == Satisfaction.FAIRLY and p.result == "已加固栏杆"


def test_reopen_asks_for_a_reason(qtbot, db, finish_tasks) -> None:
    ids = seed_ledger(db)
    page = open_page(qtbot, db)
    tab = page.problems
    assert tab.select_problem(ids["closed"])

    def reopen(dialog: ReopenDialog) -> None:
        dialog.save_button.click()
        assert "原因" in dialog.field_errors["reason"].text()
        type_text(qtbot, dialog.reason, "群众反映又漏水")
        dialog.save_button.click()
    when_modal(ReopenDialog, reopen)
    tab.reopen_button.click()
    qtbot.waitUntil(lambda: tab.selected() is not None
                    and tab.selected().status == S.IN_PROGRESS.value)
    assert "重新办理：群众反映又漏水" in tab.steps.item(tab.steps.count() - 1).text()


def test_a_leader_sees_the_ledger_but_no_record_buttons(qtbot, db, finish_tasks) -> None:
    ids = seed_ledger(db)
    db.act_as(Actor(None, "lingdao", "驻点领导", frozenset({Role.LEADER}),
                    frozenset({ids["team"]})))
    page = open_page(qtbot, db)
    assert page.problems.model.total == 3
    for button in (page.problems.raise_button, page.problems.next_button,
                   page.problems.reopen_button, page.sessions.record_button,
                   page.receptions.record_button):
        assert not button.isVisible()


def test_record_a_session_through_the_form(qtbot, db, db_path, finish_tasks) -> None:
    ids = seed_town(db)
    page = open_page(qtbot, db)
    page.tabs.setCurrentWidget(page.sessions)
    tab = page.sessions
    qtbot.waitUntil(lambda: tab.loaded)
    assert tab.model.total == 0
    held_on = TODAY - timedelta(days=(TODAY.isoweekday() - 2) % 7)   # the last Tuesday

    def fill(dialog: SessionDialog) -> None:
        assert dialog.place.text() == "村委会二楼"            # the team's station place
        names = [c.text() for c in dialog.member_checks]
        assert set(names) == {"李建国", "陈小红", "黄志强"}
        for check in dialog.member_checks:
            check.setChecked(check.text() != "黄志强")
        from PySide6.QtCore import QDate
        dialog.held_on.setDate(QDate(held_on))
        type_text(qtbot, dialog.summary, "接待群众3人")
        type_text(qtbot, dialog.problems_text, "基础设施：村口路灯不亮")
        type_text(qtbot, dialog.problem_reporter, "张三")
        dialog.save_button.click()
    when_modal(SessionDialog, fill)
    tab.record_button.click()
    qtbot.waitUntil(lambda: tab.model.total == 1)
    row = tab.model.row_at(0)
    assert (row.held_on, row.members, row.problems, row.hours) == (
        held_on, "李建国、陈小红", 1, "15:00—18:30")
    notice = tab.created_notice          # the numbers it registered, beside the list
    assert notice.isVisible() and f"-{held_on.year}-001" in notice.text(), notice.text()
    page.tabs.setCurrentWidget(page.problems)   # the inline problem is in the ledger
    qtbot.waitUntil(lambda: page.problems.model.total == 1)
    page.close()
    tasks.wait_all()
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        [saved] = station_logs.list_sessions(s)
        assert saved.summary == "接待群众3人" and saved.place == "村委会二楼"
        assert [p.description for p in saved.problems] == ["村口路灯不亮"]
        assert saved.problems[0].reporter_name == "张三"


def test_a_session_off_the_station_day_asks_make_up_or_extra(qtbot, db, finish_tasks,
                                                             monkeypatch) -> None:
    from PySide6.QtCore import QDate

    from app.models import SessionKind
    from ui.ledgers import sessions as sessions_module
    from ui.widgets.inputs import date_of

    seed_town(db)   # station day: Tuesday
    page = open_page(qtbot, db)
    page.tabs.setCurrentWidget(page.sessions)
    tab = page.sessions
    qtbot.waitUntil(lambda: tab.loaded)
    thursday = TODAY - timedelta(days=(TODAY.isoweekday() - 4) % 7 + 7)
    asked: list[str] = []
    answers = [sessions_module.MAKE_UP, sessions_module.EXTRA]
    monkeypatch.setattr(sessions_module, "ask_off_day",
                        lambda parent, question: asked.append(question) or answers.pop(0))
    seen: dict = {}

    def make_up(dialog: SessionDialog) -> None:
        dialog.held_on.setDate(QDate(thursday))
        dialog.save_button.click()            # asked: 补班 chosen, the form stays open
        seen["open"] = dialog.isVisible()
        seen["kind"] = dialog.kind.currentData()
        seen["made_up"] = date_of(dialog.made_up)
        seen["error"] = dialog.field_errors["make_up_announced_on"].text()
        dialog.announced.setDate(QDate(thursday - timedelta(days=5)))
        dialog.save_button.click()            # a 补班 now: nothing more to ask
    when_modal(SessionDialog, make_up)
    tab.record_button.click()
    qtbot.waitUntil(lambda: tab.model.total == 1)
    assert len(asked) == 1 and f"{thursday:%Y-%m-%d}（周四）不是石岗村驻点团队的驻点日" in asked[0]
    assert seen["open"] and seen["kind"] == SessionKind.MAKE_UP
    assert seen["made_up"] == thursday - timedelta(days=2) and "公告日期" in seen["error"]

    def extra(dialog: SessionDialog) -> None:
        dialog.held_on.setDate(QDate(thursday + timedelta(days=1)))
        dialog.save_button.click()            # asked: an extra session, saved as it is
    when_modal(SessionDialog, extra)
    tab.record_button.click()
    qtbot.waitUntil(lambda: tab.model.total == 2)
    assert len(asked) == 2 and "（周五）" in asked[1]
    with db.session() as s:
        kinds = {r.held_on: r.kind for r in station_logs.list_sessions(s)}
    assert kinds == {thursday: SessionKind.MAKE_UP,
                     thursday + timedelta(days=1): SessionKind.RECEPTION}


def test_gaps_of_the_month_are_listed(qtbot, db, finish_tasks) -> None:
    seed_town(db)
    page = open_page(qtbot, db)
    page.tabs.setCurrentWidget(page.sessions)
    gaps = page.sessions.gaps
    past = TODAY.replace(day=1) - timedelta(days=1)   # last month: every Tuesday is a gap
    from PySide6.QtCore import QDate
    page.sessions.gap_month.setDate(QDate(past))
    tuesdays = [past.replace(day=d) for d in range(1, past.day + 1)
                if past.replace(day=d).isoweekday() == 2]
    qtbot.waitUntil(lambda: gaps.count() == len(tuesdays))
    assert gaps.item(0).text() == f"{tuesdays[0]:%m-%d}　石岗村驻点团队"
    assert isinstance(page.findChild(QCheckBox, "problemOverdueOnly"), QCheckBox)
    assert page.findChild(QLabel, "problemDetailTitle") is not None


def test_the_committees_decision_is_recorded_from_the_problem_ledger(qtbot, db) -> None:
    """The office that keeps the committee's minutes records its decision on a problem raised
    to it; the problem shows it and its history has the step."""
    from datetime import date as date_

    from PySide6.QtCore import QDate

    from app.models import HandlingLevel
    from app.services import problems as problem_service
    from ui.ledgers.problems import CommitteeDialog

    ids = seed_town(db)
    with db.session() as s:
        problem = problem_service.raise_problem(s, problem_service.ProblemInput(
            community_id=ids["shigang"], reported_on=date_(2026, 3, 3), category="基础设施",
            description="桥梁加固", reporter_name="村委会", team_id=ids["team"],
            level=HandlingLevel.PARTY_COMMITTEE, situation="桥面开裂", solution="加固",
            budget="80000", subsidy="50000", expected_completion=date_(2026, 9, 1))).id
    page = open_page(qtbot, db)
    tab = page.problems
    assert tab.committee_button.isVisibleTo(tab)
    qtbot.waitUntil(lambda: tab.select_problem(problem))
    qtbot.waitUntil(lambda: tab.committee_button.isEnabled())

    def fill(dialog: CommitteeDialog) -> None:
        dialog.on.setDate(QDate(2026, 3, 28))
        type_text(qtbot, dialog.decision, "同意补贴5万元")
        dialog.save_button.click()

    when_modal(CommitteeDialog, fill)
    tab.committee_button.click()
    qtbot.waitUntil(lambda: tab.detail_value is not None
                    and "同意补贴5万元" in tab.detail_text.text())
    with db.session() as s:
        again = problem_service.get_problem(s, problem)
        assert again.committee_decided_on == date_(2026, 3, 28)
        assert again.steps[-1].note == "党委会意见：同意补贴5万元"


def test_the_ledger_opens_on_this_year_with_earlier_problems_still_open(qtbot, db) -> None:
    from datetime import date as date_

    from app.models import ProblemStatus
    from app.services import problems as problem_service

    ids = seed_town(db)
    this_year = date_.today().year

    def raise_(on, text):  # type: ignore[no-untyped-def]
        return problem_service.raise_problem(s, problem_service.ProblemInput(
            community_id=ids["shigang"], reported_on=on, category="其他", description=text,
            reporter_name="村民", team_id=ids["team"])).id

    with db.session() as s:
        done = raise_(date_(this_year - 1, 3, 1), "去年已办结")
        raise_(date_(this_year - 1, 4, 1), "去年未办结")
        raise_(date_(this_year, 1, 5), "今年登记")
        problem_service.advance(s, done, ProblemStatus.IN_PROGRESS, date_(this_year - 1, 3, 2))
        problem_service.advance(s, done, ProblemStatus.DONE, date_(this_year - 1, 3, 3), result="已处理完毕")
    page = open_page(qtbot, db)
    tab = page.problems

    def shown() -> set[str]:
        return {tab.model.row_at(i).description for i in range(tab.model.rowCount())}

    qtbot.waitUntil(lambda: tab.loaded and len(shown()) == 2)
    assert shown() == {"去年未办结", "今年登记"}
    tab.year.setCurrentIndex(tab.year.findData(None))
    qtbot.waitUntil(lambda: len(shown()) == 3)
