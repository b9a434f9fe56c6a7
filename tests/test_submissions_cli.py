"""``package``, ``receive``, ``bulletin`` and ``export-form`` end to end, signed in through
ZHILIAN_USER / ZHILIAN_PASSWORD.

A team's March 2026 is recorded in one database (photos, the written report, a funding project
with its decision, payments and progress, a problem raised to the party committee); its package
is received into a second database standing for the town's office, which then holds the photos,
the report, the project and the five items received. A second receipt changes nothing; a
tampered package (a byte changed, a file removed, a file added) is refused with the reason and
leaves the office's database as it was.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PIL import Image
from sqlalchemy import func, select

from app.auth import Actor
from app.cli import main
from app.db import open_database
from app.models import (AuditEntry, Disbursement, FundingProject, HandlingLevel, NoticePhoto,
                        PhotoKind, ProjectProgress, ProjectStatus, Role, StoredFile, Submission,
                        SubmissionKind, SubmissionPackage, Urgency, WrittenReport)
from app.services import accounts, funding, notice_photos, problems, written_reports
from app.services.funding import ProjectInput
from tests.accounts_support import add_admin, act_as_admin_in_commands
from tests.databases import copy_of, open_test_database
from tests.test_meetings_pdf import flat, texts
from tests.ui_support import seed_town

pytestmark = [pytest.mark.sqlite_only]

TEAM = "石岗村驻点团队"
LIAISON, LIAISON_PASSWORD = "shigang_lianluo", "Shigang-2026-test"
REPORT = "三月份团队驻点接待三次，收集问题四个，办结两个；石岗村村道硬化项目已批准并拨付首期资金。"


def jpeg(color: str, size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=80)
    return out.getvalue()


def _town(path: Path, *, month_data: bool) -> Path:
    db = open_test_database(path, Actor.program())
    town = seed_town(db)
    add_admin(db)
    if month_data:
        with db.session() as s:
            accounts.create_user(s, accounts.UserInput(LIAISON, "陈小红", [Role.LIAISON],
                                                       [town["team"]]), LIAISON_PASSWORD)
            for kind, color, name in ((PhotoKind.FAR, "white", "远景.jpg"),
                                      (PhotoKind.NEAR, "gray", "近景1.jpg"),
                                      (PhotoKind.NEAR, "navy", "近景2.jpg")):
                notice_photos.add_photo(s, town["shigang"], 2026, 3, kind, jpeg(color), name)
            written_reports.save_report(s, town["team"], 2026, 3, "三月直联工作汇报", REPORT)
            p = funding.create_project(s, ProjectInput(
                town["team"], town["shigang"], "石岗村村道硬化", "120000.00", "80000.50",
                date(2026, 2, 10), Urgency.HIGH, situation="路面破损", plan="水泥硬化",
                expected_completion=date(2026, 8, 31)))
            funding.decide(s, p.id, date(2026, 2, 26), "80000.50")
            funding.disburse(s, p.id, date(2026, 3, 5), "24000.15", "首期")
            funding.record_progress(s, p.id, 2026, 2, 10, "设计")
            funding.record_progress(s, p.id, 2026, 3, 35, "路基完成")
            problems.raise_problem(s, problems.ProblemInput(
                community_id=town["shigang"], reported_on=date(2026, 3, 10), category="基础设施",
                description="石岗桥桥面开裂", reporter_name="村委会", team_id=town["team"],
                level=HandlingLevel.PARTY_COMMITTEE, situation="桥面开裂", solution="加固",
                budget="50000.00", subsidy="30000.00", expected_completion=date(2026, 9, 1)))
    db.close()
    return path


@pytest.fixture(scope="module")
def team_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _town(tmp_path_factory.mktemp("team") / "team.db", month_data=True)


@pytest.fixture(scope="module")
def office_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The town office's database: the same team and communities, none of the month's data."""
    return _town(tmp_path_factory.mktemp("office") / "office.db", month_data=False)


