"""Roster import from the outside: build a workbook, import it, reopen the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import main as cli_main
from app.db import Database
from app.db.database import counts
from app.errors import DomainError
from app.models import Household, MemberRole, Membership, Person, Team
from app.paths import backup_dir_for
from app.roster import ImportRejected, apply_import, preview_import
from roster_files import (HOUSEHOLD_HEADER, ID_CHEN, ID_LI, MEMBER_HEADER, TEAM_HEADER,
                          entity_book, good_rows, member, messy_rows, write_book, zip_bomb)
from tests.accounts_support import act_as_admin_in_commands, add_admin
from tests.databases import db_target, open_test_database


def people_by_name(db: Database) -> dict[str, Person]:
    with db.session() as s:
        return {p.name: p for p in s.scalars(select(Person))}


def memberships(db: Database) -> set[tuple[str, str, MemberRole]]:
    with db.session() as s:
        rows = s.execute(select(Team.name, Person.name, Membership.role)
                         .join(Membership.team).join(Membership.person))
        return {tuple(r) for r in rows}  # type: ignore[misc]


def test_good_file_imports_everything(db: Database, db_path: Path, tmp_path: Path) -> None:
    book = write_book(tmp_path / "名册.xlsx", good_rows())
    result = apply_import(db, book)
    assert result.problems == []
    assert (result.teams_new, result.people_new, result.memberships_new) == (2, 5, 6)
    assert result.households_new == 3
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        team = s.scalar(select(Team).where(Team.name == "新围社区驻点团队"))
        assert team is not None and [c.name for c in team.communities] == ["新围社区", "龙溪联社"]
        assert team.station_weekday == 3 and f"{team.station_end:%H:%M}" == "18:00"
        assert team.leader is not None and team.leader.name == "王海"
        chen = s.scalar(select(Person).where(Person.name == "陈志强"))
        assert chen is not None and chen.resident_id == ID_CHEN and chen.mobile == "13800000001"
        shop = s.scalar(select(Household).where(Household.head_name == "新围超市"))
        assert shop is not None and shop.kind.label == "个体商户" and shop.size == 2
        tagged = s.scalar(select(Household).where(Household.head_name == "张大山"))
        assert tagged is not None and [g.name for g in tagged.current_tags()] == ["孤寡老人"]
        assert tagged.grid is not None and tagged.grid.name == "第一网格"
        landline = s.scalar(select(Household).where(Household.head_name == "张小河"))
        assert landline is not None and landline.landline == "0750-6612000"
    if db.path is not None:  # a server database is backed up with pg_dump, not before imports
        assert backup_dir_for(db_path).is_dir() and any(backup_dir_for(db_path).glob("*-import.db"))


def test_messy_town_file(db: Database, tmp_path: Path) -> None:
    book = write_book(tmp_path / "云溪镇名册.xlsx", messy_rows())
    result = apply_import(db, book)
    assert result.problems == []
    assert result.rows_total == 6  # titles, blank lines and the three footer lines are not rows
    found = people_by_name(db)
    assert set(found) == {"陈志强", "黄丽", "李明", "王海", "吴芳"}
    assert found["陈志强"].mobile == "13800000011"  # full-width digits
    assert found["黄丽"].mobile == "13800000012" and found["黄丽"].landline == "0750-6612345"
    assert found["李明"].mobile == "13800000013"  # stored as a number cell
    assert found["王海"].mobile == "13800000014"  # spaces inside
    assert found["吴芳"].landline == "0750-6619999"  # (0750) area code
    links = memberships(db)
    # Merged team cells filled down; 李明 is one person in two teams.
    assert ("石岗村驻点团队", "李明", MemberRole.CORE) in links
    assert ("新围社区驻点团队", "李明", MemberRole.CORE) in links
    assert ("石岗村驻点团队", "黄丽", MemberRole.TOWN_LIAISON) in links
    assert ("新围社区驻点团队", "吴芳", MemberRole.SUPPORT) in links
    assert len(links) == 6


def test_reimport_changes_nothing(db: Database, tmp_path: Path) -> None:
    book = write_book(tmp_path / "名册.xlsx", good_rows())
    apply_import(db, book)
    revision, links = db.data_revision(), memberships(db)
    with db.session() as s:
        before = counts(s)
    again = apply_import(db, book)
    assert (again.teams_new, again.people_new, again.memberships_new, again.households_new) == (0,) * 4
    assert (again.teams_existing, again.people_existing, again.households_existing) == (2, 5, 3)
    with db.session() as s:
        assert counts(s) == before
    assert memberships(db) == links
    assert db.data_revision() == revision


def test_preview_writes_nothing(db: Database, tmp_path: Path) -> None:
    book = write_book(tmp_path / "名册.xlsx", good_rows())
    seen: list[tuple[int, int]] = []
    with db.session() as s:
        result = preview_import(s, book, progress=lambda done, total: seen.append((done, total)))
    assert (result.teams_new, result.people_new, result.households_new) == (2, 5, 3)
    assert db.data_revision() == 0
    with db.session() as s:
        assert counts(s) == {"社区": 0, "团队": 0, "人员": 0, "住户": 0}


def bad_rows() -> dict[str, list[list[object]]]:
    return {"团队人员": [
        ["团队人员名册"],
        MEMBER_HEADER,
        member("一队", "甲村", "责任人", "陈一", "1381234567"),
        member("一队", "甲村", "队长助理", "陈二", "13812345678"),
        member("一队", "甲村", "团队成员", "陈三", "13812345679", rid=44078119800101123.0),
        member("一队", "甲村", "团队成员", "", "13812345670"),
        member("一队", "甲村", "团队成员", "陈五", "13812345671", rid="440781198001011230"),
    ]}


def test_all_bad_file_imports_nothing_and_says_where(db: Database, db_path: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    book = write_book(tmp_path / "名册.xlsx", bad_rows())
    with pytest.raises(ImportRejected) as caught:
        apply_import(db, book)
    problems = caught.value.problems
    where = {(p.row, p.column, p.field) for p in problems}
    assert (3, "J", "手机") in where
    assert (4, "C", "团队角色") in where
    assert (5, "L", "身份证号") in where
    assert (6, "E", "姓名") in where
    assert (7, "L", "身份证号") in where
    first = next(p for p in problems if p.row == 3 and p.column == "J")
    assert str(first) == ("「名册.xlsx」工作表“团队人员”第 3 行 J 列（手机）："
                          "手机号码“1381234567”应为 11 位（现在是 10 位）")
    assert any("存成了数字" in p.reason for p in problems)
    with db.session() as s:
        assert counts(s) == {"社区": 0, "团队": 0, "人员": 0, "住户": 0}
    add_admin(db)
    db.close()
    act_as_admin_in_commands(monkeypatch)
    code = cli_main(["import-roster", "--db", db_target(db_path), str(book)])
    out = capsys.readouterr()
    assert code == 1
    assert "第 3 行 J 列（手机）" in out.out and "没有导入任何数据" in out.err


def test_skip_invalid_imports_the_good_rows(db: Database, db_path: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    rows = good_rows()
    rows["团队人员"] = [*rows["团队人员"],
                    member("石岗村驻点团队", "石岗村", "团队成员", "错号码", "1380000")]
    rows["住户"] = [*rows["住户"], ["石岗村", "", "石岗村9号", "马六", "", "很多", "居民户", "", "", ""]]
    book = write_book(tmp_path / "名册.xlsx", rows)
    add_admin(db)
    db.close()
    act_as_admin_in_commands(monkeypatch)
    code = cli_main(["import-roster", "--db", db_target(db_path), str(book), "--skip-invalid"])
    out = capsys.readouterr().out
    assert code == 0
    assert "第 8 行 J 列（手机）" in out and "第 5 行 F 列（家庭人口）" in out
    assert "有问题 2 行" in out
    with open_test_database(db_path) as again:
        names = set(people_by_name(again))
        assert "陈志强" in names and "错号码" not in names
        with again.session() as s:
            assert counts(s)["住户"] == 3


def test_team_rules_come_from_the_services(db: Database, tmp_path: Path) -> None:
    rows: list[list[object]] = [MEMBER_HEADER, member("一队", "甲村", "责任人", "组长甲", "13900000000"),
                                member("一队", "甲村", "责任人", "组长乙", "13900000099")]
    rows += [member("一队", "甲村", "团队成员", f"成员{i}", f"139000000{i:02d}") for i in range(1, 11)]
    book = write_book(tmp_path / "名册.xlsx", {"人员": rows})
    with pytest.raises(ImportRejected) as caught:
        apply_import(db, book)
    by_row = {p.row: p.reason for p in caught.value.problems}
    assert "已有责任人" in by_row[3]
    assert "不超过 10 人" in by_row[13]  # the tenth core member would make eleven
    assert set(by_row) == {3, 13}


def test_header_synonyms_and_phone_column(db: Database, tmp_path: Path) -> None:
    rows = [["团队", "社区", "角色", "名字", "联系电话", "公民身份号码"],
            ["一队", "甲村", "组长", "陈一", "0750-1234567", ID_LI]]
    result = apply_import(db, write_book(tmp_path / "名册.xlsx", {"Sheet1": rows}))
    assert result.problems == [] and result.people_new == 1
    chen = people_by_name(db)["陈一"]
    assert chen.landline == "0750-1234567" and chen.resident_id == ID_LI


def test_masked_id_is_ignored_and_keeps_the_stored_one(db: Database, tmp_path: Path) -> None:
    apply_import(db, write_book(tmp_path / "a.xlsx", good_rows()))
    rows = good_rows()
    rows["团队人员"] = [MEMBER_HEADER, member("石岗村驻点团队", "石岗村", "责任人", "陈志强",
                                          "13800000001", rid="110105********002X")]
    result = apply_import(db, write_book(tmp_path / "b.xlsx", rows))
    assert result.problems == [] and result.people_new == 0
    assert people_by_name(db)["陈志强"].resident_id == ID_CHEN


def test_cancel_rolls_back(db: Database, tmp_path: Path) -> None:
    rows = good_rows()
    rows["住户"] = [HOUSEHOLD_HEADER] + [["石岗村", "", f"{i}号", f"户主{i}", "", 1, "", "", "", ""]
                                       for i in range(2000)]
    book = write_book(tmp_path / "名册.xlsx", rows)
    calls = iter(range(10_000))
    with pytest.raises(DomainError, match="已取消导入，数据库没有改动"):
        apply_import(db, book, cancelled=lambda: next(calls) > 3)
    with db.session() as s:
        assert counts(s) == {"社区": 0, "团队": 0, "人员": 0, "住户": 0}


@pytest.mark.parametrize("make, message", [
    (lambda p: zip_bomb(p), "解压后体积异常"),
    (lambda p: entity_book(p), "DOCTYPE"),
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256))), "不是 Excel 工作簿"),
    (lambda p: p.write_bytes(b""), "空文件"),
    (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600), "旧版 Excel"),
    (lambda p: p.write_bytes(b"PK\x03\x04not really a zip"), "损坏"),
])
def test_hostile_files_are_refused_before_parsing(db: Database, db_path: Path, tmp_path: Path,
                                                  make, message: str) -> None:
    path = tmp_path / "名册.xlsx"
    make(path)
    with pytest.raises(DomainError, match=message) as caught:
        apply_import(db, path)
    assert "名册.xlsx" in str(caught.value)
    assert not backup_dir_for(db_path).exists() or not any(backup_dir_for(db_path).iterdir())
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0


def test_workbook_without_a_roster_header(db: Database, tmp_path: Path) -> None:
    book = write_book(tmp_path / "其他.xlsx", {"Sheet1": [["月份", "金额"], ["一月", 100]]})
    with pytest.raises(DomainError, match="没有找到名册表头"):
        apply_import(db, book)


def test_team_sheet_only_teams_without_leader_are_reported(db: Database, tmp_path: Path) -> None:
    book = write_book(tmp_path / "名册.xlsx", {"团队": [TEAM_HEADER, ["空队", "甲村", "周二", "", "", "", ""]]})
    with pytest.raises(ImportRejected) as caught:
        apply_import(db, book)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "A")]
    assert "没有责任人" in caught.value.problems[0].reason


PEOPLE_HEADER = ["姓名", "性别", "单位", "职务", "人员类别", "手机", "固定电话", "身份证号", "备注"]


def test_person_only_rows_make_people_without_teams(db: Database, tmp_path: Path) -> None:
    rows = good_rows()
    # A town's own single sheet: people in no team first, team and role both left blank.
    rows["团队人员"] = [MEMBER_HEADER, member("", "", "", "委员甲", "13700000001", category="两委干部"),
                    *rows["团队人员"][1:]]
    rows["人员名册"] = [["云溪镇在册人员名册"], PEOPLE_HEADER,
                    ["网格员乙", "女", "石岗村", "网格员", "网格员", "13700000002", "", "", ""],
                    ["志愿者丙", "", "", "", "志愿者", "", "", "", ""]]
    book = write_book(tmp_path / "名册.xlsx", rows)
    result = apply_import(db, book)
    assert result.problems == [] and result.people_new == 8 and result.memberships_new == 6
    assert result.sheets["人员名册"] == "人员名册"
    found = people_by_name(db)
    assert found["网格员乙"].category.label == "网格员" and found["网格员乙"].mobile == "13700000002"
    assert found["委员甲"].category.label == "“两委”干部"
    assert {name for _team, name, _role in memberships(db)} == {"陈志强", "黄丽", "李明", "吴芳", "王海"}
    revision = db.data_revision()
    again = apply_import(db, book)
    assert (again.people_new, again.people_existing, again.memberships_new) == (0, 8, 0)
    assert db.data_revision() == revision


def test_person_sheet_below_team_rows_inherits_no_team(db: Database, tmp_path: Path) -> None:
    rows = messy_rows()  # its team column is filled down over blank cells
    rows["Sheet2"] = [PEOPLE_HEADER, ["网格员乙", "女", "", "", "网格员", "13700000002", "", "", ""]]
    result = apply_import(db, write_book(tmp_path / "名册.xlsx", rows))
    assert result.problems == []
    assert "网格员乙" in people_by_name(db)
    assert len(memberships(db)) == 6


def test_team_without_role_and_role_without_team_are_errors(db: Database, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        MEMBER_HEADER,
        member("", "", "团队成员", "陈三", "13900000003"),  # role, no team (none above to fill)
        member("一队", "甲村", "责任人", "陈一", "13900000001"),
        member("一队", "甲村", "", "陈二", "13900000002"),  # team, no role
        member("", "", "", "陈四", "13900000004")]  # blank team below: filled down from 一队
    with pytest.raises(ImportRejected) as caught:
        apply_import(db, write_book(tmp_path / "名册.xlsx", {"团队人员": rows}))
    where = {(p.row, p.column): p.reason for p in caught.value.problems}
    assert set(where) == {(2, "A"), (4, "C"), (5, "C")}
    assert "团队角色是“团队成员”，但没有填写驻点团队" in where[(2, "A")]
    assert "请填写团队角色" in where[(4, "C")]
    assert "沿用了上方的“一队”" in where[(5, "C")] and "人员名册" in where[(5, "C")]
    with db.session() as s:
        assert counts(s)["人员"] == 0
