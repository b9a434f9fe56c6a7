"""Home visits (入户走访) and the key-visit register (重点走访登记册): recording, the list, and
coverage against the town's targets — computed by SQL aggregates when asked, never stored.

Rules this module settles:

- A visit belongs to a team; the household must live in a community the team serves (and not
  have moved out by the visit day); the visitors (at least one) must be members of the team on
  that day; the date cannot be in the future. Problems raised during the visit are registered
  in the problem ledger in the same call (source 入户走访, the visit's team, date, community and
  household) and linked to the visit — never typed twice.
- The households to cover in a year are those on the roster at the year's end: a household that
  moved out on or before 31 December is left out of every figure of that year (its visits stay
  in the list). Visits count by day: two visits to one household on the same day count once.
- "Visited" for the household target: at least ``TownSettings.visits_per_household_per_year``
  (N, 1 by default) visit days within the calendar year. Visits of the year before never count.
- The key register of a year: households with a key-group tag in force on at least one day of
  the year (added on or before 31 December, not removed by 1 January). Its target is 100 %
  visited at least once within the year, whether or not the tag was in force on the visit day.
- A team's monthly figure: the distinct households the team visited in the month while they
  carried a key-group tag (in force on the visit day), against
  ``TownSettings.key_visits_per_team_per_month`` (20 by default). Teams dissolved before the
  month began are left out. Team figures are given only when a month is asked.
- Keeping visits needs KEEP_RECORDS for the team. Reading needs VIEW_RECORDS: liaisons and
  leaders see their teams' visits, and coverage of the communities their teams serve. Key-group
  names appear only for roles with VIEW_SENSITIVE (others get the row with the names blank).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, distinct, exists, func, or_, select, union
from sqlalchemy.orm import Session

from app.addresses import delivery_key
from app.auth import Permission, can, community_scope, require, require_team
from app.db.text import contains_text
from app.errors import NotFoundError, ValidationError
from app.models import (Community, Grid, Household, HouseholdTag, KeyGroup, Person,
                        ProblemSource, Team, TeamCommunity, Visit, visit_problem, visit_visitor)
from app.normalize import clean_text
from app.services.common import check_version, get_or_fail, optional
from app.services.problems import ProblemInput, raise_problem
from app.services.settings import get_settings


@dataclass
class VisitInput:
    team_id: int
    household_id: int
    visited_on: date
    visitor_ids: list[int] = field(default_factory=list)
    notes: str = ""
    # Raised during the visit; community, team, date, source and household come from the visit.
    problems: list[ProblemInput] = field(default_factory=list)


def record_visit(session: Session, data: VisitInput, today: date | None = None) -> Visit:
    actor = require_team(session, Permission.KEEP_RECORDS, data.team_id)
    team = get_or_fail(session, Team, data.team_id, "驻点团队")
    household = get_or_fail(session, Household, data.household_id, "住户")
    if household.community_id not in {link.community_id for link in team.community_links}:
        raise ValidationError(f"{household.address}（户主{household.head_name}）不在"
                              f"{team.name}驻点的村（社区）", "household_id")
    visitors, notes = _checked_visit(session, team, household, data, today)
    day = data.visited_on
    visit = Visit(team_id=team.id, community_id=household.community_id,
                  household_id=household.id, visited_on=day, notes=notes,
                  recorded_by=actor.user_id, visitors=visitors)
    session.add(visit)
    session.flush()
    for item in data.problems:
        visit.problems.append(raise_problem(session, replace(
            item, community_id=household.community_id, team_id=team.id, reported_on=day,
            source=ProblemSource.VISIT, station_session_id=None,
            reporter_household_id=None if item.anonymous else household.id,
            reporter_name=item.reporter_name or ("" if item.anonymous else household.head_name))))
    session.flush()
    return visit


def get_visit(session: Session, visit_id: int) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise NotFoundError(f"找不到这条走访记录（编号 {visit_id}），可能已被删除。")
    require_team(session, Permission.VIEW_RECORDS, visit.team_id)
    return visit


# --- the list ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class VisitRow:
    """One line of the visit list: plain values, cheap to hold 200,000 of."""

    id: int
    visited_on: date
    team: str
    community: str
    household_id: int
    address: str
    head_name: str
    visitors: str
    notes: str
    problems: int


def list_visits(session: Session, team_id: int | None = None, community_id: int | None = None,
                start: date | None = None, end: date | None = None, text: str = "",
                limit: int | None = None) -> list[VisitRow]:
    """Visits the actor may read (their teams' for liaisons and leaders), newest first."""
    teams = require(session, Permission.VIEW_RECORDS).teams_for(Permission.VIEW_RECORDS)
    visitors = (select(func.aggregate_strings(Person.name, "、"))
                .select_from(visit_visitor).join(Person, Person.id == visit_visitor.c.person_id)
                .where(visit_visitor.c.visit_id == Visit.id).scalar_subquery())
    raised = (select(func.count()).select_from(visit_problem)
              .where(visit_problem.c.visit_id == Visit.id).scalar_subquery())
    query = (select(Visit.id, Visit.visited_on, Team.name, Community.name, Household.id,
                    Household.address, Household.head_name, visitors, Visit.notes, raised)
             .join(Team, Team.id == Visit.team_id)
             .join(Community, Community.id == Visit.community_id)
             .join(Household, Household.id == Visit.household_id))
    if teams is not None:
        query = query.where(Visit.team_id.in_(teams))
    if team_id is not None:
        query = query.where(Visit.team_id == team_id)
    if community_id is not None:
        query = query.where(Visit.community_id == community_id)
    if start is not None:
        query = query.where(Visit.visited_on >= start)
    if end is not None:
        query = query.where(Visit.visited_on <= end)
    words = clean_text(text)
    if words:
        like = f"%{words}%"
        query = query.where(or_(
            Household.head_name.like(like), Household.address.like(like), Visit.notes.like(like),
            exists(select(visit_visitor.c.visit_id)
                   .join(Person, Person.id == visit_visitor.c.person_id)
                   .where(visit_visitor.c.visit_id == Visit.id, Person.name.like(like)))))
    query = query.order_by(Visit.visited_on.desc(), Visit.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [VisitRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7] or "", r[8], r[9])
            for r in session.execute(query)]


