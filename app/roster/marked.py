"""The roster handed back with its problems marked: each bad cell filled red with the reason as
a comment, and a first sheet “导入问题” listing them all. The clerk fixes the cells in Excel or
WPS and imports the copy again.

An .xlsx is copied with its own formatting; an .xls or .csv comes back as an .xlsx of the values
as read (those formats cannot carry comments).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from app.errors import DomainError
from app.files import save_whole
from app.normalize import strip_controls
from app.roster.problems import RowProblem
from app.roster.reader import MAX_COLUMNS
from app.roster.sources import Opened, XlsxBook
from app.roster.xlsx_stream import column_index

PROBLEM_SHEET = "导入问题"
AUTHOR = "驻点直联工作台"
_BAD = PatternFill("solid", fgColor="FFC7CE")
_BOLD = Font(bold=True)


def write_marked_copy(source: Path, problems: Sequence[RowProblem], out: Path) -> Path:
    """A copy of ``source`` with every problem marked, saved as ``out`` (.xlsx)."""
    if not problems:
        raise DomainError("名册没有问题，不需要标注。")
    source, out = Path(source), Path(out)
    book = _copy(source)
    _list_sheet(book, problems)
    for problem in problems:
        if problem.sheet in book.sheetnames and problem.row:
            _mark(book[problem.sheet], problem)
    return save_whole(book, out)


def _copy(source: Path) -> Workbook:
    with Opened(source) as opened:
        is_xlsx = isinstance(opened, XlsxBook)
    if is_xlsx:
        try:
            return load_workbook(source)
        except Exception:  # noqa: BLE001 - openpyxl may refuse what our reader read; fall back
            pass
    return _values(source)


def _values(source: Path) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    with Opened(source) as opened:
        for sheet in opened.sheet_list:
            ws = book.create_sheet(_sheet_title(sheet.name, book.sheetnames))
            for number, cells in opened.rows(sheet, MAX_COLUMNS):
                for col, value in enumerate(cells, start=1):
                    if value is not None:
                        ws.cell(row=number, column=col,
                                value=strip_controls(value) if isinstance(value, str) else value)
    return book


def _sheet_title(name: str, taken: list[str]) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name."""
    title = "".join(c for c in name if c not in "[]:*?/\\")[:31] or "Sheet"
    return title if title not in taken else f"{title[:28]}_{len(taken)}"


def _mark(ws: Worksheet, problem: RowProblem) -> None:
    column = column_index(problem.column) if problem.column else 1
    cell = ws.cell(row=problem.row, column=column)
    cell.fill = _BAD
    reason = strip_controls(problem.reason)
    text = f"{cell.comment.text}\n{reason}" if cell.comment else reason
    comment = Comment(text, AUTHOR)
    comment.width, comment.height = 320, 120
    cell.comment = comment


def _list_sheet(book: Workbook, problems: Sequence[RowProblem]) -> None:
    if PROBLEM_SHEET in book.sheetnames:
        del book[PROBLEM_SHEET]
    ws = book.create_sheet(PROBLEM_SHEET, 0)
    ws.append(["工作表", "行", "列", "字段", "问题"])
    for cell in ws[1]:
        cell.font = _BOLD
    for p in problems:
        ws.append([p.sheet, p.row or None, p.column, p.field, strip_controls(p.reason)])
    for letter, width in zip("ABCDE", (14, 6, 6, 14, 90)):
        ws.column_dimensions[letter].width = width
