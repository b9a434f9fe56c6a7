"""Workbooks that print right in Excel, WPS and LibreOffice: the xlsx half of the document kit.

Every xlsx export (the roster, the ledgers, attendance, card coverage, the bulletin, 附件1/2,
the personal file, the audit trail) is one module on top of this one. What it gives:

- Styles: the fonts (宋体: title 16 pt, header and unit line 11 pt, body 10 pt, bold and bold
  red for totals and alerts), the thin border, the alignments and the number formats.
- ``Column``: a column's title, wanted width and kind — text (kept as text, so “=1+1” is never a
  formula and phone numbers stay as typed), int, decimal, money, date or percent (stored as
  numbers with a number format, never as text). ``Figure`` is one number with its own format.
- Page set-up: ``Paper`` (``A4_PORTRAIT``, ``A4_LANDSCAPE``, ``A3_LANDSCAPE``);
  ``column_widths`` (what each column wants, from its contents, and how narrow it may get) and
  ``fit_widths``, which make the columns fill the printable width exactly (wide text columns
  give way first, never below their longest unbreakable run such as an ID, a phone number or
  a date, nor a number below its width), so the body prints at its own 10 pt; ``page_setup``
  sets the paper, orientation, fit to one page wide (a safety net for another program's
  column widths), the margins and the page-number footer inside the bottom margin.
- Row heights: ``text_units``, ``line_count``, ``row_height`` and ``RowHeights`` work out each
  row's height from its wrapped text (CJK ~2 units a character, the rest ~1, line breaks
  kept), because LibreOffice and WPS do not fit rows to their text when they open a file.
- The fast row writer: ``Book`` is a write-only workbook whose rows are rendered here as sheet
  XML text (~1.5 µs a cell with its row's height, where openpyxl's cell objects and XML writer
  take ~8 µs without any style) and spliced into each sheet when it is saved; openpyxl still
  writes everything else (styles, widths, print titles, page set-up). ``Book.sheet`` gives a
  ``SheetWriter`` with the rows a printed table has: the 附件 label, title, unit line, header
  (repeated on every page), body, total and notes.

Why widths are measured in Arial 10: a column's width is counted in widths of the digit 0 of
the workbook's default font. openpyxl's default is Calibri, which LibreOffice replaces with a
wider font where Carlito is not installed (columns then print a third wider and the page
shrinks); Arial has metric twins everywhere (Liberation Sans), so the same width prints the
same in Excel, WPS and LibreOffice (within ~5 %).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList

# --- styles ----------------------------------------------------------------------------------

FONT_NAME = "宋体"
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=16)
HEADER_FONT = Font(name=FONT_NAME, bold=True, size=11)
UNIT_FONT = Font(name=FONT_NAME, size=11)
BODY_FONT = Font(name=FONT_NAME, size=10)
BOLD_FONT = Font(name=FONT_NAME, size=10, bold=True)
ALERT_FONT = Font(name=FONT_NAME, size=10, bold=True, color="C00000")
LABEL_FONT = Font(name=FONT_NAME, size=12, bold=True)       # 附件1 above a form's title
DEFAULT_FONT = Font(name="Arial", size=10)                  # the width unit (see above)

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(vertical="center", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TITLE_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)

TEXT_FORMAT = "@"
GENERAL_FORMAT = "General"
INT_FORMAT = "0"
DECIMAL_FORMAT = "0.0"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"

KINDS = ("text", "int", "decimal", "money", "date", "percent")
_NUMBER_FORMATS = {"text": GENERAL_FORMAT, "int": INT_FORMAT, "decimal": DECIMAL_FORMAT,
                   "money": MONEY_FORMAT, "date": DATE_FORMAT, "percent": PERCENT_FORMAT}


@dataclass(frozen=True)
class Column:
    """One column of a table. ``width`` in Excel width units (None: from its title and
    contents); ``kind`` (one of ``KINDS``) decides how numbers in it are formatted."""

    title: str
    width: float | None = None
    kind: str = "text"


@dataclass(frozen=True, slots=True)
class Figure:
    """A number with a format of its own, e.g. ``Figure(3, '0" 次"')`` shows “3 次”."""

    value: int | float | Decimal
    number_format: str


# --- paper and widths ------------------------------------------------------------------------

POINTS_PER_UNIT = 5.55     # a width unit printed by LibreOffice (Arial 10); Excel prints 5.25
MARGIN_X = 0.4             # inches, left and right
MARGIN_TOP = 0.6
MARGIN_BOTTOM = 0.75       # the footer (page numbers) sits inside it …
MARGIN_FOOTER = 0.3        # … this far from the edge
MIN_WIDTH = 12             # text columns give way down to this (less if their texts are short)
MAX_FLOOR = 30             # but not below their longest ID, date or phone list (up to this)


@dataclass(frozen=True)
class Paper:
    """A sheet of paper as openpyxl names it, and how many width units fit across it."""

    name: str
    code: int              # openpyxl / Excel paper size
    orientation: str
    width_pt: float

    @property
    def units(self) -> float:
        """The printable width in width units (1 % kept free for rounding)."""
        return (self.width_pt - 2 * 72 * MARGIN_X) / POINTS_PER_UNIT * 0.99


A4_PORTRAIT = Paper("A4 纵向", 9, "portrait", 595.3)
A4_LANDSCAPE = Paper("A4 横向", 9, "landscape", 841.9)
A3_LANDSCAPE = Paper("A3 横向", 8, "landscape", 1190.6)

# a run without a break opportunity: ASCII, and the CJK punctuation that joins lists of numbers
_RUN = re.compile(r"[!-~、，；：]+")


def _sample(rows: Sequence[Sequence[object]], size: int) -> Sequence[Sequence[object]]:
    """About ``size`` rows spread over all of ``rows`` (the first rows are often alike: one
    village, one team)."""
    return rows[::max(1, len(rows) // size)]


def column_widths(columns: Sequence[Column], rows: Sequence[Sequence[object]], *,
                  most: float = 30, sample: int = 100
                  ) -> tuple[list[float], list[float], list[float]]:
    """Each column's wanted width, how narrow it should get and how narrow it may get, from
    ``sample`` rows spread over the table.

    Wanted: the column's own width, or enough for nine in ten of its cells on one line (blank
    ones count: a column that is mostly blank stays narrow) and for its title on two (at
    least 6, at most ``most``; the rare long value wraps). Floor: enough for nine in ten of
    its cells, up to ``MIN_WIDTH``; for its longest unbreakable run
    (IDs, phone numbers, dates and lists of them — LibreOffice does not break after 、 or ；
    before a digit), up to ``MAX_FLOOR``; for its widest number (a number does not wrap:
    Excel shows ###). The hard floor leaves out the nine in ten (for tables of many columns).
    A column's own width is the limit of both floors, except for its numbers."""
    picked = _sample(rows, sample)
    wanted, floors, hard = [], [], []
    for index, column in enumerate(columns):
        sizes, numbers, runs = [], 0.0, 0.0
        for r in picked:
            value = r[index] if index < len(r) else None
            if value is None or value == "":
                sizes.append(0.0)
                continue
            if isinstance(value, str):
                text = value if len(value) < 400 else value[:400]
                sizes.append(max(map(_rough_units, text.split("\n"))) if "\n" in text
                             else _rough_units(text))
                if len(text.encode("utf-8")) != 3 * len(text):     # not all CJK
                    found = _RUN.findall(text)
                    if found:
                        longest = max(found, key=len)
                        if len(longest) * _DIGIT_LO > runs:
                            runs = max(runs, text_units(longest))
            else:   # bold in a total row: 10 % wider
                numbers = max(numbers, text_units(_shown(value)) * 1.1 + 1)
        typical = 0.0
        if sizes:
            sizes.sort()
            typical = sizes[int(len(sizes) * 0.9)]
            typical = typical + 1.5 if typical else 0.0
        least = max(4.0, min(runs + 1.5, MAX_FLOOR), numbers)
        floor = max(least, min(typical, MIN_WIDTH))
        if column.width:     # its own width, but a number must fit (or it prints as ###)
            wanted.append(max(float(column.width), numbers))
            floors.append(max(min(floor, column.width), numbers))
            hard.append(max(min(least, column.width), numbers))
            continue
        title = text_units(column.title) * 1.1 / 2 + 2      # 11 pt bold, on two lines
        width = min(max(typical, numbers, title, 6.0), most)
        wanted.append(max(width, floor))
        floors.append(floor)
        hard.append(least)
    return wanted, floors, hard


def fit_widths(wanted: Sequence[float], paper: Paper, floors: Sequence[float] | None = None,
               hard: Sequence[float] | None = None) -> list[float]:
    """The widths that fill ``paper``'s printable width: all columns grow alike when there is
    room; when there is not, each column gives up the same share of what it has above its
    floor (so the wide text columns give way most and keep their proportions). If the floors
    do not fit either, each keeps the same share of what its floor asks above its ``hard``
    floor; if even those do not fit, they are the widths (the page then shrinks to fit:
    choose bigger paper)."""
    target = paper.units
    total = sum(wanted)
    if total <= target:
        return [w * target / total for w in wanted] if total else list(wanted)
    floors = [min(f, w) for f, w in zip(floors, wanted)] if floors is not None \
        else [min(w, MIN_WIDTH) for w in wanted]
    room = sum(floors)
    if room >= target:
        if hard is None or sum(hard) >= target:
            return list(hard) if hard is not None and sum(hard) < room else floors
        # each column keeps the same share of what its floor asks above its hard floor
        least = [min(h, f) for h, f in zip(hard, floors)]
        keep = (target - sum(least)) / (room - sum(least))
        return [h + (f - h) * keep for h, f in zip(least, floors)]
    keep = (target - room) / (total - room)
    return [f + (w - f) * keep for w, f in zip(wanted, floors)]


def page_setup(ws: Any, paper: Paper, *, header_text: str = "") -> None:
    """Paper and orientation, one page wide (as many high as it takes), centred, margins with
    the page-number footer inside the bottom one (宋体 10 pt, not scaled with the page);
    ``header_text`` prints at the top of every page. (The header row repeated on every page
    is set by ``SheetWriter.header``.)"""
    ws.page_setup.paperSize = paper.code
    ws.page_setup.orientation = paper.orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    margins = ws.page_margins
    margins.left = margins.right = MARGIN_X
    margins.top, margins.bottom = MARGIN_TOP, MARGIN_BOTTOM
    margins.header, margins.footer = 0.3, MARGIN_FOOTER
    ws.HeaderFooter.scaleWithDoc = False
    footer = ws.oddFooter.center
    footer.text, footer.font, footer.size = "第 &P 页，共 &N 页", f"{FONT_NAME},Regular", 10
    if header_text:
        top = ws.oddHeader.center
        top.text, top.font, top.size = header_text, f"{FONT_NAME},Regular", 10


# --- row heights -----------------------------------------------------------------------------

# A character's width at 10 pt in width units, as Excel/WPS print it (SimSun: CJK 1.9, the
# rest 0.95) and as LibreOffice does where SimSun is missing (CJK 1.8 in Noto CJK; digits
# 1.15, punctuation 0.65 and letters ~1.05 in DejaVu Sans, its stand-in for the rest); a text
# is as wide as the wider of the two.
WIDE_UNITS = 1.9
ASCII_UNITS = 1.05
_WIDE_LO, _DIGIT_LO, _THIN_LO, _ASCII_EXCEL = 1.8, 1.15, 0.65, 0.95
_DIGITS = b"0123456789"
_THIN = b" -.:/,;()[]'|!"
PAD_UNITS = 0.5        # the cell's inner margins
SLACK_UNITS = 2.0      # what a wrapped line loses at its end (a 。， cannot start one)
LINE = 1.45            # line pitch ÷ font size: LibreOffice on Noto CJK (Excel, WPS: ~1.3)
ROW_PAD = 0.75         # points above and below the lines


def text_units(text: str) -> float:
    """``text``'s width at 10 pt in width units (CJK ~2, others ~1), counted on its UTF-8
    bytes, which is C speed: a CJK character takes 3 bytes, ASCII one."""
    raw = text.encode("utf-8")
    n = len(text)
    wide = min((len(raw) - n) / 2, n)
    narrow = n - wide
    digits = len(raw) - len(raw.translate(None, _DIGITS))
    thin = len(raw) - len(raw.translate(None, _THIN))
    letters = max(narrow - digits - thin, 0)
    return max(digits * _DIGIT_LO + thin * _THIN_LO + letters * ASCII_UNITS + wide * _WIDE_LO,
               narrow * _ASCII_EXCEL + wide * WIDE_UNITS)


def _rough_units(text: str) -> float:
    """``text_units`` roughly, in one pass (for the widths a column wants)."""
    n = len(text)
    wide = min((len(text.encode("utf-8")) - n) / 2, n)
    return wide * WIDE_UNITS + (n - wide) * 1.1


def line_count(text: str, capacity: float) -> int:
    """Lines ``text`` wraps to in a cell ``capacity`` units wide (at 10 pt), explicit line
    breaks kept."""
    if "\n" in text:
        return sum(line_count(part, capacity) for part in text.split("\n"))
    n = len(text)
    if n * WIDE_UNITS <= capacity or (n * _DIGIT_LO <= capacity and text.isascii()):
        return 1
    units = text_units(text)
    if units <= capacity:
        return 1
    extra = 0.0
    if not text.isascii() or " " in text:
        # a number, a date or a word (with the character and the 、，；： beside it) moves to
        # the next line whole: where one meets the end of a line, the line loses up to that
        # (beyond the one character SLACK_UNITS allows for)
        for run in _RUN.findall(text):
            chunk = text_units(run) + WIDE_UNITS
            if chunk < capacity:        # a longer one is broken anywhere, like CJK
                extra += max(chunk - SLACK_UNITS, 0.0)
    return math.ceil((units + extra) / max(capacity - SLACK_UNITS, 1.0))


def row_height(lines: int, size: float) -> float:
    """Points for ``lines`` lines of ``size`` pt text."""
    return round(lines * size * LINE + ROW_PAD, 2)


class RowHeights:
    """Row heights for a table whose column widths are ``widths``: each column's capacity is
    worked out once; a row's height is that of its tallest cell. Numbers never wrap."""

    def __init__(self, widths: Sequence[float], size: float = 10) -> None:
        scale = 10 / size
        self.size = size
        self.capacity = [max(w - PAD_UNITS, 1.0) * scale for w in widths]
        self.one_line = row_height(1, size)

    def lines(self, values: Sequence[object]) -> int:
        most = 1
        for value, capacity in zip(values, self.capacity):
            if isinstance(value, str) and (len(value) * WIDE_UNITS > capacity or "\n" in value):
                most = max(most, line_count(value, capacity))
        return most

    def height(self, values: Sequence[object]) -> float:
        lines = self.lines(values)
        return self.one_line if lines == 1 else row_height(lines, self.size)


# --- the fast row writer ---------------------------------------------------------------------

# &, < and > escaped; the control characters XML cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE)
# dropped — one pass
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                           **{chr(c): None for c in (*range(0, 9), 11, 12, *range(14, 32))}})
_EPOCH = date(1899, 12, 30)


