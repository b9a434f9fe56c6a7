"""日志与台账 → 走访记录 and 重点走访 / 覆盖进度: recording and correcting a visit through the
form, what a liaison sees, the coverage figures of the hand-counted town as the tab shows them,
the not-visited list and its filters, and the register exported to xlsx."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate

from app.auth import Actor
from app.db import Database
from app.models import Role
from app.models import PersonCategory
from app.services import accounts, households, people, teams, visits
from tests.databases import open_test_database
from tests.test_services_visits import make_visit_town
from tests.ui_support import seed_town, type_text, when_modal
from ui import tasks
from ui.context import AppContext
from ui.ledgers.page import LedgersPage
from ui.ledgers.visits import VisitDialog

TODAY = date.today()


@pytest.fixture
def finish_tasks():  # type: ignore[no-untyped-def]
    yield
    tasks.wait_all()


def open_tab(qtbot, db: Database, which: str = "visits") -> LedgersPage:  # type: ignore[no-untyped-def]
    page = LedgersPage(AppContext(db))
    qtbot.addWidget(page)
    page.resize(1400, 850)
    page.show()
    qtbot.waitUntil(lambda: page.teams_loaded)
    tab = getattr(page, which)
    page.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.loaded)
    return page


def settle(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    """Wait for the list's answer: filters are queries run in a worker after a typing pause."""
    qtbot.waitUntil(lambda: not tab.timer.isActive() and not tab.pending)


def pick_household(qtbot, dialog: VisitDialog, text: str) -> None:  # type: ignore[no-untyped-def]
    shown = dialog.searches_shown
    type_text(qtbot, dialog.household_search, text)
    qtbot.waitUntil(lambda: dialog.searches_shown > shown)
    assert dialog.household_list.count() == 1, [dialog.household_list.item(i).text()
                                                for i in range(dialog.household_list.count())]
    dialog.household_list.setCurrentRow(0)


def test_record_then_correct_a_visit_through_the_form(qtbot, db, db_path, finish_tasks) -> None:
    ids = seed_town(db)
    chen = _person_id(db, "陈小红")
    with db.session() as s:   # the signed-in liaison is 陈小红 on the roster: pre-ticked
        user = accounts.create_user(s, accounts.UserInput(
            "chenxh", "陈小红", [Role.LIAISON], [ids["team"]], person_id=chen),
            "a-long-password-1").id
    db.act_as(Actor(user, "chenxh", "陈小红", frozenset({Role.LIAISON}), frozenset({ids["team"]})))
    page = open_tab(qtbot, db)
    tab = page.visits
    assert tab.model.total == 0 and tab.record_button.isVisible()
    day = TODAY - timedelta(days=2)

    def fill(dialog: VisitDialog) -> None:
        qtbot.waitUntil(lambda: dialog.searches_shown >= 1)
        assert dialog.household_list.count() == 3          # the team's households
        ticked = {c.text(): c.isChecked() for c in dialog.member_checks}
        assert ticked == {"李建国": False, "陈小红": True, "黄志强": False}
        assert dialog.visited_on.maximumDate() == QDate.currentDate()   # not in the future
        dialog.save_button.click()                           # no household chosen
        assert dialog.isVisible() and "住户" in dialog.field_errors["household_id"].text()
        pick_household(qtbot, dialog, "王五")
        assert "石岗村2号" in dialog.household_chosen.text()
        dialog.visited_on.setDate(QDate(day))
        for check in dialog.member_checks:
            check.setChecked(check.text() in ("陈小红", "黄志强"))
        type_text(qtbot, dialog.notes, "了解家庭近况")
        type_text(qtbot, dialog.problems_text, "基础设施：巷口路灯不亮")
        dialog.save_button.click()
    when_modal(VisitDialog, fill)
    tab.record_button.click()
    qtbot.waitUntil(lambda: tab.model.total == 1 and tab.selected() is not None)
    row = tab.selected()
    assert (row.visited_on, row.address, row.head_name, row.visitors, row.notes, row.problems) \
        == (day, "石岗村2号", "王五", "陈小红、黄志强", "了解家庭近况", 1)
    assert tab.count.text() == "显示 1 / 共 1 次走访"
    # the inline problem is in the ledger, which reloads when shown
    page.tabs.setCurrentWidget(page.problems)
    qtbot.waitUntil(lambda: page.problems.model.total == 1)
    assert page.problems.model.row_at(0).description == "巷口路灯不亮"

    page.tabs.setCurrentWidget(tab)
    assert tab.select_visit(row.id) and tab.edit_button.isEnabled()

    def correct(dialog: VisitDialog) -> None:
        assert dialog.windowTitle() == "修改走访" and not dialog.team.isEnabled()
        assert dialog.household_chosen.text() == "石岗村2号（户主王五）"
        assert dialog.notes.toPlainText() == "了解家庭近况"
        assert dialog.findChild(type(dialog.household_chosen), "visitRaised").text().startswith(
            "石岗村-")
        for check in dialog.member_checks:
            check.setChecked(check.text() == "陈小红")
        dialog.notes.clear()
        type_text(qtbot, dialog.notes, "送上慰问品")
        dialog.visited_on.setDate(QDate(day - timedelta(days=1)))
        dialog.save_button.click()
    when_modal(VisitDialog, correct)
    tab.edit_button.click()
    qtbot.waitUntil(lambda: tab.selected() is not None and tab.selected().notes == "送上慰问品")
    assert tab.selected().visitors == "陈小红" and tab.selected().version == row.version + 1
    visit_id = row.id
    page.close()
    tasks.wait_all()
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        saved = visits.get_visit(s, visit_id)
        assert (saved.visited_on, saved.notes, [p.name for p in saved.visitors]) == (
            day - timedelta(days=1), "送上慰问品", ["陈小红"])
        assert saved.recorded_by == user
        assert [p.description for p in saved.problems] == ["巷口路灯不亮"]
        assert saved.problems[0].reporter_name == "王五"


