"""Station teams: who leads them, who serves in them, where and when they are stationed.

Rules from the seeds, with the town's settings: a station team (leader, core members and
the town liaison) has at most 10 people; one leader and one town liaison at a time; a leader
serves one or two communities (more is allowed but warned about); members are replaced by a
successor or retire, never deleted, so the team's history stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.auth import Permission, require, require_team
from app.errors import DomainError, ValidationError
from app.models import Community, MemberRole, Membership, Person, Team, TeamCommunity
from app.models.enums import weekday_label
from app.normalize import clean_text
from app.services.common import check_version, get_or_fail, optional, required
from app.services.settings import get_settings


@dataclass
class TeamInput:
    name: str
    community_ids: list[int]
    station_weekday: int
    station_start: time
    station_end: time
    station_place: str = ""
    hotline: str = ""
    note: str = ""


@dataclass
class Saved:
    """A saved team with the warnings the user should see (rules bent, not broken)."""

    team: Team
    warnings: list[str] = field(default_factory=list)


def default_input(session: Session, name: str = "", community_ids: list[int] | None = None
                  ) -> TeamInput:
    require(session, Permission.EDIT_DIRECTORY)
    settings = get_settings(session)
    return TeamInput(name=name, community_ids=list(community_ids or []),
                     station_weekday=settings.station_weekday, station_start=settings.station_start,
                     station_end=settings.station_end, hotline=settings.hotline)


def create_team(session: Session, data: TeamInput, leader_id: int, start: date,
                leader_title: str = "组长") -> Saved:
    """A team is born with its leader: there is no station team without one."""
    require(session, Permission.EDIT_DIRECTORY)
    team = Team()
    _apply(session, team, data)
    session.add(team)
    session.flush()
    leader = get_or_fail(session, Person, leader_id, "责任人")
    _check_person_active(leader, start)
    team.memberships.append(Membership(person=leader, role=MemberRole.LEADER, title=leader_title,
                                       start_date=start))
    session.flush()
    return Saved(team, team_warnings(session, team, after_save=True))


def update_team(session: Session, team_id: int, data: TeamInput,
                expected_version: int | None = None) -> Saved:
    require(session, Permission.EDIT_DIRECTORY)
    team = get_or_fail(session, Team, team_id, "驻点团队")
    check_version(team, expected_version, "驻点团队")
    _apply(session, team, data)
    session.flush()
    return Saved(team, team_warnings(session, team, after_save=True))


def _apply(session: Session, team: Team, data: TeamInput) -> None:
    problems: dict[str, str] = {}
    name = clean_text(data.name)
    try:
        required(name, "name", "团队名称", 60)
        clash = session.scalar(select(Team).where(Team.name == name))
        if clash is not None and clash is not team:
            problems["name"] = f"已有名为“{name}”的驻点团队"
    except ValidationError as exc:
        problems["name"] = exc.message
    if not data.community_ids:
        problems["communities"] = "请至少选择一个驻点村（社区）"
    if not 1 <= data.station_weekday <= 7:
        problems["station_weekday"] = "请选择驻点日"
    if data.station_end <= data.station_start:
        problems["station_end"] = "驻点结束时间应晚于开始时间"
    if problems:
        raise ValidationError(next(iter(problems.values())), problems=problems)
    team.name = name
    team.station_weekday = data.station_weekday
    team.station_start = data.station_start
    team.station_end = data.station_end
    team.station_place = optional(clean_text(data.station_place), "station_place", "驻点地点", 120)
    team.hotline = optional(clean_text(data.hotline), "hotline", "服务热线", 40)
    team.note = optional(clean_text(data.note), "note", "备注", 500)
    _set_communities(session, team, data.community_ids)


def _set_communities(session: Session, team: Team, community_ids: list[int]) -> None:
    wanted = list(dict.fromkeys(community_ids))
    for cid in wanted:
        get_or_fail(session, Community, cid, "村（社区）")
    team.community_links = [
        next((link for link in team.community_links if link.community_id == cid), None)
        or TeamCommunity(community_id=cid) for cid in wanted]
    for position, link in enumerate(team.community_links):
        link.position = position


def add_member(session: Session, team_id: int, person_id: int, role: MemberRole, start: date,
               title: str = "") -> Saved:
    require(session, Permission.EDIT_DIRECTORY)
    team = get_or_fail(session, Team, team_id, "驻点团队")
    person = get_or_fail(session, Person, person_id, "人员")
    _check_person_active(person, start)
    _check_can_join(session, team, person, role, start)
    team.memberships.append(Membership(person=person, role=role, start_date=start,
                                       title=optional(clean_text(title), "title", "团队职务", 40)))
    session.flush()
    return Saved(team, team_warnings(session, team, after_save=True))


def replace_member(session: Session, membership_id: int, successor_id: int, on: date,
                   reason: str = "") -> Saved:
    """The successor takes the same place from ``on``; the predecessor's record ends that day."""
    require(session, Permission.EDIT_DIRECTORY)
    old = get_or_fail(session, Membership, membership_id, "团队成员")
    if not old.in_force(on):
        raise DomainError(f"{old.person.name}在 {on} 已不在团队中，无需替换。")
    successor = get_or_fail(session, Person, successor_id, "继任者")
    if successor.id == old.person_id:
        raise ValidationError("继任者不能是本人", "successor")
    _check_person_active(successor, on)
    old.end_date, old.end_reason = on, clean_text(reason) or f"由{successor.name}接替"
    session.flush()
    _check_can_join(session, old.team, successor, old.role, on)
    old.team.memberships.append(Membership(person=successor, role=old.role, title=old.title,
                                           start_date=on, replaces=old))
    session.flush()
    return Saved(old.team, team_warnings(session, old.team, after_save=True))