def xml_text(text: str) -> str:
    """``text`` for an inline string: control characters dropped (not XML), at most Excel's
    32,767 characters, &, < and > escaped."""
    if len(text) > 32767:
        text = text[:32767]
    return text.translate(_XML_TEXT)


def _shown(value: object) -> str:
    """A value as it prints (for widths)."""
    if isinstance(value, Figure):
        value = value.value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, (date, datetime)):
        return f"{value:%Y-%m-%d}"
    return "" if value is None else str(value)


class Book(Workbook):
    """A write-only workbook whose sheets' rows are written as XML text (see the module's
    docstring) and inserted into ``<sheetData>`` of each sheet when the book is saved.

    Cells get their style ids from ``style``, worked out once per book: setting
    ``cell.font`` and the others on each cell hashes the style objects every time (that was
    18 of the 22 s of a year of problem ledgers)."""

    def __init__(self) -> None:
        super().__init__(write_only=True)
        self._fonts = IndexedList([DEFAULT_FONT])   # fonts[0]: the width unit (see above)
        self.writers: list[SheetWriter] = []
        self.styles: dict[tuple[int, int, bool, str], tuple[int, Font, Alignment]] = {}

    def sheet(self, name: str, columns: Sequence[Column], paper: Paper, *,
              rows: Sequence[Sequence[object]] = (), widths: Sequence[float] | None = None,
              most: float = 30, heading: str = "") -> SheetWriter:
        """A new sheet printing on ``paper``: the columns' widths wanted (``widths``, or from
        the titles and ``rows``), fitted to the paper's width, and its page set-up
        (``heading``: a line printed at the top of every page).

        The body prints at 10 pt, not the 9 pt (小五) allowed at least: LibreOffice prints
        some long sheets at 98 % even when they fit the width (its fit-to-width search
        counting the pages of a tall sheet), and 10 pt keeps them above 9 pt."""
        ws = self.create_sheet(name)
        wanted, floors, hard = column_widths(columns, rows, most=most)
        if widths is not None:
            wanted = list(widths)
            floors = [min(w, f) for w, f in zip(widths, floors)]
            hard = [min(w, f) for w, f in zip(widths, hard)]
        fitted = fit_widths(wanted, paper, floors, hard)
        for index, width in enumerate(fitted, start=1):
            ws.column_dimensions[get_column_letter(index)].width = round(width, 2)
        page_setup(ws, paper, header_text=heading)
        writer = SheetWriter(self, ws, list(columns), fitted, paper)
        self.writers.append(writer)
        return writer

    def style(self, font: Font, alignment: Alignment, border: bool = True,
              number_format: str = GENERAL_FORMAT) -> int:
        """The cell style id of this font, alignment, border and number format."""
        key = (id(font), id(alignment), border, number_format)
        found = self.styles.get(key)
        if found is None:
            proto = WriteOnlyCell(self.worksheets[0] if self.worksheets else None)
            proto.font, proto.alignment = font, alignment
            if border:
                proto.border = BORDER
            if number_format != GENERAL_FORMAT:
                proto.number_format = number_format
            # the objects are kept with the id so that their ids cannot be reused by others
            found = self.styles[key] = (self._cell_styles.add(proto._style), font, alignment)
        return found[0]

    def save(self, filename: str | Path) -> None:  # type: ignore[override]
        for writer in self.writers:
            for ref in writer.merged:
                writer.ws.merged_cells.add(ref)
        first = io.BytesIO()
        super().save(first)
        # sheets are numbered when saved: sheet1.xml is the first
        parts = {w.ws.path.lstrip("/"): (w.xml(), w.dimension()) for w in self.writers}
        with zipfile.ZipFile(first) as src, \
                zipfile.ZipFile(filename, "w", zipfile.ZIP_DEFLATED, compresslevel=3) as dst:
            for info in src.infolist():
                data = src.read(info)
                found = parts.get(info.filename)
                if found is not None:
                    data = _splice(data, *found)
                dst.writestr(info.filename, data)


