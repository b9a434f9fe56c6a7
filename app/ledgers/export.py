"""The ledgers as print-ready xlsx, laid out like the paper books the teams keep.

One function per ledger kind; each writes one sheet of a write-only workbook (fast on a year of
problems): a title row (``云溪镇驻点日志（2026年3月）``, centred across the columns), a unit and
period line, then the header, repeated on every printed page; A4 landscape, fitted to the page
width, thin borders, wrapped text.

Rules:
- Reading needs VIEW_RECORDS; liaisons and leaders export only their teams (``team_id`` must be
  one of them, and without it they get all of theirs, not the town's).
- Every text cell is written as text: a summary such as “=1+1” never becomes a formula, and
  numbers such as phones stay as typed.
- Resident IDs are masked (first 6 and last 4 digits) in any column that carries one; key
  groups are written only for roles with VIEW_SENSITIVE.
- Each export records an "export" audit entry naming the file, the ledger, month and rows.
- The problem ledger of a month holds every problem registered in that month and every problem
  still open during it (registered earlier, not handled (已办结) before the month began).
- 走访记录 (visits): the month's home visits. 重点走访登记册 (register): every household with a
  key-group tag in force on some day of the month (and not moved out before it), its visits of
  the month and of the year so far (“未走访” when none this year), plus a second sheet, 月度进度,
  each team's key households visited in the month against the monthly target and the year's
  register coverage (app.services.visits.coverage) — the progress sheet due by the 30th.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app import audit
from app.auth import Permission, actor_of, can, community_scope, require, require_team
from app.errors import DomainError, ValidationError
from app.files import save_whole
from app.models import (Community, Household, HouseholdTag, KeyGroup, Problem, ProblemStatus,
                        ProblemStep, Reception, StationSession, Team, TeamCommunity, Visit)
from app.normalize import mask_resident_id
from app.roster.export import (_BODY_FONT, _BORDER, _CENTER, _HEADER_FONT, _TITLE_FONT, _WRAP,
                               _display_width)
from app.services.problems import ProblemFilter, problem_query
from app.services.settings import get_settings

Row = Sequence[object]
_UNIT_FONT = Font(name="宋体", size=11)
_TITLE_ALIGN = Alignment(horizontal="centerContinuous", vertical="center")
_UNIT_ALIGN = Alignment(horizontal="left", vertical="center")
_ALERT_FONT = Font(name="宋体", size=10, bold=True, color="C00000")
_ALERTS = {"超期", "未走访", "未达标"}  # marks printed bold red


class LedgerKind(StrEnum):
    LOG = "log"
    RECEPTION = "reception"
    PROBLEMS = "problems"
    VISITS = "visits"
    REGISTER = "register"


TITLES: dict[LedgerKind, str] = {
    LedgerKind.LOG: "驻点日志", LedgerKind.RECEPTION: "接待台账",
    LedgerKind.PROBLEMS: "问题台账", LedgerKind.VISITS: "走访记录",
    LedgerKind.REGISTER: "重点走访登记册",
}
KINDS = tuple(k.value for k in LedgerKind)


@dataclass(frozen=True)
class Column:
    title: str
    width: int | None = None      # None: from the contents (header and first rows)
    text: bool = True             # text format ("@"), e.g. phones and numbers


@dataclass(frozen=True)
class ExportResult:
    path: Path
    kind: LedgerKind
    rows: int


def parse_month(text: str) -> date:
    """``2026-03`` (or ``2026-3``, ``2026年3月``) → the first day of that month."""
    value = (text or "").strip()
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?", value)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and 1900 <= year <= 9999:
            return date(year, month, 1)
    raise ValidationError(f"月份“{text}”看不懂，请写成“年-月”，如 2026-03。", "month")


def month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


# --- the ledgers ---------------------------------------------------------------------------

LOG_COLUMNS = [Column("日期", 11), Column("时间", 12), Column("驻点团队"), Column("村（社区）"),
               Column("地点"), Column("形式", 8), Column("到场成员", 18), Column("联系户数", 6),
               Column("联系住户", 24), Column("情况摘要", 40), Column("反映问题编号", 18)]


def export_log(session: Session, month: date, out: Path, team_id: int | None = None
               ) -> ExportResult:
    """驻点日志: the station sessions of the month, by date."""
    team = _team_scope(session, team_id)
    start, end = month, month_end(month)
    sessions = session.scalars(
        _in_teams(session, select(StationSession), StationSession.team_id, team)
        .where(StationSession.held_on.between(start, end))
        .options(selectinload(StationSession.members), selectinload(StationSession.households),
                 selectinload(StationSession.problems), selectinload(StationSession.team),
                 selectinload(StationSession.community))
        .order_by(StationSession.held_on, StationSession.start_time, StationSession.id)).all()
    rows = [[_day(s.held_on), f"{s.start_time:%H:%M}—{s.end_time:%H:%M}", s.team.name,
             s.community.name, s.place, _kind_text(s), "、".join(p.name for p in s.members),
             len(s.households), "、".join(_household_text(h) for h in s.households), s.summary,
             "、".join(p.number for p in s.problems)] for s in sessions]
    return _write(session, LedgerKind.LOG, month, out, team, LOG_COLUMNS, rows)


RECEPTION_COLUMNS = [Column("日期", 11), Column("村（社区）"), Column("来访人", 10),
                     Column("联系电话", 14), Column("反映事项", 40), Column("处理情况", 36),
                     Column("关联问题编号", 18)]


def export_reception(session: Session, month: date, out: Path, team_id: int | None = None
                     ) -> ExportResult:
    """接待台账: the visitors received in the month."""
    team = _team_scope(session, team_id)
    start, end = month, month_end(month)
    receptions = session.scalars(
        _in_teams(session, select(Reception), Reception.team_id, team)
        .where(Reception.received_on.between(start, end))
        .options(selectinload(Reception.problem))
        .order_by(Reception.received_on, Reception.id)).all()
    names = _community_names(session)
    rows = [[_day(r.received_on), names.get(r.community_id, ""), r.visitor_name, r.phone,
             r.matter, r.handling, r.problem.number if r.problem else ""] for r in receptions]
    return _write(session, LedgerKind.RECEPTION, month, out, team, RECEPTION_COLUMNS, rows)


PROBLEM_COLUMNS = [Column("编号", 17), Column("登记日期", 11), Column("来源", 8),
                   Column("反映人", 10), Column("问题类别", 9), Column("问题描述", 34),
                   Column("办理层级", 10), Column("责任领导", 8), Column("责任部门", 10),
                   Column("办结时限", 11), Column("办理状态", 8), Column("超期", 6),
                   Column("办理结果", 28), Column("反馈方式", 8), Column("反馈日期", 11),
                   Column("群众满意度", 8)]
_OVERDUE_COLUMN = 11


def export_problems(session: Session, month: date, out: Path, team_id: int | None = None,
                    today: date | None = None) -> ExportResult:
    """问题台账: problems registered in the month and those still open during it."""
    team = _team_scope(session, team_id)
    start, end = month, month_end(month)
    today = today or date.today()
    handled_on = (select(ProblemStep.problem_id, func.max(ProblemStep.on_date).label("on"))
                  .where(ProblemStep.to_status == ProblemStatus.DONE)
                  .group_by(ProblemStep.problem_id).subquery())
    open_ = [ProblemStatus.REGISTERED, ProblemStatus.IN_PROGRESS]
    query = (problem_query(session, ProblemFilter(end=end))
             .outerjoin(handled_on, handled_on.c.problem_id == Problem.id)
             .where(or_(Problem.reported_on >= start, Problem.status.in_(open_),
                        handled_on.c.on >= start))
             .options(selectinload(Problem.leader), selectinload(Problem.community))
             .order_by(Problem.reported_on, Problem.number))
    scope = _teams(session, team)
    if scope is not None:
        # a team's ledger: its own problems, and those of its communities raised by nobody's team
        served = select(TeamCommunity.community_id).where(TeamCommunity.team_id.in_(scope))
        query = query.where(or_(Problem.team_id.in_(scope),
                                Problem.team_id.is_(None) & Problem.community_id.in_(served)))
    problems = session.scalars(query).all()
    households = _reporter_households(session, problems)
    rows = [[p.number, _day(p.reported_on), p.source.label, _reporter(p, households),
             p.category, p.description, p.level.label, p.leader.name if p.leader else "",
             p.department, _day(p.deadline), p.status.label,
             "超期" if p.is_overdue(today) else "", p.result,
             p.feedback_method.label if p.feedback_method else "", _day(p.feedback_on),
             p.satisfaction.label if p.satisfaction else ""] for p in problems]
    return _write(session, LedgerKind.PROBLEMS, month, out, team, PROBLEM_COLUMNS, rows,
                  alert_column=_OVERDUE_COLUMN)


VISIT_COLUMNS = [Column("日期", 11), Column("驻点团队"), Column("村（社区）"), Column("户主", 10),
                 Column("住址", 22), Column("户主身份证号", 20), Column("重点群体", 14),
                 Column("走访人", 16), Column("走访情况", 40), Column("反映问题编号", 18)]


def export_visits(session: Session, month: date, out: Path, team_id: int | None = None
                  ) -> ExportResult:
    """走访记录: the home visits of the month, by date."""
    team = _team_scope(session, team_id)
    start, end = month, month_end(month)
    visits = session.scalars(
        _in_teams(session, select(Visit), Visit.team_id, team)
        .where(Visit.visited_on.between(start, end))
        .options(selectinload(Visit.visitors), selectinload(Visit.problems),
                 selectinload(Visit.household), selectinload(Visit.team),
                 selectinload(Visit.community))
        .order_by(Visit.visited_on, Visit.id)).all()
    sensitive = can(session, Permission.VIEW_SENSITIVE)
    tags = _tags(session, {v.household_id for v in visits}, start, end) if sensitive else {}
    rows = [[_day(v.visited_on), v.team.name, v.community.name, v.household.head_name,
             v.household.address, mask_resident_id(v.household.head_resident_id),
             _groups_on(tags.get(v.household_id, ()), v.visited_on),
             "、".join(p.name for p in v.visitors), v.notes,
             "、".join(p.number for p in v.problems)] for v in visits]
    return _write(session, LedgerKind.VISITS, month, out, team, VISIT_COLUMNS, rows)


REGISTER_COLUMNS = [Column("村（社区）"), Column("户主", 10), Column("户主身份证号", 20),
                    Column("住址", 22), Column("联系电话", 14), Column("重点群体", 14),
                    Column("列入（移出）", 16), Column("本月走访日期", 14), Column("本月走访人", 16),
                    Column("本年走访天数", 8), Column("最近走访", 11), Column("本年未走访", 8)]
PROGRESS_COLUMNS = [Column("驻点团队", 20), Column("本月走访重点户", 12), Column("月度目标", 10),
                    Column("完成率", 10), Column("是否达标", 10), Column("本月走访次数", 12)]
_NOT_VISITED_COLUMN = 11


def export_register(session: Session, month: date, out: Path, team_id: int | None = None
                    ) -> ExportResult:
    """重点走访登记册 of the month: each key household (a tag in force on a day of the month)
    with its visits, and a second sheet, the month's progress against the targets."""
    from app.services.visits import coverage

    team = _team_scope(session, team_id)
    start, end = month, month_end(month)
    year_start = date(month.year, 1, 1)
    sensitive = can(session, Permission.VIEW_SENSITIVE)
    scope = community_scope(session, Permission.VIEW_RECORDS)
    if team is not None:
        served = {link.community_id for link in team.community_links}
        scope = served if scope is None else set(scope) & served
    in_force = (HouseholdTag.added_on <= end) & (
        HouseholdTag.removed_on.is_(None) | (HouseholdTag.removed_on > start))
    tagged = exists(select(HouseholdTag.id).where(HouseholdTag.household_id == Household.id,
                                                  in_force))
    query = (select(Household).join(Community, Community.id == Household.community_id)
             .where(tagged, Household.moved_out_on.is_(None) | (Household.moved_out_on > start))
             .order_by(Community.name, Household.address, Household.id))
    if scope is not None:
        query = query.where(Household.community_id.in_(scope))
    homes = session.scalars(query.options(selectinload(Household.community))).all()
    ids = {h.id for h in homes}
    tags = _tags(session, ids, start, end)
    visits: dict[int, list[Visit]] = {}
    if ids:
        visit_query = (select(Visit).where(Visit.household_id.in_(ids),
                                           Visit.visited_on.between(year_start, end))
                       .options(selectinload(Visit.visitors)).order_by(Visit.visited_on))
        if team is not None:
            visit_query = visit_query.where(Visit.team_id == team.id)
        for v in session.scalars(visit_query):
            visits.setdefault(v.household_id, []).append(v)
    rows = []
    for h in homes:
        seen = visits.get(h.id, [])
        this_month = [v for v in seen if v.visited_on >= start]
        days = {v.visited_on for v in seen}
        marks = [t for t in tags.get(h.id, ())]
        rows.append([
            h.community.name, h.head_name, mask_resident_id(h.head_resident_id), h.address,
            "、".join(p for p in (h.mobile, h.landline) if p),
            "、".join(dict.fromkeys(name for name, *_ in marks)) if sensitive else "",
            "；".join(_tag_dates(added, removed) for _, added, removed in marks) if sensitive
            else "",
            "、".join(dict.fromkeys(f"{v.visited_on:%m-%d}" for v in this_month)),
            "、".join(dict.fromkeys(p.name for v in this_month for p in v.visitors)),
            len(days), _day(max(days)) if days else "", "" if days else "未走访"])
    figures = coverage(session, month.year, month.month, team.id if team else None)
    progress = [[t.team, t.key_households, t.target,
                 f"{t.percent:.1f}%" if t.percent is not None else "—",
                 "达标" if t.met else "未达标", t.visits] for t in figures.teams]
    year_line = [f"{month.year}年重点户走访（截至本月底）", figures.key_visited, figures.key_households,
                 f"{figures.key_percent:.1f}%" if figures.key_percent is not None else "—",
                 "达标" if figures.key_visited >= figures.key_households else "未达标", ""]
    town = get_settings(session).town_name
    progress_sheet = Sheet("月度进度", f"{town}重点走访月度进度表（{month.year}年{month.month}月）",
                           PROGRESS_COLUMNS, [*progress, year_line], alert_column=4)
    return _write(session, LedgerKind.REGISTER, month, out, team, REGISTER_COLUMNS, rows,
                  alert_column=_NOT_VISITED_COLUMN, extra=[progress_sheet])


