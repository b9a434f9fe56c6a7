"""Windows that fit the screen they open on, and remember their size per user.

Township PCs run 1366×768 (a task bar leaves ~728 px), or 1920×1080 at 125–150 % scaling
(1536×824 or 1280×680 device-independent pixels). So:

- ``fit_to_screen(widget, w, h)``: a default size, made smaller where the screen's available
  area is smaller (leaving room for the title bar), never below the widget's minimum size.
- ``remember(window)``: an event filter on that window that on its first show restores the
  size its user last left it at (or clamps the default size to the screen), keeps the window on
  the screen, and on hiding remembers the size again. Sizes and the dashboard's collapsed state are kept per user in an INI file in the data
  directory (``window_state.ini``), not in the database: they are preferences of a desk, not
  records.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

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
    """The screen area not taken by task bars, for ``widget``'s screen (or the primary one)."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
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


class WindowMemory(QObject):
    """The event filter described in the module's docstring, installed on each window that
    remembers its size (``remember``)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            self._shown(watched)
        elif kind == QEvent.Type.Hide and isinstance(watched, QWidget) and watched.isWindow():
            self._hidden(watched)
        return False

    def _shown(self, window: QWidget) -> None:
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

    def _hidden(self, window: QWidget) -> None:
        if window.isMaximized() or window.isFullScreen() or not window.property(RESTORED):
            return
        write(_name(window), window.size())


_memory: WindowMemory | None = None


def install() -> None:
    """Once per application: the filter ``remember`` puts on each window."""
    global _memory
    app = QApplication.instance()
    if app is None or _memory is not None:
        return
    _memory = WindowMemory(app)


def remember(window: QWidget) -> None:
    """``window`` fits the screen when first shown and opens again at the size its user left
    it at. A filter on the window itself, not on the whole application: PySide converts every
    event of an application-wide Python filter, including those of widgets still being built,
    and that crashed the interpreter now and then."""
    install()
    if _memory is not None:
        window.installEventFilter(_memory)
