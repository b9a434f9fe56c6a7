"""What the monthly forms share: the month and team scope, money, a print-ready xlsx sheet in the
ledgers' style (app/ledgers/export.py: title across the columns, unit and period line, header
repeated on every printed page, A4 landscape fitted to the width, thin borders, wrapped text)
with money as numbers to two places and a 合计 row, and an A4 landscape PDF on the meeting
PDFs' typesetting (app/meetings/typeset.py: CJK paragraphs with per-glyph font fallback, pages
numbered "第 x 页 共 y 页").
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cards import fonts
from app.checks.pdfparts import grid
from app.checks.report_pdf import month_span
from app.files import replacing
from app.ledgers.export import (_ALERT_FONT, _BODY_FONT, _BORDER, _CENTER, _HEADER_FONT,
                                _TITLE_ALIGN, _TITLE_FONT, _UNIT_ALIGN, _UNIT_FONT, _WRAP,
                                _cell, _display_width, _page_setup, _team_scope, _teams)
from app.meetings.typeset import GREY, _numbered_canvas, para
from app.models import Team, TeamCommunity
from app.services.settings import get_settings

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of the month (a Chinese error for a month that is not one)."""
    return month_span(year, month)


@dataclass(frozen=True)
class Scope:
    """Whose form it is: one team, or every team the actor may read (the whole town for the
    office), and how the form names it."""

    team: Team | None
    teams: frozenset[int] | None      # None: every team
    town: str
    unit: str                         # 单位 line: town + team (or "各驻点团队")
    communities: str                  # for the titles: 石岗村、东湖社区 (or "各村（社区）")


def scope_for(session: Session, team_id: int | None) -> Scope:
    """VIEW_RECORDS, and the team checked against the actor's teams (see the ledger export)."""
    team = _team_scope(session, team_id)
    teams = _teams(session, team)
    settings = get_settings(session)
    town = settings.town_name or ""
    if team is not None:
        names = [link.community.name for link in
                 sorted(team.community_links, key=lambda link: (link.position, link.id))]
        return Scope(team, teams, town, f"{town}{team.name}", "、".join(names) or "各村（社区）")
    if teams is None:
        return Scope(None, None, town, f"{town}各驻点团队", "各村（社区）")
    names = list(session.scalars(select(Team.name).where(Team.id.in_(teams)).order_by(Team.id)))
    communities = list(session.scalars(
        select(TeamCommunity).where(TeamCommunity.team_id.in_(teams))
        .order_by(TeamCommunity.team_id, TeamCommunity.position, TeamCommunity.id)))
    return Scope(None, teams, town, f"{town}{'、'.join(names) or '（无驻点团队）'}",
                 "、".join(dict.fromkeys(c.community.name for c in communities))
                 or "各村（社区）")


def span(start: date, end: date) -> str:
    """For the unit line, as the ledgers write it: ``2026年3月1日至3月31日``."""
    return f"{start.year}年{start.month}月{start.day}日至{end.month}月{end.day}日"


def pdf_line(text: str) -> str:
    """A unit line for a PDF paragraph: its wide gaps kept (a paragraph collapses spaces)."""
    return text.replace("　　　", "\u00a0" * 6)


def money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT)


def money_sum(values: Sequence[Decimal | None]) -> Decimal:
    """Exact: Decimal cents added, blanks counting as nothing."""
    return sum((Decimal(v) for v in values if v is not None), ZERO).quantize(CENT)