def _splice(sheet: bytes, body: bytes, dimension: str) -> bytes:
    """``body`` into the sheet's ``<sheetData>``, and its ``<dimension>`` (the used range, which
    read-only readers take as the sheet's size) before ``<sheetViews>``."""
    if b"<dimension" not in sheet and b"<sheetViews" in sheet:
        at = sheet.index(b"<sheetViews")
        sheet = sheet[:at] + f'<dimension ref="{dimension}" />'.encode() + sheet[at:]
    for empty in (b"<sheetData />", b"<sheetData/>"):
        if empty in sheet:
            return sheet.replace(empty, b"<sheetData>" + body + b"</sheetData>", 1)
    at = sheet.rindex(b"</sheetData>")
    return sheet[:at] + body + sheet[at:]


Alert = Callable[[int, object], bool]     # (row index, value): print this cell in red?


def _text_cell(value: str, style: int, capacity: float) -> tuple[int, str]:
    """A text cell after its ``<c r="…"``: the lines it wraps to and the rest of its XML
    (an inline string: never a formula)."""
    if not value:
        return 1, f' s="{style}"/>'
    lines = 1
    if len(value) * WIDE_UNITS > capacity or "\n" in value:
        lines = line_count(value, capacity)
    text = xml_text(value)
    space = ' xml:space="preserve"' if text[:1] == " " or text[-1:] == " " or "\n" in text \
        else ""
    return lines, f' s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


