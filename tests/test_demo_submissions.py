"""The demo's year of upward submission, read back from a freshly built town (the small town's
teams and villages with fewer households, so the module builds quickly): funding projects in
every state with exact money, three notice-board photos for every community and month (a few
small generated JPEGs reused), written reports whose figures are the records', the items
received mostly on time with some late and a few missing, and the first team's packages — and
that team's last month packs into a real package."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.db import Database
from app.demo import build_demo
from app.demo.context import SPECS, DemoSpec
from app.images import check_image
from app.models import (Community, FundingProject, FundingYear, NoticePhoto, PhotoKind,
                        ProjectStatus, StationSession, StoredFile, Submission, SubmissionKind,
                        SubmissionPackage, Team, WrittenReport)
from app.services import bulletin, deadlines, funding, notice_photos
from app.services.deadlines import ItemState
from app.services.submission_package import build_package, read_package
from tests.databases import open_test_database

MONTHS = [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)]
AFTER = date(2026, 11, 15)       # every item of the demo's year is due by then


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, int]]]:
    path = tmp_path_factory.mktemp("demo_submissions") / "demo.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(SPECS, "submissions_test", DemoSpec(villages=7, communities=4,
                                                       cooperatives=1, teams=8, households=900))
        with open_test_database(path) as db:
            counts = build_demo(db, "submissions_test", seed=7)
    yield path, counts


@pytest.fixture
def demo(built: tuple[Path, dict[str, int]]) -> Iterator[Database]:
    with open_test_database(built[0]) as db:
        yield db


def test_the_counts_are_what_the_database_holds(demo: Database, built) -> None:
    counts = built[1]
    with demo.session() as s:
        def n(model: type) -> int:
            return s.scalar(select(func.count()).select_from(model)) or 0
        assert counts["funding_projects"] == n(FundingProject) > 0
        assert counts["notice_photos"] == n(NoticePhoto)
        assert counts["photo_files"] == n(StoredFile)
        assert counts["written_reports"] == n(WrittenReport) > 0
        assert counts["submissions"] == n(Submission) > 0
        assert counts["submission_packages"] == n(SubmissionPackage) == 3
        states = Counter(item.state for year, month in MONTHS
                         for item in deadlines.calendar_for(s, year, month, today=AFTER))
    assert states[ItemState.LATE] == counts["submissions_late"] > 0
    assert states[ItemState.MISSING] == counts["submissions_missing"] > 0
    assert states[ItemState.ON_TIME] > 5 * states[ItemState.LATE] / 2
    assert states[ItemState.MISSING] < states[ItemState.LATE] < states[ItemState.ON_TIME]
    assert set(states) == {ItemState.ON_TIME, ItemState.LATE, ItemState.MISSING}


def test_photos_every_community_every_month_small_and_decodable(demo: Database) -> None:
    with demo.session() as s:
        communities = list(s.scalars(select(Community.id)))
        by_month = Counter((p.community_id, p.year, p.month, p.kind)
                           for p in s.scalars(select(NoticePhoto)))
        for cid in communities:
            for year, month in MONTHS:
                assert by_month[(cid, year, month, PhotoKind.FAR)] == 1
                assert by_month[(cid, year, month, PhotoKind.NEAR)] == 2
        files = s.scalars(select(StoredFile)).all()
        assert len(files) == 4 * len(communities)         # reused, not one per photo
        for f in files:
            assert f.size == len(f.data) <= 40 * 1024 and f.mime == "image/jpeg"
            with Image.open(io.BytesIO(f.data)) as picture:
                assert picture.format == "JPEG" and picture.size == (560, 420)
            assert check_image(f.data, "x.jpg").width == 560
        photo = s.scalars(select(NoticePhoto).order_by(NoticePhoto.id)).first()
        assert f"{photo.year}年{photo.month:02d}月" in photo.file_name
        assert notice_photos.stored_bytes(s, photo.image_sha)[:3] == b"\xff\xd8\xff"
        team_ids = list(s.scalars(select(Team.id).where(Team.dissolved_on.is_(None))))
        assert all(notice_photos.missing_photos(s, t, 2026, 10) == [] for t in team_ids)


def test_funding_projects_in_every_state_with_exact_money(demo: Database) -> None:
    with demo.session() as s:
        projects = s.scalars(select(FundingProject)).all()
        states = Counter(p.status for p in projects)
        assert set(states) == set(ProjectStatus)
        assert states[ProjectStatus.APPROVED] + states[ProjectStatus.COMPLETED] > \
            states[ProjectStatus.REFUSED] + states[ProjectStatus.APPLIED]
        for p in projects:
            assert p.subsidy <= p.budget and p.subsidy.as_tuple().exponent == -2
            if p.status == ProjectStatus.REFUSED:
                assert p.refusal_reason and p.approved_amount is None and not p.disbursements
            if p.status == ProjectStatus.APPLIED:
                assert p.decided_on is None and not p.progress
            if p.status in (ProjectStatus.APPROVED, ProjectStatus.COMPLETED):
                assert p.approved_amount <= p.subsidy and p.decided_on >= p.applied_on
                assert p.disbursed <= p.approved_amount
                assert all(d.paid_on >= p.decided_on for d in p.disbursements)
                percents = [g.percent for g in p.progress]
                assert percents == sorted(percents) and percents
            if p.status == ProjectStatus.COMPLETED:
                assert p.progress[-1].percent == 100 and p.actual_completion is not None
        assert any(p.disbursed == p.approved_amount for p in projects
                   if p.status == ProjectStatus.COMPLETED)
        years = {y.year: y.amount for y in s.scalars(select(FundingYear))}
        assert 2026 in years
        q = funding.queue(s, 2026)
        assert q.funds == years[2026] and any(r.covered for r in q.rows)
        assert not all(r.covered for r in q.rows)          # the year's funds fall short
        assert q.committed == sum((r.amount for r in q.rows if r.covered), Decimal("0.00"))


def test_written_reports_state_the_records_figures(demo: Database) -> None:
    with demo.session() as s:
        reports = s.scalars(select(WrittenReport)).all()
        received = {(x.team_id, x.year, x.month) for x in s.scalars(
            select(Submission).where(Submission.kind == SubmissionKind.REPORT))}
        assert received <= {(r.team_id, r.year, r.month) for r in reports}
        checked = 0
        for r in reports:
            found = re.search(r"本月驻点接待 (\d+) 次", r.body)
            held = s.scalar(select(func.count()).select_from(StationSession).where(
                StationSession.team_id == r.team_id,
                StationSession.held_on.between(date(r.year, r.month, 1),
                                               deadlines.day_in_month(r.year, r.month, 31))))
            if found:
                assert int(found.group(1)) == held
                checked += 1
            else:
                assert held == 0 and "本月没有驻点记录" in r.body
            assert len(r.body) >= 20 and r.title.endswith("直联工作情况汇报")
        assert checked > len(reports) / 2


def test_the_first_team_is_diligent_and_sent_packages(demo: Database, tmp_path: Path) -> None:
    with demo.session() as s:
        first = s.scalars(select(Team).order_by(Team.id)).first()
        items = deadlines.calendar_for(s, 2026, 10, team_id=first.id, today=AFTER)
        assert {i.state for i in items} <= {ItemState.ON_TIME, ItemState.LATE}
        packages = s.scalars(select(SubmissionPackage).order_by(SubmissionPackage.month)).all()
        assert [(p.team_id, p.year, p.month) for p in packages] == [
            (first.id, 2026, 8), (first.id, 2026, 9), (first.id, 2026, 10)]
        for p in packages:
            linked = s.scalars(select(Submission).where(Submission.package_id == p.id)).all()
            assert {x.kind for x in linked} == set(SubmissionKind) - {SubmissionKind.PHOTOS}
            assert all(x.received_at == p.received_at for x in linked)
            assert p.built_at < p.received_at
        # The demo's last month packs into a real, checked package.
        built = build_package(s, first.id, 2026, 10, tmp_path / "十月.zip")
    manifest, files, _digest = read_package(built.path)
    assert manifest["team"] == first.name
    assert sum(1 for name in files if name.startswith("photos/")) == 3 * len(
        first.community_links)


def test_the_last_months_bulletin_names_who_is_missing(demo: Database) -> None:
    with demo.session() as s:
        b = bulletin.bulletin(s, 2026, 10, today=AFTER)
    assert b.missing and b.totals.submissions_on_time > b.totals.submissions_late