def end_membership(session: Session, membership_id: int, on: date, reason: str) -> Saved:
    """A member leaves without a successor. The leader cannot: a team always has one."""
    require(session, Permission.EDIT_DIRECTORY)
    membership = get_or_fail(session, Membership, membership_id, "团队成员")
    if membership.role == MemberRole.LEADER:
        raise DomainError("责任人不能直接退出：请用“替换”指定继任的责任人。")
    if membership.end_date is not None:
        raise DomainError(f"{membership.person.name}已于 {membership.end_date} 退出团队。")
    if on < membership.start_date:
        raise ValidationError(f"退出日期不能早于加入日期 {membership.start_date}", "end_date")
    membership.end_date = on
    membership.end_reason = required(clean_text(reason), "reason", "退出原因", 200)
    session.flush()
    return Saved(membership.team, team_warnings(session, membership.team, after_save=True))


def _check_person_active(person: Person, on: date) -> None:
    if person.retired_on is not None and person.retired_on <= on:
        raise DomainError(f"“{person.name}”已于 {person.retired_on} 退出名册，不能再加入团队。")


def _check_can_join(session: Session, team: Team, person: Person, role: MemberRole, on: date
                    ) -> None:
    current = team.current(on=on)
    if any(m.person_id == person.id and m.role == role for m in current):
        raise DomainError(f"“{person.name}”已是{team.name}的{role.label}。")
    if any(m.person_id == person.id and m.role.in_station_team for m in current) \
            and role.in_station_team:
        raise DomainError(f"“{person.name}”已在{team.name}的驻点团队中，不能重复加入。")
    if role in (MemberRole.LEADER, MemberRole.TOWN_LIAISON) and team.current(role, on):
        holder = team.current(role, on)[0].person.name
        raise DomainError(f"{team.name}已有{role.label}（{holder}）：请用“替换”换人。")
    if role == MemberRole.COMMUNITY_LIAISON:
        limit = max(1, len(team.community_links))
        if len(team.current(role, on)) >= limit:
            raise DomainError(f"{team.name}已有 {limit} 名辅助团队联络员（每个驻点村（社区）一名）。")
    if role.in_station_team:
        limit = get_settings(session).max_station_team_size
        size = sum(1 for m in current if m.role.in_station_team)
        if size >= limit:
            raise DomainError(f"{team.name}的驻点团队已有 {size} 人，按规定不超过 {limit} 人"
                              "（含责任人和专职联络员）。辅助人员请加入辅助团队。")


def team_warnings(session: Session, team: Team, after_save: bool = False) -> list[str]:
    """Rules a town may bend for a while: the team page's banner shows them all; after a save
    (``after_save``) the standing "还没有专职联络员" is left to the banner, not said again in a
    message after every save while the team is being filled."""
    warnings = []
    limit = get_settings(session).max_communities_per_leader
    leader = team.leader
    if leader is not None:
        served = leader_communities(session, leader.id)
        if len(served) > limit:
            warnings.append(f"责任人{leader.name}联系 {len(served)} 个村（社区）"
                            f"（{'、'.join(served)}），规定为 1—{limit} 个。")
    if not team.current(MemberRole.TOWN_LIAISON) and not after_save:
        warnings.append(f"{team.name}还没有专职联络员。")
    for link in team.community_links:
        others = [t.name for t in _teams_serving(session, link.community_id) if t.id != team.id]
        if others:
            warnings.append(f"{link.community.name}同时由{'、'.join(others)}驻点。")
    return warnings


def leader_communities(session: Session, person_id: int, on: date | None = None) -> list[str]:
    require(session, Permission.VIEW_DIRECTORY)
    day = on or date.today()
    rows = session.execute(
        select(Community.name).distinct()
        .join(TeamCommunity, TeamCommunity.community_id == Community.id)
        .join(Membership, Membership.team_id == TeamCommunity.team_id)
        .where(Membership.person_id == person_id, Membership.role == MemberRole.LEADER,
               Membership.start_date <= day,
               (Membership.end_date.is_(None)) | (Membership.end_date > day))
        .order_by(Community.name))
    return list(rows.scalars())


