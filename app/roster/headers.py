"""Finding a roster sheet's header and placing each of its columns.

A sheet is recognised by its header row, never by its name: towns rename sheets freely. The
words towns use for each field are data (``app.roster.words``); this module only applies them:

1. a header the user placed (the mapping step, ``--map``) goes where the user said;
2. an exact word of the field (姓名, 手机号码 …), after folding widths, brackets and spaces;
3. the same with a bracketed note removed (手机（必填） → 手机);
4. a key word inside a short header (所属驻点村居 → 村, 办公室电话 → 办公电话).

Each column takes at most one field and each field one column; better tiers win, then the
more specific word. A header may span two rows, a group title (联系方式) over its parts
(手机 / 办公电话): where the second row holds only header words, each column's header is its
lower cell, or the upper one where the lower is blank (a cell merged down).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.roster import words

HEADER_SCAN_ROWS = 15
MAX_HEADER_CHARS = 16  # longer cells are titles or notes, never a column header
IGNORE = "不导入"


class SheetKind(enum.Enum):
    TEAMS = "驻点团队"
    MEMBERS = "团队人员"
    HOUSEHOLDS = "住户"
    PEOPLE = "人员名册"  # people on the roster who are in no team: the person columns only


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the field code, the header we write, and the words we accept."""

    field: str
    title: str
    synonyms: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @property
    def accepted(self) -> tuple[str, ...]:
        return (self.title, *self.synonyms)


COLUMNS: dict[SheetKind, tuple[Column, ...]] = {
    kind: tuple(Column(f, title, tuple(syn), tuple(keys)) for f, title, syn, keys in spec)
    for kind, spec in ((SheetKind.TEAMS, words.TEAM_COLUMNS),
                       (SheetKind.MEMBERS, words.MEMBER_COLUMNS),
                       (SheetKind.HOUSEHOLDS, words.HOUSEHOLD_COLUMNS),
                       (SheetKind.PEOPLE, words.PERSON_COLUMNS))}

# Fields that identify a kind: all of the first, and at least one of the second.
IDENTIFY: dict[SheetKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    SheetKind.TEAMS: (("team",), ("weekday", "hours", "place", "hotline")),
    SheetKind.MEMBERS: (("name",), ("team", "role")),
    SheetKind.HOUSEHOLDS: (("address",), ("head_name", "community", "phones", "size")),
    SheetKind.PEOPLE: (("name",), ("mobile", "landline", "unit", "position", "category", "gender",
                                   "resident_id")),
}
# Fields without which no row of that kind can be imported: a sheet missing one is reported
# once, naming the columns that could not be placed, never row by row.
NEEDED: dict[SheetKind, tuple[str, ...]] = {
    SheetKind.TEAMS: ("team", "communities"),
    SheetKind.MEMBERS: ("team", "role", "name"),
    SheetKind.HOUSEHOLDS: ("community", "address", "head_name"),
    SheetKind.PEOPLE: ("name",),
}
# Fields a sheet usually needs, though not always (a team already known needs no community):
# the mapping step asks for them; the import says so only where a row needs one.
WANTED: dict[SheetKind, tuple[str, ...]] = {SheetKind.MEMBERS: ("community",)}
# Fields of other kinds whose header means the row is not this kind: a sheet with a team or an
# address column is a members or households sheet, never a plain person list. (户主姓名's
# synonym 姓名 is the person list's own name column, so head_name cannot be one of these.)
EXCLUDED: dict[SheetKind, tuple[str, ...]] = {
    SheetKind.PEOPLE: ("team", "community", "communities", "role", "title", "address", "grid",
                       "key_groups", "weekday", "hours"),
}

_NOISE = re.compile(r"[\s*＊:：_\-—·.。、]")
_BRACKETED = re.compile(r"[(\[{【〔<《][^)\]}】〕>》]*[)\]}】〕>》]")


