"""What every page shares: the open database, who is signed in, and the signals that tell
pages to reload."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:  # the window's shell imports this before the data layer is loaded
    from app.auth import Actor, Permission
    from app.db import Database


class AppContext(QObject):
    """``data_changed`` after any save; ``database_replaced`` after a restore swaps the file;
    ``actor_changed`` after another user signed in (the window rebuilds its pages)."""

    data_changed = Signal()
    database_replaced = Signal()
    actor_changed = Signal()
    sign_in_needed = Signal()

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db

    @property
    def actor(self) -> Actor | None:
        return self.db.actor

    def can(self, permission: Permission) -> bool:
        """What the window shows: a role that cannot do something does not see its button."""
        actor = self.db.actor
        return actor is not None and actor.can(permission)

    def replace_database(self, db: Database) -> None:
        """The restored file is used by the same user with their roles in it; if the backup is
        older than their account (or it is disabled there), someone must sign in again."""
        from app.services import accounts

        with db.session() as session:
            actor = accounts.actor_again(session, self.db.actor)
        db.act_as(actor)
        self.db = db
        if actor is None:
            self.sign_in_needed.emit()
            return
        self.database_replaced.emit()
        self.data_changed.emit()

    def signed_in_as_other(self) -> None:
        """The database's sessions now act for another user: pages rebuild for them."""
        self.actor_changed.emit()
