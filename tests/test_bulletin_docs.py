"""The monthly bulletin's documents read back: the PDF (A4, the head, the summary and both
ranking tables with the service's figures, the charts really drawn — coloured pixels on the
rendered page — and the 缺报 list naming the team in red) and the xlsx (the same figures per
team and the town's totals, the trend sheet, the state of every item owed, print set-up)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from app.db import Database
from app.forms import bulletin_pdf, bulletin_xlsx
from app.forms.bulletin_pdf import BLUE, GREEN, ORANGE
from app.documents.pdf import RED
from app.models import HandlingLevel, ProblemStatus, SubmissionKind
from app.services import deadlines, households, problems, station_logs, visits
from app.services.bulletin import Bulletin, bulletin
from app.services.settings import get_settings
from app.services.station_logs import SessionInput
from tests.test_services_problems import Town, make_town, pin

TODAY = date(2026, 4, 10)
A4_PORTRAIT = (595, 842)


def build_bulletin_month(db: Database) -> Town:
    """March 2026: team A stationed three Tuesdays of five, raised three problems (one solved
    on site) and sent everything (the report late); team B stationed once and sent only the
    photos."""
    town = make_town(db)
    with db.session() as s:
        settings = get_settings(s)
        settings.town_name, settings.district_name = "云溪镇", "江海区"
        for day in (3, 10, 17):
            station_logs.create_session(s, SessionInput(
                team_id=town.team_a, community_id=town.shigang, held_on=date(2026, 3, day),
                summary="接待群众"))
        station_logs.create_session(s, SessionInput(
            team_id=town.team_b, community_id=town.donghu, held_on=date(2026, 3, 3),
            summary="东湖接待"))
        raised = [problems.raise_problem(s, pin(
            town.shigang, date(2026, 3, 3 + n), level=level, team_id=town.team_a,
            description=f"问题{n}")).id
            for n, level in enumerate((HandlingLevel.ON_SITE, HandlingLevel.COMMUNITY,
                                       HandlingLevel.COMMUNITY), start=1)]
        problems.advance(s, raised[1], ProblemStatus.IN_PROGRESS, date(2026, 3, 6))
        problems.advance(s, raised[1], ProblemStatus.DONE, date(2026, 3, 12), result="已处理完毕")
        homes = [households.create_household(s, households.HouseholdInput(
            town.shigang, f"石岗村{n}号", f"户主{n}")).id for n in range(1, 5)]
        for home in homes[:3]:
            for day in (3, 10):
                visits.record_visit(s, visits.VisitInput(
                    town.team_a, home, date(2026, 3, day), [town.leader_a], "入户走访"),
                    today=TODAY)
        for kind in SubmissionKind:
            at = (datetime(2026, 3, 2, 9) if kind == SubmissionKind.PHOTOS
                  else datetime(2026, 4, 2, 10) if kind == SubmissionKind.REPORT
                  else datetime(2026, 3, 28, 16))
            deadlines.record_received(s, town.team_a, 2026, 3, kind, at)
        deadlines.record_received(s, town.team_b, 2026, 3, SubmissionKind.PHOTOS,
                                  datetime(2026, 3, 3, 8))
    return town


def the_bulletin(db: Database) -> Bulletin:
    with db.session() as s:
        return bulletin(s, 2026, 3, today=TODAY)


def squash(text: str) -> str:
    return "".join(text.split())


def near(pixel: tuple[int, ...], color, tolerance: int = 40) -> bool:  # type: ignore[no-untyped-def]
    rgb = (color.red * 255, color.green * 255, color.blue * 255)
    return all(abs(p - c) <= tolerance for p, c in zip(pixel[:3], rgb))


def test_bulletin_pdf_shows_the_services_figures_in_a4(db: Database, tmp_path: Path) -> None:
    town = build_bulletin_month(db)
    b = the_bulletin(db)
    a = next(t for t in b.teams if t.team_id == town.team_a)
    assert (a.sessions_held, a.station_days, a.problems_raised, a.solved_on_site) == (3, 5, 3, 1)
    assert (a.problems_solved, a.households, a.households_visited) == (1, 4, 3)
    assert (a.submissions_on_time, a.submissions_late, a.submissions_missing) == (4, 1, 0)
    out = tmp_path / "通报.pdf"
    with db.session() as s:
        assert bulletin_pdf(s, 2026, 3, out, today=TODAY) == out
    pdf = pdfium.PdfDocument(out)
    assert {tuple(round(v) for v in page.get_size()) for page in pdf} == {A4_PORTRAIT}
    text = squash("".join(page.get_textpage().get_text_range() for page in pdf))
    pdf.close()
    t = b.totals
    for expected in ("江海区云溪镇党委组织办", "2026年3月驻点直联工作情况通报",
                     "统计期间：2026年3月1日至2026年3月31日",
                     f"应驻点{t.station_days}次，实际驻点{t.sessions_held}次",
                     f"收集问题{t.problems_raised}个", f"缺报{t.submissions_missing}项",
                     "（一）驻点与走访", "（二）问题办理、督查整改与资料报送",
                     f"1石岗村驻点团队{b.teams[0].score:.1f}3/5" if b.teams[0].team_id == town.team_a
                     else f"1东湖社区驻点团队{b.teams[0].score:.1f}",
                     "33.3%", "3/4", "75.0%", "各团队住户走访覆盖率与问题办结率", "近十二个月驻点与问题办理趋势",
                     "四、资料报送情况（缺报通报）", "以下1个团队有资料未按期报送（缺报）",
                     "直联工作书面汇报", "逾期报送：石岗村驻点团队（直联工作书面汇报）",
                     "全镇合计", "五、说明", "—1—"):
        assert expected in text, expected


def test_bulletin_pdf_draws_its_charts_and_names_the_missing_in_red(db: Database,
                                                                    tmp_path: Path) -> None:
    build_bulletin_month(db)
    out = tmp_path / "通报.pdf"
    with db.session() as s:
        bulletin_pdf(s, 2026, 3, out, today=TODAY)
    pdf = pdfium.PdfDocument(out)
    scale = 2.0
    counts = {"blue": 0, "orange": 0, "green": 0}
    red_name = False
    for page in pdf:
        textpage = page.get_textpage()
        image = page.render(scale=scale).to_pil().convert("RGB")
        pixels = image.load()
        page_text = textpage.get_text_range()
        if "覆盖率与问题办结率" in page_text or "驻点与问题办理趋势" in page_text:   # the charts
            w, h = image.size
            for x in range(0, w, 2):
                for y in range(0, h, 2):
                    p = pixels[x, y]
                    for name, color in (("blue", BLUE), ("orange", ORANGE), ("green", GREEN)):
                        if near(p, color, 30):
                            counts[name] += 1
        # the team in the 缺报 table: its characters printed in red
        searcher = textpage.search("东湖社区驻点团队")
        found = searcher.get_next()
        hits = []
        while found:
            hits.append(found)
            found = searcher.get_next()
        page_h = page.get_size()[1]
        for index, count in hits:
            left, bottom, right, top = textpage.get_charbox(index)
            box = [(x, y) for x in range(int(left * scale), int(right * scale) + 1)
                   for y in range(int((page_h - top) * scale), int((page_h - bottom) * scale) + 1)]
            if sum(1 for x, y in box if near(pixels[x, y], RED, 60)) >= 3:
                red_name = True
    pdf.close()
    assert counts["blue"] > 2000 and counts["orange"] > 500 and counts["green"] > 100, counts
    assert red_name


def test_bulletin_xlsx_has_the_same_figures_totals_trend_and_states(db: Database,
                                                                   tmp_path: Path) -> None:
    town = build_bulletin_month(db)
    b = the_bulletin(db)
    out = tmp_path / "通报.xlsx"
    with db.session() as s:
        bulletin_xlsx(s, 2026, 3, out, today=TODAY)
    book = load_workbook(out)
    assert book.sheetnames == ["通报", "趋势", "报送情况"]
    ws = book["通报"]
    assert ws["A1"].value == "云溪镇2026年3月驻点直联工作情况通报"
    assert "统计期间：2026年3月1日至3月31日" in ws["A2"].value
    assert ws.print_title_rows == "$3:$3" and ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 8 and ws.page_setup.fitToWidth == 1   # A3: 25 columns
    head = [c.value for c in ws[3]]
    column = {name: i for i, name in enumerate(head)}
    rows = [list(r) for r in ws.iter_rows(min_row=4, max_row=3 + len(b.teams), values_only=True)]
    for f, row in zip(b.teams, rows):
        assert row[column["排名"]] == f.rank and row[column["驻点团队"]] == f.team
        assert row[column["综合得分"]] == pytest.approx(f.score)
        for title, value in (("应驻点次数", f.station_days), ("实际驻点次数", f.sessions_held),
                             ("收集问题", f.problems_raised), ("现场解决", f.solved_on_site),
                             ("超期未办结", f.overdue), ("按时报送", f.submissions_on_time),
                             ("逾期报送", f.submissions_late), ("缺报", f.submissions_missing),
                             ("召开周会", f.weekly_meetings_held), ("住户数", f.households)):
            assert row[column[title]] == value, title
    total = [c.value for c in ws[4 + len(b.teams)]]
    assert total[1] == "全镇合计"
    for title in ("实际驻点次数", "收集问题", "缺报", "按时报送", "逾期报送"):
        assert total[column[title]] == sum(r[column[title]] for r in rows), title
    b_row = 4 + next(i for i, f in enumerate(b.teams) if f.team_id == town.team_b)
    missing = ws.cell(row=b_row, column=column["缺报"] + 1)
    assert missing.value == 4 and missing.font.color.rgb.endswith("C00000")
    trend = book["趋势"]
    months = [r for r in trend.iter_rows(min_row=4, values_only=True)]
    assert [r[0] for r in months[:12]] == [f"{p.year}年{p.month}月" for p in b.trend]
    assert months[11][:3] == ("2026年3月", 4, 3)
    assert months[12][0] == "合计" and months[12][1] == sum(p.sessions_held for p in b.trend)
    states = [r for r in book["报送情况"].iter_rows(min_row=4, values_only=True)]
    assert len(states) == 10
    assert sorted(r[3] for r in states if r[0] == "东湖社区驻点团队") == ["按时报送"] + ["缺报"] * 4
    assert ("石岗村驻点团队", "直联工作书面汇报", "逾期报送") in {(r[0], r[1], r[3]) for r in states}
