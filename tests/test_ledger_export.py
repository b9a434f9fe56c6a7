"""The ledgers exported as print-ready xlsx, read back with openpyxl: title, unit line, header
repeated on every page, the paper (A3 landscape for the wide books, A4 for the others) with the
columns filling its width, every row's height set, text kept as text, masking, who sees what,
and the ``export-ledger`` command end to end. (How they look printed: test_xlsx_print.py.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from app.cli import main as cli_main
from app.db import Database
from app.errors import PermissionDenied, ValidationError
from app.ledgers import export_ledger, parse_month
from app.models import (AuditEntry, FeedbackMethod, Household, Person, Role, Satisfaction,
                        SessionKind)
from app.models import ProblemStatus as S
from app.services import households, problems, station_logs, visits
from app.services.problems import Feedback
from app.services.settings import get_settings
from app.services.station_logs import ReceptionInput, SessionInput
from tests.accounts_support import act_as_admin_in_commands, add_admin
from tests.databases import db_target, open_test_database
from tests.test_services_problems import Town, actor, make_town, pin
from tests.test_services_station_logs import liaison_of_a, raised

MARCH = date(2026, 3, 1)
FULL_ID = "11010519491231002X"


@dataclass(frozen=True)
class Ledger:
    town: Town
    numbers: dict[str, str]


def build_ledger(db: Database) -> Ledger:
    """March 2026 in two teams, plus problems before and after it."""
    town = make_town(db)
    liaison = liaison_of_a(db, town)
    n: dict[str, str] = {}
    with db.session() as s:
        get_settings(s).town_name = "云溪镇"
        home = households.create_household(s, households.HouseholdInput(
            community_id=town.shigang, address="石岗村一巷 3 号", head_name="王阿姨",
            head_resident_id=FULL_ID))
        log = station_logs.create_session(s, SessionInput(
            team_id=town.team_a, community_id=town.shigang, held_on=date(2026, 3, 3),
            kind=SessionKind.HOME_VISIT, member_ids=[town.leader_a, liaison],
            household_ids=[home.id], summary="=1+1", problems=[raised("巷口垃圾堆放")]))
        n["from_log"] = log.problems[0].number
        station_logs.create_session(s, SessionInput(
            team_id=town.team_b, community_id=town.donghu, held_on=date(2026, 3, 10),
            summary="东湖社区接待"))
        reception = station_logs.create_reception(s, ReceptionInput(
            team_id=town.team_a, community_id=town.shigang, received_on=date(2026, 3, 17),
            visitor_name="李大姐", phone="13800000001", matter="0012 号路灯不亮",
            handling="已登记转办", household_id=home.id,
            new_problem=pin(town.shigang, category="基础设施", description="路灯不亮",
                            reporter_name="")))
        n["from_reception"] = reception.problem.number
        n["anonymous"] = problems.raise_problem(s, pin(
            town.shigang, date(2026, 3, 20), anonymous=True, reporter_name="",
            team_id=town.team_a, description="有人夜间乱倒建筑垃圾")).number
        n["old_open"] = problems.raise_problem(s, pin(
            town.shigang, date(2026, 1, 6), team_id=town.team_a, description="老问题未办")).number
        early = problems.raise_problem(s, pin(
            town.shigang, date(2026, 1, 7), team_id=town.team_a, description="一月已办结"))
        n["done_in_jan"] = early.number
        late = problems.raise_problem(s, pin(
            town.shigang, date(2026, 2, 2), team_id=town.team_a, description="三月办结并反馈",
            reporter_household_id=home.id, reporter_name=""))
        n["done_in_march"] = late.number
        n["april"] = problems.raise_problem(s, pin(
            town.shigang, date(2026, 4, 2), team_id=town.team_a, description="四月的")).number
        n["team_b"] = problems.raise_problem(s, pin(
            town.donghu, date(2026, 3, 11), team_id=town.team_b, description="东湖的")).number
        early_id, late_id = early.id, late.id
    with db.session() as s:
        problems.advance(s, early_id, S.IN_PROGRESS, date(2026, 1, 8))
        problems.advance(s, early_id, S.DONE, date(2026, 1, 20), result="已处理完毕")
        problems.advance(s, late_id, S.IN_PROGRESS, date(2026, 2, 3))
        problems.advance(s, late_id, S.DONE, date(2026, 3, 5), result="已处理完毕")
        problems.advance(s, late_id, S.FED_BACK, date(2026, 3, 8), feedback=Feedback(
            FeedbackMethod.PHONE, date(2026, 3, 8), Satisfaction.SATISFIED))
    return Ledger(town, n)


def body(ws: Worksheet, first: int = 4) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]


def header(ws: Worksheet, row: int = 3) -> list[object]:
    return [c.value for c in ws[row]]


A4, A3 = 9, 8     # openpyxl's paper sizes


def check_print_layout(ws: Worksheet, title: str, paper: int = A4, first: int = 1) -> None:
    """Title in row ``first`` (merged across the columns), the unit line under it, then the
    header, repeated on every page; landscape ``paper``, one page wide, the columns filling
    the printable width; every row's height set; page numbers in the footer."""
    from app.documents.xlsx import A3_LANDSCAPE, A4_LANDSCAPE

    unit, head = first + 1, first + 2
    columns = len(header(ws, head))
    last = chr(ord("A") + columns - 1)
    assert ws[f"A{first}"].value == title
    assert ws[f"A{first}"].font.bold and ws[f"A{first}"].alignment.horizontal == "center"
    assert f"A{first}:{last}{first}" in {str(r) for r in ws.merged_cells.ranges}
    assert str(ws[f"A{unit}"].value).startswith("单位：云溪镇")
    assert "2026年3月1日至3月31日" in ws[f"A{unit}"].value
    assert ws.print_title_rows == f"${head}:${head}"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == paper
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.freeze_panes == f"A{head + 1}"
    assert ws[f"A{head}"].border.left.style == "thin"
    assert ws[f"A{head + 1}"].border.bottom.style == "thin"
    assert ws[f"A{head + 1}"].alignment.wrap_text
    widths = [ws.column_dimensions[chr(ord("A") + i)].width for i in range(columns)]
    units = (A3_LANDSCAPE if paper == A3 else A4_LANDSCAPE).units
    assert all(w >= 4 for w in widths) and sum(widths) == pytest.approx(units, rel=0.01)
    assert all(ws.row_dimensions[r].height for r in range(1, ws.max_row + 1))
    assert "&P" in ws.oddFooter.center.text and ws.oddFooter.center.size >= 9


