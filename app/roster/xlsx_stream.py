"""A streaming xlsx reader on the standard library: sheet names, then each sheet's cell values.

openpyxl builds a cell object per cell and styles per workbook; for a 10,000-row roster that was
most of the import's time. Here the C parser (``iterparse`` / ``XMLPullParser``) walks each part
once and every row is cleared as soon as its values are taken, so memory stays nearly flat
however long the sheet is (see ``XlsxStream.rows``).

Values: shared / inline / formula strings as ``str`` (rich-text runs joined, phonetic runs left
out), numbers as ``int`` when integral else ``float`` (so 13812345678 stays a number, as Excel
stores it), booleans as ``bool``, error cells as their text (“#N/A”). Dates are not converted:
no roster column holds one. Call :func:`check_xlsx` before opening a file with this module.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from xml.etree.ElementTree import Element, ParseError, XMLPullParser, iterparse

from app.errors import DomainError

MAIN_NAMESPACES = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                   "http://purl.oclc.org/ooxml/spreadsheetml/main")  # transitional, strict
_REL_NAMESPACES = {
    MAIN_NAMESPACES[0]: "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    MAIN_NAMESPACES[1]: "http://purl.oclc.org/ooxml/officeDocument/relationships",
}
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
WORKBOOK = "xl/workbook.xml"
_READ_CHUNK = 1 << 16
MAX_STRINGS = 1_000_000  # ~60 MB as Python text; a 100,000-row roster has a few hundred thousand
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?[A-Z]*(\d+)\"")

Row = list[object]


@dataclass(frozen=True)
class SheetPart:
    name: str  # as the tab shows it
    part: str  # zip member, e.g. xl/worksheets/sheet1.xml


def column_index(letters: str) -> int:
    """1-based column number of “A”, “K”, “AB”…"""
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def column_letter(number: int) -> str:
    """“A” for 1, “AB” for 28: the letters Excel shows above a column."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class XlsxStream:
    """An open workbook: ``sheets`` in tab order, ``rows(sheet)`` streamed one at a time."""

    def __init__(self, path: Path) -> None:
        self.file = path.name
        self.zip = zipfile.ZipFile(path)
        self._names = {i.filename.lower(): i.filename for i in self.zip.infolist()}
        try:
            self.ns, self.sheets, strings_part = self._read_workbook()
            self.strings = self._read_strings(strings_part) if strings_part else []
        except BaseException:
            self.zip.close()
            raise
        self._tags = _Tags(self.ns)
        self._columns: dict[str, int] = {}

    def __enter__(self) -> XlsxStream:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.zip.close()

    # -- workbook, relationships, shared strings ------------------------------------------------
    def _member(self, part: str) -> str:
        """Zip names are case-sensitive but some writers disagree with their own rels on case."""
        found = self._names.get(part.lower())
        if found is None:
            raise self.damaged(f"缺少部件 {part}")
        return found

    def _read_workbook(self) -> tuple[str, list[SheetPart], str | None]:
        with self.zip.open(self._member(WORKBOOK)) as source:
            root = _parse_whole(self, source)
        ns = root.tag[1:].partition("}")[0]
        if ns not in MAIN_NAMESPACES:
            raise self.damaged("工作簿使用了无法识别的格式")
        targets, strings_part = self._read_rels(_REL_NAMESPACES[ns])
        rid = f"{{{_REL_NAMESPACES[ns]}}}id"
        sheets = [SheetPart(el.get("name", ""), targets[el.get(rid, "")])
                  for el in root.iter(f"{{{ns}}}sheet") if el.get(rid, "") in targets]
        return ns, sheets, strings_part

    def _read_rels(self, rel_ns: str) -> tuple[dict[str, str], str | None]:
        """Worksheet parts by relationship id (chartsheets are left out) and the shared strings part."""
        rels = "xl/_rels/workbook.xml.rels"
        if rels.lower() not in self._names:
            return {}, None
        with self.zip.open(self._member(rels)) as source:
            root = _parse_whole(self, source)
        sheets: dict[str, str] = {}
        strings: str | None = None
        for el in root.iter(_PACKAGE_RELS):
            kind = el.get("Type", "").rsplit("/", 1)[-1]
            target = el.get("Target", "")
            if el.get("TargetMode") == "External" or not target:
                continue
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(posixpath.dirname(WORKBOOK), target))
            if kind == "worksheet":
                sheets[el.get("Id", "")] = self._member(part)
            elif kind == "sharedStrings":
                strings = self._member(part)
        return sheets, strings

    def _read_strings(self, part: str) -> list[str]:
        si, t, r = (f"{{{self.ns}}}{name}" for name in ("si", "t", "r"))
        strings: list[str] = []
        parser = XMLPullParser(("end",))
        with self.zip.open(part) as source:
            try:
                while chunk := source.read(_READ_CHUNK):
                    parser.feed(chunk)
                    for _event, el in parser.read_events():
                        if el.tag == si:
                            strings.append(_text_of(el, t, r))
                            el.clear()
                    if len(strings) > MAX_STRINGS:
                        raise self.damaged(f"共享文本超过 {MAX_STRINGS:,} 条，不像一份名册")
                parser.close()
            except (ParseError, ValueError) as exc:  # ValueError: a multi-byte encoding
                raise self.damaged(f"共享文本{_parse_problem(exc)}") from None
        return strings

    # -- sheets ---------------------------------------------------------------------------------
    def estimate_rows(self, sheet: SheetPart) -> int:
        """The last row the sheet's <dimension> claims, for progress only (it may be wrong)."""
        with self.zip.open(sheet.part) as source:
            found = _DIMENSION.search(source.read(4096))
        return int(found.group(1)) if found else 0

    def rows(self, sheet: SheetPart, max_col: int) -> Iterator[tuple[int, Row]]:
        """(row number, values by column from A) for each row present; absent cells are None.

        Only end events: start events too (to reach <sheetData> and drop finished rows) made the
        read ~35% slower. So a cleared row stays behind as an empty element of ~80 bytes: 0.8 MB
        per 10,000 rows, at most ~16 MB at the reader's row limit, freed when the sheet is done."""
        row_tag = self._tags.row
        number = 0
        parser = XMLPullParser(("end",))
        with self.zip.open(sheet.part) as source:
            try:
                while chunk := source.read(_READ_CHUNK):
                    parser.feed(chunk)
                    for _event, el in parser.read_events():
                        if el.tag == row_tag:
                            number = int(el.get("r") or number + 1)
                            yield number, self._row(el, max_col, sheet, number)
                            el.clear()
                parser.close()
            except ParseError as exc:
                raise self.damaged(f"工作表“{sheet.name}”{_parse_problem(exc)}") from None
            except ValueError as exc:  # int() of a row number, or a multi-byte encoding
                if "encoding" in str(exc):
                    raise self.damaged(f"工作表“{sheet.name}”{_parse_problem(exc)}") from None
                raise self.damaged(f"工作表“{sheet.name}”第 {number} 行之后的行号无效") from None

    def _row(self, row: Element, max_col: int, sheet: SheetPart, number: int) -> Row:
        tags, columns = self._tags, self._columns
        values: Row = []
        for cell in row:
            ref = cell.get("r")
            if ref is None:
                index = len(values) + 1
            else:
                letters = ref.rstrip("0123456789")
                index = columns.get(letters) or self._column(letters)
            if index > max_col:
                continue
            kind = cell.get("t")
            if kind == "s":  # the common case first: Excel and WPS share every text
                text = cell.findtext(tags.v)
                value: object = None if text is None else self._shared(text, sheet, number, index)
            elif kind == "inlineStr":
                value = _inline(cell, tags)
            else:
                text = cell.findtext(tags.v)
                value = None if text is None else self._value(kind, text, sheet, number, index)
            if index == len(values) + 1:
                values.append(value)
            elif index > len(values):
                values.extend([None] * (index - len(values) - 1))
                values.append(value)
            else:
                values[index - 1] = value
        return values

    def _shared(self, text: str, sheet: SheetPart, number: int, index: int) -> str:
        try:
            position = int(text)
            if position < 0:  # Python would count from the end and read another cell's text
                raise IndexError(position)
            return self.strings[position]
        except (ValueError, IndexError):
            shown = text.strip() if text.strip().lstrip("-").isdigit() else "（编号无效）"
            raise self.damaged(f"工作表“{sheet.name}”{column_letter(index)}{number} "
                               f"引用了不存在的共享文本 {shown[:20]}") from None

    def _column(self, letters: str) -> int:
        index = column_index(letters)
        if not 1 <= index <= 16_384 or not letters.isascii() or not letters.isupper():
            raise self.damaged(f"单元格位置“{letters}”无效")
        self._columns[letters] = index
        return index

    def _value(self, kind: str | None, text: str, sheet: SheetPart, number: int, index: int
               ) -> object:
        if kind is None or kind == "n":
            try:
                return _number(text) if text.strip() else None
            except ValueError:
                raise self.damaged(f"工作表“{sheet.name}”{column_letter(index)}{number} "
                                   f"的数值“{text[:20]}”无效") from None
        if kind == "s":
            return self._shared(text, sheet, number, index)
        if kind == "str" or kind == "e":
            return _unescape(text)
        if kind == "b":
            return text.strip() in ("1", "true")
        return text  # "d" (ISO date text): no roster column holds a date

    def damaged(self, detail: str) -> DomainError:
        return DomainError(f"「{self.file}」无法作为 Excel 工作簿打开：{detail}。"
                           "请在 Excel 或 WPS 中打开后重新保存再导入。")


