"""The red-header documents (GB/T 9704-2012) read back with pdftotext: the 月通报 and the
抽查督查情况通报 print as 征求意见稿 (no number) until issued; issuing numbers them per year
(云组通〔2026〕N号, one sequence for the office's 机关代字), dates them once (成文日期, chosen
when issuing) and keeps the PDF, so every reprint is the issued document; the PDF has the
organ, the number, 抄送 and 印发机关/印发日期 in the 版记, page numbers "— 1 —", the date
printed once, and no command names or program instructions. Also: the bulletin's charts have
labels that fit."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from sqlalchemy import func, select

from app.checks.report_pdf import check_report_pdf, issue_check_report_pdf
from app.db import Database
from app.documents import pdf_fonts as fonts
from app.errors import PermissionDenied, ValidationError
from app.forms.bulletin_pdf import (CHART_TEAMS, LABEL_MAX, bulletin_pdf, issue_bulletin_pdf,
                                    team_charts, trend_chart)
from app.models import DocumentKind, FindingSource, IssuedDocument, Role, Severity
from app.services import findings, spot_checks
from app.services.bulletin import Bulletin, bulletin
from app.services.findings import FindingInput
from app.services.issued_documents import find_issued
from app.services.settings import get_settings
from tests.test_bulletin_docs import TODAY, build_bulletin_month
from tests.test_services_problems import actor

ORGAN = "中共云溪镇委员会组织办公室"
PRINTER = "中共云溪镇委员会办公室"
COPY_TO = "镇党委书记、镇长，各驻点团队"
# No command, option or program instruction belongs in an official print.
NOT_IN_PRINT = ("python", "main.py", "draw-check", "check-report", "bulletin", "--month",
                "--issue", "命令", "程序中", "在程序", "系统中查看")


def letterhead_settings(db: Database, prefix: str = "云组通") -> None:
    with db.session() as s:
        settings = get_settings(s)
        settings.issuing_organ, settings.doc_prefix = ORGAN, prefix
        settings.copy_to, settings.printing_organ = COPY_TO, PRINTER


def pages(path: Path) -> list[str]:
    """Each page's text as pdftotext reads it (per page: -f N -l N)."""
    pdf = pdfium.PdfDocument(str(path))
    count = len(pdf)
    pdf.close()
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"],
                           capture_output=True, text=True, check=True).stdout
            for n in range(1, count + 1)]


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_official(path: Path, number: str, dated: str, printed: str) -> str:
    texts = pages(path)
    for n, text in enumerate(texts, start=1):        # GB/T 9704 page numbers: “— 1 —”
        assert f"—{n}—" in [flat(line) for line in text.splitlines()], n
    whole = flat("".join(texts))
    assert ORGAN in whole and number in whole and "征求意见稿" not in whole
    assert f"抄送：{COPY_TO}。" in whole
    last = flat(texts[-1])                      # 印发机关 left, 印发日期 right, on the last page
    assert PRINTER in last and f"{printed}印发" in last
    # the date of the document (成文日期) printed once; 印发日期 is the 版记's own
    assert whole.replace(f"{printed}印发", "").count(dated) == 1
    assert flat(texts[-1]).index(ORGAN + dated) < flat(texts[-1]).index("抄送：")
    lower = "".join(texts).lower()
    for word in NOT_IN_PRINT:
        assert word not in lower, word
    return whole


