"""Starting the window: lock the database, show the window, then open and fill it.

Start-up in the order users feel it: the writer lock first (a second copy is refused at once),
then the window's shell on screen (~0.3 s), and only after its first paint the data layer
(SQLAlchemy alone is ~0.5 s of imports), the database checks, signing in (or, on a database
without accounts, the first-start wizard) and the first page's rows: nothing from the database
is shown before someone has signed in.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app import APP_ID, APP_NAME
from app.db.lock import WriterLock
from app.errors import DatabaseInUseError
from ui import crash, fonts, startup, tasks, translations
from ui.main_window import MainWindow
from ui.style import STYLE

SIGN_IN = "请登录…"


def make_application() -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setStyle("Fusion")
    if existing is None:
        translations.install_chinese(app)
    fonts.install(app)
    app.setStyleSheet(STYLE)
    return app


def run_gui(db_arg: str | None) -> int:
    app = make_application()
    uninstall_crash_report = crash.install()
    try:
        return _run(app, db_arg)
    finally:
        uninstall_crash_report()


def _run(app: QApplication, db_arg: str | None) -> int:
    try:
        lock = startup.claim_database(db_arg)
    except DatabaseInUseError as exc:
        startup.tell_in_use(exc)
        return 1
    window = MainWindow()
    window.show()
    opening = Opening(window, db_arg, lock)
    window.painted.connect(opening.open_and_fill)
    try:
        code = app.exec()
    finally:
        tasks.wait_all()
        opening.close()
    return 1 if opening.failed else code


class Opening:
    """Opens the database after the shell's first paint and fills the window, or closes it."""

    def __init__(self, window: MainWindow, db_arg: str | None, lock: WriterLock | None) -> None:
        self.window = window
        self.db_arg = db_arg
        self.lock = lock
        self.failed = False

    def open_and_fill(self) -> None:
        from ui.data_layer import import_data_layer

        import_data_layer()
        db = startup.open_with_dialogs(self.db_arg, self.lock)
        self.lock = None  # it passed to the Database, or was released when opening failed
        if db is None:
            self.failed = True
            self.window.close()
            return
        self.window.statusBar().showMessage(SIGN_IN)
        if not startup.sign_in_with_dialogs(db, self.window):
            db.close()  # 退出程序 in the sign-in dialog: nothing was shown
            self.window.close()
            return
        from ui.context import AppContext

        self.window.attach(AppContext(db), settings_after_paint=True)
        # Workers start once the data is on screen: before, they would take the GIL from it.
        # Connected after attach, so the settings page (which the backup reports to) exists.
        self.window.data_shown.connect(self.window.start_background_work,
                                       Qt.ConnectionType.SingleShotConnection)

    def close(self) -> None:
        if self.window.ctx is not None:
            self.window.ctx.db.close()
        if self.lock is not None:  # the window was closed before the database was opened
            self.lock.release()
