"""Plain values for the 会议与签到 area, read with their own session (in workers for the lists,
directly for one meeting's editor). ORM objects never leave these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from app.db import Database
from app.models import Attendance, MeetingKind, ProblemStatus
from app.services import meeting_compliance, meetings, people
from app.services import problems as problem_service
from app.services.meetings import AttendanceFigures, MeetingRow


@dataclass(frozen=True)
class ListRow:
    id: int
    held_on: date
    month: str             # "2026-03"
    hours: str
    kind: str              # MeetingKind value (filter)
    kind_label: str
    title: str
    teams: str
    team_ids: tuple[int, ...]
    place: str
    expected: int
    attended: int
    figures_text: str
    state: str             # 草稿 / 已定稿 / 已定稿·更正 N 次
    final: bool
    actions: int
    search: str


def figures_text(f: AttendanceFigures) -> str:
    text = f"应到 {f.expected}，实到 {f.attended}"
    if f.late:
        text += f"（迟到 {f.late}）"
    if f.on_leave:
        text += f"，请假 {f.on_leave}"
    if f.absent:
        text += f"，缺席 {f.absent}"
    if f.not_signed:
        text += f"，未登记 {f.not_signed}"
    if f.walk_ins:
        text += f"；列席 {f.walk_ins}"
    return text


def figures_line(f: AttendanceFigures) -> str:
    """The editor's line: every figure named, counted from the sign-in."""
    rate = "—" if f.rate is None else f"{f.rate:.1f}%"
    return (f"应到 {f.expected} 人　出席 {f.present}　迟到 {f.late}　请假 {f.on_leave}　"
            f"缺席 {f.absent}　未登记 {f.not_signed}　列席 {f.walk_ins}　"
            f"实到 {f.attended} 人，到会率 {rate}")


def state_text(final: bool, amendments: int) -> str:
    if not final:
        return "草稿"
    return f"已定稿·更正 {amendments} 次" if amendments else "已定稿"


def _list_row(r: MeetingRow) -> ListRow:
    return ListRow(
        r.id, r.held_on, f"{r.held_on:%Y-%m}", r.hours, r.kind.value, r.kind.label, r.title,
        r.teams, r.team_ids, r.place, r.figures.expected, r.figures.attended,
        figures_text(r.figures), state_text(r.final, r.amendments), r.final, r.actions,
        "\x1f".join((r.title, r.teams, r.place, r.kind.label)).lower())


def meeting_list(db: Database) -> list[ListRow]:
    with db.session() as s:
        return [_list_row(r) for r in meetings.meeting_rows(s)]


# --- one meeting -------------------------------------------------------------------------

@dataclass(frozen=True)
class AttendeeLine:
    id: int
    version: int
    person_id: int | None
    name: str
    unit: str
    post: str
    expected: bool
    status: Attendance | None
    arrived_at: time | None
    leave_reason: str
    signature_png: bytes | None
    signed_at: datetime | None


@dataclass(frozen=True)
class AgendaLine:
    id: int
    title: str
    discussion: str
    decision: str


@dataclass(frozen=True)
class ActionLine:
    text: str
    owner: str
    deadline: date
    problem_number: str
    problem_status: str
    created: bool
    agenda: str


@dataclass(frozen=True)
class ScanLine:
    file_name: str
    width: int
    height: int
    size: int


@dataclass(frozen=True)
class AmendmentLine:
    at: datetime
    user_name: str
    what: str
    reason: str
    before: str
    after: str


@dataclass(frozen=True)
class Detail:
    id: int
    version: int
    kind: MeetingKind
    title: str
    held_on: date
    start_time: time
    end_time: time
    place: str
    community_id: int | None
    host_id: int | None
    recorder_id: int | None
    team_ids: tuple[int, ...]
    teams: str
    decisions: str
    final: bool
    finalised_at: datetime | None
    finalised_by_name: str
    agenda: tuple[AgendaLine, ...]
    attendees: tuple[AttendeeLine, ...]
    actions: tuple[ActionLine, ...]
    scans: tuple[ScanLine, ...]
    amendments: tuple[AmendmentLine, ...]
    figures: AttendanceFigures

    @property
    def expected_person_ids(self) -> list[int]:
        return [a.person_id for a in self.attendees if a.expected and a.person_id is not None]


