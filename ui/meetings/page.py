"""会议与签到 area: the list of meetings (会议记录) and the compliance grid (合规情况).

Shown to roles with ``Permission.VIEW_RECORDS`` (the services scope what they read); 新建会议
to those who keep team records (``KEEP_RECORDS``) or town meetings (``KEEP_TOWN_MEETINGS``).
Rows come from ``services.meetings.meeting_rows`` in a worker; the editor (ui/meetings/editor)
opens one meeting; the PDFs are made by app/meetings/pdf in a worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSpinBox, QSplitter, QTableWidget, QTableWidgetItem,
                               QTabWidget, QVBoxLayout, QWidget)

from app.auth import Permission
from app.errors import DomainError
from app.models import MeetingKind
from ui import tasks
from ui.context import AppContext
from ui.widgets.empty_hint import set_empty_hint
from ui.ledgers import data as ledger_data
from ui.ledgers.common import filter_combo, months, refill
from ui.ledgers.data import TeamChoice
from ui.ledgers.model import Col, LedgerModel, select_by_id, selected_in
from ui.meetings import data
from ui.meetings.data import Compliance, ListRow
from ui.widgets.inputs import line_edit
from ui.widgets import print_pdf as printing
from ui.widgets.messages import error, saved_file
from ui.widgets.stale import ReloadsWhenShown
from ui.widgets.table import make_table_view

COLUMNS = (
    Col("日期", lambda r: r.held_on, 90), Col("时间", lambda r: r.hours, 90),
    Col("类型", lambda r: r.kind_label, 130), Col("会议名称", lambda r: r.title, 260, "stretch"),
    Col("驻点团队", lambda r: r.teams, 140), Col("应到", lambda r: r.expected, 45),
    Col("实到", lambda r: r.attended, 45), Col("签到情况", lambda r: r.figures_text, 200),
    Col("状态", lambda r: r.state, 110))
STATE_COLUMN = 8
DRAFT_COLOR = QColor("#b9770e")
FINAL_COLOR = QColor("#1e8449")
MISSED = QColor("#e74c3c")
HELD = QColor("#58d68d")
NOT_DUE = QColor("#d5d8dc")
LOW_RATE = 80.0
LOW_COLOR = QColor("#c0392b")


class MeetingModel(LedgerModel):
    """The ledger model with a team filter that matches any of a meeting's teams, and the
    state column coloured (draft amber, final green)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, lambda r: r.search, parent)
        self.team_id: int | None = None

    def set_team(self, team_id: int | None) -> None:
        self.team_id = team_id
        self.set_filter()

    def _matching(self) -> list[int]:
        found = super()._matching()
        if self.team_id is None:
            return found
        return [i for i in found if self.team_id in self._rows[i].team_ids]

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.ForegroundRole and index.isValid()
                and index.column() == STATE_COLUMN):
            row = self.row_at(index.row())
            return QBrush(FINAL_COLOR if row.final else DRAFT_COLOR)
        return super().data(index, role)


