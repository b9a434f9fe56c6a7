"""The monthly submission package: refused while something is missing (and says what); the zip
carries every form, the photos and a manifest with each file's SHA-256; the office's import
verifies it, rejects a tampered or partial package with the reason, records the items received
with their time, merges the data into another database, and a second import changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.auth import Actor
from app.db import Database
from app.errors import DomainError
from app.models import (FundingProject, NoticePhoto, PhotoKind, Submission, SubmissionKind,
                        SubmissionPackage, WrittenReport)
from app.services import funding, notice_photos, submission_package, written_reports
from tests.databases import open_test_database
from tests.ui_support import seed_town

MONTH = (2026, 10)


def jpeg(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(out, "JPEG")
    return out.getvalue()


def ready_month(db: Database) -> dict[str, int]:
    town = seed_town(db)
    with db.session() as s:
        for kind, color in ((PhotoKind.FAR, "white"), (PhotoKind.NEAR, "gray"),
                            (PhotoKind.NEAR, "navy")):
            notice_photos.add_photo(s, town["shigang"], *MONTH, kind, jpeg(color),
                                    f"{color}.jpg")
        written_reports.save_report(s, town["team"], *MONTH, "",
                                    "本月驻点团队按时驻点 4 次，走访群众 36 户，收集问题 5 个，已办结 4 个。")
        project = funding.create_project(s, funding.ProjectInput(
            town["team"], town["shigang"], "村道路灯改造", "60000.00", "40000.50",
            date(2026, 8, 3), situation="路灯老化", plan="更换 40 盏"))
        funding.decide(s, project.id, date(2026, 8, 20), "40000.50")
        funding.disburse(s, project.id, date(2026, 9, 1), "20000.25")
        funding.record_progress(s, project.id, 2026, 9, 30, "采购完成")
        funding.record_progress(s, project.id, 2026, 10, 70, "安装过半")
    return town


def build(db: Database, town: dict[str, int], tmp_path: Path) -> Path:
    with db.session() as s:
        return submission_package.build_package(s, town["team"], *MONTH,
                                                tmp_path / "package.zip").path


def test_a_package_is_refused_while_something_is_missing(db: Database, tmp_path: Path) -> None:
    town = seed_town(db)
    with db.session() as s:
        notice_photos.add_photo(s, town["shigang"], *MONTH, PhotoKind.FAR, jpeg("white"), "a.jpg")
        with pytest.raises(DomainError) as err:
            submission_package.build_package(s, town["team"], *MONTH, tmp_path / "p.zip")
    assert "石岗村公开栏相片只有 1 张（应不少于 3 张），缺近景" in err.value.message
    assert "书面汇报还没有写" in err.value.message
    assert not (tmp_path / "p.zip").exists()


def test_the_package_lists_every_file_with_its_checksum(db: Database, tmp_path: Path) -> None:
    town = ready_month(db)
    path = build(db, town, tmp_path)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
        assert (manifest["team"], manifest["year"], manifest["month"]) == ("石岗村驻点团队", *MONTH)
        assert manifest["app_version"]
        listed = {f["path"]: f for f in manifest["files"]}
        assert names == set(listed) | {"manifest.json"}
        for name, entry in listed.items():
            content = archive.read(name)
            assert hashlib.sha256(content).hexdigest() == entry["sha256"]
            assert len(content) == entry["size"]
    kinds = {f["kind"] for f in manifest["files"]}
    assert {k.value for k in SubmissionKind} <= kinds
    suffixes = sorted(Path(n).suffix for n in listed if n.startswith("forms/"))
    assert suffixes.count(".xlsx") == 3 and suffixes.count(".pdf") == 4
    assert sum(1 for n in listed if n.startswith("photos/")) == 3


def receive(db_path: Path, package: Path):  # type: ignore[no-untyped-def]
    with open_test_database(db_path, Actor.program()) as other, other.session() as s:
        return submission_package.receive_package(s, package)


def town_db(tmp_path: Path) -> Path:
    """The office's own database: the same town, none of the team's month."""
    path = tmp_path / "office.db"
    with open_test_database(path, Actor.program()) as other:
        seed_town(other)
    return path


def test_the_office_receives_and_merges_once(db: Database, tmp_path: Path) -> None:
    town = ready_month(db)
    package = build(db, town, tmp_path)
    office = town_db(tmp_path)
    first = receive(office, package)
    assert not first.already and first.team == "石岗村驻点团队"
    assert set(first.items) == {k.label for k in SubmissionKind}
    assert "书面汇报" in first.merged and "经费项目 村道路灯改造" in first.merged
    again = receive(office, package)
    assert again.already and again.received_at == first.received_at
    with open_test_database(office, Actor.program()) as other, other.session() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 5
        assert s.scalar(select(func.count()).select_from(SubmissionPackage)) == 1
        assert s.scalar(select(func.count()).select_from(NoticePhoto)) == 3
        report = s.scalars(select(WrittenReport)).one()
        assert report.body.startswith("本月驻点团队按时驻点 4 次")
        project = s.scalars(select(FundingProject)).one()
        assert project.approved_amount == Decimal("40000.50")
        assert project.disbursed == Decimal("20000.25")
        assert [(p.month, p.percent) for p in project.progress] == [(9, 30), (10, 70)]


def _rewrite(package: Path, out: Path, change) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(package) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    change(entries)
    with zipfile.ZipFile(out, "w") as target:
        for name, content in entries.items():
            target.writestr(name, content)
    return out


def _flip(content: bytes, at: int = 100) -> bytes:
    """One bit changed, as a damaged copy or a hand edit would."""
    return content[:at] + bytes([content[at] ^ 1]) + content[at + 1:]


def _first_form(entries: dict[str, bytes]) -> str:
    return next(n for n in entries if n.endswith(".xlsx"))


@pytest.mark.parametrize(("change", "reason"), [
    (lambda e: e.__setitem__(_first_form(e), _flip(e[_first_form(e)])), "校验值不符"),
    (lambda e: e.pop(_first_form(e)), "缺少文件"),
    (lambda e: e.__setitem__("forms/多出来的.xlsx", b"PK"), "清单以外的文件"),
    (lambda e: e.pop("manifest.json"), "缺少 manifest.json"),
    (lambda e: e.__setitem__("manifest.json", b"{not json"), "manifest.json 已损坏"),
])
def test_a_tampered_or_partial_package_is_rejected(db: Database, tmp_path: Path, change,
                                                   reason: str) -> None:
    town = ready_month(db)
    package = build(db, town, tmp_path)
    bad = _rewrite(package, tmp_path / "bad.zip", change)
    office = town_db(tmp_path)
    with pytest.raises(DomainError, match=reason):
        receive(office, bad)
    with open_test_database(office, Actor.program()) as other, other.session() as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 0
        assert s.scalar(select(func.count()).select_from(NoticePhoto)) == 0


def test_a_cut_off_file_is_not_a_package(db: Database, tmp_path: Path) -> None:
    town = ready_month(db)
    package = build(db, town, tmp_path)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(package.read_bytes()[: package.stat().st_size // 2])
    with pytest.raises(DomainError, match="不是有效的 zip|已损坏|缺少"):
        receive(town_db(tmp_path), cut)
