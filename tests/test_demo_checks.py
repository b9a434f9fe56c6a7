"""The demo's year of spot checks, read back from a freshly built town (the small town's teams
and villages with fewer households, so the module builds quickly): a draw every month by the
service's own rule and replayable from its seed, full checks in June and December, late
deliveries with their findings, items mostly passed, findings answered and re-checked with one
or two left overdue, about two patrols a month with a few absences reaching personal files,
supervised meetings, and everything reported except the demo's last month."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.checks.report_pdf import check_report_pdf
from app.db import Database
from app.demo import build_demo
from app.demo.context import SPECS, DemoSpec
from app.demo.ledgers import LAST_DAY
from app.models import (CheckAmendment, CheckKind, FieldPatrol, Finding, FindingSource,
                        FindingStatus, ItemResult, LedgerCheck, LedgerCheckItem,
                        MeetingSupervision, PatrolSighting, Team, Whereabouts)
from app.services import personal_files, spot_checks
from tests.databases import open_test_database

MONTHS = [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)]


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("demo_checks") / "demo.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(SPECS, "checks_test", DemoSpec(villages=7, communities=4, cooperatives=1,
                                                  teams=8, households=900))
        with open_test_database(path) as db:
            counts = build_demo(db, "checks_test", seed=7)
    assert counts["ledger_checks"] and counts["findings"]
    yield path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Database]:
    with open_test_database(demo_path) as db:
        yield db


def test_a_draw_every_month_and_full_checks_twice_a_year(demo: Database) -> None:
    with demo.session() as s:
        team_ids = set(s.scalars(select(Team.id).where(Team.dissolved_on.is_(None))))
        checks = s.scalars(select(LedgerCheck).order_by(LedgerCheck.year, LedgerCheck.month,
                                                        LedgerCheck.id)).all()
        by_month: dict[tuple[int, int], list[LedgerCheck]] = {}
        for c in checks:
            by_month.setdefault((c.year, c.month), []).append(c)
        assert sorted(by_month) == MONTHS
        for (year, month), drawn in by_month.items():
            if month in (6, 12):
                assert {c.kind for c in drawn} == {CheckKind.FULL}
                assert {c.team_id for c in drawn} >= team_ids
            else:
                (check,) = drawn
                assert check.kind == CheckKind.MONTHLY and check.seed
                # the service's rule, re-run from the recorded seed and candidates
                assert spot_checks.replay_draw(s, check.id).team_id == check.team_id
            for c in drawn:
                assert c.notice_on.month == month and c.period_end == c.notice_on
                assert (c.due_on - c.notice_on).days == 7
                assert (c.reported_at is None) == ((year, month) == (LAST_DAY.year,
                                                                    LAST_DAY.month))
        # Between the two full checks, the monthly draws never take a team twice.
        between = [by_month[(2026, m)][0].team_id for m in range(1, 6)]
        assert len(set(between)) == len(between)


def test_late_deliveries_and_item_results(demo: Database) -> None:
    with demo.session() as s:
        checks = s.scalars(select(LedgerCheck)).all()
        late = [c for c in checks if c.received_on and c.received_on > c.due_on]
        assert 2 <= len(late) <= len(checks) // 2
        for c in late:
            sources = [f.source for f in c.findings]
            assert sources.count(FindingSource.LATE_DELIVERY) == 1
            text = next(f.description for f in c.findings
                        if f.source == FindingSource.LATE_DELIVERY)
            assert f"迟 {(c.received_on - c.due_on).days} 天" in text
        results = Counter(s.scalars(select(LedgerCheckItem.result)))
        assert results[ItemResult.PASS] > 3 * results[ItemResult.FAIL] > 0
        for c in checks:
            failed = [i for i in c.items if i.result == ItemResult.FAIL]
            if failed and c.reported:
                assert any(f.source == FindingSource.LEDGER_CHECK for f in c.findings)
            assert all(i.evidence for i in c.items if i.name == "驻点日志")
            if c.reported:
                assert all(i.result is not None for i in c.items) and c.checker


def test_findings_rectified_and_a_few_still_open(demo: Database) -> None:
    with demo.session() as s:
        found = s.scalars(select(Finding)).all()
        status = Counter(f.status for f in found)
        assert status[FindingStatus.CLOSED] > len(found) // 2
        assert 1 <= status[FindingStatus.OPEN] <= 8
        overdue = [f for f in found if f.is_overdue(LAST_DAY)]
        assert 1 <= len(overdue) <= 2
        for f in found:
            if f.status == FindingStatus.CLOSED:
                assert f.recheck_passed and f.response and f.recheck_on >= f.responded_on
            if f.reported_at is None:
                assert f.found_on.month == LAST_DAY.month
        amendments = s.scalars(select(CheckAmendment)).all()
        assert amendments and all(a.what == "整改期限" and a.reason.startswith("核查未通过")
                                  for a in amendments)


def test_patrols_reach_the_personal_files(demo: Database) -> None:
    with demo.session() as s:
        patrols = s.scalars(select(FieldPatrol)).all()
        assert 20 <= len(patrols) <= 24
        assert all(p.patrol_on.isoweekday() == 4 and p.communities for p in patrols)
        where = Counter(s.scalars(select(PatrolSighting.whereabouts)))
        assert where[Whereabouts.AT_WORK] > 0.8 * sum(where.values())
        assert where[Whereabouts.ABSENT] + where[Whereabouts.PERFUNCTORY] >= 2
        flagged = s.execute(select(PatrolSighting.person_id, FieldPatrol.reported_at)
                            .join(FieldPatrol)
                            .where(PatrolSighting.whereabouts.in_(
                                [Whereabouts.ABSENT, Whereabouts.PERFUNCTORY]))).all()
        reported = [pid for pid, at in flagged if at is not None]
        person_findings = Counter(s.scalars(select(Finding.person_id).where(
            Finding.source == FindingSource.PATROL)))
        assert Counter(reported) == person_findings
        pid = reported[0]
        file = personal_files.personal_file(s, pid, 2026, today=LAST_DAY)
        year_2025 = personal_files.personal_file(s, pid, 2025, today=LAST_DAY)
        assert file.patrol_absences + year_2025.patrol_absences >= 1
        assert len(file.personal_findings) + len(year_2025.personal_findings) >= 1
        supervisions = s.scalar(select(func.count()).select_from(MeetingSupervision))
        assert 10 <= supervisions <= 12


def test_the_demo_months_make_a_report(demo: Database, tmp_path: Path) -> None:
    with demo.session() as s:
        result = check_report_pdf(s, 2026, 6, tmp_path / "六月.pdf", today=date(2026, 11, 2))
    assert result.checks >= 8 and result.patrols == 2 and result.found > 0
    assert result.pages >= 3
