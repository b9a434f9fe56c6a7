"""The spot-check outputs read back: the monthly report PDF (its text, A4 pages numbered
"— x —" as GB/T 9704 has it, the late delivery, the failed item with its evidence and notes, the patrol's
absent cadre, the supervision's answers, what was found, rectified and is still open — overdue in
red — and the amendments; long text wrapping onto more pages with the header repeated), and the
personal file as PDF and xlsx (the absence found on patrol reaches it)."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

import openpyxl
import pypdfium2 as pdfium
import pytest
from sqlalchemy import select

from app.auth import Actor
from app.checks.personal_file import personal_file_pdf, personal_file_xlsx
from app.checks.report_pdf import check_report_pdf
from app.db import Database
from app.errors import PermissionDenied, ValidationError
from app.models import (AuditEntry, FindingSource, ItemResult, MeetingKind, PersonCategory,
                        Role, Severity, Team, Whereabouts)
from app.services import findings, meetings, patrols, people, spot_checks, teams
from app.services.findings import FindingInput
from app.services.settings import get_settings
from app.services.spot_checks import ItemInput
from tests.databases import open_test_database
from tests.test_services_problems import actor
from tests.test_services_spot_checks import make_teams, no_full_checks

A4 = (595, 842)


def texts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [re.sub(r"\s+", "", pdf[i].get_textpage().get_text_range())
                for i in range(len(pdf))]
    finally:
        pdf.close()


def sizes(path: Path) -> set[tuple[int, int]]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return {tuple(round(v) for v in pdf[i].get_size()) for i in range(len(pdf))}
    finally:
        pdf.close()


def red_share(path: Path, needle: str) -> float:
    """Of the dark pixels where ``needle`` is printed (first occurrence), the share that are
    red: the text's colour as the printer will see it."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            textpage = page.get_textpage()
            found = textpage.search(needle).get_next()
            if found is None:
                continue
            index, count = found
            scale = 3
            image = page.render(scale=scale).to_pil().convert("RGB")
            height = page.get_size()[1]
            dark = []
            for i in range(index, index + count):     # each character's own box
                left, bottom, right, top = textpage.get_charbox(i)
                for x in range(int(left * scale) + 1, int(right * scale)):
                    for y in range(int((height - top) * scale) + 1,
                                   int((height - bottom) * scale)):
                        pixel = image.getpixel((x, y))
                        if sum(pixel) < 600:
                            dark.append(pixel)
            red = [p for p in dark if p[0] - max(p[1], p[2]) > 40]
            return len(red) / len(dark) if dark else 0.0
    finally:
        pdf.close()
    raise AssertionError(f"“{needle}” is not in {path.name}")


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """Three teams and March 2026 of the organization office's work:

    - February's check of one team: two failed items; one finding left open (deadline 02-28:
      overdue by March 31st), the other answered in March and re-checked (passed);
    - March's draw (seed "m"): notice 03-02, due 03-09, ledgers in on 03-11 (2 days late),
      "驻点日志" failed with notes, a finding, later amended (severity);
    - a patrol on Thursday 03-05: the leader at work, 钱干事 absent;
    - a supervised weekly meeting of another team on 03-02 (minutes not finalised: a finding).
    """
    path = tmp_path_factory.mktemp("outputs") / "town.db"
    db = open_test_database(path, Actor.program())
    ids: dict[str, int] = {}
    team_ids = make_teams(db, 3)
    no_full_checks(db)
    with db.session() as s:
        get_settings(s).town_name = "云溪镇"
        feb = spot_checks.draw_check(s, 2026, 2, date(2026, 2, 2), seed="f").checks[0]
        ids["feb_team"] = feb.team_id
        spot_checks.record_delivery(s, feb.id, date(2026, 2, 5))
        spot_checks.save_check(s, feb.id, [
            ItemInput(i.id, ItemResult.FAIL if i.name in ("问题台账", "公开栏相片")
                      else ItemResult.PASS, "") for i in feb.items],
            date(2026, 2, 10), "组织办 王敏", "问题台账、公开栏相片不合格")
        ids["overdue"] = findings.add_finding(s, FindingInput(
            FindingSource.LEDGER_CHECK, date(2026, 2, 10), Severity.MINOR,
            "公开栏两个月没有更新相片", "更新公开栏并按月报送相片", date(2026, 2, 28),
            team_id=feb.team_id, ledger_check_id=feb.id)).id
        ids["fixed"] = findings.add_finding(s, FindingInput(
            FindingSource.LEDGER_CHECK, date(2026, 2, 10), Severity.MINOR,
            "问题台账未写明反馈方式", "逐条补记反馈方式", date(2026, 3, 10),
            team_id=feb.team_id, ledger_check_id=feb.id)).id
        spot_checks.report_check(s, feb.id)
    with db.session() as s:
        findings.respond(s, ids["fixed"], "已逐条补记反馈方式并在周会上通报", date(2026, 3, 5))
        findings.recheck(s, ids["fixed"], date(2026, 3, 8), True, "抽看十条均已补记，同意销号")

        march = spot_checks.draw_check(s, 2026, 3, date(2026, 3, 2), seed="m").checks[0]
        ids["march"], ids["march_team"] = march.id, march.team_id
        spot_checks.record_delivery(s, march.id, date(2026, 3, 11))
        spot_checks.save_check(s, march.id, [
            ItemInput(i.id, ItemResult.FAIL if i.name == "驻点日志" else ItemResult.PASS,
                      "3月10日驻点日无日志，联络员称忘记记录" if i.name == "驻点日志" else "")
            for i in march.items], date(2026, 3, 12), "组织办 王敏、李强", "驻点日志不合格")
        ids["march_finding"] = findings.add_finding(s, FindingInput(
            FindingSource.LEDGER_CHECK, date(2026, 3, 12), Severity.MINOR,
            "驻点日志缺记一次", "补记并说明原因", date(2026, 4, 12), team_id=march.team_id,
            ledger_check_id=march.id)).id
        spot_checks.report_check(s, march.id)
    with db.session() as s:
        findings.amend_finding(s, ids["march_finding"], "severity", "较重",
                               "同月第二次缺记，按较重处理")

        team = s.get(Team, team_ids[0])
        community = team.community_links[0].community_id
        ids["cadre"] = cadre = people.create_person(s, people.PersonInput(
            "钱干事", unit="云溪镇党政办", position="干事",
            category=PersonCategory.TOWN_CADRE)).id
        teams.add_member(s, team.id, cadre, teams.MemberRole.CORE, date(2024, 1, 1))
        patrol = patrols.create_patrol(s, patrols.PatrolInput(
            date(2026, 3, 5), [community], "组织办 王敏、纪委 黄伟"))
        by_name = {x.person.name: x.id for x in patrol.sightings}
        patrols.record_sightings(s, patrol.id, [
            patrols.SightingInput(by_name[team.leader.name], Whereabouts.AT_WORK),
            patrols.SightingInput(by_name["钱干事"], Whereabouts.ABSENT,
                                  "电话联系称在镇政府开会，无请假")])
        patrols.report_patrol(s, patrol.id)

        meeting = meetings.create_meeting(s, meetings.MeetingInput(
            MeetingKind.WEEKLY, date(2026, 3, 2), time(14), time(15), [team_ids[1]],
            agenda=["安排走访"]))
        supervision = patrols.supervise(s, patrols.SupervisionInput(
            meeting.id, date(2026, 3, 2), "组织办 李强", held_as_scheduled=True,
            signatures_match=True, note="会议记录未定稿"))
        findings.add_finding(s, FindingInput(
            FindingSource.SUPERVISION, date(2026, 3, 2), Severity.MINOR,
            "周会记录会后未整理定稿", "会后当天整理记录并定稿", date(2026, 3, 9),
            team_id=team_ids[1], supervision_id=supervision.id))
        patrols.report_supervision(s, supervision.id)
    db.close()
    return path, ids