def normalize_header(value: object) -> str:
    """Widths folded (（）→ ()), spaces, stars, colons and dashes dropped: “姓  名：” → “姓名”."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _NOISE.sub("", text.replace("〔", "(").replace("〕", ")").replace("【", "(")
                      .replace("】", ")"))


def without_note(text: str) -> str:
    """“手机(必填)” → “手机”; a header that is only a bracket stays as it is."""
    stripped = _BRACKETED.sub("", text)
    return stripped or text


@dataclass(frozen=True)
class _Rules:
    exact: dict[str, tuple[str, int]]      # normalised word -> (field, rank)
    keywords: list[tuple[str, str]]        # (key word, field), longest first
    titles: dict[str, str]                 # normalised title or synonym -> field


def _rules(kind: SheetKind) -> _Rules:
    exact: dict[str, tuple[str, int]] = {}
    keys: list[tuple[str, str]] = []
    for column in COLUMNS[kind]:
        for rank, word in enumerate(column.accepted):
            exact.setdefault(normalize_header(word), (column.field, rank))
        keys += [(normalize_header(k), column.field) for k in column.keywords]
    keys.sort(key=lambda pair: -len(pair[0]))
    return _Rules(exact, keys, {w: f for w, (f, _r) in exact.items()})


RULES = {kind: _rules(kind) for kind in SheetKind}
_SKIPPED = {normalize_header(w) for w in words.SKIPPED_HEADERS}


def field_for_title(kind: SheetKind, title: str) -> str | None:
    """The field of ``kind`` a user's word names (its title or any synonym), or None."""
    found = RULES[kind].exact.get(normalize_header(title))
    return found[0] if found else None


def field_title(kind: SheetKind, field_name: str) -> str:
    return next((c.title for c in COLUMNS[kind] if c.field == field_name), field_name)


def _candidates(kind: SheetKind, text: str, overrides: Mapping[str, str]
                ) -> list[tuple[tuple[int, int], str]]:
    """(tier, rank) and field for each way ``text`` could be a header of ``kind``."""
    rules = RULES[kind]
    if text in overrides:
        target = overrides[text]
        if target == IGNORE:
            return [((0, 0), IGNORE)]
        placed = field_for_title(kind, target)
        return [((0, 0), placed)] if placed else []
    found: list[tuple[tuple[int, int], str]] = []
    if text in rules.exact:
        f, rank = rules.exact[text]
        found.append(((1, rank), f))
    bare = without_note(text)
    if bare != text and bare in rules.exact:
        f, rank = rules.exact[bare]
        found.append(((2, rank), f))
    if len(bare) <= MAX_HEADER_CHARS:
        found += [((3, -len(key)), f) for key, f in rules.keywords if key in bare]
    return found


@dataclass(frozen=True)
class HeaderMatch:
    """Where each field sits (0-based column index, header text as the file writes it), and
    every other headed column: those no rule placed and those the user chose not to import."""

    kind: SheetKind
    row: int  # the header's last row (1-based); data starts below it
    columns: dict[str, tuple[int, str]]
    unplaced: tuple[tuple[int, str], ...] = ()
    ignored: tuple[tuple[int, str], ...] = ()
    headers: tuple[str, ...] = ()  # every column's header text, as the file writes it
    first_row: int = 0

    @property
    def score(self) -> int:
        return len(self.columns)

    @property
    def missing(self) -> tuple[str, ...]:
        """Needed fields with no column."""
        return tuple(f for f in NEEDED[self.kind] if f not in self.columns)

    @property
    def wanted(self) -> tuple[str, ...]:
        """Needed and usually needed fields with no column: what the mapping step asks for."""
        return self.missing + tuple(f for f in WANTED.get(self.kind, ()) if f not in self.columns)

    @property
    def layout(self) -> tuple[str, ...]:
        """The header words in order: files with the same layout share it."""
        return tuple(normalize_header(h) for h in self.headers)


