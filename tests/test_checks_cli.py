"""``draw-check``, ``check-report`` and ``personal-file`` end to end, signed in through
ZHILIAN_USER / ZHILIAN_PASSWORD: the draw is printed with its candidates and seed and is
reproducible — the recorded seed, given on a copy of the database taken before the draw, draws
the same team — a month is never drawn twice, and the files are written and audited."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
import pypdfium2 as pdfium
import pytest
from sqlalchemy import select

from app.auth import Actor
from app.cli import main
from app.db import open_database
from app.models import AuditEntry, LedgerCheck, Role
from app.services import accounts, people, teams
from tests.accounts_support import ADMIN, act_as_admin_in_commands, add_admin
from tests.databases import copy_of, open_test_database
from tests.test_services_spot_checks import make_teams, no_full_checks

pytestmark = [pytest.mark.sqlite_only]

LIAISON = "diyi_lianluo"
LIAISON_PASSWORD = "Diyi-2026-test"


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five teams, never checked; two people named 陈伟 in different units, one in a team."""
    path = tmp_path_factory.mktemp("checks_cli") / "town.db"
    db = open_test_database(path, Actor.program())
    team_ids = make_teams(db, 5)
    no_full_checks(db)
    add_admin(db)
    with db.session() as s:
        first = people.create_person(s, people.PersonInput("陈伟", unit="云溪镇党政办",
                                                           position="副主任")).id
        people.create_person(s, people.PersonInput("陈伟", unit="云溪镇农业办", position="干事"))
        teams.add_member(s, team_ids[0], first, teams.MemberRole.CORE, date(2024, 1, 1))
        accounts.create_user(s, accounts.UserInput(LIAISON, "第一联络员", [Role.LIAISON],
                                                   [team_ids[0]]), LIAISON_PASSWORD)
    db.close()
    return path


@pytest.fixture(autouse=True)
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    act_as_admin_in_commands(monkeypatch)


def drawn(output: str) -> tuple[str, str]:
    seed = re.search(r"随机种子：(\S+)", output)
    team = re.search(r"抽中团队：(.+?)（编号", output)
    assert seed and team, output
    return seed.group(1), team.group(1)


def test_the_draw_is_printed_and_reproducible_from_its_seed(town: Path, tmp_path: Path,
                                                            capsys) -> None:
    path = copy_of(town, tmp_path / "drawn.db")
    before = copy_of(path, tmp_path / "before.db")    # the database as it was before the draw

    assert main(["draw-check", "--db", str(path), "--month", "2026-04",
                 "--notice", "2026-04-01"]) == 0
    out = capsys.readouterr().out
    seed, team = drawn(out)
    assert len(seed) >= 8
    assert "候选团队 5 个" in out and out.count("上次抽查：从未抽查") == 5
    assert all(f"第{n}驻点团队" in out for n in range(1, 6))
    assert "与记录一致" in out and "2026-04-08 前报送" in out

    # Anyone with a copy taken before the draw and the recorded seed gets the same team.
    for attempt in range(2):
        copy = copy_of(before, tmp_path / f"verify{attempt}.db")
        assert main(["draw-check", "--db", str(copy), "--month", "2026-04",
                     "--seed", seed]) == 0
        assert drawn(capsys.readouterr().out) == (seed, team)

    # The month is never drawn again: the recorded draw is printed instead.
    assert main(["draw-check", "--db", str(path), "--month", "2026-04", "--seed", "other"]) == 0
    again = capsys.readouterr().out
    assert "已经抽过，不再重抽" in again and "记录中的种子是" in again
    assert drawn(again) == (seed, team)
    db = open_database(path)
    with db.session() as s:
        checks = s.execute(select(LedgerCheck.seed, LedgerCheck.team_id)).all()
        draws = s.scalars(select(AuditEntry.summary).where(AuditEntry.action == "draw")).all()
    db.close()
    assert [c.seed for c in checks] == [seed] and len(draws) == 1

    # The next month: the team just checked is no longer among those tied.
    assert main(["draw-check", "--db", str(path), "--month", "2026-05", "--seed", "s5"]) == 0
    may = capsys.readouterr().out
    assert f"{team}　上次抽查：2026-04" in may
    assert drawn(may)[1] != team


