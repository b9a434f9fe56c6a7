"""Appending to the audit trail and checking its hash chain.

Each entry's hash covers its own fields and the previous entry's hash, so changing or
removing any entry (or cutting entries off the end, which ``AuditHead`` remembers) breaks
the chain from there on. Appends hold the head row's lock, so two PCs on one PostgreSQL
server append one after the other.
"""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, insert, select, update
from sqlalchemy.orm import Session

from app.models import AuditEntry, AuditHead

GENESIS = "0" * 64
HOST = socket.gethostname()[:80]


@dataclass(frozen=True)
class NewEntry:
    action: str
    entity: str = ""
    entity_id: int | None = None
    summary: str = ""
    changes: dict | None = None
    user_id: int | None = None
    username: str = ""


def entry_hash(prev_hash: str, id_: int, at: datetime, user_id: int | None, username: str,
               host: str, action: str, entity: str, entity_id: int | None, summary: str,
               changes: str) -> str:
    fields = [prev_hash, str(id_), at.isoformat(timespec="microseconds"),
              "" if user_id is None else str(user_id), username, host, action, entity,
              "" if entity_id is None else str(entity_id), summary, changes]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


def append(session: Session, entries: list[NewEntry], at: datetime | None = None) -> None:
    """Write ``entries`` at the end of the chain, in the caller's transaction."""
    if not entries:
        return
    head = session.execute(select(AuditHead.last_id, AuditHead.last_hash)
                           .where(AuditHead.id == 1).with_for_update()).one()
    last_id, prev = head.last_id, head.last_hash or GENESIS
    when = (at or datetime.now()).replace(tzinfo=None)
    rows = []
    for e in entries:
        last_id += 1
        changes = json.dumps(e.changes, ensure_ascii=False, sort_keys=True) if e.changes else ""
        row = dict(id=last_id, at=when, user_id=e.user_id, username=e.username[:40], host=HOST,
                   action=e.action[:20], entity=e.entity[:40], entity_id=e.entity_id,
                   summary=e.summary[:400], changes=changes)
        digest = entry_hash(prev, last_id, when, row["user_id"], row["username"], HOST,
                            row["action"], row["entity"], e.entity_id, row["summary"], changes)
        rows.append({**row, "prev_hash": prev, "hash": digest})
        prev = digest
    session.execute(insert(AuditEntry), rows, execution_options={"revision_bump": True})
    session.execute(update(AuditHead).where(AuditHead.id == 1)
                    .values(last_id=last_id, last_hash=prev),
                    execution_options={"revision_bump": True})


def _entries(session: Session, batch: int = 5000) -> Iterator[Row]:
    """Plain rows, not ORM objects: nothing piles up in (or is expunged from) the caller's
    session, whatever else it holds."""
    table = AuditEntry.__table__
    after = 0
    while True:
        chunk = list(session.execute(select(table).where(table.c.id > after)
                                     .order_by(table.c.id).limit(batch)))
        if not chunk:
            return
        yield from chunk
        after = chunk[-1].id


def verify(session: Session) -> tuple[int, list[str]]:
    """How many entries were checked, and what is wrong with the chain (empty: intact)."""
    problems: list[str] = []
    expected_id, prev = 1, GENESIS
    count = 0
    for e in _entries(session):
        count += 1
        if e.id != expected_id:
            problems.append(f"第 {expected_id}–{e.id - 1} 条操作记录不见了（被删除过）")
        if e.prev_hash != prev:
            problems.append(f"第 {e.id} 条操作记录与前一条接不上（前面的记录被改动或删除过）")
        recomputed = entry_hash(e.prev_hash, e.id, e.at, e.user_id, e.username, e.host, e.action,
                                e.entity, e.entity_id, e.summary, e.changes)
        if recomputed != e.hash:
            problems.append(f"第 {e.id} 条操作记录（{e.at:%Y-%m-%d %H:%M} {e.username}）"
                            "的内容与校验值不符（被改动过）")
        expected_id, prev = e.id + 1, e.hash
        if len(problems) > 50:
            problems.append("……问题太多，只列出前 50 处")
            break
    head = session.execute(select(AuditHead.last_id, AuditHead.last_hash)
                           .where(AuditHead.id == 1)).one_or_none()
    if head is None:
        problems.append("操作记录的链尾信息不见了")
    elif head.last_id != expected_id - 1 or (head.last_hash or GENESIS) != prev:
        if head.last_id > expected_id - 1:
            problems.append(f"最后的第 {expected_id}–{head.last_id} 条操作记录不见了（被删除过）")
        else:
            problems.append("操作记录的链尾与记录不符（记录被改动过）")
    return count, problems
