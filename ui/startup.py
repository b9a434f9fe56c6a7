"""Opening the database at start-up, with a clear dialog for every way it can fail, and
signing in to it.

``claim_database`` runs before the data layer is imported (it needs no SQLAlchemy), so a
second copy is refused at once; the rest runs after the main window's first paint.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox, QWidget

from app.db import network, sqlite_files  # neither imports SQLAlchemy: safe before first paint
from app.db.location import sqlite_file_for
from app.db.lock import WriterLock
from app.errors import (DatabaseDamagedError, DatabaseInUseError, DatabaseTooNewError,
                        DomainError)
from ui.widgets.messages import confirm, error

if TYPE_CHECKING:
    from app.db import Database

TITLE = "打开数据库"


def claim_database(db_arg: str | None) -> WriterLock | None:
    """The writer lock on the file the window will open, taken now; raises DatabaseInUseError.

    None when there is nothing to lock here: a server database, a file that is not SQLite
    (no lock file beside a spreadsheet chosen by mistake), or a folder we may not write to.
    ``open_database`` then decides as it always does, with its own messages.
    """
    path = sqlite_file_for(db_arg)
    if path is None or (path.is_file() and path.stat().st_size
                        and not sqlite_files.is_sqlite_file(path)):
        return None
    if network.network_share(path) is not None:
        return None  # no lock file on the share: open_database refuses it, pointing to PostgreSQL
    lock = WriterLock(path)
    try:
        lock.acquire()
    except OSError:
        return None
    return lock


def tell_in_use(exc: DatabaseInUseError) -> None:
    error(None, TITLE, exc.message)  # the message already says who holds it and what to do


def open_with_dialogs(db_arg: str | None, lock: WriterLock | None = None) -> Database | None:
    """The open database, or None when the program should exit (the user has been told why).

    ``lock`` (from ``claim_database``) passes to the Database, or is released on failure.
    """
    from app.db import open_database

    try:
        return open_database(db_arg, lock=lock)
    except DatabaseInUseError as exc:
        tell_in_use(exc)
    except DatabaseTooNewError as exc:
        error(None, TITLE, f"{exc.message}\n\n这个数据库由更新版本的程序写入，本程序不会改动它。"
                           "请安装最新版本后再打开。")
    except DatabaseDamagedError as exc:
        return offer_restore(exc)
    except DomainError as exc:
        error(None, TITLE, exc.message)
    return None


def offer_restore(exc: DatabaseDamagedError) -> Database | None:
    """Set the damaged file aside and restore the newest backup that passes its checks."""
    from app.db import restore, set_aside
    from app.db.backup import list_backups

    path = Path(exc.path) if exc.path else None
    backups = list_backups(path) if path else []
    if path is None or not backups:
        error(None, TITLE, f"{exc.message}\n\n没有找到可用的备份。损坏的文件保持原样，请联系技术人员。")
        return None
    newest = backups[0]
    if not confirm(None, TITLE, f"{exc.message}\n\n可以把损坏的文件移到一旁保留（不会删除），"
                   f"并用最近的备份恢复：\n{newest.taken_at:%Y-%m-%d %H:%M}（{newest.reason_label}）\n\n"
                   "备份之后录入的数据需要重新录入。", yes="移开并恢复"):
        return None
    moved = set_aside(path)
    for info in backups:
        try:
            db = restore(path, info.path)
        except DomainError:
            continue  # that backup is damaged too; try the next older one
        QMessageBox.information(None, TITLE, f"已从 {info.taken_at:%Y-%m-%d %H:%M} 的备份恢复。\n"
                                             f"损坏的文件保留在：{moved}")
        return db
    error(None, TITLE, f"所有备份都无法使用。损坏的文件保留在：{moved}")
    return None


# --- signing in ----------------------------------------------------------------------------

def sign_in_with_dialogs(db: Database, parent: QWidget | None = None) -> bool:
    """Someone signs in to ``db`` (its sessions then act for them); False to close the program.

    A database without any account starts with the first-start wizard (the administrator,
    then the town's settings); otherwise the sign-in dialog, and right after it the password
    change when the administrator set a temporary one (取消 there goes back to signing in).
    Tests replace this function, or the dialog factories below.
    """
    from app.services import accounts

    with db.session() as s:
        first_start = not accounts.has_users(s)
    if first_start:
        return bool(first_start_dialog(db, parent).exec())
    username = ""
    while True:
        dialog = sign_in_dialog(db, parent, username)
        if not dialog.exec():
            return False
        if not dialog.result_value.must_change_password:
            return True
        if change_password_dialog(db, True, parent).exec():
            return True
        username = dialog.username.text()
        db.act_as(None)  # a temporary password is not enough to use the program


def sign_in_dialog(db: Database, parent: QWidget | None = None, username: str = "") -> Any:
    from ui.auth.sign_in import SignInDialog

    return SignInDialog(db, parent, username)


def first_start_dialog(db: Database, parent: QWidget | None = None) -> Any:
    from ui.auth.first_start import FirstStartWizard

    return FirstStartWizard(db, parent)


def change_password_dialog(db: Database, forced: bool, parent: QWidget | None = None) -> Any:
    from ui.auth.change_password import ChangePasswordDialog

    return ChangePasswordDialog(db, forced, parent)