def _tags(session: Session, household_ids: set[int], start: date, end: date
          ) -> dict[int, list[tuple[str, date, date | None]]]:
    """Key-group tags in force on some day of [start, end], by household."""
    found: dict[int, list[tuple[str, date, date | None]]] = {}
    if not household_ids:
        return found
    for hid, name, added, removed in session.execute(
            select(HouseholdTag.household_id, KeyGroup.name, HouseholdTag.added_on,
                   HouseholdTag.removed_on).join(KeyGroup)
            .where(HouseholdTag.household_id.in_(household_ids), HouseholdTag.added_on <= end,
                   HouseholdTag.removed_on.is_(None) | (HouseholdTag.removed_on > start))
            .order_by(KeyGroup.sort_order, KeyGroup.name, HouseholdTag.added_on)):
        found.setdefault(hid, []).append((name, added, removed))
    return found


def _groups_on(tags: Sequence[tuple[str, date, date | None]], day: date) -> str:
    return "、".join(dict.fromkeys(name for name, added, removed in tags
                                  if added <= day and (removed is None or removed > day)))


def _tag_dates(added: date, removed: date | None) -> str:
    return f"{added:%Y-%m-%d}" + (f"（{removed:%Y-%m-%d} 移出）" if removed else "")


EXPORTERS = {LedgerKind.LOG: export_log, LedgerKind.RECEPTION: export_reception,
             LedgerKind.PROBLEMS: export_problems, LedgerKind.VISITS: export_visits,
             LedgerKind.REGISTER: export_register}


