"""A cadre's personal file (个人档案) for the annual assessment (年度考核): the patrol findings
about them, their meeting attendance, the station sessions they attended, the visits they made,
the problems they were responsible for and how many were closed on time, and the ledger-check
findings of the teams they served in that year. All counted from the records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.auth import Permission, require
from app.errors import ValidationError
from app.models import (FieldPatrol, Finding, FindingSource, Membership, PatrolSighting, Person,
                        Problem, ProblemStatus, ProblemStep, StationSession, Team, Visit,
                        visit_visitor)
from app.models.ledgers import session_member
from app.services.common import get_or_fail
from app.services.meeting_compliance import PersonRate, attendance_rates


@dataclass(frozen=True)
class PatrolLine:
    on: date
    place: str
    whereabouts: str
    note: str


@dataclass(frozen=True)
class FindingLine:
    on: date
    source: str
    team: str
    severity: str
    description: str
    status: str
    overdue: bool


@dataclass(frozen=True)
class PersonalFile:
    person_id: int
    name: str
    unit: str
    position: str
    year: int
    teams: tuple[str, ...]            # the teams served in the year, with the role
    patrols: tuple[PatrolLine, ...]   # every time a patrol expected them
    personal_findings: tuple[FindingLine, ...]
    attendance: PersonRate | None
    station_sessions: int
    visits: int
    problems: int                      # responsible for (leader), reported in the year
    problems_closed: int               # of those, handled (已办结 or later)
    problems_on_time: int              # handled no later than the deadline
    team_findings: tuple[FindingLine, ...]

    @property
    def patrol_absences(self) -> int:
        return sum(1 for p in self.patrols if p.whereabouts in ("缺岗", "走过场"))


def personal_file(session: Session, person_id: int, year: int,
                  today: date | None = None) -> PersonalFile:
    require(session, Permission.RUN_SPOT_CHECKS)
    if not 2000 <= year <= 2100:
        raise ValidationError(f"年份 {year} 不在 2000 到 2100 之间", "year")
    person = get_or_fail(session, Person, person_id, "干部")
    start, end = date(year, 1, 1), date(year, 12, 31)
    today = today or date.today()
    served = session.execute(
        select(Team.id, Team.name, Membership.role).join(Membership, Membership.team_id == Team.id)
        .where(Membership.person_id == person_id, Membership.start_date <= end,
               or_(Membership.end_date.is_(None), Membership.end_date > start))
        .order_by(Team.name)).all()
    team_ids = sorted({tid for tid, _n, _r in served})
    patrols = tuple(PatrolLine(on, place or "", w.label if w else "未登记", note)
                    for on, place, w, note in session.execute(
        select(FieldPatrol.patrol_on, _community_name(), PatrolSighting.whereabouts,
               PatrolSighting.note)
        .join(FieldPatrol, FieldPatrol.id == PatrolSighting.patrol_id)
        .where(PatrolSighting.person_id == person_id,
               FieldPatrol.patrol_on.between(start, end))
        .order_by(FieldPatrol.patrol_on)))
    personal = _findings(session, Finding.person_id == person_id, start, end, today)
    team_findings = _findings(session, Finding.team_id.in_(team_ids)
                              & Finding.source.in_([FindingSource.LEDGER_CHECK,
                                                    FindingSource.LATE_DELIVERY,
                                                    FindingSource.SUPERVISION]),
                              start, end, today) if team_ids else ()
    rates = [r for r in attendance_rates(session, start, end) if r.person_id == person_id]
    sessions = session.scalar(
        select(func.count()).select_from(session_member)
        .join(StationSession, StationSession.id == session_member.c.station_session_id)
        .where(session_member.c.person_id == person_id,
               StationSession.held_on.between(start, end))) or 0
    visits = session.scalar(
        select(func.count()).select_from(visit_visitor)
        .join(Visit, Visit.id == visit_visitor.c.visit_id)
        .where(visit_visitor.c.person_id == person_id,
               Visit.visited_on.between(start, end))) or 0
    done_on = (select(ProblemStep.problem_id, func.min(ProblemStep.on_date).label("on"))
               .where(ProblemStep.to_status == ProblemStatus.DONE)
               .group_by(ProblemStep.problem_id).subquery())
    handled = [(status, deadline, on) for status, deadline, on in session.execute(
        select(Problem.status, Problem.deadline, done_on.c.on)
        .outerjoin(done_on, done_on.c.problem_id == Problem.id)
        .where(Problem.leader_id == person_id, Problem.reported_on.between(start, end)))]
    closed = [h for h in handled if h[0].finished]
    return PersonalFile(
        person.id, person.name, person.unit, person.position, year,
        tuple(f"{name}（{role.label}）" for _tid, name, role in served), patrols, personal,
        rates[0] if rates else None, sessions, visits, len(handled), len(closed),
        sum(1 for _s, deadline, on in closed if on is not None and on <= deadline), team_findings)


def _community_name():  # type: ignore[no-untyped-def]
    from app.models import Community
    return (select(Community.name).where(Community.id == PatrolSighting.community_id)
            .scalar_subquery())


def _findings(session: Session, where, start: date, end: date,  # type: ignore[no-untyped-def]
              today: date) -> tuple[FindingLine, ...]:
    return tuple(FindingLine(f.found_on, f.source.label, f.team.name if f.team else "",
                             f.severity.label, f.description, f.status.label,
                             f.is_overdue(today))
                 for f in session.scalars(select(Finding).where(
                     where, Finding.found_on.between(start, end)).order_by(Finding.found_on)))
