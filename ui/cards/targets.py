"""The card targets (one team in one community) as a checkable list with a search box.

A target is checked by clicking its first column (or Space on the selected rows); a column says
whether the roster changed since the card was last printed (重印). Targets are few (one per team
and community served), so a QSortFilterProxyModel over them is quick enough.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QPersistentModelIndex,
                            QSortFilterProxyModel, Qt)
from PySide6.QtGui import QBrush, QColor

from ui.widgets.collation import less_than

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

COLUMNS = ("选", "驻点团队", "村（社区）", "状态")
CHECK, TEAM, COMMUNITY, STATUS = range(len(COLUMNS))
REPRINT_TEXT = "需重印"
REPRINT_TIP = "名册变动后联系卡内容已变化，需要重新打印并重新发放"
REPRINT_COLOUR = QColor("#b9770e")
NEVER_TEXT = "从未打印"
CURRENT_TEXT = "无需重印"


def key_of(target: Any) -> tuple[int, int]:
    return (target.team_id, target.community_id)


class TargetModel(QAbstractTableModel):
    """Rows are the services' plain ``CardTarget`` values; checks are kept by (team, community)
    so they survive a reload."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []
        self.reprint: set[tuple[int, int]] = set()
        self.printed: set[tuple[int, int]] = set()
        self.checked: set[tuple[int, int]] = set()

    def set_rows(self, rows: Sequence[Any], reprint: Iterable[Any] = (),
                 printed: Iterable[Any] = ()) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.reprint = {key_of(t) for t in reprint}
        self.printed = {key_of(t) for t in printed} | self.reprint
        keys = {key_of(t) for t in self.rows}
        self.checked &= keys
        self.endResetModel()

    # -- checks ----------------------------------------------------------------------------------
    def checked_targets(self) -> list[Any]:
        """In list order (the order the services gave: team, then community)."""
        return [t for t in self.rows if key_of(t) in self.checked]

    def set_checked(self, targets: Iterable[Any], on: bool = True) -> None:
        keys = {key_of(t) for t in targets}
        self.checked = (self.checked | keys) if on else (self.checked - keys)
        self._checks_changed()

    def check_all(self, on: bool = True) -> None:
        self.checked = {key_of(t) for t in self.rows} if on else set()
        self._checks_changed()

    def check_reprint(self) -> None:
        self.checked = {key_of(t) for t in self.rows if key_of(t) in self.reprint}
        self._checks_changed()

    def _checks_changed(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, CHECK), self.index(len(self.rows) - 1, CHECK),
                                  [Qt.ItemDataRole.CheckStateRole])

    def needs_reprint(self, target: Any) -> bool:
        return key_of(target) in self.reprint

    # -- Qt model --------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt's name
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and index.column() == CHECK:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        target, column = self.rows[index.row()], index.column()
        reprint = key_of(target) in self.reprint
        never = key_of(target) not in self.printed
        if role == ROW_ROLE:
            return target
        if role == Qt.ItemDataRole.CheckStateRole and column == CHECK:
            return (Qt.CheckState.Checked if key_of(target) in self.checked
                    else Qt.CheckState.Unchecked)
        if role == Qt.ItemDataRole.DisplayRole:
            return {TEAM: target.team_name, COMMUNITY: target.community_name,
                    STATUS: self._status(reprint, never)}.get(column, "")
        if role == SORT_ROLE:
            return {CHECK: int(key_of(target) in self.checked), TEAM: target.team_name,
                    COMMUNITY: target.community_name,
                    STATUS: 0 if reprint else 1 if never else 2}[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == STATUS:
                return (REPRINT_TIP if reprint else "这张联系卡还没有打印过" if never
                        else "上次打印后卡片内容没有变化")
            if column == CHECK:
                return "勾选要打印的联系卡"
            return self.data(index)
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS:
            return QBrush(REPRINT_COLOUR if reprint else QColor("#5d6d7e"))
        return None

    @staticmethod
    def _status(reprint: bool, never: bool) -> str:
        return REPRINT_TEXT if reprint else NEVER_TEXT if never else CURRENT_TEXT

    def setData(self, index: Index, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != CHECK:
            return False
        key = key_of(self.rows[index.row()])
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.checked.add(key)
        else:
            self.checked.discard(key)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None


class TargetProxy(QSortFilterProxyModel):
    """Search by team or community name; sort in Chinese order."""

    def __init__(self, source: TargetModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortRole(SORT_ROLE)
        self._needle = ""

    def set_search(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+: invalidateFilter is deprecated
            self.beginFilterChange()
            self._needle = text.strip().lower()
            self.endFilterChange()
        else:  # pragma: no cover - older Qt
            self._needle = text.strip().lower()
            self.invalidateFilter()

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:  # noqa: N802
        if not self._needle:
            return True
        target = self.sourceModel().rows[row]  # type: ignore[attr-defined]
        return self._needle in f"{target.team_name}\x1f{target.community_name}".lower()

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802
        return less_than(left.data(SORT_ROLE), right.data(SORT_ROLE))

    def visible_targets(self) -> list[Any]:
        return [self.index(r, 0).data(ROW_ROLE) for r in range(self.rowCount())]
