"""Reading a town's own workbook into plain rows: header found, merged cells filled, footers dropped."""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from app.errors import DomainError
from app.roster.headers import HEADER_SCAN_ROWS, COLUMNS, HeaderMatch, SheetKind, find_header
from app.roster.problems import Cancelled
from app.roster.safety import check_xlsx

MAX_ROWS = 200_000
MAX_COLUMNS = 60
CHECK_EVERY = 500
# Merged cells come back blank below their top cell; only these columns are meant to carry down.
FILL_DOWN = {SheetKind.MEMBERS: ("team", "community"), SheetKind.HOUSEHOLDS: ("community",)}
_FOOTER_START = re.compile(r"^\s*(制表人|制表|审核人|审核|备注|填表|说明|注[:：]|联系人[:：])")

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass
class SourceRow:
    number: int  # as Excel shows it
    values: dict[str, object]


@dataclass
class SheetData:
    name: str
    header: HeaderMatch
    rows: list[SourceRow] = field(default_factory=list)

    @property
    def kind(self) -> SheetKind:
        return self.header.kind

    def column(self, field_name: str) -> tuple[str, str]:
        """Column letter and header text of a field, or ("", the standard header) if absent."""
        if field_name in self.header.columns:
            index, text = self.header.columns[field_name]
            return get_column_letter(index + 1), text
        title = next((c.title for c in COLUMNS[self.kind] if c.field == field_name), field_name)
        return "", title


@dataclass
class WorkbookData:
    file: str
    sheets: list[SheetData]
    ignored: list[str]

    def of_kind(self, kind: SheetKind) -> list[SheetData]:
        return [s for s in self.sheets if s.kind == kind]

    @property
    def rows_total(self) -> int:
        return sum(len(s.rows) for s in self.sheets)


def read_workbook(path: Path, progress: Progress | None = None,
                  cancelled: Cancel | None = None) -> WorkbookData:
    check_xlsx(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about features it skips
            book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise DomainError(f"「{path.name}」无法作为 Excel 工作簿打开：{exc}") from None
    try:
        return _read_sheets(path.name, book, progress, cancelled)
    finally:
        book.close()


def _read_sheets(file: str, book: object, progress: Progress | None, cancelled: Cancel | None
                 ) -> WorkbookData:
    sheets: list[SheetData] = []
    ignored: list[str] = []
    worksheets = [ws for ws in book.worksheets if hasattr(ws, "iter_rows")]  # type: ignore[attr-defined]
    estimate = sum((ws.max_row or 0) for ws in worksheets)
    counter = _Counter(file, estimate, progress, cancelled)
    for ws in worksheets:
        ws.reset_dimensions()  # many programs write a wrong <dimension>; read what is there
        data = _read_sheet(ws, counter)
        if data is None:
            ignored.append(ws.title)
        else:
            sheets.append(data)
    if not sheets:
        raise DomainError(f"「{file}」中没有找到名册表头（如“姓名”“驻点团队”“门牌地址”等列）。"
                          "请确认表头在前 15 行内。")
    return WorkbookData(file, sheets, ignored)


class _Counter:
    """Counts rows across sheets: reports progress, honours cancel, stops oversized files."""

    def __init__(self, file: str, estimate: int, progress: Progress | None, cancelled: Cancel | None):
        self.file, self.estimate, self.progress, self.cancelled = file, estimate, progress, cancelled
        self.seen = 0

    def tick(self) -> None:
        self.seen += 1
        if self.seen > MAX_ROWS:
            raise DomainError(f"「{self.file}」超过 {MAX_ROWS:,} 行，超出一次导入的上限。请拆分后分批导入。")
        if self.seen % CHECK_EVERY == 0:
            if self.cancelled and self.cancelled():
                raise Cancelled()
            if self.progress:
                self.progress(self.seen, max(self.estimate, self.seen))


def _read_sheet(ws: object, counter: _Counter) -> SheetData | None:
    rows = _rows(ws, counter)
    head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
    header = find_header(head)
    if header is None:
        return None
    data = SheetData(ws.title, header)  # type: ignore[attr-defined]
    carried: dict[str, object] = {}
    fill = FILL_DOWN.get(header.kind, ())
    later = itertools.chain(head[header.row:], rows)
    for number, cells in enumerate(later, start=header.row + 1):
        if _skipped(cells):
            continue
        values = {f: _cell(cells, i) for f, (i, _text) in header.columns.items()}
        for f in fill:
            if f in values and _empty(values[f]):
                values[f] = carried.get(f)
            carried[f] = values.get(f)
        data.rows.append(SourceRow(number, values))
    return data


def _rows(ws: object, counter: _Counter) -> Iterator[tuple[object, ...]]:
    for cells in ws.iter_rows(max_col=MAX_COLUMNS, values_only=True):  # type: ignore[attr-defined]
        counter.tick()
        yield cells


def _cell(cells: tuple[object, ...], index: int) -> object:
    return cells[index] if index < len(cells) else None


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _skipped(cells: tuple[object, ...]) -> bool:
    """Blank lines and footers (制表人：…, 备注：…, a lone “填表日期：…”) are not rows."""
    filled = [v for v in cells if v is not None and not (isinstance(v, str) and not v.strip())]
    if not filled:
        return True
    first = filled[0]
    if not isinstance(first, str):
        return False
    if _FOOTER_START.match(first):
        return True
    return len(filled) == 1 and (":" in first or "：" in first)
