"""The monthly forms read back: 附件1 and 附件2 reopened with openpyxl (title, unit line, header
repeated, A4 landscape fitted to the width, money as numbers to two places, the 合计 row equal
to the exact Decimal sum of the rows) and read with pypdfium2 (text, A4 landscape); which
problems and projects a month's form holds; the register and its progress sheet; the written
report; and who may export which team's forms."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.db import Database
from app.errors import DomainError, PermissionDenied
from app.forms import (form1_pdf, form1_rows, form1_xlsx, form2_pdf, form2_rows, form2_totals,
                       form2_xlsx, register_pdf, register_xlsx, report_pdf)
from app.forms.common import money_sum, money_text
from app.models import AuditEntry, HandlingLevel, Problem, Role, Urgency
from app.services import funding, problems, written_reports
from app.services.funding import ProjectInput
from app.services.settings import get_settings
from tests.databases import open_test_database
from tests.test_ledger_export import check_print_layout, header
from tests.test_services_problems import Town, actor, make_town, pin

A4_LANDSCAPE = (842, 595)
A4_PORTRAIT = (595, 842)


@dataclass(frozen=True)
class Month:
    town: Town
    ids: dict[str, int]


def committee(community_id: int, on: date, description: str, budget: str, subsidy: str,
              **kw) -> problems.ProblemInput:
    return pin(community_id, on, description=description, level=HandlingLevel.PARTY_COMMITTEE,
               situation=f"{description}的现状", solution=f"{description}的解决方案",
               budget=budget, subsidy=subsidy, expected_completion=date(2026, 6, 30), **kw)


def project(town: Town, name: str, applied_on: date, budget: str, subsidy: str,
            team: str = "a", urgency: Urgency = Urgency.NORMAL) -> ProjectInput:
    team_id, community = ((town.team_a, town.shigang) if team == "a"
                          else (town.team_b, town.donghu))
    return ProjectInput(team_id, community, name, budget, subsidy, applied_on, urgency,
                        situation=f"{name}现状", plan=f"{name}方案",
                        expected_completion=date(2026, 8, 31))


def build_month(db: Database) -> Month:
    """March 2026: team A raised two problems to the committee and applied for two projects;
    around them, what the month's forms must leave out."""
    town = make_town(db)
    ids: dict[str, int] = {}
    with db.session() as s:
        get_settings(s).town_name = "云溪镇"
        ids["road"] = problems.raise_problem(s, committee(
            town.shigang, date(2026, 3, 5), "村道硬底化", "120000.10", "80000.20",
            team_id=town.team_a)).id
        problems.raise_problem(s, committee(
            town.shigang, date(2026, 3, 20), "文化室屋顶漏水", "0.20", "0.10",
            team_id=town.team_a))
        problems.raise_problem(s, committee(            # February: not this month
            town.shigang, date(2026, 2, 27), "二月的问题", "1.00", "1.00", team_id=town.team_a))
        problems.raise_problem(s, pin(                  # not raised to the committee
            town.shigang, date(2026, 3, 6), team_id=town.team_a, description="路灯不亮"))
        problems.raise_problem(s, committee(            # team B's
            town.donghu, date(2026, 3, 9), "东湖排水", "5000.00", "3000.00",
            team_id=town.team_b))
        P = lambda *a, **k: funding.create_project(s, project(town, *a, **k)).id  # noqa: E731
        ids["p1"] = P("石岗村道路灯", date(2026, 1, 10), "60000.10", "50000.10", urgency=Urgency.HIGH)
        ids["p3"] = P("篮球场翻新", date(2026, 2, 1), "30000.00", "20000.00")
        ids["p4"] = P("二月完工项目", date(2026, 1, 5), "1000.00", "1000.00")
        ids["p5"] = P("一月未批项目", date(2026, 1, 6), "999.00", "999.00")
        ids["p6"] = P("三月未批项目", date(2026, 3, 2), "0.20", "0.10", urgency=Urgency.MEDIUM)
        ids["p7"] = P("未报进度项目", date(2026, 2, 3), "10000.00", "8000.00")
        ids["p2"] = P("三月新申请", date(2026, 3, 8), "0.10", "0.10")
        ids["p8"] = P("东湖项目", date(2026, 3, 12), "7000.00", "7000.00", team="b")
        ids["p9"] = P("四月申请", date(2026, 4, 2), "100.00", "100.00")
    with db.session() as s:
        funding.decide(s, ids["p1"], date(2026, 1, 20), "50000.10")
        funding.disburse(s, ids["p1"], date(2026, 2, 1), "20000.05")
        funding.disburse(s, ids["p1"], date(2026, 3, 15), "10000.05")
        funding.disburse(s, ids["p1"], date(2026, 4, 2), "5000.00")          # after March
        funding.record_progress(s, ids["p1"], 2026, 2, 30, "备料")
        funding.record_progress(s, ids["p1"], 2026, 3, 60, "主体完工")
        funding.decide(s, ids["p3"], date(2026, 2, 10), "20000.00")
        funding.record_progress(s, ids["p3"], 2026, 3, 100, "已验收", completed_on=date(2026, 3, 25))
        funding.decide(s, ids["p4"], date(2026, 1, 15), "1000.00")
        funding.record_progress(s, ids["p4"], 2026, 2, 100, completed_on=date(2026, 2, 20))
        funding.decide(s, ids["p5"], date(2026, 1, 15), None, "不属于补贴范围")
        funding.decide(s, ids["p6"], date(2026, 3, 10), None, "资金已排满")
        funding.decide(s, ids["p7"], date(2026, 2, 20), "8000.00")
        road = s.get(Problem, ids["road"])
        road.committee_decided_on, road.committee_decision = date(2026, 3, 26), "同意补贴八万元"
    return Month(town, ids)


