"""Looking after the data as a whole: what a restore leaves in the restored trail."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app import audit
from app.auth import Actor, current_actor


def record_restore(session: Session, backup_name: str, restored_by: Actor | None) -> None:
    """The restored file's trail says who restored it, even when that account is newer than
    the backup (then the entry names them without linking an account that is not there)."""
    summary = f"从备份恢复数据库：{backup_name}"
    if current_actor(session) is not None or restored_by is None:
        audit.record(session, "restore", summary=summary)
    else:
        audit.record(session, "restore", summary=summary + "（恢复者的账户不在这份备份中）",
                     user_id=None, username=restored_by.username)