def every_value(path: Path) -> list[object]:
    return [v for ws in load_workbook(path) for row in ws.iter_rows(values_only=True)
            for v in row if v is not None]


def test_station_log_export(db: Database, db_path: Path, tmp_path: Path) -> None:
    ledger = build_ledger(db)
    with db.session() as s:
        result = export_ledger(s, "log", MARCH, tmp_path / "日志.xlsx")
    assert result.rows == 2
    ws = load_workbook(result.path).active
    check_print_layout(ws, "云溪镇驻点日志（2026年3月）", A3)
    assert "各驻点团队" in ws["A2"].value and "共 2 条" in ws["A2"].value
    assert header(ws) == ["日期", "时间", "驻点团队", "村（社区）", "地点", "形式", "到场成员",
                          "联系户数", "联系住户", "情况摘要", "反映问题编号"]
    first, second = body(ws)
    assert first == ["2026-03-03", "15:00—18:30", "石岗村驻点团队", "石岗村", first[4],
                     "入户走访", "陈志强、黄小燕", 1, "王阿姨（石岗村一巷 3 号）", "=1+1",
                     ledger.numbers["from_log"]]
    assert ws["J4"].data_type == "s"  # the summary "=1+1" is text, not a formula
    assert isinstance(ws["H4"].value, int)
    assert second[2:4] == ["东湖社区驻点团队", "东湖社区"]
    assert FULL_ID not in every_value(result.path)
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
        assert entry.summary == "导出驻点日志（2026年3月）：日志.xlsx（2 条）"


