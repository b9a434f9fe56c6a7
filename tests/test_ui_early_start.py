"""Start-up as the user sees it (ui/app.py): the window at once, its data after the checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

import ui.app
from app.db import open_database, resolve_url
from app.db.engine import sqlite_path
from app.db.location import sqlite_file_for
from app.db.lock import WriterLock
from tests.ui_support import seed_town
from ui import startup
from ui.main_window import OPENING, MainWindow

pytestmark = pytest.mark.sqlite_only  # finds and locks the file before SQLAlchemy is imported

ROOT = Path(__file__).resolve().parent.parent


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


def test_window_shows_first_then_fills_with_the_team_list(run, db, db_path: Path) -> None:
    seed_town(db)
    db.close()

    assert run(str(db_path)) == 0

    [window] = RecordingWindow.made
    assert window.at_first_paint == {"visible": True, "filled": False, "status": OPENING,
                                     "import": False}
    assert window.teams_shown == ["石岗村驻点团队"]
    assert window.actions_by_name["import"].isEnabled()
    with open_database(db_path):  # the lock was released on exit
        pass


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


def test_nothing_before_the_first_paint_imports_sqlalchemy(db_path: Path) -> None:
    """In a fresh process, as main.py starts the window."""
    code = ("import sys\n"
            "from ui.app import run_gui\n"
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
