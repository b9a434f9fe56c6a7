"""Pieces the sign-in dialogs share: password fields and the look of their headers."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from ui.widgets.inputs import line_edit, set_clearable

HEADER_STYLE = "font-size: 15pt; font-weight: bold; color: #1f3a5f;"
NOTE_STYLE = "color: #5d6d7e;"
MESSAGE_STYLE = ("color: #922b21; background: #fdecea; border: 1px solid #f5b7b1;"
                 " border-radius: 4px; padding: 6px 8px;")


def password_edit(name: str, placeholder: str = "") -> QLineEdit:
    edit = line_edit("", placeholder, name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    set_clearable(edit, False)
    return edit


def header(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setStyleSheet(HEADER_STYLE)
    return label


def note(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(NOTE_STYLE)
    if name:
        label.setObjectName(name)
    return label
