"""Placing columns by hand: the mapping step of the window and ``--map`` of the command.

A mapping is ``{header as the file writes it: field title or 不导入}``; it applies to that
header in every sheet of the file. The window remembers the mapping the clerk chose for a
layout (the sheets' header words in order) and offers it again for the next file laid out
the same way — the same town sends the same roster every year.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.errors import DomainError
from app.roster.headers import (COLUMNS, HEADER_SCAN_ROWS, IGNORE, NEEDED, WANTED, HeaderMatch,
                                SheetKind, field_for_title, field_title, find_header,
                                normalize_header)
from app.roster.reader import MAX_COLUMNS
from app.roster.sources import Opened
from app.roster.xlsx_stream import column_letter

SAMPLE_ROWS = 3
LAYOUT_FILE = "roster-layouts.json"
MAX_REMEMBERED = 50


def overrides_from(mapping: Mapping[str, str] | None) -> dict[str, str]:
    """The mapping keyed by normalised header, each target checked to be a field we know."""
    result: dict[str, str] = {}
    for header, target in (mapping or {}).items():
        key = normalize_header(header)
        if not key:
            raise DomainError(f"列对应“{header}={target}”缺少表头。")
        target = target.strip()
        if target != IGNORE and not any(field_for_title(k, target) for k in SheetKind):
            raise DomainError(f"列对应“{header}={target}”：“{target}”不是名册的字段。"
                              f"可以写：{'、'.join(all_titles())}，或“{IGNORE}”。")
        result[key] = target
    return result


def parse_map_options(options: Iterable[str]) -> dict[str, str]:
    """``["驻扎村居=驻点村（社区）", "其他=不导入"]`` → a mapping; a malformed one is refused."""
    mapping: dict[str, str] = {}
    for option in options:
        header, sep, target = option.partition("=")
        if not sep:
            header, sep, target = option.partition("＝")
        if not sep or not header.strip() or not target.strip():
            raise DomainError(f"--map “{option}”应写成“表头=字段”，例如 --map “驻扎村居=驻点村（社区）”。")
        mapping[header.strip()] = target.strip()
    overrides_from(mapping)
    return mapping


def all_titles() -> list[str]:
    return list(dict.fromkeys(c.title for cols in COLUMNS.values() for c in cols))


def kind_titles(kind: SheetKind) -> list[str]:
    return [c.title for c in COLUMNS[kind]]


@dataclass(frozen=True)
class ColumnChoice:
    index: int
    letter: str
    header: str
    choice: str  # the field title placed there, 不导入, or "" when nothing placed it
    samples: tuple[str, ...]


@dataclass(frozen=True)
class SheetLayout:
    name: str
    kind: SheetKind
    header_row: int
    columns: tuple[ColumnChoice, ...]
    missing: tuple[str, ...]  # titles of needed fields no column holds
    layout: tuple[str, ...]
    needed: tuple[str, ...] = ()  # titles of the fields this kind of sheet needs (or usually does)

    @property
    def unplaced(self) -> list[ColumnChoice]:
        return [c for c in self.columns if not c.choice]


def scan_layout(path: Path, mapping: Mapping[str, str] | None = None) -> list[SheetLayout]:
    """Each roster sheet's header with what each column would import as, and its first rows."""
    overrides = overrides_from(mapping)
    found: list[SheetLayout] = []
    with Opened(Path(path)) as book:
        for sheet in book.sheet_list:
            rows: list[list[object]] = [[] for _ in range(HEADER_SCAN_ROWS + 1 + SAMPLE_ROWS)]
            for number, cells in book.rows(sheet, MAX_COLUMNS):
                if number > len(rows):
                    break
                rows[number - 1] = cells
            header = find_header(rows, overrides)
            if header is not None:
                found.append(_layout(sheet.name, header, rows))
    return found


def _layout(name: str, header: HeaderMatch, rows: Sequence[Sequence[object]]) -> SheetLayout:
    placed = {i: field_title(header.kind, f) for f, (i, _t) in header.columns.items()}
    placed.update({i: IGNORE for i, _t in header.ignored})
    below = [r for r in rows[header.row:] if any(_text(v) for v in r)][:SAMPLE_ROWS]
    columns = tuple(
        ColumnChoice(i, column_letter(i + 1), text, placed.get(i, ""),
                     tuple(_text(r[i]) if i < len(r) else "" for r in below))
        for i, text in enumerate(header.headers) if text)
    missing = tuple(field_title(header.kind, f) for f in header.wanted)
    needed = tuple(field_title(header.kind, f)
                   for f in (*NEEDED[header.kind], *WANTED.get(header.kind, ())))
    return SheetLayout(name, header.kind, header.row, columns, missing, header.layout, needed)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())[:40]


def needs_mapping(layouts: Sequence[SheetLayout]) -> bool:
    """Whether the clerk should see the mapping step: a headed column nothing placed, or a
    needed field with no column."""
    return any(s.unplaced or s.missing for s in layouts)


# -- remembered layouts -------------------------------------------------------------------------

def layout_key(layouts: Sequence[SheetLayout]) -> str:
    return "\n".join("|".join(s.layout) for s in layouts)


class LayoutMemory:
    """Mappings the clerk chose, by layout, in a small JSON file beside the database's folder."""

    def __init__(self, folder: Path) -> None:
        self.file = Path(folder) / LAYOUT_FILE

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # none yet, or unreadable: the step simply starts from the guesses
        return {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}

    def recall(self, layouts: Sequence[SheetLayout]) -> dict[str, str]:
        return dict(self._load().get(layout_key(layouts), {}))

    def remember(self, layouts: Sequence[SheetLayout], mapping: Mapping[str, str]) -> None:
        data = self._load()
        key = layout_key(layouts)
        data.pop(key, None)
        data[key] = dict(mapping)
        while len(data) > MAX_REMEMBERED:
            data.pop(next(iter(data)))
        temporary = self.file.with_suffix(".tmp")
        try:
            temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(temporary, self.file)
        except OSError:
            temporary.unlink(missing_ok=True)  # a read-only folder: nothing remembered, nothing lost