# --- coverage ----------------------------------------------------------------------------

def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True, slots=True)
class TeamProgress:
    team_id: int
    team: str
    key_households: int   # distinct key households the team visited in the month
    visits: int           # all the team's visits in the month
    target: int

    @property
    def percent(self) -> float | None:
        return _percent(self.key_households, self.target)

    @property
    def met(self) -> bool:
        return self.key_households >= self.target


@dataclass(frozen=True, slots=True)
class Coverage:
    year: int
    month: int | None
    required_visits: int      # N: visit days each household needs in the year
    households: int
    households_visited: int   # visited on at least N days in the year
    key_households: int       # the key register of the year
    key_visited: int          # key households visited at least once in the year
    teams: tuple[TeamProgress, ...] = ()

    @property
    def households_percent(self) -> float | None:
        return _percent(self.households_visited, self.households)

    @property
    def key_percent(self) -> float | None:
        """Target 100 %."""
        return _percent(self.key_visited, self.key_households)


def _year(year: int) -> tuple[date, date]:
    if not 2000 <= year <= 2100:
        raise ValidationError(f"年份 {year} 不在 2000 到 2100 之间", "year")
    return date(year, 1, 1), date(year, 12, 31)


def on_roster(year_end: date):  # type: ignore[no-untyped-def]
    return or_(Household.moved_out_on.is_(None), Household.moved_out_on > year_end)


def _tag_in_year(start: date, end: date):  # type: ignore[no-untyped-def]
    return and_(HouseholdTag.added_on <= end,
                or_(HouseholdTag.removed_on.is_(None),
                    and_(HouseholdTag.removed_on > start,
                         HouseholdTag.removed_on > HouseholdTag.added_on)))