def detail(db: Database, meeting_id: int) -> Detail:
    """Everything the editor shows, for a reader allowed to see the meeting (else
    PermissionDenied / NotFoundError with the service's Chinese message)."""
    with db.session() as s:
        m = meetings.get_meeting(s, meeting_id)
        agenda_titles = {a.id: a.title for a in m.agenda}
        return Detail(
            m.id, m.version, m.kind, m.title, m.held_on, m.start_time, m.end_time, m.place,
            m.community_id, m.host_id, m.recorder_id, tuple(t.id for t in m.teams),
            "、".join(t.name for t in m.teams), m.decisions, m.final, m.finalised_at,
            m.finalised_by_name,
            tuple(AgendaLine(a.id, a.title, a.discussion, a.decision) for a in m.agenda),
            tuple(AttendeeLine(a.id, a.version, a.person_id, a.name, a.unit, a.post, a.expected,
                               a.status, a.arrived_at, a.leave_reason, a.signature_png,
                               a.signed_at) for a in m.attendees),
            tuple(ActionLine(x.text, x.owner.name if x.owner else "", x.deadline,
                             x.problem.number, x.problem.status.label, x.created_problem,
                             agenda_titles.get(x.agenda_item_id, ""))
                  for x in m.actions),
            tuple(ScanLine(x.file_name, x.width, x.height, len(x.original)) for x in m.scans),
            tuple(AmendmentLine(x.at, x.user_name, x.what, x.reason, x.before, x.after)
                  for x in m.amendments),
            meetings.figures(m.attendees))


@dataclass(frozen=True)
class PersonChoice:
    id: int
    name: str
    unit: str
    position: str

    @property
    def label(self) -> str:
        extra = "，".join(x for x in (self.unit, self.position) if x)
        return f"{self.name}（{extra}）" if extra else self.name


def people_choices(db: Database) -> list[PersonChoice]:
    """The people the user may see (for hosts, recorders and town meetings' invitees)."""
    with db.session() as s:
        return [PersonChoice(p.id, p.name, p.unit, p.position) for p in people.search_people(s)]


@dataclass(frozen=True)
class ProblemChoice:
    id: int
    number: str
    description: str
    deadline: date

    @property
    def label(self) -> str:
        return f"{self.number} {self.description[:30]}（{self.deadline:%m-%d} 前）"


def open_problems(db: Database, team_ids: tuple[int, ...]) -> list[ProblemChoice]:
    """The teams' problems not yet done, for an action item that updates one."""
    out: list[ProblemChoice] = []
    with db.session() as s:
        for team_id in team_ids:
            flt = problem_service.ProblemFilter(
                team_id=team_id, statuses=[ProblemStatus.REGISTERED, ProblemStatus.IN_PROGRESS])
            for row in problem_service.problem_values(s, flt):
                out.append(ProblemChoice(row[0], row[2], row[8], row[12]))
    return out


# --- compliance --------------------------------------------------------------------------

@dataclass(frozen=True)
class Compliance:
    year: int
    teams: tuple[Any, ...]     # meeting_compliance.TeamCompliance (frozen, plain)
    rates: tuple[Any, ...]     # meeting_compliance.PersonRate


def compliance(db: Database, year: int, team_id: int | None,
               today: date | None = None) -> Compliance:
    today = today or date.today()
    with db.session() as s:
        grid = meeting_compliance.compliance(s, year, team_id, today=today)
        end = min(date(year, 12, 31), today)
        rates = (meeting_compliance.attendance_rates(s, date(year, 1, 1), end, team_id)
                 if end >= date(year, 1, 1) else [])
    return Compliance(year, tuple(grid), tuple(rates))