def money_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def day(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


# --- xlsx ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Col:
    title: str
    width: int | None = None      # None: from the contents
    kind: str = "text"            # text | money | int | date


@dataclass
class FormSheet:
    name: str
    title: str
    unit_line: str
    columns: Sequence[Col]
    rows: list[list[object]]
    total: list[object] | None = None          # the 合计 row
    footer: Sequence[str] = ()                 # lines under the table (signatures)
    alerts: set[tuple[int, int]] = field(default_factory=set)   # (row index, column) in red
    print_title_rows: str = "3:3"


def write_xlsx(sheets: Sequence[FormSheet], out: Path) -> Path:
    """A workbook of ``sheets``, saved whole via a temporary file."""
    from app.files import save_whole

    book = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(book, sheet)
    return save_whole(book, Path(out))


_TOTAL_FONT = Font(name="宋体", size=10, bold=True)
_RIGHT = Alignment(horizontal="right", vertical="center")
_FOOT_ALIGN = Alignment(horizontal="left", vertical="center")


def _styled(ws: Any, value: object, font: Font, alignment: Alignment, number_format: str,
            border: bool = True) -> Cell:
    """A cell with a number format (money, dates), styles worked out once per workbook."""
    cache = ws.parent.__dict__.setdefault("_form_styles", {})
    key = (id(font), id(alignment), number_format, border)
    found = cache.get(key)
    if found is None:
        proto = WriteOnlyCell(ws)
        proto.font, proto.alignment, proto.number_format = font, alignment, number_format
        if border:
            proto.border = _BORDER
        found = cache[key] = (proto._style, font, alignment)
    return Cell(ws, row=1, column=1, value=value, style_array=found[0])


def _value_cell(ws: Any, value: object, col: Col, font: Font) -> Cell:
    if value is None or value == "":
        return _cell(ws, None, font, _WRAP)
    if col.kind == "money" and isinstance(value, Decimal):
        return _styled(ws, value, font, _RIGHT, MONEY_FORMAT)
    if isinstance(value, bool):
        return _cell(ws, "是" if value else "否", font, _WRAP, text=True)
    if isinstance(value, int):
        return _styled(ws, value, font, _CENTER, "0")
    if col.kind == "date" and isinstance(value, date):
        return _styled(ws, value, font, _CENTER, DATE_FORMAT)
    if isinstance(value, float):
        return _styled(ws, value, font, _CENTER, "0.0")
    return _cell(ws, str(value), font, _WRAP, text=True)


def _write_sheet(book: Workbook, sheet: FormSheet) -> None:
    ws = book.create_sheet(sheet.name)
    cols = list(sheet.columns)
    for index, col in enumerate(cols, start=1):
        if col.width:
            width = col.width
        else:
            width = min(max([_display_width(col.title)] + [
                _display_width(_shown(r[index - 1])) for r in sheet.rows[:300]]) + 2, 36)
        ws.column_dimensions[get_column_letter(index)].width = max(width, 6)
    _page_setup(ws)
    ws.print_title_rows = sheet.print_title_rows
    ws.append([_cell(ws, sheet.title, _TITLE_FONT, _TITLE_ALIGN, border=False)]
              + [_cell(ws, None, _TITLE_FONT, _TITLE_ALIGN, border=False) for _ in cols[1:]])
    ws.row_dimensions[1].height = 30
    ws.append([_cell(ws, sheet.unit_line, _UNIT_FONT, _UNIT_ALIGN, border=False)])
    ws.append([_cell(ws, c.title, _HEADER_FONT, _CENTER) for c in cols])
    for r, values in enumerate(sheet.rows):
        ws.append([_value_cell(ws, v, c, _ALERT_FONT if (r, i) in sheet.alerts else _BODY_FONT)
                   for i, (v, c) in enumerate(zip(values, cols))])
    if sheet.total is not None:
        ws.append([_value_cell(ws, v, c, _TOTAL_FONT) for v, c in zip(sheet.total, cols)])
    if sheet.footer:
        ws.append([])
        for line in sheet.footer:
            ws.append([_cell(ws, line, _UNIT_FONT, _FOOT_ALIGN, border=False)])


def _shown(value: object) -> object:
    if isinstance(value, Decimal):
        return money_text(value)
    if isinstance(value, date):
        return day(value)
    return "" if value is None else value


SIGN_LINE = ("驻点组长（分管领导）审核签名：＿＿＿＿＿＿　　　填表人（联络员）：＿＿＿＿＿＿"
             "　　　填报日期：＿＿＿＿年＿＿月＿＿日")


# --- PDF (A4 landscape) -----------------------------------------------------------------

LAND_W, LAND_H = landscape(A4)
LAND_MARGIN_X = 14 * mm
LAND_MARGIN_Y = 14 * mm
LAND_FRAME_W = LAND_W - 2 * LAND_MARGIN_X


def landscape_page_numbers(c: Canvas, number: int, total: int) -> None:
    c.saveState()
    c.setFillColor(GREY)
    fonts.draw(c, LAND_W / 2, 7 * mm, f"第 {number} 页 共 {total} 页", 9, align="centre")
    c.restoreState()


def build_landscape(story: Sequence[Flowable], out: Path | io.BytesIO, *, title: str) -> int:
    """``story`` on A4 landscape pages, numbered; written through a temporary file renamed
    into place. Returns the number of pages."""
    fonts.register()
    pages = [0]

    def count(c: Canvas, doc: BaseDocTemplate) -> None:
        pages[0] = c.getPageNumber()

    def make(target: Any) -> BaseDocTemplate:
        doc = BaseDocTemplate(target, pagesize=landscape(A4), leftMargin=LAND_MARGIN_X,
                              rightMargin=LAND_MARGIN_X, topMargin=LAND_MARGIN_Y,
                              bottomMargin=LAND_MARGIN_Y, title=title,
                              author="驻点直联工作台", initialFontName=fonts.PRIMARY)
        frame = Frame(LAND_MARGIN_X, LAND_MARGIN_Y, LAND_FRAME_W, LAND_H - 2 * LAND_MARGIN_Y,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
        doc.addPageTemplates([PageTemplate("page", frames=[frame], onPage=count)])
        return doc

    canvas = _numbered_canvas(landscape_page_numbers)
    if isinstance(out, io.BytesIO):
        make(out).build(list(story), canvasmaker=canvas)
        return pages[0]
    with replacing(Path(out)) as partial:
        make(str(partial)).build(list(story), canvasmaker=canvas)
    return pages[0]


def pdf_table(head: Sequence[str], rows: Sequence[Sequence[object]], widths_mm: Sequence[float],
              st: dict, frame_w: float, extra: Sequence[tuple] = (),
              styles_for: dict[tuple[int, int], str] | None = None) -> Table:
    """A bordered table across ``frame_w`` whose header repeats on every page; the last width
    takes what is left. ``styles_for`` names a paragraph style per (row, column) of the body
    (e.g. money right-aligned, alerts in red)."""
    widths = [w * mm for w in widths_mm[:-1]]
    widths.append(frame_w - sum(widths))
    body: list[list[object]] = [[para(h, st["head"]) for h in head]]
    styles_for = styles_for or {}
    for r, row in enumerate(rows):
        body.append([cell if isinstance(cell, (Paragraph, Flowable)) else
                     para("" if cell is None else str(cell),
                          st[styles_for.get((r, c), "cell")]) for c, cell in enumerate(row)])
    return Table(body, colWidths=widths, repeatRows=1, style=grid(1, extra), hAlign="CENTER")