def export_ledger(session: Session, kind: LedgerKind | str, month: date, out: Path,
                  team_id: int | None = None) -> ExportResult:
    try:
        kind = LedgerKind(kind)
    except ValueError:
        raise ValidationError(f"没有“{kind}”这种台账；可选：{'、'.join(KINDS)}。", "kind") from None
    return EXPORTERS[kind](session, month, Path(out), team_id)


# --- helpers -------------------------------------------------------------------------------

def _team_scope(session: Session, team_id: int | None) -> Team | None:
    """The team asked for (checked against the actor's teams), or None for all they may read."""
    require(session, Permission.VIEW_RECORDS)
    if team_id is None:
        return None
    require_team(session, Permission.VIEW_RECORDS, team_id)
    team = session.get(Team, team_id)
    if team is None:
        raise DomainError(f"找不到驻点团队（编号 {team_id}）。")
    return team


def _teams(session: Session, team: Team | None) -> frozenset[int] | None:
    if team is not None:
        return frozenset({team.id})
    return actor_of(session).teams_for(Permission.VIEW_RECORDS)


def _in_teams(session: Session, query, column, team: Team | None):  # type: ignore[no-untyped-def]
    scope = _teams(session, team)
    return query if scope is None else query.where(column.in_(scope))


def _community_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Community.id, Community.name)).all())


