"""The attendance register (会议签到考勤表) of a month as print-ready xlsx, laid out like the
ledgers (on the document kit, app/documents/xlsx.py): a title row, the unit and period line,
the header repeated on every printed page, A4 landscape with the columns fitted to its width
(the wide ones — meeting, unit and post, reason — wrap), every row as tall as its text.

Sheet 1, 签到明细: one row per meeting × attendee (date, meeting, name, post, status, the late
time or the leave reason, whether a signature was captured or the signed paper sheet attached).
Sheet 2, 个人汇总: per person expected, present, late, on leave, absent and the rate (a number
shown as a percentage; below 80 % in bold red) — counted by
app.services.meeting_compliance.attendance_rates, the same figures the compliance screen shows.

The meetings are those of the month linked to the team asked for, or to every team the user
may read (liaisons and leaders: only theirs). Each export is recorded ("export").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app import audit
from app.errors import ValidationError
from app.files import save_whole
from app.documents.xlsx import A4_LANDSCAPE, Alert, Book, Column
from app.ledgers.export import month_end, team_ids, team_scope, unit_for
from app.models import Attendance, Attendee, Meeting, meeting_team
from app.services.meeting_compliance import attendance_rates
from app.services.settings import get_settings

_ALERTS = {"缺席", "未登记"}
LOW_RATE = 80.0   # rates below this print red

DETAIL_COLUMNS = [Column("日期", 11), Column("时间", 12), Column("会议名称", 30),
                  Column("会议类型", 12), Column("姓名", 10), Column("单位／职务", 24),
                  Column("类别", 6), Column("出席情况", 9), Column("迟到时间／请假原因", 22),
                  Column("签名", 14), Column("记录状态", 8)]
SUMMARY_COLUMNS = [Column("序号", 6), Column("姓名", 10), Column("驻点团队", 22),
                   Column("应到次数", 9), Column("出席", 7), Column("迟到", 7), Column("请假", 7),
                   Column("缺席（含未登记）", 10), Column("实到次数", 9),
                   Column("出席率", 9, "percent")]
_STATUS_COLUMN = 7
_RATE_COLUMN = 9


@dataclass(frozen=True)
class AttendanceExport:
    path: Path
    meetings: int
    rows: int
    people: int


def export_attendance(session: Session, year: int, month: int, team_id: int | None,
                      out: Path) -> AttendanceExport:
    """The month's attendance register (see the module's docstring)."""
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationError(f"月份 {year}-{month:02d} 不对，请写成“年-月”，如 2026-03。", "month")
    team = team_scope(session, team_id)           # VIEW_RECORDS, and the team must be theirs
    scope = team_ids(session, team)               # None: every team
    start = date(year, month, 1)
    end = month_end(start)
    query = (select(Meeting).where(Meeting.held_on.between(start, end))
             .options(selectinload(Meeting.attendees), selectinload(Meeting.teams),
                      selectinload(Meeting.scans))
             .order_by(Meeting.held_on, Meeting.start_time, Meeting.id))
    linked = select(meeting_team.c.meeting_id)
    if scope is not None:
        linked = linked.where(meeting_team.c.team_id.in_(scope))
    meetings = session.scalars(query.where(Meeting.id.in_(linked))).all()

    with_team = team is None
    today = date.today()
    rows: list[list[object]] = []
    for m in meetings:
        for a in m.attendees:
            row: list[object] = [f"{m.held_on:%Y-%m-%d}",
                                 f"{m.start_time:%H:%M}—{m.end_time:%H:%M}", m.title,
                                 m.kind.label, a.name,
                                 "／".join(p for p in (a.unit, a.post) if p),
                                 "应到" if a.expected else "列席", _status(a, m, today),
                                 _detail(a), _signed(a, m), "已定稿" if m.final else "草稿"]
            if with_team:
                row.insert(2, "、".join(t.name for t in m.teams
                                       if scope is None or t.id in scope))
            rows.append(row)
    detail_columns = list(DETAIL_COLUMNS)
    status_column = _STATUS_COLUMN
    if with_team:
        detail_columns.insert(2, Column("驻点团队", 18))
        status_column += 1

    rates = attendance_rates(session, start, end, team.id if team else None)
    order = {}
    for m in meetings:
        for a in m.attendees:
            if a.expected:
                order.setdefault((a.person_id, a.name if a.person_id is None else ""), len(order))
    rates = sorted(rates, key=lambda r: order.get((r.person_id, r.name if r.person_id is None
                                                   else ""), len(order)))
    summary = [[number, r.name, r.teams, r.expected, r.present, r.late, r.on_leave, r.absent,
                r.attended, r.rate / 100 if r.rate is not None else "—"]
               for number, r in enumerate(rates, start=1)]

    town = get_settings(session).town_name
    unit = f"{town}{team.name if team is not None else unit_for(session)}"
    period = f"{year}年{month}月1日至{month}月{end.day}日"
    label = f"{year}年{month}月"
    book = Book()
    _sheet(book, "签到明细", f"{town}会议签到考勤表（{label}）", unit,
           f"时间：{period}　　　会议 {len(meetings)} 次，签到记录 {len(rows)} 条",
           detail_columns, rows, {status_column: lambda _row, value: value in _ALERTS})
    _sheet(book, "个人汇总", f"{town}会议出席情况汇总（{label}）", unit,
           f"时间：{period}　　　共 {len(summary)} 人；出席率 =（出席 + 迟到）÷ 应到次数，"
           "会议结束后仍未登记的按缺席计",
           SUMMARY_COLUMNS, summary, {_RATE_COLUMN: _low_rate})
    out = Path(out)
    save_whole(book, out)
    audit.record(session, "export", summary=f"导出会议签到考勤表（{label}"
                 f"{'，' + team.name if team else ''}）：{out.name}"
                 f"（会议 {len(meetings)} 次，{len(rows)} 条）")
    return AttendanceExport(out, len(meetings), len(rows), len(summary))


def _status(a: Attendee, m: Meeting, today: date) -> str:
    if a.status is None:
        return "未登记" if m.held_on < today else "未签到"
    return a.status.label


def _detail(a: Attendee) -> str:
    if a.status == Attendance.LATE and a.arrived_at is not None:
        return f"{a.arrived_at:%H:%M} 到会"
    if a.status == Attendance.LEAVE:
        return a.leave_reason
    return ""


def _signed(a: Attendee, m: Meeting) -> str:
    if a.signature_png:
        return "已签名"
    if a.status in (Attendance.PRESENT, Attendance.LATE):
        return "见纸质签到表" if m.scans else "未签名"
    return ""


def _low_rate(_row: int, value: object) -> bool:
    return isinstance(value, float) and round(value * 100, 1) < LOW_RATE   # as printed


def _sheet(book: Book, name: str, title: str, unit: str, line: str, columns: list[Column],
           rows: list[list[object]], alerts: dict[int, Alert]) -> None:
    sheet = book.sheet(name, columns, A4_LANDSCAPE, rows=rows)
    sheet.title(title)
    sheet.line(f"单位：{unit}　　　{line}")
    sheet.header()
    sheet.body(rows, alerts=alerts)


__all__ = ["AttendanceExport", "export_attendance"]