def test_reception_export_keeps_phone_and_numbers_as_text(db: Database, tmp_path: Path) -> None:
    ledger = build_ledger(db)
    with db.session() as s:
        result = export_ledger(s, "reception", MARCH, tmp_path / "接待.xlsx",
                               team_id=ledger.town.team_a)
    ws = load_workbook(result.path).active
    check_print_layout(ws, "云溪镇接待台账（2026年3月）")
    assert "云溪镇石岗村驻点团队" in ws["A2"].value
    assert header(ws) == ["日期", "村（社区）", "来访人", "联系电话", "反映事项", "处理情况",
                          "关联问题编号"]
    assert body(ws) == [["2026-03-17", "石岗村", "李大姐", "13800000001", "0012 号路灯不亮",
                         "已登记转办", ledger.numbers["from_reception"]]]
    assert ws["D4"].data_type == "s" and ws["D4"].number_format == "@"


def test_problem_ledger_of_the_month(db: Database, tmp_path: Path) -> None:
    ledger = build_ledger(db)
    n = ledger.numbers
    with db.session() as s:
        result = export_ledger(s, "problems", MARCH, tmp_path / "问题.xlsx")
    ws = load_workbook(result.path).active
    check_print_layout(ws, "云溪镇问题台账（2026年3月）", A3)
    assert header(ws) == ["编号", "登记日期", "来源", "反映人", "问题类别", "问题描述", "办理层级",
                          "责任领导", "责任部门", "办结时限", "办理状态", "超期", "办理结果",
                          "反馈方式", "反馈日期", "群众满意度"]
    rows = {r[0]: r for r in body(ws)}
    # registered in March, or still open in it; not the one handled in January, not April's
    assert set(rows) == {n["from_log"], n["from_reception"], n["anonymous"], n["old_open"],
                         n["done_in_march"], n["team_b"]}
    assert rows[n["anonymous"]][3] == "匿名"
    assert rows[n["from_reception"]][3] == "李大姐"
    assert rows[n["done_in_march"]][3] == "王阿姨"          # the reporter household's head
    assert rows[n["done_in_march"]][10:] == ["已反馈", None, "已处理完毕", "电话", "2026-03-08", "满意"]
    old = rows[n["old_open"]]
    assert old[1:3] == ["2026-01-06", "其他"]
    assert old[9] == "2026-02-05" and old[10] == "登记" and old[11] == "超期"
    overdue_row = next(r for r in ws.iter_rows(min_row=4) if r[0].value == n["old_open"])
    assert overdue_row[11].font.color.rgb.endswith("C00000") and overdue_row[11].font.bold
    assert FULL_ID not in every_value(result.path)


def test_liaison_exports_only_their_team(db: Database, db_path: Path, tmp_path: Path) -> None:
    ledger = build_ledger(db)
    town, n = ledger.town, ledger.numbers
    db.close()
    with open_test_database(db_path, actor(Role.LIAISON, town.team_a)) as mine:
        with mine.session() as s:
            log = export_ledger(s, "log", MARCH, tmp_path / "log.xlsx")
            ledger_out = export_ledger(s, "problems", MARCH, tmp_path / "p.xlsx")
            with pytest.raises(PermissionDenied):
                export_ledger(s, "log", MARCH, tmp_path / "b.xlsx", team_id=town.team_b)
    ws = load_workbook(log.path).active
    assert "石岗村驻点团队" in ws["A2"].value and "东湖" not in ws["A2"].value
    assert [r[2] for r in body(ws)] == ["石岗村驻点团队"]
    numbers = {r[0] for r in body(load_workbook(ledger_out.path).active)}
    assert n["team_b"] not in numbers and n["from_log"] in numbers
    assert not (tmp_path / "b.xlsx").exists()


