"""Plain values for the people list and the person form."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.models import Gender, PersonCategory
from app.normalize import mask_resident_id
from app.services import teams as team_service
from app.services.common import get_or_fail
from app.services.people import PersonInput, search_people
from app.models import Person


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
    teams_of: dict[int, list[str]] = {}
    for team in team_service.list_teams(session):
        for m in team.current():
            names = teams_of.setdefault(m.person_id, [])
            if team.name not in names:
                names.append(team.name)
    return [PersonRow(p.id, p.name, p.gender.label if p.gender else "", p.unit, p.position,
                      p.category.label, p.phone, mask_resident_id(p.resident_id),
                      "、".join(teams_of.get(p.id, [])))
            for p in search_people(session)]


def person_input(session: Session, person_id: int) -> tuple[PersonInput, int]:
    p = get_or_fail(session, Person, person_id, "人员")
    data = PersonInput(name=p.name, gender=p.gender, unit=p.unit, position=p.position,
                       category=p.category, phones=p.mobile, landline=p.landline,
                       resident_id=p.resident_id or "", note=p.note)
    return data, p.version


GENDERS: list[tuple[str, Gender | None]] = [("（未填）", None)] + [(g.label, g) for g in Gender]
CATEGORIES: list[tuple[str, PersonCategory]] = [(c.label, c) for c in PersonCategory]
