"""The import's own xlsx reader on workbooks written by hand, part by part, as other programs do.

openpyxl (which builds the other tests' files) writes inline strings only; Excel and WPS write
shared strings, rich-text runs, formula results and leave empty cells out. Each file here is a
zip of raw XML parts so every one of those shapes is read the way the clerk sees it in Excel.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db import Database
from app.errors import DomainError
from app.models import Household, MemberRole, Membership, Person, Team
from app.roster import ImportRejected, apply_import
from app.roster.reader import read_workbook
from roster_files import ID_CHEN, MEMBER_HEADER, member, write_book
from tests.databases import open_test_database

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_RELS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"

# Shared strings as Excel/WPS write them: the team name split into rich-text runs, a phonetic
# run that is not part of the text, a preserved leading space, an escaped line break.
SHARED = [
    "<si><t>驻点团队</t></si>", "<si><t>团队角色</t></si>", "<si><t>姓名</t></si>",
    "<si><t>手机</t></si>", "<si><t>身份证号</t></si>", "<si><t>备注</t></si>",
    '<si><r><rPr><b/></rPr><t>石岗村</t></r><r><t xml:space="preserve">驻点团队</t></r>'
    "<rPh sb=\"0\" eb=\"1\"><t>ピン</t></rPh></si>",
    "<si><t>责任人</t></si>",
    '<si><t xml:space="preserve">  陈志强 </t></si>',
    "<si><t>第一行_x000D_第二行</t></si>",
    "<si><t>制表人：张三</t></si>", "<si><t>驻点村（社区）</t></si>", "<si><t>石岗村</t></si>",
]


def sheet_xml(ns: str) -> str:
    """Rows 2, 6-7 and 9 are absent; cells are sparse and in column order only."""
    rows = [
        '<row r="1"><c r="A1" t="inlineStr"><is><t>云溪镇驻点团队人员名册</t></is></c></row>',
        # Header: column B is left out entirely (an unused column).
        '<row r="3"><c r="A3" t="s"><v>0</v></c><c r="C3" t="s"><v>1</v></c>'
        '<c r="D3" t="s"><v>2</v></c><c r="E3" t="s"><v>11</v></c><c r="F3" t="s"><v>3</v></c>'
        '<c r="G3" t="s"><v>4</v></c><c r="H3" t="s"><v>5</v></c></row>',
        # The leader: rich-text team name, formula result role, numeric mobile, escaped note.
        '<row r="4" spans="1:8"><c r="A4" t="s"><v>6</v></c>'
        '<c r="C4" t="str"><f>"责任"&amp;"人"</f><v>责任人</v></c>'
        '<c r="D4" t="s"><v>8</v></c><c r="E4" t="s"><v>12</v></c><c r="F4"><v>13800000001</v></c>'
        f'<c r="G4" t="inlineStr"><is><t>{ID_CHEN}</t></is></c><c r="H4" t="s"><v>9</v></c></row>',
        # Merged team cell left blank below; mobile as Excel's exponent form; rich inline name.
        '<row r="5"><c r="C5" t="inlineStr"><is><t>团队成员</t></is></c>'
        '<c r="D5" t="inlineStr"><is><r><t>李</t></r><r><t>明</t></r></is></c>'
        '<c r="F5" t="n"><v>1.3800000003E10</v></c><c r="H5" t="b"><v>1</v></c></row>',
        # A row whose cells carry no r attribute: positions count from A.
        '<row r="8"><c/><c/><c t="inlineStr"><is><t>专职联络员</t></is></c>'
        '<c t="inlineStr"><is><t>黄丽</t></is></c><c/><c t="inlineStr"><is><t>13800000002</t></is></c>'
        "</row>",
        '<row r="10"><c r="A10" t="s"><v>10</v></c></row>',
    ]
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<worksheet xmlns="{ns}"><dimension ref="A1:H10"/><sheetData>{"".join(rows)}'
            f'</sheetData><mergeCells count="1"><mergeCell ref="A4:A8"/></mergeCells></worksheet>')


def hand_made(path: Path, *, strict: bool = False, sheet: str | None = None) -> Path:
    main, rels = (STRICT_MAIN, STRICT_RELS) if strict else (MAIN, RELS)
    workbook = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rels}">'
                '<sheets><sheet name="封面" sheetId="2" r:id="rId3"/>'
                '<sheet name="人员名单" sheetId="1" r:id="rId1"/></sheets></workbook>')
    shared = (f'<sst xmlns="{main}" count="{len(SHARED)}" uniqueCount="{len(SHARED)}">'
              f'{"".join(SHARED)}</sst>')
    parts = {
        "[Content_Types].xml": "<Types/>",
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE}"/>',
        "xl/workbook.xml": workbook,
        # Targets written both ways real programs do: relative to xl/, and absolute.
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE}">'
            f'<Relationship Id="rId1" Type="{rels}/worksheet" Target="/xl/worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rels}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{rels}/worksheet" Target="worksheets/sheet2.xml"/>'
            "</Relationships>"),
        "xl/sharedStrings.xml": shared,
        "xl/worksheets/sheet1.xml": sheet if sheet is not None else sheet_xml(main),
        "xl/worksheets/sheet2.xml": (f'<worksheet xmlns="{main}"><sheetData><row r="1">'
                                     '<c r="A1" t="inlineStr"><is><t>封面</t></is></c></row>'
                                     "</sheetData></worksheet>"),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return path


def test_hand_made_workbook_reads_as_excel_shows_it(tmp_path: Path) -> None:
    book = read_workbook(hand_made(tmp_path / "名册.xlsx"))
    assert book.ignored == ["封面"]
    [sheet] = book.sheets
    assert sheet.name == "人员名单" and sheet.header.row == 3
    assert sheet.column("mobile") == ("F", "手机")
    rows = {row.number: row.values for row in sheet.rows}
    assert set(rows) == {4, 5, 8}  # title, absent rows and the footer are not rows
    assert rows[4]["team"] == "石岗村驻点团队"  # runs joined, phonetic run left out
    assert rows[4]["role"] == "责任人"  # formula result
    assert rows[4]["name"] == "  陈志强 "  # preserved as written; validate trims it
    assert rows[4]["mobile"] == 13800000001 and isinstance(rows[4]["mobile"], int)
    assert rows[4]["note"] == "第一行\r第二行"
    assert rows[5]["team"] == "石岗村驻点团队"  # merged cells filled down
    assert rows[4]["community"] == rows[8]["community"] == "石岗村"
    assert rows[5]["name"] == "李明" and rows[5]["mobile"] == 13800000003
    assert rows[5]["note"] is True
    assert rows[8]["role"] == "专职联络员" and rows[8]["mobile"] == "13800000002"
    assert rows[8]["resident_id"] is None


@pytest.mark.parametrize("strict", [False, True], ids=["transitional", "strict"])
def test_hand_made_workbook_imports(db: Database, db_path: Path, tmp_path: Path,
                                    strict: bool) -> None:
    result = apply_import(db, hand_made(tmp_path / "名册.xlsx", strict=strict))
    assert result.problems == []
    assert (result.teams_new, result.people_new, result.memberships_new) == (1, 3, 3)
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        people = {p.name: p for p in s.scalars(select(Person))}
        assert people["陈志强"].mobile == "13800000001" and people["陈志强"].resident_id == ID_CHEN
        assert people["李明"].mobile == "13800000003"
        assert people["黄丽"].mobile == "13800000002"
        roles = set(s.execute(select(Person.name, Membership.role).join(Membership.person)
                              .join(Membership.team).where(Team.name == "石岗村驻点团队")))
        assert roles == {("陈志强", MemberRole.LEADER), ("李明", MemberRole.CORE),
                         ("黄丽", MemberRole.TOWN_LIAISON)}


def test_problems_name_the_row_excel_shows_after_absent_rows(db: Database, tmp_path: Path) -> None:
    sheet = sheet_xml(MAIN).replace("<v>13800000001</v>", "<v>1380000000</v>")
    with pytest.raises(ImportRejected) as caught:
        apply_import(db, hand_made(tmp_path / "名册.xlsx", sheet=sheet))
    [problem] = [p for p in caught.value.problems if p.field == "手机"]
    assert (problem.sheet, problem.row, problem.column) == ("人员名单", 4, "F")


@pytest.mark.parametrize("sheet, message", [
    ('<worksheet xmlns="%s"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>' % MAIN, "XML 内容有错"),
    ('<worksheet xmlns="%s"><sheetData><row r="1"><c r="A1" t="s"><v>99</v></c></row>'
     "</sheetData></worksheet>" % MAIN, "A1 引用了不存在的共享文本 99"),
    ('<worksheet xmlns="%s"><sheetData><row r="1"><c r="A1"><v>十三</v></c></row>'
     "</sheetData></worksheet>" % MAIN, "A1 的数值“十三”无效"),
    ('<worksheet xmlns="%s"><sheetData><row r="1"/><row r="二"/></sheetData></worksheet>' % MAIN,
     "第 1 行之后的行号无效"),
])
def test_damaged_parts_are_refused_with_the_place(db: Database, tmp_path: Path, sheet: str,
                                                   message: str) -> None:
    with pytest.raises(DomainError, match=message) as caught:
        apply_import(db, hand_made(tmp_path / "坏表.xlsx", sheet=sheet))
    assert "「坏表.xlsx」" in str(caught.value)
    with db.session() as s:
        assert s.scalars(select(Person)).first() is None


def test_unknown_namespace_is_refused_clearly(db: Database, tmp_path: Path) -> None:
    path = hand_made(tmp_path / "名册.xlsx")
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(MAIN.encode(), b"urn:other")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(DomainError, match="无法识别的格式"):
        apply_import(db, path)


def test_openpyxl_and_streamed_values_agree(tmp_path: Path) -> None:
    """The same file through openpyxl (the old path) and ours gives the same rows."""
    from openpyxl import load_workbook

    rows = [["名册"], MEMBER_HEADER,
            member("一队", "甲村", "责任人", "陈一", 13800000001, rid=ID_CHEN, note="多行\n备注"),
            member("", "", "团队成员", "陈二", "13800000002", title="副组长"),
            [], member("一队", "甲村", "团队成员", "陈三", 13800000003.5)]
    path = write_book(tmp_path / "名册.xlsx", {"人员": rows})
    book = load_workbook(path, read_only=True, data_only=True)
    expected = [[v for v in row] for row in book["人员"].iter_rows(min_row=3, values_only=True)]
    book.close()
    [sheet] = read_workbook(path).sheets
    columns = sheet.header.columns
    for source in sheet.rows:
        want = expected[source.number - 3]
        for field_name, (index, _text) in columns.items():
            if field_name in ("team", "community"):
                continue  # filled down by the reader, not by the file
            assert source.values[field_name] == want[index], (source.number, field_name)


def test_a_household_file_from_shared_strings_keeps_numeric_sizes(db: Database, db_path: Path,
                                                                  tmp_path: Path) -> None:
    header = ["村（社区）", "门牌地址", "户主姓名", "家庭人口"]
    strings = header + ["石岗村", "石岗村1号", "张大山"]
    shared = "".join(f"<si><t>{text}</t></si>" for text in strings)
    cells = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(4))
    sheet = (f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{cells}</row>'
             '<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c>'
             '<c r="C2" t="s"><v>6</v></c><c r="D2" s="3"><v>4.0</v></c></row>'
             "</sheetData></worksheet>")
    path = hand_made(tmp_path / "住户.xlsx", sheet=sheet)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">{shared}</sst>'.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = apply_import(db, path)
    assert result.households_new == 1 and result.problems == []
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        household = s.scalars(select(Household)).one()
        assert (household.address, household.head_name, household.size) == ("石岗村1号", "张大山", 4)
