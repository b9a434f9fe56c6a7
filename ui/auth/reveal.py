"""显示完整身份证号: only for roles allowed to unmask (the button is hidden from the others),
and every look is recorded in the audit trail by the service."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QVBoxLayout, QWidget)

from app.auth import Permission
from app.db import Database
from app.errors import DomainError
from app.services.sensitive import reveal_resident_id
from ui.widgets.messages import error

TITLE = "完整身份证号"
RECORDED = "（本次查看已记入操作记录）"


def may_unmask(db: Database) -> bool:
    return db.actor is not None and db.actor.can(Permission.UNMASK_ID)


def fetch_id(parent: QWidget, db: Database, kind: str, record_id: int) -> str | None:
    """The full ID (``kind`` "person" or "household"), or None after telling why not."""
    try:
        with db.session() as s:
            return reveal_resident_id(s, kind, record_id)
    except DomainError as exc:
        error(parent, TITLE, exc.message)
        return None


def show_id(parent: QWidget, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.addButton("关闭", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def reveal_id(parent: QWidget, db: Database, kind: str, record_id: int, who: str) -> str | None:
    """From a list's context menu: the ID in a message box."""
    value = fetch_id(parent, db, kind, record_id)
    if value is not None:
        show_id(parent, TITLE, f"{who}\n身份证号：{value}\n\n{RECORDED}")
    return value


class IdField(QWidget):
    """The ID input of a person or household form, with 显示完整身份证号 beside it when the
    record has an ID and the user may see it; the full ID then shows under the field."""

    def __init__(self, edit: QLineEdit, db: Database, kind: str, record_id: int | None,
                 masked: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit, self.db, self.kind, self.record_id = edit, db, kind, record_id
        self.button = QPushButton("显示完整身份证号")
        self.button.setObjectName("reveal_id")
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.reveal)
        self.button.setVisible(record_id is not None and bool(masked) and may_unmask(db))
        self.shown = QLabel()
        self.shown.setObjectName("revealed_id")
        self.shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.shown.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        row.addWidget(self.button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.shown)

    def reveal(self) -> None:
        if self.record_id is None:
            return
        value = fetch_id(self, self.db, self.kind, self.record_id)
        if value is not None:
            self.shown.setText(f"完整身份证号：{value}{RECORDED}")
            self.shown.show()
            self.button.setEnabled(False)