@pytest.fixture
def town_db(town) -> Database:  # type: ignore[no-untyped-def]
    path, _ids = town
    with open_test_database(path, Actor.program()) as db:
        yield db


def test_the_monthly_report_says_what_was_checked_found_rectified_and_left_open(
        town, town_db: Database, tmp_path: Path) -> None:
    _path, ids = town
    out = tmp_path / "通报.pdf"
    with town_db.session() as s:
        result = check_report_pdf(s, 2026, 3, out, today=date(2026, 4, 2))
        march_team = s.get(Team, ids["march_team"]).name
        feb_team = s.get(Team, ids["feb_team"]).name
        period = spot_checks.get_check(s, ids["march"]).period_start
    pages = texts(out)
    assert result.pages == len(pages) and sizes(out) == {A4}
    for number, page in enumerate(pages, start=1):
        assert f"—{number}—" in page        # GB/T 9704 page numbers
    whole = "".join(pages)
    # the head
    assert "云溪镇党委组织办" in whole and "2026年3月驻点直联抽查督查情况通报" in whole
    assert "2026年4月2日" in whole and "统计截至2026年3月31日" in whole
    # the ledger check: dates, late, score, the failed item with evidence and notes
    assert march_team in whole and "2026-03-02" in whole and "2026-03-09" in whole
    assert "2026-03-11" in whole and "逾期2天" in whole and "80/100" in whole
    assert "种子“m”" in whole
    assert "驻点日志" in whole and "3月10日驻点日无日志，联络员称忘记记录" in whole
    assert f"{period:%Y-%m-%d}至2026-03-02" in whole     # the evidence's period
    # the patrol and the supervision
    assert "巡查人员：组织办王敏、纪委黄伟" in whole and "应在岗2人" in whole
    assert "钱干事" in whole and "缺岗" in whole and "电话联系称在镇政府开会，无请假" in whole
    assert "周会记录会后未整理定稿" in whole and "组织办李强" in whole
    # found, rectified, still open (overdue first, in red), amendments
    assert "台账资料逾期报送" in whole and "迟2天" in whole
    assert "问题台账未写明反馈方式" in whole and "通过，销号" in whole
    assert "抽看十条均已补记，同意销号" in whole
    assert "公开栏两个月没有更新相片" in whole and "超期31天" in whole and feb_team in whole
    assert "同月第二次缺记，按较重处理" in whole and "原：一般" in whole
    # late delivery, failed item, absence, supervision; all but the March item past deadline
    assert (result.found, result.rechecked, result.overdue) == (4, 1, 4)
    assert red_share(out, "超期31天") > 0.8
    assert red_share(out, "云溪镇党委组织办") > 0.8
    assert red_share(out, "抽看十条均已补记") < 0.1
    with town_db.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "export")
                          .order_by(AuditEntry.id.desc())).first()
    assert entry is not None and "通报.pdf" in entry.summary


