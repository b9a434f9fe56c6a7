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
- A session (other than a 补班) on a day that is not the team's station weekday is allowed (an
  extra session), but the form asks first whether it is a 补班 (``off_station_day``).
- A gap is a day of the team's station weekday, within the asked period (and before the team
  was dissolved), with no session of the team that day and no make-up for it.
- Keeping the log needs KEEP_RECORDS for the team; reading needs VIEW_RECORDS (scoped for
  liaisons and leaders to their teams).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app import audit
from app.auth import Permission, require, require_team
from app.errors import NotFoundError, ValidationError
from app.models import (Household, Person, Problem, ProblemSource, Reception, SessionKind,
                        StationSession, Team)
from app.normalize import clean_text, normalize_phone
from app.services.common import check_version, get_or_fail, optional, required
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


def off_station_day(session: Session, team_id: int, held_on: date, kind: SessionKind
                    ) -> str | None:
    """The question the form asks before saving a session that is not a 补班 on a day other
    than the team's station weekday; None when there is nothing to ask."""
    from app.models.enums import weekday_label

    require(session, Permission.VIEW_RECORDS)
    team = get_or_fail(session, Team, team_id, "驻点团队")
    if SessionKind(kind) == SessionKind.MAKE_UP or held_on.isoweekday() == team.station_weekday:
        return None
    return (f"{held_on:%Y-%m-%d}（{weekday_label(held_on.isoweekday())}）不是{team.name}的驻点日"
            f"（每{weekday_label(team.station_weekday)}）。\n\n这是补班（须提前公告，并写明所补的"
            "驻点日），还是在驻点日之外额外增加的一次驻点？")


def last_station_day(session: Session, team_id: int, on: date) -> date:
    """The team's station day on or before ``on`` (what a 补班 on ``on`` most likely replaces)."""
    require(session, Permission.VIEW_RECORDS)
    team = get_or_fail(session, Team, team_id, "驻点团队")
    return on - timedelta(days=(on.isoweekday() - team.station_weekday) % 7)


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


@dataclass
class SessionForm:
    """What the edit form starts from: the session as recorded and the version a save must still
    find; the team's name and communities; who may be ticked as present (the team's members
    on that day, then anyone recorded who is not among them); the problems already raised from
    the session ("石岗村-2026-001　村口路灯不亮": they stay linked, edited in the problem ledger)."""

    session_id: int
    version: int
    data: SessionInput
    team_name: str
    communities: list[tuple[int, str]]
    members: list[tuple[int, str]]
    problems: list[str]


def session_form(session: Session, session_id: int) -> SessionForm:
    row = get_or_fail(session, StationSession, session_id, "驻点日志")
    require_team(session, Permission.KEEP_RECORDS, row.team_id)
    team = row.team
    members = {m.person_id: m.person.name for m in team.memberships if m.in_force(row.held_on)}
    for person in row.members:
        members.setdefault(person.id, person.name)
    data = SessionInput(
        team_id=row.team_id, community_id=row.community_id, held_on=row.held_on, kind=row.kind,
        start_time=row.start_time, end_time=row.end_time, place=row.place,
        member_ids=[p.id for p in row.members], household_ids=[h.id for h in row.households],
        summary=row.summary, make_up_announced_on=row.make_up_announced_on,
        make_up_for=row.make_up_for)
    return SessionForm(row.id, row.version, data, team.name,
                       [(link.community_id, link.community.name) for link in team.community_links],
                       list(members.items()),
                       [f"{p.number}　{p.description}" for p in row.problems])


def update_session(session: Session, session_id: int, data: SessionInput,
                   expected_version: int | None = None) -> StationSession:
    """Correct a recorded session, with the same checks as ``create_session``.

    - The team stays. A session is one team's record: its members present are that team's,
      the problems raised from it carry that team, the day it covers closes that team's gap,
      and a liaison may keep only their own team's log. Moving it would rewrite two teams'
      logs under one liaison's hand, so a session under the wrong team is refused here (the
      right team records its own).
    - The community may change only while no problem was raised from the session: problems
      are numbered per community and stay where they were registered.
    - Problems already raised stay linked and keep their own date (they are corrected in the
      problem ledger); ``data.problems`` are new problems raised from the session now,
      registered as ``create_session`` does.
    - A stale ``expected_version`` is refused ("已被其他人修改"). Column changes are audited
      automatically; members present and households met are link rows the audit does not see,
      so a change to them is written as its own entry with the names before and after.
    """
    row = get_or_fail(session, StationSession, session_id, "驻点日志")
    require_team(session, Permission.KEEP_RECORDS, row.team_id)
    check_version(row, expected_version, "驻点日志")
    team = row.team
    if data.team_id != row.team_id:
        raise ValidationError(
            f"驻点日志记下后不能改到别的团队（这条是{team.name}的）。记错团队的，请由该团队另行记录。",
            "team_id")
    if data.community_id != row.community_id and row.problems:
        raise ValidationError(
            f"这次驻点已登记了问题（{row.problems[0].number} 等），问题按村（社区）编号，"
            "不能再改村（社区）。", "community_id")
    before = _links(row)
    _apply(session, team, row, data)
    after = _links(row)
    if before != after:
        # Only link rows changed: touch the row so its version moves on as well.
        row.updated_at = func.current_timestamp()
    session.flush()
    if before != after:
        labels = {"members": "到岗成员", "households": "走访住户"}
        audit.record(session, "update", "station_session", row.id,
                     f"驻点日志：{team.name} {row.held_on:%Y-%m-%d}",
                     {labels[k]: {"前": "、".join(before[k]), "后": "、".join(after[k])}
                      for k in labels if before[k] != after[k]})
    for item in data.problems:
        raise_problem(session, replace(
            item, community_id=row.community_id, team_id=team.id, reported_on=row.held_on,
            source=ProblemSource.STATION_LOG, station_session_id=row.id))
    if data.problems:
        session.refresh(row, ["problems"])
    return row


