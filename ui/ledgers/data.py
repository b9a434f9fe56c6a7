"""Plain rows for the ledger tabs, read in workers (each with its own session).

Sessions and ORM objects never leave these functions: the tabs get frozen values only.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date, time

from app.db import Database
from app.models import ProblemStatus
from app.services import problems as problem_service
from app.services import station_logs, teams
from ui.ledgers.paged import BLOCK, Listing, collated, months_between
from ui.ledgers.paged_tab import search_key


def month_of(day: date) -> str:
    """"2026-03". Not ``f"{day:%Y-%m}"``: strftime imports the time module on every call, and
    with PySide6 loaded each import goes through its Python import hook (~15 µs a row)."""
    return day.isoformat()[:7]


@dataclass(frozen=True)
class TeamChoice:
    id: int
    name: str
    communities: tuple[tuple[int, str], ...]
    members: tuple[tuple[int, str], ...]   # in force today: (person id, name)
    place: str
    start: time
    end: time


@dataclass(slots=True)
class ProblemRow:   # slots, not frozen: building 20,000 frozen rows costs ~0.1 s
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
    committee: str = ""          # the party committee's decision, with its date


@dataclass(slots=True)
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


@dataclass(slots=True)
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
        month_of(p.reported_on), p.category, p.description, reporter, p.level.label, p.deadline,
        p.status.value, p.status.label, p.is_overdue(today))


@dataclass(frozen=True)
class ProblemQuery:
    """What the problem list shows: ``year`` (that year's problems and every earlier one still
    open; None for all), the filters, and the order (a column of the list, descending)."""

    year: int | None = None
    team_id: int | None = None
    community_id: int | None = None
    status: str | None = None        # ProblemStatus value
    month: str | None = None         # "2026-03"
    overdue: bool = False
    text: str = ""
    column: int = 2                  # 登记日期
    descending: bool = True


# The list's columns (ui/ledgers/problems.COLUMNS) by what orders them.
PROBLEM_ORDERS = ("number", "community", "reported_on", "category", "description", "reporter",
                  "level", "deadline", "status")


def _month_range(month: str | None) -> tuple[date | None, date | None]:
    if not month:
        return None, None
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, 1), date(year, number, monthrange(year, number)[1])


def problem_listing(db: Database, query: ProblemQuery, fresh: bool = True) -> Listing:
    """Runs in a worker: the ids of the problems ``query`` selects, in its order, the first
    block of rows, the counts; with ``fresh`` also the months and communities to filter by."""
    today = date.today()
    start, end = _month_range(query.month)
    base = problem_service.ProblemFilter(year_or_open=query.year)
    flt = replace(base, team_id=query.team_id, community_id=query.community_id,
                  status=ProblemStatus(query.status) if query.status else None, start=start,
                  end=end, overdue_only=query.overdue, on=today, text=query.text)
    order = PROBLEM_ORDERS[query.column]
    with db.session() as s:
        if order in problem_service.SQL_ORDERS:
            ids, late = problem_service.problem_ids(s, flt, order, query.descending)
        else:
            ids = collated(problem_service.problem_texts(s, flt, order), query.descending)
            late = problem_service.problem_ids(s, replace(flt, overdue_only=True))[0]
        total = problem_service.problem_count(s, base)
        months = communities = None
        if fresh:
            months = months_between(*problem_service.problem_span(s, base))
            communities = problem_service.problem_communities(s, base)
        rows = _problem_rows_of(s, ids[:BLOCK], today)
    return Listing(ids, total, rows, frozenset(late), months, communities)


def problem_search_keys(db: Database, year: int | None) -> dict[int, str]:
    """Runs in a worker: the search text of every problem of the period (see ProblemQuery.year),
    for a search done in memory (ui/ledgers/paged_tab.py)."""
    with db.session() as s:
        values = problem_service.problem_search_values(
            s, problem_service.ProblemFilter(year_or_open=year))
    return {pid: search_key(number, category, description, reporter)
            for pid, number, category, description, reporter in values}


def problem_page(db: Database, ids: list[int]) -> list[ProblemRow]:
    """The rows of these problems (a block of the list, read when the view shows it)."""
    with db.session() as s:
        return _problem_rows_of(s, ids, date.today())


def _problem_rows_of(s, ids: list[int], today: date) -> list[ProblemRow]:  # type: ignore[no-untyped-def]
    if not ids:
        return []
    values = problem_service.problem_values(s, problem_service.ProblemFilter(ids=ids))
    return [ProblemRow(pid, version, number, community_id, community, team_id, reported_on,
                       month_of(reported_on), category, description,
                       "匿名" if anonymous else reporter_name, level.label, deadline,
                       status.value, status.label, not status.finished and deadline < today)
            for (pid, version, number, community_id, community, team_id, reported_on, category,
                 description, anonymous, reporter_name, level, deadline, status) in values]


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
        committee = (f"{p.committee_decision}（{p.committee_decided_on:%Y-%m-%d}）"
                     if p.committee_decided_on else "")
        return ProblemDetail(_problem_row(p, date.today()), p.source.label, p.department,
                             p.result, feedback, steps, committee)


def session_rows(db: Database) -> list[SessionRow]:
    """Newest first, from plain column rows (ORM objects with their members and problems
    took over a second for the large town's 3,700 sessions)."""
    with db.session() as s:
        values = station_logs.session_values(s)
    return [SessionRow(
        sid, team_id, team, community_id, community, held_on, month_of(held_on),
        f"{start.hour:02d}:{start.minute:02d}—{end.hour:02d}:{end.minute:02d}", place, kind.label, members, summary, raised)
        for (sid, _version, team_id, team, community_id, community, held_on, start, end, place,
             kind, _make_up_for, summary, members, raised) in values]


def gaps(db: Database, teams_: list[tuple[int, str]], start: date, end: date
         ) -> list[tuple[str, date]]:
    """The station days in [start, end] with no session, per team: (team name, day)."""
    with db.session() as s:
        return [(name, day) for team_id, name in teams_
                for day in station_logs.station_gaps(s, team_id, start, end)]


def reception_rows(db: Database) -> list[ReceptionRow]:
    """Newest first, from plain column rows (names joined in the one statement)."""
    with db.session() as s:
        values = station_logs.reception_values(s)
    return [ReceptionRow(
        rid, team_id, team, community_id, community, received_on, month_of(received_on),
        visitor, phone, matter, handling, problem)
        for (rid, _version, team_id, team, community_id, community, received_on, visitor, phone,
             matter, handling, problem) in values]


def _team_name(s, team_id: int) -> str:  # type: ignore[no-untyped-def]
    from app.models import Team

    team = s.get(Team, team_id)
    return team.name if team else ""


def _community_name(s, reception) -> str:  # type: ignore[no-untyped-def]
    from app.models import Community

    community = s.get(Community, reception.community_id)
    return community.name if community else ""


# --- one record's current values, for its 修改 dialog (one row: read when the dialog opens) ---

@dataclass(frozen=True)
class ProblemForm:
    problem_id: int
    version: int
    number: str
    status_label: str
    community: str
    team: str              # the problem's team, "" for none
    data: problem_service.ProblemInput
    own_deadline: bool     # the deadline differs from the category's default


def session_form(db: Database, session_id: int) -> station_logs.SessionForm:
    with db.session() as s:
        return station_logs.session_form(s, session_id)


def reception_form(db: Database, reception_id: int) -> station_logs.ReceptionForm:
    with db.session() as s:
        return station_logs.reception_form(s, reception_id)


def problem_form(db: Database, problem_id: int) -> ProblemForm:
    with db.session() as s:
        p = problem_service.get_problem(s, problem_id)
        entry = problem_service.ProblemInput(
            community_id=p.community_id, reported_on=p.reported_on, category=p.category,
            description=p.description, source=p.source, level=p.level, team_id=p.team_id,
            reporter_household_id=p.reporter_household_id,
            reporter_person_id=p.reporter_person_id, anonymous=p.anonymous,
            reporter_name=p.reporter_name, leader_id=p.leader_id, department=p.department,
            deadline=p.deadline, result=p.result, situation=p.situation, solution=p.solution,
            budget=p.budget, subsidy=p.subsidy, expected_completion=p.expected_completion,
            station_session_id=p.station_session_id)
        default = problem_service.default_deadline(s, p.category, p.reported_on, p.level)
        team = _team_name(s, p.team_id) if p.team_id is not None else ""
        return ProblemForm(p.id, p.version, p.number, p.status.label, p.community.name, team,
                           entry, p.deadline != default)


def category_choices(db: Database, keep: str = "") -> list[str]:
    """The active problem categories in the town's order (settings page), for the category
    combos; ``keep`` (an existing problem's category, perhaps retired or renamed since) is
    added at the end when it is not among them, so an edit form still shows it."""
    from app.services import problem_categories

    with db.session() as s:
        names = problem_categories.active_names(s)
    keep = keep.strip()
    return names + [keep] if keep and keep not in names else names
