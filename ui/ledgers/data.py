"""Plain rows for the ledger tabs, read in workers (each with its own session).

Sessions and ORM objects never leave these functions: the tabs get frozen values only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from app.db import Database
from app.services import problems as problem_service
from app.services import station_logs, teams


@dataclass(frozen=True)
class TeamChoice:
    id: int
    name: str
    communities: tuple[tuple[int, str], ...]
    members: tuple[tuple[int, str], ...]   # in force today: (person id, name)
    place: str
    start: time
    end: time


@dataclass(frozen=True)
class ProblemRow:
    id: int
    version: int
    number: str
    community_id: int
    community: str
    team_id: int | None
    reported_on: date
    month: str           # "2026-03"
    category: str
    description: str
    reporter: str
    level: str
    deadline: date
    status: str          # ProblemStatus value
    status_label: str
    overdue: bool
    search: str          # lower-case, computed once


@dataclass(frozen=True)
class StepLine:
    on: date
    change: str
    by: str
    note: str


@dataclass(frozen=True)
class ProblemDetail:
    row: ProblemRow
    source: str
    department: str
    result: str
    feedback: str
    steps: tuple[StepLine, ...]


@dataclass(frozen=True)
class SessionRow:
    id: int
    team_id: int
    team: str
    community_id: int
    community: str
    held_on: date
    month: str
    hours: str
    place: str
    kind: str
    members: str
    summary: str
    problems: int


@dataclass(frozen=True)
class ReceptionRow:
    id: int
    team_id: int
    team: str
    community_id: int
    community: str
    received_on: date
    month: str
    visitor: str
    phone: str
    matter: str
    handling: str
    problem: str


def team_choices(db: Database) -> list[TeamChoice]:
    with db.session() as s:
        return [TeamChoice(
            t.id, t.name, tuple((c.id, c.name) for c in t.communities),
            tuple((m.person_id, m.person.name) for m in t.current()),
            t.station_place, t.station_start, t.station_end) for t in teams.list_teams(s)]


def _problem_row(p, today: date) -> ProblemRow:  # type: ignore[no-untyped-def]
    reporter = "匿名" if p.anonymous else p.reporter_name
    return ProblemRow(
        p.id, p.version, p.number, p.community_id, p.community.name, p.team_id, p.reported_on,
        f"{p.reported_on:%Y-%m}", p.category, p.description, reporter, p.level.label, p.deadline,
        p.status.value, p.status.label, p.is_overdue(today),
        f"{p.number}\x1f{p.category}\x1f{p.description}\x1f{reporter}".lower())


def problem_rows(db: Database) -> list[ProblemRow]:
    """The ledger's rows from plain column values (20,000 ORM objects took seconds)."""
    today = date.today()
    with db.session() as s:
        values = problem_service.problem_values(s)
    rows = []
    for (pid, version, number, community_id, community, team_id, reported_on, category,
         description, anonymous, reporter_name, level, deadline, status) in values:
        reporter = "匿名" if anonymous else reporter_name
        rows.append(ProblemRow(
            pid, version, number, community_id, community, team_id, reported_on,
            f"{reported_on:%Y-%m}", category, description, reporter, level.label, deadline,
            status.value, status.label, not status.finished and deadline < today,
            f"{number}\x1f{category}\x1f{description}\x1f{reporter}".lower()))
    return rows


def problem_detail(db: Database, problem_id: int) -> ProblemDetail:
    with db.session() as s:
        p = problem_service.get_problem(s, problem_id)
        feedback = ""
        if p.feedback_method is not None:
            feedback = (f"{p.feedback_method.label}，{p.feedback_on:%Y-%m-%d}，"
                        f"{p.satisfaction.label if p.satisfaction else ''}")
        steps = tuple(StepLine(
            st.on_date, (f"{st.from_status.label} → " if st.from_status else "") + st.to_status.label,
            st.by_name, st.note) for st in p.steps)
        return ProblemDetail(_problem_row(p, date.today()), p.source.label, p.department,
                             p.result, feedback, steps)


def session_rows(db: Database) -> list[SessionRow]:
    with db.session() as s:
        return [SessionRow(
            r.id, r.team_id, r.team.name, r.community_id, r.community.name, r.held_on,
            f"{r.held_on:%Y-%m}", f"{r.start_time:%H:%M}—{r.end_time:%H:%M}", r.place,
            r.kind.label, "、".join(m.name for m in r.members), r.summary, len(r.problems))
            for r in reversed(station_logs.list_sessions(s))]


def gaps(db: Database, teams_: list[tuple[int, str]], start: date, end: date
         ) -> list[tuple[str, date]]:
    """The station days in [start, end] with no session, per team: (team name, day)."""
    with db.session() as s:
        return [(name, day) for team_id, name in teams_
                for day in station_logs.station_gaps(s, team_id, start, end)]


def reception_rows(db: Database) -> list[ReceptionRow]:
    from app.services.communities import list_communities
    from app.services.teams import list_teams

    with db.session() as s:
        # Names once, not a lookup per row (4,000 rows were 9,000 queries).
        team_names = {t.id: t.name for t in list_teams(s)}
        community_names = {c.id: c.name for c in list_communities(s)}
        return [ReceptionRow(
            r.id, r.team_id, team_names.get(r.team_id) or _team_name(s, r.team_id), r.community_id,
            community_names.get(r.community_id) or _community_name(s, r),
            r.received_on, f"{r.received_on:%Y-%m}", r.visitor_name, r.phone, r.matter,
            r.handling, r.problem.number if r.problem else "")
            for r in reversed(station_logs.list_receptions(s))]


def _team_name(s, team_id: int) -> str:  # type: ignore[no-untyped-def]
    from app.models import Team

    team = s.get(Team, team_id)
    return team.name if team else ""


def _community_name(s, reception) -> str:  # type: ignore[no-untyped-def]
    from app.models import Community

    community = s.get(Community, reception.community_id)
    return community.name if community else ""