def _reporter_households(session: Session, problems: Sequence[Problem]) -> dict[int, str]:
    ids = {p.reporter_household_id for p in problems if p.reporter_household_id}
    if not ids:
        return {}
    return dict(session.execute(select(Household.id, Household.head_name)
                                .where(Household.id.in_(ids))).all())


def _reporter(problem: Problem, households: dict[int, str]) -> str:
    if problem.anonymous:
        return "匿名"
    if problem.reporter_name:
        return problem.reporter_name
    return households.get(problem.reporter_household_id or 0, "")


def _household_text(h: Household) -> str:
    return f"{h.head_name}（{h.address}）" if h.address else h.head_name


def _kind_text(s: StationSession) -> str:
    if s.make_up_for is not None:
        return f"{s.kind.label}（补 {s.make_up_for:%m-%d}）"
    return s.kind.label


def _day(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def _period(month: date) -> str:
    end = month_end(month)
    return f"{month:%Y年}{month.month}月{month.day}日至{end.month}月{end.day}日"


@dataclass
class Sheet:
    name: str
    title: str
    columns: list[Column]
    rows: list[list[object]]
    alert_column: int | None = None


def _write(session: Session, kind: LedgerKind, month: date, out: Path, team: Team | None,
           columns: list[Column], rows: list[list[object]], alert_column: int | None = None,
           extra: Sequence[Sheet] = ()) -> ExportResult:
    """One sheet per ledger (and any ``extra`` ones), saved whole, and the audit entry."""
    out = Path(out)
    town = get_settings(session).town_name
    unit = f"{town}{team.name if team is not None else _unit_for(session)}"
    book = Workbook(write_only=True)
    main = Sheet(TITLES[kind], f"{town}{TITLES[kind]}（{month.year}年{month.month}月）",
                 columns, rows, alert_column)
    for sheet in (main, *extra):
        _sheet(book, sheet, unit, month)
    save_whole(book, out)
    audit.record(session, "export", summary=f"导出{TITLES[kind]}（{month.year}年{month.month}月"
                 f"{'，' + team.name if team else ''}）：{out.name}（{len(rows)} 条）")
    return ExportResult(out, kind, len(rows))


def _sheet(book: Workbook, sheet: Sheet, unit: str, month: date) -> None:
    ws = book.create_sheet(sheet.name)
    columns, rows = sheet.columns, sheet.rows
    for index, column in enumerate(columns, start=1):
        width = column.width or min(max(
            [_display_width(column.title)]
            + [_display_width(r[index - 1]) for r in rows[:300] if r[index - 1] is not None]) + 2,
            30)
        ws.column_dimensions[get_column_letter(index)].width = max(width, 6)
    _page_setup(ws)
    ws.append([_cell(ws, sheet.title, _TITLE_FONT, _TITLE_ALIGN, border=False)]
              + [_cell(ws, None, _TITLE_FONT, _TITLE_ALIGN, border=False)
                 for _ in columns[1:]])
    ws.row_dimensions[1].height = 30
    ws.append([_cell(ws, f"单位：{unit}　　　时间：{_period(month)}　　　共 {len(rows)} 条",
                     _UNIT_FONT, _UNIT_ALIGN, border=False)])
    ws.append([_cell(ws, c.title, _HEADER_FONT, _CENTER) for c in columns])
    for values in rows:
        cells = []
        for index, (column, value) in enumerate(zip(columns, values)):
            font = _ALERT_FONT if index == sheet.alert_column and value in _ALERTS else _BODY_FONT
            cells.append(_cell(ws, value, font, _WRAP, text=column.text))
        ws.append(cells)


def _unit_for(session: Session) -> str:
    scope = actor_of(session).teams_for(Permission.VIEW_RECORDS)
    if scope is None:
        return "各驻点团队"
    names = session.scalars(select(Team.name).where(Team.id.in_(scope)).order_by(Team.id)).all()
    return "、".join(names) or "（无驻点团队）"


def _cell(ws: Any, value: object, font: Font, alignment: Alignment, *, border: bool = True,
          text: bool = False) -> Cell:
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store “=…” as a formula
    if text and isinstance(value, str):
        cell.number_format = "@"
    cell.font, cell.alignment = font, alignment
    if border:
        cell.border = _BORDER
    return cell


def _page_setup(ws) -> None:  # type: ignore[no-untyped-def]
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:3"
    ws.freeze_panes = "A4"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