def _person_id(db: Database, name: str) -> int:
    from sqlalchemy import select

    from app.models import Person
    with db.session() as s:
        return s.scalar(select(Person.id).where(Person.name == name))


def second_team(db: Database) -> dict[str, int]:
    """Another team in 新围社区 with one household and one visit."""
    ids = seed_town(db)
    with db.session() as s:
        leader = people.create_person(s, people.PersonInput(
            "何文", category=PersonCategory.TOWN_LEADER, phones="13800000001")).id
        other = teams.create_team(s, teams.TeamInput(
            "新围社区驻点团队", [ids["xinwei"]], 2, time(15), time(18, 30), "居委会"), leader,
            date(2024, 1, 1)).team.id
        home = households.create_household(s, households.HouseholdInput(
            ids["xinwei"], "新围社区9号", "钱七")).id
        visits.record_visit(s, visits.VisitInput(other, home, TODAY, [leader], "回访"))
        mine = households.create_household(s, households.HouseholdInput(
            ids["shigang"], "石岗村8号", "孙八")).id
        visits.record_visit(s, visits.VisitInput(ids["team"], mine, TODAY, [ids["lee"]], "慰问"))
    return {**ids, "other": other}


def test_a_liaison_sees_and_records_only_for_their_team(qtbot, db, finish_tasks) -> None:
    ids = second_team(db)
    db.act_as(Actor(None, "lianluoyuan", "联络员", frozenset({Role.LIAISON}),
                    frozenset({ids["team"]})))
    page = open_tab(qtbot, db)
    tab = page.visits
    assert tab.model.total == 1 and tab.model.row_at(0).head_name == "孙八"

    def look(dialog: VisitDialog) -> None:
        assert [dialog.team.itemText(i) for i in range(dialog.team.count())] == ["石岗村驻点团队"]
        qtbot.waitUntil(lambda: dialog.searches_shown >= 1)
        shown = dialog.searches_shown
        type_text(qtbot, dialog.household_search, "钱七")      # team B's household
        qtbot.waitUntil(lambda: dialog.searches_shown > shown)
        assert dialog.household_list.item(0).text() == "没有找到，请换个地址或姓名再试"
        dialog.reject()
    when_modal(VisitDialog, look)
    tab.record_button.click()
    # a leader reads, without the buttons
    db.act_as(Actor(None, "lingdao", "领导", frozenset({Role.LEADER}), frozenset({ids["other"]})))
    page2 = open_tab(qtbot, db)
    assert page2.visits.model.total == 1 and page2.visits.model.row_at(0).head_name == "钱七"
    assert not page2.visits.record_button.isVisible()
    assert not page2.visits.edit_button.isVisible()