def _teams_serving(session: Session, community_id: int) -> list[Team]:
    return list(session.scalars(select(Team).join(TeamCommunity)
                                .where(TeamCommunity.community_id == community_id,
                                       Team.dissolved_on.is_(None))))


def list_teams(session: Session) -> list[Team]:
    """Every active team the user may see, with what its list row and page show, loaded in a
    few queries."""
    scope = require(session, Permission.VIEW_DIRECTORY).teams_for(Permission.VIEW_DIRECTORY)
    query = select(Team).where(Team.dissolved_on.is_(None))
    if scope is not None:
        query = query.where(Team.id.in_(scope))
    return list(session.scalars(
        query.order_by(Team.name)
        .options(selectinload(Team.community_links).selectinload(TeamCommunity.community),
                 selectinload(Team.memberships).selectinload(Membership.person))))


def find_team(session: Session, name: str) -> Team | None:
    require(session, Permission.VIEW_DIRECTORY)
    return session.scalar(select(Team).where(Team.name == clean_text(name)))


def schedule_text(team: Team) -> str:
    return (f"每{weekday_label(team.station_weekday)} "
            f"{team.station_start:%H:%M}—{team.station_end:%H:%M}")


@dataclass(frozen=True)
class TeamRow:
    """One line of the team list."""

    id: int
    name: str
    leader: str
    communities: str
    schedule: str
    place: str
    size: int


@dataclass(frozen=True)
class MemberLine:
    """A membership as the team page shows it: plain values, safe after the session closes."""

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
    replaces: str = ""

    @property
    def label(self) -> str:
        return f"{self.role}：{self.name}" + (f"（{self.title}）" if self.title else "")


@dataclass(frozen=True)
class TeamView:
    """Everything the team page shows, as plain values."""

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
        """Everyone serving now, in the order the page lists them."""
        one = [m for m in (self.leader, self.town_liaison) if m is not None]
        return one[:1] + self.core + one[1:] + self.community_liaisons + self.support


def team_rows(session: Session) -> list[TeamRow]:
    return [_team_row(team) for team in list_teams(session)]


def _team_row(team: Team) -> TeamRow:
    leader = team.leader
    station = [m for m in team.current() if m.role.in_station_team]
    return TeamRow(team.id, team.name, leader.name if leader else "（未指定）",
                   "、".join(c.name for c in team.communities), schedule_text(team),
                   team.station_place, len(station))


def member_line(m: Membership) -> MemberLine:
    person = m.person
    unit = " ".join(part for part in (person.unit, person.position) if part)
    return MemberLine(m.id, person.id, m.role.label, person.name, m.title, unit, person.phone,
                      m.start_date, m.end_date, m.end_reason,
                      m.replaces.person.name if m.replaces is not None else "")


def overview(session: Session, team_id: int, on: date | None = None) -> TeamView:
    """The team page for day ``on`` (today by default)."""
    require_team(session, Permission.VIEW_DIRECTORY, team_id)
    team = get_or_fail(session, Team, team_id, "驻点团队")

    def one(role: MemberRole) -> MemberLine | None:
        found = team.current(role, on)
        return member_line(found[0]) if found else None

    def lines(role: MemberRole) -> list[MemberLine]:
        return [member_line(m) for m in team.current(role, on)]

    day = on or date.today()
    former = sorted((m for m in team.memberships if m.end_date is not None and m.end_date <= day),
                    key=lambda m: m.end_date or date.min, reverse=True)
    return TeamView(
        id=team.id, name=team.name, version=team.version,
        communities=[c.name for c in team.communities], schedule=schedule_text(team),
        place=team.station_place, hotline=team.hotline,
        leader=one(MemberRole.LEADER), core=lines(MemberRole.CORE),
        town_liaison=one(MemberRole.TOWN_LIAISON), support=lines(MemberRole.SUPPORT),
        community_liaisons=lines(MemberRole.COMMUNITY_LIAISON),
        former=[member_line(m) for m in former], warnings=team_warnings(session, team))


def team_input(session: Session, team_id: int) -> tuple[TeamInput, int]:
    """What the edit form starts from, and the version it must save against."""
    require(session, Permission.EDIT_DIRECTORY)
    team = get_or_fail(session, Team, team_id, "驻点团队")
    data = TeamInput(name=team.name, community_ids=[c.id for c in team.communities],
                     station_weekday=team.station_weekday, station_start=team.station_start,
                     station_end=team.station_end, station_place=team.station_place,
                     hotline=team.hotline, note=team.note)
    return data, team.version
