"""Seeing a resident ID in full: only for roles that need it, and always recorded."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app import audit
from app.auth import Permission, require, require_community
from app.errors import NotFoundError
from app.models import Household, Person
from app.services.common import get_or_fail


def reveal_resident_id(session: Session, kind: str, record_id: int, reason: str = "") -> str:
    """The full ID of a person (``kind="person"``) or a household head (``"household"``)."""
    require(session, Permission.UNMASK_ID)
    if kind == "household":
        household = get_or_fail(session, Household, record_id, "住户")
        require_community(session, Permission.UNMASK_ID, household.community_id)
        value, who = household.head_resident_id, f"住户：{household.head_name}（{household.address}）"
    elif kind == "person":
        person = get_or_fail(session, Person, record_id, "人员")
        value, who = person.resident_id, f"人员：{person.name}"
    else:
        raise ValueError(kind)
    if not value:
        raise NotFoundError("没有登记身份证号。")
    audit.record(session, "unmask", kind, record_id,
                 f"查看完整身份证号 — {who}" + (f"，事由：{reason}" if reason else ""))
    return value
