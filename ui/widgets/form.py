"""Forms that show each service error beside its field, and general ones on top.

A form lays out its fields with ``add_field(key, label, widget)``, where ``key`` is the name
the service uses in ``ValidationError.problems``. A dialog's ``save()`` runs one
``db.session()``; when it raises, the dialog stays open and the messages appear in red under
the fields they concern (a ``DomainError`` without a field goes on top).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
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


MIN_FORM_HEIGHT = 160  # a tall form shrinks to a few rows and scrolls (1366×768 at 150 %)


def form_scroll(content: QWidget) -> QScrollArea:
    """A frameless scroll area around a form or page that may be taller than the screen: it
    shrinks to a few rows and scrolls. (No size hints overridden in Python: Qt asks for them
    while a window is being destroyed.)"""
    area = QScrollArea()
    area.setMinimumHeight(MIN_FORM_HEIGHT)
    area.setObjectName("formScroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    return area


class FormDialog(window_state.RemembersSize, QDialog):
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
        self.scroll: QScrollArea | None = None  # only for a form taller than the screen
        layout = QVBoxLayout(self)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.buttons)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        """On the first show, a form taller than the screen goes into a scroll area (a few
        rows at the least), so its buttons stay on a 1366×768 screen at 150 %. Only then: a
        scroll area around every form made PySide crash now and then in the test runs."""
        if not self.property(window_state.RESTORED) and self.scroll is None:
            self.body.layout().activate()
            inner = self.body.sizeHint()
            margins = self.layout().contentsMargins()
            wanted = (inner.height() + self.buttons.sizeHint().height() + self.layout().spacing()
                      + margins.top() + margins.bottom())
            if wanted > window_state.room(self).height():
                self.scroll = form_scroll(self.body)
                self.layout().insertWidget(0, self.scroll, 1)
                bar = self.scroll.verticalScrollBar().sizeHint().width()
                self.scroll.setMinimumWidth(self.body.minimumSizeHint().width() + bar)
                # The new layout settles after this event and grows the dialog again: fit it
                # once more then (``self`` as context: never called on a deleted dialog).
                QTimer.singleShot(0, self, self._fit_screen)
        super().showEvent(event)

    def _fit_screen(self) -> None:
        self.resize(window_state.clamped(self, self.size()))
        window_state.keep_on_screen(self)

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