def _visit_days(start: date, end: date):  # type: ignore[no-untyped-def]
    return (select(Visit.household_id, func.count(distinct(Visit.visited_on)).label("days"))
            .where(Visit.visited_on.between(start, end))
            .group_by(Visit.household_id).subquery())


def key_register(start: date, end: date):  # type: ignore[no-untyped-def]
    return (select(HouseholdTag.household_id).where(_tag_in_year(start, end))
            .distinct().subquery())


def visited_on_days(days: int, start: date, end: date):  # type: ignore[no-untyped-def]
    """Whether the household (``Household`` of the enclosing query) has visits on at least
    ``days`` distinct days of [start, end].

    Asked per household: one probe of visit(household_id, visited_on) each, which stops at the
    first visit (or the ``days``-th distinct day). Grouping every visit of the year by household
    instead made SQLite read the year's visits through the date index and sort them: 0.4 s on
    the large town against ~0.1 s this way."""
    in_year = (Visit.household_id == Household.id, Visit.visited_on.between(start, end))
    if days <= 1:
        return exists(select(Visit.id).where(*in_year).correlate(Household))
    first_days = (select(Visit.visited_on).where(*in_year).distinct().limit(days)
                  .correlate(Household).subquery())
    return select(func.count()).select_from(first_days).scalar_subquery() >= days


def _household_scope(session: Session, team_id: int | None):  # type: ignore[no-untyped-def]
    """Communities to count: the actor's scope, narrowed to the team's when one is asked."""
    scope = community_scope(session, Permission.VIEW_RECORDS)
    if team_id is not None:
        require_team(session, Permission.VIEW_RECORDS, team_id)
        served = set(session.scalars(select(TeamCommunity.community_id)
                                     .where(TeamCommunity.team_id == team_id)))
        scope = served if scope is None else scope & served
    return scope


def coverage(session: Session, year: int, month: int | None = None,
             team_id: int | None = None) -> Coverage:
    """The town's (or the actor's / the team's communities') coverage figures for ``year``."""
    actor = require(session, Permission.VIEW_RECORDS)
    start, end = _year(year)
    if month is not None and not 1 <= month <= 12:
        raise ValidationError(f"月份 {month} 不在 1 到 12 之间", "month")
    settings = get_settings(session)
    required_visits = max(1, settings.visits_per_household_per_year)
    scope = _household_scope(session, team_id)
    key = key_register(start, end)
    query = (select(func.count(Household.id),
                    func.count(case((visited_on_days(required_visits, start, end), 1))),
                    func.count(key.c.household_id),
                    func.count(case((and_(key.c.household_id.is_not(None),
                                          visited_on_days(1, start, end)), 1))))
             .select_from(Household)
             .outerjoin(key, key.c.household_id == Household.id)
             .where(on_roster(end)))
    if scope is not None:
        query = query.where(Household.community_id.in_(scope))
    total, visited, key_total, key_visited = session.execute(query).one()
    teams: tuple[TeamProgress, ...] = ()
    if month is not None:
        teams = team_progress(session, actor.teams_for(Permission.VIEW_RECORDS), team_id,
                               year, month, settings.key_visits_per_team_per_month)
    return Coverage(year, month, required_visits, total, visited, key_total, key_visited, teams)