class _Tags:
    def __init__(self, ns: str) -> None:
        self.row, self.v, self.inline, self.t, self.r = (
            f"{{{ns}}}{name}" for name in ("row", "v", "is", "t", "r"))


def _parse_whole(stream: XlsxStream, source: object) -> Element:
    """Small parts (workbook, rels) are read whole: the last element to end is the root."""
    root: Element | None = None
    try:
        for _event, el in iterparse(source, ("end",)):  # type: ignore[arg-type]
            root = el
    except (ParseError, ValueError) as exc:
        raise stream.damaged(_parse_problem(exc)) from None
    if root is None:
        raise stream.damaged("部件为空")
    return root


def _inline(cell: Element, tags: _Tags) -> str | None:
    holder = cell.find(tags.inline)
    return None if holder is None else _text_of(holder, tags.t, tags.r)


def _text_of(holder: Element, t: str, r: str) -> str:
    """Plain <t>, or rich-text runs <r><t>…</t></r> joined; phonetic <rPh> runs are not text."""
    if len(holder) == 1 and holder[0].tag == t:  # plain text: by far the most common
        return _unescape(holder[0].text or "")
    parts = [child.text or "" for child in holder if child.tag == t]
    parts += [run.findtext(t) or "" for run in holder if run.tag == r]
    return _unescape("".join(parts))


def _unescape(text: str) -> str:
    """Excel writes control characters as _x000D_ (and a literal “_x” as _x005F_x).

    An escape naming half of a surrogate pair (_xD800_) is no character at all: dropped, as
    it could be neither stored nor printed. Control characters come back as written; the
    text cleaner at the door (``app.normalize``) removes them."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(_escaped_char, text)


def _escaped_char(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    return "" if 0xD800 <= code <= 0xDFFF else chr(code)


def _parse_problem(exc: ParseError | ValueError) -> str:
    """What is wrong with an XML part, in words a clerk can pass on (expat's are English)."""
    if "encoding" in str(exc):
        return "使用了本程序无法识别的文字编码（正常的 Excel 文件一律是 UTF-8）"
    line, column = getattr(exc, "position", (0, 0))
    return f"的 XML 内容有错（第 {line} 行第 {column} 个字符附近）"


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        pass
    value = float(text)  # "1.3812345678E10", "4.5"
    return int(value) if value.is_integer() else value
