"""A read-only table model over plain row objects, and the list view every page uses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QPersistentModelIndex,
                            QSortFilterProxyModel, Qt)
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QSplitter, QTableView,
                               QVBoxLayout, QWidget)

from ui.widgets.collation import less_than

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str
    text: Callable[[R], Any]
    sort_key: Callable[[R], Any] | None = None
    width: int = 0
    # "contents": as wide as its longest text (short columns: dates, phones, names);
    # "stretch": takes the room left and elides (one long column per table); "": ``width``.
    fit: str = ""


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Rows are plain values (never ORM objects); ``ROW_ROLE`` hands a row back to the page."""

    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = column.text(row)
            return "" if value is None else str(value)
        if role == SORT_ROLE:
            return (column.sort_key or column.text)(row)
        if role == ROW_ROLE:
            return row
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return header_text(self.columns, section, orientation, role)


def header_text(columns: Any, section: int, orientation: Qt.Orientation, role: int) -> Any:
    """A list's header: the column titles across, row numbers down."""
    if role != Qt.ItemDataRole.DisplayRole:
        return None
    if orientation == Qt.Orientation.Horizontal and 0 <= section < len(columns):
        return columns[section].title
    if orientation == Qt.Orientation.Vertical:
        return str(section + 1)
    return None


class SearchProxy(QSortFilterProxyModel):
    """Case-insensitive search over every column, sorting by each column's sort key."""

    def __init__(self, source: QAbstractTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setFilterKeyColumn(-1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortRole(SORT_ROLE)

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802 - Qt's name
        # Lists behind this proxy are small (teams, people): a Python compare per step is cheap.
        role = self.sortRole()
        return less_than(left.data(role), right.data(role))


def make_table_view(model: Any, parent: QWidget | None = None) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(isinstance(model, QSortFilterProxyModel))
    if view.isSortingEnabled():
        # Qt's header starts with a descending indicator, which opened lists Z→A (人员 by
        # pinyin from 周 down): first column ascending unless a page sorts otherwise.
        view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(28)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    _apply_widths(view, model)
    return view


def _apply_widths(view: QTableView, model: Any) -> None:
    source = model.sourceModel() if isinstance(model, QSortFilterProxyModel) else model
    columns = getattr(source, "columns", [])
    header = view.horizontalHeader()
    modes = {"contents": QHeaderView.ResizeMode.ResizeToContents,
             "stretch": QHeaderView.ResizeMode.Stretch}
    if any(column.fit == "stretch" for column in columns):
        header.setStretchLastSection(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
    for i, column in enumerate(columns):
        if column.fit in modes:
            header.setSectionResizeMode(i, modes[column.fit])
        elif column.width:
            view.setColumnWidth(i, column.width)


def wrap_rows(view: QTableView, limit: int = 300) -> None:
    """Long texts wrap instead of being cut off: each row is as tall as its longest cell.
    Only for small lists (measuring every row is slow): above ``limit`` rows they elide."""
    view.setWordWrap(True)
    view.setTextElideMode(Qt.TextElideMode.ElideNone)
    model = view.model()

    def fit() -> None:
        mode = (QHeaderView.ResizeMode.ResizeToContents if model.rowCount() <= limit
                else QHeaderView.ResizeMode.Fixed)
        view.verticalHeader().setSectionResizeMode(mode)
        if model.rowCount() > limit:
            view.setTextElideMode(Qt.TextElideMode.ElideRight)
    model.modelReset.connect(fit)
    model.rowsInserted.connect(fit)
    fit()


def selected_row(view: QTableView) -> Any:
    """The plain row behind the current selection, or None."""
    indexes = view.selectionModel().selectedRows() if view.selectionModel() else []
    return indexes[0].data(ROW_ROLE) if indexes else None


def select_first_where(view: QTableView, predicate: Callable[[Any], bool]) -> bool:
    model = view.model()
    for r in range(model.rowCount()):
        if predicate(model.index(r, 0).data(ROW_ROLE)):
            view.selectRow(r)
            view.scrollTo(model.index(r, 0))
            return True
    return False


def list_beside_pane(table: QWidget, count: QWidget, pane: QWidget,
                     pane_width: int = 300) -> QSplitter:
    """A list with its count line under it on the left, a detail pane on the right that the
    user can widen; the list takes three quarters of any extra room."""
    left = QWidget()
    column = QVBoxLayout(left)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(table, 1)
    column.addWidget(count)
    split = QSplitter()
    split.addWidget(left)
    split.addWidget(pane)
    split.setStretchFactor(0, 3)
    split.setStretchFactor(1, 1)
    split.setSizes([900, pane_width])
    return split
