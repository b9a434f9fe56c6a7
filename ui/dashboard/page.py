"""The home dashboard (首页概览), at the top of the window's first page: what the signed-in
user sees first.

- A banner (not a dialog) saying what falls due in the next days (deadlines.upcoming) and what is
  already missing this month; the window repeats it in the status bar (``notice``).
- This month's items of the user's teams still owed, coloured by state, with their due dates.
- Charts (QtCharts) from last month's bulletin: per team the share of households visited and of
  problems solved; and the twelve months' trend of station sessions and problems raised/solved.

Everything is read in one worker after the page's first paint, so the window is on screen
first; the charts module is imported only then.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QPainter, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui import tasks, window_state
from ui.context import AppContext
from ui.first_paint import after_next_paint
from ui.widgets.table import Column, RowTableModel, make_table_view

COLLAPSED = "dashboard/collapsed"   # remembered per user (ui.window_state)
BODY_HEIGHT = 270   # the strip above the team list: deadlines and two charts
BANNER_DUE = ("color: #7d6608; background: #fcf3cf; border: 1px solid #f7dc6f;"
              " border-radius: 4px; padding: 8px 10px;")
BANNER_MISSING = ("color: #922b21; background: #fdecea; border: 1px solid #f5b7b1;"
                  " border-radius: 4px; padding: 8px 10px;")
BANNER_OK = ("color: #1d6b3a; background: #eafaf1; border: 1px solid #abebc6;"
             " border-radius: 4px; padding: 8px 10px;")


class ItemModel(RowTableModel[Any]):
    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid() and index.row() < len(self.rows):
            from ui.submissions.common import state_color

            return QBrush(state_color(self.rows[index.row()].state))
        return super().data(index, role)


ITEM_COLUMNS = (
    Column("应报", lambda i: f"{i.due:%m-%d}", fit="contents"),
    Column("驻点团队", lambda i: i.team, fit="stretch"),
    Column("上报事项", lambda i: short_kind(i.kind), fit="contents"),
    Column("状态", lambda i: i.state.label, fit="contents"),
)


def short_kind(kind: Any) -> str:
    from ui.submissions.common import SHORT_KINDS

    return SHORT_KINDS.get(kind.value, kind.label)


def short(team: str) -> str:
    return team.removesuffix("驻点团队").removesuffix("团队") or team


def notice_text(items: Any, missing: Any) -> str:
    """The start-up notice: what falls due soon, and what is missing already."""
    parts = []
    if items:
        shown = "；".join(f"{i.team}{i.kind.label}（{i.due:%m-%d}）" for i in items[:4])
        more = f"等 {len(items)} 项" if len(items) > 4 else ""
        parts.append(f"近期到期的上报事项：{shown}{more}")
    if missing:
        teams = sorted({i.team for i in missing})
        parts.append(f"本月已缺报 {len(missing)} 项（{'、'.join(teams[:4])}"
                     f"{'等' if len(teams) > 4 else ''}）")
    return "。".join(parts) + "。" if parts else ""


class DashboardPage(QWidget):
    """``notice(text)`` once the deadlines are read (the window shows it in the status bar)."""

    notice = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loaded = False
        self.data: Any = None
        self._stale = True
        self._waiting = False
        self._generation = 0
        self.banner = QLabel("正在读取近期的上报期限…")
        self.banner.setObjectName("dueBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_DUE)
        self.items = ItemModel(ITEM_COLUMNS, self)
        self.table = make_table_view(self.items)
        self.table.setObjectName("dueTable")
        self.table.setMinimumWidth(340)
        self.items_title = QLabel("本月待报事项")
        self.items_title.setObjectName("sectionTitle")
        self.items_state = QLabel()
        self.items_state.setObjectName("dueState")
        self.items_state.setWordWrap(True)
        self.team_chart: Any = None
        self.trend_chart: Any = None
        self.chart_note = QLabel()
        self.chart_note.setObjectName("chartNote")
        self.chart_note.setWordWrap(True)
        self.toggle = QPushButton("收起概览")
        self.toggle.setObjectName("dashboardToggle")
        self.toggle.setToolTip("收起或展开上报期限和图表（提醒保留）")
        self.toggle.clicked.connect(self.toggle_body)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.items_title)
        column.addWidget(self.table, 1)
        column.addWidget(self.items_state)
        self.body = QWidget()
        self.body.setObjectName("dashboardBody")
        self.body.setFixedHeight(BODY_HEIGHT)
        self.chart_row = QHBoxLayout(self.body)
        self.chart_row.setContentsMargins(0, 0, 0, 0)
        self.chart_row.addWidget(left, 4)
        self.chart_row.addWidget(self.chart_note, 7)
        top = QHBoxLayout()
        top.addWidget(self.banner, 1)
        top.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.addLayout(top)
        layout.addWidget(self.body)
        ctx.data_changed.connect(self.mark_stale)
        ctx.database_replaced.connect(self.mark_stale)
        if window_state.read_bool(COLLAPSED, user=self._user()):   # as this user left it
            self._show_body(False)

    # -- loading: after the first paint ------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale and not self._waiting:
            self._waiting = True
            after_next_paint(self, self.reload)

    def mark_stale(self) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def reload(self) -> None:
        self._waiting = False
        self._stale = False
        if self.ctx.db.actor is None:
            return
        self._generation += 1
        generation = self._generation
        db = self.ctx.db

        def work(_p: Any, _c: Any) -> Any:
            from ui.submissions import data

            return data.dashboard(db)

        tasks.start(work, lambda d: self._loaded(generation, d),
                    lambda exc: self._failed(generation, exc), owner=self)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        from app.errors import DomainError

        self.banner.setStyleSheet(BANNER_MISSING)
        self.banner.setText(exc.message if isinstance(exc, DomainError)
                            else f"读取首页数据失败：{exc}")
        self.loaded = True

    def _loaded(self, generation: int, d: Any) -> None:
        if generation != self._generation:
            return
        from app.services.deadlines import ItemState

        self.data = d
        month_missing = [i for i in d.month_items if i.state == ItemState.MISSING]
        soon = [i for i in d.upcoming if i.state != ItemState.MISSING]
        owed = [i for i in d.month_items if i.received_at is None]
        later = [i for i in soon if (i.year, i.month) != (d.today.year, d.today.month)]
        self.items.set_rows(sorted(owed + later, key=lambda i: (i.due, i.team, i.kind.value)))
        received = sum(1 for i in d.month_items if i.received_at is not None)
        self.items_title.setText(f"{d.today.year} 年 {d.today.month} 月待报事项")
        self.items_state.setText(f"本月应报 {len(d.month_items)} 项：已收到 {received} 项，"
                                 f"缺报 {len(month_missing)} 项，"
                                 f"未到期或即将到期 {len(owed) - len(month_missing)} 项。")
        text = notice_text(soon, month_missing)
        if not text:
            self.banner.setStyleSheet(BANNER_OK)
            self.banner.setText("近期没有到期的上报事项，本月也没有缺报。")
        else:
            self.banner.setStyleSheet(BANNER_MISSING if month_missing else BANNER_DUE)
            self.banner.setText(text)
            self.notice.emit(text)
        self._charts(d)
        self.loaded = True

    # -- charts -------------------------------------------------------------------------------
    def _charts(self, d: Any) -> None:
        from PySide6.QtCharts import QChartView

        from ui.dashboard import charts

        for view in (self.team_chart, self.trend_chart):
            if view is not None:
                self.chart_row.removeWidget(view)
                view.deleteLater()
        self.team_chart = self.trend_chart = None
        b = d.bulletin
        if b is None:
            self.chart_note.show()
            self.chart_note.setText(d.problem or "还没有可统计的月份。")
            return
        self.chart_note.hide()
        teams = [t for t in b.teams if d.team_ids is None or t.team_id in d.team_ids]
        teams.sort(key=lambda t: t.team)
        self.team_chart = QChartView(charts.team_bars(b, teams, scoped=d.team_ids is not None))
        self.team_chart.setObjectName("teamChart")
        self.trend_chart = QChartView(charts.trend_lines(b))
        self.trend_chart.setObjectName("trendChart")
        for view in (self.team_chart, self.trend_chart):
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.chart_row.addWidget(view, 4 if view is self.team_chart else 3)
        self.team_chart.setToolTip(f"依据 {b.year} 年 {b.month} 月通报（统计到 {b.as_of:%Y-%m-%d}）")

    def toggle_body(self) -> None:
        shown = self.body.isHidden()
        self._show_body(shown)
        window_state.write(COLLAPSED, not shown, user=self._user())

    def _show_body(self, shown: bool) -> None:
        self.body.setVisible(shown)
        self.toggle.setText("收起概览" if shown else "展开概览")

    def _user(self) -> str | None:
        actor = self.ctx.db.actor
        return actor.username if actor is not None else None
