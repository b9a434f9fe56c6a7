"""Opening a roster file of any kind a town keeps: .xlsx, .xls (and WPS .et), .csv.

The kind is told by the file's first bytes, not its name: offices rename files freely, and a
"名册.xls" that is really an xlsx (or a CSV) is common. Every kind gives the same thing — its
sheets in tab order and, for each, rows of ``(row number as the office program shows it,
values from column A)`` — so the reader above does not care where the rows came from.

Every failure of a reader becomes a ``DomainError`` in Chinese that names the file; the
readers' own (English) messages never reach the clerk.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

from app.errors import DomainError
from app.roster.safety import check_size, check_xlsx, describe_size
from app.roster.xlsx_stream import XlsxStream

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# xlrd holds one whole sheet in memory at a time (each sheet is unloaded once read): a full
# .xls sheet of 65,000 household rows is ~15 MB and its preview peaked at 195 MB.
MAX_XLS_BYTES = 20 * 1024 * 1024
MAX_CSV_BYTES = 30 * 1024 * 1024
Row = list[object]


@dataclass(frozen=True)
class Sheet:
    """One sheet of a book: its name as the tab shows it, and the reader's own handle."""

    name: str
    handle: object


class Book(Protocol):
    file: str

    @property
    def sheet_list(self) -> list[Sheet]: ...

    def rows(self, sheet: Sheet, max_col: int) -> Iterator[tuple[int, Row]]: ...

    def estimate_rows(self, sheet: Sheet) -> int: ...

    def close(self) -> None: ...


def open_book(path: Path) -> Book:
    """The file opened by what it is; a clear message for anything we cannot read."""
    name = path.name
    check_size(path)
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(ZIP_MAGIC):
        check_xlsx(path)  # zip bombs and DTDs are refused before any XML parser runs
        return XlsxBook(path)
    if head[:4] == OLE_MAGIC[:4]:
        return XlsBook(path)
    if _looks_binary(path):
        raise DomainError(f"「{name}」不是 Excel 工作簿（.xlsx/.xls），也不是 CSV 文本文件。"
                          "请在 Excel 或 WPS 中打开后“另存为” .xlsx 再导入。")
    return CsvBook(path)


def _looks_binary(path: Path) -> bool:
    with path.open("rb") as f:
        sample = f.read(4096)
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text, as "Unicode 文本" saves it
        return False
    return b"\x00" in sample


# -- xlsx -------------------------------------------------------------------------------------

class XlsxBook:
    """The streaming xlsx reader behind the common interface."""

    def __init__(self, path: Path) -> None:
        self.stream = XlsxStream(path)
        self.file = self.stream.file

    @property
    def sheet_list(self) -> list[Sheet]:
        return [Sheet(part.name, part) for part in self.stream.sheets]

    def rows(self, sheet: Sheet, max_col: int) -> Iterator[tuple[int, Row]]:
        return self.stream.rows(sheet.handle, max_col)  # type: ignore[arg-type]

    def estimate_rows(self, sheet: Sheet) -> int:
        return self.stream.estimate_rows(sheet.handle)  # type: ignore[arg-type]

    def close(self) -> None:
        self.stream.zip.close()


# -- xls (Excel 97–2003; WPS .et files in the same format) -------------------------------------