@pytest.fixture(scope="module")
def package(team_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    mp = pytest.MonkeyPatch()
    mp.setenv("ZHILIAN_USER", LIAISON)
    mp.setenv("ZHILIAN_PASSWORD", LIAISON_PASSWORD)
    out = tmp_path_factory.mktemp("zip") / "石岗村_2026年03月.zip"
    try:
        assert main(["package", "--db", str(team_db), "--team", TEAM, "--month", "2026-03",
                     "--out", str(out)]) == 0
    finally:
        mp.undo()
    return out


@pytest.fixture(autouse=True)
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    act_as_admin_in_commands(monkeypatch)


def counts(path: Path) -> dict[str, int]:
    db = open_database(path).act_as(Actor.program())
    try:
        with db.session() as s:
            return {model.__name__: s.scalar(select(func.count()).select_from(model)) or 0
                    for model in (SubmissionPackage, Submission, NoticePhoto, StoredFile,
                                  WrittenReport, FundingProject, Disbursement, ProjectProgress)}
    finally:
        db.close()


def audit_summaries(path: Path, action: str) -> list[str]:
    db = open_database(path).act_as(Actor.program())
    try:
        with db.session() as s:
            return list(s.scalars(select(AuditEntry.summary).where(AuditEntry.action == action)
                                  .order_by(AuditEntry.id)))
    finally:
        db.close()


# --- package -------------------------------------------------------------------------------

def test_the_package_holds_every_form_the_photos_and_a_checked_manifest(package: Path,
                                                                        team_db: Path) -> None:
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        assert (manifest["team"], manifest["year"], manifest["month"]) == (TEAM, 2026, 3)
        assert manifest["app_version"]
        listed = {f["path"]: f for f in manifest["files"]}
        assert names == set(listed) | {"manifest.json"}
        for name, entry in listed.items():
            content = archive.read(name)
            assert hashlib.sha256(content).hexdigest() == entry["sha256"]
            assert len(content) == entry["size"]
        kinds = {f["kind"] for f in manifest["files"]}
        assert {k.value for k in SubmissionKind} <= kinds
        assert sum(1 for n in names if n.startswith("photos/")) == 3
        forms = sorted(n for n in names if n.startswith("forms/"))
        assert sum(n.endswith(".xlsx") for n in forms) == 3
        assert sum(n.endswith(".pdf") for n in forms) == 4
        form2 = next(n for n in forms if "附件2" in n and n.endswith(".xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(archive.read(form2)))
        cells = {str(c.value) for row in book.active.iter_rows() for c in row
                 if c.value is not None}
        assert any("石岗村村道硬化" in c for c in cells)
    assert any("打包上报材料" in s and package.name in s
               for s in audit_summaries(team_db, "export"))


def test_package_is_refused_while_something_is_missing(team_db: Path, tmp_path: Path,
                                                       capsys) -> None:
    out = tmp_path / "四月.zip"
    assert main(["package", "--db", str(team_db), "--team", TEAM, "--month", "2026-04",
                 "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "上报材料还不齐，暂不能打包" in err
    assert "石岗村公开栏相片只有 0 张" in err and "书面汇报还没有写" in err
    assert not out.exists() and not list(tmp_path.iterdir())
    assert main(["package", "--db", str(team_db), "--team", "没有这个团队", "--month",
                 "2026-03", "--out", str(out)]) == 1
    assert "找不到驻点团队“没有这个团队”" in capsys.readouterr().err


# --- receive -------------------------------------------------------------------------------

def test_receive_merges_the_data_and_records_the_items_once(package: Path, office_db: Path,
                                                            tmp_path: Path, capsys) -> None:
    office = copy_of(office_db, tmp_path / "office.db")
    assert main(["receive", "--db", str(office), str(package)]) == 0
    out = capsys.readouterr().out
    assert f"已接收{TEAM} 2026年3月的上报材料" in out and "接收时间：" in out
    for kind in SubmissionKind:
        assert kind.label in out
    assert "经费项目 石岗村村道硬化" in out and "书面汇报" in out
    after = counts(office)
    assert after == {"SubmissionPackage": 1, "Submission": 5, "NoticePhoto": 3,
                     "StoredFile": after["StoredFile"], "WrittenReport": 1, "FundingProject": 1,
                     "Disbursement": 1, "ProjectProgress": 2}
    db = open_database(office).act_as(Actor.program())
    with db.session() as s:
        project = s.scalars(select(FundingProject)).one()
        assert (project.status, project.subsidy, project.approved_amount, project.disbursed) == (
            ProjectStatus.APPROVED, Decimal("80000.50"), Decimal("80000.50"), Decimal("24000.15"))
        assert [g.percent for g in project.progress] == [10, 35]
        report = s.scalars(select(WrittenReport)).one()
        assert report.body == REPORT
        kinds = {sub.kind for sub in s.scalars(select(Submission))}
        assert kinds == set(SubmissionKind)
        assert {p.kind for p in s.scalars(select(NoticePhoto))} == {PhotoKind.FAR, PhotoKind.NEAR}
    db.close()
    assert any("接收上报材料" in s for s in audit_summaries(office, "receive"))

    # The same file again: nothing changes.
    assert main(["receive", "--db", str(office), str(package)]) == 0
    assert "已接收过" in capsys.readouterr().out
    assert counts(office) == after


def _tampered(package: Path, to: Path, how: str) -> Path:
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(to, "w") as dst:
        names = src.namelist()
        form = next(n for n in names if n.startswith("forms/") and n.endswith(".pdf"))
        for name in names:
            data = src.read(name)
            if how == "byte" and name == form:
                data = data[:100] + bytes([data[100] ^ 0x01]) + data[101:]
            if how == "removed" and name == form:
                continue
            dst.writestr(name, data)
        if how == "extra":
            dst.writestr("photos/另加的.jpg", jpeg("red"))
    return to


@pytest.mark.parametrize(("how", "reason"), [
    ("byte", "与清单中的校验值不符"),
    ("removed", "缺少文件“forms/"),
    ("extra", "包内有清单以外的文件：photos/另加的.jpg"),
])
def test_a_tampered_package_is_refused_and_nothing_is_written(package: Path, office_db: Path,
                                                              tmp_path: Path, capsys, how: str,
                                                              reason: str) -> None:
    office = copy_of(office_db, tmp_path / "office.db")
    before = counts(office)
    bad = _tampered(package, tmp_path / f"{how}.zip", how)
    assert main(["receive", "--db", str(office), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"上报材料包“{bad.name}”不能接收" in err and reason in err
    assert counts(office) == before
    assert not audit_summaries(office, "receive")


def test_only_the_office_receives(package: Path, team_db: Path, tmp_path: Path, capsys,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    copy = copy_of(team_db, tmp_path / "team.db")
    before = counts(copy)
    monkeypatch.setenv("ZHILIAN_USER", LIAISON)
    monkeypatch.setenv("ZHILIAN_PASSWORD", LIAISON_PASSWORD)
    assert main(["receive", "--db", str(copy), str(package)]) == 1
    assert "没有“发布通报”的权限" in capsys.readouterr().err
    assert counts(copy) == before


# --- bulletin and the forms ----------------------------------------------------------------

def test_bulletin_pdf_and_xlsx(package: Path, office_db: Path, tmp_path: Path, capsys) -> None:
    office = copy_of(office_db, tmp_path / "office.db")
    assert main(["receive", "--db", str(office), str(package)]) == 0
    capsys.readouterr()
    pdf, xlsx = tmp_path / "通报.pdf", tmp_path / "通报.xlsx"
    assert main(["bulletin", "--db", str(office), "--month", "2026-03", "--out", str(pdf),
                 "--xlsx", str(xlsx)]) == 0
    out = capsys.readouterr().out
    assert "已生成2026年3月驻点直联工作情况通报" in out and "1 个驻点团队" in out
    # Received today (after the 3rd and the 30th of March): all five items late.
    assert "按时报送 0 项，逾期 5 项，缺报 0 项" in out
    text = flat("".join(texts(pdf)))
    assert "2026年3月驻点直联工作情况通报" in text and TEAM in text
    book = openpyxl.load_workbook(xlsx)
    cells = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert TEAM in cells
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".xlsx")) == [
        "通报.pdf", "通报.xlsx"]                      # no temporary file left behind
    exports = audit_summaries(office, "export")
    assert any(f"通报 PDF：{pdf.name}" in s for s in exports)
    assert any(f"通报 xlsx：{xlsx.name}" in s for s in exports)
    assert main(["bulletin", "--db", str(office), "--month", "2026-03",
                 "--out", str(tmp_path / "通报.docx")]) == 1
    assert "输出文件应以 .pdf 结尾" in capsys.readouterr().err


def test_export_form_1_and_2(team_db: Path, tmp_path: Path, capsys) -> None:
    form1 = tmp_path / "附件1.xlsx"
    assert main(["export-form", "--db", str(team_db), "--form", "1", "--month", "2026-03",
                 "--out", str(form1)]) == 0
    assert "已导出附件1 需提请党委会研究解决问题表（2026年3月，xlsx）" in capsys.readouterr().out
    cells = [str(c.value) for row in openpyxl.load_workbook(form1).active.iter_rows()
             for c in row if c.value is not None]
    assert any("石岗桥桥面开裂" in c for c in cells)
    form2 = tmp_path / "附件2.pdf"
    assert main(["export-form", "--db", str(team_db), "--form", "2", "--month", "2026-03",
                 "--team", TEAM, "--out", str(form2)]) == 0
    assert f"2026年3月，{TEAM}，PDF" in capsys.readouterr().out
    text = flat("".join(texts(form2)))
    assert "石岗村村道硬化" in text and "80,000.50" in text
    exports = audit_summaries(team_db, "export")
    assert any("附件1" in s and form1.name in s for s in exports)
    assert any("附件2" in s and form2.name in s for s in exports)
    assert main(["export-form", "--db", str(team_db), "--form", "2", "--month", "2026-03",
                 "--out", str(tmp_path / "附件2.csv")]) == 1
    assert "输出文件应以 .xlsx 或 .pdf 结尾" in capsys.readouterr().err