def pdf_text(path: Path) -> tuple[list[str], list[tuple[int, int]]]:
    pdf = pdfium.PdfDocument(path)
    texts, sizes = [], []
    for page in pdf:
        texts.append(page.get_textpage().get_text_range())
        sizes.append(tuple(round(v) for v in page.get_size()))
    pdf.close()
    return texts, sizes


def squash(text: str) -> str:
    return "".join(text.split())


def money_cells(ws, column: int, first: int, last: int) -> list[Decimal]:  # type: ignore[no-untyped-def]
    out = []
    for row in range(first, last + 1):
        cell = ws.cell(row=row, column=column)
        assert cell.number_format == "#,##0.00", (row, column)
        assert isinstance(cell.value, (int, float)), (row, column, cell.value)
        out.append(Decimal(str(cell.value)).quantize(Decimal("0.01")))
    return out


# --- 附件1 ---------------------------------------------------------------------------------

def test_form1_rows_hold_the_months_committee_problems_and_funding_applications(db: Database
                                                                               ) -> None:
    m = build_month(db)
    with db.session() as s:
        rows = form1_rows(s, 2026, 3, m.town.team_a)
        town_rows = form1_rows(s, 2026, 3, None)
    assert [(r.seq, r.kind, r.problem) for r in rows] == [
        (1, "问题", "村道硬底化"), (2, "问题", "文化室屋顶漏水"),
        (3, "经费申请", "经费申请：三月未批项目（紧急）"), (4, "经费申请", "经费申请：三月新申请（一般）")]
    road = rows[0]
    assert (road.community, road.situation, road.solution) == ("石岗村", "村道硬底化的现状",
                                                               "村道硬底化的解决方案")
    assert (road.budget, road.subsidy) == (Decimal("120000.10"), Decimal("80000.20"))
    assert road.expected_completion == date(2026, 6, 30)
    assert road.opinion == "2026-03-26，同意补贴八万元"
    assert rows[2].opinion == "2026-03-10 不批准：资金已排满"
    assert rows[3].opinion == ""
    assert {r.problem for r in town_rows} >= {"东湖排水", "经费申请：东湖项目（一般）"}
    assert len(town_rows) == 6