def test_the_bulletin_is_a_draft_until_issued_and_a_reprint_is_the_issued_pdf(
        db: Database, tmp_path: Path) -> None:
    build_bulletin_month(db)
    letterhead_settings(db)
    draft = tmp_path / "草稿.pdf"
    with db.session() as s:
        bulletin_pdf(s, 2026, 3, draft, today=TODAY)
    text = flat("".join(pages(draft)))
    assert "征求意见稿" in text and "〔" not in text and "云组通" not in text
    assert "2026年4月10日" in text and "未印发" in text

    out = tmp_path / "通报.pdf"
    with db.session() as s:
        issued = issue_bulletin_pdf(s, 2026, 3, out, dated=date(2026, 4, 8), today=TODAY)
        assert (issued.number, issued.already) == ("云组通〔2026〕1号", False)
    assert_official(out, "云组通〔2026〕1号", "2026年4月8日", "2026年4月10日")
    issued_bytes = out.read_bytes()

    # Later: the settings change, the records of March too; the month's bulletin stays as
    # issued — same bytes, same number, same date — and issuing again numbers nothing.
    with db.session() as s:
        settings = get_settings(s)
        settings.issuing_organ, settings.doc_prefix = "别的机关", "别组通"
    again = tmp_path / "重印.pdf"
    with db.session() as s:
        bulletin_pdf(s, 2026, 3, again, today=date(2026, 5, 6), dated=date(2026, 5, 6))
        second = issue_bulletin_pdf(s, 2026, 3, tmp_path / "再印发.pdf", dated=date(2026, 5, 6),
                                    today=date(2026, 5, 6))
        assert (second.number, second.already) == ("云组通〔2026〕1号", True)
        assert second.document.dated == date(2026, 4, 8)
        assert s.scalar(select(func.count()).select_from(IssuedDocument)) == 1
    assert again.read_bytes() == issued_bytes == (tmp_path / "再印发.pdf").read_bytes()


def test_numbers_run_per_year_and_the_office_shares_one_sequence(db: Database,
                                                                 tmp_path: Path) -> None:
    build_bulletin_month(db)
    letterhead_settings(db)
    with db.session() as s:
        def bulletin_of(year: int, month: int, dated: date) -> str:
            return issue_bulletin_pdf(s, year, month, tmp_path / f"b{year}{month}.pdf",
                                      dated=dated, today=dated).number

        def report_of(year: int, month: int, dated: date) -> str:
            return issue_check_report_pdf(s, year, month, tmp_path / f"c{year}{month}.pdf",
                                          dated=dated, today=dated).number

        assert bulletin_of(2025, 11, date(2025, 12, 2)) == "云组通〔2025〕1号"
        assert report_of(2025, 11, date(2025, 12, 3)) == "云组通〔2025〕2号"
        assert bulletin_of(2025, 12, date(2026, 1, 5)) == "云组通〔2026〕1号"   # a new year
        assert report_of(2025, 12, date(2026, 1, 6)) == "云组通〔2026〕2号"
        assert bulletin_of(2026, 1, date(2026, 2, 2)) == "云组通〔2026〕3号"
        get_settings(s).doc_prefix = "云组发"          # another 机关代字: its own sequence
        assert report_of(2026, 1, date(2026, 2, 3)) == "云组发〔2026〕1号"
        found = find_issued(s, DocumentKind.CHECK_REPORT, 2025, 12)
        assert found is not None and (found.year, found.number, found.dated) == (
            2026, 2, date(2026, 1, 6))
    text = assert_official(tmp_path / "c202512.pdf", "云组通〔2026〕2号", "2026年1月6日",
                           "2026年1月6日")
    assert "2025年12月驻点直联抽查督查情况通报" in text


def test_the_check_report_has_no_command_in_it(db: Database, tmp_path: Path) -> None:
    from tests.test_services_spot_checks import make_teams, no_full_checks

    (team_id,) = make_teams(db, 1)
    no_full_checks(db)
    letterhead_settings(db)
    with db.session() as s:
        check = spot_checks.draw_check(s, 2026, 3, date(2026, 3, 2), seed="m").checks[0]
        findings.add_finding(s, FindingInput(
            FindingSource.LEDGER_CHECK, date(2026, 3, 12), Severity.MINOR,
            "驻点日志缺记一次", "补记", date(2026, 3, 30), team_id=team_id,
            ledger_check_id=check.id))
    draft, out = tmp_path / "草稿.pdf", tmp_path / "通报.pdf"
    with db.session() as s:
        result = check_report_pdf(s, 2026, 3, draft, today=date(2026, 4, 2))
        assert result.number is None and not result.reprint
        issued = issue_check_report_pdf(s, 2026, 3, out, today=date(2026, 4, 2))
        assert issued.number == "云组通〔2026〕1号" and issued.dated == date(2026, 4, 2)
        assert issued.pages == len(pages(out))
    text = assert_official(out, "云组通〔2026〕1号", "2026年4月2日", "2026年4月2日")
    assert "种子“m”" in text
    assert "征求意见稿" in flat("".join(pages(draft)))


