"""The monthly attendance register read back with openpyxl: the rows per meeting × attendee,
the per-person summary, the print set-up, the scope of what a liaison may export, the audit."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from app.auth import Actor
from app.errors import PermissionDenied, ValidationError
from app.meetings.attendance_xlsx import export_attendance
from app.models import AuditEntry, MeetingKind, Role
from app.services import communities, meetings as M, people, teams
from app.services.settings import get_settings
from tests.databases import open_test_database
from tests.test_meetings_pdf import make_meeting
from tests.ui_support import seed_town


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = open_test_database(tmp_path_factory.mktemp("att") / "town.db", Actor.program())
    ids = seed_town(db)
    with db.session() as s:
        get_settings(s).town_name = "云溪镇"
        donghu = communities.ensure_community(s, "东湖社区").id
        lead = people.create_person(s, people.PersonInput("李文")).id
        ids["other"] = teams.create_team(s, teams.default_input(s, "东湖社区驻点团队", [donghu]),
                                         lead, date(2024, 1, 1)).team.id
    make_meeting(db, ids, held_on=date(2026, 11, 9), scan=False)    # finalised, amended
    make_meeting(db, ids, held_on=date(2026, 11, 16), signed=False)  # signed on paper (scan)
    with db.session() as s:   # a meeting of the other team, and one in another month
        M.create_meeting(s, M.MeetingInput(MeetingKind.WEEKLY, date(2026, 11, 10), time(9),
                                           time(10), [ids["other"]], carry_over=False))
        M.create_meeting(s, M.MeetingInput(MeetingKind.WEEKLY, date(2026, 10, 5), time(9),
                                           time(10), [ids["team"]], carry_over=False))
    yield db, ids
    db.close()


def rows(ws) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [r for r in ws.iter_rows(min_row=4, values_only=True)]


def test_register_of_one_team(town, tmp_path: Path) -> None:
    db, ids = town
    out = tmp_path / "考勤.xlsx"
    with db.session() as s:
        result = export_attendance(s, 2026, 11, ids["team"], out)
    assert (result.meetings, result.rows, result.people) == (2, 8, 3)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["签到明细", "个人汇总"]
    detail, summary = book["签到明细"], book["个人汇总"]
    assert detail["A1"].value == "云溪镇会议签到考勤表（2026年11月）"
    assert "云溪镇石岗村驻点团队" in detail["A2"].value and "会议 2 次" in detail["A2"].value
    header = [c.value for c in detail[3]]
    assert header == ["日期", "时间", "会议名称", "会议类型", "姓名", "单位／职务", "类别",
                      "出席情况", "迟到时间／请假原因", "签名", "记录状态"]
    body = rows(detail)
    assert [r[0] for r in body] == ["2026-11-09"] * 4 + ["2026-11-16"] * 4
    by = {(r[0], r[4]): r for r in body}
    assert by[("2026-11-09", "李建国")][7:11] == ("出席", None, "已签名", "已定稿")
    assert by[("2026-11-09", "黄志强")][7:10] == ("迟到", "14:10 到会", "未签名")
    assert by[("2026-11-09", "陈小红")][7:9] == ("请假", "下村调处纠纷")
    assert by[("2026-11-09", "王䶮")][6:8] == ("列席", "出席")
    assert by[("2026-11-16", "李建国")][9] == "见纸质签到表"
    assert detail.cell(row=4 + body.index(by[("2026-11-09", "陈小红")]), column=8).font.b is False

    assert summary["A1"].value == "云溪镇会议出席情况汇总（2026年11月）"
    assert [c.value for c in summary[3]] == ["序号", "姓名", "驻点团队", "应到次数", "出席", "迟到",
                                            "请假", "缺席（含未登记）", "实到次数", "出席率"]
    people_rows = {r[1]: r for r in rows(summary)}
    assert set(people_rows) == {"李建国", "黄志强", "陈小红"}     # walk-ins are not expected
    assert people_rows["李建国"][3:] == (2, 2, 0, 0, 0, 2, 1.0)    # rates are numbers …
    assert people_rows["黄志强"][3:] == (2, 0, 2, 0, 0, 2, 1.0)
    assert people_rows["陈小红"][3:] == (2, 0, 0, 2, 0, 0, 0.0)
    assert summary["J4"].number_format == "0.0%"                  # … shown as 100.0%
    low = next(i for i, r in enumerate(rows(summary)) if r[1] == "陈小红")
    assert summary.cell(row=4 + low, column=10).font.color.rgb.endswith("C00000")

    for ws in (detail, summary):   # print-ready like the ledgers
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9         # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows == "$3:$3"
    with db.session() as s:
        entries = s.scalars(select(AuditEntry.summary).where(AuditEntry.action == "export")).all()
    assert any("考勤.xlsx" in e and "2026年11月" in e for e in entries)


def test_all_teams_and_the_scope_of_a_liaison(town, tmp_path: Path) -> None:
    db, ids = town
    out = tmp_path / "all.xlsx"
    with db.session() as s:
        result = export_attendance(s, 2026, 11, None, out)
    assert result.meetings == 3
    detail = openpyxl.load_workbook(out)["签到明细"]
    assert detail["C3"].value == "驻点团队"
    assert {r[2] for r in rows(detail)} == {"石岗村驻点团队", "东湖社区驻点团队"}

    liaison = Actor(None, "lianluo", "测试联络员", frozenset({Role.LIAISON}),
                    frozenset({ids["team"]}))
    with db.act_as(liaison).session() as s:
        mine = export_attendance(s, 2026, 11, None, tmp_path / "mine.xlsx")
        with pytest.raises(PermissionDenied):
            export_attendance(s, 2026, 11, ids["other"], tmp_path / "theirs.xlsx")
    assert mine.meetings == 2
    assert not (tmp_path / "theirs.xlsx").exists()
    db.act_as(Actor.program())
    with db.session() as s, pytest.raises(ValidationError):
        export_attendance(s, 2026, 13, None, tmp_path / "bad.xlsx")
