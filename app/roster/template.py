"""A blank roster to fill in: the four sheets' headers, drop-down lists, an example row each.

The example rows start with “示例：”, which the import skips, so a clerk who leaves one in
imports nothing made up.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from app.documents.xlsx import A4_LANDSCAPE, page_setup
from app.files import save_whole
from app.models import Gender, HouseholdKind, MemberRole, PersonCategory
from app.roster.headers import COLUMNS, SheetKind

EXAMPLE_MARK = "示例："
FILL_ROWS = 2000
_HEADER = Font(name="宋体", size=11, bold=True)
_EXAMPLE = Font(name="宋体", size=11, italic=True, color="808080")
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")

EXAMPLES: dict[SheetKind, dict[str, str]] = {
    SheetKind.TEAMS: {"team": f"{EXAMPLE_MARK}石岗村驻点团队", "communities": "石岗村",
                      "weekday": "周二", "hours": "15:00-18:30", "place": "石岗村委会二楼",
                      "hotline": "0750-6612345"},
    SheetKind.MEMBERS: {"team": f"{EXAMPLE_MARK}石岗村驻点团队", "community": "石岗村", "role": "责任人",
                        "title": "组长", "name": "陈志强", "gender": "男", "unit": "云溪镇党委",
                        "position": "副书记", "category": "镇领导", "mobile": "13800000001"},
    SheetKind.PEOPLE: {"name": f"{EXAMPLE_MARK}李明", "gender": "男", "unit": "云溪镇司法所",
                       "position": "所长", "category": "镇干部", "mobile": "13800000003"},
    SheetKind.HOUSEHOLDS: {"community": f"{EXAMPLE_MARK}石岗村", "grid": "第一网格",
                           "address": "石岗村五巷2号", "head_name": "张大山", "phones": "13900000001",
                           "size": "4", "kind": "居民户", "key_groups": "孤寡老人"},
}
# Drop-down lists: the labels the import reads without a second thought.
CHOICES: dict[str, list[str]] = {
    "gender": [g.label for g in Gender],
    "role": [r.label for r in MemberRole],
    "category": [c.label for c in PersonCategory],
    "kind": [k.label for k in HouseholdKind],
}
_NOTES = {
    "communities": "一个团队驻一到两个村（社区），用“、”隔开",
    "role": "责任人、团队成员、专职联络员、辅助团队成员、辅助团队联络员",
    "resident_id": "请把这一列设为“文本”，否则身份证号末几位会丢失",
    "key_groups": "可填多个，用“、”隔开",
}


def write_template(out: Path) -> Path:
    """The blank roster saved to ``out`` (.xlsx)."""
    book = Workbook()
    book.remove(book.active)
    for kind in (SheetKind.TEAMS, SheetKind.MEMBERS, SheetKind.PEOPLE, SheetKind.HOUSEHOLDS):
        _sheet(book.create_sheet(kind.value), kind)
    return save_whole(book, Path(out))


def _sheet(ws: Worksheet, kind: SheetKind) -> None:
    columns = COLUMNS[kind]
    example = EXAMPLES[kind]
    for col, column in enumerate(columns, start=1):
        head = ws.cell(row=1, column=col, value=column.title)
        head.font, head.fill = _HEADER, _HEAD_FILL
        head.alignment = Alignment(horizontal="center", vertical="center")
        if column.field in _NOTES:
            head.comment = Comment(_NOTES[column.field], "驻点直联工作台")
        cell = ws.cell(row=2, column=col, value=example.get(column.field) or None)
        cell.font = _EXAMPLE
        letter = head.column_letter
        ws.column_dimensions[letter].width = max(10, min(28, 2.2 * len(column.title) + 4))
        if column.field == "resident_id":
            for row in range(2, FILL_ROWS + 2):
                ws.cell(row=row, column=col).number_format = "@"
        if column.field in CHOICES:
            _choices(ws, letter, CHOICES[column.field])
    ws.freeze_panes = "A2"
    page_setup(ws, A4_LANDSCAPE)  # the kit's page set-up, as every export has
    ws.print_title_rows = "1:1"


def _choices(ws: Worksheet, letter: str, values: list[str]) -> None:
    rule = DataValidation(type="list", formula1=f'"{",".join(values)}"', allow_blank=True,
                          showErrorMessage=True, errorTitle="请从列表中选择",
                          error=f"可选：{'、'.join(values)}")
    rule.add(f"{letter}2:{letter}{FILL_ROWS + 1}")
    ws.add_data_validation(rule)