class MeetingList(ReloadsWhenShown, QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.teams: list[TeamChoice] = []
        self.loaded = False
        self._generation = 0
        self._select_id: int | None = None
        self.model = MeetingModel(self)
        self.new_button = QPushButton("新建会议")
        self.new_button.setObjectName("newMeeting")
        self.new_button.setVisible(ctx.can(Permission.KEEP_RECORDS)
                                   or ctx.can(Permission.KEEP_TOWN_MEETINGS))
        self.new_button.clicked.connect(self.new_meeting)
        self.open_button = QPushButton("打开")
        self.open_button.setObjectName("openMeeting")
        self.open_button.setToolTip("打开选中的会议：签到、会议记录、定稿与更正（也可双击一行）")
        self.open_button.clicked.connect(self.open_selected)
        self.print_sheet_button = QPushButton("打印签到表…")
        self.print_sheet_button.setObjectName("signInSheetPrint")
        self.print_sheet_button.setToolTip("会前打印：每位应到人员一行，另留空行给列席人员")
        self.print_sheet_button.clicked.connect(lambda: self.print_pdf("sheet"))
        self.sheet_button = QPushButton("签到表 PDF…")
        self.sheet_button.setObjectName("signInSheetPdf")
        self.sheet_button.setToolTip("把签到表另存为 PDF 文件")
        self.sheet_button.clicked.connect(lambda: self.export_pdf("sheet"))
        self.print_minutes_button = QPushButton("打印会议记录…")
        self.print_minutes_button.setObjectName("minutesPrint")
        self.print_minutes_button.clicked.connect(lambda: self.print_pdf("minutes"))
        self.minutes_button = QPushButton("会议记录 PDF…")
        self.minutes_button.setObjectName("minutesPdf")
        self.minutes_button.clicked.connect(lambda: self.export_pdf("minutes"))
        self.team = filter_combo("meetingTeamFilter", [], "全部团队")
        self.kind = filter_combo("meetingKindFilter", [(k.label, k.value) for k in MeetingKind],
                                 "全部类型")
        self.month = filter_combo("meetingMonthFilter", [], "全部月份")
        self.search = line_edit(placeholder="搜索会议名称、团队或地点…", name="meetingSearch")
        for combo in (self.team, self.kind, self.month):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.search.textChanged.connect(self.apply_filter)
        self.table = make_table_view(self.model)
        self.table.setObjectName("meetingTable")
        set_empty_hint(self.table, "所选范围内没有会议。点“新建会议”登记一次会议，会前可打印签到表。")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        for i, column in enumerate(COLUMNS):
            self.table.setColumnWidth(i, column.width)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.count = QLabel("尚未加载")
        self.count.setObjectName("countLabel")
        top = QHBoxLayout()
        for button in (self.new_button, self.open_button, self.print_sheet_button,
                       self.sheet_button, self.print_minutes_button, self.minutes_button):
            top.addWidget(button)
        top.addStretch(1)
        filters = QHBoxLayout()
        for combo in (self.team, self.kind, self.month):
            filters.addWidget(combo)
        filters.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self._update_buttons()

    def set_teams(self, teams: Sequence[TeamChoice]) -> None:
        self.teams = list(teams)
        refill(self.team, [(t.name, t.id) for t in self.teams])

    # -- rows ------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        self._stale = False
        current = self.selected()
        self._select_id = select_id if select_id is not None else (current.id if current else None)
        self._generation += 1
        generation, db = self._generation, self.ctx.db
        tasks.start(lambda _p, _c: data.meeting_list(db),
                    lambda rows: self._loaded(generation, rows), self._failed, owner=self)

    def _loaded(self, generation: int, rows: list[ListRow]) -> None:
        if generation != self._generation:
            return
        self.model.set_rows(rows)
        refill(self.month, months(r.month for r in rows))
        self.loaded = True
        self.apply_filter()
        select_by_id(self.table, self.model, self._select_id)

    def _failed(self, exc: BaseException) -> None:
        self.count.setText("读取会议失败")
        error(self, "会议与签到", f"读取会议失败：{exc}")

    def apply_filter(self) -> None:
        self.model.team_id = self.team.currentData()
        self.model.set_filter(self.search.text(), kind=self.kind.currentData(),
                              month=self.month.currentData())
        drafts = sum(1 for i in range(self.model.rowCount()) if not self.model.row_at(i).final)
        self.count.setText(f"显示 {self.model.rowCount()} / 共 {self.model.total} 次会议"
                           + (f"，其中草稿 {drafts} 次" if drafts else ""))

    def selected(self) -> ListRow | None:
        return selected_in(self.table, self.model)  # type: ignore[no-any-return]

    def _update_buttons(self, *_args: Any) -> None:
        chosen = self.selected() is not None
        for button in (self.open_button, self.print_sheet_button, self.sheet_button,
                       self.print_minutes_button, self.minutes_button):
            button.setEnabled(chosen)

    # -- actions ---------------------------------------------------------------------------
    def new_meeting(self) -> None:
        from ui.meetings.editor import MeetingEditor

        editor = MeetingEditor(self.ctx, self.teams, None, self)
        editor.exec()
        if editor.changed:
            self._after_change(editor.detail.id if editor.detail else None)

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_meeting(row.id)

    def open_meeting(self, meeting_id: int) -> None:
        """The editor, or the service's message (another team's meeting, or gone)."""
        from ui.meetings.editor import MeetingEditor

        try:
            editor = MeetingEditor(self.ctx, self.teams, meeting_id, self)
        except DomainError as exc:
            error(self, "打开会议", exc.message)
            return
        editor.exec()
        if editor.changed:
            self._after_change(meeting_id)

    def _after_change(self, meeting_id: int | None) -> None:
        self.ctx.data_changed.emit()
        self.reload(select_id=meeting_id)

    def _pdf_maker(self, what: str, verb: str) -> tuple[Any, str, Any] | None:
        """The selected meeting, the PDF's label and the function that writes it, or None."""
        row = self.selected()
        if row is None:
            return None
        label = "会议签到表" if what == "sheet" else "会议记录"
        try:
            from app.meetings import pdf
        except ImportError:
            error(self, label, f"这个版本还不能{verb}{label}。")
            return None
        return row, label, pdf.sign_in_sheet_pdf if what == "sheet" else pdf.minutes_pdf

    def export_pdf(self, what: str) -> None:
        chosen = self._pdf_maker(what, "生成")
        if chosen is None:
            return
        row, label, make = chosen
        suggested = f"{row.title}{'签到表' if what == 'sheet' else '会议记录'}.pdf"
        path, _f = QFileDialog.getSaveFileName(self, f"保存{label}", suggested, "PDF 文件 (*.pdf)")
        if not path:
            return
        out = Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf")
        db, meeting_id = self.ctx.db, row.id

        def work(_p: Any, _c: Any) -> Any:
            with db.session() as s:
                return make(s, meeting_id, out)

        def done(report: Any) -> None:
            self.ctx.data_changed.emit()
            saved_file(self, label, f"已保存{label}（{report.pages} 页）：\n{out}", out)

        def failed(exc: BaseException) -> None:
            message = exc.message if isinstance(exc, DomainError) else str(exc)
            error(self, label, f"没有生成{label}：{message}")

        tasks.run_with_progress(self, f"正在生成{label}…", work, done, failed, cancellable=False)

    def print_pdf(self, what: str) -> None:
        """The same PDF as ``export_pdf``, written to a temporary file, then the print dialog."""
        chosen = self._pdf_maker(what, "打印")
        if chosen is None:
            return
        row, label, make = chosen
        db, meeting_id = self.ctx.db, row.id

        def write(out: Path) -> Any:
            with db.session() as s:
                return make(s, meeting_id, out)

        printing.generate_and_print(self, f"打印{label}", write,
                                    f"{'签到表' if what == 'sheet' else '会议记录'}.pdf",
                                    on_finished=lambda _r: self.ctx.data_changed.emit())


class ComplianceTab(ReloadsWhenShown, QWidget):
    """Per team: each week with or without its 周会, each month with or without the monthly
    meeting (red missed, green held, grey not yet due); below, each person's attendance rate,
    those under 80 % in red."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loaded = False
        self.result: Compliance | None = None
        self._generation = 0
        self.year = QSpinBox()
        self.year.setObjectName("complianceYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(date.today().year)
        self.year.setSuffix(" 年")
        self.year.valueChanged.connect(lambda _v: self.reload())
        self.team = filter_combo("complianceTeam", [], "全部团队")
        self.team.currentIndexChanged.connect(lambda _i: self.reload())
        legend = QLabel('<span style="background:#e74c3c">&nbsp;&nbsp;&nbsp;&nbsp;</span> 未开　'
                        '<span style="background:#58d68d">&nbsp;&nbsp;&nbsp;&nbsp;</span> 已开　'
                        '<span style="background:#d5d8dc">&nbsp;&nbsp;&nbsp;&nbsp;</span> 未到期')
        legend.setObjectName("complianceLegend")
        self.summary = QLabel()
        self.summary.setObjectName("complianceSummary")
        self.grid = QTableWidget()
        self.grid.setObjectName("complianceGrid")
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.grid.verticalHeader().setDefaultSectionSize(24)
        self.grid.horizontalHeader().setMinimumSectionSize(18)
        self.month_grid = QTableWidget()
        self.month_grid.setObjectName("complianceMonths")
        self.month_grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.month_grid.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.month_grid.verticalHeader().setDefaultSectionSize(24)
        self.rates = QTableWidget(0, 8)
        self.rates.setObjectName("attendanceRates")
        self.rates.setHorizontalHeaderLabels(["姓名", "所在团队", "应到", "出席", "迟到", "请假",
                                              "缺席", "到会率"])
        self.rates.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rates.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.rates.verticalHeader().setVisible(False)
        top = QHBoxLayout()
        top.addWidget(QLabel("年度："))
        top.addWidget(self.year)
        top.addWidget(self.team)
        top.addSpacing(16)
        top.addWidget(legend)
        top.addStretch(1)
        top.addWidget(self.summary)
        rates_box = QWidget()
        rates_layout = QVBoxLayout(rates_box)
        rates_layout.setContentsMargins(0, 0, 0, 0)
        rates_layout.addWidget(QLabel(f"个人到会率（本年度截至今天；低于 {LOW_RATE:.0f}% 的标红）："))
        rates_layout.addWidget(self.rates, 1)
        weeks_box = QWidget()
        weeks_layout = QVBoxLayout(weeks_box)
        weeks_layout.setContentsMargins(0, 0, 0, 0)
        weeks_layout.addWidget(QLabel("周会（每周一次，按周一至周日计）："))
        weeks_layout.addWidget(self.grid, 1)
        months_box = QWidget()
        months_layout = QVBoxLayout(months_box)
        months_layout.setContentsMargins(0, 0, 0, 0)
        months_layout.addWidget(QLabel("月度直联工作汇报会（每月一次）："))
        months_layout.addWidget(self.month_grid, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(weeks_box)
        split.addWidget(months_box)
        split.addWidget(rates_box)
        split.setSizes([250, 220, 260])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    def set_teams(self, teams: Sequence[TeamChoice]) -> None:
        self.team.blockSignals(True)
        refill(self.team, [(t.name, t.id) for t in teams])
        self.team.blockSignals(False)

    def reload(self, today: date | None = None) -> None:
        self._stale = False
        self._generation += 1
        generation, db = self._generation, self.ctx.db
        year, team_id = self.year.value(), self.team.currentData()
        tasks.start(lambda _p, _c: data.compliance(db, year, team_id, today),
                    lambda found: self._loaded(generation, found),
                    lambda exc: self._failed(exc), owner=self)

    def _failed(self, exc: BaseException) -> None:
        self.summary.setText("读取失败")
        message = exc.message if isinstance(exc, DomainError) else str(exc)
        error(self, "合规情况", f"读取会议合规情况失败：{message}")

    def _loaded(self, generation: int, found: Compliance) -> None:
        if generation != self._generation:
            return
        self.result = found
        self._fill_grid(found)
        self._fill_rates(found)
        self.loaded = True

    def _fill_grid(self, found: Compliance) -> None:
        teams = found.teams
        self._fill_marks(self.grid, teams, "weeks", 20)
        self._fill_marks(self.month_grid, teams, "months", 44)
        months_n = self.month_grid.columnCount() - 1
        missed_weeks = missed_months = 0
        for row, team in enumerate(teams):
            total = QTableWidgetItem(f"缺周会 {team.weeks_missed} 次，缺月会 {team.months_missed} 次")
            if team.weeks_missed or team.months_missed:
                total.setForeground(QBrush(LOW_COLOR))
            self.month_grid.setItem(row, months_n, total)
            missed_weeks += team.weeks_missed
            missed_months += team.months_missed
        self.summary.setText(f"{len(teams)} 个团队，缺周会 {missed_weeks} 次、缺月会 "
                             f"{missed_months} 次")

    @staticmethod
    def _fill_marks(grid: QTableWidget, teams: Sequence[Any], part: str, width: int) -> None:
        """One row per team, one cell per week (or month): red missed, green held, grey not
        yet due; the tooltip says which and when."""
        weekly = part == "weeks"
        count = len(getattr(teams[0], part)) if teams else (52 if weekly else 12)
        extra = 0 if weekly else 1
        grid.clear()
        grid.setRowCount(len(teams))
        grid.setColumnCount(count + extra)
        headers = [str(n) if weekly else f"{n}月" for n in range(1, count + 1)]
        grid.setHorizontalHeaderLabels(headers + ([] if weekly else ["合计"]))
        grid.setVerticalHeaderLabels([t.team for t in teams])
        for column in range(count):
            grid.setColumnWidth(column, width)
        if not weekly:
            grid.horizontalHeader().setSectionResizeMode(count, QHeaderView.ResizeMode.Stretch)
        what = "周会" if weekly else "月度直联工作汇报会"
        for row, team in enumerate(teams):
            for column, mark in enumerate(getattr(team, part)):
                item = QTableWidgetItem("")
                span = f"{mark.start:%m-%d} 至 {mark.end:%m-%d}"
                if mark.held:
                    item.setBackground(HELD)
                    state, tip = "held", f"已开{what} {len(mark.meeting_ids)} 次"
                elif mark.missed:
                    item.setBackground(MISSED)
                    state, tip = "missed", f"没有{what}记录"
                else:
                    item.setBackground(NOT_DUE)
                    state, tip = "not_due", "未到期"
                item.setData(Qt.ItemDataRole.UserRole, state)
                item.setToolTip(f"{team.team} {mark.label}（{span}）：{tip}")
                grid.setItem(row, column, item)

    def _fill_rates(self, found: Compliance) -> None:
        self.rates.setRowCount(len(found.rates))
        for row, r in enumerate(found.rates):
            rate = "—" if r.rate is None else f"{r.rate:.1f}%"
            low = r.rate is not None and r.rate < LOW_RATE
            for column, value in enumerate((r.name, r.teams, r.expected, r.present, r.late,
                                            r.on_leave, r.absent, rate)):
                item = QTableWidgetItem(str(value))
                if column >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if low:
                    item.setForeground(QBrush(LOW_COLOR))
                self.rates.setItem(row, column, item)
        self.rates.resizeColumnToContents(0)


class MeetingsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.teams_loaded = False
        self.meetings = MeetingList(ctx)
        self.compliance = ComplianceTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("meetingPageTabs")
        self.tabs.addTab(self.meetings, "会议记录")
        self.tabs.addTab(self.compliance, "合规情况")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        ctx.database_replaced.connect(self.reload_all)
        ctx.data_changed.connect(self.compliance.mark_stale)
        self.load_teams()

    def load_teams(self) -> None:
        db = self.ctx.db
        tasks.start(lambda _p, _c: ledger_data.team_choices(db), self._teams_loaded,
                    lambda exc: error(self, "会议与签到", f"读取驻点团队失败：{exc}"), owner=self)

    def _teams_loaded(self, teams: list[TeamChoice]) -> None:
        self.meetings.set_teams(teams)
        self.compliance.set_teams(teams)
        self.teams_loaded = True

    def reload_all(self) -> None:
        self.load_teams()
        self.meetings.mark_stale()
        self.compliance.mark_stale()
