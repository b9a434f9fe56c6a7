"""Starting the window: Qt application, fonts, the database, the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from app import APP_ID, APP_NAME
from ui import fonts, tasks
from ui.style import STYLE


def make_application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setStyle("Fusion")
    fonts.install(app)
    app.setStyleSheet(STYLE)
    return app


def run_gui(db_arg: str | None) -> int:
    app = make_application()
    from ui.startup import open_with_dialogs  # after QApplication: it may show dialogs

    db = open_with_dialogs(db_arg)
    if db is None:
        return 1
    from ui.context import AppContext
    from ui.main_window import MainWindow

    ctx = AppContext(db)
    window = MainWindow(ctx)
    window.show()
    window.start_backup()
    try:
        return app.exec()
    finally:
        tasks.wait_all()
        ctx.db.close()
