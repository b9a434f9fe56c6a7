"""The ledgers as print-ready xlsx, laid out like the paper books the teams keep.

One function per ledger kind; each writes one sheet of a write-only workbook (fast on a year of
problems): a title row (``云溪镇驻点日志（2026年3月）``, centred across the columns), a unit and
period line, then the header, repeated on every printed page; the columns fitted to the paper's
width (``PAPERS``: A3 landscape for the wide books, A4 landscape for the reception ledger), thin
borders, wrapped text, every row as tall as its text (app.documents.xlsx).

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

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, selectinload

from app import audit
from app.addresses import delivery_key
from app.auth import Permission, actor_of, can, community_scope, require, require_team
from app.documents.xlsx import A3_LANDSCAPE, A4_LANDSCAPE, Book, Column, Paper
from app.errors import DomainError, ValidationError
from app.files import save_whole
from app.models import (Community, Household, HouseholdTag, KeyGroup, Person, Problem,
                        ProblemStatus, ProblemStep, Reception, StationSession, Team,
                        TeamCommunity, Visit)
from app.normalize import mask_resident_id
from app.services.problems import ProblemFilter, problem_query
from app.services.settings import get_settings

Row = Sequence[object]
ALERTS = {"超期", "未走访", "未达标"}  # marks printed bold red


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

# What each ledger prints on (the columns are fitted to the paper's width; body text 10 pt).
# A3 where the paper book is kept on A3 and A4 would squeeze the columns: the station log
# (11 columns, members, households and summary wrapped), the problem ledger (16 columns) and
# the visits (10 columns, with the ID and address); the register's 12 columns (ID, address,
# phones, tags with their dates, the month's visits) would wrap every row on A4 too.
PAPERS: dict[LedgerKind, Paper] = {
    LedgerKind.LOG: A3_LANDSCAPE, LedgerKind.RECEPTION: A4_LANDSCAPE,
    LedgerKind.PROBLEMS: A3_LANDSCAPE, LedgerKind.VISITS: A3_LANDSCAPE,
    LedgerKind.REGISTER: A3_LANDSCAPE,
}


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


def parse_year(text: str) -> int:
    """``2025`` (or ``2025年``) → 2025."""
    match = re.fullmatch(r"(\d{4})\s*年?", (text or "").strip())
    if match and 2000 <= int(match.group(1)) <= 2100:
        return int(match.group(1))
    raise ValidationError(f"年份“{text}”看不懂，请写四位数字，如 2025。", "year")


def month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass(frozen=True)
class Period:
    """What a ledger covers: a month (the paper books' unit) or, for the problem ledger, a
    whole year."""

    start: date
    end: date
    whole_year: bool = False

    @classmethod
    def month(cls, first: date) -> Period:
        first = first.replace(day=1)
        return cls(first, month_end(first))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), whole_year=True)

    @property
    def name(self) -> str:
        """For titles and the audit: ``2026年3月`` or ``2025年``."""
        if self.whole_year:
            return f"{self.start.year}年"
        return f"{self.start.year}年{self.start.month}月"

    @property
    def span(self) -> str:
        """For the unit line: ``2026年3月1日至3月31日``."""
        return (f"{self.start:%Y年}{self.start.month}月{self.start.day}日至"
                f"{self.end.month}月{self.end.day}日")


# --- the ledgers ---------------------------------------------------------------------------

LOG_COLUMNS = [Column("日期", 11), Column("时间", 12), Column("驻点团队"), Column("村（社区）"),
               Column("地点"), Column("形式", 8), Column("到场成员", 18), Column("联系户数", 6),
               Column("联系住户", 24), Column("情况摘要", 40), Column("反映问题编号", 18)]


def export_log(session: Session, month: date, out: Path, team_id: int | None = None
               ) -> ExportResult:
    """驻点日志: the station sessions of the month, by date."""
    team = team_scope(session, team_id)
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
    return _write(session, LedgerKind.LOG, Period.month(month), out, team, LOG_COLUMNS, rows)


RECEPTION_COLUMNS = [Column("日期", 11), Column("村（社区）"), Column("来访人", 10),
                     Column("联系电话", 14), Column("反映事项", 40), Column("处理情况", 36),
                     Column("关联问题编号", 18)]


def export_reception(session: Session, month: date, out: Path, team_id: int | None = None
                     ) -> ExportResult:
    """接待台账: the visitors received in the month."""
    team = team_scope(session, team_id)
    start, end = month, month_end(month)
    receptions = session.scalars(
        _in_teams(session, select(Reception), Reception.team_id, team)
        .where(Reception.received_on.between(start, end))
        .options(selectinload(Reception.problem))
        .order_by(Reception.received_on, Reception.id)).all()
    names = _community_names(session)
    rows = [[_day(r.received_on), names.get(r.community_id, ""), r.visitor_name, r.phone,
             r.matter, r.handling, r.problem.number if r.problem else ""] for r in receptions]
    return _write(session, LedgerKind.RECEPTION, Period.month(month), out, team, RECEPTION_COLUMNS, rows)


PROBLEM_COLUMNS = [Column("编号", 17), Column("登记日期", 11), Column("来源", 8),
                   Column("反映人", 10), Column("问题类别", 9), Column("问题描述", 34),
                   Column("办理层级", 10), Column("责任领导", 8), Column("责任部门", 10),
                   Column("办结时限", 11), Column("办理状态", 8), Column("超期", 6),
                   Column("办理结果", 28), Column("反馈方式", 8), Column("反馈日期", 11),
                   Column("群众满意度", 8)]
_OVERDUE_COLUMN = 11


def export_problems(session: Session, month: date, out: Path, team_id: int | None = None,
                    today: date | None = None) -> ExportResult:
    """问题台账 of a month: problems registered in the month and those still open during it."""
    return _export_problems(session, Period.month(month), out, team_id, today)


def export_problems_year(session: Session, year: int, out: Path, team_id: int | None = None,
                         today: date | None = None) -> ExportResult:
    """问题台账 of a whole year in one sheet: problems registered in the year and those still
    open during it (registered earlier, not handled before 1 January) — each problem once,
    where twelve monthly ledgers repeat every problem open across months."""
    if not 2000 <= year <= 2100:
        raise ValidationError(f"年份 {year} 不在 2000 到 2100 之间", "year")
    return _export_problems(session, Period.year(year), out, team_id, today)


def _export_problems(session: Session, period: Period, out: Path, team_id: int | None,
                     today: date | None) -> ExportResult:
    team = team_scope(session, team_id)
    today = today or date.today()
    rows = problem_rows(session, period, team, today)
    return _write(session, LedgerKind.PROBLEMS, period, out, team, PROBLEM_COLUMNS, rows,
                  alert_column=_OVERDUE_COLUMN)


def problem_rows(session: Session, period: Period, team: Team | None, today: date
                  ) -> list[list[object]]:
    """The ledger's rows read as plain columns in one statement (leader and reporter household
    joined): building 20,000 ``Problem`` objects for a year of ledgers took seconds."""
    start, end = period.start, period.end
    # handled (已办结) on or after the start: still open during the period. Asked per problem
    # (an index probe, and only for those neither new nor open) instead of grouping all steps.
    handled_since = exists(select(ProblemStep.id).where(
        ProblemStep.problem_id == Problem.id, ProblemStep.to_status == ProblemStatus.DONE,
        ProblemStep.on_date >= start))
    open_ = [ProblemStatus.REGISTERED, ProblemStatus.IN_PROGRESS]
    query = (problem_query(session, ProblemFilter(end=end))
             .with_only_columns(
                 Problem.number, Problem.reported_on, Problem.source, Problem.anonymous,
                 Problem.reporter_name, Household.head_name, Problem.category,
                 Problem.description, Problem.level, Person.name, Problem.department,
                 Problem.deadline, Problem.status, Problem.result, Problem.feedback_method,
                 Problem.feedback_on, Problem.satisfaction)
             .outerjoin(Household, Household.id == Problem.reporter_household_id)
             .outerjoin(Person, Person.id == Problem.leader_id)
             .where(or_(Problem.reported_on >= start, Problem.status.in_(open_),
                        handled_since))
             .order_by(Problem.reported_on, Problem.number))
    scope = team_ids(session, team)
    if scope is not None:
        # a team's ledger: its own problems, and those of its communities raised by nobody's team
        served = select(TeamCommunity.community_id).where(TeamCommunity.team_id.in_(scope))
        query = query.where(or_(Problem.team_id.in_(scope),
                                Problem.team_id.is_(None) & Problem.community_id.in_(served)))
    rows: list[list[object]] = []
    for (number, reported_on, source, anonymous, reporter_name, household_head, category,
         description, level, leader, department, deadline, status, result, feedback_method,
         feedback_on, satisfaction) in session.execute(query):
        reporter = "匿名" if anonymous else (reporter_name or household_head or "")
        rows.append([
            number, reported_on.isoformat(), source.label, reporter, category, description,
            level.label, leader or "", department, deadline.isoformat(), status.label,
            "" if status.finished or deadline >= today else "超期", result,
            feedback_method.label if feedback_method else "", _day(feedback_on),
            satisfaction.label if satisfaction else ""])
    return rows


VISIT_COLUMNS = [Column("日期", 11), Column("驻点团队"), Column("村（社区）"), Column("户主", 10),
                 Column("住址", 22), Column("户主身份证号", 20), Column("重点群体", 14),
                 Column("走访人", 16), Column("走访情况", 40), Column("反映问题编号", 18)]


def export_visits(session: Session, month: date, out: Path, team_id: int | None = None
                  ) -> ExportResult:
    """走访记录: the home visits of the month, by date."""
    team = team_scope(session, team_id)
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
    return _write(session, LedgerKind.VISITS, Period.month(month), out, team, VISIT_COLUMNS, rows)


REGISTER_COLUMNS = [Column("村（社区）"), Column("户主", 10), Column("户主身份证号", 20),
                    Column("住址", 22), Column("联系电话", 14), Column("重点群体", 14),
                    Column("列入（移出）", 16), Column("本月走访日期", 14), Column("本月走访人", 16),
                    Column("本年走访天数", 8), Column("最近走访", 11), Column("本年未走访", 8)]
PROGRESS_COLUMNS = [Column("驻点团队", 20), Column("本月走访重点户", 12), Column("月度目标", 10),
                    Column("完成率", 10, "percent"), Column("是否达标", 10), Column("本月走访次数", 12)]
_NOT_VISITED_COLUMN = 11


def export_register(session: Session, month: date, out: Path, team_id: int | None = None
                    ) -> ExportResult:
    """重点走访登记册 of the month: each key household (a tag in force on a day of the month)
    with its visits, and a second sheet, the month's progress against the targets."""
    from app.services.visits import coverage

    team = team_scope(session, team_id)
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
             .where(tagged, Household.moved_out_on.is_(None) | (Household.moved_out_on > start)))
    if scope is not None:
        query = query.where(Household.community_id.in_(scope))
    # Delivery order: community, grid, then the address in natural order (app/addresses.py).
    homes = sorted(session.scalars(query.options(selectinload(Household.community),
                                                 selectinload(Household.grid))).all(),
                   key=lambda h: (delivery_key(h.community.name, h.grid.name if h.grid else None,
                                               h.address), h.id))
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
                 t.percent / 100 if t.percent is not None else "—",
                 "达标" if t.met else "未达标", t.visits] for t in figures.teams]
    year_line = [f"{month.year}年重点户走访（截至本月底）", figures.key_visited, figures.key_households,
                 figures.key_percent / 100 if figures.key_percent is not None else "—",
                 "达标" if figures.key_visited >= figures.key_households else "未达标", ""]
    town = get_settings(session).town_name
    progress_sheet = Sheet("月度进度", f"{town}重点走访月度进度表（{month.year}年{month.month}月）",
                           PROGRESS_COLUMNS, [*progress, year_line], alert_column=4)
    return _write(session, LedgerKind.REGISTER, Period.month(month), out, team, REGISTER_COLUMNS, rows,
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


def export_ledger_year(session: Session, kind: LedgerKind | str, year: int, out: Path,
                       team_id: int | None = None) -> ExportResult:
    """A whole year in one file: the problem ledger only (the other books are kept and
    checked by the month)."""
    if kind != LedgerKind.PROBLEMS:
        raise ValidationError(f"按年导出只适用于问题台账（problems）；{_title_of(kind)}"
                              f"请按月导出（--month）。", "kind")
    return export_problems_year(session, year, Path(out), team_id)


# --- helpers -------------------------------------------------------------------------------

def _title_of(kind: object) -> str:
    try:
        return TITLES[LedgerKind(kind)]
    except ValueError:
        return f"“{kind}”"


def team_scope(session: Session, team_id: int | None) -> Team | None:
    """The team asked for (checked against the actor's teams), or None for all they may read."""
    require(session, Permission.VIEW_RECORDS)
    if team_id is None:
        return None
    require_team(session, Permission.VIEW_RECORDS, team_id)
    team = session.get(Team, team_id)
    if team is None:
        raise DomainError(f"找不到驻点团队（编号 {team_id}）。")
    return team


def team_ids(session: Session, team: Team | None) -> frozenset[int] | None:
    """The ids of ``team``, or of every team the actor may read (None: every team)."""
    if team is not None:
        return frozenset({team.id})
    return actor_of(session).teams_for(Permission.VIEW_RECORDS)


def _in_teams(session: Session, query, column, team: Team | None):  # type: ignore[no-untyped-def]
    scope = team_ids(session, team)
    return query if scope is None else query.where(column.in_(scope))


def _community_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Community.id, Community.name)).all())


