"""The three kinds of roster sheet, their columns and the header words towns use for them.

A sheet is recognised by its header row, never by its name: towns rename sheets freely.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

HEADER_SCAN_ROWS = 15


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

    @property
    def accepted(self) -> tuple[str, ...]:
        return (self.title, *self.synonyms)


_TEAM = ("团队名称", "驻点团队", "团队", "驻点团队名称", "团队名")
_COMMUNITY = ("驻点村（社区）", "村（社区）", "社区", "村", "驻点社区", "驻点村", "村(居)", "所属社区",
              "所属村（社区）", "驻点村居")
_ID = ("身份证号", "身份证号码", "公民身份号码", "身份证")
_PERSON = (
    Column("name", "姓名", ("名字", "人员姓名")),
    Column("gender", "性别", ()),
    Column("unit", "单位", ("工作单位", "所在单位")),
    Column("position", "职务", ("现任职务", "职务（职称）")),
    Column("category", "人员类别", ("类别", "人员类型")),
    # Order matters: mobile takes the best phone column, the landline the next one.
    Column("mobile", "手机", ("手机号码", "手机号", "移动电话", "联系电话", "电话", "联系方式")),
    Column("landline", "固定电话", ("座机", "办公电话", "固话", "联系电话", "电话")),
    Column("resident_id", "身份证号", _ID[1:]),
    Column("note", "备注", ()),
)

COLUMNS: dict[SheetKind, tuple[Column, ...]] = {
    SheetKind.TEAMS: (
        Column("team", "团队名称", _TEAM[1:]),
        Column("communities", "驻点村（社区）", _COMMUNITY[1:]),
        Column("weekday", "驻点日", ("驻点星期", "驻点日期", "固定驻点日")),
        Column("hours", "驻点时间", ("驻点时段", "固定驻点时间")),
        Column("place", "驻点地点", ("地点", "固定驻点地点", "驻点场所")),
        Column("hotline", "服务热线", ("热线", "热线电话", "联系电话")),
        Column("note", "备注", ()),
    ),
    SheetKind.MEMBERS: (
        Column("team", "驻点团队", ("团队", "团队名称", "所属团队")),
        Column("community", "驻点村（社区）", _COMMUNITY[1:]),
        Column("role", "团队角色", ("角色", "团队身份", "身份")),
        Column("title", "团队职务", ("团队内职务", "分工")),
        *_PERSON,
    ),
    SheetKind.HOUSEHOLDS: (
        Column("community", "村（社区）", _COMMUNITY),
        Column("grid", "网格", ("所属网格", "网格名称", "居民小组", "村民小组")),
        Column("address", "门牌地址", ("地址", "住址", "门牌号", "家庭住址")),
        Column("head_name", "户主姓名", ("户主", "姓名")),
        Column("phones", "联系电话", ("电话", "手机", "手机号码", "联系方式")),
        Column("size", "家庭人口", ("人口", "家庭人数", "人数")),
        Column("kind", "户别", ("类型", "户类型", "住户类别")),
        Column("key_groups", "重点人群", ("重点人群类别", "重点对象")),
        Column("resident_id", "户主身份证号", ("户主身份证号码", *_ID)),
        Column("note", "备注", ()),
    ),
    SheetKind.PEOPLE: _PERSON,
}

# Fields without which a header row is not one of that kind.
REQUIRED: dict[SheetKind, tuple[str, ...]] = {
    SheetKind.TEAMS: ("team", "communities"),
    SheetKind.MEMBERS: ("team", "name"),
    SheetKind.HOUSEHOLDS: ("community", "address", "head_name"),
    SheetKind.PEOPLE: ("name",),
}
# Fields only this kind has, so a members sheet is not mistaken for a teams sheet.
DISTINCT: dict[SheetKind, tuple[str, ...]] = {
    SheetKind.TEAMS: ("weekday", "hours", "place"),
    SheetKind.MEMBERS: ("role", "name"),
    SheetKind.HOUSEHOLDS: ("address", "head_name"),
    SheetKind.PEOPLE: ("mobile", "landline", "unit", "position", "category", "gender", "resident_id"),
}
# Fields of other kinds whose header means the row is not this kind: a sheet with a team or an
# address column is a members or households sheet, never a plain person list. (户主姓名's synonym
# 姓名 is the person list's own name column, so it cannot be one of these.)
EXCLUDED: dict[SheetKind, tuple[tuple[SheetKind, str], ...]] = {
    SheetKind.PEOPLE: ((SheetKind.MEMBERS, "team"), (SheetKind.MEMBERS, "community"),
                       (SheetKind.MEMBERS, "role"), (SheetKind.MEMBERS, "title"),
                       (SheetKind.HOUSEHOLDS, "address"), (SheetKind.HOUSEHOLDS, "grid"),
                       (SheetKind.HOUSEHOLDS, "key_groups"),
                       (SheetKind.TEAMS, "weekday"), (SheetKind.TEAMS, "hours")),
}

_NOISE = re.compile(r"[\s*＊:：]")


def normalize_header(value: object) -> str:
    """Full-width brackets and digits folded, spaces, stars and colons dropped."""
    if value is None:
        return ""
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(value)))


_ACCEPTED = {kind: [(c.field, [normalize_header(w) for w in c.accepted]) for c in cols]
             for kind, cols in COLUMNS.items()}
_EXCLUDED_WORDS = {kind: {w for other, f in pairs for field, words in _ACCEPTED[other]
                          if field == f for w in words}
                   for kind, pairs in EXCLUDED.items()}


@dataclass(frozen=True)
class HeaderMatch:
    """Where each field sits: 0-based column index and the header text as the file writes it."""

    kind: SheetKind
    row: int
    columns: dict[str, tuple[int, str]]

    @property
    def score(self) -> int:
        return len(self.columns)


def match_row(kind: SheetKind, row_number: int, cells: Sequence[object]) -> HeaderMatch | None:
    headers = [normalize_header(v) for v in cells]
    if any(text in _EXCLUDED_WORDS.get(kind, ()) for text in headers):
        return None
    taken: set[int] = set()
    columns: dict[str, tuple[int, str]] = {}
    for field, words in _ACCEPTED[kind]:
        best: tuple[int, int] | None = None  # (synonym rank, column index)
        for index, text in enumerate(headers):
            if text and index not in taken and text in words:
                rank = words.index(text)
                if best is None or rank < best[0]:
                    best = (rank, index)
        if best is not None:
            taken.add(best[1])
            columns[field] = (best[1], str(cells[best[1]]).strip())
    if not all(f in columns for f in REQUIRED[kind]) or not any(f in columns for f in DISTINCT[kind]):
        return None
    return HeaderMatch(kind, row_number, columns)


def find_header(rows: Sequence[Sequence[object]]) -> HeaderMatch | None:
    """The row (1-based) among the first few matching the most known headers of any kind."""
    best: HeaderMatch | None = None
    for number, cells in enumerate(rows[:HEADER_SCAN_ROWS], start=1):
        for kind in SheetKind:
            found = match_row(kind, number, cells)
            if found and (best is None or _beats(found, best)):
                best = found
    return best


def _beats(a: HeaderMatch, b: HeaderMatch) -> bool:
    distinct_a = sum(f in a.columns for f in DISTINCT[a.kind])
    distinct_b = sum(f in b.columns for f in DISTINCT[b.kind])
    return (a.score + distinct_a, -a.row) > (b.score + distinct_b, -b.row)
