"""Turning raw rows into checked records, each bad cell reported where Excel shows it.

The normalisation is the same as the window's (``app.normalize``), so a number accepted here is
stored exactly as the person form would store it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import TypeVar

from app.errors import ValidationError
from app.models import Gender, HouseholdKind, MemberRole, PersonCategory
from app.normalize import (Phones, clean_name, clean_text, normalize_phone, normalize_phones,
                           normalize_resident_id)
from app.roster import words
from app.roster.headers import normalize_header
from app.roster.problems import RowProblem
from app.roster.reader import SheetData, SourceRow

T = TypeVar("T")
_WEEKDAY_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天1-7])")
_TIME = re.compile(r"(\d{1,2})\s*[:.点]\s*(\d{2})")
_NAMES_SPLIT = re.compile(r"[、，,；;/]+")
_WEEKDAY_ALONE = re.compile(r"([一二三四五六日天1-7])")
_SIZE = re.compile(r"(\d+)\s*(?:人|口)?")
# from_label scans every member; a roster repeats a handful of labels thousands of times.
_LABEL_CACHE: dict[tuple[type, str], object] = {}
_LABEL_CACHE_LIMIT = 2_000
DEFAULT_CATEGORY = {MemberRole.LEADER: PersonCategory.TOWN_LEADER,
                    MemberRole.CORE: PersonCategory.TOWN_CADRE,
                    MemberRole.TOWN_LIAISON: PersonCategory.TOWN_CADRE,
                    MemberRole.COMMUNITY_LIAISON: PersonCategory.COMMITTEE_MEMBER}


class Problems:
    """Collects problems and remembers which rows are invalid."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[RowProblem] = []
        self.bad_rows: set[tuple[str, int]] = set()

    def add(self, sheet: SheetData, row: int, field_name: str, reason: str) -> None:
        letter, header = sheet.column(field_name) if field_name else ("", "")
        self.items.append(RowProblem(self.file, sheet.name, row, letter, header, reason))
        self.bad_rows.add((sheet.name, row))

    def mark_bad(self, sheet: SheetData, row: int) -> None:
        """A row that cannot be imported for a reason already reported elsewhere (once)."""
        self.bad_rows.add((sheet.name, row))

    def missing_columns(self, sheet: SheetData) -> bool:
        """One problem for a sheet lacking a needed column, every row of it left out."""
        missing = sheet.header.missing
        if not missing:
            return False
        titles = "、".join(f"“{sheet.column(f)[1]}”" for f in missing)
        self.items.append(RowProblem(
            self.file, sheet.name, 0, "", "",
            f"没有找到{titles}列，这个工作表的 {len(sheet.rows)} 行都没有导入。"
            f"未能识别的列：{sheet.unplaced_text()}。请指定哪一列是{titles}"
            "（导入窗口的“列对应”一步；命令行用 --map “表头=字段”）。"))
        for row in sheet.rows:
            self.bad_rows.add((sheet.name, row.number))
        return True

    def is_bad(self, sheet: SheetData, row: int) -> bool:
        return (sheet.name, row) in self.bad_rows


class RowReader:
    """Reads one row's cells, recording a problem for each cell that does not parse."""

    def __init__(self, problems: Problems, sheet: SheetData, row: SourceRow) -> None:
        self.problems, self.sheet, self.row = problems, sheet, row
        self.ok = True

    def fail(self, field_name: str, reason: str) -> None:
        self.ok = False
        self.problems.add(self.sheet, self.row.number, field_name, reason)

    def raw(self, field_name: str) -> object:
        return self.row.values.get(field_name)

    def text(self, field_name: str, label: str, limit: int, required: bool = False,
             clean: Callable[[object], str] = clean_text) -> str:
        value = self.raw(field_name)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = clean(value)
        if required and not text:
            self.fail(field_name, f"请填写{label}")
        elif len(text) > limit:
            self.fail(field_name, f"{label}最多 {limit} 个字（现在 {len(text)} 个）")
        return text

    def parse(self, field_name: str, parser: Callable[[object], T], default: T) -> T:
        try:
            return parser(self.raw(field_name))
        except ValidationError as exc:
            self.fail(field_name, exc.message)
            return default

    def phones(self, field_name: str) -> Phones:
        return self.parse(field_name, parse_phones, Phones())

    def resident_id(self, field_name: str) -> str | None:
        """A masked ID (our own export writes 440102********1234) is simply not read."""
        value = self.raw(field_name)
        if isinstance(value, str) and "*" in value:
            return None
        return self.parse(field_name, normalize_resident_id, None)

    def label(self, field_name: str, enum_cls: type[T], what: str, default: T) -> T:
        text = clean_text(self.raw(field_name))
        if not text:
            return default
        found = _from_label(enum_cls, text)
        if found is None:
            choices = "、".join(m.label for m in enum_cls)  # type: ignore[attr-defined]
            self.fail(field_name, f"{what}“{text}”无法识别，应为：{choices}")
            return default
        return found


