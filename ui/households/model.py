"""The household list model, built to stay smooth at 50,000 rows.

Each row carries a lower-case search key computed once when rows arrive, and the model keeps
the list of visible row numbers itself: a keystroke is one list comprehension over strings,
never a Python call per row through ``QSortFilterProxyModel.filterAcceptsRow``. Sorting is by
column values into an order that filtering keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.addresses import address_key, grid_key
from app.services.households import HouseholdRow
from ui.widgets.collation import sort_key

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS: tuple[tuple[str, str], ...] = (
    ("村（社区）", "community"), ("网格", "grid"), ("门牌地址", "address"), ("户主", "head_name"),
    ("联系电话", "phone"), ("人口", "size"), ("类型", "kind"), ("重点人群", "key_groups"))
WIDTHS = (110, 110, 240, 110, 120, 50, 90, 160)


def search_key(row: HouseholdRow) -> str:
    return f"{row.head_name}\x1f{row.address}\x1f{row.phone}".lower()


# Community, grid and address sort naturally (二巷 before 十三巷, 第四网格 before 第十网格; no grid
# after every grid), as the printed lists do; the other text columns by the Chinese collator.
NATURAL = {"community": address_key, "grid": grid_key, "address": address_key}


def _collated(get: Any) -> Any:
    return lambda row: sort_key(get(row))


def _natural(get: Any, key: Any) -> Any:
    return lambda row: key(get(row))


class HouseholdModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[HouseholdRow] = []
        self._order: list[int] = []        # every row number, in the current sort order
        self._ordered_keys: list[str] = []  # search keys in that same order
        self._keys: list[str] = []
        self._visible: list[int] = []
        self._needle = ""
        self._where: dict[int, int] = {}   # household id -> row number
        self._sorted: tuple[int, bool] | None = None  # column, descending
        self._getters = [attrgetter(field) for _, field in COLUMNS]
        self._sort_keys = [_natural(get, NATURAL[field]) if field in NATURAL else _collated(get)
                           for get, (_, field) in zip(self._getters, COLUMNS)]

    # -- data in -----------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[HouseholdRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._keys = [search_key(r) for r in self._rows]
        self._where = {r.id: i for i, r in enumerate(self._rows)}
        self._set_order(list(range(len(self._rows))))
        self._visible = self._matching(self._needle, self._order, self._ordered_keys)
        self.endResetModel()

    def _set_order(self, order: list[int]) -> None:
        self._order = order
        keys = self._keys
        self._ordered_keys = [keys[i] for i in order]

    # -- filtering -----------------------------------------------------------------------------
    def set_filter(self, text: str) -> None:
        needle = text.strip().lower()
        if needle == self._needle:
            return
        self.beginResetModel()
        self._visible = self._matching(needle, self._order, self._ordered_keys)
        self._needle = needle
        self.endResetModel()

    @staticmethod
    def _matching(needle: str, order: list[int], keys: list[str]) -> list[int]:
        if not needle:
            return order
        return [i for i, key in zip(order, keys) if needle in key]

    @property
    def total(self) -> int:
        return len(self._order)

    def row_at(self, visible_row: int) -> HouseholdRow:
        return self._rows[self._visible[visible_row]]

    # -- one row after a save ----------------------------------------------------------------
    # Lists are never mutated in place: while the view may still read the old ones, each
    # change builds new lists and swaps them in between the begin/end calls Qt expects.
    def put_row(self, row: HouseholdRow) -> int | None:
        """Insert or replace one household; its visible row number, None when filtered out."""
        i = self._where.get(row.id)
        if i is None:
            i = self._append(row)
        else:
            self._rows[i] = row
            self._keys[i] = search_key(row)
            self._ordered_keys = [self._keys[j] for j in self._order]
        return self._show(i)

    def drop_row(self, household_id: int) -> None:
        """A household that no longer belongs in this list (moved to another community)."""
        i = self._where.pop(household_id, None)
        if i is None:
            return
        old = self.visible_row_of_index(i)
        self._set_order([j for j in self._order if j != i])  # its stale row stays unreferenced
        new_visible = self._matching(self._needle, self._order, self._ordered_keys)
        if old is None:
            self._visible = new_visible
            return
        self.beginRemoveRows(QModelIndex(), old, old)
        self._visible = new_visible
        self.endRemoveRows()

    def visible_row_of(self, household_id: int) -> int | None:
        i = self._where.get(household_id)
        return None if i is None else self.visible_row_of_index(i)

    def _append(self, row: HouseholdRow) -> int:
        i = len(self._rows)
        self._rows = [*self._rows, row]
        self._keys = [*self._keys, search_key(row)]
        self._where[row.id] = i
        at = self._order_position(row)
        self._set_order(self._order[:at] + [i] + self._order[at:])
        return i

    def _order_position(self, row: HouseholdRow) -> int:
        if self._sorted is None:
            return len(self._order)
        column, descending = self._sorted
        get, rows, value = self._sort_keys[column], self._rows, self._sort_keys[column](row)
        # Only "<" is defined on Qt sort keys.
        after = (lambda v: v < value) if descending else (lambda v: value < v)
        return next((p for p, j in enumerate(self._order) if after(get(rows[j]))), len(self._order))

    def _show(self, i: int) -> int | None:
        """Bring the visible rows in line after row ``i`` changed; only ``i`` may move."""
        old = self.visible_row_of_index(i)
        new_visible = self._matching(self._needle, self._order, self._ordered_keys)
        new = self.visible_row_of_index(i, new_visible)
        if old is not None and new is not None:
            self._visible = new_visible
            self.dataChanged.emit(self.index(new, 0), self.index(new, len(COLUMNS) - 1))
        elif old is not None:
            self.beginRemoveRows(QModelIndex(), old, old)
            self._visible = new_visible
            self.endRemoveRows()
        elif new is not None:
            self.beginInsertRows(QModelIndex(), new, new)
            self._visible = new_visible
            self.endInsertRows()
        return new

    def visible_row_of_index(self, i: int, visible: list[int] | None = None) -> int | None:
        try:
            return (self._visible if visible is None else visible).index(i)
        except ValueError:
            return None

    # -- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._visible):
            return None
        row = self._rows[self._visible[index.row()]]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self._getters[index.column()](row))
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[index.column()][1] == "size":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
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
        self._sorted = (column, order == Qt.SortOrder.DescendingOrder)
        get, rows = self._sort_keys[column], self._rows
        new_order = sorted(self._order, key=lambda i: get(rows[i]),
                           reverse=order == Qt.SortOrder.DescendingOrder)
        self._set_order(new_order)
        self._visible = self._matching(self._needle, self._order, self._ordered_keys)
        self.endResetModel()
