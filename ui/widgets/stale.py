"""Pages that read their rows when they are first shown, and again when data changed."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent


class ReloadsWhenShown:
    """Mixin for a QWidget with ``reload()``: rows are read on first show, and after a change
    at once if on screen, else when next shown. List it before the Qt base class."""

    _stale = True

    def reload(self) -> None:
        raise NotImplementedError

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)  # type: ignore[misc]
        if self._stale:
            self.reload()

    def mark_stale(self) -> None:
        if self.isVisible():  # type: ignore[attr-defined]
            self.reload()
        else:
            self._stale = True
