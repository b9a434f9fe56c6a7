"""A list page: a row of buttons, a search box, and a sortable, searchable table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.widgets.inputs import line_edit
from ui.widgets.table import Column, RowTableModel, SearchProxy, make_table_view, selected_row


class ListPage(QWidget):
    def __init__(self, columns: Sequence[Column[Any]], placeholder: str, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stale = True  # rows are read when the page is first shown, not at start-up
        self.model: RowTableModel[Any] = RowTableModel(columns, self)
        self.proxy = SearchProxy(self.model, self)
        self.search = line_edit(placeholder=placeholder, name=f"{name}Search")
        self.search.textChanged.connect(self._filter)
        self.table = make_table_view(self.proxy)
        self.table.setObjectName(f"{name}Table")
        self.count = QLabel()
        self.count.setObjectName("countLabel")
        self.buttons = QHBoxLayout()
        top = QHBoxLayout()
        top.addLayout(self.buttons)
        top.addStretch(1)
        top.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

    def reload(self) -> None:  # pragma: no cover - each page defines it
        raise NotImplementedError

    def mark_stale(self) -> None:
        """Data changed: reload now if the page is on screen, else when it is next shown."""
        if self.isVisible():
            self.reload()
            self._stale = False
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.reload()

    def add_button(self, key: str, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(key)
        button.clicked.connect(slot)
        self.buttons.addWidget(button)
        return button

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.model.set_rows(rows)
        self._update_count()

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(f"显示 {self.proxy.rowCount()} / 共 {self.model.rowCount()} 条")

    def selected(self) -> Any:
        return selected_row(self.table)
