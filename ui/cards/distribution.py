"""发放登记 tab: per community, how many households hold the current card, the households still
to visit (never reached, or holding a card the roster has since changed), recording deliveries,
and the coverage workbook.

The not-reached list can hold every household of a large community (5,000+): the model keeps
plain rows with a search key computed once, and filtering is one list comprehension.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QFrame, QHBoxLayout,
                               QLabel, QPushButton, QVBoxLayout, QWidget)

from app.addresses import address_key, grid_key
from app.auth import Permission
from app.db import Database
from app.errors import DomainError
from app.services import cards
from app.services.cards import CoverageRow, NotReachedRow
from ui import tasks
from ui.context import AppContext
from ui.widgets.collation import sort_key
from ui.widgets.inputs import date_edit, date_of, line_edit
from ui.widgets.messages import error, inform, saved_file
from ui.widgets.table import make_table_view
from ui.widgets.stale import ReloadsWhenShown

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
STALE_COLOUR = QColor("#b9770e")
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("网格", "grid", 110), ("门牌地址", "address", 260), ("户主", "head_name", 100),
    ("联系电话", "phone", 120), ("状态", "status", 100), ("上次发放", "last", 100))


def _last(row: NotReachedRow) -> str:
    return row.last_delivered_on.isoformat() if row.last_delivered_on else ""


def _value(row: NotReachedRow, field: str) -> str:
    return _last(row) if field == "last" else getattr(row, field)


class NotReachedModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[NotReachedRow] = []
        self._keys: list[str] = []
        self._order: list[int] = []
        self._visible: list[int] = []
        self._needle = ""
        self._sorted: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[NotReachedRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._keys = [f"{r.head_name}\x1f{r.address}\x1f{r.phone}\x1f{r.grid}".lower()
                      for r in self._rows]
        self._order = self._sorted_order() if self._sorted else list(range(len(self._rows)))
        self._visible = self._matching()
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        needle = text.strip().lower()
        if needle == self._needle:
            return
        self.beginResetModel()
        self._needle = needle
        self._visible = self._matching()
        self.endResetModel()

    def _matching(self) -> list[int]:
        if not self._needle:
            return self._order
        keys, needle = self._keys, self._needle
        return [i for i in self._order if needle in keys[i]]

    @property
    def total(self) -> int:
        return len(self._rows)

    @property
    def stale(self) -> int:
        return sum(1 for r in self._rows if r.status == cards.STATUS_STALE)

    def row_at(self, visible_row: int) -> NotReachedRow:
        return self._rows[self._visible[visible_row]]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._visible):
            return None
        row = self._rows[self._visible[index.row()]]
        field = COLUMNS[index.column()][1]
        if role == Qt.ItemDataRole.DisplayRole:
            return _value(row, field)
        if role == ROW_ROLE:
            return row
        stale = row.status == cards.STATUS_STALE
        if role == Qt.ItemDataRole.ForegroundRole and field == "status" and stale:
            return QBrush(STALE_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole and field == "status" and stale:
            return "该户领到的联系卡在名册变动后已过时，需要发放新卡"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section][0]
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.beginResetModel()
        self._sorted = (column, order)
        self._order = self._sorted_order()
        self._visible = self._matching()
        self.endResetModel()

    def _sorted_order(self) -> list[int]:
        assert self._sorted is not None
        column, order = self._sorted
        field, rows = COLUMNS[column][1], self._rows
        # Grid and address in natural order (第四网格 before 第十网格, no grid last; 二巷 before
        # 十三巷, 一巷2号 before 一巷10号), as the printed list; then by address in that order.
        first = {"grid": grid_key, "address": address_key}.get(field, sort_key)
        return sorted(range(len(rows)),
                      key=lambda i: (first(_value(rows[i], field)), address_key(rows[i].address)),
                      reverse=order == Qt.SortOrder.DescendingOrder)


@dataclass(frozen=True)
class Loaded:
    coverage: list[CoverageRow]   # every community the user may see
    community_id: int | None
    missing: list[NotReachedRow] | None  # None: no community chosen yet


def load(db: Database, community_id: int | None) -> Loaded:
    """Worker: the coverage of every community, and the list for the chosen one."""
    with db.session() as s:
        rows = cards.coverage(s)
        if community_id not in {r.community_id for r in rows}:
            return Loaded(rows, None, None)
        return Loaded(rows, community_id, cards.not_reached(s, community_id))


def ask_save_path(parent: QWidget, suggested: Path) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, "导出联系卡发放情况", str(suggested), XLSX_FILTER)
    return Path(name) if name else None


def show_message(parent: QWidget, title: str, text: str, path: Path | None = None) -> None:
    """Information after a step; after an export (``path``) with 打开文件 and 打开所在文件夹
    (tests replace this function)."""
    if path is not None:
        saved_file(parent, title, text, path)
    else:
        inform(parent, title, text)


class DistributionTab(ReloadsWhenShown, QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._generation = 0
        self.loading = False
        self.coverage_rows: list[CoverageRow] = []
        self.model = NotReachedModel(self)
        self.can_record = ctx.can(Permission.PRINT_CARDS) or ctx.can(Permission.KEEP_RECORDS)
        self._build()
        ctx.data_changed.connect(self.mark_stale)

    # -- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.community = QComboBox()
        self.community.setObjectName("coverageCommunity")
        self.community.setMinimumWidth(180)
        self.community.currentIndexChanged.connect(lambda _i: self.reload())
        self.export_button = QPushButton("导出覆盖情况…")
        self.export_button.setObjectName("coverageExport")
        self.export_button.clicked.connect(self.export)
        self.export_button.setVisible(self.ctx.can(Permission.EXPORT_ROSTER))
        self.numbers = QLabel("尚未加载")
        self.numbers.setObjectName("coverageNumbers")
        self.numbers.setStyleSheet("font-size: 12pt; color: #1f3a5f;")
        self.numbers.setWordWrap(True)
        self.town_numbers = QLabel()
        self.town_numbers.setObjectName("countLabel")
        self.search = line_edit(placeholder="搜索户主、门牌地址、电话或网格…", name="coverageSearch")
        self.timer = QTimer(self, singleShot=True, interval=150)
        self.timer.timeout.connect(self._filter)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        self.table = make_table_view(self.model)
        self.table.setObjectName("notReachedTable")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # Qt's default is descending
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for i, (_title, _field, width) in enumerate(COLUMNS):
            self.table.setColumnWidth(i, width)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.count = QLabel()
        self.count.setObjectName("countLabel")
        self.select_all_button = QPushButton("全选")
        self.select_all_button.setObjectName("coverageSelectAll")
        self.select_all_button.clicked.connect(self.table.selectAll)
        self.delivered_on = date_edit(date.today(), name="deliveredOn")
        self.delivered_on.setMaximumDate(self.delivered_on.date())
        self.record_button = QPushButton("登记已发放")
        self.record_button.setObjectName("recordDelivery")
        self.record_button.setProperty("primary", True)
        self.record_button.clicked.connect(self.record)
        self.record_button.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(QLabel("村（社区）"))
        top.addWidget(self.community)
        top.addSpacing(12)
        top.addWidget(self.numbers, 1)
        top.addWidget(self.export_button)
        tools = QHBoxLayout()
        title = QLabel("尚未领到现行联系卡的住户")
        title.setObjectName("sectionTitle")
        tools.addWidget(title)
        tools.addStretch(1)
        tools.addWidget(self.search, 1)
        record_row = QHBoxLayout()
        record_row.addWidget(self.count, 1)
        self.record_controls = QFrame()
        controls = QHBoxLayout(self.record_controls)
        controls.setContentsMargins(0, 0, 0, 0)
        controls.addWidget(self.select_all_button)
        controls.addSpacing(12)
        controls.addWidget(QLabel("发放日期"))
        controls.addWidget(self.delivered_on)
        controls.addWidget(self.record_button)
        record_row.addWidget(self.record_controls)
        self.record_controls.setVisible(self.can_record)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.town_numbers)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)
        layout.addLayout(record_row)

    # -- loading -------------------------------------------------------------------------------
    def chosen_community(self) -> int | None:
        return self.community.currentData()

    def reload(self) -> None:
        self._stale = False
        self._generation += 1
        self.loading = True
        generation, db, chosen = self._generation, self.ctx.db, self.chosen_community()
        self.numbers.setText("正在统计…")
        tasks.start(lambda _p, _c: load(db, chosen),
                    lambda result: self._loaded(generation, result),
                    lambda exc: self._failed(generation, exc))

    def _loaded(self, generation: int, result: Loaded) -> None:
        if generation != self._generation:
            return
        # In the order a clerk looks for names (pinyin), not the database's code-point order.
        self.coverage_rows = sorted(result.coverage, key=lambda r: sort_key(r.community_name))
        self.community.blockSignals(True)
        self.community.clear()
        for row in self.coverage_rows:
            self.community.addItem(row.community_name, row.community_id)
        self.community.setCurrentIndex(max(0, self.community.findData(result.community_id)))
        self.community.blockSignals(False)
        if result.missing is None and self.coverage_rows:
            self.reload()  # the first community is chosen now: read its households
            return
        self.model.set_rows(result.missing or [])
        self.loading = False
        self._show_numbers()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        text = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
        self.numbers.setText(f"读取发放情况失败：{text}")

    def row_for(self, community_id: int | None) -> CoverageRow | None:
        return next((r for r in self.coverage_rows if r.community_id == community_id), None)

    def _show_numbers(self) -> None:
        row = self.row_for(self.chosen_community())
        if row is None:
            self.numbers.setText("没有可统计的村（社区）。")
        else:
            text = (f"在册 {row.households:,} 户，已发放现行联系卡 {row.reached:,} 户，"
                    f"覆盖率 {row.percent:.1f}%")
            if row.stale:
                text += f"；<span style='color:#b9770e'>需重新发放 {row.stale:,} 户</span>"
            self.numbers.setText(text)
        total = sum(r.households for r in self.coverage_rows)
        reached = sum(r.reached for r in self.coverage_rows)
        if self.coverage_rows:
            pct = 100.0 * reached / total if total else 0.0
            self.town_numbers.setText(f"全部 {len(self.coverage_rows)} 个村（社区）：在册 {total:,} 户，"
                                      f"已发放 {reached:,} 户（{pct:.1f}%）")
        self._filter()

    def _filter(self) -> None:
        self.timer.stop()
        self.model.set_filter(self.search.text())
        shown, total = self.model.rowCount(), self.model.total
        stale = self.model.stale
        text = f"显示 {shown:,} / 共 {total:,} 户" if shown != total else f"共 {total:,} 户"
        if stale:
            text += f"（其中 {stale:,} 户需重新发放）"
        self.count.setText(text)
        self._selection_changed()

    # -- recording -----------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.row_at(r).household_id for r in rows]

    def _selection_changed(self) -> None:
        n = len(self.table.selectionModel().selectedRows())
        self.record_button.setEnabled(self.can_record and n > 0)
        self.record_button.setText(f"登记已发放（{n:,} 户）" if n else "登记已发放")

    def record(self) -> None:
        community_id, ids = self.chosen_community(), self.selected_ids()
        if community_id is None or not ids or not self.can_record:
            return
        on = date_of(self.delivered_on)
        try:
            with self.ctx.db.session() as s:
                count = cards.record_distribution(s, community_id, ids, on)
        except DomainError as exc:
            error(self, "登记发放", exc.message)
            return
        self.ctx.data_changed.emit()
        name = self.community.currentText()
        self.numbers.setText(f"已登记 {name} {count:,} 户于 {on.isoformat()} 领到联系卡，正在更新…")

    # -- export --------------------------------------------------------------------------------
    def export(self) -> None:
        out = ask_save_path(self, Path.home() / f"联系卡发放情况-{date.today():%Y%m%d}.xlsx")
        if out is None:
            return
        if out.suffix.lower() != ".xlsx":
            out = out.with_name(out.name + ".xlsx")
        db = self.ctx.db

        def work(_p: tasks.Progress, _c: tasks.Cancelled) -> Path:
            with db.session() as s:
                return cards.export_coverage(s, out)

        def done(path: Path) -> None:
            self.export_button.setEnabled(True)
            self.ctx.data_changed.emit()  # the export is in the audit trail
            show_message(self, "导出覆盖情况", f"已导出联系卡发放情况：{path}", path=path)

        def failed(exc: BaseException) -> None:
            self.export_button.setEnabled(True)
            text = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
            error(self, "导出覆盖情况", f"导出失败：{text}")

        self.export_button.setEnabled(False)
        tasks.run_with_progress(self, "正在导出联系卡发放情况…", work, done, failed,
                                cancellable=False)