def test_check_report_and_personal_file(town: Path, tmp_path: Path, capsys) -> None:
    path = copy_of(town, tmp_path / "town.db")
    assert main(["draw-check", "--db", str(path), "--month", "2026-03",
                 "--notice", "2026-03-02", "--seed", "k"]) == 0
    capsys.readouterr()
    report = tmp_path / "三月通报.pdf"
    assert main(["check-report", "--db", str(path), "--month", "2026-03",
                 "--out", str(report)]) == 0
    said = capsys.readouterr().out
    assert "已保存2026年3月抽查督查情况通报" in said and "台账抽查 1 个团队" in said
    pdf = pdfium.PdfDocument(str(report))
    whole = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert {tuple(round(v) for v in pdf[i].get_size()) for i in range(len(pdf))} == {(595, 842)}
    pdf.close()
    assert "2026年3月驻点直联抽查督查情况通报" in whole.replace(" ", "")

    # A name several people share: a Chinese error listing them; --person-id chooses.
    code = main(["personal-file", "--db", str(path), "--person", "陈伟", "--year", "2026",
                 "--out", str(tmp_path / "陈伟.pdf")])
    err = capsys.readouterr().err
    assert code == 1 and "有 2 人名叫“陈伟”" in err and "--person-id" in err
    assert "云溪镇党政办 副主任，第1驻点团队" in err and "云溪镇农业办 干事" in err
    assert not (tmp_path / "陈伟.pdf").exists()
    person_id = int(re.search(r"编号 (\d+)：陈伟，云溪镇党政办", err).group(1))
    pdf_out, xlsx_out = tmp_path / "陈伟.pdf", tmp_path / "陈伟.xlsx"
    assert main(["personal-file", "--db", str(path), "--person-id", str(person_id),
                 "--year", "2026", "--out", str(pdf_out), "--xlsx", str(xlsx_out)]) == 0
    said = capsys.readouterr().out
    assert "已保存陈伟的2026年度个人档案" in said and "陈伟.xlsx" in said
    assert openpyxl.load_workbook(xlsx_out)["概况"]["B4"].value == "陈伟"
    assert main(["personal-file", "--db", str(path), "--person", "组长1", "--year", "2026",
                 "--out", str(tmp_path / "组长.pdf")]) == 0
    capsys.readouterr()

    db = open_database(path)
    with db.session() as s:
        exports = s.execute(select(AuditEntry.username, AuditEntry.summary)
                            .where(AuditEntry.action == "export")).all()
    db.close()
    for name in ("三月通报.pdf", "陈伟.pdf", "陈伟.xlsx", "组长.pdf"):
        assert any(u == ADMIN and name in t for u, t in exports), name


def test_errors_are_chinese_and_say_what(town: Path, tmp_path: Path, capsys,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = copy_of(town, tmp_path / "town.db")
    cases = [
        (["draw-check", "--month", "2026-13"], "月份“2026-13”看不懂"),
        (["draw-check", "--month", "2026-04", "--notice", "4月1日"], "通知日期“4月1日”看不懂"),
        (["draw-check", "--month", "2026-04", "--notice", "2026-05-01"], "通知日期应在 2026 年 4 月内"),
        (["check-report", "--month", "2026-03", "--out", str(tmp_path / "x.txt")], "应以 .pdf 结尾"),
        (["personal-file", "--person", "无名氏", "--year", "2026", "--out",
          str(tmp_path / "x.pdf")], "找不到名为“无名氏”的人员"),
        (["personal-file", "--person", "陈伟", "--year", "明年", "--out",
          str(tmp_path / "x.pdf")], "年份“明年”看不懂"),
    ]
    for argv, message in cases:
        assert main([argv[0], "--db", str(path), *argv[1:]]) == 1, argv
        assert message in capsys.readouterr().err, argv
    monkeypatch.setenv("ZHILIAN_USER", LIAISON)
    monkeypatch.setenv("ZHILIAN_PASSWORD", LIAISON_PASSWORD)
    assert main(["draw-check", "--db", str(path), "--month", "2026-04"]) == 1
    assert "没有“开展抽查督查”的权限" in capsys.readouterr().err


def test_check_report_is_issued_once_with_its_number_and_date(town: Path, tmp_path: Path,
                                                             capsys) -> None:
    path = copy_of(town, tmp_path / "town.db")
    draft, issued, again = (tmp_path / f"{n}.pdf" for n in ("草稿", "印发", "重印"))
    assert main(["check-report", "--db", str(path), "--month", "2026-03",
                 "--out", str(draft)]) == 0
    said = capsys.readouterr().out
    assert "征求意见稿，未编文号" in said and "--issue" in said
    assert main(["check-report", "--db", str(path), "--month", "2026-03", "--issue",
                 "--date", "2026-04-02", "--out", str(issued)]) == 0
    said = capsys.readouterr().out
    # no town name set: the 机关代字 is just 组通
    assert "已印发2026年3月驻点直联抽查督查情况通报：组通〔2026〕1号，成文日期 2026-04-02" in said
    assert main(["check-report", "--db", str(path), "--month", "2026-03", "--issue",
                 "--date", "2026-04-03", "--out", str(again)]) == 0
    said = capsys.readouterr().out
    assert "不再重新编号" in said and "--date 2026-04-03 没有使用" in said
    assert again.read_bytes() == issued.read_bytes()
    assert main(["check-report", "--db", str(path), "--month", "2026-03", "--date", "2026-4-x",
                 "--out", str(draft)]) == 1
    assert "看不懂" in capsys.readouterr().err
    with open_database(path) as db, db.session() as s:
        issues = s.scalars(select(AuditEntry.summary).where(AuditEntry.action == "issue")).all()
    assert len(issues) == 1 and "〔2026〕1号" in issues[0]