def test_form1_xlsx_is_print_ready_and_its_total_is_the_exact_sum(db: Database,
                                                                  tmp_path: Path) -> None:
    m = build_month(db)
    out = tmp_path / "附件1.xlsx"
    with db.session() as s:
        assert form1_xlsx(s, 2026, 3, m.town.team_a, out) == out
    ws = load_workbook(out)["附件1"]
    assert ws["A1"].value == "附件1" and ws["A1"].font.bold     # the label, as on the PDF
    check_print_layout(ws, "云溪镇石岗村2026年3月需提请党委会研究解决问题表", first=2)
    assert "石岗村驻点团队" in ws["A3"].value and "共 4 项" in ws["A3"].value
    assert header(ws, 4) == ["序号", "村（社区）", "问题", "现状", "解决方案", "预算金额（元）",
                             "申请补贴金额（元）", "预计完工时间", "党委会意见"]
    assert [ws.cell(row=r, column=3).value for r in range(5, 9)] == [
        "村道硬底化", "文化室屋顶漏水", "经费申请：三月未批项目（紧急）", "经费申请：三月新申请（一般）"]
    assert ws["A5"].value == 1 and ws["H5"].is_date and ws["H5"].number_format == "yyyy-mm-dd"
    budgets = money_cells(ws, 6, 5, 8)
    subsidies = money_cells(ws, 7, 5, 8)
    assert budgets == [Decimal("120000.10"), Decimal("0.20"), Decimal("0.20"), Decimal("0.10")]
    [total_budget, total_subsidy] = (money_cells(ws, 6, 9, 9)[0], money_cells(ws, 7, 9, 9)[0])
    assert ws["A9"].value == "合计" and ws["B9"].value == "4 项"
    assert total_budget == sum(budgets) == Decimal("120000.60")
    assert total_subsidy == sum(subsidies) == Decimal("80000.50")
    assert ws["A9"].font.bold
    assert "审核签名" in ws["A11"].value


def test_form1_pdf_reads_back_in_a4_landscape(db: Database, tmp_path: Path) -> None:
    m = build_month(db)
    out = tmp_path / "附件1.pdf"
    with db.session() as s:
        form1_pdf(s, 2026, 3, m.town.team_a, out)
    texts, sizes = pdf_text(out)
    assert set(sizes) == {A4_LANDSCAPE}
    text = squash("".join(texts))
    for expected in ("附件1", "云溪镇石岗村2026年3月需提请党委会研究解决问题表", "村道硬底化的解决方案",
                     "120,000.10", "120,000.60", "80,000.50", "经费申请：三月新申请", "同意补贴八万元",
                     "2026-03-10不批准：资金已排满", "合计", "审核签名", "第1页共1页"):
        assert expected in text, expected
    assert "二月的问题" not in text and "路灯不亮" not in text and "东湖" not in text


def test_an_empty_month_still_makes_a_form_saying_so(db: Database, tmp_path: Path) -> None:
    m = build_month(db)
    with db.session() as s:
        assert form1_rows(s, 2025, 12, m.town.team_a) == []
        form1_pdf(s, 2025, 12, m.town.team_a, tmp_path / "empty.pdf")
        form1_xlsx(s, 2025, 12, m.town.team_a, tmp_path / "empty.xlsx")
    assert "本月没有需提请党委会研究解决的问题" in squash(pdf_text(tmp_path / "empty.pdf")[0][0])
    ws = load_workbook(tmp_path / "empty.xlsx").active
    assert ws["A5"].value == "合计" and ws["F5"].value == 0


# --- 附件2 ---------------------------------------------------------------------------------