def _links(row: StationSession) -> dict[str, list[str]]:
    return {"members": [p.name for p in row.members],
            "households": [f"{h.address}（{h.head_name}）" for h in row.households]}


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
    query = _narrowed(query, StationSession.team_id, StationSession.held_on, team_id, start, end)
    # The list shows members, problems, team and community of every row: load them in a few
    # queries, not a few per row.
    query = query.options(selectinload(StationSession.members),
                          selectinload(StationSession.problems),
                          joinedload(StationSession.team), joinedload(StationSession.community))
    return list(session.scalars(query.order_by(StationSession.held_on, StationSession.id)))


def _scoped(session: Session, query, team_column):  # type: ignore[no-untyped-def]
    teams = require(session, Permission.VIEW_RECORDS).teams_for(Permission.VIEW_RECORDS)
    return query if teams is None else query.where(team_column.in_(teams))


def _narrowed(query, team_column, day_column, team_id: int | None, start: date | None,  # type: ignore[no-untyped-def]
              end: date | None):
    """The list filters every ledger list shares: one team, a first and a last day."""
    if team_id is not None:
        query = query.where(team_column == team_id)
    if start is not None:
        query = query.where(day_column >= start)
    if end is not None:
        query = query.where(day_column <= end)
    return query


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
    row = Reception(team_id=team.id, recorded_by=actor.user_id)
    _apply_reception(session, team, row, data)
    _raise_from_reception(session, team, row, data)
    session.add(row)
    session.flush()
    return row


def _apply_reception(session: Session, team: Team, row: Reception, data: ReceptionInput) -> None:
    """Check ``data`` (every refusal at once, by field) and write it into ``row``."""
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
    row.community_id = data.community_id
    row.station_session_id = data.station_session_id
    row.received_on = received_on
    row.visitor_name = visitor
    row.phone = phone
    row.household_id = data.household_id
    row.matter = matter
    row.handling = clean_text(data.handling)
    row.problem_id = data.problem_id


def _raise_from_reception(session: Session, team: Team, row: Reception,
                          data: ReceptionInput) -> None:
    """Register ``data.new_problem`` (when no problem is linked yet) and link it."""
    if data.new_problem is None or row.problem_id is not None:
        return
    raised = raise_problem(session, replace(
        data.new_problem, community_id=row.community_id, team_id=team.id,
        reported_on=row.received_on, source=ProblemSource.RECEPTION,
        station_session_id=row.station_session_id,
        reporter_household_id=data.new_problem.reporter_household_id or row.household_id,
        reporter_name=data.new_problem.reporter_name or row.visitor_name))
    row.problem_id = raised.id


@dataclass
class ReceptionForm:
    """What the edit form starts from: the reception as recorded, the version a save must still
    find, the team's name and communities, and the linked problem ("编号　描述", or "")."""

    reception_id: int
    version: int
    data: ReceptionInput
    team_name: str
    communities: list[tuple[int, str]]
    problem: str


def reception_form(session: Session, reception_id: int) -> ReceptionForm:
    row = get_or_fail(session, Reception, reception_id, "接待记录")
    require_team(session, Permission.KEEP_RECORDS, row.team_id)
    team = get_or_fail(session, Team, row.team_id, "驻点团队")
    data = ReceptionInput(
        team_id=row.team_id, community_id=row.community_id, received_on=row.received_on,
        visitor_name=row.visitor_name, matter=row.matter, handling=row.handling,
        phone=row.phone, household_id=row.household_id,
        station_session_id=row.station_session_id, problem_id=row.problem_id)
    problem = f"{row.problem.number}　{row.problem.description}" if row.problem else ""
    communities = [(link.community_id, link.community.name) for link in team.community_links]
    return ReceptionForm(row.id, row.version, data, team.name, communities, problem)


