"""The station log (驻点日志) and the reception record (接待台账).

Rules this module settles:

- A session belongs to a team and one of the communities the team serves on that day's list;
  hours and place default to the team's (its station hours and room).
- Members present must be members of the team (station or support team) on that day.
- A make-up session (补班) needs the date it was announced, at least
  ``TownSettings.make_up_notice_days`` (3) days before; otherwise it is refused with the latest
  date the announcement should have been made. ``make_up_for`` names the station day it
  replaces: that day is then no gap.
- Problems raised in a session are registered in the problem ledger in the same call
  (source 驻点日志, the session's community, team and date) — never typed twice.
- A gap is a day of the team's station weekday, within the asked period (and before the team
  was dissolved), with no session of the team that day and no make-up for it.
- Keeping the log needs KEEP_RECORDS for the team; reading needs VIEW_RECORDS (scoped for
  liaisons and leaders to their teams).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.auth import Permission, require, require_team
from app.errors import NotFoundError, ValidationError
from app.models import (Household, Person, Problem, ProblemSource, Reception, SessionKind,
                        StationSession, Team)
from app.normalize import clean_text, normalize_phone
from app.services.common import get_or_fail, optional, required
from app.services.problems import ProblemInput, raise_problem
from app.services.settings import get_settings


@dataclass
class SessionInput:
    team_id: int
    community_id: int
    held_on: date
    kind: SessionKind = SessionKind.RECEPTION
    start_time: time | None = None        # None: the team's station hours
    end_time: time | None = None
    place: str = ""                       # empty: the team's station place
    member_ids: list[int] = field(default_factory=list)
    household_ids: list[int] = field(default_factory=list)
    summary: str = ""
    make_up_announced_on: date | None = None
    make_up_for: date | None = None
    # Raised in this session; community, team, date and source are filled in from the session.
    problems: list[ProblemInput] = field(default_factory=list)


def create_session(session: Session, data: SessionInput) -> StationSession:
    actor = require_team(session, Permission.KEEP_RECORDS, data.team_id)
    team = get_or_fail(session, Team, data.team_id, "驻点团队")
    row = StationSession(team_id=team.id, recorded_by=actor.user_id)
    _apply(session, team, row, data)
    session.add(row)
    session.flush()
    for item in data.problems:
        raise_problem(session, replace(
            item, community_id=row.community_id, team_id=team.id, reported_on=row.held_on,
            source=ProblemSource.STATION_LOG, station_session_id=row.id))
    session.refresh(row, ["problems"])
    return row


def _apply(session: Session, team: Team, row: StationSession, data: SessionInput) -> None:
    problems: dict[str, str] = {}
    if data.community_id not in {link.community_id for link in team.community_links}:
        problems["community_id"] = f"{team.name}不在所选村（社区）驻点，请选择团队驻点的村（社区）。"
    if team.dissolved_on is not None and data.held_on >= team.dissolved_on:
        problems["held_on"] = f"{team.name}已于 {team.dissolved_on:%Y-%m-%d} 撤销，不能再记日志。"
    start = data.start_time or team.station_start
    end = data.end_time or team.station_end
    if end <= start:
        problems["end_time"] = "结束时间应晚于开始时间"
    if data.kind == SessionKind.MAKE_UP:
        days = get_settings(session).make_up_notice_days
        latest = data.held_on - timedelta(days=days)
        if data.make_up_announced_on is None:
            problems["make_up_announced_on"] = (
                f"补班须提前 {days} 天公告：请填写公告日期（{data.held_on:%Y-%m-%d} 的补班"
                f"最迟应在 {latest:%Y-%m-%d} 公告）")
        elif data.make_up_announced_on > latest:
            problems["make_up_announced_on"] = (
                f"补班须至少提前 {days} 天公告：{data.held_on:%Y-%m-%d} 的补班最迟应在 "
                f"{latest:%Y-%m-%d} 公告，现填的公告日期是 {data.make_up_announced_on:%Y-%m-%d}")
        if data.make_up_for is not None and data.make_up_for.isoweekday() != team.station_weekday:
            problems["make_up_for"] = f"所补的 {data.make_up_for:%Y-%m-%d} 不是{team.name}的驻点日"
    elif data.make_up_announced_on is not None or data.make_up_for is not None:
        problems["kind"] = "只有补班才填写公告日期和所补的驻点日"
    serving = {m.person_id for m in team.memberships if m.in_force(data.held_on)}
    members: list[Person] = []
    for person_id in dict.fromkeys(data.member_ids):
        person = session.get(Person, person_id)
        if person is None or person_id not in serving:
            name = person.name if person else f"编号 {person_id}"
            problems["member_ids"] = f"{name}在 {data.held_on:%Y-%m-%d} 不是{team.name}的成员"
            break
        members.append(person)
    households: list[Household] = []
    for household_id in dict.fromkeys(data.household_ids):
        household = session.get(Household, household_id)
        if household is None or household.community_id != data.community_id:
            problems["household_ids"] = "所选住户不在这个村（社区）"
            break
        households.append(household)
    try:
        place = optional(clean_text(data.place), "place", "地点", 120)
        summary = optional(clean_text(data.summary), "summary", "情况摘要", 5000)
    except ValidationError as err:
        problems[err.field or "summary"] = err.message
        place = summary = ""
    if problems:
        raise ValidationError(next(iter(problems.values())), problems=problems)
    row.community_id = data.community_id
    row.held_on = data.held_on
    row.kind = data.kind
    row.start_time = start
    row.end_time = end
    row.place = place or team.station_place
    row.summary = summary
    row.make_up_announced_on = data.make_up_announced_on
    row.make_up_for = data.make_up_for
    row.members = members
    row.households = households


def station_gaps(session: Session, team_id: int, start: date, end: date) -> list[date]:
    """Station days of the team in [start, end] with no session recorded (nor made up)."""
    require_team(session, Permission.VIEW_RECORDS, team_id)
    team = get_or_fail(session, Team, team_id, "驻点团队")
    if team.dissolved_on is not None:
        end = min(end, team.dissolved_on - timedelta(days=1))
    if end < start:
        return []
    covered: set[date] = set()
    for held_on, made_up in session.execute(
            select(StationSession.held_on, StationSession.make_up_for)
            .where(StationSession.team_id == team_id,
                   or_(StationSession.held_on.between(start, end),
                       StationSession.make_up_for.between(start, end)))):
        covered.add(held_on)
        if made_up is not None:
            covered.add(made_up)
    first = start + timedelta(days=(team.station_weekday - start.isoweekday()) % 7)
    days: list[date] = []
    day = first
    while day <= end:
        if day not in covered:
            days.append(day)
        day += timedelta(days=7)
    return days


def list_sessions(session: Session, team_id: int | None = None, start: date | None = None,
                  end: date | None = None) -> list[StationSession]:
    query = _scoped(session, select(StationSession), StationSession.team_id)
    if team_id is not None:
        query = query.where(StationSession.team_id == team_id)
    if start is not None:
        query = query.where(StationSession.held_on >= start)
    if end is not None:
        query = query.where(StationSession.held_on <= end)
    # The list shows members, problems, team and community of every row: load them in a few
    # queries, not a few per row.
    query = query.options(selectinload(StationSession.members),
                          selectinload(StationSession.problems),
                          joinedload(StationSession.team), joinedload(StationSession.community))
    return list(session.scalars(query.order_by(StationSession.held_on, StationSession.id)))


def _scoped(session: Session, query, team_column):  # type: ignore[no-untyped-def]
    teams = require(session, Permission.VIEW_RECORDS).teams_for(Permission.VIEW_RECORDS)
    return query if teams is None else query.where(team_column.in_(teams))


# --- reception ---------------------------------------------------------------------------

@dataclass
class ReceptionInput:
    team_id: int
    community_id: int
    received_on: date | None   # None: the session's date
    visitor_name: str
    matter: str
    handling: str = ""
    phone: str = ""
    household_id: int | None = None
    station_session_id: int | None = None
    problem_id: int | None = None            # an existing problem it concerns
    new_problem: ProblemInput | None = None  # or one raised from this reception


def create_reception(session: Session, data: ReceptionInput) -> Reception:
    actor = require_team(session, Permission.KEEP_RECORDS, data.team_id)
    team = get_or_fail(session, Team, data.team_id, "驻点团队")
    problems: dict[str, str] = {}
    if data.community_id not in {link.community_id for link in team.community_links}:
        problems["community_id"] = f"{team.name}不在所选村（社区）驻点"
    received_on = data.received_on
    if data.station_session_id is not None:
        station = session.get(StationSession, data.station_session_id)
        if station is None:
            raise NotFoundError("找不到所选的驻点日志，可能已被删除。")
        if station.team_id != team.id:
            problems["station_session_id"] = "所选驻点日志不是这个团队的"
        received_on = received_on or station.held_on
    if received_on is None:
        problems["received_on"] = "请填写接待日期"
    try:
        visitor = required(clean_text(data.visitor_name), "visitor_name", "来访人", 60)
    except ValidationError as err:
        problems["visitor_name"] = err.message
        visitor = ""
    try:
        matter = required(clean_text(data.matter), "matter", "反映事项", 5000)
    except ValidationError as err:
        problems["matter"] = err.message
        matter = ""
    try:
        phone = normalize_phone(data.phone)
    except ValidationError as err:
        problems["phone"] = err.message
        phone = ""
    if data.household_id is not None:
        household = session.get(Household, data.household_id)
        if household is None or household.community_id != data.community_id:
            problems["household_id"] = "所选住户不在这个村（社区）"
    if data.problem_id is not None:
        linked = session.get(Problem, data.problem_id)
        if linked is None or linked.community_id != data.community_id:
            problems["problem_id"] = "所选问题不在这个村（社区）的问题台账里"
    if problems:
        raise ValidationError(next(iter(problems.values())), problems=problems)
    assert received_on is not None
    row = Reception(team_id=team.id, community_id=data.community_id,
                    station_session_id=data.station_session_id, received_on=received_on,
                    visitor_name=visitor, phone=phone, household_id=data.household_id,
                    matter=matter, handling=clean_text(data.handling),
                    problem_id=data.problem_id, recorded_by=actor.user_id)
    if data.new_problem is not None and data.problem_id is None:
        raised = raise_problem(session, replace(
            data.new_problem, community_id=data.community_id, team_id=team.id,
            reported_on=received_on, source=ProblemSource.RECEPTION,
            station_session_id=data.station_session_id,
            reporter_household_id=data.new_problem.reporter_household_id or data.household_id,
            reporter_name=data.new_problem.reporter_name or visitor))
        row.problem_id = raised.id
    session.add(row)
    session.flush()
    return row


def list_receptions(session: Session, team_id: int | None = None, start: date | None = None,
                    end: date | None = None) -> list[Reception]:
    query = _scoped(session, select(Reception), Reception.team_id)
    if team_id is not None:
        query = query.where(Reception.team_id == team_id)
    if start is not None:
        query = query.where(Reception.received_on >= start)
    if end is not None:
        query = query.where(Reception.received_on <= end)
    query = query.options(selectinload(Reception.problem))
    return list(session.scalars(query.order_by(Reception.received_on, Reception.id)))


__all__ = ["ReceptionInput", "SessionInput", "create_reception", "create_session",
           "list_receptions", "list_sessions", "station_gaps"]
