"""The audit table: plain ``AuditRow`` values, newest first; the row's changes as its tooltip."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.services.audit_log import AuditRow

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def _entity(row: AuditRow) -> str:
    if row.entity and row.entity_id is not None:
        return f"{row.entity} #{row.entity_id}"
    return row.entity


# (title, text, sort key, width); the last column takes the room left.
COLUMNS: tuple[tuple[str, Callable[[AuditRow], str], Callable[[AuditRow], Any], int], ...] = (
    ("时间", lambda r: f"{r.at:%Y-%m-%d %H:%M:%S}", lambda r: r.id, 150),
    ("账户", lambda r: r.username, lambda r: (r.username, r.id), 110),
    ("电脑", lambda r: r.host, lambda r: (r.host, r.id), 120),
    ("操作", lambda r: r.action, lambda r: (r.action_code, r.id), 90),
    ("对象", _entity, lambda r: (r.entity, r.entity_id or 0, r.id), 150),
    ("摘要", lambda r: r.summary, lambda r: (r.summary, r.id), 0),
)


def tooltip(row: AuditRow) -> str:
    if not row.change_lines:
        return row.summary
    return row.summary + "\n" + "\n".join(row.change_lines)


class AuditModel(QAbstractTableModel):
    """Sorts itself (one C-level ``list.sort`` with a key, not a Python compare per step), so
    5,000 rows re-sort in milliseconds; the database has already done the filtering."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[AuditRow] = []
        self._sorted: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.DescendingOrder)

    def set_rows(self, rows: Sequence[AuditRow]) -> None:
        self.beginResetModel()
        self.rows = self._in_order(list(rows))
        self.endResetModel()

    def _in_order(self, rows: list[AuditRow]) -> list[AuditRow]:
        column, order = self._sorted
        key = COLUMNS[column][2]
        return sorted(rows, key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        self._sorted = (column, order)
        self.rows = self._in_order(self.rows)
        self.layoutChanged.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[index.column()][1](row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(row)
        if role == ROW_ROLE:
            return row
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section][0]
        return None
