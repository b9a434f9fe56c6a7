"""What an empty list says: what to do next, drawn in the middle of the list itself.

A list that is empty because nothing is recorded yet says how to record the first one; a list
emptied by a search or a filter says so instead, so nobody thinks their records are gone.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRect, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QAbstractItemView

FILTERED = "没有符合条件的记录。请修改搜索或筛选条件。"
HINT_COLOUR = QColor("#7f8c8d")


class _EmptyHint(QObject):
    def __init__(self, view: QAbstractItemView, text: str | Callable[[], str],
                 filtered: str) -> None:
        super().__init__(view)
        self.view, self.text, self.filtered = view, text, filtered

    def current(self) -> str:
        """The hint for the list as it is now, or "" when it has rows."""
        model = self.view.model()
        if model is None or model.rowCount() > 0:
            return ""
        source = model.sourceModel() if isinstance(model, QSortFilterProxyModel) else None
        if source is not None and source.rowCount() > 0:
            return self.filtered
        return self.text() if callable(self.text) else self.text

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            text = self.current()
            if text:
                viewport = self.view.viewport()
                painter = QPainter(viewport)
                painter.setPen(HINT_COLOUR)
                area = QRect(viewport.rect()).adjusted(24, 24, -24, -24)
                painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                                 text)
                painter.end()
        return False


def set_empty_hint(view: QAbstractItemView, text: str | Callable[[], str],
                   filtered: str = FILTERED) -> None:
    """Show ``text`` in ``view`` while its list has no rows (``filtered`` when a search or a
    filter hides rows that exist)."""
    hint = _EmptyHint(view, text, filtered)
    view.viewport().installEventFilter(hint)
    view.setProperty("emptyHint", True)
    view._empty_hint = hint  # noqa: SLF001 - kept alive with the view, read by tests


def empty_hint_text(view: QAbstractItemView) -> str:
    """What the view says now ("" when it has rows or no hint)."""
    hint = getattr(view, "_empty_hint", None)
    return hint.current() if hint is not None else ""
