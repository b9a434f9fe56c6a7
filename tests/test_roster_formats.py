"""Rosters as other towns keep them: other header words, two-row headers, .xls, GBK CSV,
columns placed by hand, the blank template and the marked copy; every file made here."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
import xlwt
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from app.cli import main as cli_main
from app.db import Database
from app.errors import DomainError
from app.models import Household, MemberRole, Membership, Person, Team
from app.roster import ImportRejected, apply_import, export_roster, preview_import
from app.roster.mapping import LayoutMemory, needs_mapping, scan_layout
from app.roster.marked import PROBLEM_SHEET, write_marked_copy
from app.roster.template import write_template
from roster_files import ID_CHEN, good_rows, with_shared_strings, write_book
from tests.accounts_support import act_as_admin_in_commands, add_admin
from tests.databases import db_target, open_test_database

TOWN_HEADER = ["序号", "所在团队", "驻点村居", "担任角色", "姓  名", "性别", "工作单位", "现任职务",
               "手机号码（必填）", "办公室电话", "公民身份号码"]
TOWN_ROWS = [
    [1, "石岗村驻点团队", "石岗村", "组长", "陈志强", "男", "云溪镇", "镇长", "13800000011", "", ID_CHEN],
    [2, "石岗村驻点团队", "石岗村", "联络员", "黄丽", "女", "云溪镇", "", "13800000012", "0750-6612345", ""],
    [3, "石岗村驻点团队", "石岗村", "成员", "李明", "男", "云溪镇", "", "13800000013", "", ""],
    [4, "石岗村驻点团队", "石岗村", "辅助人员", "吴芳", "女", "石岗村", "委员", "13800000014", "", ""],
    [5, "石岗村驻点团队", "石岗村", "村(社区)联络员", "何强", "男", "石岗村", "", "13800000015", "", ""],
]
EXPECTED_ROLES = {("陈志强", MemberRole.LEADER), ("黄丽", MemberRole.TOWN_LIAISON),
                  ("李明", MemberRole.CORE), ("吴芳", MemberRole.SUPPORT),
                  ("何强", MemberRole.COMMUNITY_LIAISON)}


def roles(db: Database) -> set[tuple[str, MemberRole]]:
    with db.session() as s:
        return {tuple(r) for r in s.execute(select(Person.name, Membership.role)
                                            .join(Membership.person))}  # type: ignore[misc]


def phones(db: Database, name: str) -> tuple[str, str]:
    with db.session() as s:
        person = s.scalar(select(Person).where(Person.name == name))
        assert person is not None
        return person.mobile, person.landline


# -- header words ----------------------------------------------------------------------------

def test_another_towns_header_words_and_role_words(db: Database, tmp_path: Path) -> None:
    path = write_book(tmp_path / "镇名册.xlsx", {"人员": [["石岗村驻点团队人员名册"], TOWN_HEADER,
                                                         *TOWN_ROWS]})
    result = apply_import(db, path)
    assert result.problems == [] and result.columns_unplaced == []
    assert roles(db) == EXPECTED_ROLES
    assert phones(db, "黄丽") == ("13800000012", "0750-6612345")


@pytest.mark.parametrize("header, value", [
    ("村(社区)", "石岗村"), ("村（居）", "石岗村"), ("所属村居委会", "石岗村"), ("  驻点 社区 ", "石岗村"),
    ("挂点村（社区）", "石岗村"),
])
def test_community_header_variants(db: Database, tmp_path: Path, header: str, value: str) -> None:
    rows = [["驻点团队", header, "团队角色", "姓名", "手机"],
            ["石岗村驻点团队", value, "责任人", "陈志强", "13800000011"]]
    result = apply_import(db, write_book(tmp_path / "名册.xlsx", {"Sheet1": rows}))
    assert result.problems == [] and result.teams_new == 1
    with db.session() as s:
        team = s.scalar(select(Team))
        assert team is not None and [c.name for c in team.communities] == ["石岗村"]


def test_two_row_header_with_a_merged_group_title(db: Database, tmp_path: Path) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["驻点团队", "驻点村（社区）", "团队角色", "姓名", "联系方式", None, "身份证号"])
    ws.append([None, None, None, None, "手机", "办公电话", None])
    for col in "ABCDG":
        ws.merge_cells(f"{col}1:{col}2")
    ws.merge_cells("E1:F1")
    ws.append(["石岗村驻点团队", "石岗村", "责任人", "陈志强", "13800000011", "0750-6612000", ID_CHEN])
    ws.append(["石岗村驻点团队", "石岗村", "专职联络员", "黄丽", "13800000012", "0750-6612345", ""])
    book.save(tmp_path / "两行表头.xlsx")
    result = apply_import(db, tmp_path / "两行表头.xlsx")
    assert result.problems == [] and result.memberships_new == 2
    assert phones(db, "陈志强") == ("13800000011", "0750-6612000")


def write_xls(path: Path) -> Path:
    """Excel 97–2003, as many offices still save it: a title, a two-row header, merged cells."""
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("驻点团队人员")
    ws.write_merge(0, 0, 0, 6, "云溪镇驻点团队人员名册")
    for col, title in enumerate(["驻点团队", "驻点村（社区）", "团队角色", "姓名"]):
        ws.write_merge(1, 2, col, col, title)
    ws.write_merge(1, 1, 4, 5, "联系电话")
    ws.write(2, 4, "手机")
    ws.write(2, 5, "座机")
    ws.write_merge(1, 2, 6, 6, "备注")
    ws.write_merge(3, 4, 0, 0, "石岗村驻点团队")  # the team merged down its rows
    ws.write_merge(3, 4, 1, 1, "石岗村")
    for row, (role, name, mobile) in enumerate([("组长", "陈志强", 13800000011.0),
                                                 ("联络员", "黄丽", 13800000012.0)], start=3):
        ws.write(row, 2, role)
        ws.write(row, 3, name)
        ws.write(row, 4, mobile)
    ws.write(4, 5, "0750-6612345")
    households = book.add_sheet("住户")
    for col, title in enumerate(["村（社区）", "网格", "门牌地址", "户主", "联系电话", "家庭人口"]):
        households.write(0, col, title)
    households.write(1, 0, "石岗村")
    households.write(1, 2, "石岗村五巷2号")
    households.write(1, 3, "张大山")
    households.write(1, 4, "13900000001")
    households.write(1, 5, 4.0)
    book.save(str(path))
    return path


def test_xls_with_a_two_row_header(db: Database, tmp_path: Path) -> None:
    path = write_xls(tmp_path / "名册.xls")
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    result = apply_import(db, path)
    assert result.problems == [], [str(p) for p in result.problems]
    assert (result.teams_new, result.memberships_new, result.households_new) == (1, 2, 1)
    assert phones(db, "陈志强") == ("13800000011", "")
    assert phones(db, "黄丽") == ("13800000012", "0750-6612345")
    with db.session() as s:
        household = s.scalar(select(Household))
        assert household is not None and household.size == 4 and household.mobile == "13900000001"


def test_wps_et_that_is_not_readable_says_so(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "名册.et"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000)
    with pytest.raises(DomainError, match="WPS 表格（.et）") as caught:
        preview_import_file(db, path)
    assert "另存为" in caught.value.message


def preview_import_file(db: Database, path: Path):  # type: ignore[no-untyped-def]
    with db.session() as s:
        return preview_import(s, path)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig", "utf-16"])
def test_csv_in_the_encodings_offices_save(db: Database, tmp_path: Path, encoding: str) -> None:
    lines = [",".join(TOWN_HEADER[1:])] + [",".join(str(v) for v in row[1:]) for row in TOWN_ROWS]
    path = tmp_path / "名册.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    result = apply_import(db, path)
    assert result.problems == []
    assert roles(db) == EXPECTED_ROLES


def test_csv_in_no_known_encoding(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "名册.csv"
    path.write_bytes("姓名,手机\n".encode("utf-8") + b"\xff\xfe\xfd\x80,1\n")
    with pytest.raises(DomainError, match="文字编码无法识别"):
        preview_import_file(db, path)


# -- columns that cannot be placed ---------------------------------------------------------------

UNPLACED = [["驻点团队", "驻扎点", "团队角色", "姓名", "手机", "其他情况"],
            ["石岗村驻点团队", "石岗村", "责任人", "陈志强", "13800000011", "无"],
            ["石岗村驻点团队", "石岗村", "专职联络员", "黄丽", "13800000012", ""],
            ["石岗村驻点团队", "石岗村", "团队成员", "李明", "13800000013", ""]]


def test_an_unplaced_column_is_said_once_not_row_by_row(db: Database, tmp_path: Path) -> None:
    path = write_book(tmp_path / "名册.xlsx", {"人员": UNPLACED})
    with pytest.raises(ImportRejected) as caught:
        apply_import(db, path)
    problems = caught.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    text = str(problems[0])
    assert "驻点村（社区）" in text and "B 列“驻扎点”" in text and "F 列“其他情况”" in text
    assert "请至少选择" not in text
    assert caught.value.preview.columns_unplaced == ["工作表“人员” B 列“驻扎点”",
                                                     "工作表“人员” F 列“其他情况”"]


def test_the_mapping_places_the_column(db: Database, tmp_path: Path) -> None:
    path = write_book(tmp_path / "名册.xlsx", {"人员": UNPLACED})
    layouts = scan_layout(path)
    assert needs_mapping(layouts)
    sheet = layouts[0]
    assert [c.header for c in sheet.unplaced] == ["驻扎点", "其他情况"]
    assert sheet.missing == ("驻点村（社区）",)
    assert sheet.columns[1].samples == ("石岗村", "石岗村", "石岗村")
    mapping = {"驻扎点": "驻点村（社区）", "其他情况": "不导入"}
    assert not needs_mapping(scan_layout(path, mapping))
    result = apply_import(db, path, mapping=mapping)
    assert result.problems == [] and result.memberships_new == 3
    assert result.columns_ignored == ["工作表“人员” F 列“其他情况”"]


def test_a_mapping_is_remembered_for_the_same_layout(tmp_path: Path) -> None:
    first = write_book(tmp_path / "一月.xlsx", {"人员": UNPLACED})
    later = write_book(tmp_path / "二月.xlsx", {"名单": UNPLACED[:2]})
    other = write_book(tmp_path / "别的.xlsx", {"人员": [UNPLACED[0][:5], UNPLACED[1][:5]]})
    memory = LayoutMemory(tmp_path)
    memory.remember(scan_layout(first), {"驻扎点": "驻点村（社区）"})
    assert LayoutMemory(tmp_path).recall(scan_layout(later)) == {"驻扎点": "驻点村（社区）"}
    assert LayoutMemory(tmp_path).recall(scan_layout(other)) == {}


def test_a_mapping_to_an_unknown_field_is_refused(db: Database, tmp_path: Path) -> None:
    path = write_book(tmp_path / "名册.xlsx", {"人员": UNPLACED})
    with pytest.raises(DomainError, match="“驻地”不是名册的字段"):
        apply_import(db, path, mapping={"驻扎点": "驻地"})


def test_command_map_option_and_report(db: Database, db_path: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    add_admin(db)
    db.close()
    act_as_admin_in_commands(monkeypatch)
    path = write_book(tmp_path / "名册.xlsx", {"人员": UNPLACED})
    marked = tmp_path / "名册-问题标注.xlsx"
    assert cli_main(["import-roster", "--db", db_target(db_path), str(path),
                     "--marked-copy", str(marked)]) == 1
    out = capsys.readouterr()
    assert "未能识别、没有导入的列：工作表“人员” B 列“驻扎点”" in out.out
    assert "Traceback" not in out.err and marked.is_file()
    assert cli_main(["import-roster", "--db", db_target(db_path), str(path),
                     "--map", "驻扎点=驻点村（社区）", "--map", "其他情况=不导入"]) == 0
    out = capsys.readouterr().out
    assert "按指定不导入的列：工作表“人员” F 列“其他情况”" in out
    assert cli_main(["import-roster", "--db", db_target(db_path), str(path), "--map", "驻扎点"]) == 1
    assert "应写成“表头=字段”" in capsys.readouterr().err
    with open_test_database(db_path) as again, again.session() as s:
        assert s.scalar(select(Team.name)) == "石岗村驻点团队"


# -- template and marked copy ------------------------------------------------------------------

def test_template_has_choices_and_its_examples_import_nothing(db: Database, tmp_path: Path) -> None:
    path = write_template(tmp_path / "模板.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["驻点团队", "团队人员", "人员名册", "住户"]
    lists = [dv.formula1 for dv in book["团队人员"].data_validations.dataValidation]
    assert any("责任人" in f and "辅助团队联络员" in f for f in lists)
    assert '"男,女"' in lists
    assert book["团队人员"]["A2"].value.startswith("示例：")
    book.close()
    with db.session() as s:
        result = preview_import(s, path)
    assert result.rows_total == 0 and result.problems == []


def test_a_filled_template_imports(db: Database, tmp_path: Path) -> None:
    path = write_template(tmp_path / "模板.xlsx")
    book = load_workbook(path)
    book["团队人员"].append(["石岗村驻点团队", "石岗村", "责任人", "组长", "陈志强", "男", "云溪镇", "",
                          "镇领导", "13800000011"])
    book.save(path)
    result = apply_import(db, path)
    assert result.problems == [] and result.teams_new == 1 and result.rows_total == 1


def test_marked_copy_comments_each_bad_cell(db: Database, tmp_path: Path) -> None:
    rows = good_rows()
    rows["团队人员"] = [list(r) for r in rows["团队人员"]]
    rows["团队人员"][2][9] = "1380000"          # J3: a mobile too short
    rows["团队人员"][3][2] = "队长助理"         # C4: a role nobody uses
    path = write_book(tmp_path / "名册.xlsx", rows)
    with pytest.raises(ImportRejected) as caught:
        apply_import(db, path)
    out = write_marked_copy(path, caught.value.problems, tmp_path / "标注.xlsx")
    book = load_workbook(out)
    assert book.sheetnames[0] == PROBLEM_SHEET and book[PROBLEM_SHEET].max_row == 3
    ws = book["团队人员"]
    assert "1380000" in ws["J3"].comment.text and ws["J3"].fill.fgColor.rgb.endswith("FFC7CE")
    assert "队长助理" in ws["C4"].comment.text
    assert ws["E2"].comment is None
    book.close()


def test_marked_copy_of_a_csv_is_an_xlsx_of_its_values(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "名册.csv"
    path.write_text("驻点团队,驻点村（社区）,团队角色,姓名,手机\n石岗村驻点团队,石岗村,组长,陈志强,12\n",
                    encoding="gbk")
    with pytest.raises(ImportRejected) as caught:
        apply_import(db, path)
    book = load_workbook(write_marked_copy(path, caught.value.problems, tmp_path / "标注.xlsx"))
    assert book["名册"]["D2"].value == "陈志强" and book["名册"]["E2"].comment is not None
    book.close()


# -- broken files and stray characters ---------------------------------------------------------

def shared_book(path: Path) -> Path:
    """The good roster with its text in shared strings, as Excel and WPS save it."""
    return with_shared_strings(write_book(path, good_rows()))


def rewrite_part(path: Path, part: str, data: bytes) -> Path:
    with zipfile.ZipFile(path) as source:
        members = {i.filename: source.read(i.filename) for i in source.infolist()}
    members[part] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def assert_chinese_refusal(db: Database, path: Path) -> str:
    with pytest.raises(DomainError) as caught:
        apply_import(db, path)
    message = caught.value.message
    assert path.name in message
    for english in ("File is not", "Error", "error", "encoding", "invalid", "zip"):
        assert english not in message, message
    with db.session() as s:
        assert s.scalar(select(Person.id)) is None
    return message


def test_a_part_declaring_gbk_is_refused_in_chinese(db: Database, tmp_path: Path) -> None:
    path = shared_book(tmp_path / "名册.xlsx")
    with zipfile.ZipFile(path) as z:
        strings = z.read("xl/sharedStrings.xml").decode("utf-8")
    body = strings.split("?>", 1)[-1]
    rewrite_part(path, "xl/sharedStrings.xml",
                 ('<?xml version="1.0" encoding="GBK"?>' + body).encode("gbk"))
    assert "文字编码" in assert_chinese_refusal(db, path)


def test_corrupt_compressed_part_is_refused_in_chinese(db: Database, tmp_path: Path) -> None:
    path = shared_book(tmp_path / "名册.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet2.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 10, start + 40):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    assert "损坏" in assert_chinese_refusal(db, path)


def test_a_negative_shared_string_index_is_refused(db: Database, tmp_path: Path) -> None:
    path = shared_book(tmp_path / "名册.xlsx")
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet2.xml").decode("utf-8")
    rewrite_part(path, "xl/worksheets/sheet2.xml",
                 re.sub(r't="s"><v>\d+</v>', 't="s"><v>-1</v>', sheet, count=1).encode("utf-8"))
    assert "不存在的共享文本 -1" in assert_chinese_refusal(db, path)


def test_control_characters_are_stripped_and_exports_still_work(db: Database, db_path: Path,
                                                                 tmp_path: Path) -> None:
    path = shared_book(tmp_path / "名册.xlsx")
    with zipfile.ZipFile(path) as z:
        strings = z.read("xl/sharedStrings.xml").decode("utf-8")
    strings = (strings.replace(">石岗村委会二楼<", ">石岗村委会_x0000_二楼_x001B_<")
               .replace(">新围超市<", ">新围_xD800_超市\x1b<".replace("\x1b", "_x0007_")))
    rewrite_part(path, "xl/sharedStrings.xml", strings.encode("utf-8"))
    result = apply_import(db, path)
    assert result.problems == []
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        assert s.scalar(select(Team.station_place).where(Team.name == "石岗村驻点团队")) == "石岗村委会二楼"
        assert s.scalar(select(Household.head_name).where(Household.address == "新围路8号")) == "新围超市"
        out = export_roster(s, tmp_path / "导出.xlsx")
    assert load_workbook(out, read_only=True).sheetnames


def test_the_text_door_cleans_what_any_service_saves(db: Database) -> None:
    from app.services import people

    with db.session() as s:
        person = people.create_person(s, people.PersonInput(name="陈\x1b志强", unit="云溪镇\x00党委",
                                                            note="第一行\x07第二行"))
        s.commit()
        pid = person.id
    with db.session() as s:
        stored = s.get(Person, pid)
        assert stored is not None
        assert (stored.name, stored.unit, stored.note) == ("陈志强", "云溪镇党委", "第一行第二行")


# -- every header word, one at a time ------------------------------------------------------------

HEADER_VARIANTS = [  # (header as a town writes it, the field it must land in)
    ("所在团队", "team"), ("驻点工作组", "team"), ("驻点 团队 名称", "team"),
    ("驻点村(社区)", "community"), ("村（居）", "community"), ("所属村居委会", "community"),
    ("担任角色", "role"), ("团队身份", "role"), ("驻点角色", "role"),
    ("团队内职务", "title"), ("分工", "title"),
    ("姓  名", "name"), ("人员姓名", "name"), ("成员姓名（必填）", "name"),
    ("现任职务", "position"), ("岗位", "position"), ("职务（职称）", "position"),
    ("工作单位", "unit"), ("单位名称", "unit"),
    ("手机号码（必填）", "mobile"), ("移动电话", "mobile"), ("联系手机", "mobile"),
    ("办公室电话", "landline"), ("座机号码", "landline"), ("固话", "landline"),
    ("公民身份号码", "resident_id"), ("身份证号码(18位)", "resident_id"), ("证件号码", "resident_id"),
    ("人员类型", "category"), ("性别", "gender"), ("备注说明", "note"),
]


@pytest.mark.parametrize("header, field", HEADER_VARIANTS)
def test_each_header_word_lands_in_its_field(header: str, field: str) -> None:
    from app.roster.headers import SheetKind, find_header

    base = {"team": "驻点团队", "role": "团队角色", "name": "姓名"}
    cells = [h for f, h in base.items() if f != field] + [header]
    found = find_header([cells])
    assert found is not None and found.kind == SheetKind.MEMBERS
    assert found.columns[field][1] == " ".join(header.split()), found.columns
    assert found.unplaced == ()


@pytest.mark.parametrize("value, role", [
    ("组长", MemberRole.LEADER), ("驻点领导", MemberRole.LEADER), ("挂点领导", MemberRole.LEADER),
    ("成员", MemberRole.CORE), ("组员", MemberRole.CORE), ("副组长", MemberRole.CORE),
    ("联络员", MemberRole.TOWN_LIAISON), ("镇联络员", MemberRole.TOWN_LIAISON),
    ("辅助人员", MemberRole.SUPPORT), ("辅助成员", MemberRole.SUPPORT),
    ("村联络员", MemberRole.COMMUNITY_LIAISON), ("村（社区）联络员", MemberRole.COMMUNITY_LIAISON),
    ("村(社区) 联络员", MemberRole.COMMUNITY_LIAISON), ("社区联络员", MemberRole.COMMUNITY_LIAISON),
])
def test_role_words_towns_use(db: Database, tmp_path: Path, value: str, role: MemberRole) -> None:
    rows = [["驻点团队", "驻点村（社区）", "团队角色", "姓名", "手机"],
            ["石岗村驻点团队", "石岗村", "责任人" if role != MemberRole.LEADER else value, "陈志强",
             "13800000011"]]
    if role != MemberRole.LEADER:
        rows.append(["石岗村驻点团队", "石岗村", value, "黄丽", "13800000012"])
    result = apply_import(db, write_book(tmp_path / "名册.xlsx", {"Sheet1": rows}))
    assert result.problems == []
    assert (("黄丽" if role != MemberRole.LEADER else "陈志强"), role) in roles(db)


def test_exports_survive_control_characters_stored_before_the_door(db: Database,
                                                                    tmp_path: Path) -> None:
    """Rows saved by an older version (or by hand) may still hold them: exports must not fail."""
    from sqlalchemy import update

    from app.ledgers.export import LedgerKind, export_ledger

    apply_import(db, write_book(tmp_path / "名册.xlsx", good_rows()))
    with db.session() as s:  # Core update: past the ORM's door, as an old row would be
        s.execute(update(Household).values(note="旧\x1b备注\x08"))  # PostgreSQL refuses NUL
        s.execute(update(Person).values(unit="云溪镇\x07党委"))
        s.commit()
    with db.session() as s:
        out = export_roster(s, tmp_path / "导出.xlsx")
        book = load_workbook(out, read_only=True)
        texts = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                 for c in row if c]
        book.close()
        assert any("云溪镇党委" in t for t in texts)
        assert not any("\x07" in t or "\x1b" in t for t in texts)
        export_ledger(s, LedgerKind.LOG, date(2026, 1, 1), tmp_path / "日志.xlsx")


def test_a_roster_with_too_much_shared_text_is_refused_up_front(db: Database, tmp_path: Path) -> None:
    """What once took 895 MB (140 MB of shared strings) is refused before any of it is read."""
    import random

    path = shared_book(tmp_path / "名册.xlsx")
    rng = random.Random(14)
    words = ["".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(12)) for _ in range(2000)]
    body = "".join(f"<si><t>{rng.choice(words)}{i}</t></si>" for i in range(1_000_000))
    rewrite_part(path, "xl/sharedStrings.xml",
                 ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                  + body + "</sst>").encode("utf-8"))
    assert zipfile.ZipFile(path).getinfo("xl/sharedStrings.xml").file_size > 32 << 20
    message = assert_chinese_refusal(db, path)
    assert "文字部分解压后有" in message and "上限" in message