# Coded values in the words towns use (app.roster.words), compared as headers are: widths,
# brackets and spaces folded, so “村(社区)联络员” and “村（社区） 联络员” are one word.
_VALUE_WORDS: dict[type, dict[str, object]] = {
    MemberRole: {normalize_header(w): MemberRole(code)
                 for code, ws in words.ROLE_WORDS.items() for w in ws},
    Gender: {normalize_header(w): Gender(code) for code, ws in words.GENDER_WORDS.items() for w in ws},
}


def _from_label(enum_cls: type[T], text: str) -> T | None:
    key = (enum_cls, text)
    if key not in _LABEL_CACHE:
        found = enum_cls.from_label(text)  # type: ignore[attr-defined]
        if found is None and enum_cls in _VALUE_WORDS:
            found = _VALUE_WORDS[enum_cls].get(normalize_header(text).upper()
                                               if enum_cls is Gender else normalize_header(text))
        if len(_LABEL_CACHE) >= _LABEL_CACHE_LIMIT:
            return found  # type: ignore[no-any-return]
        _LABEL_CACHE[key] = found
    return _LABEL_CACHE[key]  # type: ignore[return-value]


@dataclass
class TeamRecord:
    sheet: SheetData
    row: int
    name: str
    communities: list[str]
    weekday: int | None
    start: time | None
    end: time | None
    place: str
    hotline: str
    note: str


@dataclass
class MemberRecord:
    sheet: SheetData
    row: int
    team: str
    community: str
    role: MemberRole | None
    title: str
    name: str
    gender: Gender | None
    unit: str
    position: str
    category: PersonCategory
    mobile: str
    landline: str
    resident_id: str | None
    note: str


@dataclass
class HouseholdRecord:
    sheet: SheetData
    row: int
    community: str
    grid: str
    address: str
    head_name: str
    mobile: str
    landline: str
    size: int
    kind: HouseholdKind
    key_groups: list[str] = field(default_factory=list)
    resident_id: str | None = None
    note: str = ""


def parse_phones(value: object) -> Phones:
    """The whole cell as one number first: “138 0000 0014” is one mobile, not two numbers."""
    try:
        single = normalize_phone(value)
    except ValidationError:
        return normalize_phones(value)
    return Phones(landline=single) if "-" in single else Phones(mobile=single)


def split_names(text: str) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in _NAMES_SPLIT.split(text) if n.strip()))


def parse_weekday(value: object) -> int | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= int(value) <= 7:
            return int(value)
        raise ValidationError(f"驻点日“{value}”应为 1—7 或 周一—周日")
    text = clean_text(value)
    if not text:
        return None
    found = _WEEKDAY.search(text) or _WEEKDAY_ALONE.fullmatch(text)
    if not found:
        raise ValidationError(f"驻点日“{text}”无法识别，应写成“周二”“星期二”或 2")
    day = found.group(1)
    return int(day) if day.isdigit() else _WEEKDAY_WORDS[day]


def parse_hours(value: object) -> tuple[time, time] | None:
    text = clean_text(value)
    if not text:
        return None
    found = _TIME.findall(text)
    if len(found) != 2:
        raise ValidationError(f"驻点时间“{text}”无法识别，应写成“15:00-18:30”")
    try:
        start, end = (time(int(h), int(m)) for h, m in found)
    except ValueError:
        raise ValidationError(f"驻点时间“{text}”中的时刻不存在") from None
    if end <= start:
        raise ValidationError(f"驻点时间“{text}”的结束时间应晚于开始时间")
    return start, end