def test_a_quiet_month_says_so_and_the_future_is_refused(town_db: Database,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "一月.pdf"
    with town_db.session() as s:
        check_report_pdf(s, 2026, 1, out, today=date(2026, 4, 2))
        with pytest.raises(ValidationError, match="还没有到"):
            check_report_pdf(s, 2026, 5, tmp_path / "五月.pdf", today=date(2026, 4, 2))
    whole = "".join(texts(out))
    assert "本月未开展台账资料抽查" in whole and "本月未开展下乡情况巡查" in whole
    assert "所有问题均已整改到位" in whole


def test_only_the_organization_office_prints_the_report(town_db: Database,
                                                        tmp_path: Path) -> None:
    town_db.act_as(actor(Role.LIAISON, 1))
    with town_db.session() as s, pytest.raises(PermissionDenied):
        check_report_pdf(s, 2026, 3, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_long_text_wraps_and_tables_repeat_their_header(db: Database, tmp_path: Path) -> None:
    (team_id,) = make_teams(db, 1)
    no_full_checks(db)
    long = "驻点日志记录过于简单，多篇只写“正常接待”，未写明接待群众和反映问题。" * 6
    with db.session() as s:
        check = spot_checks.draw_check(s, 2026, 3, date(2026, 3, 2), seed="x").checks[0]
        for n in range(40):
            findings.add_finding(s, FindingInput(
                FindingSource.LEDGER_CHECK, date(2026, 3, 12), Severity.MINOR,
                f"第{n + 1}条：{long}末尾{n + 1}", "补记", date(2026, 3, 30), team_id=team_id,
                ledger_check_id=check.id))
        out = tmp_path / "长.pdf"
        result = check_report_pdf(s, 2026, 3, out, today=date(2026, 4, 2))
    pages = texts(out)
    assert result.pages >= 6 and sizes(out) == {A4}
    whole = "".join(pages)
    for n in range(1, 41):       # every description printed whole: wrapped, not cut
        assert f"第{n}条：{long}末尾{n}".replace(" ", "") in whole
    # the tables run over several pages, each continued page starting with the header row
    first = next(n for n, p in enumerate(pages) if "末尾" in p)
    continued = [p for p in pages[first + 1:] if "末尾" in p]
    assert len(continued) >= 4
    assert all(p.startswith("序号团队／干部来源程度发现的问题整改要求整改期限")
               or p.startswith("序号发现日期团队／干部问题整改期限状态") for p in continued)
    assert sum(p.startswith("序号团队／干部来源") for p in continued) >= 2


def test_the_personal_file_carries_the_absence_found_on_patrol(town, town_db: Database,
                                                               tmp_path: Path) -> None:
    _path, ids = town
    pdf, xlsx = tmp_path / "档案.pdf", tmp_path / "档案.xlsx"
    with town_db.session() as s:
        result = personal_file_pdf(s, ids["cadre"], 2026, pdf, today=date(2026, 4, 2))
        personal_file_xlsx(s, ids["cadre"], 2026, xlsx, today=date(2026, 4, 2))
    pages = texts(pdf)
    assert result.pages == len(pages) and sizes(pdf) == {A4}
    assert all(f"第{n}页共{len(pages)}页" in p for n, p in enumerate(pages, start=1))
    whole = "".join(pages)
    assert "云溪镇驻点直联工作个人档案（2026年度）" in whole
    assert "钱干事" in whole and "云溪镇党政办" in whole and "第1驻点团队（团队成员）" in whole
    assert "下乡巡查应在岗1次" in whole and "巡查缺岗1次" in whole
    assert "2026-03-05下乡巡查，钱干事在第1村缺岗：电话联系称在镇政府开会，无请假" in whole
    assert "本人确认（签名）" in whole
    assert red_share(pdf, "电话联系称在镇政府开会，无请假") > 0.8

    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["概况", "下乡巡查", "个人督查问题", "团队督查问题"]
    for ws in book:
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"
        assert "钱干事" in ws["A2"].value
    summary = {r[0].value: r[1] for r in book["概况"].iter_rows(min_row=4)}
    assert summary["姓名"].value == "钱干事"
    assert summary["巡查缺岗"].value == 1 and summary["巡查缺岗"].number_format == '0" 次"'  # 1 次
    patrol_rows = list(book["下乡巡查"].iter_rows(min_row=4, values_only=True))
    assert patrol_rows == [("2026-03-05", "第1村", "缺岗", "电话联系称在镇政府开会，无请假")]
    personal = list(book["个人督查问题"].iter_rows(min_row=4, values_only=True))
    assert len(personal) == 1 and "缺岗" in personal[0][4] and personal[0][3] == "较重"
    with town_db.session() as s:
        summaries = list(s.scalars(select(AuditEntry.summary).where(
            AuditEntry.action == "export", AuditEntry.entity == "person")))
    assert any("档案.pdf" in t for t in summaries) and any("档案.xlsx" in t for t in summaries)


def test_overdue_team_findings_stand_out_in_the_workbook(town, town_db: Database,
                                                         tmp_path: Path) -> None:
    _path, ids = town
    xlsx = tmp_path / "组长.xlsx"
    with town_db.session() as s:
        leader = s.get(Team, ids["feb_team"]).leader.id
        personal_file_xlsx(s, leader, 2026, xlsx, today=date(2026, 4, 2))
    ws = openpyxl.load_workbook(xlsx)["团队督查问题"]
    rows = {r[4].value: r for r in ws.iter_rows(min_row=4)}
    late = rows["公开栏两个月没有更新相片"]
    assert late[6].value == "超期" and late[6].font.b and late[6].font.color.rgb.endswith("C00000")
    assert rows["问题台账未写明反馈方式"][6].value in (None, "")
