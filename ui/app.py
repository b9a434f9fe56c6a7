"""Starting the window: Qt application, fonts, the database, the main window."""

from __future__ import annotations

import sys

# The domain is imported before Qt on purpose: once PySide6 is loaded, its import hook reads
# the source of every newly imported module (~200 SQLAlchemy modules), which costs start-up
# ~0.1-0.2 s. Importing it in a thread instead is slower: both halves are Python and share the GIL.
import app.db  # noqa: F401  (SQLAlchemy and the models)
import ui.teams.rows  # noqa: F401  (the services the first page reads)

from PySide6.QtCore import QTimer
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
    # Workers start once the window is up: before, they would take the GIL from its building.
    QTimer.singleShot(0, window.start_background_work)
    try:
        return app.exec()
    finally:
        tasks.wait_all()
        ctx.db.close()
