"""The application font: the bundled CJK font, so Chinese renders on machines without one."""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.paths import FALLBACK_FONT_FILE, FONT_FILE

WINDOWS_FAMILY = "Microsoft YaHei"
POINT_SIZE = 10

_registered: list[str] = []


def register_bundled_font() -> list[str]:
    """Add the bundled font once per process; return its family names.

    The fallback font (rare characters such as 䶮, the same one the PDFs use) is set as the
    bundled font's substitute, so a name the main font lacks still shows on screen.
    """
    if not _registered:
        font_id = QFontDatabase.addApplicationFont(str(FONT_FILE))
        if font_id >= 0:
            _registered.extend(QFontDatabase.applicationFontFamilies(font_id))
        fallback_id = QFontDatabase.addApplicationFont(str(FALLBACK_FONT_FILE))
        fallbacks = QFontDatabase.applicationFontFamilies(fallback_id) if fallback_id >= 0 else []
        for family in _registered if fallbacks else ():
            QFont.insertSubstitutions(family, fallbacks)
    return list(_registered)


def preferred_family() -> str | None:
    """Microsoft YaHei where Windows has it (it is hinted for screens), else the bundled font."""
    bundled = register_bundled_font()
    if sys.platform == "win32" and WINDOWS_FAMILY in QFontDatabase.families():
        return WINDOWS_FAMILY
    return bundled[0] if bundled else None


def install(app: QApplication) -> str | None:
    family = preferred_family()
    if family:
        font = QFont(family, POINT_SIZE)
        font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
        app.setFont(font)
    return family