def test_list_filters_by_team_community_month_and_text(qtbot, db, finish_tasks) -> None:
    ids = second_team(db)
    page = open_tab(qtbot, db)
    tab = page.visits
    assert tab.model.total == 2
    tab.team.setCurrentIndex(tab.team.findData(ids["other"]))
    settle(qtbot, tab)
    assert [tab.model.row_at(i).head_name for i in range(tab.model.rowCount())] == ["钱七"]
    tab.team.setCurrentIndex(0)
    settle(qtbot, tab)
    tab.community.setCurrentIndex(tab.community.findData(ids["shigang"]))
    settle(qtbot, tab)
    assert [tab.model.row_at(i).head_name for i in range(tab.model.rowCount())] == ["孙八"]
    tab.community.setCurrentIndex(0)
    settle(qtbot, tab)
    tab.month.setCurrentIndex(tab.month.findData(f"{TODAY:%Y-%m}"))
    settle(qtbot, tab)
    assert tab.model.rowCount() == 2
    type_text(qtbot, tab.search, "何文")        # a visitor's name
    settle(qtbot, tab)
    assert [tab.model.row_at(i).head_name for i in range(tab.model.rowCount())] == ["钱七"]
    assert tab.count.text() == "显示 1 / 共 2 次走访"


# -- 重点走访 / 覆盖进度 ----------------------------------------------------------------------

def show_year(qtbot, page: LedgersPage, year: int, month: int) -> None:  # type: ignore[no-untyped-def]
    tab = page.coverage
    tab.month.setCurrentIndex(tab.month.findData(month))
    tab.year.setValue(year)
    qtbot.waitUntil(lambda: tab.figures is not None and tab.figures.year == year
                    and tab.figures.month == month)
    tasks.wait_all()
    qtbot.wait(50)


def missing(page: LedgersPage) -> list[tuple[str, str, str]]:
    model = page.coverage.missing_model
    return [(model.row_at(i).address, model.row_at(i).key_groups,
             model.index(i, 5).data()) for i in range(model.rowCount())]


def test_coverage_tab_shows_the_hand_counted_figures(qtbot, db, finish_tasks) -> None:
    town = make_visit_town(db)
    page = open_tab(qtbot, db, "coverage")
    tab = page.coverage
    show_year(qtbot, page, 2026, 3)
    assert tab.households_label.text() == "全年走访至少 1 次的住户：3 / 6 户（50.0 %）"
    assert tab.key_label.text() == "重点走访登记册全年已走访：2 / 2 户（100.0 %，目标 100 %）"
    assert tab.households_bar.text() == "50.0 %" and tab.key_bar.text() == "100.0 %"
    table = tab.team_table
    shown = {table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, 5)]
             for r in range(table.rowCount())}
    assert shown == {"石岗村驻点团队": ["1", "20", "5.0 %", "4"],
                     "东湖社区驻点团队": ["0", "20", "0.0 %", "1"]}
    # March 2026 is over: both teams short of 20 stand out in red
    assert table.item(0, 1).foreground().color().name() == "#c0392b"
    assert tab.team_note.text() == "2 个团队未达到月度目标（红色）。"

    # not yet visited in 2026: H6, H3, H4 (H4 last seen in 2025), no key-group column
    assert tab.missing_count.text() == "共 3 户"
    assert sorted(missing(page)) == [("3 号", "", "从未走访"), ("4 号", "", "2025-06-01"),
                                     ("6 号", "", "从未走访")]
    assert tab.missing_table.isColumnHidden(3)
    tab.community.setCurrentIndex(tab.community.findData(town.donghu))
    qtbot.waitUntil(lambda: tab.missing_count.text() == "共 1 户")
    assert missing(page) == [("6 号", "", "从未走访")]
    tab.community.setCurrentIndex(0)
    tab.key_button.setChecked(True)
    qtbot.waitUntil(lambda: tab.missing_count.text() == "共 0 户")
    assert tab.missing_box.title() == "2026年尚未走访的重点户"

    # 2025: the register {H1, H3}; H3 (特困家庭) was never visited
    show_year(qtbot, page, 2025, 6)
    assert tab.key_label.text() == "重点走访登记册全年已走访：1 / 2 户（50.0 %，目标 100 %）"
    assert tab.households_label.text() == "全年走访至少 1 次的住户：2 / 7 户（28.6 %）"
    qtbot.waitUntil(lambda: tab.missing_count.text() == "共 1 户")
    assert missing(page) == [("3 号", "特困家庭", "从未走访")]
    assert not tab.missing_table.isColumnHidden(3)


