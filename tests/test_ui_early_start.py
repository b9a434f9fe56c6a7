"""Start-up as the user sees it (ui/app.py): the window at once, signing in (or the first-start
wizard on a database without accounts), its data only after that."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWizard
from sqlalchemy import select

import ui.app
from app.auth import Actor
from app.db import Database, open_database, resolve_url
from app.db.engine import sqlite_path
from app.db.location import sqlite_file_for
from app.db.lock import WriterLock
from app.models import AuditEntry, User
from app.services import accounts
from app.services.settings import get_settings
from tests.ui_support import seed_town, type_text, when_modal
from ui import startup
from ui.app import SIGN_IN
from ui.auth.first_start import FirstStartWizard
from ui.auth.sign_in import SignInDialog
from ui.main_window import OPENING, MainWindow

pytestmark = pytest.mark.sqlite_only  # finds and locks the file before SQLAlchemy is imported

ROOT = Path(__file__).resolve().parent.parent
ADMIN, PASSWORD = "admin", "zhilian-2024"


def add_admin(db: Database) -> None:
    with db.session() as s:
        accounts.create_first_admin(s, ADMIN, "王管理", PASSWORD)



def window_now() -> dict[str, object]:
    """What the start-up window shows while a sign-in dialog is open over it."""
    [window] = RecordingWindow.made
    return {"filled": window.ctx is not None, "status": window.statusBar().currentMessage(),
            "teams": window.teams_shown}


class RecordingWindow(MainWindow):
    """The real window, noting what it showed at its first paint and once data was shown."""

    made: list["RecordingWindow"] = []

    def __init__(self) -> None:
        super().__init__()
        self.at_first_paint: dict[str, object] = {}
        self.teams_shown: list[str] = []
        RecordingWindow.made.append(self)
        self.painted.connect(self._note_first_paint)
        self.data_shown.connect(self._note_data_and_close)

    def _note_first_paint(self) -> None:
        self.at_first_paint = {"visible": self.isVisible(), "filled": self.ctx is not None,
                               "status": self.statusBar().currentMessage(),
                               "import": self.actions_by_name["import"].isEnabled()}

    def _note_data_and_close(self) -> None:
        model = self.directory.teams.model
        self.teams_shown = [model.index(r, 0).data() for r in range(model.rowCount())]
        QTimer.singleShot(0, self.close)


@pytest.fixture
def run(qapp: QApplication, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """``run(db_arg)`` runs the real start-up and event loop; returns its exit code."""
    RecordingWindow.made = []
    monkeypatch.setattr(ui.app, "MainWindow", RecordingWindow)
    style = qapp.styleSheet()
    guard = QTimer()  # a broken start-up fails the test instead of hanging it
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: qapp.exit(99))
    yield lambda db_arg: (guard.start(30000), ui.app.run_gui(db_arg))[1]
    guard.stop()
    qapp.setStyleSheet(style)


def test_window_shows_first_then_signs_in_then_fills_with_the_team_list(
        run, qtbot, db, db_path: Path) -> None:
    seed_town(db)
    add_admin(db)
    db.close()
    at_sign_in: dict[str, object] = {}

    def sign_in(dialog: SignInDialog) -> None:
        at_sign_in.update(window_now())
        type_text(qtbot, dialog.username, ADMIN)
        type_text(qtbot, dialog.password, PASSWORD)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter signs in

    when_modal(SignInDialog, sign_in)
    assert run(str(db_path)) == 0

    [window] = RecordingWindow.made
    assert window.at_first_paint == {"visible": True, "filled": False, "status": OPENING,
                                     "import": False}
    assert at_sign_in == {"filled": False, "status": SIGN_IN, "teams": []}  # no data before
    assert window.teams_shown == ["石岗村驻点团队"]
    assert window.actions_by_name["import"].isEnabled()
    assert window.user_label.text() == "当前用户：王管理（管理员）"
    with open_database(db_path) as again, again.session() as s:  # the lock was released on exit
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.username) == ("login", ADMIN)


def test_quitting_at_sign_in_closes_the_program_without_data(run, db, db_path: Path) -> None:
    seed_town(db)
    add_admin(db)
    db.close()
    when_modal(SignInDialog, lambda dialog: dialog.quit_button.click())

    assert run(str(db_path)) == 0

    [window] = RecordingWindow.made
    assert window.ctx is None and window.teams_shown == [] and not window.isVisible()
    with open_database(db_path):  # the lock was released
        pass


def test_first_start_creates_the_administrator_and_the_town_settings(
        run, qtbot, db, db_path: Path) -> None:
    db.close()  # a new database: no account yet
    refused: dict[str, str] = {}

    def admin_page(wizard: FirstStartWizard) -> None:
        page = wizard.admin_page
        type_text(qtbot, page.username, "liming")
        type_text(qtbot, page.display_name, "李明")
        type_text(qtbot, page.password, "short")
        type_text(qtbot, page.password2, "short")
        wizard.button(QWizard.WizardButton.CommitButton).click()
        refused["password"] = page.findChild(QLabel, "error_password").text()
        page.password.setText("zhilian-2024")
        page.password2.setText("zhilian-2025")
        wizard.button(QWizard.WizardButton.CommitButton).click()
        refused["password2"] = page.findChild(QLabel, "error_password2").text()
        page.password2.setText("zhilian-2024")
        wizard.button(QWizard.WizardButton.CommitButton).click()
        town = wizard.town_page
        refused["cancel"] = str(wizard.button(QWizard.WizardButton.CancelButton).isVisible())
        town.town_name.clear()
        type_text(qtbot, town.town_name, "赤溪镇")
        type_text(qtbot, town.hotline, "0750-5123456")
        wizard.button(QWizard.WizardButton.FinishButton).click()

    when_modal(FirstStartWizard, admin_page)
    assert run(str(db_path)) == 0

    assert refused == {"password": "密码至少 8 位（现在 5 位）", "password2": "两次输入的密码不一致",
                       "cancel": "False"}
    [window] = RecordingWindow.made
    assert window.user_label.text() == "当前用户：李明（管理员）"
    with open_database(db_path).act_as(Actor.program()) as again, again.session() as s:
        [user] = s.scalars(select(User)).all()
        assert (user.username, user.display_name, user.active) == ("liming", "李明", True)
        assert "zhilian-2024" not in user.password_hash
        settings = get_settings(s)
        assert (settings.town_name, settings.hotline) == ("赤溪镇", "0750-5123456")
        by = {e.action: e.username for e in s.scalars(select(AuditEntry))}
        assert by["login"] == "liming" and by["update"] == "liming"  # settings under the admin
    # The next start asks to sign in: the wizard is for a database without accounts only.
    RecordingWindow.made = []
    when_modal(SignInDialog, lambda dialog: dialog.quit_button.click())
    assert run(str(db_path)) == 0


def test_database_in_use_is_refused_before_any_window(run, db, db_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[str] = []
    monkeypatch.setattr(startup, "error", lambda _parent, _title, text: told.append(text))

    assert run(str(db_path)) == 1  # ``db`` holds the writer lock

    assert len(told) == 1 and "正被另一个驻点直联工作台使用" in told[0]
    assert RecordingWindow.made == []  # no window, so no data shown


def test_a_file_that_is_not_a_database_gets_a_message_and_no_data(
        run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = tmp_path / "花名册.xlsx"
    sheet.write_bytes(b"PK\x03\x04 not a database")
    told: list[str] = []
    monkeypatch.setattr(startup, "error", lambda _parent, _title, text: told.append(text))

    assert run(str(sheet)) == 1

    assert len(told) == 1 and "不是数据库文件" in told[0]
    [window] = RecordingWindow.made
    assert window.ctx is None and window.teams_shown == []
    # No lock file beside it (the program's own data folder holds only its log).
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "data") == ["花名册.xlsx"]


def test_claimed_lock_passes_to_the_database_and_is_released_with_it(db_path: Path) -> None:
    lock = startup.claim_database(str(db_path))
    assert lock is not None and lock.held
    db = startup.open_with_dialogs(str(db_path), lock)
    assert db is not None and db.lock is lock
    with pytest.raises(Exception, match="正被另一个"):
        WriterLock(db_path).acquire()
    db.close()
    with WriterLock(db_path):
        pass


@pytest.mark.parametrize("arg", [None, "town.db", "~/town.db", "/tmp/a b/镇 100%.db",
                                 "sqlite:///rel.db", "sqlite:////abs/town.db",
                                 "sqlite+pysqlite:////abs/town.db?mode=ro", "sqlite://",
                                 "sqlite:///:memory:", "postgresql://u:p@host/zhilian"])
def test_file_found_without_sqlalchemy_is_the_one_opened(arg: str | None) -> None:
    found = sqlite_file_for(arg)
    assert found is None or found == sqlite_path(resolve_url(arg))
    if arg and "://" not in arg:
        assert found is not None


def test_file_named_by_environment_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHILIAN_DB_URL", "sqlite:////srv/town.db")
    assert sqlite_file_for(None) == sqlite_path(resolve_url(None)) == Path("/srv/town.db")
    monkeypatch.setenv("ZHILIAN_DB_URL", "postgresql://u:p@host/zhilian")
    assert sqlite_file_for(None) is None


def test_nothing_before_the_first_paint_imports_sqlalchemy(db, db_path: Path) -> None:
    """In a fresh process, as main.py starts the window (signing in without the dialog)."""
    add_admin(db)
    db.close()
    code = ("import sys\n"
            "from ui.app import run_gui\n"
            "import ui.startup\n"
            "def sign_in(db, parent=None):\n"
            "    from app.services.accounts import sign_in_to\n"
            f"    return sign_in_to(db, {ADMIN!r}, {PASSWORD!r}) is not None\n"
            "ui.startup.sign_in_with_dialogs = sign_in\n"
            "import ui.main_window as mw\n"
            "built = mw.MainWindow.__init__\n"
            "def init(self, *args):\n"
            "    built(self, *args)\n"
            "    self.painted.connect(lambda: print('AT PAINT', 'sqlalchemy' in sys.modules))\n"
            "    self.data_shown.connect(lambda: (print('FILLED', 'sqlalchemy' in sys.modules),"
            " self.close()))\n"
            "mw.MainWindow.__init__ = init\n"
            "sys.exit(run_gui(sys.argv[1]))\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code, str(db_path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["AT PAINT False", "FILLED True"]