def team_progress(session: Session, allowed: set[int] | frozenset[int] | None,
                   team_id: int | None, year: int, month: int, target: int
                   ) -> tuple[TeamProgress, ...]:
    first = date(year, month, 1)
    last = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
    teams_query = (select(Team.id, Team.name)
                   .where(or_(Team.dissolved_on.is_(None), Team.dissolved_on > first))
                   .order_by(Team.name))
    if allowed is not None:
        teams_query = teams_query.where(Team.id.in_(allowed))
    if team_id is not None:
        teams_query = teams_query.where(Team.id == team_id)
    teams = list(session.execute(teams_query))
    if not teams:
        return ()
    ids = [t[0] for t in teams]
    in_month = (Visit.visited_on.between(first, last), Visit.team_id.in_(ids))
    # All visits: from visit(team_id, visited_on) alone. Key households: from the month's tags
    # (a few thousand) to their visits, instead of a tag lookup for every visit of the month
    # (the teams' filter is left to the dict: in SQL it made SQLite start from the visits).
    visits = dict(session.execute(select(Visit.team_id, func.count(Visit.id))
                                  .where(*in_month).group_by(Visit.team_id)).all())
    key = dict(session.execute(
        select(Visit.team_id, func.count(distinct(Visit.household_id)))
        .select_from(HouseholdTag)
        .join(Visit, and_(Visit.household_id == HouseholdTag.household_id,
                          HouseholdTag.added_on <= Visit.visited_on,
                          or_(HouseholdTag.removed_on.is_(None),
                              HouseholdTag.removed_on > Visit.visited_on)))
        .where(Visit.visited_on.between(first, last), HouseholdTag.added_on <= last,
               or_(HouseholdTag.removed_on.is_(None), HouseholdTag.removed_on > first))
        .group_by(Visit.team_id)).all())
    return tuple(TeamProgress(tid, name, key.get(tid, 0), visits.get(tid, 0), target)
                 for tid, name in teams)


# --- who is not yet visited --------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class NotVisitedRow:
    household_id: int
    community: str
    address: str
    head_name: str
    key_groups: str                 # blank for roles without VIEW_SENSITIVE
    visits: int                     # visit days in the year (fewer than the target)
    last_visited_on: date | None    # the last visit up to the year's end, any year


def not_visited(session: Session, year: int, community_id: int | None = None,
                key_only: bool = False) -> list[NotVisitedRow]:
    """Households short of the year's target: fewer than N visit days; with ``key_only`` the
    key register's households not visited at all in the year. In delivery order: community,
    grid, then the address in natural order (app/addresses.py)."""
    require(session, Permission.VIEW_RECORDS)
    start, end = _year(year)
    scope = community_scope(session, Permission.VIEW_RECORDS)
    required_visits = 1 if key_only else max(1, get_settings(session)
                                             .visits_per_household_per_year)
    sensitive = can(session, Permission.VIEW_SENSITIVE)
    days = _visit_days(start, end)
    last = (select(Visit.household_id, func.max(Visit.visited_on).label("last"))
            .where(Visit.visited_on <= end).group_by(Visit.household_id).subquery())
    visited_days = func.coalesce(days.c.days, 0)
    columns = [Household.id, Community.name, Household.address, Household.head_name,
               visited_days, last.c.last, Grid.name]
    query = (select(*columns).select_from(Household)
             .join(Community, Community.id == Household.community_id)
             .outerjoin(Grid, Grid.id == Household.grid_id)
             .outerjoin(days, days.c.household_id == Household.id)
             .outerjoin(last, last.c.household_id == Household.id)
             .where(on_roster(end), visited_days < required_visits))
    if sensitive:
        names = (select(HouseholdTag.household_id, KeyGroup.name)
                 .join(KeyGroup, KeyGroup.id == HouseholdTag.key_group_id)
                 .where(_tag_in_year(start, end)).distinct().subquery())
        groups = (select(names.c.household_id,
                         func.aggregate_strings(names.c.name, "、").label("names"))
                  .group_by(names.c.household_id).subquery())
        query = query.add_columns(groups.c.names).outerjoin(
            groups, groups.c.household_id == Household.id)
        if key_only:
            query = query.where(groups.c.household_id.is_not(None))
    elif key_only:
        key = key_register(start, end)
        query = query.join(key, key.c.household_id == Household.id)
    if scope is not None:
        query = query.where(Household.community_id.in_(scope))
    if community_id is not None:
        query = query.where(Household.community_id == community_id)
    found = sorted(session.execute(query).all(),
                   key=lambda r: (delivery_key(r[1], r[6], r[2]), r[0]))
    return [NotVisitedRow(r[0], r[1], r[2], r[3], (r[7] or "") if sensitive else "", r[4], r[5])
            for r in found]


# --- correcting a visit, the form's choices, the window's list ---------------------------
#
# An edit changes the date, the visitors and the notes; the team and the household stay (a
# visit written against the wrong household is a different visit: record it for the right one).
# Problems listed in an edit are new ones, raised from the visit as record_visit raises them;
# those already linked stay. Visit carries ``version``: a stale form is refused.

