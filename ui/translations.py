"""Qt's own words (file, print and message dialogs, the buttons Qt makes) in Chinese.

Qt ships its translations with PySide6; installed once at start, every standard dialog says
取消, 打开, 打印 instead of Cancel, Open, Print. A frozen bundle carries the same files.
"""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

CATALOGUES = ("qtbase_zh_CN", "qt_zh_CN")


def install_chinese(app: QApplication) -> list[QTranslator]:
    """Chinese for Qt's dialogs and numbers; returns the translators it installed."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed: list[QTranslator] = []
    for name in CATALOGUES:
        translator = QTranslator(app)  # parented: lives as long as the application
        if translator.load(name, folder):
            app.installTranslator(translator)
            installed.append(translator)
    return installed