class XlsBook:
    """An Excel 97–2003 workbook read with xlrd, one sheet at a time."""

    def __init__(self, path: Path) -> None:
        self.file = path.name
        if path.stat().st_size > MAX_XLS_BYTES:
            raise DomainError(f"「{self.file}」是旧版 Excel（.xls）文件，有 {describe_size(path.stat().st_size)}，"
                              f"超过这种格式 {MAX_XLS_BYTES >> 20} MB 的上限。"
                              "请在 Excel 或 WPS 中“另存为” .xlsx 后再导入。")
        import xlrd  # only when an .xls comes in: start-up stays quick

        try:
            self.book = xlrd.open_workbook(str(path), on_demand=True, formatting_info=False,
                                           logfile=io.StringIO())
        except Exception:  # noqa: BLE001 - xlrd raises many kinds on a damaged file, all English
            raise self._unreadable(path) from None
        self._kinds = (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_TEXT, xlrd.XL_CELL_NUMBER,
                       xlrd.XL_CELL_DATE, xlrd.XL_CELL_BOOLEAN, xlrd.XL_CELL_ERROR)
        self._errors = xlrd.error_text_from_code

    def _unreadable(self, path: Path) -> DomainError:
        if path.suffix.lower() == ".et":
            return DomainError(f"「{self.file}」是 WPS 表格（.et）文件，本程序无法直接读取。"
                               "请在 WPS 中“另存为” Excel 工作簿（.xlsx）后再导入。")
        return DomainError(f"「{self.file}」看起来是旧版 Excel（.xls）文件，但已损坏或不是表格，无法读取。"
                           "请在 Excel 或 WPS 中打开后“另存为” .xlsx 再导入。")

    @property
    def sheet_list(self) -> list[Sheet]:
        return [Sheet(name, index) for index, name in enumerate(self.book.sheet_names())]

    def estimate_rows(self, sheet: Sheet) -> int:
        return 0  # known only once the sheet is loaded; progress then counts rows as read

    def rows(self, sheet: Sheet, max_col: int) -> Iterator[tuple[int, Row]]:
        try:
            ws = self.book.sheet_by_index(sheet.handle)
        except Exception:  # noqa: BLE001 - a damaged sheet record: xlrd's messages are English
            raise DomainError(f"「{self.file}」的工作表“{sheet.name}”已损坏，无法读取。"
                              "请在 Excel 或 WPS 中打开后“另存为” .xlsx 再导入。") from None
        try:
            for r in range(ws.nrows):
                width = min(ws.row_len(r), max_col)
                yield r + 1, [self._value(ws.cell_type(r, c), ws.cell_value(r, c))
                              for c in range(width)]
        finally:
            self.book.unload_sheet(sheet.handle)

    def _value(self, kind: int, value: object) -> object:
        empty, text, number, day, boolean, error = self._kinds
        if kind == empty:
            return None
        if kind == number or kind == day:  # dates stay numbers: no roster column holds one
            assert isinstance(value, float)
            return int(value) if value.is_integer() else value
        if kind == boolean:
            return bool(value)
        if kind == error:
            return self._errors.get(value, "#错误")  # type: ignore[arg-type]
        return value if kind == text else str(value)

    def close(self) -> None:
        self.book.release_resources()


# -- csv --------------------------------------------------------------------------------------

class CsvBook:
    """A CSV (or tab-separated) text file: one sheet named after the file.

    Excel saves “CSV UTF-8” with a BOM, plain “CSV” in the system code page (GBK on Chinese
    Windows), “Unicode 文本” as tab-separated UTF-16; all three are read."""

    def __init__(self, path: Path) -> None:
        self.file = path.name
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise DomainError(f"「{self.file}」有 {describe_size(size)}，超过文本名册 "
                              f"{MAX_CSV_BYTES >> 20} MB 的上限。请拆分后分批导入。")
        self.text = decode_text(self.file, path.read_bytes())
        self.name = path.stem or "CSV"

    @property
    def sheet_list(self) -> list[Sheet]:
        return [Sheet(self.name, None)]

    def estimate_rows(self, sheet: Sheet) -> int:
        return self.text.count("\n") + 1

    def rows(self, sheet: Sheet, max_col: int) -> Iterator[tuple[int, Row]]:
        first = self.text[:4096].split("\n", 1)[0]
        delimiter = max(",\t;，", key=first.count)
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=delimiter)
        try:
            for number, record in enumerate(reader, start=1):
                yield number, [value if value.strip() else None for value in record[:max_col]]
        except csv.Error:
            raise DomainError(f"「{self.file}」第 {reader.line_num} 行的引号不成对，无法读取。"
                              "请在 Excel 或 WPS 中打开检查后重新保存。") from None

    def close(self) -> None:
        self.text = ""


def decode_text(name: str, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(f"「{name}」的文字编码无法识别（既不是 UTF-8，也不是 GBK/GB18030）。"
                      "请在 Excel 或 WPS 中打开后“另存为” .xlsx 再导入。")


class Opened:
    """``with Opened(path) as book:`` — the book closed however the reading ends."""

    def __init__(self, path: Path) -> None:
        self.book = open_book(path)

    def __enter__(self) -> Book:
        return self.book

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.book.close()
