"""Run something once a widget has been painted: the window is on screen, then work starts."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _PaintWatch(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self.callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # Posted, not called: the rest of this frame (the children) is painted and flushed
            # to the screen before the callback runs.
            QTimer.singleShot(0, self.callback)
            self.deleteLater()
        return False


def after_next_paint(widget: QWidget, callback: Callable[[], None]) -> None:
    """``callback`` on the event loop's next turn after ``widget`` is next painted."""
    widget.installEventFilter(_PaintWatch(widget, callback))