def update_reception(session: Session, reception_id: int, data: ReceptionInput,
                     expected_version: int | None = None) -> Reception:
    """Correct a recorded reception, with the same checks as ``create_reception``.

    The team stays (as for ``update_session``: a reception is one team's record, and a liaison
    keeps only their own team's). While a problem is linked the community stays too (the
    problem is numbered in it). ``data.new_problem`` raises a problem from the reception now
    if none is linked yet. A stale ``expected_version`` is refused ("已被其他人修改").
    """
    row = get_or_fail(session, Reception, reception_id, "接待记录")
    require_team(session, Permission.KEEP_RECORDS, row.team_id)
    check_version(row, expected_version, "接待记录")
    team = get_or_fail(session, Team, row.team_id, "驻点团队")
    if data.team_id != row.team_id:
        raise ValidationError(
            f"接待记录记下后不能改到别的团队（这条是{team.name}的）。记错团队的，请由该团队另行登记。",
            "team_id")
    if (data.community_id != row.community_id and data.problem_id is not None
            and data.problem_id == row.problem_id):
        number = row.problem.number if row.problem else ""
        raise ValidationError(
            f"这条接待已关联问题 {number}，问题按村（社区）编号，不能再改村（社区）。",
            "community_id")
    _apply_reception(session, team, row, data)
    _raise_from_reception(session, team, row, data)
    session.flush()
    return row


def list_receptions(session: Session, team_id: int | None = None, start: date | None = None,
                    end: date | None = None) -> list[Reception]:
    query = _scoped(session, select(Reception), Reception.team_id)
    query = _narrowed(query, Reception.team_id, Reception.received_on, team_id, start, end)
    query = query.options(selectinload(Reception.problem))
    return list(session.scalars(query.order_by(Reception.received_on, Reception.id)))


# --- the lists as plain rows (no ORM objects: thousands of rows open in tens of ms) --------

def session_values(session: Session, team_id: int | None = None, start: date | None = None,
                   end: date | None = None) -> list[tuple]:  # type: ignore[type-arg]
    """The station log's list columns, newest first, read the actor may (as ``list_sessions``):
    (id, version, team_id, team, community_id, community, held_on, start_time, end_time, place,
    kind, make_up_for, summary, members, problems) — members are the names of those present,
    “、”-joined in the order of ``StationSession.members``; problems is how many were raised."""
    from app.models import Community
    from app.models.ledgers import session_member

    raised = (select(func.count(Problem.id))
              .where(Problem.station_session_id == StationSession.id).scalar_subquery())
    query = _scoped(session, select(
        StationSession.id, StationSession.version, StationSession.team_id, Team.name,
        StationSession.community_id, Community.name, StationSession.held_on,
        StationSession.start_time, StationSession.end_time, StationSession.place,
        StationSession.kind, StationSession.make_up_for, StationSession.summary, raised)
        .join(Team, Team.id == StationSession.team_id)
        .join(Community, Community.id == StationSession.community_id), StationSession.team_id)
    query = _narrowed(query, StationSession.team_id, StationSession.held_on, team_id, start, end)
    # Core rows through the connection: the ORM's row handling costs more than the query here.
    connection = session.connection()
    rows = connection.execute(query.order_by(StationSession.held_on.desc(),
                                             StationSession.id.desc())).all()
    # Members in a second statement ordered as the relationship orders them (SQLite's
    # group_concat has no guaranteed order): ~10,000 (session, name) pairs for the large town.
    ids = query.with_only_columns(StationSession.id)
    present: dict[int, list[str]] = {}
    for sid, name in connection.execute(
            select(session_member.c.station_session_id, Person.name)
            .join(Person, Person.id == session_member.c.person_id)
            .where(session_member.c.station_session_id.in_(ids))
            .order_by(session_member.c.station_session_id, Person.id)):
        present.setdefault(sid, []).append(name)
    return [(*r[:13], "、".join(present.get(r[0], ())), r[13]) for r in rows]


def reception_values(session: Session, team_id: int | None = None, start: date | None = None,
                     end: date | None = None) -> list[tuple]:  # type: ignore[type-arg]
    """The reception record's list columns, newest first, scoped as ``list_receptions``:
    (id, version, team_id, team, community_id, community, received_on, visitor_name, phone,
    matter, handling, problem number or "")."""
    from app.models import Community

    query = _scoped(session, select(
        Reception.id, Reception.version, Reception.team_id, Team.name, Reception.community_id,
        Community.name, Reception.received_on, Reception.visitor_name, Reception.phone,
        Reception.matter, Reception.handling, func.coalesce(Problem.number, ""))
        .join(Team, Team.id == Reception.team_id)
        .join(Community, Community.id == Reception.community_id)
        .outerjoin(Problem, Problem.id == Reception.problem_id), Reception.team_id)
    query = _narrowed(query, Reception.team_id, Reception.received_on, team_id, start, end)
    return [tuple(r) for r in session.connection().execute(
        query.order_by(Reception.received_on.desc(), Reception.id.desc())).all()]


__all__ = ["ReceptionForm", "ReceptionInput", "SessionForm", "SessionInput", "create_reception",
           "create_session", "list_receptions", "list_sessions", "reception_form",
           "session_form", "station_gaps", "update_reception", "update_session"]