class SheetWriter:
    """The rows of one sheet, in order, as XML text: ``title`` (merged across the columns,
    centred), ``line`` (a unit line or a note, merged, left), ``header`` (bordered, bold,
    repeated on every printed page, panes frozen below it), ``body`` and ``total`` rows;
    every row's height set from its wrapped text.

    Body values: ``str`` is written as text (never a formula); int, float and Decimal as
    numbers in the column kind's format (money right-aligned); ``date`` as a date; ``Figure``
    in its own format; bool as 是/否; None and "" as a blank bordered cell."""

    def __init__(self, book: Book, ws: Any, columns: list[Column], widths: list[float],
                 paper: Paper) -> None:
        self.book, self.ws, self.columns, self.widths, self.paper = book, ws, columns, widths, paper
        self.letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
        self.last = self.letters[-1]
        self.row = 0
        self.parts: list[str] = []
        self.merged: list[str] = []
        self.heights = {10.0: RowHeights(widths, 10)}
        self.span = RowHeights([sum(widths)], 10).capacity[0]   # a merged row's capacity

    # rows spanning the table
    def title(self, text: str, font: Font = TITLE_FONT) -> None:
        self._spanning(text, font, TITLE_ALIGN)

    def line(self, text: str, font: Font = UNIT_FONT) -> None:
        self._spanning(text, font, LEFT)

    def label(self, text: str) -> None:
        """A form's 附件 label above its title, at the left."""
        self._spanning(text, LABEL_FONT, LEFT)

    def blank(self) -> None:
        self.row += 1
        self.parts.append(f'<row r="{self.row}" ht="{row_height(1, 10)}" customHeight="1"/>')

    def _spanning(self, text: str, font: Font, alignment: Alignment) -> None:
        self.row += 1
        size = float(font.sz or 10)
        lines = line_count(text, self.span * 10 / size)
        sid = self.book.style(font, alignment, border=False)
        ref = f"A{self.row}"
        self.parts.append(f'<row r="{self.row}" ht="{row_height(lines, size)}" customHeight="1">'
                          f'<c r="{ref}" s="{sid}" t="inlineStr"><is><t>{xml_text(text)}'
                          f"</t></is></c></row>")
        if len(self.letters) > 1:
            self.merged.append(f"{ref}:{self.last}{self.row}")

    def header(self, titles: Sequence[str] | None = None, *, freeze: bool = True) -> None:
        """The header row (the columns' titles unless given), repeated on every page."""
        titles = [c.title for c in self.columns] if titles is None else list(titles)
        self.row += 1
        size = float(HEADER_FONT.sz)
        heights = self.heights.get(size) or self.heights.setdefault(
            size, RowHeights(self.widths, size))
        sid = self.book.style(HEADER_FONT, CENTER)
        cells = "".join(f'<c r="{letter}{self.row}" s="{sid}" t="inlineStr"><is><t>'
                        f"{xml_text(t)}</t></is></c>" for letter, t in zip(self.letters, titles))
        self.parts.append(f'<row r="{self.row}" ht="{heights.height(titles)}" customHeight="1">'
                          f"{cells}</row>")
        self.ws.print_title_rows = f"{self.row}:{self.row}"
        if freeze:
            self.ws.freeze_panes = f"A{self.row + 1}"

    def total(self, values: Sequence[object]) -> None:
        self.body([values], font=BOLD_FONT)

    def body(self, rows: Iterable[Sequence[object]], *, font: Font = BODY_FONT,
             alerts: Mapping[int, Alert] | None = None, alert_font: Font = ALERT_FONT,
             every: int = 0, tick: Callable[[int], None] | None = None) -> None:
        """Table rows. ``alerts`` maps a column (from 0) to a test ``(row index, value)`` of
        the cells printed in ``alert_font`` (bold red); ``tick(rows written)`` is called
        every ``every`` rows (for progress and cancelling).

        A short text's cell (its XML and its line count) is worked out once per column: dates,
        names and categories repeat down a ledger."""
        book, columns = self.book, self.columns
        styles = [_ColumnStyles(book, c, font) for c in columns]
        tests: list[Alert | None] = [None] * len(columns)
        marked = styles
        if alerts:
            marked = [_ColumnStyles(book, c, alert_font) for c in columns]
            for column, test in alerts.items():
                tests[column] = test
        heights = self.heights[10.0]
        capacity = heights.capacity
        one_line = heights.one_line
        letters = self.letters
        add = self.parts.append
        known: list[dict[str, tuple[int, str]]] = [{} for _ in columns]
        number = self.row
        for index, values in enumerate(rows):
            number += 1
            row = str(number)
            cells: list[str] = []
            put = cells.append
            lines = 1
            for c, value in enumerate(values):
                kind = value.__class__
                test = tests[c]
                if test is not None and value is not None and value != "" and test(index, value):
                    look = marked[c]
                elif kind is str:
                    found = known[c].get(value)
                    if found is None:
                        found = _text_cell(value, styles[c].text, capacity[c])
                        if len(value) < 40:
                            known[c][value] = found
                    put(f'<c r="{letters[c]}{row}"{found[1]}')
                    if found[0] > lines:
                        lines = found[0]
                    continue
                else:
                    look = styles[c]
                ref = f"{letters[c]}{row}"
                if kind is str:
                    found = _text_cell(value, look.text, capacity[c])
                    put(f'<c r="{ref}"{found[1]}')
                    lines = max(lines, found[0])
                elif value is None:
                    put(f'<c r="{ref}" s="{look.text}"/>')
                elif kind is int or kind is float or kind is Decimal:
                    put(f'<c r="{ref}" s="{look.number}" t="n"><v>{value}</v></c>')
                elif kind is bool:
                    put(f'<c r="{ref}" s="{look.text}" t="inlineStr"><is><t>'
                        f'{"是" if value else "否"}</t></is></c>')
                elif kind is date:
                    put(f'<c r="{ref}" s="{look.date}" t="n"><v>{(value - _EPOCH).days}</v></c>')
                elif kind is Figure:
                    sid = book.style(look.font, CENTER, True, value.number_format)
                    put(f'<c r="{ref}" s="{sid}" t="n"><v>{value.value}</v></c>')
                else:  # anything else prints as its text
                    found = _text_cell(str(value), look.text, capacity[c])
                    put(f'<c r="{ref}"{found[1]}')
                    lines = max(lines, found[0])
            height = one_line if lines == 1 else row_height(lines, 10)
            add(f'<row r="{row}" ht="{height}" customHeight="1">{"".join(cells)}</row>')
            if tick is not None and every and (index + 1) % every == 0:
                tick(index + 1)
        self.row = number

    def xml(self) -> bytes:
        return "".join(self.parts).encode("utf-8")

    def dimension(self) -> str:
        return f"A1:{self.last}{max(self.row, 1)}"


