"""Issue 15: sizes clamped to the screen and remembered per user, the 概览's collapsed state
remembered per user, charts readable with 40 teams, the bulletin's team names never squeezed,
long record texts wrapped."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCharts import QBarSeries, QHorizontalBarSeries
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDialog, QHeaderView

from app.auth import Actor
from app.db import Database
from ui import tasks, window_state
from ui.context import AppContext


def test_a_default_size_is_clamped_to_the_available_screen(qtbot, monkeypatch) -> None:
    from PySide6.QtCore import QRect
    monkeypatch.setattr(window_state, "available", lambda widget=None: QRect(0, 0, 1366, 728))
    dialog = QDialog()
    qtbot.addWidget(dialog)
    window_state.fit_to_screen(dialog, 1100, 820)       # the ledger-check dialog's old size
    assert dialog.width() == 1100
    assert dialog.height() + window_state.TITLE_BAR <= 728
    dialog.setMinimumSize(300, 700)                      # never below the minimum
    window_state.fit_to_screen(dialog, 1100, 820)
    assert dialog.height() == 700


class Remembered(window_state.RemembersSize, QDialog):
    """A dialog that keeps its size, as FormDialog and the large dialogs do."""


def test_dialog_sizes_are_remembered_per_user(qtbot) -> None:
    window_state.install()
    window_state.set_user("zuzhiban")
    first = Remembered()
    window_state.remember(first)
    qtbot.addWidget(first)
    first.resize(400, 300)
    first.show()
    first.resize(520, 360)
    first.reject()  # closing keeps the size
    again = Remembered()
    window_state.remember(again)
    qtbot.addWidget(again)
    again.show()
    assert again.size() == QSize(520, 360)
    again.reject()
    window_state.set_user("admin")                     # another user: their own sizes
    other = Remembered()
    window_state.remember(other)
    qtbot.addWidget(other)
    other.resize(400, 300)
    other.show()
    assert other.size() == QSize(400, 300)
    other.reject()
    window_state.set_user(None)


def test_the_overviews_collapsed_state_is_remembered_per_user(qtbot, db: Database) -> None:
    from ui.dashboard.page import COLLAPSED, DashboardPage

    board = DashboardPage(AppContext(db))
    qtbot.addWidget(board)
    assert not board.body.isHidden()
    board.toggle.click()
    assert board.body.isHidden() and board.toggle.text() == "展开概览"
    again = DashboardPage(AppContext(db))              # after the next sign-in
    qtbot.addWidget(again)
    assert again.body.isHidden() and again.toggle.text() == "展开概览"
    assert window_state.read_bool(COLLAPSED, user=Actor.program().username)
    assert not window_state.read_bool(COLLAPSED, user="someone-else")
    again.toggle.click()
    assert not DashboardPage(AppContext(db)).body.isHidden()
    tasks.wait_all()


def _figures(n: int) -> SimpleNamespace:
    return SimpleNamespace(team_id=n, team=f"古{n:02d}村驻点团队", households=100,
                           households_visited=n * 2, problems_raised=10, problems_solved=n % 10)


def test_forty_teams_chart_as_horizontal_bars_of_the_best_and_last_five(qtbot) -> None:
    from ui.dashboard import charts

    teams = [_figures(n) for n in range(1, 41)]
    b = SimpleNamespace(year=2024, month=5, totals=_figures(0), teams=teams)
    chart = charts.team_bars(b, teams)
    series = chart.series()[0]
    assert isinstance(series, QHorizontalBarSeries)
    names = chart.axes()[0].categories() if hasattr(chart.axes()[0], "categories") else \
        chart.axes()[1].categories()
    # Labelled by team, best at the top (the last category is drawn at the top).
    assert names[::-1] == [f"古{n:02d}村" for n in (40, 39, 38, 37, 36, 5, 4, 3, 2, 1)]
    assert "前五与后五" in chart.title() and len(chart.title()) <= 20
    few = charts.team_bars(b, teams[:4])
    assert isinstance(few.series()[0], QBarSeries)


def test_the_bulletins_columns_fit_their_content_and_records_wrap(qtbot, db: Database) -> None:
    from ui.submissions.bulletin import COLUMNS, BulletinTab, RecordsDialog

    tab = BulletinTab(AppContext(db))
    qtbot.addWidget(tab)
    header = tab.table.horizontalHeader()
    assert all(header.sectionResizeMode(i) == QHeaderView.ResizeMode.ResizeToContents
               for i in range(len(COLUMNS)))
    line = SimpleNamespace(on=None, what="问题台账", detail="办理经过：" + "电话联系当事人并现场核实，" * 8)
    dialog = RecordsDialog("古01村驻点团队 2024 年 5 月 · 办结问题", "1", [line])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.wordWrap()
    assert dialog.table.verticalHeader().sectionResizeMode(0) == \
        QHeaderView.ResizeMode.ResizeToContents
    qtbot.waitUntil(lambda: dialog.table.rowHeight(0) > 40)   # several lines, not cut off
    tasks.wait_all()


def test_a_form_dialog_opens_showing_every_field(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    """An unactivated form layout reported 0×0 at the first show: the person form opened
    100 px high, its fields hidden behind a scroll bar."""
    from app.services.people import PersonInput
    from ui import window_state
    from ui.people.dialogs import PersonDialog

    window_state.install()
    dialog = PersonDialog(db, PersonInput(""))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.scroll is None  # it fits: no scroll area at all
    assert dialog.body.height() >= dialog.body.sizeHint().height() - 2
    assert dialog.height() >= 280  # nine fields and the buttons, not a 100 px strip
