"""Test workbooks built with openpyxl, the way towns make them (no binary fixtures in git)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

TEAM_HEADER = ["团队名称", "驻点村（社区）", "驻点日", "驻点时间", "驻点地点", "服务热线", "备注"]
MEMBER_HEADER = ["驻点团队", "驻点村（社区）", "团队角色", "团队职务", "姓名", "性别", "单位", "职务",
                 "人员类别", "手机", "固定电话", "身份证号", "备注"]
HOUSEHOLD_HEADER = ["村（社区）", "网格", "门牌地址", "户主姓名", "联系电话", "家庭人口", "户别",
                    "重点人群", "户主身份证号", "备注"]



def resident_id(first17: str) -> str:
    """Append the GB 11643 check character, computed independently of app.normalize."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


ID_CHEN = "11010519491231002X"  # the standard's own example
ID_LI = resident_id("44078119800101123")

Rows = Sequence[Sequence[object]]


def write_book(path: Path, sheets: dict[str, Rows]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for number, row in enumerate(rows, start=1):
            for col, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=number, column=col, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text typed in Excel, never a formula
    book.save(path)
    return path


def member(team: str, community: str, role: str, name: str, mobile: object = "",
           *, title: str = "", gender: str = "", unit: str = "云溪镇", position: str = "",
           category: str = "", landline: str = "", rid: object = "", note: str = "") -> list[object]:
    return [team, community, role, title, name, gender, unit, position, category, mobile,
            landline, rid, note]


def good_rows() -> dict[str, Rows]:
    return {
        "驻点团队": [TEAM_HEADER,
                 ["石岗村驻点团队", "石岗村", "周二", "15:00-18:30", "石岗村委会二楼", "0750-6612345", ""],
                 ["新围社区驻点团队", "新围社区、龙溪联社", "星期三", "15:00—18:00", "新围社区党群服务中心",
                  "", ""]],
        "团队人员": [MEMBER_HEADER,
                 member("石岗村驻点团队", "石岗村", "责任人", "陈志强", "13800000001", title="组长",
                        gender="男", category="镇领导", rid=ID_CHEN),
                 member("石岗村驻点团队", "石岗村", "专职联络员", "黄丽", "13800000002", gender="女"),
                 member("石岗村驻点团队", "石岗村", "团队成员", "李明", "13800000003", rid=ID_LI),
                 member("石岗村驻点团队", "石岗村", "辅助团队联络员", "吴芳", "13800000004",
                        category="两委干部"),
                 member("新围社区驻点团队", "新围社区", "责任人", "王海", "13800000005",
                        category="镇领导"),
                 member("新围社区驻点团队", "新围社区", "团队成员", "李明", "13800000003", rid=ID_LI)],
        "住户": [HOUSEHOLD_HEADER,
               ["石岗村", "第一网格", "石岗村1号", "张大山", "13900000001", 4, "居民户", "孤寡老人", "", ""],
               ["石岗村", "第一网格", "石岗村2号", "张小河", "0750-6612000", 3, "居民户", "", "", ""],
               ["新围社区", "", "新围路8号", "新围超市", "13900000003", 2, "个体商户", "", "", ""]],
    }


def messy_rows() -> dict[str, Rows]:
    """Title lines, merged cells left blank, blank lines, footers, full-width digits, dashes."""
    return {
        "Sheet1": [
            ["云溪镇驻点团队人员名册（2026年）"],
            ["填报单位：云溪镇党政办", None, None, None, "日期：2026年1月5日"],
            [],
            ["序号", "驻点 团队", "驻点村(社区)", "角色", "团队职务", "姓 名", "性别", "单位", "职务",
             "人员类别", "手机号码", "固定电话", "身份证号码", "备注"],
            [1, "石岗村驻点团队", "石岗村", "组长", "组长", "陈 志强", "男", "云溪镇", "镇长", "镇领导",
             "１３８００００００１１", "", ID_CHEN, ""],
            [2, None, None, "联络员", "", "黄丽", "女", "云溪镇", "", "镇干部", "138-0000-0012",
             "0750 6612345", "", ""],
            [],
            [3, None, None, "成员", "", "李明", "男", "云溪镇", "", "镇干部", 13800000013.0, "", "", ""],
            [4, "新围社区驻点团队", "新围社区", "责任人", "", "王海", "男", "云溪镇", "副镇长", "镇领导",
             "138 0000 0014", "", "", ""],
            [5, None, None, "团队成员", "", "李明", "男", "云溪镇", "", "镇干部", "13800000013", "", "",
             ""],
            [6, None, None, "辅助团队成员", "", "吴芳", "女", "新围社区", "委员", "两委干部", "",
             "(0750)6619999", "", ""],
            [],
            ["制表人：张三    审核人：李四"],
            ["填表日期：2026年1月5日"],
            ["备注：本表一式两份"],
        ],
    }


def zip_bomb(path: Path, megabytes: int = 20) -> Path:
    """A real xlsx skeleton plus one member of zeros: a thousandfold compression ratio."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        chunk = b"0" * (1 << 20)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member_file:
            for _ in range(megabytes):
                member_file.write(chunk)
    return path


def entity_book(path: Path) -> Path:
    """A workbook whose shared strings declare an entity (billion-laughs style)."""
    write_book(path, {"团队人员": [MEMBER_HEADER, member("甲队", "甲村", "责任人", "陈一")]})
    source = zipfile.ZipFile(path)
    members = {i.filename: source.read(i.filename) for i in source.infolist()}
    source.close()
    members["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        + members.get("xl/sharedStrings.xml", b"<sst/>").split(b"?>", 1)[-1])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


_INLINE = re.compile(r'<c r="([A-Z]+\d+)"([^>]*) t="inlineStr"><is><t>(.*?)</t></is></c>')


def with_shared_strings(path: Path) -> Path:
    """Rewrite openpyxl's inline strings as a shared-strings part, the way Excel and WPS save."""
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    strings: list[str] = []
    index: dict[str, int] = {}

    def shared(match: re.Match[str]) -> str:
        text = match.group(3)
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return f'<c r="{match.group(1)}"{match.group(2)} t="s"><v>{index[text]}</v></c>'

    for name in [n for n in parts if n.startswith("xl/worksheets/sheet")]:
        parts[name] = _INLINE.sub(shared, parts[name].decode("utf-8")).encode("utf-8")
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/sharedStrings.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{s}</t></si>" for s in strings)
        + "</sst>").encode("utf-8")
    rel = ('<Relationship Id="rIdShared" Type="http://schemas.openxmlformats.org/officeDocument/'
           '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", rel.encode() + b"</Relationships>")
    content = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxml'
               'formats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", content.encode() + b"</Types>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path