def match_row(kind: SheetKind, row_number: int, cells: Sequence[object],
              overrides: Mapping[str, str] | None = None, first_row: int = 0
              ) -> HeaderMatch | None:
    overrides = overrides or {}
    headers = [normalize_header(v) for v in cells]
    excluded = EXCLUDED.get(kind, ())
    if excluded and any(_placed_elsewhere(text, excluded, overrides) for text in headers if text):
        return None
    options = sorted((rank, f, index) for index, text in enumerate(headers) if text
                     for rank, f in _candidates(kind, text, overrides))
    columns: dict[str, tuple[int, str]] = {}
    taken: set[int] = set()
    ignored: list[tuple[int, str]] = []
    for _rank, f, index in options:
        if index in taken or (f != IGNORE and f in columns):
            continue
        taken.add(index)
        if f == IGNORE:
            ignored.append((index, _shown(cells[index])))
        else:
            columns[f] = (index, _shown(cells[index]))
    required, any_of = IDENTIFY[kind]
    if not all(f in columns for f in required) or not any(f in columns for f in any_of):
        return None
    unplaced = tuple((i, _shown(cells[i])) for i, text in enumerate(headers)
                     if text and i not in taken and text not in _SKIPPED)
    return HeaderMatch(kind, row_number, columns, unplaced, tuple(sorted(ignored)),
                       tuple(_shown(c) for c in cells), first_row or row_number)


def _placed_elsewhere(text: str, fields: tuple[str, ...], overrides: Mapping[str, str]) -> bool:
    """Whether a header names one of ``fields`` in any kind (a team column, an address …)."""
    if text in overrides:
        target = overrides[text]
        return any(field_for_title(k, target) in fields for k in SheetKind)
    return any(RULES[k].exact.get(text, ("", 0))[0] in fields
               for k in (SheetKind.TEAMS, SheetKind.MEMBERS, SheetKind.HOUSEHOLDS))


def _shown(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def is_header_word(text: str) -> bool:
    """Whether a cell reads as a column header of some kind (for a header's second row)."""
    key = normalize_header(text)
    if not key or any(c.isdigit() for c in key):  # 石岗村1号 is an address, not a header
        return False
    return any(_candidates(kind, key, {}) for kind in SheetKind)


def two_row_cells(top: Sequence[object], below: Sequence[object]) -> list[object] | None:
    """Each column's header across two rows, or None if ``below`` is not all header words."""
    filled = [v for v in below if v is not None and str(v).strip()]
    if not filled or not all(isinstance(v, str) and is_header_word(v) for v in filled):
        return None
    width = max(len(top), len(below))
    cells: list[object] = []
    for i in range(width):
        lower = below[i] if i < len(below) else None
        upper = top[i] if i < len(top) else None
        cells.append(lower if lower is not None and str(lower).strip() else upper)
    return cells


@dataclass
class HeaderSearch:
    """The best header among the first rows of a sheet, for every kind, with the user's
    placements applied."""

    overrides: Mapping[str, str] = field(default_factory=dict)

    def find(self, rows: Sequence[Sequence[object]]) -> HeaderMatch | None:
        best: HeaderMatch | None = None
        window = list(rows[:HEADER_SCAN_ROWS + 1])
        for number, cells in enumerate(window[:HEADER_SCAN_ROWS], start=1):
            tries = [(number, cells, number)]
            if number < len(window):
                joined = two_row_cells(cells, window[number])
                if joined is not None:
                    tries.append((number + 1, joined, number))
            for last, header_cells, first in tries:
                for kind in SheetKind:
                    found = match_row(kind, last, header_cells, self.overrides, first)
                    if found and (best is None or _beats(found, best)):
                        best = found
        return best


def find_header(rows: Sequence[Sequence[object]],
                overrides: Mapping[str, str] | None = None) -> HeaderMatch | None:
    """The header (1-based last row) among the first rows matching the most known fields."""
    return HeaderSearch(overrides or {}).find(rows)


def _beats(a: HeaderMatch, b: HeaderMatch) -> bool:
    def weight(m: HeaderMatch) -> tuple[int, int, int]:
        _required, any_of = IDENTIFY[m.kind]
        distinct = sum(f in m.columns for f in any_of)
        return (m.score + distinct - len(m.missing), -len(m.unplaced), -m.first_row)
    return weight(a) > weight(b)