def test_a_liaison_in_no_team_gets_an_empty_ledger(db: Database, db_path: Path,
                                                   tmp_path: Path) -> None:
    build_ledger(db)
    db.close()
    with open_test_database(db_path, actor(Role.LIAISON)) as d, d.session() as s:
        result = export_ledger(s, "log", MARCH, tmp_path / "x.xlsx")
    ws = load_workbook(result.path).active
    assert result.rows == 0 and body(ws) == [] and "（无驻点团队）" in ws["A2"].value


def test_month_parsing() -> None:
    assert parse_month("2026-03") == MARCH == parse_month("2026年3月") == parse_month(" 2026-3 ")
    for bad in ("2026-13", "03-2026", "三月", ""):
        with pytest.raises(ValidationError, match="请写成“年-月”"):
            parse_month(bad)


def add_visits(db: Database, ledger: Ledger) -> None:
    """王阿姨 (孤寡老人, team A's 石岗村) visited in March; 赵大爷 (残疾人, removed in March)
    never; 东湖社区's 钱奶奶 (困难党员) visited by team B."""
    town = ledger.town
    with db.session() as s:
        liaison = s.scalar(select(Person.id).where(Person.name == "黄小燕"))
        home = s.scalar(select(Household.id).where(Household.head_name == "王阿姨"))
        households.tag_household(s, home, "孤寡老人", date(2025, 6, 1), "独居")
        other = households.create_household(s, households.HouseholdInput(
            community_id=town.shigang, address="石岗村二巷 8 号", head_name="赵大爷",
            phones="13900000009")).id
        households.tag_household(s, other, "残疾人", date(2026, 1, 2), "残疾证")
        households.untag_household(s, other, "残疾人", date(2026, 3, 15), "迁出本村治疗")
        far = households.create_household(s, households.HouseholdInput(
            community_id=town.donghu, address="东湖路 1 号", head_name="钱奶奶")).id
        households.tag_household(s, far, "困难党员", date(2026, 2, 1), "低保")
        b_leader = s.scalar(select(Person.id).where(Person.name == "李文"))
        visits.record_visit(s, visits.VisitInput(
            team_id=town.team_a, household_id=home, visited_on=date(2026, 3, 12),
            visitor_ids=[town.leader_a, liaison], notes="@SUM(1) 身体尚好"),
            today=date(2026, 3, 31))
        visits.record_visit(s, visits.VisitInput(
            team_id=town.team_b, household_id=far, visited_on=date(2026, 3, 13),
            visitor_ids=[b_leader], notes="送米送油"), today=date(2026, 3, 31))


def test_visit_record_export_masks_ids_and_hides_groups_from_leaders(
        db: Database, db_path: Path, tmp_path: Path) -> None:
    ledger = build_ledger(db)
    add_visits(db, ledger)
    with db.session() as s:
        result = export_ledger(s, "visits", MARCH, tmp_path / "走访.xlsx")
    ws = load_workbook(result.path).active
    check_print_layout(ws, "云溪镇走访记录（2026年3月）", A3)
    assert header(ws) == ["日期", "驻点团队", "村（社区）", "户主", "住址", "户主身份证号",
                          "重点群体", "走访人", "走访情况", "反映问题编号"]
    first, second = body(ws)
    assert first == ["2026-03-12", "石岗村驻点团队", "石岗村", "王阿姨", "石岗村一巷 3 号",
                     "110105********002X", "孤寡老人", "陈志强、黄小燕", "@SUM(1) 身体尚好", None]
    assert ws["I4"].data_type == "s"
    assert second[1] == "东湖社区驻点团队" and second[6] == "困难党员"
    assert FULL_ID not in every_value(result.path)
    db.close()
    leader = actor(Role.LEADER, ledger.town.team_a)  # no VIEW_SENSITIVE: no key groups
    with open_test_database(db_path, leader) as d, d.session() as s:
        mine = export_ledger(s, "visits", MARCH, tmp_path / "v2.xlsx")
    [only] = body(load_workbook(mine.path).active)
    assert only[1] == "石岗村驻点团队" and only[5] == "110105********002X" and only[6] is None