def test_a_running_month_is_not_red_and_a_liaison_sees_their_team(qtbot, db, finish_tasks) -> None:
    town = make_visit_town(db)
    db.act_as(Actor(None, "lianluoyuan", "联络员", frozenset({Role.LIAISON}),
                    frozenset({town.team_b})))
    page = open_tab(qtbot, db, "coverage")
    tab = page.coverage
    tab.today = date(2026, 3, 15)          # as if looked at in the middle of March
    show_year(qtbot, page, 2026, 3)
    assert tab.households_label.text() == "全年走访至少 1 次的住户：1 / 2 户（50.0 %）"
    assert tab.team_table.rowCount() == 1 and tab.team_table.item(0, 0).text() == "东湖社区驻点团队"
    assert tab.team_table.item(0, 1).foreground().color().name() != "#c0392b"
    assert tab.team_note.text() == "本月尚未结束，进度仅供参考。"
    qtbot.waitUntil(lambda: tab.missing_count.text() == "共 1 户")
    assert missing(page) == [("6 号", "", "从未走访")]


def test_export_the_register_of_a_month(qtbot, db, tmp_path, monkeypatch, finish_tasks) -> None:
    make_visit_town(db)
    out = tmp_path / "登记册.xlsx"
    said: list[str] = []
    monkeypatch.setattr("ui.ledgers.coverage.ask_save_path", lambda _parent, suggested: (
        said.append(suggested.name) or out))
    monkeypatch.setattr("ui.ledgers.coverage.saved_file",
                        lambda _p, _t, text, _path: said.append(text))
    page = open_tab(qtbot, db, "coverage")
    tab = page.coverage
    show_year(qtbot, page, 2026, 3)
    tab.export_button.click()
    qtbot.waitUntil(lambda: len(said) == 2, timeout=20000)
    assert said[0] == "重点走访登记册2026-03.xlsx"
    assert said[1].startswith("已导出2026年3月重点走访登记册（1 户）") and str(out) in said[1]
    assert tab.export_button.isEnabled()
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == ["重点走访登记册", "月度进度"]
    register = [[c for c in row if c is not None] for row in book["重点走访登记册"].values]
    assert "重点走访登记册（2026年3月）" in str(register[0][0])
    assert any("户主1" in row and "1 号" in row for row in register), register
    progress = [[c for c in row if c is not None] for row in book["月度进度"].values]
    book.close()   # read-only workbooks keep their file open until closed
    assert any(row[:3] == ["石岗村驻点团队", 1, 20] for row in progress if len(row) >= 3), progress


def test_the_list_opens_on_this_calendar_month_and_reads_other_periods_on_request(
        qtbot, db, finish_tasks) -> None:
    """make_visit_town's nine visits run from 2025-06-01 to 2026-05-20: the list opens on this
    calendar month (最近一个月, none of them: not "the newest month with visits"); May 2026
    holds one; 2026 seven, in February, March and May; 全部 all nine."""
    from ui.ledgers.visits import LATEST, period_range

    make_visit_town(db)
    page = open_tab(qtbot, db)
    tab = page.visits

    def months() -> list[str]:
        return sorted(tab.model.row_at(i).month for i in range(tab.model.rowCount()))

    assert tab.year.currentText() == "最近一个月" and tab.year.currentData() == LATEST
    today = date.today()
    assert period_range(LATEST) == period_range((today.year, today.month))
    assert period_range(LATEST, date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 28))
    qtbot.waitUntil(lambda: tab.loaded)
    assert months() == []
    # The months listed after it are the eleven before this one (this one is 最近一个月).
    assert tab.year.findData((today.year, today.month)) == -1
    if tab.year.findData((2026, 5)) >= 0:     # listed while it is within the last year
        tab.year.setCurrentIndex(tab.year.findData((2026, 5)))
        qtbot.waitUntil(lambda: months() == ["2026-05"])
    tab.year.setCurrentIndex(tab.year.findData(2026))
    qtbot.waitUntil(lambda: len(months()) == 7)
    assert set(months()) == {"2026-02", "2026-03", "2026-05"}
    tab.year.setCurrentIndex(tab.year.findData(None))
    qtbot.waitUntil(lambda: len(months()) == 9)
    assert months()[0] == "2025-06"
