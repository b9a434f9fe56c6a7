"""A fast list model for the ledgers: plain rows, search keys computed once when rows arrive,
and filters applied as one list comprehension (no Python call per row through a proxy).

Filters are equality tests on row attributes (team, community, status, month, overdue) plus
a text needle matched against each row's precomputed ``search`` key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ui.widgets.collation import sort_key
from ui.widgets.table import header_text

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE_COLOR = QColor("#c0392b")


@dataclass(frozen=True)
class Col:
    title: str
    get: Callable[[Any], Any]
    width: int = 100
    fit: str = ""     # as ui.widgets.table.Column: "stretch" takes the room left and elides
    sort: Callable[[Any], Any] | None = None  # the sort key of a value; the collator's if None


class ColumnModel(QAbstractTableModel):
    """A table of plain rows shown through ``Col`` getters; overdue rows in red. Subclasses
    hold the rows: ``rowCount``, ``row_at`` (None for a row that cannot be read) and
    ``row_of_id``."""

    def __init__(self, columns: Sequence[Col], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)

    def row_at(self, visible_row: int) -> Any:
        raise NotImplementedError

    def row_of_id(self, row_id: int) -> int | None:
        """The visible row showing the record ``row_id``, or None."""
        raise NotImplementedError

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = self.columns[index.column()].get(row)
            return "" if value is None else str(value)
        if role == ROW_ROLE:
            return row
        if getattr(row, "overdue", False):
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(OVERDUE_COLOR)
            if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
                from PySide6.QtWidgets import QApplication, QStyle

                return QApplication.style().standardIcon(
                    QStyle.StandardPixmap.SP_MessageBoxWarning)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return header_text(self.columns, section, orientation, role)


class LedgerModel(ColumnModel):
    """Every row in memory, for lists of a few thousand."""

    def __init__(self, columns: Sequence[Col], key: Callable[[Any], str],
                 parent: Any = None) -> None:
        super().__init__(columns, parent)
        self._key = key
        self._rows: list[Any] = []
        self._keys: list[str] = []
        self._order: list[int] = []
        self._visible: list[int] = []
        self._needle = ""
        self._where: dict[str, Any] = {}
        self._sorted: tuple[int, bool] | None = None

    # -- data in --------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Any], presorted: tuple[int, bool] | None = None) -> None:
        """``presorted``: (column, descending) the rows already come in (the loaders read
        newest first), so a list of 200,000 is not sorted again on the UI thread."""
        self.beginResetModel()
        self._rows = list(rows)
        self._keys = [self._key(r) for r in self._rows]
        self._order = list(range(len(self._rows)))
        if self._sorted is not None and self._sorted != presorted:
            self._order = self._sorted_order(*self._sorted)
        self._visible = self._matching()
        self.endResetModel()

    def set_filter(self, needle: str | None = None, **where: Any) -> None:
        """``where``: attribute → wanted value; None drops that condition."""
        self.beginResetModel()
        if needle is not None:
            self._needle = needle.strip().lower()
        for name, value in where.items():
            if value is None:
                self._where.pop(name, None)
            else:
                self._where[name] = value
        self._visible = self._matching()
        self.endResetModel()

    def _matching(self) -> list[int]:
        rows, keys, needle = self._rows, self._keys, self._needle
        conditions = list(self._where.items())
        if not conditions and not needle:
            return list(self._order)
        return [i for i in self._order if (not needle or needle in keys[i])
                and all(getattr(rows[i], name) == value for name, value in conditions)]

    @property
    def total(self) -> int:
        return len(self._rows)

    def row_at(self, visible_row: int) -> Any:
        return self._rows[self._visible[visible_row]]

    def visible_row_where(self, predicate: Callable[[Any], bool]) -> int | None:
        return next((n for n, i in enumerate(self._visible) if predicate(self._rows[i])), None)

    def row_of_id(self, row_id: int) -> int | None:
        return self.visible_row_where(lambda r: r.id == row_id)

    # -- Qt model -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._visible)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self.beginResetModel()
        self._sorted = (column, order == Qt.SortOrder.DescendingOrder)
        self._order = self._sorted_order(*self._sorted)
        self._visible = self._matching()
        self.endResetModel()

    def _sorted_order(self, column: int, descending: bool) -> list[int]:
        get, rows = self.columns[column].get, self._rows
        by = self.columns[column].sort or sort_key

        def key(i: int) -> Any:
            value = get(rows[i])
            return by("" if value is None else value)
        return sorted(range(len(rows)), key=key, reverse=descending)


def selected_in(view: Any, model: ColumnModel) -> Any:
    """The plain row behind ``view``'s selection, or None."""
    rows = view.selectionModel().selectedRows()
    if not rows or rows[0].row() >= model.rowCount():
        return None
    return model.row_at(rows[0].row())


def select_by_id(view: Any, model: ColumnModel, row_id: int | None) -> bool:
    """Select (and show) the visible row with ``row_id``; False when it is filtered out."""
    found = None if row_id is None else model.row_of_id(row_id)
    if found is None:
        return False
    view.selectRow(found)
    view.scrollTo(model.index(found, 0))
    return True
