"""The home dashboard at the top of the window's first page: this month's items still owed by
the user's teams, the start-up notice (a banner and the status bar, never a dialog), and the
QtCharts charts drawn from last month's bulletin."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from PySide6.QtCharts import QBarSeries, QChartView, QLineSeries
from PySide6.QtWidgets import QApplication

from app.db import Database
from app.models import Role, SubmissionKind
from app.services import deadlines, teams
from tests.test_services_problems import actor
from tests.ui_support import seed_town
from ui import tasks
from ui.context import AppContext
from ui.main_window import AREAS, MainWindow

TODAY = date.today()


@pytest.fixture(autouse=True)
def finish_tasks():  # type: ignore[no-untyped-def]
    yield
    tasks.wait_all()


def open_window(qtbot, db: Database) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(AppContext(db))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitUntil(lambda: window.dashboard is not None and window.dashboard.loaded)
    return window


def test_the_dashboard_shows_the_months_items_the_notice_and_the_charts(qtbot, db: Database) -> None:
    town = seed_town(db)
    if TODAY.day > 3:  # photos received; the rest still owed
        with db.session() as s:
            deadlines.record_received(s, town["team"], TODAY.year, TODAY.month,
                                      SubmissionKind.PHOTOS, datetime.combine(
                                          date(TODAY.year, TODAY.month, 2), time(9)))
    window = open_window(qtbot, db)
    board = window.dashboard
    assert window.nav.currentRow() == 0 and AREAS[0] == "团队与人员"
    assert board.isVisible() and window.directory.teams.table.isVisible()  # above the team list
    assert QApplication.activeModalWidget() is None                       # never a dialog

    owed = [board.items.rows[r] for r in range(board.items.rowCount())]
    this_month = [i for i in owed if (i.year, i.month) == (TODAY.year, TODAY.month)]
    expected = set(SubmissionKind) - ({SubmissionKind.PHOTOS} if TODAY.day > 3 else set())
    assert {i.kind for i in this_month} == expected
    assert all(i.team == "石岗村驻点团队" and i.received_at is None for i in owed)
    assert f"本月应报 5 项：已收到 {5 - len(expected)} 项" in board.items_state.text()

    # What falls due in the next days (or nothing): the banner, and the status bar says the same.
    with db.session() as s:
        soon = deadlines.upcoming(s)
    if soon:
        assert "石岗村驻点团队" in board.banner.text()
        assert window.statusBar().currentMessage() == board.banner.text()
    else:
        assert board.banner.text() == "近期没有到期的上报事项，本月也没有缺报。"

    # Charts: per-team bars (households visited %, problems solved %) and the 12-month trend.
    views = board.findChildren(QChartView)
    assert {v.objectName() for v in views} == {"teamChart", "trendChart"}
    bars = board.team_chart.chart().series()
    assert len(bars) == 1 and isinstance(bars[0], QBarSeries)
    assert [s.label() for s in bars[0].barSets()] == ["走访达标户 %", "问题办结 %"]
    assert bars[0].barSets()[0].count() == 1                   # one team
    lines = board.trend_chart.chart().series()
    assert [s.name() for s in lines] == ["驻点次数", "收集问题", "办结问题"]
    assert all(isinstance(s, QLineSeries) and s.count() == 12 for s in lines)

    # Collapsing keeps the notice, hides the rest.
    board.toggle.click()
    assert not board.body.isVisible() and board.banner.isVisible()


def test_a_liaison_sees_their_team_and_the_town_and_signing_out_removes_it(
        qtbot, db: Database) -> None:
    town = seed_town(db)
    with db.session() as s:
        other = teams.create_team(s, teams.TeamInput(
            "新围社区驻点团队", [town["xinwei"]], 3, time(15), time(18), "社区居委会"), town["wong"],
            date(2024, 1, 1)).team.id
    db.act_as(actor(Role.LIAISON, town["team"]))
    window = open_window(qtbot, db)
    board = window.dashboard
    assert {board.items.rows[r].team for r in range(board.items.rowCount())} == {"石岗村驻点团队"}
    categories = board.team_chart.chart().axes()[0].categories()
    assert categories == ["石岗村", "全镇"]                     # their team, and the town's totals
    assert other not in (board.data.team_ids or ())
    window.sign_out()
    assert window.dashboard is None
