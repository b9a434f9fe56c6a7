"""Reading a town's own workbook into plain rows: header found, merged cells filled, footers dropped."""

from __future__ import annotations

import itertools
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import DomainError
from app.roster.headers import HEADER_SCAN_ROWS, HeaderMatch, SheetKind, field_title, find_header
from app.roster.problems import Cancelled
from app.roster.sources import Book, Opened, Sheet
from app.roster.xlsx_stream import column_letter

# Twice the largest town's households; a file past it is refused before memory runs short
# (the rows are held until the one transaction writes them: ~1.4 KB each).
MAX_ROWS = 100_000
MAX_COLUMNS = 60
CHECK_EVERY = 500
# Merged cells come back blank below their top cell; only these columns are meant to carry down.
FILL_DOWN = {SheetKind.MEMBERS: ("team", "community"), SheetKind.HOUSEHOLDS: ("community",)}
# Footers, and the template's example rows (示例：…), are not data.
_FOOTER_START = re.compile(r"^\s*(制表人|制表|审核人|审核|备注|填表|说明|注[:：]|联系人[:：]|示例[:：])")

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
Numbered = tuple[int, list[object]]  # (row number as Excel shows it, values from column A)


@dataclass
class SourceRow:
    number: int  # as Excel shows it
    values: dict[str, object]
    filled: set[str] = field(default_factory=set)  # fields taken from the row above (merged cells)


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
            return column_letter(index + 1), text
        return "", field_title(self.kind, field_name)

    def unplaced_text(self) -> str:
        """The headed columns no field took: “C 列“驻扎村居”、F 列“其他””, or “无”."""
        return "、".join(f"{column_letter(i + 1)} 列“{text}”" for i, text in self.header.unplaced) or "无"


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
                  cancelled: Cancel | None = None,
                  overrides: Mapping[str, str] | None = None) -> WorkbookData:
    """Every roster sheet of the file; ``overrides`` place headers as the user said
    (normalised header → field title or 不导入)."""
    try:
        with Opened(path) as book:
            return _read_sheets(book, progress, cancelled, overrides or {})
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError):
        raise DomainError(f"「{path.name}」已损坏（压缩数据不完整或有错），无法读取。"
                          "如果能在 Excel 或 WPS 中打开，请“另存为”新的 .xlsx 再导入。") from None
    except OSError:
        raise DomainError(f"「{path.name}」无法读取：文件可能正被其他程序占用，或所在的盘已断开。") from None
    except MemoryError:
        raise DomainError(f"「{path.name}」内容过多，这台电脑的内存不足以读取。请拆分后分批导入。") from None


def _read_sheets(book: Book, progress: Progress | None, cancelled: Cancel | None,
                 overrides: Mapping[str, str]) -> WorkbookData:
    sheets: list[SheetData] = []
    ignored: list[str] = []
    parts = book.sheet_list
    estimate = sum(book.estimate_rows(part) for part in parts)
    counter = _Counter(book.file, estimate, progress, cancelled)
    for part in parts:
        data = _read_sheet(book, part, counter, overrides)
        if data is None:
            ignored.append(part.name)
        else:
            sheets.append(data)
    if not sheets:
        raise DomainError(f"「{book.file}」中没有找到名册表头（如“姓名”“驻点团队”“门牌地址”等列）。"
                          "请确认表头在前 15 行内。")
    return WorkbookData(book.file, sheets, ignored)


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


def _read_sheet(book: Book, part: Sheet, counter: _Counter, overrides: Mapping[str, str]
                ) -> SheetData | None:
    rows = _rows(book, part, counter)
    first = _first_rows(rows)
    header = find_header(_dense(first), overrides)
    if header is None:
        rows.close()  # not a roster sheet: the rest of it is never parsed
        return None
    data = SheetData(part.name, header)
    carried: dict[str, object] = {}
    fill = FILL_DOWN.get(header.kind, ())
    columns = list(header.columns.items())
    later = [(number, cells) for number, cells in first if number > header.row]
    for number, cells in itertools.chain(later, rows):
        if _skipped(cells):
            continue
        values = {f: _cell(cells, i) for f, (i, _text) in columns}
        filled: set[str] = set()
        for f in fill:
            if f in values and _empty(values[f]) and not _empty(carried.get(f)):
                values[f] = carried[f]
                filled.add(f)
            carried[f] = values.get(f)
        data.rows.append(SourceRow(number, values, filled))
    return data


def _first_rows(rows: Iterator[Numbered]) -> list[Numbered]:
    """The rows of the header scan window and the one below it (a header's second row),
    plus the first row past them if one was read."""
    first: list[Numbered] = []
    for number, cells in rows:
        first.append((number, cells))
        if number > HEADER_SCAN_ROWS:
            break
    return first


def _dense(first: list[Numbered]) -> list[list[object]]:
    """Rows 1..HEADER_SCAN_ROWS + 1 by position; a row the file leaves out is an empty one."""
    dense: list[list[object]] = [[] for _ in range(HEADER_SCAN_ROWS + 1)]
    for number, cells in first:
        if number <= HEADER_SCAN_ROWS + 1:
            dense[number - 1] = cells
    return dense


def _rows(book: Book, part: Sheet, counter: _Counter) -> Iterator[Numbered]:
    for number, cells in book.rows(part, MAX_COLUMNS):
        counter.tick()
        yield number, cells


def _cell(cells: list[object], index: int) -> object:
    return cells[index] if index < len(cells) else None


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _skipped(cells: list[object]) -> bool:
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