def _household_text(h: Household) -> str:
    return f"{h.head_name}（{h.address}）" if h.address else h.head_name


def _kind_text(s: StationSession) -> str:
    if s.make_up_for is not None:
        return f"{s.kind.label}（补 {s.make_up_for:%m-%d}）"
    return s.kind.label


def _day(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


@dataclass
class Sheet:
    name: str
    title: str
    columns: list[Column]
    rows: list[list[object]]
    alert_column: int | None = None
    paper: Paper = A4_LANDSCAPE


def _write(session: Session, kind: LedgerKind, period: Period, out: Path, team: Team | None,
           columns: list[Column], rows: list[list[object]], alert_column: int | None = None,
           extra: Sequence[Sheet] = ()) -> ExportResult:
    """One sheet per ledger (and any ``extra`` ones), saved whole, and the audit entry."""
    out = Path(out)
    town = get_settings(session).town_name
    unit = f"{town}{team.name if team is not None else unit_for(session)}"
    book = Book()
    main = Sheet(TITLES[kind], f"{town}{TITLES[kind]}（{period.name}）", columns, rows,
                 alert_column, PAPERS[kind])
    for sheet in (main, *extra):
        write_sheet(book, sheet, f"单位：{unit}　　　时间：{period.span}　　　共 {len(sheet.rows)} 条")
    save_whole(book, out)
    audit.record(session, "export", summary=f"导出{TITLES[kind]}（{period.name}"
                 f"{'，' + team.name if team else ''}）：{out.name}（{len(rows)} 条）")
    return ExportResult(out, kind, len(rows))


def write_sheet(book: Book, sheet: Sheet, unit_line: str) -> None:
    """A ledger-style sheet: the title across the columns, the unit line, the header
    (repeated on every printed page) and the rows, on ``sheet.paper``; the alert column's
    marks (超期, 未走访, 未达标) in bold red."""
    writer = book.sheet(sheet.name, sheet.columns, sheet.paper, rows=sheet.rows)
    writer.title(sheet.title)
    writer.line(unit_line)
    writer.header()
    column = sheet.alert_column
    writer.body(sheet.rows, alerts=None if column is None else
                {column: lambda _row, value: value in ALERTS})


def unit_for(session: Session) -> str:
    """The 单位 of an export for every team the actor may read: 各驻点团队 for the office,
    their teams' names for liaisons and leaders."""
    scope = actor_of(session).teams_for(Permission.VIEW_RECORDS)
    if scope is None:
        return "各驻点团队"
    names = session.scalars(select(Team.name).where(Team.id.in_(scope)).order_by(Team.id)).all()
    return "、".join(names) or "（无驻点团队）"
