"""Plain values for the 抽查督查 tabs, read in workers (each call opens its own session).

ORM objects never leave these functions: the tabs and dialogs get frozen values only. The
writing actions are in the dialogs (one ``db.session()`` per user action).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.db import Database
from app.models import ItemResult, Whereabouts
from app.services import findings as finding_service
from app.services import meetings as meeting_service
from app.services import patrols as patrol_service
from app.services import people as people_service
from app.services import personal_files
from app.services import spot_checks
from app.services.patrols import MeetingRecordFacts
from app.services.personal_files import PersonalFile
from app.services.settings import get_settings
from app.services.spot_checks import Candidate
from ui.meetings.data import PersonChoice


def _yes_no(value: bool | None) -> str:
    return "—" if value is None else ("是" if value else "否")


# --- findings as the dialogs show them ------------------------------------------------------

@dataclass(frozen=True)
class FindingLine:
    id: int
    version: int
    source: str
    team: str
    person: str
    found_on: date
    severity: str
    description: str
    requirement: str
    deadline: date
    status: str
    overdue: bool
    reported: bool


def _finding_line(f, today: date) -> FindingLine:  # type: ignore[no-untyped-def]
    return FindingLine(f.id, f.version, f.source.label, f.team.name if f.team else "",
                       f.person.name if f.person else "", f.found_on, f.severity.label,
                       f.description, f.requirement, f.deadline, f.status.label,
                       f.is_overdue(today), f.reported)


# --- 台账抽查 ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckListRow:
    id: int
    year: int
    month_no: int
    month: str            # "2026-03"
    kind: str
    team_id: int
    team: str
    seed: str
    notice_on: date
    due_on: date
    received_on: date | None
    overdue: bool         # ledgers late (arrived late, or not arrived and past due): red
    score: str
    findings: str         # "open / total"
    reported: bool
    search: str


def score_text(passed: int, total: int, scored: bool) -> str:
    """“80/100”, or 未评分 while no item has a result (0/100 read as a failed check)."""
    return f"{passed}/{total}" if scored else "未评分"


def check_rows(db: Database) -> list[CheckListRow]:
    with db.session() as s:
        rows = spot_checks.check_rows(s)
    return [CheckListRow(
        r.id, r.year, r.month, f"{r.year:04d}-{r.month:02d}", r.kind.label, r.team_id, r.team,
        r.seed, r.notice_on, r.due_on, r.received_on, r.late, score_text(r.passed, r.total, r.scored),
        f"{r.open_findings}/{r.findings}", r.reported,
        f"{r.team}\x1f{r.year:04d}-{r.month:02d}\x1f{r.seed}".lower()) for r in rows]


@dataclass(frozen=True)
class ItemLine:
    id: int
    name: str
    points: int
    evidence: str
    result: ItemResult | None
    notes: str


@dataclass(frozen=True)
class CheckDetail:
    id: int
    version: int
    year: int
    month: int
    kind: str
    monthly: bool
    team_id: int
    team: str
    seed: str
    period_start: date
    period_end: date
    notice_on: date
    due_on: date
    received_on: date | None
    late: bool
    checked_on: date | None
    checker: str
    summary: str
    reported_at: datetime | None
    reported_by: str
    items: tuple[ItemLine, ...]
    findings: tuple[FindingLine, ...]
    passed: int
    total: int

    @property
    def reported(self) -> bool:
        return self.reported_at is not None


def check_detail(db: Database, check_id: int) -> CheckDetail:
    today = date.today()
    with db.session() as s:
        c = spot_checks.get_check(s, check_id)
        passed, total = spot_checks.score(c)
        from app.models import CheckKind

        return CheckDetail(
            c.id, c.version, c.year, c.month, c.kind.label, c.kind == CheckKind.MONTHLY,
            c.team_id, c.team.name, c.seed, c.period_start, c.period_end, c.notice_on,
            c.due_on, c.received_on, c.is_late(today), c.checked_on, c.checker, c.summary,
            c.reported_at, c.reported_by_name,
            tuple(ItemLine(i.id, i.name, i.points, i.evidence, i.result, i.notes)
                  for i in c.items),
            tuple(_finding_line(f, today) for f in c.findings), passed, total)


def full_check_months(db: Database) -> tuple[int, ...]:
    """The months the town checks every team (a setting), where nothing is drawn."""
    from app.services.settings import get_settings

    with db.session() as s:
        return get_settings(s).full_check_month_numbers


def candidates(db: Database, year: int, month: int) -> list[Candidate]:
    with db.session() as s:
        return spot_checks.candidates(s, year, month)


@dataclass(frozen=True)
class DrawResult:
    year: int
    month: int
    already: bool
    full: bool
    seed: str
    teams: tuple[str, ...]
    check_ids: tuple[int, ...]


def draw(db: Database, year: int, month: int, notice_on: date | None, seed: str | None
         ) -> DrawResult:
    """The month's draw (the user's one action: one transaction)."""
    with db.session() as s:
        result = spot_checks.draw_check(s, year, month, notice_on, seed)
        return DrawResult(year, month, result.already, result.full, result.seed,
                          tuple(c.team.name for c in result.checks),
                          tuple(c.id for c in result.checks))


@dataclass(frozen=True)
class Replay:
    recorded: str
    replayed: str
    seed: str
    pool: tuple[Candidate, ...]

    @property
    def same(self) -> bool:
        return self.recorded == self.replayed


def replay(db: Database, check_id: int) -> Replay:
    import json

    with db.session() as s:
        check = spot_checks.get_check(s, check_id)
        again = spot_checks.replay_draw(s, check_id)
        pool = tuple(Candidate(**c) for c in json.loads(check.pool or "[]"))
        return Replay(check.team.name, again.team, check.seed, pool)


# --- 下乡巡查 ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PatrolListRow:
    id: int
    patrol_on: date
    month: str
    hours: str
    villages: str
    checkers: str
    expected: int
    at_work: int
    away: int             # 缺岗 + 走过场
    excused: int
    unrecorded: int
    findings: int
    reported: bool
    overdue: bool         # absences found: shown in red
    search: str


def patrol_rows(db: Database) -> list[PatrolListRow]:
    rows = []
    with db.session() as s:
        for p in patrol_service.list_patrols(s):
            marks = [x.whereabouts for x in p.sightings]
            away = sum(1 for w in marks if w is not None and w.finding)
            villages = "、".join(c.name for c in p.communities)
            rows.append(PatrolListRow(
                p.id, p.patrol_on, f"{p.patrol_on:%Y-%m}",
                f"{p.start_time:%H:%M}–{p.end_time:%H:%M}", villages, p.checkers, len(marks),
                sum(1 for w in marks if w == Whereabouts.AT_WORK), away,
                sum(1 for w in marks if w == Whereabouts.EXCUSED),
                sum(1 for w in marks if w is None), len(p.findings), p.reported, away > 0,
                f"{villages}\x1f{p.checkers}\x1f{p.patrol_on:%Y-%m-%d}".lower()))
    return rows


@dataclass(frozen=True)
class SightingLine:
    id: int
    person: str
    team_id: int | None
    team: str
    community: str
    whereabouts: Whereabouts | None
    note: str


@dataclass(frozen=True)
class PatrolDetail:
    id: int
    version: int
    patrol_on: date
    hours: str
    villages: str
    checkers: str
    note: str
    reported_at: datetime | None
    reported_by: str
    sightings: tuple[SightingLine, ...]
    findings: tuple[FindingLine, ...]

    @property
    def reported(self) -> bool:
        return self.reported_at is not None


def patrol_detail(db: Database, patrol_id: int) -> PatrolDetail:
    today = date.today()
    with db.session() as s:
        p = patrol_service.get_patrol(s, patrol_id)
        return PatrolDetail(
            p.id, p.version, p.patrol_on, f"{p.start_time:%H:%M}–{p.end_time:%H:%M}",
            "、".join(c.name for c in p.communities), p.checkers, p.note, p.reported_at,
            p.reported_by_name,
            tuple(SightingLine(x.id, x.person.name, x.team_id, x.team.name if x.team else "",
                               x.community.name if x.community else "", x.whereabouts, x.note)
                  for x in p.sightings),
            tuple(_finding_line(f, today) for f in p.findings))


def patrol_weekday(db: Database) -> int:
    with db.session() as s:
        return get_settings(s).patrol_weekday


# --- 会议督查 ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeetingChoice:
    id: int
    held_on: date
    title: str
    kind: str
    teams: str
    team_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        teams = self.teams or self.kind
        return f"{self.held_on:%Y-%m-%d}　{self.title}" + ("" if teams in self.title
                                                           else f"（{teams}）")


def meeting_choices(db: Database, since: date | None = None) -> list[MeetingChoice]:
    """Recent meetings, newest first (services.meetings.meeting_rows)."""
    with db.session() as s:
        rows = meeting_service.meeting_rows(s, meeting_service.MeetingFilter(start=since))
    return [MeetingChoice(r.id, r.held_on, r.title, r.kind.label, r.teams, r.team_ids)
            for r in rows]


def meeting_facts(db: Database, meeting_id: int) -> MeetingRecordFacts:
    with db.session() as s:
        return patrol_service.record_facts(meeting_service.get_meeting(s, meeting_id))


@dataclass(frozen=True)
class SupervisionListRow:
    id: int
    supervised_on: date
    month: str
    held_on: date
    meeting: str
    teams: str
    supervisor: str
    held_as_scheduled: str
    minutes_complete: str
    sign_in_complete: str
    signatures_match: str
    findings: int
    reported: bool
    overdue: bool        # an answer "否": shown in red
    search: str


def supervision_rows(db: Database) -> list[SupervisionListRow]:
    rows = []
    with db.session() as s:
        for x in patrol_service.list_supervisions(s):
            answers = (x.held_as_scheduled, x.minutes_complete, x.sign_in_complete,
                       x.signatures_match)
            teams = "、".join(t.name for t in x.meeting.teams)
            rows.append(SupervisionListRow(
                x.id, x.supervised_on, f"{x.supervised_on:%Y-%m}", x.meeting.held_on,
                x.meeting.title, teams, x.supervisor, *(_yes_no(a) for a in answers),
                len(x.findings), x.reported, any(a is False for a in answers),
                f"{x.meeting.title}\x1f{teams}\x1f{x.supervisor}".lower()))
    return rows


@dataclass(frozen=True)
class SupervisionDetail:
    id: int
    version: int
    meeting_id: int
    meeting: str
    held_on: date
    teams: tuple[tuple[int, str], ...]
    supervised_on: date
    supervisor: str
    held_as_scheduled: bool | None
    minutes_complete: bool | None
    sign_in_complete: bool | None
    signatures_match: bool | None
    note: str
    reported_at: datetime | None
    reported_by: str
    facts: MeetingRecordFacts
    findings: tuple[FindingLine, ...]

    @property
    def reported(self) -> bool:
        return self.reported_at is not None


def supervision_detail(db: Database, supervision_id: int) -> SupervisionDetail:
    today = date.today()
    with db.session() as s:
        x = patrol_service.get_supervision(s, supervision_id)
        m = x.meeting
        return SupervisionDetail(
            x.id, x.version, m.id, m.title, m.held_on, tuple((t.id, t.name) for t in m.teams),
            x.supervised_on, x.supervisor, x.held_as_scheduled, x.minutes_complete,
            x.sign_in_complete, x.signatures_match, x.note, x.reported_at, x.reported_by_name,
            patrol_service.record_facts(m), tuple(_finding_line(f, today) for f in x.findings))


# --- 整改跟踪 ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class FindingListRow:
    id: int
    version: int
    found_on: date
    month: str
    source: str
    team_id: int | None
    team: str
    person: str
    severity: str
    description: str
    requirement: str
    deadline: date
    status: str           # FindingStatus value
    status_label: str
    overdue: bool
    response: str
    recheck_on: date | None
    reported: bool
    search: str


def finding_rows(db: Database) -> list[FindingListRow]:
    with db.session() as s:
        rows = finding_service.finding_rows(s)
    return [FindingListRow(
        r.id, r.version, r.found_on, f"{r.found_on:%Y-%m}", r.source.label, r.team_id, r.team,
        r.person,
        r.severity.label, r.description, r.requirement, r.deadline, r.status.value,
        r.status.label, r.overdue, r.response, r.recheck_on, r.reported,
        f"{r.team}\x1f{r.person}\x1f{r.description}\x1f{r.requirement}\x1f{r.response}".lower())
        for r in rows]


@dataclass(frozen=True)
class AmendmentLine:
    at: datetime
    user: str
    what: str
    before: str
    after: str
    reason: str


@dataclass(frozen=True)
class FindingDetail:
    line: FindingLine
    response: str
    responded_on: date | None
    recheck_on: date | None
    recheck_passed: bool | None
    recheck_note: str
    team_id: int | None
    amendments: tuple[AmendmentLine, ...]


def finding_detail(db: Database, finding_id: int) -> FindingDetail:
    with db.session() as s:
        f = finding_service.get_finding(s, finding_id)
        trail = tuple(AmendmentLine(a.at, a.user_name, a.what, a.before, a.after, a.reason)
                      for a in finding_service.amendments(s, finding_id))
        return FindingDetail(_finding_line(f, date.today()), f.response, f.responded_on,
                             f.recheck_on, f.recheck_passed, f.recheck_note, f.team_id, trail)


# --- 个人档案 ---------------------------------------------------------------------------------



def people(db: Database, text: str) -> list[PersonChoice]:
    with db.session() as s:
        return [PersonChoice(p.id, p.name, p.unit, p.position)
                for p in people_service.search_people(s, text, include_retired=True)]


def personal_file(db: Database, person_id: int, year: int) -> PersonalFile:
    with db.session() as s:
        return personal_files.personal_file(s, person_id, year)

