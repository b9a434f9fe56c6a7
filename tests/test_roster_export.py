"""Roster export: reopened with openpyxl, and imported again into a fresh database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.cli import main as cli_main
from app.db import Database
from app.models import Household, Membership, Person, PersonCategory, Team
from app.roster import apply_import, export_roster
from app.services import people, teams
from app.services import settings as settings_service
from roster_files import ID_CHEN, MEMBER_HEADER, good_rows, member, resident_id, write_book
from tests.databases import db_target, open_test_database


def seeded(db: Database, tmp_path: Path) -> None:
    rows = good_rows()
    rows["团队人员"] = [*rows["团队人员"],
                    member("石岗村驻点团队", "石岗村", "辅助团队成员", "=1+1", "13800000009",
                           unit="+86单位", position="-副主任", note="@备注")]
    apply_import(db, write_book(tmp_path / "源.xlsx", rows))
    with db.session() as s:
        town = settings_service.get_settings(s)
        town.town_name = "云溪镇"


def snapshot(db: Database) -> dict[str, set[tuple[object, ...]]]:
    with db.session() as s:
        return {
            "teams": {(t.name, tuple(c.name for c in t.communities), t.station_weekday,
                       t.station_start, t.station_end, t.station_place, t.hotline)
                      for t in s.scalars(select(Team))},
            "people": {(p.name, p.gender, p.unit, p.position, p.category, p.mobile, p.landline)
                       for p in s.scalars(select(Person))},
            "members": {(m.team.name, m.person.name, m.role, m.title)
                        for m in s.scalars(select(Membership))},
            "households": {(h.community.name, h.grid.name if h.grid else "", h.address, h.head_name,
                            h.mobile, h.landline, h.size, h.kind,
                            tuple(g.name for g in h.current_tags()))
                           for h in s.scalars(select(Household))},
        }


def test_export_is_print_ready_and_safe(db: Database, tmp_path: Path) -> None:
    seeded(db, tmp_path)
    out = tmp_path / "导出.xlsx"
    with db.session() as s:
        assert export_roster(s, out) == out
    book = load_workbook(out)
    assert book.sheetnames == ["驻点团队", "团队人员", "人员名册", "住户"]
    ws = book["团队人员"]
    assert ws["A1"].value == "云溪镇驻点团队人员名册"
    assert [c.value for c in ws[2]] == MEMBER_HEADER
    assert ws.print_title_rows == "$2:$2"
    assert ws.freeze_panes == "A3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws["A3"].border.left.style == "thin"
    assert ws.column_dimensions["A"].width >= 10
    by_name = {row[4].value: row for row in ws.iter_rows(min_row=3)}
    formula_like = by_name["=1+1"]
    assert formula_like[4].data_type == "s"
    assert [formula_like[i].value for i in (6, 7, 12)] == ["+86单位", "-副主任", "@备注"]
    assert all(c.data_type == "s" for c in formula_like if c.value is not None)
    chen = by_name["陈志强"]
    assert chen[11].value == "110105********002X" and chen[11].value != ID_CHEN
    assert chen[9].value == "13800000001" and chen[9].data_type == "s"
    households = book["住户"]
    assert households.print_title_rows == "$2:$2"
    assert households["E3"].data_type == "s"


def test_round_trip_into_a_fresh_database(db: Database, tmp_path: Path) -> None:
    seeded(db, tmp_path)
    out = tmp_path / "导出.xlsx"
    with db.session() as s:
        export_roster(s, out)
    with open_test_database(tmp_path / "fresh.db") as fresh:
        result = apply_import(fresh, out)
        assert result.problems == []
        assert snapshot(fresh) == snapshot(db)
        # Only IDs are lost on the way, by design: the export masks them.
        with fresh.session() as s:
            assert s.scalars(select(Person.resident_id)).all() == [None] * 6


def test_export_command(db: Database, db_path: Path, tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from app.models import AuditEntry
    from app.services import accounts

    seeded(db, tmp_path)
    with db.session() as s:
        accounts.create_first_admin(s, "admin", "管理员", "Admin-pass-2026")
    db.close()
    monkeypatch.setenv("ZHILIAN_PASSWORD", "Admin-pass-2026")
    out = tmp_path / "cli.xlsx"
    assert cli_main(["export-roster", "--db", db_target(db_path), "--user", "admin",
                     "--out", str(out)]) == 0
    assert "已导出名册" in capsys.readouterr().out
    book = load_workbook(out, read_only=True)
    assert book["住户"].max_row == 5
    book.close()
    with open_test_database(db_path) as reopened, reopened.session() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last is not None and (last.username, last.action) == ("admin", "export")


def active_people(db: Database) -> list[tuple[str, str]]:
    """Sorted with repeats, so two people merged into one would show."""
    with db.session() as s:
        return sorted((name, mobile) for name, mobile in s.execute(
            select(Person.name, Person.mobile).where(Person.retired_on.is_(None))))


def current_members(db: Database) -> set[tuple[str, str, str, object, str]]:
    with db.session() as s:
        return {(m.team.name, m.person.name, m.person.mobile, m.role, m.title)
                for m in s.scalars(select(Membership)) if m.in_force()}


def town_with_people_in_no_team(db: Database, tmp_path: Path) -> tuple[str, str]:
    """Two teams, people in no team (one who left a team), one retired loner, one retired member."""
    seeded(db, tmp_path)
    loose = [("委员甲", PersonCategory.COMMITTEE_MEMBER, "13700000001", resident_id("44078119850505432")),
             ("网格员乙", PersonCategory.GRID_WORKER, "13700000002", ""),
             ("志愿者丙", PersonCategory.VOLUNTEER, "", ""),
             ("志愿者丁", PersonCategory.VOLUNTEER, "", ""),
             ("镇领导戊", PersonCategory.TOWN_LEADER, "13700000005", ""),
             ("退休己", PersonCategory.OTHER, "13700000006", "")]
    with db.session() as s:
        made = {name: people.create_person(s, people.PersonInput(
                    name=name, category=category, phones=mobile, resident_id=rid,
                    unit="云溪镇", position="委员" if rid else "", note="=备注" if rid else ""))
                for name, category, mobile, rid in loose}
        people.retire_person(s, made["退休己"].id, date.today(), "调离")
        huang = s.scalar(select(Membership).join(Membership.person).where(Person.name == "黄丽"))
        wu = s.scalar(select(Membership).join(Membership.person).where(Person.name == "吴芳"))
        assert huang is not None and wu is not None
        teams.end_membership(s, huang.id, date.today(), "调整分工")  # 黄丽 stays on the roster
        people.retire_person(s, wu.person_id, date.today(), "调离")
    return "退休己", "吴芳"


def test_people_in_no_team_survive_the_round_trip(db: Database, tmp_path: Path) -> None:
    retired = town_with_people_in_no_team(db, tmp_path)
    out = tmp_path / "名册.xlsx"
    with db.session() as s:
        export_roster(s, out)
    listed = [row[0] for row in load_workbook(out)["人员名册"].iter_rows(min_row=3, values_only=True)]
    assert listed == ["镇领导戊", "黄丽", "委员甲", "网格员乙", "志愿者丁", "志愿者丙"]  # by 人员类别
    with open_test_database(tmp_path / "fresh.db") as fresh:
        result = apply_import(fresh, out)
        assert result.problems == []
        assert active_people(fresh) == active_people(db)
        assert current_members(fresh) == current_members(db)
        with fresh.session() as s:
            assert not set(s.scalars(select(Person.name))) & set(retired)
        with fresh.session() as s:
            assert not s.scalars(select(Membership).join(Membership.person)
                                 .where(Person.name == "黄丽")).all()
        revision = fresh.data_revision()
        again = apply_import(fresh, out)
        assert (again.people_new, again.memberships_new, again.teams_new) == (0, 0, 0)
        assert again.people_existing == result.people_new == len(active_people(db))
        assert fresh.data_revision() == revision