def test_key_register_and_monthly_progress(db: Database, db_path: Path, tmp_path: Path) -> None:
    ledger = build_ledger(db)
    add_visits(db, ledger)
    with db.session() as s:
        result = export_ledger(s, "register", MARCH, tmp_path / "登记册.xlsx",
                               team_id=ledger.town.team_a)
    book = load_workbook(result.path)
    assert book.sheetnames == ["重点走访登记册", "月度进度"]
    ws = book["重点走访登记册"]
    check_print_layout(ws, "云溪镇重点走访登记册（2026年3月）", A3)
    assert header(ws) == ["村（社区）", "户主", "户主身份证号", "住址", "联系电话", "重点群体",
                          "列入（移出）", "本月走访日期", "本月走访人", "本年走访天数", "最近走访",
                          "本年未走访"]
    assert body(ws) == [
        ["石岗村", "王阿姨", "110105********002X", "石岗村一巷 3 号", None, "孤寡老人",
         "2025-06-01", "03-12", "陈志强、黄小燕", 1, "2026-03-12", None],
        ["石岗村", "赵大爷", None, "石岗村二巷 8 号", "13900000009", "残疾人",
         "2026-01-02（2026-03-15 移出）", None, None, 0, None, "未走访"]]
    assert ws["E5"].data_type == "s" and ws["L5"].font.color.rgb.endswith("C00000")
    progress = book["月度进度"]
    check_print_layout(progress, "云溪镇重点走访月度进度表（2026年3月）")
    assert body(progress) == [["石岗村驻点团队", 1, 20, pytest.approx(0.05), "未达标", 1],
                              ["2026年重点户走访（截至本月底）", 1, 2, 0.5, "未达标", None]]
    assert progress["D4"].number_format == "0.0%"    # a number, shown as 5.0%
    assert FULL_ID not in every_value(result.path)
    db.close()
    with open_test_database(db_path, actor(Role.LEADER, ledger.town.team_a)) as d, \
            d.session() as s:
        hidden = export_ledger(s, "register", MARCH, tmp_path / "r2.xlsx")
    rows = body(load_workbook(hidden.path)["重点走访登记册"])
    assert [r[1] for r in rows] == ["王阿姨", "赵大爷"]          # only team A's communities
    assert all(r[5] is None and r[6] is None for r in rows)      # no key groups, no tag dates


