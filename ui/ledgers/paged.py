"""A list model for ledgers of any length (20,000 problems, 200,000 visits) that holds only
the ids of the rows, in order, and reads the rows a block at a time when the view shows them.

Filtering and sorting are the database's: the owning tab asks its worker for the ids that
match (``Listing``), in the order the header asks for (``sort_requested``), and hands them to
``set_ids`` with the first block already read. Reading a block on the UI thread is one query
by primary key for a couple of hundred rows (a few milliseconds), as Anki's browser does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal

from ui.ledgers.model import Col, ColumnModel, Index
from ui.widgets.collation import sort_key

log = logging.getLogger(__name__)

BLOCK = 200            # rows read at a time
CACHE_LIMIT = 20_000   # rows kept before the cache starts again (memory stays bounded)


@dataclass(frozen=True)
class Listing:
    """A worker's answer: the matching ids in order and what the tab shows around them."""

    ids: list[int]
    total: int                       # in the chosen period, before the other filters
    rows: list[Any] = field(default_factory=list)   # the first block, read with the ids
    late: frozenset[int] = frozenset()               # the overdue ones among them
    months: list[str] | None = None  # "2026-03", newest first (only when asked for)
    communities: list[tuple[int, str]] | None = None


def collated(pairs: Sequence[tuple[int, Any]], descending: bool) -> list[int]:
    """The ids of (id, value) pairs ordered by value in Chinese order; ties keep the pairs'
    order (newest first), descending or not."""
    if descending:
        return [rid for rid, _ in sorted(pairs, key=lambda p: sort_key(p[1]), reverse=True)]
    return [rid for rid, _ in sorted(pairs, key=lambda p: sort_key(p[1]))]


def months_between(first: Any, last: Any) -> list[str]:
    """"YYYY-MM" from ``last``'s month back to ``first``'s (dates; none when either is None)."""
    if first is None or last is None:
        return []
    found, year, month = [], last.year, last.month
    while (year, month) >= (first.year, first.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return found


class PagedModel(ColumnModel):
    sort_requested = Signal()

    def __init__(self, columns: Sequence[Col], fetch: Callable[[list[int]], Sequence[Any]],
                 sort: tuple[int, bool], parent: Any = None) -> None:
        """``fetch(ids)``: the rows (each with ``.id``) of those ids, in any order.
        ``sort``: (column, descending) the ids first come in."""
        super().__init__(columns, parent)
        self._fetch = fetch
        self._ids: list[int] = []
        self._where: dict[int, int] | None = None
        self._cache: dict[int, Any] = {}
        self.total = 0
        self.sort_column, self.descending = sort

    # -- data in --------------------------------------------------------------------------
    def set_ids(self, ids: list[int], total: int, rows: Sequence[Any] = (),
                fresh: bool = False) -> None:
        """``fresh``: the records may have changed since rows were cached (a reload)."""
        self.beginResetModel()
        if fresh or len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        self._ids = ids
        self._where = None
        self.total = total
        for row in rows:
            self._cache[row.id] = row
        self.endResetModel()

    @property
    def ids(self) -> list[int]:
        return self._ids

    # -- rows -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def row_at(self, visible_row: int) -> Any:
        row_id = self._ids[visible_row]
        if row_id not in self._cache:
            self._read_block(visible_row)
        return self._cache.get(row_id)

    def row_of_id(self, row_id: int) -> int | None:
        if self._where is None:
            self._where = {rid: n for n, rid in enumerate(self._ids)}
        return self._where.get(row_id)

    def _read_block(self, visible_row: int) -> None:
        start = visible_row - visible_row % BLOCK
        wanted = [rid for rid in self._ids[start:start + BLOCK] if rid not in self._cache]
        if len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        try:
            rows = self._fetch(wanted)
        except Exception:   # noqa: BLE001 — a paint must not raise; the rows stay blank
            log.exception("reading rows of the list failed")
            return
        for row in rows:
            self._cache[row.id] = row
        for rid in wanted:   # gone since the ids were read: shown blank, not read again
            self._cache.setdefault(rid, None)

    # -- sorting is the owner's query ------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        wanted = (column, order == Qt.SortOrder.DescendingOrder)
        if not 0 <= column < len(self.columns) or wanted == (self.sort_column, self.descending):
            return
        self.sort_column, self.descending = wanted
        self.sort_requested.emit()
