"""``python main.py minutes``, ``sign-in-sheet`` and ``export-attendance`` end to end, signed
in through ZHILIAN_USER / ZHILIAN_PASSWORD; the files read back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from app.auth import Actor
from app.cli import main
from app.db import open_database
from app.models import AuditEntry, Role
from app.services import accounts, communities, people, teams
from app.services.settings import get_settings
from tests.accounts_support import ADMIN, add_admin, act_as_admin_in_commands
from tests.databases import open_test_database
from tests.test_meetings_pdf import A4_PT, flat, make_meeting, sizes, texts
from tests.ui_support import seed_town

pytestmark = [pytest.mark.sqlite_only]

OTHER = "donghu_lianluo"
OTHER_PASSWORD = "Donghu-2026-test"


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("cli") / "town.db"
    db = open_test_database(path, Actor.program())
    ids = seed_town(db)
    add_admin(db)
    with db.session() as s:
        get_settings(s).town_name = "云溪镇"
        donghu = communities.ensure_community(s, "东湖社区").id
        lead = people.create_person(s, people.PersonInput("李文")).id
        other = teams.create_team(s, teams.default_input(s, "东湖社区驻点团队", [donghu]),
                                  lead, date(2024, 1, 1)).team.id
        accounts.create_user(s, accounts.UserInput(OTHER, "东湖联络员", [Role.LIAISON], [other]),
                           OTHER_PASSWORD)
    meeting = make_meeting(db, ids, held_on=date(2026, 11, 16))
    db.close()
    return path, meeting


@pytest.fixture(autouse=True)
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    act_as_admin_in_commands(monkeypatch)


def test_minutes_and_sign_in_sheet(town, tmp_path: Path, capsys) -> None:
    path, meeting = town
    out = tmp_path / "记录.pdf"
    assert main(["minutes", "--db", str(path), "--meeting", str(meeting), "--out", str(out)]) == 0
    assert "已保存会议记录" in capsys.readouterr().out
    pages = texts(out)
    assert set(sizes(out)) == {A4_PT}
    whole = flat("".join(pages))
    assert "云溪镇会议记录" in whole and "李建国" in whole and "更正记录" in whole

    sheet = tmp_path / "签到表.pdf"
    assert main(["sign-in-sheet", "--db", str(path), "--meeting", str(meeting),
                 "--out", str(sheet)]) == 0
    said = capsys.readouterr().out
    assert "已保存会议签到表" in said and "行空白" in said
    assert "云溪镇会议签到表" in flat("".join(texts(sheet)))

    db = open_database(path)
    with db.session() as s:
        entries = s.execute(select(AuditEntry.username, AuditEntry.summary)
                            .where(AuditEntry.action == "export")).all()
    db.close()
    assert any(u == ADMIN and "记录.pdf" in t for u, t in entries)
    assert any(u == ADMIN and "签到表.pdf" in t for u, t in entries)


def test_errors_are_chinese_and_say_what(town, tmp_path: Path, capsys,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path, meeting = town
    assert main(["minutes", "--db", str(path), "--meeting", "999", "--out",
                 str(tmp_path / "x.pdf")]) == 1
    assert "找不到这次会议（编号 999）" in capsys.readouterr().err
    assert main(["minutes", "--db", str(path), "--meeting", str(meeting), "--out",
                 str(tmp_path / "x.txt")]) == 1
    assert "应以 .pdf 结尾" in capsys.readouterr().err
    assert main(["export-attendance", "--db", str(path), "--month", "2026-11", "--team", "无此团队",
                 "--out", str(tmp_path / "x.xlsx")]) == 1
    assert "找不到驻点团队“无此团队”" in capsys.readouterr().err
    # another team's liaison may not print this team's minutes
    monkeypatch.setenv("ZHILIAN_USER", OTHER)
    monkeypatch.setenv("ZHILIAN_PASSWORD", OTHER_PASSWORD)
    assert main(["minutes", "--db", str(path), "--meeting", str(meeting), "--out",
                 str(tmp_path / "theirs.pdf")]) == 1
    assert "不能查看" in capsys.readouterr().err
    assert not (tmp_path / "theirs.pdf").exists()


def test_export_attendance(town, tmp_path: Path, capsys) -> None:
    path, _meeting = town
    out = tmp_path / "考勤.xlsx"
    assert main(["export-attendance", "--db", str(path), "--month", "2026-11",
                 "--team", "石岗村驻点团队", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "已导出会议签到考勤表（2026年11月，会议 1 次，签到记录 4 条，3 人）" in said
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["签到明细", "个人汇总"]
    names = [r[4] for r in book["签到明细"].iter_rows(min_row=4, values_only=True)]
    assert names == ["李建国", "黄志强", "陈小红", "王䶮"]