class _ColumnStyles:
    """A column's style ids in one font: text, numbers (in the kind's format), dates."""

    __slots__ = ("date", "font", "number", "text")

    def __init__(self, book: Book, column: Column, font: Font) -> None:
        self.font = font
        self.text = book.style(font, WRAP, True, TEXT_FORMAT if column.kind == "text"
                               else GENERAL_FORMAT)
        number_format = _NUMBER_FORMATS.get(column.kind, GENERAL_FORMAT)
        self.number = book.style(font, RIGHT if column.kind == "money" else CENTER, True,
                                 number_format)
        self.date = book.style(font, CENTER, True, DATE_FORMAT)


__all__ = [
    "A3_LANDSCAPE", "A4_LANDSCAPE", "A4_PORTRAIT", "Alert", "ALERT_FONT", "ASCII_UNITS",
    "BODY_FONT", "BOLD_FONT", "Book", "BORDER", "CENTER", "Column", "column_widths", "DATE_FORMAT",
    "DECIMAL_FORMAT", "DEFAULT_FONT", "Figure", "fit_widths", "FONT_NAME", "GENERAL_FORMAT",
    "HEADER_FONT", "INT_FORMAT", "KINDS", "LABEL_FONT", "LEFT", "LINE", "line_count",
    "MONEY_FORMAT", "page_setup", "Paper", "PERCENT_FORMAT", "RIGHT", "row_height", "RowHeights",
    "SheetWriter", "TEXT_FORMAT", "text_units", "THIN", "TITLE_ALIGN", "TITLE_FONT", "UNIT_FONT",
    "WIDE_UNITS", "WRAP", "xml_text",
]