def test_form2_rows_are_the_projects_live_in_the_month_as_of_its_end(db: Database) -> None:
    m = build_month(db)
    with db.session() as s:
        rows = form2_rows(s, 2026, 3, m.town.team_a)
        feb = form2_rows(s, 2026, 2, m.town.team_a)
    assert [r.name for r in rows] == ["石岗村道路灯", "篮球场翻新", "未报进度项目", "三月未批项目",
                                      "三月新申请"]
    by = {r.name: r for r in rows}
    lamp = by["石岗村道路灯"]
    assert (lamp.seq, lamp.urgency, lamp.status) == (1, "特别紧急", "已批准")
    assert lamp.decision == "2026-01-20 批准 50,000.10 元"
    assert lamp.disbursed == Decimal("30000.10")            # April's payment not yet
    assert (lamp.percent, lamp.progress) == (60, "60%，主体完工")
    assert lamp.completion == "预计 2026-08-31"
    court = by["篮球场翻新"]
    assert (court.status, court.progress, court.completion) == ("已完工", "100%，已验收",
                                                                "实际 2026-03-25")
    assert by["未报进度项目"].behind and by["未报进度项目"].progress == "本月未报进度"
    assert by["三月未批项目"].decision == "2026-03-10 不批准：资金已排满"
    assert by["三月未批项目"].approved_amount is None
    assert by["三月新申请"].decision == "待党委会研究" and by["三月新申请"].status == "已申请"
    totals = form2_totals(rows)
    assert totals.budget == Decimal("100000.40")
    assert totals.subsidy == Decimal("78000.30")
    assert totals.approved == Decimal("78000.10")
    assert totals.disbursed == Decimal("30000.10")
    # February, as it stood then: the project completed on 20 February is still on it, and
    # the basketball court is only approved.
    feb_by = {r.name: r for r in feb}
    assert feb_by["二月完工项目"].progress == "100%" and feb_by["二月完工项目"].status == "已完工"
    assert feb_by["篮球场翻新"].status == "已批准"
    assert feb_by["石岗村道路灯"].disbursed == Decimal("20000.05")
    assert "三月新申请" not in feb_by and "一月未批项目" not in feb_by


def test_form2_xlsx_money_is_numbers_and_the_total_row_is_exact(db: Database,
                                                               tmp_path: Path) -> None:
    m = build_month(db)
    out = tmp_path / "附件2.xlsx"
    with db.session() as s:
        form2_xlsx(s, 2026, 3, m.town.team_a, out)
    ws = load_workbook(out)["附件2"]
    assert ws["A1"].value == "附件2"
    check_print_layout(ws, "云溪镇2026年直联工作专项经费补贴项目进度登记表（3月）", first=2)
    assert header(ws, 4) == ["序号", "村（社区）", "项目名称", "现状", "方案", "总预算（元）",
                             "申请补贴（元）", "申请日期", "紧急程度",
                             "党委会决定（日期、批准金额/不批准原因）", "已拨付（元）",
                             "本月进度（%、说明）", "预计/实际完工日期"]
    last = 9
    for column, expected in ((6, "100000.40"), (7, "78000.30"), (11, "30000.10")):
        values = money_cells(ws, column, 5, last)
        [total] = money_cells(ws, column, last + 1, last + 1)
        assert sum(values) == total == Decimal(expected), column
    assert ws.cell(row=last + 1, column=1).value == "合计"
    assert ws.cell(row=last + 1, column=10).value == "批准合计 78,000.10 元"
    assert ws["H5"].is_date and ws["I5"].value == "特别紧急"
    behind = ws.cell(row=7, column=12)
    assert behind.value == "本月未报进度" and behind.font.color.rgb.endswith("C00000")


def test_form2_pdf_reads_back_in_a4_landscape(db: Database, tmp_path: Path) -> None:
    m = build_month(db)
    out = tmp_path / "附件2.pdf"
    with db.session() as s:
        form2_pdf(s, 2026, 3, m.town.team_a, out)
    texts, sizes = pdf_text(out)
    assert set(sizes) == {A4_LANDSCAPE}
    text = squash("".join(texts))
    for expected in ("附件2", "云溪镇2026年直联工作专项经费补贴项目进度登记表（3月）", "石岗村道路灯",
                     "60%，主体完工", "30,000.10", "100,000.40", "78,000.30", "批准合计78,000.10元",
                     "实际2026-03-25", "本月未报进度", "特别紧急"):
        assert expected in text, expected
    assert "二月完工项目" not in text and "东湖项目" not in text and "四月申请" not in text


