"""Households (户) of each community: the roster every card, visit and register builds on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.auth import Permission, can, community_scope, require
from app.errors import NotFoundError, ValidationError
from app.models import Community, Grid, Household, HouseholdKind, HouseholdTag, KeyGroup
from app.normalize import (clean_name, clean_text, mask_resident_id, normalize_phones,
                           normalize_resident_id)
from app.services.common import check_version, get_or_fail, optional, required
from app.services.settings import get_settings


@dataclass
class HouseholdInput:
    community_id: int
    address: str
    head_name: str
    phones: str = ""
    size: int = 1
    kind: HouseholdKind = HouseholdKind.RESIDENT
    grid_id: int | None = None
    head_resident_id: str | None = None  # None: keep what is stored (forms never see it in full)
    note: str = ""
    head_resident_id_masked: str = ""    # shown by forms; ignored when saving


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    """One line of the household list: plain values, cheap to hold 50,000 of."""

    id: int
    community: str
    grid: str
    address: str
    head_name: str
    phone: str
    size: int
    kind: str
    key_groups: str


def create_household(session: Session, data: HouseholdInput) -> Household:
    require(session, Permission.EDIT_DIRECTORY)
    household = Household()
    _apply(session, household, data)
    session.add(household)
    session.flush()
    return household


def update_household(session: Session, household_id: int, data: HouseholdInput,
                     expected_version: int | None = None) -> Household:
    require(session, Permission.EDIT_DIRECTORY)
    household = get_or_fail(session, Household, household_id, "住户")
    check_version(household, expected_version, "住户")
    _apply(session, household, data)
    session.flush()
    return household


def _apply(session: Session, household: Household, data: HouseholdInput) -> None:
    problems: dict[str, str] = {}
    get_or_fail(session, Community, data.community_id, "村（社区）")
    address = clean_text(data.address)
    head = clean_name(data.head_name)
    phones = None
    for field_name, label, value, limit in (("address", "门牌地址", address, 120),
                                            ("head_name", "户主姓名", head, 60)):
        try:
            required(value, field_name, label, limit)
        except ValidationError as exc:
            problems[field_name] = exc.message
    try:
        phones = normalize_phones(data.phones, area_code=get_settings(session).area_code)
    except ValidationError as exc:
        problems["phones"] = exc.message
    resident_id = household.head_resident_id
    try:
        if data.head_resident_id is not None:
            resident_id = normalize_resident_id(data.head_resident_id)
    except ValidationError as exc:
        problems["head_resident_id"] = exc.message
    if not 1 <= data.size <= 99:
        problems["size"] = "家庭人口应在 1 到 99 之间"
    if data.grid_id is not None:
        grid = get_or_fail(session, Grid, data.grid_id, "网格")
        if grid.community_id != data.community_id:
            problems["grid_id"] = "所选网格不属于这个村（社区）"
    clash = session.scalar(select(Household).where(
        Household.community_id == data.community_id, Household.address == address,
        Household.head_name == head))
    if clash is not None and clash is not household:
        problems["address"] = f"{address}已登记户主为{head}的住户"
    if problems:
        raise ValidationError(next(iter(problems.values())), problems=problems)
    household.community_id = data.community_id
    household.grid_id = data.grid_id
    household.address, household.head_name = address, head
    household.mobile, household.landline = phones.mobile, phones.landline  # type: ignore[union-attr]
    household.size, household.kind = data.size, HouseholdKind(data.kind)
    household.head_resident_id = resident_id
    household.note = optional(clean_text(data.note), "note", "备注", 500)


def possible_duplicates(session: Session, data: HouseholdInput,
                        household_id: int | None = None) -> list[str]:
    """Households (not moved out) of the same community at the same address with the same
    mobile or landline as ``data``: the form asks before saving what may be one family twice.
    Each as "石岗村1号 张三（13512345678）". Nothing when the address or phones are not valid
    yet (saving says what is wrong)."""
    require(session, Permission.EDIT_DIRECTORY)
    address = clean_text(data.address)
    try:
        phones = normalize_phones(data.phones, area_code=get_settings(session).area_code)
    except ValidationError:
        return []
    numbers = [n for n in (phones.mobile, phones.landline) if n]
    if not address or not numbers:
        return []
    same_phone = [c == n for n in numbers for c in (Household.mobile, Household.landline)]
    query = (select(Household).where(
        Household.community_id == data.community_id, Household.address == address,
        Household.moved_out_on.is_(None), or_(*same_phone)).order_by(Household.id))
    if household_id is not None:
        query = query.where(Household.id != household_id)
    return [f"{h.address} {h.head_name}（{'，'.join(p for p in (h.mobile, h.landline) if p)}）"
            for h in session.scalars(query)]


def _row_query(day: date):  # type: ignore[no-untyped-def]
    """The one query behind the list and a single refreshed row (tags in force on ``day``)."""
    tags = (select(HouseholdTag.household_id,
                   func.aggregate_strings(KeyGroup.name, "、").label("names"))
            .join(KeyGroup).where(HouseholdTag.added_on <= day,
                                  (HouseholdTag.removed_on.is_(None)) | (HouseholdTag.removed_on > day))
            .group_by(HouseholdTag.household_id).subquery())
    return (select(Household.id, Community.name, Grid.name, Household.address,
                   Household.head_name, Household.mobile, Household.landline, Household.size,
                   Household.kind, tags.c.names)
            .join(Community, Household.community_id == Community.id)
            .outerjoin(Grid, Household.grid_id == Grid.id)
            .outerjoin(tags, tags.c.household_id == Household.id)
            .where(Household.moved_out_on.is_(None)))


def _to_row(r: Any, sensitive: bool) -> HouseholdRow:
    """Key groups only for roles that need them (``sensitive``); others see the row without."""
    return HouseholdRow(r[0], r[1], r[2] or "", r[3], r[4], r[5] or r[6], r[7], r[8].label,
                        (r[9] or "") if sensitive else "")


def household_rows(session: Session, community_id: int | None = None,
                   on: date | None = None) -> list[HouseholdRow]:
    """The household list in one query (tags folded in), for lists of any size."""
    query = _scoped(session, _row_query(on or date.today())).order_by(Community.name, Household.id)
    if community_id is not None:
        query = query.where(Household.community_id == community_id)
    return [_to_row(r, can(session, Permission.VIEW_SENSITIVE)) for r in session.execute(query)]


def _scoped(session: Session, query):  # type: ignore[no-untyped-def]
    """Only the households of communities the user's teams serve, for team-scoped roles."""
    scope = community_scope(session, Permission.VIEW_DIRECTORY)
    return query if scope is None else query.where(Household.community_id.in_(scope))


