"""Restoring from the settings page, and start-up on a damaged database (ui/startup.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.auth import Actor
from app.db import Database, open_database
from app.db.database import counts
from app.services import people
from tests.test_db_open import damage, fill_many
from tests.ui_support import seed_town
from ui import backup_actions, startup, tasks
from ui.context import AppContext
from ui.main_window import MainWindow

pytestmark = pytest.mark.sqlite_only  # backups, restores and damaged files are SQLite files


def people_shown(window: MainWindow) -> list[str]:
    window.show_area("团队与人员")
    window.directory.setCurrentWidget(window.directory.people)
    return sorted(row.name for row in window.directory.people.model.rows)


def test_settings_page_restores_a_backup(qtbot, db: Database,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    seed_town(db)
    window = MainWindow(AppContext(db))
    qtbot.addWidget(window)
    window.show()
    before = people_shown(window)
    page = window.settings
    page.backup_button.click()
    qtbot.waitUntil(lambda: page.backup_model.rowCount() == 1, timeout=10000)
    with window.ctx.db.session() as s:
        people.create_person(s, people.PersonInput("王小明", unit="镇党政办"))
    window.ctx.data_changed.emit()
    assert "王小明" in people_shown(window)

    monkeypatch.setattr(backup_actions, "confirm", lambda *args, **kwargs: True)
    window.show_area("设置")
    page.backup_table.selectRow(0)
    page.restore_button.click()
    qtbot.waitUntil(lambda: window.ctx.db is not db and window.ctx.db.lock is not None,
                    timeout=10000)
    tasks.wait_all()
    assert window.ctx.db.actor == db.actor  # the restored file is used by the same user
    assert people_shown(window) == before
    with window.ctx.db.session() as s:  # the file itself, not only the page
        assert "王小明" not in [p.name for p in people.search_people(s)]
    window.close()
    window.ctx.db.close()


def test_damaged_database_is_set_aside_and_restored_at_start_up(
        qtbot, db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill_many(db)
    db.backup("manual")
    db.close()
    damage(db_path)
    asked: list[str] = []
    monkeypatch.setattr(startup, "confirm", lambda _p, _t, text, **_k: asked.append(text) or True)
    monkeypatch.setattr(QMessageBox, "information", lambda *args: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(startup, "error", lambda *args: pytest.fail(f"unexpected error: {args}"))

    reopened = startup.open_with_dialogs(str(db_path))

    assert reopened is not None and len(asked) == 1 and "已损坏" in asked[0]
    assert any("损坏" in p.name for p in db_path.parent.iterdir() if p != db_path)
    with reopened.act_as(Actor.program()).session() as s:  # nobody signed in at start-up yet
        assert len(people.search_people(s)) == 0  # the backup held households only
    reopened.close()
    with open_database(db_path) as again, again.session() as s:
        assert counts(s)["住户"] == 1500


def test_damaged_database_with_restore_declined_opens_nothing(
        qtbot, db: Database, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill_many(db)
    db.backup("manual")
    db.close()
    damage(db_path)
    monkeypatch.setattr(startup, "confirm", lambda *args, **kwargs: False)
    size = db_path.stat().st_size

    assert startup.open_with_dialogs(str(db_path)) is None
    assert db_path.stat().st_size == size  # left where it was, for a technician