# --- register and report -----------------------------------------------------------------

def test_register_xlsx_is_the_ledger_register_and_the_pdf_its_progress(db: Database,
                                                                      tmp_path: Path) -> None:
    m = build_month(db)
    with db.session() as s:
        xlsx = register_xlsx(s, 2026, 3, m.town.team_a, tmp_path / "登记册.xlsx")
        pdf = register_pdf(s, 2026, 3, m.town.team_a, tmp_path / "进度.pdf")
    book = load_workbook(xlsx)
    assert book.sheetnames == ["重点走访登记册", "月度进度"]
    assert book["月度进度"]["A4"].value == "石岗村驻点团队"
    texts, sizes = pdf_text(pdf)
    assert sizes == [A4_PORTRAIT]
    text = squash(texts[0])
    for expected in ("云溪镇重点走访月度进度表（2026年3月）", "石岗村驻点团队", "未达标",
                     "2026年3月1日至3月31日"):
        assert expected in text, expected
    assert "东湖社区驻点团队" not in text


def test_report_pdf_prints_the_written_report_or_says_there_is_none(db: Database,
                                                                    tmp_path: Path) -> None:
    m = build_month(db)
    body = ("本月团队驻点五次，走访住户六十二户，其中重点户二十一户。\n"
            "收集问题九个，现场解决四个，提请党委会两个。\n\n下月重点推进村道硬底化项目。")
    with db.session() as s:
        written_reports.save_report(s, m.town.team_a, 2026, 3, "三月直联工作汇报", body)
    out = tmp_path / "汇报.pdf"
    with db.session() as s:
        report_pdf(s, 2026, 3, m.town.team_a, out)
    texts, sizes = pdf_text(out)
    assert set(sizes) == {A4_PORTRAIT}
    text = squash("".join(texts))
    for expected in ("三月直联工作汇报", "云溪镇石岗村驻点团队2026年3月", "撰写：",
                     "本月团队驻点五次", "提请党委会两个", "下月重点推进村道硬底化项目"):
        assert expected in text, expected
    with db.session() as s, pytest.raises(DomainError, match="东湖社区驻点团队还没有2026年3月的书面汇报"):
        report_pdf(s, 2026, 3, m.town.team_b, tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


# --- who may -------------------------------------------------------------------------------

def test_a_liaison_exports_only_their_teams_forms(db: Database, db_path: Path,
                                                 tmp_path: Path) -> None:
    m = build_month(db)
    db.close()
    with open_test_database(db_path, actor(Role.LIAISON, m.town.team_a)) as mine:
        with mine.session() as s:
            for export in (form1_xlsx, form2_xlsx, form1_pdf, form2_pdf):
                with pytest.raises(PermissionDenied, match="只限您负责的驻点团队"):
                    export(s, 2026, 3, m.town.team_b, tmp_path / "b.xlsx")
            # without a team: theirs, not the town's
            assert "东湖排水" not in {r.problem for r in form1_rows(s, 2026, 3, None)}
            assert "东湖项目" not in {r.name for r in form2_rows(s, 2026, 3, None)}
            form2_xlsx(s, 2026, 3, m.town.team_a, tmp_path / "a.xlsx")
        with mine.session() as s:
            summaries = list(s.scalars(select(AuditEntry.summary)
                                       .where(AuditEntry.action == "export")))
    assert any(x.startswith("导出附件2（2026年3月，石岗村驻点团队）：a.xlsx") for x in summaries)
    assert not (tmp_path / "b.xlsx").exists()


# --- the PDFs' amounts and headers -------------------------------------------------------

AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})*\.\d{2}")


def pdf_lines(path: Path) -> list[str]:
    """The PDF's text line by line, as pdftotext lays it out."""
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout.splitlines()


