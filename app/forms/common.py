"""What the monthly forms share: the month and team scope, money, a print-ready xlsx sheet in the
ledgers' style (on the document kit, app/documents/xlsx.py: the 附件 label, title across the
columns, unit and period line, header repeated on every printed page, the columns fitted to the
paper's width, thin borders, wrapped text, rows as tall as their text) with money as numbers to
two places and a 合计 row. The forms' A4 landscape PDFs are built from
the document kit (app/documents/pdf*.py: ``pdf_pages.build(wide=True)``, ``pdf_tables.table``
with the money columns kept whole).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.checks.report_pdf import month_span
from app.documents.xlsx import A4_LANDSCAPE, Book, Paper
from app.documents.xlsx import Column as Col
from app.ledgers.export import team_ids, team_scope
from app.models import Team, TeamCommunity
from app.services.settings import get_settings

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


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
    team = team_scope(session, team_id)
    teams = team_ids(session, team)
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

# Col (app.documents.xlsx.Column): title, width (None: from the contents), kind — text, int,
# decimal, money, date or percent.

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
    label: str = ""                            # 附件1 above the title
    paper: Paper = A4_LANDSCAPE


def write_xlsx(sheets: Sequence[FormSheet], out: Path) -> Path:
    """A workbook of ``sheets``, saved whole via a temporary file."""
    from app.files import save_whole

    book = Book()
    for sheet in sheets:
        write_sheet(book, sheet)
    return save_whole(book, Path(out))


def write_sheet(book: Book, sheet: FormSheet) -> None:
    """The label (if any), title, unit line, header (repeated on every page), the rows (the
    ``alerts`` cells in bold red), the 合计 row in bold and the lines under the table."""
    rows = sheet.rows + ([sheet.total] if sheet.total is not None else [])
    writer = book.sheet(sheet.name, sheet.columns, sheet.paper, rows=rows, most=36)
    if sheet.label:
        writer.label(sheet.label)
    writer.title(sheet.title)
    writer.line(sheet.unit_line)
    writer.header()
    marked = sheet.alerts
    writer.body(sheet.rows, alerts={c: (lambda r, _value, c=c: (r, c) in marked)
                                    for c in {c for _r, c in marked}})
    if sheet.total is not None:
        writer.total(sheet.total)
    if sheet.footer:
        writer.blank()
        for line in sheet.footer:
            writer.line(line)


SIGN_LINE = ("驻点组长（分管领导）审核签名：＿＿＿＿＿＿　　　填表人（联络员）：＿＿＿＿＿＿"
             "　　　填报日期：＿＿＿＿年＿＿月＿＿日")