def _checked_visit(session: Session, team: Team, household: Household, data: VisitInput,
                   today: date | None) -> tuple[list[Person], str]:
    """record_visit's checks for a visit of ``team`` to ``household``: the visitors and the
    cleaned notes, or one ValidationError naming every field at fault."""
    day = data.visited_on
    problems: dict[str, str] = {}
    if day > (today or date.today()):
        problems["visited_on"] = f"走访日期（{day:%Y-%m-%d}）不能晚于今天"
    if team.dissolved_on is not None and day >= team.dissolved_on:
        problems["visited_on"] = f"{team.name}已于 {team.dissolved_on:%Y-%m-%d} 撤销，不能再记走访。"
    if household.moved_out_on is not None and household.moved_out_on <= day:
        problems["household_id"] = (f"{household.address}（户主{household.head_name}）已于 "
                                    f"{household.moved_out_on:%Y-%m-%d} 迁出")
    serving = {m.person_id for m in team.memberships if m.in_force(day)}
    visitors: list[Person] = []
    for person_id in dict.fromkeys(data.visitor_ids):
        person = session.get(Person, person_id)
        if person is None or person_id not in serving:
            name = person.name if person else f"编号 {person_id}"
            problems["visitor_ids"] = f"{name}在 {day:%Y-%m-%d} 不是{team.name}的成员"
            break
        visitors.append(person)
    if not data.visitor_ids:
        problems["visitor_ids"] = "请选择走访人（团队成员）"
    notes = ""
    try:
        notes = optional(clean_text(data.notes), "notes", "走访情况", 5000)
    except ValidationError as err:
        problems["notes"] = err.message
    if problems:
        raise ValidationError(next(iter(problems.values())), problems=problems)
    return visitors, notes


def update_visit(session: Session, visit_id: int, data: VisitInput,
                 expected_version: int | None = None, today: date | None = None) -> Visit:
    """Correct a visit's date, visitors and notes (and raise new problems from it)."""
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise NotFoundError(f"找不到这条走访记录（编号 {visit_id}），可能已被删除。")
    require_team(session, Permission.KEEP_RECORDS, visit.team_id)
    check_version(visit, expected_version, "走访记录")
    if data.team_id != visit.team_id or data.household_id != visit.household_id:
        raise ValidationError("走访记录的驻点团队和住户不能修改；记错了住户，请为正确的住户另记一条走访。",
                              "household_id")
    visitors, notes = _checked_visit(session, visit.team, visit.household, data, today)
    visit.visited_on, visit.notes, visit.visitors = data.visited_on, notes, visitors
    session.flush()
    household = visit.household
    for item in data.problems:
        visit.problems.append(raise_problem(session, replace(
            item, community_id=visit.community_id, team_id=visit.team_id,
            reported_on=data.visited_on, source=ProblemSource.VISIT, station_session_id=None,
            reporter_household_id=None if item.anonymous else household.id,
            reporter_name=item.reporter_name or ("" if item.anonymous else household.head_name))))
    session.flush()
    return visit


@dataclass(frozen=True, slots=True)
class VisitForm:
    """What the edit form starts from, and the version it must still find when saving."""

    id: int
    version: int
    team_id: int
    team: str
    household_id: int
    household: str                          # 地址（户主）
    visited_on: date
    visitor_ids: tuple[int, ...]
    notes: str
    members: tuple[tuple[int, str], ...]    # who may be ticked: the team's members in force
                                            # on the visit day or today, and the visitors
    problems: tuple[str, ...]               # numbers of the problems already raised


