"""重点走访 / 覆盖进度 tab: the year's coverage against the town's targets, each team's month
against the monthly key-visit target, who is not yet visited, and the key-visit register
exported as xlsx (with its monthly progress sheet).

Every figure comes from app.services.visits (computed, never typed); the reads and the export
run in workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFileDialog, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QProgressBar, QPushButton, QRadioButton,
                               QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.addresses import address_key
from app.auth import Permission
from app.db import Database
from app.ledgers.export import month_end
from app.services import visits as service
from ui import tasks
from ui.context import AppContext
from ui.ledgers.common import communities_of, filter_combo, refill
from ui.ledgers.data import TeamChoice
from ui.ledgers.model import Col, LedgerModel
from ui.widgets.messages import error, saved_file
from ui.widgets.stale import ReloadsWhenShown
from ui.widgets.table import make_table_view

SHORT_COLOR = QColor("#c0392b")
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"


def ask_save_path(parent: QWidget, suggested: Path) -> Path | None:
    """The save dialog (tests replace this function)."""
    name, _ = QFileDialog.getSaveFileName(parent, "导出重点走访登记册", str(suggested), XLSX_FILTER)
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")


# -- reads, in workers ---------------------------------------------------------------------

def load_coverage(db: Database, year: int, month: int, team_id: int | None) -> service.Coverage:
    with db.session() as s:
        return service.coverage(s, year, month, team_id)


@dataclass(frozen=True, slots=True)
class Missing:
    """One household short of the target (a NotVisitedRow with its text for the search)."""

    household_id: int
    community: str
    address: str
    head_name: str
    key_groups: str
    visits: int
    last_visited_on: date | None


def load_not_visited(db: Database, year: int, community_id: int | None,
                     key_only: bool) -> list[Missing]:
    with db.session() as s:
        rows = service.not_visited(s, year, community_id, key_only)
    return [Missing(r.household_id, r.community, r.address, r.head_name, r.key_groups, r.visits,
                    r.last_visited_on) for r in rows]


def export_register(db: Database, year: int, month: int, team_id: int | None, out: Path) -> int:
    from app.ledgers.export import export_ledger

    with db.session() as s:
        return export_ledger(s, "register", date(year, month, 1), out, team_id).rows


MISSING_COLUMNS = (
    Col("村（社区）", lambda r: r.community, 100, sort=address_key),
    Col("门牌地址", lambda r: r.address, 200, sort=address_key),
    Col("户主", lambda r: r.head_name, 80), Col("重点人群", lambda r: r.key_groups, 160),
    Col("今年走访天数", lambda r: r.visits, 90),
    Col("最近一次走访", lambda r: r.last_visited_on or "从未走访", 110, "stretch"))
KEY_GROUP_COLUMN = 3


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


class CoverageTab(ReloadsWhenShown, QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or date.today()
        self.teams: list[TeamChoice] = []
        self.figures: service.Coverage | None = None
        self.loaded = False            # figures shown at least once
        self.list_loaded = False       # the not-visited list shown at least once
        self._figure_generation = 0
        self._list_generation = 0
        self._build()

    # -- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.year = QSpinBox()
        self.year.setObjectName("coverageYear")
        self.year.setRange(2000, 2100)
        self.year.setValue(self.today.year)
        self.year.setSuffix(" 年")
        self.month = QComboBox()
        self.month.setObjectName("coverageMonth")
        for m in range(1, 13):
            self.month.addItem(f"{m} 月", m)
        self.month.setCurrentIndex(self.today.month - 1)
        self.team = filter_combo("coverageTeam", [], "全部团队")
        self.export_button = QPushButton("导出登记册…")
        self.export_button.setObjectName("exportRegister")
        self.export_button.setToolTip("把所选月份的重点走访登记册和月度进度表导出为 Excel（登记册 A3 横向，进度表 A4 横向）")
        self.export_button.clicked.connect(self.export)
        self.export_button.setVisible(self.ctx.can(Permission.VIEW_RECORDS))
        self.year.valueChanged.connect(lambda _v: self.reload())
        self.month.currentIndexChanged.connect(lambda _i: self.load_figures())
        self.team.currentIndexChanged.connect(lambda _i: self.load_figures())
        top = QHBoxLayout()
        for label, widget in (("年份", self.year), ("月份", self.month), ("团队", self.team)):
            top.addWidget(QLabel(label))
            top.addWidget(widget)
            top.addSpacing(8)
        top.addStretch(1)
        top.addWidget(self.export_button)

        figures = QGroupBox("全年覆盖")
        grid = QGridLayout(figures)
        self.households_label = QLabel("正在计算…")
        self.households_label.setObjectName("coverageHouseholds")
        self.households_bar = self._bar("coverageHouseholdsBar")
        self.key_label = QLabel("正在计算…")
        self.key_label.setObjectName("coverageKey")
        self.key_bar = self._bar("coverageKeyBar")
        grid.addWidget(self.households_label, 0, 0)
        grid.addWidget(self.households_bar, 0, 1)
        grid.addWidget(self.key_label, 1, 0)
        grid.addWidget(self.key_bar, 1, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(2, 1)

        self.team_box = QGroupBox("各团队本月重点户走访")
        self.team_table = QTableWidget(0, 5)
        self.team_table.setObjectName("coverageTeams")
        self.team_table.setHorizontalHeaderLabels(
            ["驻点团队", "本月走访重点户", "月度目标", "完成率", "本月走访次数"])
        self.team_table.verticalHeader().setVisible(False)
        self.team_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.team_table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.team_table.horizontalHeader().setStretchLastSection(True)
        self.team_table.setColumnWidth(0, 180)
        self.team_table.setMinimumHeight(230)
        for column in range(1, 4):
            self.team_table.setColumnWidth(column, 110)
        self.team_note = QLabel()
        self.team_note.setObjectName("coverageTeamNote")
        team_layout = QVBoxLayout(self.team_box)
        team_layout.addWidget(self.team_table)
        team_layout.addWidget(self.team_note)

        self.missing_box = QGroupBox("尚未走访的住户")
        self.all_button = QRadioButton("全部住户")
        self.all_button.setObjectName("notVisitedAll")
        self.key_button = QRadioButton("重点户")
        self.key_button.setObjectName("notVisitedKey")
        self.all_button.setChecked(True)
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.all_button)
        self.kind_group.addButton(self.key_button)
        self.key_button.toggled.connect(lambda _c: self.load_list())
        self.community = filter_combo("notVisitedCommunity", [], "全部村（社区）")
        self.community.currentIndexChanged.connect(lambda _i: self.load_list())
        self.missing_count = QLabel("尚未加载")
        self.missing_count.setObjectName("notVisitedCount")
        self.missing_model = LedgerModel(MISSING_COLUMNS, lambda r: "", self)
        self.missing_table = make_table_view(self.missing_model)
        self.missing_table.setObjectName("notVisitedTable")
        self.missing_table.setSortingEnabled(True)
        self.missing_table.setColumnHidden(KEY_GROUP_COLUMN, True)
        missing_top = QHBoxLayout()
        missing_top.addWidget(self.all_button)
        missing_top.addWidget(self.key_button)
        missing_top.addSpacing(12)
        missing_top.addWidget(self.community)
        missing_top.addSpacing(12)
        missing_top.addWidget(self.missing_count)
        missing_top.addStretch(1)
        missing_layout = QVBoxLayout(self.missing_box)
        missing_layout.addLayout(missing_top)
        missing_layout.addWidget(self.missing_table, 1)

        upper = QHBoxLayout()
        upper.addWidget(figures, 1)
        upper.addWidget(self.team_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(upper)
        layout.addWidget(self.missing_box, 1)

    @staticmethod
    def _bar(name: str) -> QProgressBar:
        bar = QProgressBar()
        bar.setObjectName(name)
        bar.setRange(0, 1000)
        bar.setValue(0)
        bar.setTextVisible(True)
        bar.setFormat("—")
        bar.setMinimumWidth(160)
        return bar

    def set_teams(self, teams: Sequence[TeamChoice]) -> None:
        self.teams = list(teams)
        refill(self.team, [(t.name, t.id) for t in self.teams])
        refill(self.community, communities_of(self.teams))

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        self._stale = False
        self.load_figures()
        self.load_list()

    def load_figures(self) -> None:
        self._figure_generation += 1
        generation = self._figure_generation
        db, year, month = self.ctx.db, self.year.value(), self.month.currentData()
        team_id = self.team.currentData()
        self.households_label.setText("正在计算…")
        tasks.start(lambda _p, _c: load_coverage(db, year, month, team_id),
                    lambda found: self._show_figures(generation, found),
                    lambda exc: self._failed(generation, exc), owner=self)

    def load_list(self) -> None:
        self._list_generation += 1
        generation = self._list_generation
        db, year = self.ctx.db, self.year.value()
        community_id, key_only = self.community.currentData(), self.key_button.isChecked()
        self.missing_count.setText("正在查找…")
        tasks.start(lambda _p, _c: load_not_visited(db, year, community_id, key_only),
                    lambda rows: self._show_list(generation, rows, key_only),
                    lambda exc: self._list_failed(generation, exc), owner=self)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._figure_generation:
            return
        self.households_label.setText("无法计算覆盖情况")
        error(self, "重点走访", f"计算{self.year.value()}年的走访覆盖情况失败：{exc}")

    def _list_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._list_generation:
            return
        self.missing_count.setText("无法列出")
        error(self, "重点走访", f"列出尚未走访的住户失败：{exc}")

    # -- showing -------------------------------------------------------------------------------
    def _show_figures(self, generation: int, c: service.Coverage) -> None:
        if generation != self._figure_generation:
            return  # an older question answered late
        self.figures = c
        times = "1 次" if c.required_visits == 1 else f"{c.required_visits} 次"
        self.households_label.setText(
            f"全年走访至少 {times}的住户：{c.households_visited} / {c.households} 户"
            f"（{_percent(c.households_percent)}）")
        self.key_label.setText(
            f"重点走访登记册全年已走访：{c.key_visited} / {c.key_households} 户"
            f"（{_percent(c.key_percent)}，目标 100 %）")
        self._fill_bar(self.households_bar, c.households_visited, c.households)
        self._fill_bar(self.key_bar, c.key_visited, c.key_households)
        self._fill_teams(c)
        self.loaded = True

    @staticmethod
    def _fill_bar(bar: QProgressBar, part: int, whole: int) -> None:
        bar.setValue(round(1000 * part / whole) if whole else 0)
        bar.setFormat(f"{100 * part / whole:.1f} %" if whole else "无住户")

    def _fill_teams(self, c: service.Coverage) -> None:
        month = c.month or self.month.currentData()
        first = date(c.year, month, 1)
        finished = month_end(first) < self.today    # a past month: short of target shows red
        self.team_box.setTitle(f"各团队 {c.year}年{month}月 重点户走访")
        self.team_table.setRowCount(len(c.teams))
        short = 0
        for n, t in enumerate(c.teams):
            values = [t.team, str(t.key_households), str(t.target), _percent(t.percent),
                      str(t.visits)]
            red = finished and not t.met
            short += red
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if red:
                    item.setForeground(QBrush(SHORT_COLOR))
                    item.setToolTip("本月已结束，走访重点户未达到月度目标")
                self.team_table.setItem(n, column, item)
        if first > self.today:
            note = "所选月份尚未开始。"
        elif not finished:
            note = "本月尚未结束，进度仅供参考。"
        elif short:
            note = f"{short} 个团队未达到月度目标（红色）。"
        else:
            note = "各团队均达到月度目标。" if c.teams else "没有驻点团队。"
        self.team_note.setText(note)

    def _show_list(self, generation: int, rows: list[Missing], key_only: bool) -> None:
        if generation != self._list_generation:
            return
        self.missing_model.set_rows(rows)
        # The key-group names come only to roles allowed to see them.
        self.missing_table.setColumnHidden(
            KEY_GROUP_COLUMN, not any(r.key_groups for r in rows))
        year = self.year.value()
        if key_only:
            what = f"{year}年尚未走访的重点户"
        else:
            needed = self.figures.required_visits if self.figures else 1
            what = (f"{year}年尚未走访的住户" if needed == 1
                    else f"{year}年走访不足 {needed} 次的住户")
        self.missing_box.setTitle(what)
        self.missing_count.setText(f"共 {len(rows)} 户")
        self.list_loaded = True

    # -- export --------------------------------------------------------------------------------
    def export(self) -> None:
        year, month, team_id = self.year.value(), self.month.currentData(), self.team.currentData()
        team = self.team.currentText() if team_id is not None else ""
        suggested = Path.home() / f"重点走访登记册{team}{year}-{month:02d}.xlsx"
        out = ask_save_path(self, suggested)
        if out is None:
            return
        db = self.ctx.db
        self.export_button.setEnabled(False)
        self.export_button.setText("正在导出…")
        tasks.start(lambda _p, _c: export_register(db, year, month, team_id, out),
                    lambda rows: self._exported(out, year, month, rows),
                    self._export_failed, owner=self)

    def _export_done(self) -> None:
        self.export_button.setEnabled(True)
        self.export_button.setText("导出登记册…")

    def _exported(self, out: Path, year: int, month: int, rows: int) -> None:
        self._export_done()
        self.ctx.data_changed.emit()   # the export is in the audit trail
        saved_file(self, "导出重点走访登记册",
                   f"已导出{year}年{month}月重点走访登记册（{rows} 户）和月度进度表：\n{out}", out)

    def _export_failed(self, exc: BaseException) -> None:
        self._export_done()
        error(self, "导出重点走访登记册", f"导出{self.year.value()}年{self.month.currentData()}月"
                                   f"重点走访登记册失败：{exc}")


__all__ = ["CoverageTab", "Missing", "load_coverage", "load_not_visited"]
