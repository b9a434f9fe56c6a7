"""Every change becomes an audit entry, written in the transaction that made it.

ORM changes (create, update, delete) are collected after each flush from the objects'
attribute history; other events (export, print, unmask, sign-in) are added with ``record``.
All are appended at commit, so a rolled-back action leaves no entry. A bulk action (roster
import, demo town) writes one entry with counts instead of one per row (``bulk``).
"""

from __future__ import annotations

import decimal
import enum
import hashlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.orm.base import NO_VALUE

from app.audit.chain import NewEntry, append
from app.auth.guard import current_actor
from app.models import AuditEntry, AuditHead, DataRevision, SignInThrottle
from app.normalize import mask_resident_id

PENDING = "audit_pending"
BULK = "audit_bulk"
MARKS = "audit_savepoints"

NOT_AUDITED = {AuditEntry.__tablename__, AuditHead.__tablename__, DataRevision.__tablename__,
               SignInThrottle.__tablename__}  # counted by its own login_failed entries
# Bookkeeping, not changes: sign-in counters have their own login / login_failed entries.
QUIET_COLUMNS = {"created_at", "updated_at", "version", "failed_attempts", "last_failed_at",
                 "last_login_at"}
SECRET_COLUMNS = {"password_hash"}
MASKED_COLUMNS = {"resident_id", "head_resident_id"}

ENTITY_LABELS = {
    "team": "驻点团队", "team_community": "团队驻点村（社区）", "membership": "团队成员",
    "person": "人员", "community": "村（社区）", "grid": "网格", "household": "住户",
    "household_tag": "重点人群标记", "key_group": "重点人群类别", "town_settings": "镇（街道）设置",
    "app_user": "账户", "user_role": "账户角色", "user_team": "账户负责的团队",
    "card_design": "联系卡设计", "card_print": "联系卡打印记录", "card_delivery": "联系卡发放记录",
    "station_session": "驻点日志", "station_session_member": "驻点日志到场成员",
    "station_session_household": "驻点日志走访住户", "reception": "接待台账",
    "problem": "问题台账", "problem_step": "问题办理环节",
    "visit": "走访记录", "visit_visitor": "走访人", "visit_problem": "走访反映的问题",
    "problem_category": "问题类别",
    "meeting": "会议", "meeting_team": "会议团队", "meeting_agenda_item": "会议议题",
    "meeting_attendee": "会议签到", "meeting_action_item": "会议交办事项",
    "meeting_sign_in_scan": "签到表扫描件", "meeting_amendment": "会议记录更正",
    "check_item_template": "抽查项目", "ledger_check": "台账资料抽查",
    "ledger_check_item": "台账抽查项目", "field_patrol": "下乡情况巡查",
    "field_patrol_community": "巡查村（社区）", "patrol_sighting": "巡查到岗情况",
    "meeting_supervision": "会议情况督查", "finding": "督查发现问题",
    "check_amendment": "督查记录更正",
    "funding_project": "专项经费项目", "funding_disbursement": "经费拨付",
    "funding_progress": "项目进度", "funding_year": "年度专项经费",
    "stored_file": "存档文件", "notice_photo": "公开栏相片", "written_report": "书面汇报",
    "submission_package": "上报材料包", "submission": "上报登记",
    "issued_document": "印发的公文",
}
ACTION_LABELS = {
    "create": "新增", "update": "修改", "delete": "删除", "status": "状态变更", "export": "导出",
    "print": "打印", "unmask": "查看身份证号", "login": "登录", "login_failed": "登录失败",
    "password": "修改密码", "import": "导入", "restore": "恢复", "backup": "备份",
    "reopen": "重新办理", "finalise": "定稿", "amend": "更正",
    "draw": "抽签", "report": "上报", "receive": "接收上报", "decide": "党委会决定",
    "issue": "印发",
}


def record(session: Session, action: str, entity: str = "", entity_id: int | None = None,
           summary: str = "", changes: dict | None = None, *, user_id: int | None = None,
           username: str | None = None) -> None:
    """Add an entry for an event that is not a row change; written when the session commits."""
    actor = current_actor(session)
    if username is None:
        username = actor.username if actor else "系统"
        user_id = actor.user_id if actor else None
    session.info.setdefault(PENDING, []).append(NewEntry(
        action=action, entity=entity, entity_id=entity_id, summary=summary, changes=changes,
        user_id=user_id, username=username))


@contextmanager
def bulk(session: Session, action: str, summary: str) -> Iterator[Counter]:
    """Count row changes instead of recording each; one entry at commit.

    The counter is yielded so the caller can add its own figures.
    """
    counts: Counter = Counter()
    session.info[BULK] = counts
    try:
        yield counts
        session.flush()
    finally:
        session.info.pop(BULK, None)
    record(session, action, summary=summary,
           changes={"数量": {k: v for k, v in sorted(counts.items())}} if counts else None)