def parse_size(value: object) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1
    if isinstance(value, (int, float)) and not isinstance(value, (bool, datetime)):
        number = float(value)
    else:
        digits = _SIZE.fullmatch(clean_text(value))
        if not digits:
            raise ValidationError(f"家庭人口“{clean_text(value)}”应为数字")
        number = float(digits.group(1))
    if not number.is_integer() or not 1 <= number <= 99:
        raise ValidationError(f"家庭人口“{value}”应在 1 到 99 之间")
    return int(number)


def read_team(problems: Problems, sheet: SheetData, row: SourceRow) -> TeamRecord | None:
    r = RowReader(problems, sheet, row)
    name = r.text("team", "团队名称", 60, required=True)
    communities = split_names(r.text("communities", "驻点村（社区）", 200, required=True))
    for community in communities:
        if len(community) > 60:
            r.fail("communities", f"村（社区）名称“{community}”超过 60 个字")
    weekday = r.parse("weekday", parse_weekday, None)
    hours = r.parse("hours", parse_hours, None)
    if weekday is None and "weekday" not in sheet.header.columns:
        weekday = parse_weekday_in(r.raw("hours"))
    record = TeamRecord(sheet, row.number, name, communities, weekday,
                        hours[0] if hours else None, hours[1] if hours else None,
                        r.text("place", "驻点地点", 120), r.text("hotline", "服务热线", 40),
                        r.text("note", "备注", 500))
    return record if r.ok else None


def parse_weekday_in(value: object) -> int | None:
    """Some towns write “每周二 15:00-18:30” in one column."""
    found = _WEEKDAY.search(clean_text(value))
    return _WEEKDAY_WORDS.get(found.group(1)) or int(found.group(1)) if found else None


def read_member(problems: Problems, sheet: SheetData, row: SourceRow) -> MemberRecord | None:
    """A team member's row, or (no team and no role) a person on the roster who is in no team."""
    r = RowReader(problems, sheet, row)
    team = r.text("team", "驻点团队", 60)
    role = r.label("role", MemberRole, "团队角色", None)
    if r.ok:
        _check_team_and_role(r, team, role)
    mobile = r.phones("mobile")
    landline = r.phones("landline") if "landline" in sheet.header.columns else Phones()
    category = r.label("category", PersonCategory, "人员类别",
                       DEFAULT_CATEGORY.get(role, PersonCategory.OTHER) if role else PersonCategory.OTHER)
    record = MemberRecord(
        sheet, row.number, team, r.text("community", "驻点村（社区）", 200), role,
        r.text("title", "团队职务", 40), r.text("name", "姓名", 40, required=True, clean=clean_name),
        r.label("gender", Gender, "性别", None), r.text("unit", "单位", 80),
        r.text("position", "职务", 80), category,
        mobile.mobile or landline.mobile, landline.landline or mobile.landline,
        r.resident_id("resident_id"), r.text("note", "备注", 500))
    return record if r.ok else None


def _check_team_and_role(r: RowReader, team: str, role: MemberRole | None) -> None:
    """Both or neither: a team without a role, or a role without a team, is a mistake."""
    if team and role is None:
        if "team" in r.row.filled:
            r.fail("role", f"团队角色为空，驻点团队沿用了上方的“{team}”。如果此人是该团队成员，请填写"
                           "团队角色；如果此人不在任何团队，请把这一行移到“人员名册”工作表")
        else:
            r.fail("role", "请填写团队角色（责任人、团队成员、专职联络员、辅助团队成员或辅助团队联络员）；"
                           "不在任何团队的人员请把驻点团队也留空")
    elif role is not None and not team:
        r.fail("team", f"团队角色是“{role.label}”，但没有填写驻点团队；不在任何团队的人员请把团队角色也留空")


def read_household(problems: Problems, sheet: SheetData, row: SourceRow) -> HouseholdRecord | None:
    r = RowReader(problems, sheet, row)
    phones = r.phones("phones")
    record = HouseholdRecord(
        sheet, row.number, r.text("community", "村（社区）", 60, required=True),
        r.text("grid", "网格", 60), r.text("address", "门牌地址", 120, required=True),
        r.text("head_name", "户主姓名", 60, required=True, clean=clean_name),
        phones.mobile, phones.landline, r.parse("size", parse_size, 1),
        r.label("kind", HouseholdKind, "户别", HouseholdKind.RESIDENT),
        split_names(r.text("key_groups", "重点人群", 300)), r.resident_id("resident_id"),
        r.text("note", "备注", 500))
    return record if r.ok else None