def visit_form(session: Session, visit_id: int) -> VisitForm:
    visit = get_visit(session, visit_id)
    day, today = visit.visited_on, date.today()
    members: dict[int, str] = {}
    for m in visit.team.memberships:
        if m.in_force(day) or m.in_force(today):
            members.setdefault(m.person_id, m.person.name)
    for p in visit.visitors:
        members.setdefault(p.id, p.name)
    h = visit.household
    return VisitForm(visit.id, visit.version, visit.team_id, visit.team.name, h.id,
                     f"{h.address}（户主{h.head_name}）", day, tuple(p.id for p in visit.visitors),
                     visit.notes, tuple(members.items()), tuple(p.number for p in visit.problems))


@dataclass(frozen=True, slots=True)
class HouseholdChoice:
    id: int
    community: str
    address: str
    head_name: str

    @property
    def label(self) -> str:
        return f"{self.address}（户主{self.head_name}，{self.community}）"


def household_choices(session: Session, team_id: int, text: str = "", limit: int = 50
                      ) -> list[HouseholdChoice]:
    """Households on the roster of the team's communities whose address or head's name holds
    ``text`` — what the visit form offers while one types (never the whole roster): the first
    ``limit`` in delivery order (community, grid, address in natural order)."""
    require_team(session, Permission.KEEP_RECORDS, team_id)
    served = select(TeamCommunity.community_id).where(TeamCommunity.team_id == team_id)
    query = (select(Household.id, Community.name, Household.address, Household.head_name,
                    Grid.name)
             .join(Community, Community.id == Household.community_id)
             .outerjoin(Grid, Grid.id == Household.grid_id)
             .where(Household.community_id.in_(served), Household.moved_out_on.is_(None)))
    words = clean_text(text).lower()
    if words:
        like = f"%{words}%"
        query = query.where(or_(func.lower(Household.address).like(like),
                                func.lower(Household.head_name).like(like)))
    # Sorted here, not by the database: the natural order is not SQL's. The matches are the
    # households of the team's few communities at most (a few thousand rows).
    found = sorted(session.execute(query).all(),
                   key=lambda r: (delivery_key(r[1], r[4], r[2]), r[0]))
    return [HouseholdChoice(*r[:4]) for r in found[:limit]]


def signed_in_person(session: Session) -> int | None:
    """The roster person of the signed-in account, if it is linked to one (pre-ticked as a
    visitor when they are a member of the team)."""
    from app.auth import current_actor
    from app.models import User

    actor = current_actor(session)
    if actor is None or actor.user_id is None:
        return None
    return session.scalar(select(User.person_id).where(User.id == actor.user_id))


@dataclass(frozen=True)
class VisitFilter:
    """What the visit list shows: a period, a team, a community, a text (in the household's
    address or head's name, a visitor's name, the notes, the team's or community's name)."""

    start: date | None = None
    end: date | None = None
    team_id: int | None = None
    community_id: int | None = None
    text: str = ""
    ids: Sequence[int] | None = None   # these visits only (a page of the list)


def _visit_conditions(session: Session, flt: VisitFilter) -> list:  # type: ignore[type-arg]
    teams = require(session, Permission.VIEW_RECORDS).teams_for(Permission.VIEW_RECORDS)
    conditions = [] if teams is None else [Visit.team_id.in_(teams)]
    for value, condition in ((flt.start, lambda v: Visit.visited_on >= v),
                             (flt.end, lambda v: Visit.visited_on <= v),
                             (flt.team_id, lambda v: Visit.team_id == v),
                             (flt.community_id, lambda v: Visit.community_id == v),
                             (flt.ids, lambda v: Visit.id.in_(v))):
        if value is not None:
            conditions.append(condition(value))
    text = clean_text(flt.text)
    if text:
        conditions.append(_text_condition(text, flt.start, flt.end))
    return conditions