def test_the_date_is_in_or_after_the_month_never_ahead_and_only_the_office_issues(
        db: Database, tmp_path: Path) -> None:
    build_bulletin_month(db)
    with db.session() as s:
        with pytest.raises(ValidationError, match="早于2026年3月"):
            issue_bulletin_pdf(s, 2026, 3, tmp_path / "x.pdf", dated=date(2026, 2, 28),
                               today=TODAY)
        with pytest.raises(ValidationError, match="不能晚于今天"):
            issue_bulletin_pdf(s, 2026, 3, tmp_path / "x.pdf", dated=date(2026, 4, 11),
                               today=TODAY)
    db.act_as(actor(Role.LIAISON, 1))
    with db.session() as s:
        with pytest.raises(PermissionDenied):
            issue_bulletin_pdf(s, 2026, 3, tmp_path / "x.pdf", today=TODAY)
        with pytest.raises(PermissionDenied):
            issue_check_report_pdf(s, 2026, 3, tmp_path / "x.pdf", today=TODAY)
    assert not (tmp_path / "x.pdf").exists()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(IssuedDocument)) == 0


def test_the_defaults_name_the_office_and_number_with_the_towns_first_character(
        db: Database, tmp_path: Path) -> None:
    build_bulletin_month(db)                 # 云溪镇, 江海区; nothing set for the documents
    out = tmp_path / "通报.pdf"
    with db.session() as s:
        assert issue_bulletin_pdf(s, 2026, 3, out, today=TODAY).number == "云组通〔2026〕1号"
    text = flat("".join(pages(out)))
    assert text.startswith("江海区云溪镇党委组织办云组通〔2026〕1号")
    assert "抄送" not in text and "江海区云溪镇党委组织办2026年4月10日印发" in text


# --- the charts ------------------------------------------------------------------------------

def forty_teams(b: Bulletin) -> Bulletin:
    from dataclasses import replace

    names = ["石岗村驻点团队", "东湖社区、西湖社区、南湖社区、北湖社区联合驻点团队"]
    teams = tuple(replace(b.teams[0], team_id=n, team=f"第{n}号{names[n % 2]}", rank=n)
                  for n in range(1, 41))
    return replace(b, teams=teams)


def test_chart_labels_fit(db: Database) -> None:
    build_bulletin_month(db)
    with db.session() as s:
        b = bulletin(s, 2026, 3, today=TODAY)
    # the trend: months as 4月 … 3月, each narrower than its place on the axis
    chart = trend_chart(b).contents[0]
    labels = chart.categoryAxis.categoryNames
    assert labels == [f"{p.month}月" for p in b.trend] and labels[-1] == "3月"
    step = chart.width / len(labels)
    assert all(fonts.width(label, chart.categoryAxis.labels.fontSize) < step - 6
               for label in labels)
    # 40 teams: horizontal bars, CHART_TEAMS to a chart, labelled by name, every label within
    # the label column (no tick on the category axis to run through one)
    big = forty_teams(b)
    charts = team_charts(big)
    assert len(charts) == 40 // CHART_TEAMS
    shown = []
    for drawing in charts:
        bars = drawing.contents[0]
        assert bars.categoryAxis.tickLeft == 0
        size = bars.categoryAxis.labels.fontSize
        for label in bars.categoryAxis.categoryNames:
            assert fonts.width(label, size) <= bars.x - 3, label
            assert bars.x <= LABEL_MAX
        shown += list(reversed(bars.categoryAxis.categoryNames))
    assert shown[0].startswith("1. 第1号东湖社区") and shown[0].endswith("…")   # cut to fit
    assert shown[1] == "2. 第2号石岗村" and len(shown) == 40
