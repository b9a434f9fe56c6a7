"""月通报 tab: the month's ranking table from app.services.bulletin (counted in a worker), the
town's totals, and for any traceable figure (double-click) the records it was counted from;
导出 PDF / Excel through app.forms, and 印发 (issuing the month's bulletin: its document number
and 成文日期 given once, the PDF kept — after that 导出 PDF gives the issued document)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt,
                            Signal)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
                               QVBoxLayout, QWidget)

from app.auth import Permission
from app.errors import DomainError
from app.services import bulletin as bulletin_service
from app.services.bulletin import Bulletin, RecordLine, TeamFigures
from ui import tasks, window_state
from ui.context import AppContext
from ui.submissions import common
from ui.submissions.common import MonthPicker, button, previous_month
from ui.widgets.form import FormDialog
from ui.widgets.inputs import date_edit, date_of
from ui.widgets import print_pdf as printing
from ui.widgets.messages import error, saved_file
from ui.widgets.stale import ReloadsWhenShown
from ui.widgets.table import Column, RowTableModel, make_table_view, wrap_rows
from ui.window_state import fit_to_screen

Index = QModelIndex | QPersistentModelIndex
TRACEABLE = QColor("#1a5276")


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


@dataclass(frozen=True)
class FigureColumn:
    title: str
    text: Callable[[TeamFigures], str]
    figure: str = ""          # a key of bulletin.FIGURES: double-click lists its records
    width: int = 80


COLUMNS = (
    FigureColumn("名次", lambda f: str(f.rank) if f.rank else "", width=44),
    FigureColumn("驻点团队", lambda f: f.team, width=150),
    FigureColumn("得分", lambda f: f"{f.score:.1f}", width=52),
    FigureColumn("驻点次数", lambda f: f"{f.sessions_held}/{f.station_days}", "sessions_held"),
    FigureColumn("走访达标户", lambda f: f"{f.households_visited}/{f.households}"
                 f"（{pct(f.households_visited, f.households)}）", width=120),
    FigureColumn("走访重点户", lambda f: f"{f.key_visited}/{f.key_target}", "key_visited"),
    FigureColumn("收集问题", lambda f: str(f.problems_raised), "problems_raised", 70),
    FigureColumn("办结问题", lambda f: str(f.problems_solved), "problems_solved", 70),
    FigureColumn("现场解决", lambda f: f"{f.solved_on_site}（{pct(f.solved_on_site, f.problems_raised)}）",
                 "solved_on_site", 90),
    FigureColumn("超期未办结", lambda f: str(f.overdue), "overdue", 76),
    FigureColumn("周会", lambda f: f"{f.weekly_meetings_held}/{f.weekly_meetings_expected}",
                 "weekly_meetings_held", 56),
    FigureColumn("月度会", lambda f: "是" if f.monthly_meeting else "否", width=52),
    FigureColumn("未整改问题", lambda f: str(f.findings_open), "findings_open", 76),
    FigureColumn("整改销号", lambda f: str(f.findings_closed), width=64),
    FigureColumn("按时/逾期", lambda f: f"{f.submissions_on_time}/{f.submissions_late}", width=70),
    FigureColumn("缺报", lambda f: str(f.submissions_missing), "submissions_missing", 52),
)


class BulletinModel(QAbstractTableModel):
    """The teams in ranking order, then the town's totals (bold, not traceable)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[TeamFigures] = []

    def set_bulletin(self, b: Bulletin | None) -> None:
        self.beginResetModel()
        self.rows = [*b.teams, b.totals] if b is not None else []
        self.endResetModel()

    def figure_at(self, index: Index) -> tuple[TeamFigures, str] | None:
        """(team, figure key) when the cell is a traceable figure of a team."""
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row, column = self.rows[index.row()], COLUMNS[index.column()]
        if not column.figure or row.team_id == 0:
            return None
        return row, column.figure

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row, column = self.rows[index.row()], COLUMNS[index.column()]
        totals = row.team_id == 0
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.figure and not totals:
                return f"双击查看{row.team}“{bulletin_service.FIGURES[column.figure]}”所依据的记录"
            return column.text(row)
        if role == Qt.ItemDataRole.FontRole and totals:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column.figure and not totals:
            return QBrush(TRACEABLE)
        if role == Qt.ItemDataRole.BackgroundRole:
            if totals:
                return QBrush(QColor("#eaf2f8"))
            if column.figure == "submissions_missing" and row.submissions_missing:
                return QBrush(QColor("#f5b7b1"))
            if column.figure == "overdue" and row.overdue:
                return QBrush(QColor("#fadbd8"))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() != 1:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section].figure:
            return "双击数字查看它所依据的记录"
        return None