def header_rules_and_chars(path: Path, scale: int = 3) -> tuple[list[int], list[tuple]]:
    """On the first page: the x (pixels) of the table's vertical rules across its header row
    (the shaded row), and the boxes (pixels) of the characters printed in that row."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[0]
        image = page.render(scale=scale).to_pil().convert("L")
        width, height = image.size
        px = image.load()
        fill = round(0.93 * 255)
        shaded = [y for y in range(height)
                  if sum(1 for x in range(0, width, 3) if abs(px[x, y] - fill) <= 3) > width / 12]
        band = [shaded[0]]
        for y in shaded[1:]:
            if y - band[-1] > 3:
                break
            band.append(y)
        top, bottom = band[0], band[-1]
        rules = [x for x in range(width)
                 if sum(1 for y in range(top, bottom + 1) if px[x, y] < 150)
                 >= 0.9 * (bottom - top + 1)]
        textpage = page.get_textpage()
        page_h = page.get_size()[1]
        chars = []
        for i in range(textpage.count_chars()):
            left, low, right, high = textpage.get_charbox(i)
            box = (left * scale, (page_h - high) * scale, right * scale, (page_h - low) * scale)
            if right > left and top < (box[1] + box[3]) / 2 < bottom:
                chars.append((textpage.get_text_range(i, 1), box))
        return rules, chars
    finally:
        pdf.close()


def big_month(db: Database) -> Month:
    """build_month and, in March, projects and a problem of a million yuan and more: totals
    such as 1,076,086.40 that used to break inside the number."""
    m = build_month(db)
    town = m.town
    with db.session() as s:
        big = funding.create_project(s, project(town, "大额项目一", date(2026, 3, 3),
                                                "987654.32", "876543.21")).id
        funding.create_project(s, project(town, "村道拓宽工程", date(2026, 3, 4),
                                          "1000000.00", "121543.19"))
        problems.raise_problem(s, committee(town.shigang, date(2026, 3, 7), "河堤加固",
                                            "1076086.40", "998765.43", team_id=town.team_a))
    with db.session() as s:
        funding.decide(s, big, date(2026, 3, 10), "876543.21")
        funding.disburse(s, big, date(2026, 3, 20), "765432.10")
    return m


def test_amounts_never_break_and_headers_clear_the_borders(db: Database,
                                                            tmp_path: Path) -> None:
    m = big_month(db)
    one, two = tmp_path / "附件1.pdf", tmp_path / "附件2.pdf"
    with db.session() as s:
        form1_pdf(s, 2026, 3, m.town.team_a, one)
        form2_pdf(s, 2026, 3, m.town.team_a, two)
        rows1 = form1_rows(s, 2026, 3, m.town.team_a)
        rows2 = form2_rows(s, 2026, 3, m.town.team_a)
    t = form2_totals(rows2)
    expected1 = {money_text(v) for r in rows1 for v in (r.budget, r.subsidy) if v is not None}
    expected1 |= {money_text(money_sum([r.budget for r in rows1])),
                  money_text(money_sum([r.subsidy for r in rows1]))}
    expected2 = {money_text(v) for r in rows2 for v in (r.budget, r.subsidy, r.disbursed)}
    expected2 |= {money_text(v) for v in (t.budget, t.subsidy, t.approved, t.disbursed)}
    assert {"1,076,086.40", "3,183,741.32"} <= expected1     # a million and more
    assert {"2,087,654.72", "1,076,086.70", "876,543.21"} <= expected2
    for path, expected in ((one, expected1), (two, expected2)):
        found = {a for line in pdf_lines(path) for a in AMOUNT.findall(line)}
        assert expected <= found, (path.name, sorted(expected - found))
        # every header character inside its cell, clear of the rules either side
        rules, chars = header_rules_and_chars(path)
        assert len(rules) >= 10, rules
        assert {"序", "号", "元"} <= {ch for ch, _box in chars}
        for ch, (left, _top, right, _bottom) in chars:
            assert not any(left - 3 <= x <= right + 3 for x in rules), (path.name, ch)