def _text_condition(text: str, start: date | None, end: date | None):  # type: ignore[no-untyped-def]
    """Visits whose notes, household (address, head), visitors, team or community name hold
    ``text``. Each name is looked up in its own small table first (a join per visit row took
    seconds over 200,000 visits). Within a month or two the visits are read through the date
    index and tested one by one (50–120 ms for a month of the large town); over a longer period
    the matching visits are found as one set of ids first (a year: 0.1–0.4 s against 0.4–0.6 s
    the other way, measured on SQLite)."""
    households = select(Household.id).where(or_(contains_text(Household.address, text),
                                                contains_text(Household.head_name, text)))
    people = select(Person.id).where(contains_text(Person.name, text))
    teams = select(Team.id).where(contains_text(Team.name, text))
    communities = select(Community.id).where(contains_text(Community.name, text))
    if start is not None and end is not None and (end - start).days <= 62:
        return or_(contains_text(Visit.notes, text), Visit.household_id.in_(households),
                   Visit.id.in_(select(visit_visitor.c.visit_id)
                                .where(visit_visitor.c.person_id.in_(people))),
                   Visit.team_id.in_(teams), Visit.community_id.in_(communities))
    return Visit.id.in_(union(
        select(Visit.id).where(contains_text(Visit.notes, text)),
        select(Visit.id).where(Visit.household_id.in_(households)),
        select(visit_visitor.c.visit_id).where(visit_visitor.c.person_id.in_(people)),
        select(Visit.id).where(Visit.team_id.in_(teams)),
        select(Visit.id).where(Visit.community_id.in_(communities))))


_VISITS_NEWEST_FIRST = (Visit.visited_on.desc(), Visit.id.desc())
# The visit list's columns a sort needs from ``visit_keys`` (in Chinese order, by the caller);
# the day is ordered by the database (``visit_ids``).
VISIT_KEY_COLUMNS = ("team", "community", "address", "head_name", "visitors", "notes", "problems")


def visit_ids(session: Session, flt: VisitFilter, descending: bool = True) -> list[int]:
    """The ids of the visits ``flt`` selects, by day (then id), newest first unless asked."""
    order = (_VISITS_NEWEST_FIRST if descending
             else (Visit.visited_on.asc(), Visit.id.asc()))
    query = select(Visit.id).where(*_visit_conditions(session, flt)).order_by(*order)
    return list(session.connection().execute(query).scalars())


def visit_count(session: Session, flt: VisitFilter) -> int:
    return session.connection().execute(
        select(func.count(Visit.id)).where(*_visit_conditions(session, flt))).scalar_one()


def visit_span(session: Session, flt: VisitFilter) -> tuple[date | None, date | None]:
    """The first and last visit day among the visits ``flt`` selects."""
    first, last = session.execute(select(func.min(Visit.visited_on), func.max(Visit.visited_on))
                                  .where(*_visit_conditions(session, flt))).one()
    return first, last


def visit_keys(session: Session, flt: VisitFilter, column: str) -> list[tuple[int, Any]]:
    """(id, value of ``column``) of the visits ``flt`` selects, newest first — for a sort the
    caller does (names in Chinese order)."""
    conditions = _visit_conditions(session, flt)
    connection = session.connection()
    if column in ("visitors", "problems"):
        ids = list(connection.execute(
            select(Visit.id).where(*conditions).order_by(*_VISITS_NEWEST_FIRST)).scalars())
        mine = select(Visit.id).where(*conditions)
        if column == "problems":
            raised = dict(connection.execute(
                select(visit_problem.c.visit_id, func.count()).where(
                    visit_problem.c.visit_id.in_(mine)).group_by(visit_problem.c.visit_id)).all())
            return [(vid, raised.get(vid, 0)) for vid in ids]
        joined = _visitor_names(session, mine)
        return [(vid, joined.get(vid, "")) for vid in ids]
    value, join = {"team": (Team.name, (Team, Team.id == Visit.team_id)),
                   "community": (Community.name, (Community, Community.id == Visit.community_id)),
                   "address": (Household.address, (Household, Household.id == Visit.household_id)),
                   "head_name": (Household.head_name,
                                 (Household, Household.id == Visit.household_id)),
                   "notes": (Visit.notes, None)}[column]
    query = select(Visit.id, value).where(*conditions).order_by(*_VISITS_NEWEST_FIRST)
    if join is not None:
        query = query.join(*join)
    return [(vid, text or "") for vid, text in connection.execute(query)]


