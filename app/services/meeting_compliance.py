"""Meeting compliance at a glance: per team, each week with or without its weekly meeting
(周会) and each month with or without the monthly meeting (月度直联工作汇报会) it took part in;
and each person's attendance rate. Computed from the meetings, never typed.

A week is Monday to Sunday (ISO weeks of the year). A week or month still running is
``pending``, not missed; weeks and months after a team was dissolved are not due.
Attendance rate = (出席 + 迟到) / times expected; 请假 counts as not attended but is shown.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.auth import Permission, require
from app.errors import ValidationError
from app.models import Attendance, Attendee, Meeting, MeetingKind, Team, meeting_team


@dataclass(frozen=True, slots=True)
class Mark:
    start: date
    end: date
    label: str                 # "第 12 周" / "3月"
    meeting_ids: tuple[int, ...]
    due: bool                  # over (or started, for "pending") and the team existed

    @property
    def held(self) -> bool:
        return bool(self.meeting_ids)

    @property
    def missed(self) -> bool:
        return self.due and not self.held


@dataclass(frozen=True, slots=True)
class TeamCompliance:
    team_id: int
    team: str
    weeks: tuple[Mark, ...]
    months: tuple[Mark, ...]

    @property
    def weeks_missed(self) -> int:
        return sum(1 for w in self.weeks if w.missed)

    @property
    def months_missed(self) -> int:
        return sum(1 for m in self.months if m.missed)


@dataclass(frozen=True, slots=True)
class PersonRate:
    person_id: int | None
    name: str
    teams: str
    expected: int
    present: int
    late: int
    on_leave: int
    absent: int

    @property
    def attended(self) -> int:
        return self.present + self.late

    @property
    def rate(self) -> float | None:
        return round(100 * self.attended / self.expected, 1) if self.expected else None


def _weeks(year: int) -> list[tuple[date, date]]:
    monday = date.fromisocalendar(year, 1, 1)
    out = []
    while monday.isocalendar().year == year:
        out.append((monday, monday + timedelta(days=6)))
        monday += timedelta(days=7)
    return out


def _months(year: int) -> list[tuple[date, date]]:
    out = []
    for month in range(1, 13):
        first = date(year, month, 1)
        nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        out.append((first, nxt - timedelta(days=1)))
    return out


def _teams(session: Session, team_id: int | None) -> list[Team]:
    actor = require(session, Permission.VIEW_RECORDS)
    allowed = actor.teams_for(Permission.VIEW_RECORDS)
    query = select(Team).order_by(Team.name)
    if allowed is not None:
        query = query.where(Team.id.in_(allowed))
    if team_id is not None:
        query = query.where(Team.id == team_id)
    return list(session.scalars(query))


def compliance(session: Session, year: int, team_id: int | None = None,
               today: date | None = None) -> list[TeamCompliance]:
    if not 2000 <= year <= 2100:
        raise ValidationError(f"年份 {year} 不在 2000 到 2100 之间", "year")
    today = today or date.today()
    teams = _teams(session, team_id)
    weeks, months = _weeks(year), _months(year)
    start, end = weeks[0][0], max(weeks[-1][1], months[-1][1])
    held: dict[tuple[int, MeetingKind], list[tuple[date, int]]] = defaultdict(list)
    for tid, kind, held_on, mid in session.execute(
            select(meeting_team.c.team_id, Meeting.kind, Meeting.held_on, Meeting.id)
            .join(Meeting, Meeting.id == meeting_team.c.meeting_id)
            .where(Meeting.kind.in_([MeetingKind.WEEKLY, MeetingKind.MONTHLY]),
                   Meeting.held_on.between(start, end),
                   meeting_team.c.team_id.in_([t.id for t in teams]))):
        held[(tid, kind)].append((held_on, mid))

    def marks(team: Team, kind: MeetingKind, spans: list[tuple[date, date]], label) -> tuple:
        out = []
        for number, (first, last) in enumerate(spans, start=1):
            ids = tuple(mid for day, mid in held[(team.id, kind)] if first <= day <= last)
            alive = team.dissolved_on is None or team.dissolved_on > first
            due = alive and last < today
            out.append(Mark(first, last, label(number, first), ids, due))
        return tuple(out)

    return [TeamCompliance(
        team.id, team.name,
        marks(team, MeetingKind.WEEKLY, weeks, lambda n, _f: f"第 {n} 周"),
        marks(team, MeetingKind.MONTHLY, months, lambda _n, f: f"{f.month}月"))
        for team in teams]


def attendance_rates(session: Session, start: date, end: date,
                     team_id: int | None = None) -> list[PersonRate]:
    """Each expected person's attendance over the meetings of the period (finalised or not)."""
    teams = {t.id: t.name for t in _teams(session, team_id)}
    per: dict[tuple[int | None, str], dict] = {}
    for person_id, name, status, meeting_teams in _attendee_rows(session, start, end, teams):
        # One row per meeting (a meeting of two teams is counted once); walk-ins are not
        # expected and not counted; a sign-in not yet taken counts only once the day is over.
        key = (person_id, name if person_id is None else "")
        entry = per.setdefault(key, {"name": name, "teams": set(), "n": defaultdict(int)})
        entry["teams"].update(meeting_teams)
        entry["n"]["expected"] += 1
        entry["n"][status] += 1
    out = [PersonRate(key[0], e["name"], "、".join(sorted(e["teams"])), e["n"]["expected"],
                      e["n"][Attendance.PRESENT], e["n"][Attendance.LATE],
                      e["n"][Attendance.LEAVE], e["n"][Attendance.ABSENT] + e["n"][None])
           for key, e in per.items()]
    return sorted(out, key=lambda r: (r.rate if r.rate is not None else 101, r.name))


def _attendee_rows(session: Session, start: date, end: date, teams: dict[int, str]):  # type: ignore[no-untyped-def]
    links: dict[int, set[str]] = defaultdict(set)
    for mid, tid in session.execute(
            select(meeting_team.c.meeting_id, meeting_team.c.team_id)
            .join(Meeting, Meeting.id == meeting_team.c.meeting_id)
            .where(Meeting.held_on.between(start, end),
                   meeting_team.c.team_id.in_(list(teams)))):
        links[mid].add(teams[tid])
    if not links:
        return []
    rows = session.execute(
        select(Attendee.meeting_id, Attendee.person_id, Attendee.name, Attendee.status)
        .join(Meeting, Meeting.id == Attendee.meeting_id)
        .where(Attendee.meeting_id.in_(list(links)), Attendee.expected.is_(True),
               or_(Attendee.status.is_not(None), Meeting.held_on < date.today())))
    return [(person_id, name, status, links[mid]) for mid, person_id, name, status in rows]
