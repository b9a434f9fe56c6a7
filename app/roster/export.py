"""The print-ready roster workbook: the four sheets the import reads, laid out for A4 landscape.

People on the roster who are in no team right now (committee members, grid workers, volunteers,
a leader between teams) go on a sheet of their own, 人员名册, with the person columns only —
not at the foot of 团队人员 with four empty team columns. On paper that is the clearer list: the
team sheet stays one team after another, the office counts the others by 人员类别, and nobody
wonders whether a blank 驻点团队 means “same team as above” (towns merge that column, and the
import fills merged blanks down). Retired people are not exported.

Every text cell is written as text: a name such as “=1+1” must never become a formula when
the clerk opens the file, and phone numbers and IDs must not turn into numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit
from app.auth import Permission, actor_of, can, community_scope, require
from app.errors import DomainError
from app.files import save_whole
from app.models import (Community, Grid, Household, HouseholdTag, KeyGroup, MemberRole, Membership,
                        Person, PersonCategory, Team)
from app.models.enums import weekday_label
from app.normalize import mask_resident_id
from app.roster.headers import COLUMNS, SheetKind
from app.services import teams
from app.services.settings import get_settings

Progress = Callable[[int, int], None] | None
Cancel = Callable[[], bool] | None
ROLE_ORDER = list(MemberRole)
TEXT_FIELDS = {"mobile", "landline", "phones", "resident_id", "hotline"}
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(vertical="center", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEADER_FONT = Font(name="宋体", bold=True, size=11)
_TITLE_FONT = Font(name="宋体", bold=True, size=16)
_BODY_FONT = Font(name="宋体", size=10)


def export_roster(session: Session, out: Path, *, progress: Progress = None,
                  cancelled: Cancel = None) -> Path:
    """Write the roster to ``out`` (via a temporary file, so a failure leaves no half file)."""
    require(session, Permission.EXPORT_ROSTER)
    out = Path(out)
    town = get_settings(session).town_name
    book = Workbook()
    book.remove(book.active)
    team_list = teams.list_teams(session)
    _sheet(book, SheetKind.TEAMS, f"{town}驻点团队一览表", [_team_row(t) for t in team_list])
    current = [m for t in team_list for m in _current(t)]
    _sheet(book, SheetKind.MEMBERS, f"{town}驻点团队人员名册", [_member_row(m) for m in current])
    scoped = teams_scope(session) is not None  # liaisons and leaders export their teams only
    others = [] if scoped else _people_without_team(session, {m.person_id for m in current})
    _sheet(book, SheetKind.PEOPLE, f"{town}在册人员名册（未编入驻点团队）",
           [_person_cells(p) for p in others])
    _check(cancelled)
    rows = _household_rows(session, can(session, Permission.VIEW_SENSITIVE),
                           community_scope(session, Permission.VIEW_DIRECTORY))
    _sheet(book, SheetKind.HOUSEHOLDS, f"{town}住户名册", rows, progress, cancelled)
    save_whole(book, out)
    audit.record(session, "export", summary=f"导出名册：{out.name}（住户 {len(rows)} 户）")
    return out


def _team_row(team: Team) -> list[object]:
    return [team.name, "、".join(c.name for c in team.communities),
            weekday_label(team.station_weekday),
            f"{team.station_start:%H:%M}-{team.station_end:%H:%M}", team.station_place,
            team.hotline, team.note]


def _current(team: Team) -> list[Membership]:
    return sorted(team.current(), key=lambda m: (ROLE_ORDER.index(m.role), m.id))


def _member_row(m: Membership) -> list[object]:
    team = m.team
    return [team.name, "、".join(c.name for c in team.communities), m.role.label, m.title,
            *_person_cells(m.person)]


def _person_cells(p: Person) -> list[object]:
    return [p.name, p.gender.label if p.gender else "", p.unit, p.position, p.category.label,
            p.mobile, p.landline, mask_resident_id(p.resident_id), p.note]


def teams_scope(session: Session) -> frozenset[int] | None:
    return actor_of(session).teams_for(Permission.VIEW_DIRECTORY)


def _people_without_team(session: Session, listed: set[int]) -> list[Person]:
    """Active people not on the team sheet, grouped by category the way the office counts them."""
    active = session.scalars(select(Person).where(Person.retired_on.is_(None)))
    order = list(PersonCategory)
    return sorted((p for p in active if p.id not in listed),
                  key=lambda p: (order.index(p.category), p.unit, p.name, p.id))


def _household_rows(session: Session, sensitive: bool, scope: set[int] | None
                    ) -> list[list[object]]:
    """Key groups only for roles that may see them; only the communities the user may see."""
    today = date.today()
    tags = (select(HouseholdTag.household_id,
                   func.aggregate_strings(KeyGroup.name, "、").label("names"))
            .join(KeyGroup).where(HouseholdTag.added_on <= today,
                                  HouseholdTag.removed_on.is_(None) | (HouseholdTag.removed_on > today))
            .group_by(HouseholdTag.household_id).subquery())
    query = (select(Community.name, Grid.name, Household.address, Household.head_name,
                    Household.mobile, Household.landline, Household.size, Household.kind,
                    tags.c.names, Household.head_resident_id, Household.note)
             .join(Community, Household.community_id == Community.id)
             .outerjoin(Grid, Household.grid_id == Grid.id)
             .outerjoin(tags, tags.c.household_id == Household.id)
             .where(Household.moved_out_on.is_(None)).order_by(Community.name, Household.id))
    if scope is not None:
        query = query.where(Household.community_id.in_(scope))
    return [[c, g or "", addr, head, "、".join(p for p in (mob, land) if p), size, kind.label,
             (names or "") if sensitive else "", mask_resident_id(rid), note]
            for c, g, addr, head, mob, land, size, kind, names, rid, note in session.execute(query)]


def _sheet(book: Workbook, kind: SheetKind, title: str, rows: Sequence[Sequence[object]],
           progress: Progress = None, cancelled: Cancel = None) -> Worksheet:
    ws = book.create_sheet(kind.value)
    columns = COLUMNS[kind]
    ws.cell(row=1, column=1, value=title).font = _TITLE_FONT
    ws.cell(row=1, column=1).alignment = _CENTER
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.row_dimensions[1].height = 30
    for col, column in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=col, value=column.title)
        cell.font, cell.border, cell.alignment = _HEADER_FONT, _BORDER, _CENTER
    text_cols = {i for i, c in enumerate(columns, start=1) if c.field in TEXT_FIELDS}
    for number, values in enumerate(rows, start=3):
        for col, value in enumerate(values, start=1):
            _put(ws, number, col, value, col in text_cols)
        if number % 500 == 0:
            _check(cancelled)
            if progress:
                progress(number, len(rows))
    _widths(ws, [c.title for c in columns], rows)
    _page_setup(ws)
    return ws


def _put(ws: Worksheet, row: int, col: int, value: object, text_column: bool) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store “=…” as a formula
    if text_column:
        cell.number_format = "@"
    cell.border, cell.alignment, cell.font = _BORDER, _WRAP, _BODY_FONT


def _display_width(value: object) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(value))


def _widths(ws: Worksheet, headers: list[str], rows: Sequence[Sequence[object]]) -> None:
    sample = rows[:300]
    for col, header in enumerate(headers, start=1):
        widest = max([_display_width(header)] +
                     [_display_width(r[col - 1]) for r in sample if r[col - 1] is not None])
        ws.column_dimensions[get_column_letter(col)].width = min(max(widest + 2, 6), 40)


def _page_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "2:2"
    ws.freeze_panes = "A3"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _check(cancelled: Cancel) -> None:
    if cancelled and cancelled():
        raise DomainError("已取消导出。")