def collect(session: Session) -> None:
    """After a flush: turn the flushed objects' changes into pending entries."""
    counts: Counter | None = session.info.get(BULK)
    for action, objects in (("create", session.new), ("update", session.dirty),
                            ("delete", session.deleted)):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table is None or table in NOT_AUDITED:
                continue
            # ``dirty`` also lists objects whose collections alone changed (a team that got a
            # member): no column changed, so nothing to record or count.
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            if counts is not None:
                counts[f"{ENTITY_LABELS.get(table, table)}{ACTION_LABELS[action]}"] += 1
                continue
            record(session, action, table, _identity(obj), _describe(obj, table), changes)


def write(session: Session) -> None:
    """Before commit: append what is pending to the chain."""
    pending = session.info.pop(PENDING, None)
    if pending:
        append(session, pending)


def discard(session: Session) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(MARKS, None)


# --- savepoints and statements the unit of work does not see ---------------------------------
# Registered on the Session class, so every session (whichever factory made it) follows them.

@event.listens_for(Session, "after_transaction_create")
def _savepoint_begun(session: Session, transaction: SessionTransaction) -> None:
    """Remember what was pending when a savepoint began, to forget what it adds if rolled back."""
    if transaction.nested:
        counts: Counter | None = session.info.get(BULK)
        session.info.setdefault(MARKS, {})[transaction] = (
            len(session.info.get(PENDING, ())), Counter(counts) if counts is not None else None)


@event.listens_for(Session, "after_soft_rollback")
def _savepoint_rolled_back(session: Session, transaction: SessionTransaction) -> None:
    """A rolled-back savepoint (an import row that failed, a preview) leaves no entry or count."""
    if not transaction.nested:
        return
    mark = session.info.get(MARKS, {}).pop(transaction, None)
    if mark is None:
        return
    pending_len, saved_counts = mark
    pending = session.info.get(PENDING)
    if pending is not None:
        del pending[pending_len:]
    counts: Counter | None = session.info.get(BULK)
    if counts is not None and saved_counts is not None:
        counts.clear()
        counts.update(saved_counts)


@event.listens_for(Session, "do_orm_execute")
def _statement(state: ORMExecuteState) -> None:
    """Bulk INSERT statements (the roster's households) bypass the unit of work: count them."""
    if not state.is_insert or state.execution_options.get("revision_bump"):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table is None or table in NOT_AUDITED:
        return
    params = state.parameters
    rows = len(params) if isinstance(params, (list, tuple)) else 1
    label = ENTITY_LABELS.get(table, table)
    counts: Counter | None = state.session.info.get(BULK)
    if counts is not None:
        counts[f"{label}新增"] += rows
    else:
        record(state.session, "create", table, None, f"{label}：一次新增 {rows} 条")


def _identity(obj: Any) -> int | None:
    ident = inspect(obj).identity
    return ident[0] if ident and isinstance(ident[0], int) else getattr(obj, "id", None)


def _describe(obj: Any, table: str) -> str:
    label = ENTITY_LABELS.get(table, table)
    for attr in ("name", "head_name", "display_name", "username", "address"):
        value = inspect(obj).attrs[attr].loaded_value if attr in inspect(obj).attrs else None
        if isinstance(value, str) and value:
            return f"{label}：{value}"
    return label


def _changes(obj: Any, action: str) -> dict[str, dict[str, Any]]:
    state = inspect(obj)
    out: dict[str, dict[str, Any]] = {}
    for column in state.mapper.column_attrs:
        key = column.key
        if key in QUIET_COLUMNS or key == "id":
            continue
        attr = state.attrs[key]
        if action == "update":
            history = attr.history
            if not history.has_changes():
                continue
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before == after:
                continue
            out[key] = {"前": _plain(key, before), "后": _plain(key, after)}
        else:
            value = attr.loaded_value
            if value is None or value is NO_VALUE:
                continue
            out[key] = {"前" if action == "delete" else "后": _plain(key, value)}
    return out


def _plain(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key in SECRET_COLUMNS:
        return "（已更改）"
    if key in MASKED_COLUMNS:
        return mask_resident_id(value)
    if isinstance(value, enum.Enum):
        return getattr(value, "label", value.value)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        # Signatures and scans: their digest, not their bytes (the chain stays small).
        return f"（图像 {len(value):,} 字节，SHA-256 {hashlib.sha256(value).hexdigest()[:16]}…）"
    return value

