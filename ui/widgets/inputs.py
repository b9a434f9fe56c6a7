"""Small input widgets the forms share: dates, times, weekdays, searchable pickers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, time
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTime
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (QComboBox, QCompleter, QDateEdit, QLineEdit, QListWidget,
                               QListWidgetItem, QStyle, QTimeEdit,
                               QWidget)

from app.models.enums import WEEKDAYS


CLEAR_ACTION = "clearAction"


def line_edit(text: str = "", placeholder: str = "", name: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    _add_clear_action(edit)
    if name:
        edit.setObjectName(name)
    return edit


def _add_clear_action(edit: QLineEdit) -> None:
    """A ✕ at the end that empties the field, shown while there is text to clear.

    Not QLineEdit's own clear button: that one fades in and out with an animation, and a
    dialog closed in the middle of the fade crashed Qt (QUnifiedTimer) now and then.
    """
    icon = edit.style().standardIcon(QStyle.StandardPixmap.SP_LineEditClearButton)
    action = edit.addAction(icon, QLineEdit.ActionPosition.TrailingPosition)
    action.setObjectName(CLEAR_ACTION)
    action.setToolTip("清除")
    action.triggered.connect(edit.clear)

    def show(text: str) -> None:
        action.setVisible(bool(text) and not edit.isReadOnly() and edit.property("clearable")
                          is not False)

    edit.textChanged.connect(show)
    show(edit.text())


def set_clearable(edit: QLineEdit, on: bool) -> None:
    """Whether the field offers its ✕ (read-only and password fields do not)."""
    edit.setProperty("clearable", on)
    action = edit.findChild(QAction, CLEAR_ACTION)
    if action is not None:
        action.setVisible(on and bool(edit.text()) and not edit.isReadOnly())


def date_edit(value: date | None = None, name: str = "") -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(value or date.today()))
    if name:
        edit.setObjectName(name)
    return edit


def date_of(edit: QDateEdit) -> date:
    return edit.date().toPython()  # type: ignore[no-any-return]


def time_edit(value: time, name: str = "") -> QTimeEdit:
    edit = QTimeEdit(QTime(value.hour, value.minute))
    edit.setDisplayFormat("HH:mm")
    if name:
        edit.setObjectName(name)
    return edit


def time_of(edit: QTimeEdit) -> time:
    return edit.time().toPython()  # type: ignore[no-any-return]


def weekday_combo(value: int, name: str = "") -> QComboBox:
    combo = QComboBox()
    for i, label in enumerate(WEEKDAYS, start=1):
        combo.addItem(label, i)
    combo.setCurrentIndex(max(0, combo.findData(value)))
    if name:
        combo.setObjectName(name)
    return combo


def choice_combo(items: Sequence[tuple[str, Any]], current: Any = None, name: str = "",
                 searchable: bool = False, parent: QWidget | None = None) -> QComboBox:
    """A combo of (label, value); searchable ones accept typing part of a name."""
    combo = QComboBox(parent)
    for label, value in items:
        combo.addItem(label, value)
    if current is not None:
        combo.setCurrentIndex(max(0, combo.findData(current)))
    if searchable:
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = combo.completer() or QCompleter(combo.model(), combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)
    if name:
        combo.setObjectName(name)
    return combo


def combo_value(combo: QComboBox) -> Any:
    """The chosen value; for a searchable combo the typed text must match an item."""
    if combo.isEditable():
        found = combo.findText(combo.currentText())
        return combo.itemData(found) if found >= 0 else None
    return combo.currentData()


class _EnterRuns(QObject):
    """Enter in the field runs its own action and stops there (see ``enter_runs``)."""

    def __init__(self, edit: QLineEdit, action: Callable[[], object]) -> None:
        super().__init__(edit)
        self.action = action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.action()
            return True
        return False


def enter_runs(edit: QLineEdit, action: Callable[[], object]) -> None:
    """Enter in a field inside a dialog (a grid name in the community form) runs the field's
    own action instead of the dialog's default button, which would save and close the form and
    silently drop what was typed."""
    edit.installEventFilter(_EnterRuns(edit, action))


def check_list(items: Sequence[tuple[str, Any]], chosen: Sequence[Any] = (), name: str = "",
               height: int = 120) -> QListWidget:
    """(label, value) pairs as check boxes, ``chosen`` ticked (short lists: communities, people)."""
    widget = QListWidget()
    widget.setObjectName(name)
    widget.setMaximumHeight(height)
    for label, value in items:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if value in chosen else Qt.CheckState.Unchecked)
        widget.addItem(item)
    return widget


def checked_values(widget: QListWidget) -> list[Any]:
    """The values of the ticked rows of a ``check_list``, in list order."""
    return [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked]