def visit_search_values(session: Session, flt: VisitFilter
                        ) -> list[tuple[int, str, str, str, str, str, str]]:
    """(id, team, community, address, head, visitors, notes) of the visits ``flt`` selects: the
    text ``flt.text`` is matched against, for a search done in memory."""
    conditions = _visit_conditions(session, flt)
    team_names = dict(session.execute(select(Team.id, Team.name)).all())
    community_names = dict(session.execute(select(Community.id, Community.name)).all())
    joined = _visitor_names(session, select(Visit.id).where(*conditions))
    query = (select(Visit.id, Visit.team_id, Visit.community_id, Household.address,
                    Household.head_name, Visit.notes)
             .join(Household, Household.id == Visit.household_id).where(*conditions))
    return [(vid, team_names.get(tid, ""), community_names.get(cid, ""), address, head,
             joined.get(vid, ""), notes)
            for vid, tid, cid, address, head, notes in session.connection().execute(query)]


def _visitor_names(session: Session, visits) -> dict[int, str]:  # type: ignore[no-untyped-def]
    """Visit id → its visitors' names (、-joined, in the order they were recorded) for the
    visits of the ``visits`` id select; names read once and joined in Python (a per-row
    subquery took seconds)."""
    people = dict(session.execute(select(Person.id, Person.name)).all())
    query = (select(visit_visitor.c.visit_id, visit_visitor.c.person_id)
             .where(visit_visitor.c.visit_id.in_(visits))
             .order_by(visit_visitor.c.visit_id, visit_visitor.c.person_id))  # the key's order
    joined: dict[int, str] = {}
    for visit_id, person_id in session.connection().execute(query):
        name = people.get(person_id, "")
        joined[visit_id] = f"{joined[visit_id]}、{name}" if visit_id in joined else name
    return joined


def visit_values(session: Session, flt: VisitFilter | None = None) -> list[tuple]:  # type: ignore[type-arg]
    """The visit list's columns as plain tuples, newest first: id, version, visited_on,
    team_id, team, community_id, community, household_id, address, head_name, visitors
    (、-joined), notes, problems raised. Scoped as list_visits; meant for a page of the list
    (``flt.ids``), though any filter works."""
    conditions = _visit_conditions(session, flt or VisitFilter())
    team_names = dict(session.execute(select(Team.id, Team.name)).all())
    community_names = dict(session.execute(select(Community.id, Community.name)).all())
    mine = select(Visit.id).where(*conditions)
    connection = session.connection()
    joined = _visitor_names(session, mine)
    raised = dict(connection.execute(
        select(visit_problem.c.visit_id, func.count()).where(visit_problem.c.visit_id.in_(mine))
        .group_by(visit_problem.c.visit_id)).all())
    query = (select(Visit.id, Visit.version, Visit.visited_on, Visit.team_id, Visit.community_id,
                    Visit.household_id, Household.address, Household.head_name, Visit.notes)
             .join(Household, Household.id == Visit.household_id).where(*conditions)
             .order_by(*_VISITS_NEWEST_FIRST))
    return [(vid, version, on, tid, team_names.get(tid, ""), cid, community_names.get(cid, ""),
             hid, address, head, joined.get(vid, ""), notes, raised.get(vid, 0))
            for vid, version, on, tid, cid, hid, address, head, notes
            in connection.execute(query)]


def latest_visit_day(session: Session) -> date | None:
    """The day of the newest visit the actor may read (the visit list opens on its month)."""
    teams = require(session, Permission.VIEW_RECORDS).teams_for(Permission.VIEW_RECORDS)
    query = select(func.max(Visit.visited_on))
    if teams is not None:
        query = query.where(Visit.team_id.in_(teams))
    return session.scalar(query)


__all__ = ["Coverage", "HouseholdChoice", "NotVisitedRow", "TeamProgress", "VisitForm",
           "VisitInput", "VisitRow", "coverage", "get_visit", "household_choices",
           "latest_visit_day", "list_visits", "not_visited", "record_visit", "signed_in_person", "update_visit",
           "visit_form", "visit_values", "VisitFilter", "visit_ids", "visit_count",
           "visit_span", "visit_keys", "visit_search_values"]
