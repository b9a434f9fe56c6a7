"""The grids (网格) of one community, managed inside the community form.

Each 添加 / 改名 / 删除 is its own user action and its own transaction, saved at once (the
form's 保存 is for the community's own fields); a refusal shows in red under the list.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout, QWidget)

from app.db import Database
from app.errors import DomainError
from app.services import communities as community_service
from ui.widgets.form import ERROR_STYLE
from ui.widgets.inputs import enter_runs, line_edit


class GridPanel(QWidget):
    changed = Signal()

    def __init__(self, db: Database, community_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.community_id = db, community_id
        self.list = QListWidget()
        self.list.setObjectName("gridList")
        self.list.setMaximumHeight(140)
        self.list.currentItemChanged.connect(self._picked)
        self.name = line_edit("", "网格名称，如：第一网格", "gridName")
        enter_runs(self.name, self.add)  # Enter = 添加, never the form's 保存
        self.message = QLabel()
        self.message.setObjectName("gridError")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = {key: self._button(key, text, slot) for key, text, slot in (
            ("grid_add", "添加", self.add), ("grid_rename", "改名", self.rename),
            ("grid_delete", "删除", self.delete))}
        self._layout()
        self.reload()

    def _button(self, key: str, text: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(key)
        button.clicked.connect(slot)
        return button

    def _layout(self) -> None:
        row = QHBoxLayout()
        row.addWidget(self.name, 1)
        for button in self.buttons.values():
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(self.message)
        hint = QLabel("网格的添加、改名、删除点按钮即保存；删除只限没有住户的网格。")
        hint.setStyleSheet("color: #666;")
        hint.setWordWrap(True)
        layout.addWidget(hint)

    def reload(self, select: int | None = None) -> None:
        self.list.clear()
        with self.db.session() as s:
            grids = [(g.name, g.id) for g in community_service.list_grids(s, self.community_id)]
        for name, gid in grids:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, gid)
            self.list.addItem(item)
            if gid == select:
                self.list.setCurrentItem(item)

    def names(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def selected_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.name.setText(item.text())

    # -- actions: each one transaction -------------------------------------------------------
    def add(self) -> None:
        self._run(lambda s: community_service.add_grid(s, self.community_id, self.name.text()).id)

    def rename(self) -> None:
        gid = self.selected_id()
        if gid is None:
            self._show("请先在列表中选中要改名的网格")
            return
        self._run(lambda s: community_service.rename_grid(s, gid, self.name.text()).id)

    def delete(self) -> None:
        gid = self.selected_id()
        if gid is None:
            self._show("请先在列表中选中要删除的网格")
            return
        self._run(lambda s: community_service.delete_grid(s, gid))

    def _run(self, action: object) -> None:
        try:
            with self.db.session() as s:
                chosen = action(s)  # type: ignore[operator]
        except DomainError as exc:
            self._show(exc.message)
            return
        self.message.hide()
        self.reload(chosen)
        if chosen is None:
            self.name.clear()
        self.changed.emit()

    def _show(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