def test_command_end_to_end(db: Database, db_path: Path, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    ledger = build_ledger(db)
    add_visits(db, ledger)
    add_admin(db)
    db.close()
    act_as_admin_in_commands(monkeypatch)
    target = db_target(db_path)
    out = tmp_path / "问题台账.xlsx"
    code = cli_main(["export-ledger", "--db", target, "--kind", "problems", "--month", "2026-03",
                     "--team", "东湖社区驻点团队", "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "已导出问题台账（2026年3月，1 条）" in printed.out
    ws = load_workbook(out).active
    assert ws["A1"].value == "云溪镇问题台账（2026年3月）"
    assert [r[0] for r in body(ws)] == [ledger.numbers["team_b"]]

    register = tmp_path / "登记册.xlsx"
    code = cli_main(["export-ledger", "--db", target, "--kind", "register", "--month", "2026-3",
                     "--team", "石岗村驻点团队", "--out", str(register)])
    assert code == 0 and "已导出重点走访登记册（2026年3月，2 条）" in capsys.readouterr().out
    assert load_workbook(register).sheetnames == ["重点走访登记册", "月度进度"]

    code = cli_main(["export-ledger", "--db", target, "--kind", "log", "--month", "2026-13",
                     "--out", str(tmp_path / "x.xlsx")])
    assert code == 1 and "月份“2026-13”看不懂" in capsys.readouterr().err
    code = cli_main(["export-ledger", "--db", target, "--kind", "log", "--month", "2026-03",
                     "--team", "西山村驻点团队", "--out", str(tmp_path / "x.xlsx")])
    assert code == 1 and "找不到驻点团队“西山村驻点团队”" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()
    with open_test_database(db_path) as again, again.session() as s:
        summaries = list(s.scalars(select(AuditEntry.summary).where(AuditEntry.action == "export")))
        assert summaries == ["导出问题台账（2026年3月，东湖社区驻点团队）：问题台账.xlsx（1 条）",
                             "导出重点走访登记册（2026年3月，石岗村驻点团队）：登记册.xlsx（2 条）"]


def test_a_year_of_problems_in_one_file(db: Database, db_path: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """--year: every problem registered in the year or open during it, each once, laid out
    like the monthly ledger; text that looks like markup or a formula comes back as typed."""
    ledger = build_ledger(db)
    n = ledger.numbers
    with db.session() as s:
        problems.raise_problem(s, pin(
            ledger.town.shigang, date(2026, 5, 6), team_id=ledger.town.team_a,
            description="A&B <路灯> \"=SUM(1)\" 'x'"))
    add_admin(db)
    db.close()
    act_as_admin_in_commands(monkeypatch)
    target, out = db_target(db_path), tmp_path / "问题台账2026.xlsx"
    code = cli_main(["export-ledger", "--db", target, "--kind", "problems", "--year", "2026",
                     "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "已导出问题台账（2026年，9 条）" in printed.out
    ws = load_workbook(out).active
    assert ws["A1"].value == "云溪镇问题台账（2026年）"
    assert "2026年1月1日至12月31日" in ws["A2"].value and "共 9 条" in ws["A2"].value
    assert ws.print_title_rows == "$3:$3" and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws["A4"].border.left.style == "thin" and ws["F4"].alignment.wrap_text
    rows = body(ws)
    assert [r[0] for r in rows].count(n["done_in_jan"]) == 1       # handled in January: in
    assert {r[0] for r in rows} >= set(n.values())
    [odd] = [r for r in rows if r[1] == "2026-05-06"]
    assert odd[5] == "A&B <路灯> \"=SUM(1)\" 'x'"
    odd_cell = next(r[5] for r in ws.iter_rows(min_row=4) if r[1].value == "2026-05-06")
    assert odd_cell.data_type == "s" and odd_cell.number_format == "@"
    # read-only mode (how big files are read) sees the same rows
    fast_book = load_workbook(out, read_only=True)   # keeps the file open until closed
    try:
        fast = fast_book.active
        assert [list(r) for r in fast.iter_rows(min_row=4, values_only=True)] == rows
    finally:
        fast_book.close()
    assert FULL_ID not in every_value(out)

    code = cli_main(["export-ledger", "--db", target, "--kind", "problems", "--year", "2025",
                     "--out", str(tmp_path / "2025.xlsx")])
    assert code == 0 and "（2025年，0 条）" in capsys.readouterr().out
    code = cli_main(["export-ledger", "--db", target, "--kind", "log", "--year", "2026",
                     "--out", str(tmp_path / "x.xlsx")])
    assert code == 1 and "按年导出（--year）只适用于问题台账" in capsys.readouterr().err
    code = cli_main(["export-ledger", "--db", target, "--kind", "problems", "--year", "26",
                     "--out", str(tmp_path / "x.xlsx")])
    assert code == 1 and "年份“26”看不懂" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()
    with open_test_database(db_path) as again, again.session() as s:
        summaries = list(s.scalars(select(AuditEntry.summary).where(AuditEntry.action == "export")))
        assert summaries[0] == "导出问题台账（2026年）：问题台账2026.xlsx（9 条）"


def test_control_characters_do_not_break_the_file(db: Database, tmp_path: Path) -> None:
    ledger = build_ledger(db)
    with db.session() as s:
        problems.raise_problem(s, pin(ledger.town.shigang, date(2026, 3, 25),
                                      description="铃声\x07在\x1b此"))
    with db.session() as s:
        result = export_ledger(s, "problems", MARCH, tmp_path / "p.xlsx")
    texts = [r[5] for r in body(load_workbook(result.path).active)]
    assert "铃声在此" in texts