class BulletinTab(ReloadsWhenShown, QWidget):
    shown_bulletin = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.bulletin: Bulletin | None = None
        self.loaded = False
        self._generation = 0
        self.picker = MonthPicker("bulletinMonth", *previous_month(*_this_month()))
        self.picker.changed.connect(lambda _y, _m: self.reload())
        self.pdf_button = button("bulletinPdf", "导出 PDF…", lambda: self.export("pdf"),
                                 "月通报文稿（含各团队图表和缺报情况）：未印发时为征求意见稿，"
                                 "印发后为印发时的文本")
        self.print_button = button("bulletinPrint", "打印…", self.print_bulletin,
                                   "直接打印月通报文稿（与导出的 PDF 相同）")
        self.xlsx_button = button("bulletinXlsx", "导出 Excel…", lambda: self.export("xlsx"))
        self.issue_button = button("bulletinIssue", "印发…", self.issue,
                                   "正式印发本月通报：编发文字号、确定成文日期并保存印发的文本；"
                                   "印发后导出的 PDF 都是印发时的文本")
        publish = ctx.can(Permission.PUBLISH_BULLETIN)
        self.pdf_button.setVisible(publish)
        self.print_button.setVisible(publish)
        self.xlsx_button.setVisible(publish)
        self.issue_button.setVisible(publish)
        self.model = BulletinModel(self)
        self.table = make_table_view(self.model)
        self.table.setObjectName("bulletinTable")
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        # Every column as wide as its content, the team's name too (it was the one stretched
        # column, squeezed to "古…" or nothing by the 14 others): the table scrolls sideways.
        for i in range(len(COLUMNS)):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(self.show_records)
        self.state = QLabel("尚未加载")
        self.state.setObjectName("bulletinState")
        self.summary = QLabel()
        self.summary.setObjectName("bulletinSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.picker)
        top.addWidget(self.state, 1)
        top.addWidget(self.print_button)
        top.addWidget(self.pdf_button)
        top.addWidget(self.xlsx_button)
        top.addWidget(self.issue_button)
        hint = QLabel("蓝色数字可双击，列出它所依据的记录。")
        hint.setObjectName("hintLabel")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addWidget(self.summary)

    def reload(self) -> None:
        self._stale = False
        self._generation += 1
        generation = self._generation
        db = self.ctx.db
        year, month = self.picker.value()

        def work(_p: Any, _c: Any) -> Bulletin:
            with db.session() as s:
                return bulletin_service.bulletin(s, year, month)

        self.state.setText(f"正在统计 {year} 年 {month} 月…")
        tasks.start(work, lambda b: self._loaded(generation, b),
                    lambda exc: self._failed(generation, exc), owner=self)

    def _loaded(self, generation: int, b: Bulletin) -> None:
        if generation != self._generation:
            return
        from app.forms.bulletin_pdf import summary_text

        self.bulletin = b
        self.model.set_bulletin(b)
        self.state.setText(f"{b.year} 年 {b.month} 月，统计到 {b.as_of:%Y-%m-%d}，"
                           f"{len(b.teams)} 个团队")
        self.summary.setText(summary_text(b))
        self.loaded = True
        self.shown_bulletin.emit(b)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.bulletin = None
        self.model.set_bulletin(None)
        message = exc.message if isinstance(exc, DomainError) else f"统计月通报失败：{exc}"
        self.state.setText(message)
        self.summary.clear()
        self.loaded = True

    def show_records(self, index: QModelIndex) -> None:
        found = self.model.figure_at(index)
        if found is None or self.bulletin is None:
            return
        team, figure = found
        b = self.bulletin
        try:
            with self.ctx.db.session() as s:
                lines = bulletin_service.records_behind(s, b.year, b.month, team.team_id, figure,
                                                        today=b.as_of)
        except DomainError as exc:
            error(self, "月通报", exc.message)
            return
        RecordsDialog(f"{team.team} {b.year} 年 {b.month} 月 · {bulletin_service.FIGURES[figure]}",
                      COLUMNS[index.column()].text(team), lines, self).exec()

    def export(self, kind: str) -> None:
        b = self.bulletin
        if b is None:
            return
        what = "PDF" if kind == "pdf" else "Excel"
        out = common.ask_save_path(self, f"导出月通报（{what}）", kind,
                                   f"{b.year}年{b.month:02d}月_驻点直联工作月通报.{kind}")
        if out is None:
            return
        db = self.ctx.db

        def work(_p: Any, _c: Any) -> Any:
            from app.forms.bulletin_pdf import render_bulletin_pdf
            from app.forms.bulletin_xlsx import render_bulletin_xlsx

            with db.session() as s:
                if kind == "pdf":     # a draft dated today, or the issued bulletin again
                    return render_bulletin_pdf(s, b, out)
                return render_bulletin_xlsx(s, b, out)

        tasks.start(work, lambda path: saved_file(self, "导出月通报", f"已导出：{path}", path),
                    lambda exc: error(self, "导出月通报", exc.message if isinstance(
                        exc, DomainError) else f"导出失败：{exc}"), owner=self)


    def print_bulletin(self) -> None:
        """The PDF ``export("pdf")`` writes, to a temporary file, then the print dialog."""
        b = self.bulletin
        if b is None:
            return
        db = self.ctx.db

        def write(out: Any) -> Any:
            from app.forms.bulletin_pdf import render_bulletin_pdf

            with db.session() as s:
                return render_bulletin_pdf(s, b, out)

        printing.generate_and_print(self, "打印月通报", write,
                                    f"{b.year}年{b.month:02d}月_驻点直联工作月通报.pdf")

    def issue(self) -> None:
        """印发: the 成文日期 asked, then where to save the issued PDF."""
        b = self.bulletin
        if b is None:
            return
        dialog = IssueDialog(b.year, b.month, self)
        if not dialog.exec() or dialog.result_value is None:
            return
        out = common.ask_save_path(self, "印发月通报（PDF）", "pdf",
                                   f"{b.year}年{b.month:02d}月_驻点直联工作月通报.pdf")
        if out is None:
            return
        db, dated = self.ctx.db, dialog.result_value

        def work(_p: Any, _c: Any) -> Any:
            from app.forms.bulletin_pdf import issue_bulletin_pdf

            with db.session() as s:
                issued = issue_bulletin_pdf(s, b.year, b.month, out, dated=dated, b=b)
                return issued.number, issued.document.dated, issued.already

        def done(result: Any) -> None:
            number, on, already = result
            saved_file(self, "印发月通报",
                       f"这个月的通报已印发（{number}，成文日期 {on:%Y-%m-%d}），不再重新编号；"
                       f"已按印发时的文本导出：{out}" if already else
                       f"已印发：{number}，成文日期 {on:%Y-%m-%d}。\n已导出：{out}", out)

        tasks.start(work, done, lambda exc: error(self, "印发月通报", exc.message if isinstance(
            exc, DomainError) else f"印发失败：{exc}"), owner=self)


class IssueDialog(FormDialog):
    """印发 the month's bulletin: the 成文日期 (default today), and what issuing means."""

    def __init__(self, year: int, month: int, parent: QWidget | None = None) -> None:
        super().__init__(f"印发 {year} 年 {month} 月通报", parent)
        self.dated = self.add_field("dated", "成文日期", date_edit(date.today(), "bulletinDated"))
        hint = QLabel("印发后编发文字号（如 云组通〔2026〕3号），文号、成文日期和通报文本不再改变；"
                      "以后导出的 PDF 都是印发时的文本。发文机关、抄送和印发机关在“设置”中填写。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #5d6d7e;")
        self.form.addRow("", hint)
        self.save_button.setText("印发…")

    def save(self) -> date:
        return date_of(self.dated)


def _this_month() -> tuple[int, int]:
    from datetime import date

    today = date.today()
    return today.year, today.month


RECORD_COLUMNS = (
    Column("日期", lambda r: f"{r.on:%Y-%m-%d}" if r.on else "—", width=96),
    Column("记录", lambda r: r.what, width=150),
    Column("内容", lambda r: r.detail, fit="stretch"),
)


class RecordsDialog(window_state.RemembersSize, QDialog):
    """The records one figure was counted from (non-editable)."""

    def __init__(self, title: str, value: str, lines: list[RecordLine],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        window_state.remember(self)  # fits the screen; its size kept per user
        self.setWindowTitle(title)
        fit_to_screen(self, 900, 560)
        self.model: RowTableModel[RecordLine] = RowTableModel(RECORD_COLUMNS, self)
        self.model.set_rows(lines)
        self.table = make_table_view(self.model)
        wrap_rows(self.table)   # 办理经过 in full, not cut off at the column's edge
        self.table.setObjectName("recordsTable")
        head = QLabel(f"{title}：{value}，依据以下 {len(lines)} 条记录" if lines
                      else f"{title}：{value}，没有对应的记录")
        head.setObjectName("recordsHead")
        head.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
