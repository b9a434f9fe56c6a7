"""Plain values for the team list and the team page, copied out inside one session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app.models import Membership, Team
from app.services import teams as team_service
from app.services.common import get_or_fail
from app.services.people import search_people


@dataclass(frozen=True)
class SaveResult:
    """What a team form hands back: the team to select, and the warnings to show."""

    team_id: int
    warnings: list[str]

    @classmethod
    def of(cls, saved: team_service.Saved) -> "SaveResult":
        return cls(saved.team.id, list(saved.warnings))


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    leader: str
    communities: str
    schedule: str
    place: str
    size: int


@dataclass(frozen=True)
class MemberLine:
    membership_id: int
    person_id: int
    role: str
    name: str
    title: str
    unit: str
    phone: str
    start: date
    end: date | None = None
    end_reason: str = ""

    @property
    def label(self) -> str:
        return f"{self.role}：{self.name}" + (f"（{self.title}）" if self.title else "")


@dataclass(frozen=True)
class TeamView:
    id: int
    name: str
    version: int
    communities: list[str]
    schedule: str
    place: str
    hotline: str
    leader: MemberLine | None
    core: list[MemberLine]
    town_liaison: MemberLine | None
    support: list[MemberLine]
    community_liaisons: list[MemberLine]
    former: list[MemberLine]
    warnings: list[str] = field(default_factory=list)

    @property
    def current(self) -> list[MemberLine]:
        one = [m for m in (self.leader, self.town_liaison) if m is not None]
        return one[:1] + self.core + one[1:] + self.community_liaisons + self.support


def team_rows(session: Session) -> list[TeamRow]:
    return [_team_row(team) for team in team_service.list_teams(session)]


def _team_row(team: Team) -> TeamRow:
    leader = team.leader
    station = [m for m in team.current() if m.role.in_station_team]
    return TeamRow(team.id, team.name, leader.name if leader else "（未指定）",
                   "、".join(c.name for c in team.communities), team_service.schedule_text(team),
                   team.station_place, len(station))


def member_line(m: Membership) -> MemberLine:
    person = m.person
    unit = " ".join(part for part in (person.unit, person.position) if part)
    return MemberLine(m.id, person.id, m.role.label, person.name, m.title, unit, person.phone,
                      m.start_date, m.end_date, m.end_reason)


def team_view(session: Session, team_id: int) -> TeamView:
    o = team_service.overview(session, team_id)

    def lines(items: list[Membership]) -> list[MemberLine]:
        return [member_line(m) for m in items]

    return TeamView(
        o.id, o.name, o.version, list(o.communities), o.schedule, o.place, o.hotline,
        member_line(o.leader) if o.leader else None, lines(o.core),
        member_line(o.town_liaison) if o.town_liaison else None, lines(o.support),
        lines(o.community_liaisons), lines(o.former), list(o.warnings))


def team_input(session: Session, team_id: int) -> tuple[team_service.TeamInput, int]:
    """What the edit form starts from, and the version it must save against."""
    team = get_or_fail(session, Team, team_id, "驻点团队")
    data = team_service.TeamInput(
        name=team.name, community_ids=[c.id for c in team.communities],
        station_weekday=team.station_weekday, station_start=team.station_start,
        station_end=team.station_end, station_place=team.station_place,
        hotline=team.hotline, note=team.note)
    return data, team.version


def people_choices(session: Session) -> list[tuple[str, int]]:
    """Active people as (label, id) for pickers: the unit tells two 陈伟 apart."""
    return [(f"{p.name}（{p.unit or p.category.label}）", p.id) for p in search_people(session)]
