"""Windows that fit the screen they open on, and remember their size per user.

Township PCs run 1366×768 (a task bar leaves ~728 px), or 1920×1080 at 125–150 % scaling
(1536×824 or 1280×680 device-independent pixels). So:

- ``fit_to_screen(widget, w, h)``: a default size, made smaller where the screen's available
  area is smaller (leaving room for the title bar), never below the widget's minimum size.
- ``remember(window)``: on the window's first show, the size its user last left it at (or the
  default size clamped to the screen), kept on the screen; a dialog's size is kept again when
  it closes. Sizes and the dashboard's collapsed state are kept per user in an INI file in the data
  directory (``window_state.ini``), not in the database: they are preferences of a desk, not
  records.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QRect, QSettings, QSize, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget

TITLE_BAR = 32      # room left above a window for its frame's title bar
FRAME = 8           # and at its sides and bottom
RESTORED = "_zl_window_restored"
FILE_NAME = "window_state.ini"

_user = "_"


def set_user(username: str | None) -> None:
    """Whose sizes are read and written from now on (the signed-in user's)."""
    global _user
    _user = username or "_"


def current_user() -> str:
    return _user


def _settings() -> QSettings:
    from app.paths import data_dir

    return QSettings(str(data_dir() / FILE_NAME), QSettings.Format.IniFormat)


def _key(name: str, user: str | None = None) -> str:
    return f"{user or _user}/{name}"


def read(name: str, default: Any = None, user: str | None = None) -> Any:
    try:
        return _settings().value(_key(name, user), default)
    except OSError:
        return default


def write(name: str, value: Any, user: str | None = None) -> None:
    try:
        settings = _settings()
        settings.setValue(_key(name, user), value)
        settings.sync()
    except OSError:
        pass  # a preference that cannot be saved is not worth an error message


def read_bool(name: str, default: bool = False, user: str | None = None) -> bool:
    value = read(name, default, user)
    if isinstance(value, str):
        return value.lower() in ("true", "1", "yes")
    return bool(value)


def available(widget: QWidget | None = None) -> QRect:
    """The screen area not taken by task bars (of the primary screen)."""
    # The primary screen, not widget.screen(): the QScreen that call hands to Python was at
    # times freed with its wrapper, and the next window built crashed in QScreen (seen in the
    # test runs, PySide6 6.11). Office PCs have one screen; a second one is rare.
    screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1366, 728)


def room(widget: QWidget | None = None) -> QSize:
    """The largest client size whose window (with its frame) fits the available area."""
    area = available(widget)
    return QSize(max(200, area.width() - 2 * FRAME), max(200, area.height() - TITLE_BAR - FRAME))


def clamped(widget: QWidget, size: QSize) -> QSize:
    """``size`` made to fit the screen, but not below the widget's minimum size."""
    fit = size.boundedTo(room(widget))
    return fit.expandedTo(widget.minimumSize())


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    widget.resize(clamped(widget, QSize(width, height)))


def keep_on_screen(widget: QWidget) -> None:
    area = available(widget)
    frame = widget.frameGeometry()
    x = min(max(frame.x(), area.x()), max(area.x(), area.right() + 1 - frame.width()))
    y = min(max(frame.y(), area.y()), max(area.y(), area.bottom() + 1 - frame.height()))
    if (x, y) != (frame.x(), frame.y()):
        widget.move(x, y)


def _name(widget: QWidget) -> str:
    remember_as = widget.property("rememberAs")
    return str(remember_as) if remember_as else f"size/{type(widget).__name__}"


def shown(window: QWidget) -> None:
    """On a window's first show: the size its user last left it at, or its default size
    clamped to the screen; and the window kept on the screen."""
    if window.property(RESTORED):
        return
    window.setProperty(RESTORED, True)
    saved = read(_name(window))
    # Qt opens a dialog at most 2/3 of the screen high; where its content is taller and the
    # screen has room, it opens showing all of it.
    size = window.size().expandedTo(window.sizeHint())
    if isinstance(saved, QSize) and saved.isValid():
        size = saved.expandedTo(window.minimumSizeHint())
    window.resize(clamped(window, size))
    keep_on_screen(window)


def keep(window: QWidget) -> None:
    """Remember ``window``'s size for its user (not when maximised or never shown)."""
    if window.isMaximized() or window.isFullScreen() or not window.property(RESTORED):
        return
    write(_name(window), window.size())


class RemembersSize:
    """Mixin for a window class (before the Qt class: ``class X(RemembersSize, QDialog)``):
    sized by ``shown`` on its first show. An overridden showEvent, not an event filter: a
    Python event filter on windows crashed PySide now and then (events of half-built or
    half-destroyed widgets converted to Python)."""

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)  # type: ignore[misc]
        shown(self)  # type: ignore[arg-type]


class WindowMemory(QObject):
    """Keeps a dialog's size when it closes (its ``finished`` signal)."""

    @Slot()
    def dialog_finished(self) -> None:
        window = self.sender()
        if isinstance(window, QWidget):
            keep(window)


_memory: WindowMemory | None = None


def install() -> None:
    """Once per application: the object whose slot keeps dialogs' sizes."""
    global _memory
    app = QApplication.instance()
    if app is None or _memory is not None:
        return
    _memory = WindowMemory(app)


def remember(window: QWidget) -> None:
    """A dialog's size is kept for its user when it closes (its class mixes in
    ``RemembersSize`` to be sized on its first show)."""
    install()
    if _memory is not None and isinstance(window, QDialog):
        window.finished.connect(_memory.dialog_finished)
