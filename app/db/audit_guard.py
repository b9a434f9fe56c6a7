"""Are the database's own guards on the audit trail still in place?

Migration 0002 makes the database refuse any UPDATE or DELETE of an audit entry (and, on
PostgreSQL, TRUNCATE) with triggers. Someone editing entries by hand must drop or disable
them first; ``check`` reports that here, as the hash chain reports the edit itself.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

# trigger name -> what it refuses (for the message)
SQLITE_TRIGGERS = {"audit_entry_no_update": "修改", "audit_entry_no_delete": "删除"}
POSTGRES_TRIGGERS = {"audit_entry_append_only": "修改和删除", "audit_entry_no_truncate": "清空"}
POSTGRES_FUNCTION = "audit_entry_append_only"


def trigger_problems(session: Session) -> list[str]:
    """What is missing or switched off, in Chinese; empty when the guards are intact."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return _postgres(session)
    if dialect == "sqlite":
        return _sqlite(session)
    return []


def _sqlite(session: Session) -> list[str]:
    rows: dict[str, str] = dict((k, v) for k, v in session.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entry'"
    )).all())
    problems = []
    for name, refuses in SQLITE_TRIGGERS.items():
        sql = (rows.get(name) or "").upper()
        if not sql:
            problems.append(f"数据库中拒绝{refuses}操作记录的触发器 {name} 不见了（被人为删除过）")
        elif "RAISE" not in sql:
            problems.append(f"触发器 {name} 已被改写，不再拒绝{refuses}操作记录")
    return problems


def _postgres(session: Session) -> list[str]:
    rows: dict[str, str] = dict((k, v) for k, v in session.execute(text(
        "SELECT t.tgname, t.tgenabled FROM pg_trigger t "
        "WHERE t.tgrelid = to_regclass('audit_entry') AND NOT t.tgisinternal")).all())
    problems = []
    for name, refuses in POSTGRES_TRIGGERS.items():
        state = rows.get(name)
        if state is None:
            problems.append(f"数据库中拒绝{refuses}操作记录的触发器 {name} 不见了（被人为删除过）")
        elif state == "D":
            problems.append(f"拒绝{refuses}操作记录的触发器 {name} 被停用了")
    body = session.scalar(text("SELECT prosrc FROM pg_proc WHERE proname = :name"),
                          {"name": POSTGRES_FUNCTION})
    if body is None:
        problems.append(f"触发器函数 {POSTGRES_FUNCTION} 不见了")
    elif "RAISE" not in body.upper():
        problems.append(f"触发器函数 {POSTGRES_FUNCTION} 已被改写，不再拒绝改动操作记录")
    return problems
