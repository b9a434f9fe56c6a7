"""The monthly bulletin (月通报): per team, every figure counted from the records, the town's
totals, the ranking and the last twelve months' trend; and, for any figure, the records behind
it (``records_behind``), so nothing in the bulletin is taken on trust.

Figures of a team for a month (up to today for the running month):
- station days (its weekday in the month, while the team existed) and sessions held;
- households of its communities visited at least N times from 1 January to the month's end
  (N: the town's setting), and key households visited in the month against the monthly target;
- problems raised in the month, solved in it (reached 已办结), raised and solved on site (%),
  overdue at the month's end (still open past their deadline);
- weekly meetings held in the weeks that ended in the month, and whether it took part in the
  monthly meeting;
- spot-check findings still open at the month's end and closed (re-checked) in it;
- submissions for the month: on time, late, missing.

The score (for the ranking, 100 points) weighs what the seeds ask for: station sessions held
20, households visited 15, key households against target 20, problems solved 15 (on-site share
counts within), weekly and monthly meetings 15, submissions on time 15; each overdue problem
and each open finding past its deadline takes one point off (at most 10).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import case, distinct, exists, func, or_, select
from sqlalchemy.orm import Session

from app.auth import Permission, require
from app.errors import ValidationError
from app.models import (Finding, FindingStatus, HandlingLevel, Household, Meeting, MeetingKind,
                        Problem, ProblemStatus, ProblemStep, StationSession, Team, TeamCommunity,
                        meeting_team)
from app.services import deadlines, visits
from app.services.settings import get_settings

WEIGHTS = {"sessions": 20, "households": 15, "key": 20, "problems": 15, "meetings": 15,
           "submissions": 15}


@dataclass(frozen=True, slots=True)
class TeamFigures:
    team_id: int
    team: str
    station_days: int
    sessions_held: int
    households: int
    households_visited: int
    key_households: int          # the team's key households (the register) at the month's end
    key_visited: int             # distinct key households visited in the month
    key_target: int
    problems_raised: int
    problems_solved: int
    solved_on_site: int
    overdue: int
    weekly_meetings_expected: int
    weekly_meetings_held: int
    monthly_meeting: bool
    findings_open: int
    findings_overdue: int
    findings_closed: int
    submissions_on_time: int
    submissions_late: int
    submissions_missing: int
    score: float = 0.0
    rank: int = 0

    @property
    def solved_on_site_percent(self) -> float | None:
        return round(100 * self.solved_on_site / self.problems_raised, 1) if self.problems_raised else None

    @property
    def households_percent(self) -> float | None:
        return round(100 * self.households_visited / self.households, 1) if self.households else None


@dataclass(frozen=True)
class TrendPoint:
    year: int
    month: int
    sessions_held: int
    problems_raised: int
    problems_solved: int
    visits: int


@dataclass(frozen=True)
class Bulletin:
    year: int
    month: int
    as_of: date
    teams: tuple[TeamFigures, ...]       # in ranking order
    totals: TeamFigures
    trend: tuple[TrendPoint, ...]        # the twelve months up to this one

    @property
    def missing(self) -> list[tuple[str, int]]:
        """(team, items missing) for the 缺报 list."""
        return [(t.team, t.submissions_missing) for t in self.teams if t.submissions_missing]


def _month(year: int, month: int) -> tuple[date, date]:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationError(f"月份 {year}-{month:02d} 不正确", "month")
    first = date(year, month, 1)
    return first, deadlines.day_in_month(year, month, 31)


def _station_days(team: Team, first: date, last: date) -> int:
    if team.dissolved_on is not None:
        last = min(last, team.dissolved_on - timedelta(days=1))
    day = first + timedelta(days=(team.station_weekday - first.isoweekday()) % 7)
    return max(0, (last - day).days // 7 + 1) if day <= last else 0


def bulletin(session: Session, year: int, month: int, today: date | None = None) -> Bulletin:
    require(session, Permission.VIEW_RECORDS)
    first, last = _month(year, month)
    today = today or date.today()
    if first > today:
        raise ValidationError(f"{year} 年 {month} 月还没到，没有可通报的数据。", "month")
    end = min(last, today)
    settings = get_settings(session)
    teams = list(session.scalars(select(Team).where(
        or_(Team.dissolved_on.is_(None), Team.dissolved_on > first)).order_by(Team.name)))
    ids = [t.id for t in teams]
    by_team = _counts(session, ids, first, end, settings)
    figures = []
    for team in teams:
        c = by_team[team.id]
        figures.append(TeamFigures(
            team.id, team.name, _station_days(team, first, end), c["sessions"],
            c["households"], c["households_visited"], c["key_households"], c["key_visited"],
            settings.key_visits_per_team_per_month, c["raised"], c["solved"], c["on_site"],
            c["overdue"], c["weeks_expected"], c["weeks_held"], bool(c["monthly"]),
            c["findings_open"], c["findings_overdue"], c["findings_closed"], c["on_time"],
            c["late"], c["missing"]))
    scored = sorted((replace(f, score=_score(f)) for f in figures),
                    key=lambda f: (-f.score, f.team))
    ranked = tuple(replace(f, rank=n) for n, f in enumerate(scored, start=1))
    return Bulletin(year, month, end, ranked, _totals(ranked), _trend(session, year, month, end))


def _counts(session: Session, ids: list[int], first: date, end: date, settings
            ) -> dict[int, Counter]:
    out: dict[int, Counter] = defaultdict(Counter)
    if not ids:
        return out

    def add(key: str, rows) -> None:  # type: ignore[no-untyped-def]
        for team_id, value in rows:
            out[team_id][key] += value or 0

    add("sessions", session.execute(
        select(StationSession.team_id, func.count()).where(
            StationSession.team_id.in_(ids), StationSession.held_on.between(first, end))
        .group_by(StationSession.team_id)))
    # Households: those of the team's communities, on the roster at the month's end.
    required = max(1, settings.visits_per_household_per_year)
    year_start = date(first.year, 1, 1)
    visited = visits.visited_on_days(required, year_start, end)
    key = visits.key_register(year_start, end)
    for team_id, total, seen, key_total in session.execute(
            select(TeamCommunity.team_id, func.count(Household.id),
                   func.count(case((visited, 1))), func.count(key.c.household_id))
            .join(Household, Household.community_id == TeamCommunity.community_id)
            .outerjoin(key, key.c.household_id == Household.id)
            .where(TeamCommunity.team_id.in_(ids), visits.on_roster(end))
            .group_by(TeamCommunity.team_id)):
        out[team_id]["households"] += total
        out[team_id]["households_visited"] += seen
        out[team_id]["key_households"] += key_total
    for progress in visits.team_progress(session, set(ids), None, first.year, first.month,
                                          settings.key_visits_per_team_per_month):
        out[progress.team_id]["key_visited"] += progress.key_households
    add("raised", session.execute(
        select(Problem.team_id, func.count()).where(
            Problem.team_id.in_(ids), Problem.reported_on.between(first, end))
        .group_by(Problem.team_id)))
    add("on_site", session.execute(
        select(Problem.team_id, func.count()).where(
            Problem.team_id.in_(ids), Problem.reported_on.between(first, end),
            Problem.level == HandlingLevel.ON_SITE)
        .group_by(Problem.team_id)))
    add("solved", session.execute(
        select(Problem.team_id, func.count(distinct(Problem.id)))
        .join(ProblemStep, ProblemStep.problem_id == Problem.id)
        .where(Problem.team_id.in_(ids), ProblemStep.to_status == ProblemStatus.DONE,
               ProblemStep.on_date.between(first, end))
        .group_by(Problem.team_id)))
    # Overdue at the month's end: past the deadline and not yet 已办结 by then.
    done_by = (select(ProblemStep.problem_id).where(
        ProblemStep.to_status == ProblemStatus.DONE, ProblemStep.on_date <= end))
    add("overdue", session.execute(
        select(Problem.team_id, func.count()).where(
            Problem.team_id.in_(ids), Problem.reported_on <= end, Problem.deadline < end,
            Problem.id.not_in(done_by))
        .group_by(Problem.team_id)))
    _meetings(session, ids, first, end, out)
    add("findings_open", session.execute(
        select(Finding.team_id, func.count()).where(
            Finding.team_id.in_(ids), Finding.found_on <= end,
            or_(Finding.status != FindingStatus.CLOSED, Finding.recheck_on > end))
        .group_by(Finding.team_id)))
    add("findings_overdue", session.execute(
        select(Finding.team_id, func.count()).where(
            Finding.team_id.in_(ids), Finding.found_on <= end, Finding.deadline < end,
            Finding.status == FindingStatus.OPEN)
        .group_by(Finding.team_id)))
    add("findings_closed", session.execute(
        select(Finding.team_id, func.count()).where(
            Finding.team_id.in_(ids), Finding.status == FindingStatus.CLOSED,
            Finding.recheck_on.between(first, end))
        .group_by(Finding.team_id)))
    for item in deadlines.calendar_for(session, first.year, first.month, today=end):
        if item.team_id in out or item.team_id in ids:
            key_ = {deadlines.ItemState.ON_TIME: "on_time", deadlines.ItemState.LATE: "late",
                    deadlines.ItemState.MISSING: "missing"}.get(item.state)
            if key_:
                out[item.team_id][key_] += 1
    return out


def _meetings(session: Session, ids: list[int], first: date, end: date,
              out: dict[int, Counter]) -> None:
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday + timedelta(days=6) <= end:
        if monday + timedelta(days=6) >= first:   # weeks that end in the month
            weeks.append(monday)
        monday += timedelta(days=7)
    held: dict[int, set[date]] = defaultdict(set)
    monthly: set[int] = set()
    for team_id, kind, held_on in session.execute(
            select(meeting_team.c.team_id, Meeting.kind, Meeting.held_on)
            .join(Meeting, Meeting.id == meeting_team.c.meeting_id)
            .where(meeting_team.c.team_id.in_(ids),
                   Meeting.held_on.between(min([first] + weeks), end),
                   Meeting.kind.in_([MeetingKind.WEEKLY, MeetingKind.MONTHLY]))):
        if kind == MeetingKind.WEEKLY:
            held[team_id].add(held_on - timedelta(days=held_on.weekday()))
        elif held_on >= first:
            monthly.add(team_id)
    for team_id in ids:
        out[team_id]["weeks_expected"] += len(weeks)
        out[team_id]["weeks_held"] += sum(1 for w in weeks if w in held[team_id])
        out[team_id]["monthly"] += int(team_id in monthly)


def _ratio(part: int, whole: int) -> float:
    return min(1.0, part / whole) if whole else 1.0


def _score(f: TeamFigures) -> float:
    meetings = (_ratio(f.weekly_meetings_held, f.weekly_meetings_expected) * 0.8
                + (0.2 if f.monthly_meeting else 0.0))
    submissions_total = f.submissions_on_time + f.submissions_late + f.submissions_missing
    submissions = ((f.submissions_on_time + 0.5 * f.submissions_late) / submissions_total
                   if submissions_total else 1.0)
    solved = _ratio(f.problems_solved, f.problems_raised) if f.problems_raised else 1.0
    score = (WEIGHTS["sessions"] * _ratio(f.sessions_held, f.station_days)
             + WEIGHTS["households"] * _ratio(f.households_visited, f.households)
             + WEIGHTS["key"] * _ratio(f.key_visited, f.key_target)
             + WEIGHTS["problems"] * solved
             + WEIGHTS["meetings"] * meetings
             + WEIGHTS["submissions"] * submissions
             - min(10, f.overdue + f.findings_overdue))
    return round(max(0.0, score), 1)


def _totals(teams: tuple[TeamFigures, ...]) -> TeamFigures:
    def total(name: str) -> int:
        return sum(getattr(t, name) for t in teams)

    return TeamFigures(
        0, "全镇合计", total("station_days"), total("sessions_held"), total("households"),
        total("households_visited"), total("key_households"), total("key_visited"),
        total("key_target"), total("problems_raised"), total("problems_solved"),
        total("solved_on_site"), total("overdue"), total("weekly_meetings_expected"),
        total("weekly_meetings_held"), all(t.monthly_meeting for t in teams),
        total("findings_open"), total("findings_overdue"), total("findings_closed"),
        total("submissions_on_time"), total("submissions_late"), total("submissions_missing"),
        round(sum(t.score for t in teams) / len(teams), 1) if teams else 0.0, 0)


def _trend(session: Session, year: int, month: int, end: date) -> tuple[TrendPoint, ...]:
    months = []
    y, m = year, month
    for _ in range(12):
        months.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    months.reverse()
    start = date(*months[0], 1)

    def by_month(column, where) -> Counter:  # type: ignore[no-untyped-def]
        counts: Counter = Counter()
        for day, n in session.execute(select(column, func.count()).where(
                column.between(start, end), *where).group_by(column)):
            counts[(day.year, day.month)] += n
        return counts

    from app.models import Visit
    sessions = by_month(StationSession.held_on, ())
    raised = by_month(Problem.reported_on, ())
    solved = by_month(ProblemStep.on_date, (ProblemStep.to_status == ProblemStatus.DONE,))
    visited = by_month(Visit.visited_on, ())
    return tuple(TrendPoint(y, m, sessions[(y, m)], raised[(y, m)], solved[(y, m)],
                            visited[(y, m)]) for y, m in months)


# --- the records behind a figure ----------------------------------------------------------

FIGURES = {
    "sessions_held": "驻点次数", "problems_raised": "收集问题", "problems_solved": "办结问题",
    "solved_on_site": "现场解决", "overdue": "超期未办结", "key_visited": "走访重点户",
    "weekly_meetings_held": "召开周会", "findings_open": "未整改督查问题",
    "submissions_missing": "缺报",
}


@dataclass(frozen=True, slots=True)
class RecordLine:
    on: date | None
    what: str
    detail: str


def records_behind(session: Session, year: int, month: int, team_id: int, figure: str,
                   today: date | None = None) -> list[RecordLine]:
    """The records one figure of a team's month was counted from."""
    require(session, Permission.VIEW_RECORDS)
    first, last = _month(year, month)
    end = min(last, today or date.today())
    if figure == "sessions_held":
        return [RecordLine(s.held_on, s.kind.label, s.summary[:80]) for s in session.scalars(
            select(StationSession).where(StationSession.team_id == team_id,
                                         StationSession.held_on.between(first, end))
            .order_by(StationSession.held_on))]
    if figure in ("problems_raised", "solved_on_site"):
        query = select(Problem).where(Problem.team_id == team_id,
                                      Problem.reported_on.between(first, end))
        if figure == "solved_on_site":
            query = query.where(Problem.level == HandlingLevel.ON_SITE)
        return [RecordLine(p.reported_on, p.number, p.description[:80])
                for p in session.scalars(query.order_by(Problem.reported_on, Problem.id))]
    if figure == "problems_solved":
        return [RecordLine(on, number, description[:80])
                for number, description, on in session.execute(
            select(Problem.number, Problem.description, func.min(ProblemStep.on_date))
            .join(ProblemStep, ProblemStep.problem_id == Problem.id)
            .where(Problem.team_id == team_id, ProblemStep.to_status == ProblemStatus.DONE,
                   ProblemStep.on_date.between(first, end))
            .group_by(Problem.id, Problem.number, Problem.description)
            .order_by(func.min(ProblemStep.on_date)))]
    if figure == "overdue":
        done_by = select(ProblemStep.problem_id).where(
            ProblemStep.to_status == ProblemStatus.DONE, ProblemStep.on_date <= end)
        return [RecordLine(p.deadline, p.number, f"限 {p.deadline:%m-%d} 办结：{p.description[:60]}")
                for p in session.scalars(select(Problem).where(
                    Problem.team_id == team_id, Problem.reported_on <= end,
                    Problem.deadline < end, Problem.id.not_in(done_by))
                    .order_by(Problem.deadline))]
    if figure == "weekly_meetings_held":
        return [RecordLine(m.held_on, m.kind.label, m.title) for m in session.scalars(
            select(Meeting).join(meeting_team, meeting_team.c.meeting_id == Meeting.id)
            .where(meeting_team.c.team_id == team_id,
                   Meeting.kind.in_([MeetingKind.WEEKLY, MeetingKind.MONTHLY]),
                   Meeting.held_on.between(first - timedelta(days=6), end))
            .order_by(Meeting.held_on))]
    if figure == "key_visited":
        from app.models import HouseholdTag, Visit
        tagged = exists(select(HouseholdTag.id).where(
            HouseholdTag.household_id == Visit.household_id,
            HouseholdTag.added_on <= Visit.visited_on,
            or_(HouseholdTag.removed_on.is_(None), HouseholdTag.removed_on > Visit.visited_on)))
        return [RecordLine(on, address, head) for on, address, head in session.execute(
            select(func.min(Visit.visited_on), Household.address, Household.head_name)
            .join(Household, Household.id == Visit.household_id)
            .where(Visit.team_id == team_id, Visit.visited_on.between(first, end), tagged)
            .group_by(Household.id, Household.address, Household.head_name)
            .order_by(func.min(Visit.visited_on)))]
    if figure == "findings_open":
        return [RecordLine(f.found_on, f.source.label, f.description[:80])
                for f in session.scalars(select(Finding).where(
                    Finding.team_id == team_id, Finding.found_on <= end,
                    or_(Finding.status != FindingStatus.CLOSED, Finding.recheck_on > end))
                    .order_by(Finding.found_on))]
    if figure == "submissions_missing":
        return [RecordLine(i.due, i.kind.label, i.state.label)
                for i in deadlines.calendar_for(session, year, month, team_id, today=end)
                if i.state == deadlines.ItemState.MISSING]
    raise ValidationError(f"不认识的统计项“{figure}”", "figure")

