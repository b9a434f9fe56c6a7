"""What every page shares: the open database and the signals that tell pages to reload."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:  # the window's shell imports this before the data layer is loaded
    from app.db import Database


class AppContext(QObject):
    """``data_changed`` after any save; ``database_replaced`` after a restore swaps the file."""

    data_changed = Signal()
    database_replaced = Signal()

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db

    def replace_database(self, db: Database) -> None:
        self.db = db
        self.database_replaced.emit()
        self.data_changed.emit()