def household_row(session: Session, household_id: int, on: date | None = None) -> HouseholdRow:
    """One line of the list, fresh after a save, so the window need not reload every row."""
    found = session.execute(_scoped(session, _row_query(on or date.today()))
                            .where(Household.id == household_id)).first()
    if found is None:
        raise NotFoundError(f"找不到这个住户（编号 {household_id}），可能已被删除或已迁出。")
    return _to_row(found, can(session, Permission.VIEW_SENSITIVE))


def household_input(session: Session, household_id: int) -> tuple[HouseholdInput, int]:
    """What the edit form starts from, and the version it must still find when saving."""
    require(session, Permission.EDIT_DIRECTORY)
    h = get_or_fail(session, Household, household_id, "住户")
    phones = "，".join(p for p in (h.mobile, h.landline) if p)
    data = HouseholdInput(community_id=h.community_id, address=h.address, head_name=h.head_name,
                          phones=phones, size=h.size, kind=h.kind, grid_id=h.grid_id,
                          note=h.note, head_resident_id_masked=mask_resident_id(h.head_resident_id))
    return data, h.version


def key_group_names(session: Session) -> list[str]:
    require(session, Permission.VIEW_DIRECTORY)
    return list(session.scalars(select(KeyGroup.name).order_by(KeyGroup.sort_order, KeyGroup.id)))


def current_tag_names(session: Session, household_id: int, on: date | None = None) -> list[str]:
    require(session, Permission.VIEW_SENSITIVE)
    household = get_or_fail(session, Household, household_id, "住户")
    return [g.name for g in household.current_tags(on)]


def tag_household(session: Session, household_id: int, group_name: str, on: date, reason: str
                  ) -> HouseholdTag:
    require(session, Permission.EDIT_DIRECTORY)
    household = get_or_fail(session, Household, household_id, "住户")
    group = session.scalar(select(KeyGroup).where(KeyGroup.name == clean_text(group_name)))
    if group is None:
        raise ValidationError(f"没有“{group_name}”这个重点人群类别，请先在设置中添加", "key_group")
    current = next((t for t in household.tags if t.key_group_id == group.id and t.in_force(on)), None)
    if current is not None:
        return current
    tag = HouseholdTag(household=household, key_group=group, added_on=on,
                       added_reason=clean_text(reason))
    session.add(tag)
    session.flush()
    return tag


def untag_household(session: Session, household_id: int, group_name: str, on: date, reason: str
                    ) -> HouseholdTag | None:
    """End the open tag on ``on``; the row stays as history. None when it was not tagged."""
    require(session, Permission.EDIT_DIRECTORY)
    household = get_or_fail(session, Household, household_id, "住户")
    name = clean_text(group_name)
    current = next((t for t in household.tags
                    if t.key_group.name == name and t.removed_on is None), None)
    if current is None:
        return None
    if on < current.added_on:
        raise ValidationError(f"“{name}”是 {current.added_on} 加入的，移除日期不能更早", "tag_date")
    current.removed_on, current.removed_reason = on, clean_text(reason)
    session.flush()
    return current
