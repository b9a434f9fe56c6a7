"""Forms that show each service error beside its field, and general ones on top.

A form lays out its fields with ``add_field(key, label, widget)``, where ``key`` is the name
the service uses in ``ValidationError.problems``. A dialog's ``save()`` runs one
``db.session()``; when it raises, the dialog stays open and the messages appear in red under
the fields they concern (a ``DomainError`` without a field goes on top).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QFrame, QLabel,
                               QScrollArea, QVBoxLayout, QWidget)

from app.errors import DomainError, ValidationError
from ui import window_state

ERROR_STYLE = "color: #c0392b;"

TOP_ERROR_STYLE = ("color: #922b21; background: #fdecea; border: 1px solid #f5b7b1;"
                   " border-radius: 4px; padding: 6px 8px;")


class FormBody(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.top_error = QLabel()
        self.top_error.setObjectName("formTopError")
        self.top_error.setWordWrap(True)
        self.top_error.setStyleSheet(TOP_ERROR_STYLE)
        self.top_error.hide()
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setVerticalSpacing(6)
        self.field_errors: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.top_error)
        layout.addLayout(self.form)

    def add_field(self, key: str, label: str, widget: QWidget) -> Any:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"error_{key}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        self.field_errors[key] = error
        self.form.addRow(label, box)
        return widget

    def clear_errors(self) -> None:
        self.top_error.hide()
        for label in self.field_errors.values():
            label.clear()
            label.hide()

    def show_error(self, exc: DomainError) -> None:
        self.clear_errors()
        problems = exc.problems if isinstance(exc, ValidationError) else {}
        unplaced = [msg for key, msg in problems.items() if not self._place(key, msg)]
        if not problems:
            unplaced = [exc.message]
        if unplaced:
            self.top_error.setText("\n".join(unplaced))
            self.top_error.show()

    def _place(self, key: str, message: str) -> bool:
        label = self.field_errors.get(key)
        if label is None:
            return False
        label.setText(message)
        label.show()
        return True


class FittingScroll(QScrollArea):
    """A frameless scroll area around a form: it asks for the form's full size (so the dialog
    opens showing every field where the screen has room), but can shrink to a few rows, so a
    tall form still fits a 1366×768 screen at 150 % scaling: it scrolls instead."""

    MIN_HEIGHT = 160

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formScroll")
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setAutoFillBackground(False)
        content.setAutoFillBackground(False)

    def _inner(self) -> QWidget | None:
        """The form, its layout brought up to date: before the dialog is first shown an
        unactivated layout reports 0×0, and the dialog opened 100 px high."""
        content = self.widget()
        if content is not None and content.layout() is not None:
            content.layout().activate()
        return content

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        content = self._inner()
        inner = content.sizeHint() if content is not None else QSize(0, 0)
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(), inner.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        content = self._inner()
        inner = content.minimumSizeHint() if content is not None else QSize(0, 0)
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(inner.width() + bar, min(inner.height(), self.MIN_HEIGHT))


class FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        window_state.remember(self)  # fits the screen; its size kept per user
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.result_value: Any = None
        self.body = FormBody()
        self.form = self.body.form
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button.setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        self.scroll = FittingScroll(self.body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.buttons)

    @property
    def save_button(self) -> Any:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    @property
    def field_errors(self) -> dict[str, QLabel]:
        return self.body.field_errors

    @property
    def top_error(self) -> QLabel:
        return self.body.top_error

    def add_field(self, key: str, label: str, widget: QWidget) -> Any:
        return self.body.add_field(key, label, widget)

    def try_save(self) -> None:
        try:
            self.result_value = self.save()
        except DomainError as exc:
            self.body.show_error(exc)
            return
        self.accept()

    def save(self) -> Any:  # pragma: no cover - each dialog defines it
        raise NotImplementedError
