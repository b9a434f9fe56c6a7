"""People on the roster: entered once, normalised, and retired rather than deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.auth import Permission, require
from app.errors import DomainError, ValidationError
from app.models import Gender, MemberRole, Membership, Person, PersonCategory
from app.normalize import (clean_name, clean_text, gender_from_resident_id, mask_resident_id,
                           normalize_phones, normalize_resident_id)
from app.services.common import check_version, get_or_fail, optional, required
from app.services.settings import get_settings


@dataclass
class PersonInput:
    name: str
    gender: Gender | None = None
    unit: str = ""
    position: str = ""
    category: PersonCategory = PersonCategory.OTHER
    phones: str = ""
    landline: str = ""
    resident_id: str | None = None  # None: keep what is stored (forms never see it in full)
    note: str = ""
    resident_id_masked: str = ""    # shown by forms; ignored when saving


def create_person(session: Session, data: PersonInput) -> Person:
    require(session, Permission.EDIT_DIRECTORY)
    person = Person()
    _apply(session, person, data)
    session.add(person)
    session.flush()
    return person


def update_person(session: Session, person_id: int, data: PersonInput,
                  expected_version: int | None = None) -> Person:
    require(session, Permission.EDIT_DIRECTORY)
    person = get_or_fail(session, Person, person_id, "人员")
    check_version(person, expected_version, "人员")
    _apply(session, person, data)
    session.flush()
    return person


def _apply(session: Session, person: Person, data: PersonInput) -> None:
    problems: dict[str, str] = {}
    name = clean_name(data.name)
    try:
        required(name, "name", "姓名", 40)
    except ValidationError as exc:
        problems["name"] = exc.message
    phones = landline = None
    resident_id = person.resident_id
    area_code = get_settings(session).area_code   # a landline typed without it takes it
    try:
        phones = normalize_phones(data.phones, area_code=area_code)
    except ValidationError as exc:
        problems["phones"] = exc.message
    try:
        landline = (normalize_phones(data.landline, area_code=area_code).landline
                    if data.landline else "")
        if data.landline and not landline:
            problems["landline"] = "固定电话请带区号，如 0750-1234567"
    except ValidationError as exc:
        problems["landline"] = exc.message
    try:
        if data.resident_id is not None:
            resident_id = normalize_resident_id(data.resident_id)
    except ValidationError as exc:
        problems["resident_id"] = exc.message
    if resident_id and "resident_id" not in problems:
        owner = session.scalar(select(Person).where(Person.resident_id == resident_id))
        if owner is not None and owner is not person:
            problems["resident_id"] = f"这个身份证号已登记在“{owner.name}”名下"
    if problems:
        raise ValidationError(next(iter(problems.values())), problems=problems)
    person.name = name
    # Forms hand enums back as text; left blank, the resident ID's 17th digit tells it.
    gender = data.gender or gender_from_resident_id(resident_id)
    person.gender = Gender(gender) if gender else None
    person.unit = optional(clean_text(data.unit), "unit", "单位", 80)
    person.position = optional(clean_text(data.position), "position", "职务", 80)
    person.category = PersonCategory(data.category)
    person.mobile = phones.mobile if phones else ""
    person.landline = landline or (phones.landline if phones else "")
    person.resident_id = resident_id
    person.note = optional(clean_text(data.note), "note", "备注", 500)


def find_person(session: Session, name: str, mobile: str = "", resident_id: str | None = None
                ) -> Person | None:
    """The same person as someone already on the roster: same ID, or same name and mobile."""
    require(session, Permission.VIEW_DIRECTORY)
    if resident_id:
        found = session.scalar(select(Person).where(Person.resident_id == resident_id))
        if found is not None:
            return found
    if mobile:
        return session.scalar(select(Person).where(Person.name == name, Person.mobile == mobile))
    return session.scalar(select(Person).where(Person.name == name, Person.mobile == "",
                                               Person.resident_id.is_(None)))


def search_people(session: Session, text: str = "", *, include_retired: bool = False
                  ) -> list[Person]:
    """People the user may see: everyone, or (liaisons, leaders) those in their teams."""
    scope = require(session, Permission.VIEW_DIRECTORY).teams_for(Permission.VIEW_DIRECTORY)
    query = select(Person).order_by(Person.name, Person.id)
    if scope is not None:
        query = query.where(Person.id.in_(select(Membership.person_id)
                                          .where(Membership.team_id.in_(scope))))
    if not include_retired:
        query = query.where(Person.retired_on.is_(None))
    text = clean_text(text)
    if text:
        # lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
        like = f"%{text.lower()}%"
        query = query.where(or_(*(func.lower(column).like(like) for column in
                                  (Person.name, Person.unit, Person.position, Person.mobile))))
    return list(session.scalars(query))


def retire_person(session: Session, person_id: int, on: date, reason: str) -> Person:
    """Take someone off the roster; their memberships end that day, their history stays."""
    require(session, Permission.EDIT_DIRECTORY)
    person = get_or_fail(session, Person, person_id, "人员")
    if person.retired_on is not None:
        raise DomainError(f"“{person.name}”已于 {person.retired_on} 退出名册。")
    current = [m for m in person.memberships if m.in_force(on) or m.start_date > on]
    leading = [m.team.name for m in current if m.role == MemberRole.LEADER]
    if leading:
        raise DomainError(f"“{person.name}”是{'、'.join(leading)}的责任人，请先在团队页用“替换”指定继任者。")
    for membership in current:
        _end(membership, on, reason or "人员退出名册")
    person.retired_on = on
    session.flush()
    return person


def _end(membership: Membership, on: date, reason: str) -> None:
    membership.end_date = max(on, membership.start_date)
    membership.end_reason = reason


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    gender: str
    unit: str
    position: str
    category: str
    phone: str
    resident_id: str  # masked: the list never shows a full ID
    teams: str


def person_rows(session: Session) -> list[PersonRow]:
    from app.services.teams import list_teams

    teams_of: dict[int, list[str]] = {}
    for team in list_teams(session):
        for m in team.current():
            names = teams_of.setdefault(m.person_id, [])
            if team.name not in names:
                names.append(team.name)
    return [PersonRow(p.id, p.name, p.gender.label if p.gender else "", p.unit, p.position,
                      p.category.label, p.phone, mask_resident_id(p.resident_id),
                      "、".join(teams_of.get(p.id, [])))
            for p in search_people(session)]


def person_input(session: Session, person_id: int) -> tuple[PersonInput, int]:
    """What the edit form starts from: the resident ID only masked."""
    require(session, Permission.EDIT_DIRECTORY)
    p = get_or_fail(session, Person, person_id, "人员")
    data = PersonInput(name=p.name, gender=p.gender, unit=p.unit, position=p.position,
                       category=p.category, phones=p.mobile, landline=p.landline,
                       note=p.note, resident_id_masked=mask_resident_id(p.resident_id))
    return data, p.version
