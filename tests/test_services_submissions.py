"""Upward submission through the services: deadlines at month ends and in February, funding
money kept exact, the approval queue, notice-board photos checked, and the bulletin's figures
against a hand-counted month.

The bulletin fixture (seed_town: 石岗村驻点团队, station day Tuesday, leader 李建国, liaison
陈小红, member 黄志强; three households 石岗村1–3号), month 2026-03 (as of 2026-03-31):

- station days: Tuesdays 3, 10, 17, 24, 31 = 5; sessions on 3, 10, 24 = 3
- problems reported in March: A (on site, done 03-03), B (done 03-20), C (deadline 03-15, still
  open → overdue), D (deadline 04-30, open) → raised 4, solved 2, on site 1, overdue 1
- weekly meetings: the weeks (Monday–Sunday) ending in March are those of 02-23 (it ends on
  Sunday 03-01), 03-02, 03-09, 03-16, 03-23 (03-30's week ends 04-05) = 5 expected; held 03-02
  and 03-16 = 2; monthly meeting on 03-27: yes
- visits: 石岗村1号 on 03-05 (key: 孤寡老人 since 2026-01-01), 2号 on 03-06 → households 3,
  visited (≥1 time in the year) 2, key households 1, key visited in March 1
- submissions: photos received 03-02 (on time), report 04-02 (late); the other three missing
- score: sessions 20·3/5 = 12, households 15·2/3 = 10, key 20·1/20 = 1, problems 15·2/4 = 7.5,
  meetings 15·(0.8·2/5 + 0.2) = 7.8, submissions 15·(1 + 0.5)/5 = 4.5, overdue −1 → 41.8
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import select

from app.db import Database
from app.errors import DomainError, PermissionDenied, ValidationError
from app.models import (HandlingLevel, Household, MeetingKind, PhotoKind, ProblemStatus,
                        ProjectStatus, Role, SessionKind, SubmissionKind, Urgency)
from app.services import (bulletin, deadlines, funding, households, meetings, notice_photos,
                          problems, station_logs, visits)
from app.services.deadlines import ItemState
from app.services.funding import ProjectInput
from app.services.settings import get_settings
from tests.test_services_problems import actor
from tests.ui_support import seed_town


def jpeg(color: str = "white", size: tuple[int, int] = (800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


# --- deadlines ------------------------------------------------------------------------------

@pytest.mark.parametrize(("year", "month", "photos", "forms"), [
    (2026, 2, date(2026, 2, 3), date(2026, 2, 28)),
    (2028, 2, date(2028, 2, 3), date(2028, 2, 29)),
    (2026, 4, date(2026, 4, 3), date(2026, 4, 30)),
    (2026, 1, date(2026, 1, 3), date(2026, 1, 30)),
])
def test_due_dates_and_the_last_day_of_a_short_month(db: Database, year, month, photos,
                                                     forms) -> None:
    with db.session() as s:
        settings = get_settings(s)
        assert deadlines.due_date(SubmissionKind.PHOTOS, year, month, settings) == photos
        for kind in (SubmissionKind.FORM1, SubmissionKind.FORM2, SubmissionKind.REGISTER,
                     SubmissionKind.REPORT):
            assert deadlines.due_date(kind, year, month, settings) == forms


def test_item_states_on_a_given_day() -> None:
    due = date(2026, 2, 28)
    state = deadlines.state_of
    assert state(due, None, date(2026, 2, 10), 5) == ItemState.NOT_DUE
    assert state(due, None, date(2026, 2, 23), 5) == ItemState.DUE_SOON
    assert state(due, None, date(2026, 2, 28), 5) == ItemState.DUE_SOON
    assert state(due, None, date(2026, 3, 1), 5) == ItemState.MISSING
    assert state(due, datetime(2026, 2, 28, 23, 59), date(2026, 3, 9), 5) == ItemState.ON_TIME
    assert state(due, datetime(2026, 3, 1, 8, 0), date(2026, 3, 9), 5) == ItemState.LATE


def test_the_calendar_and_what_falls_due_soon(db: Database) -> None:
    town = seed_town(db)
    with db.session() as s:
        deadlines.record_received(s, town["team"], 2026, 2, SubmissionKind.PHOTOS,
                                  datetime(2026, 2, 2, 9, 0))
        items = {i.kind: i.state for i in deadlines.calendar_for(s, 2026, 2,
                                                                  today=date(2026, 2, 25))}
        assert items[SubmissionKind.PHOTOS] == ItemState.ON_TIME
        assert items[SubmissionKind.REPORT] == ItemState.DUE_SOON
        soon = deadlines.upcoming(s, today=date(2026, 2, 25))
        assert [(i.kind, i.due) for i in soon][:1] == [(SubmissionKind.FORM1, date(2026, 2, 28))]
        assert SubmissionKind.PHOTOS not in {i.kind for i in soon}
        # A second receipt does not move the first.
        again = deadlines.record_received(s, town["team"], 2026, 2, SubmissionKind.PHOTOS,
                                          datetime(2026, 2, 9, 9, 0))
        assert again.received_at == datetime(2026, 2, 2, 9, 0)


def test_a_new_team_owes_nothing_due_before_it_existed(db: Database) -> None:
    from app.services import teams

    town = seed_town(db)
    with db.session() as s:
        new = teams.create_team(s, teams.TeamInput(
            "新围社区驻点团队", [town["xinwei"]], 4, time(9), time(12)), town["wong"],
            date(2026, 3, 10)).team.id
        items = {(i.team_id, i.kind): i.state
                 for i in deadlines.calendar_for(s, 2026, 3, today=date(2026, 3, 12))}
        # The photos were due on the 3rd, before the team existed: not owed, not 缺报.
        assert (new, SubmissionKind.PHOTOS) not in items
        assert items[(town["team"], SubmissionKind.PHOTOS)] == ItemState.MISSING
        assert items[(new, SubmissionKind.REPORT)] == ItemState.NOT_DUE
        assert deadlines.team_since(s.get(teams.Team, new)) == date(2026, 3, 10)
        # From the next month it owes everything.
        april = [i for i in deadlines.calendar_for(s, 2026, 4, new, today=date(2026, 5, 1))]
        assert {i.kind for i in april} == set(SubmissionKind)
        assert all(i.state == ItemState.MISSING for i in april)


# --- funding --------------------------------------------------------------------------------

def project(town: dict[str, int], name: str, subsidy: str, applied: date,
            urgency: Urgency = Urgency.NORMAL, budget: str = "100000.00") -> ProjectInput:
    return ProjectInput(town["team"], town["shigang"], name, budget, subsidy, applied, urgency,
                        situation="现状", plan="方案")


def test_money_is_exact_and_bounded(db: Database) -> None:
    town = seed_town(db)
    with db.session() as s:
        p = funding.create_project(s, project(town, "村道硬化", "30,000.10", date(2026, 3, 1)))
        assert p.subsidy == Decimal("30000.10") and p.budget == Decimal("100000.00")
        with pytest.raises(ValidationError, match="不能超过总预算"):
            funding.create_project(s, project(town, "超额", "200000", date(2026, 3, 1)))
        with pytest.raises(ValidationError, match="两位小数"):
            funding.create_project(s, project(town, "厘", "100.005", date(2026, 3, 1)))
        with pytest.raises(ValidationError, match="不是金额"):
            funding.create_project(s, project(town, "字", "三万", date(2026, 3, 1)))
        funding.decide(s, p.id, date(2026, 3, 10), "30000.10")
        for amount in ("0.10", "0.20", "29999.80"):
            funding.disburse(s, p.id, date(2026, 3, 20), amount)
        assert p.disbursed == Decimal("30000.10")
        with pytest.raises(ValidationError, match="最多还能拨付 0.00 元"):
            funding.disburse(s, p.id, date(2026, 3, 21), "0.01")


def test_decision_progress_and_completion(db: Database) -> None:
    town = seed_town(db)
    with db.session() as s:
        p = funding.create_project(s, project(town, "文化室修缮", "50000", date(2026, 1, 5)))
        with pytest.raises(DomainError, match="还没有批准"):
            funding.record_progress(s, p.id, 2026, 2, 10)
        with pytest.raises(ValidationError, match="不能超过申请补贴"):
            funding.decide(s, p.id, date(2026, 1, 20), "60000")
        funding.decide(s, p.id, date(2026, 1, 20), "45000")
        funding.record_progress(s, p.id, 2026, 2, 40, "基础完成")
        with pytest.raises(ValidationError, match="不能比之前"):
            funding.record_progress(s, p.id, 2026, 3, 30)
        with pytest.raises(ValidationError, match="实际完工日期"):
            funding.record_progress(s, p.id, 2026, 3, 100)
        funding.record_progress(s, p.id, 2026, 3, 100, "完工验收", completed_on=date(2026, 3, 25))
        assert p.status == ProjectStatus.COMPLETED and p.actual_completion == date(2026, 3, 25)
        refused = funding.create_project(s, project(town, "广场扩建", "80000", date(2026, 1, 6)))
        with pytest.raises(ValidationError, match="写明原因"):
            funding.decide(s, refused.id, date(2026, 1, 20), None)
        funding.decide(s, refused.id, date(2026, 1, 20), None, "超出本年度预算")
        assert refused.status == ProjectStatus.REFUSED


def test_the_queue_orders_by_urgency_then_application_then_amount(db: Database) -> None:
    town = seed_town(db)
    with db.session() as s:
        a = funding.create_project(s, project(town, "甲", "30000", date(2026, 2, 1)))
        b = funding.create_project(s, project(town, "乙", "20000", date(2026, 3, 1), Urgency.HIGH))
        c = funding.create_project(s, project(town, "丙", "10000", date(2026, 2, 1)))
        d = funding.create_project(s, project(town, "丁", "40000", date(2026, 1, 15)))
        funding.decide(s, d.id, date(2026, 2, 20), "35000")
        funding.set_year_funds(s, 2026, "70000")
        q = funding.queue(s, 2026)
    assert [r.name for r in q.rows] == ["乙", "丁", "丙", "甲"]
    assert [r.cumulative for r in q.rows] == [Decimal("20000.00"), Decimal("55000.00"),
                                              Decimal("65000.00"), Decimal("95000.00")]
    assert [r.covered for r in q.rows] == [True, True, True, False]
    assert q.committed == Decimal("65000.00")
    assert (a.status, b.status, c.status) == (ProjectStatus.APPLIED,) * 3


def test_only_the_town_office_decides(db: Database) -> None:
    town = seed_town(db)
    with db.session() as s:
        p = funding.create_project(s, project(town, "路灯", "8000", date(2026, 3, 1))).id
    db.act_as(actor(Role.LIAISON, town["team"]))
    with db.session() as s, pytest.raises(PermissionDenied):
        funding.decide(s, p, date(2026, 3, 5), "8000")


# --- photos ---------------------------------------------------------------------------------

def test_photos_are_checked_kept_by_hash_and_counted(db: Database) -> None:
    town = seed_town(db)
    with db.session() as s:
        assert [m.message for m in notice_photos.missing_photos(s, town["team"], 2026, 3)] == [
            "石岗村公开栏相片只有 0 张（应不少于 3 张），缺远景，缺近景"]
        notice_photos.add_photo(s, town["shigang"], 2026, 3, PhotoKind.FAR, jpeg("white"),
                                "远景.jpg")
        notice_photos.add_photo(s, town["shigang"], 2026, 3, PhotoKind.NEAR, jpeg("gray"),
                                "近景1.jpg")
        with pytest.raises(ValidationError, match="已经是"):
            notice_photos.add_photo(s, town["shigang"], 2026, 3, PhotoKind.NEAR, jpeg("gray"),
                                    "again.jpg")
        with pytest.raises(ValidationError, match="不是 JPEG 或 PNG"):
            notice_photos.add_photo(s, town["shigang"], 2026, 3, PhotoKind.NEAR,
                                    b"GIF89a" + b"\0" * 64, "x.gif")
        assert [m.message for m in notice_photos.missing_photos(s, town["team"], 2026, 3)] == [
            "石岗村公开栏相片只有 2 张（应不少于 3 张）"]
        photo = notice_photos.add_photo(s, town["shigang"], 2026, 3, PhotoKind.NEAR,
                                        jpeg("black", (6000, 4000)), "近景2.jpg")
        assert max(photo.width, photo.height) == 2480           # re-encoded, bounded
        original = notice_photos.stored_bytes(s, photo.original_sha)
        assert Image.open(io.BytesIO(original)).size == (6000, 4000)   # the original kept
        assert notice_photos.missing_photos(s, town["team"], 2026, 3) == []


# --- the bulletin ---------------------------------------------------------------------------

def make_month(db: Database) -> dict[str, int]:
    town = seed_town(db)
    with db.session() as s:
        homes = list(s.scalars(select(Household.id).order_by(Household.id)))
        households.tag_household(s, homes[0], "孤寡老人", date(2026, 1, 1), "独居")
        for day in (3, 10, 24):
            station_logs.create_session(s, station_logs.SessionInput(
                team_id=town["team"], community_id=town["shigang"], held_on=date(2026, 3, day),
                kind=SessionKind.RECEPTION, member_ids=[town["lee"]], summary="接待"))

        def raise_(text: str, level=HandlingLevel.COMMUNITY, deadline=None):  # type: ignore[no-untyped-def]
            return problems.raise_problem(s, problems.ProblemInput(
                community_id=town["shigang"], reported_on=date(2026, 3, 3), category="其他",
                description=text, reporter_name="村民", team_id=town["team"], level=level,
                deadline=deadline)).id
        a = raise_("A", HandlingLevel.ON_SITE)
        b = raise_("B")
        raise_("C", deadline=date(2026, 3, 15))
        raise_("D", deadline=date(2026, 4, 30))
        for pid, on in ((a, date(2026, 3, 3)), (b, date(2026, 3, 20))):
            problems.advance(s, pid, ProblemStatus.IN_PROGRESS, on)
            problems.advance(s, pid, ProblemStatus.DONE, on, result="已处理完毕")
        for day in (2, 16):
            meetings.create_meeting(s, meetings.MeetingInput(
                MeetingKind.WEEKLY, date(2026, 3, day), time(14), time(15), [town["team"]],
                agenda=["安排"], carry_over=False))
        meetings.create_meeting(s, meetings.MeetingInput(
            MeetingKind.MONTHLY, date(2026, 3, 27), time(9), time(11), [town["team"]]))
        for home, day in ((homes[0], 5), (homes[1], 6)):
            visits.record_visit(s, visits.VisitInput(town["team"], home, date(2026, 3, day),
                                                     [town["lee"]]))
        deadlines.record_received(s, town["team"], 2026, 3, SubmissionKind.PHOTOS,
                                  datetime(2026, 3, 2, 10, 0))
        deadlines.record_received(s, town["team"], 2026, 3, SubmissionKind.REPORT,
                                  datetime(2026, 4, 2, 10, 0))
    return town


def test_bulletin_figures_match_the_hand_count(db: Database) -> None:
    town = make_month(db)
    with db.session() as s:
        b = bulletin.bulletin(s, 2026, 3, today=date(2026, 4, 5))
    (team,) = b.teams
    got = {name: getattr(team, name) for name in (
        "station_days", "sessions_held", "households", "households_visited", "key_households",
        "key_visited", "key_target", "problems_raised", "problems_solved", "solved_on_site",
        "overdue", "weekly_meetings_expected", "weekly_meetings_held", "monthly_meeting",
        "submissions_on_time", "submissions_late", "submissions_missing")}
    assert got == {"station_days": 5, "sessions_held": 3, "households": 3,
                   "households_visited": 2, "key_households": 1, "key_visited": 1,
                   "key_target": 20, "problems_raised": 4, "problems_solved": 2,
                   "solved_on_site": 1, "overdue": 1, "weekly_meetings_expected": 5,
                   "weekly_meetings_held": 2, "monthly_meeting": True,
                   "submissions_on_time": 1, "submissions_late": 1, "submissions_missing": 3}
    assert team.solved_on_site_percent == 25.0
    assert team.score == 41.8 and team.rank == 1
    assert b.totals.problems_raised == 4 and b.missing == [(team.team, 3)]
    march = [p for p in b.trend if (p.year, p.month) == (2026, 3)][0]
    assert (march.sessions_held, march.problems_raised, march.problems_solved, march.visits) == (
        3, 4, 2, 2)
    assert len(b.trend) == 12 and (b.trend[0].year, b.trend[0].month) == (2025, 4)
    with db.session() as s:
        behind = bulletin.records_behind(s, 2026, 3, town["team"], "overdue",
                                         today=date(2026, 4, 5))
        assert [line.what for line in behind] == ["石岗村-2026-003"]
        solved = bulletin.records_behind(s, 2026, 3, town["team"], "problems_solved",
                                         today=date(2026, 4, 5))
        assert [line.on for line in solved] == [date(2026, 3, 3), date(2026, 3, 20)]
        missing = bulletin.records_behind(s, 2026, 3, town["team"], "submissions_missing",
                                          today=date(2026, 4, 5))
        assert {line.what for line in missing} == {SubmissionKind.FORM1.label,
                                                   SubmissionKind.FORM2.label,
                                                   SubmissionKind.REGISTER.label}
        assert len(bulletin.records_behind(s, 2026, 3, town["team"], "key_visited",
                                           today=date(2026, 4, 5))) == 1


def test_the_committees_decision_flows_back_into_the_ledger(db: Database) -> None:
    town = seed_town(db)
    with db.session() as s:
        problem = problems.raise_problem(s, problems.ProblemInput(
            community_id=town["shigang"], reported_on=date(2026, 3, 3), category="基础设施",
            description="桥梁加固", reporter_name="村委会", team_id=town["team"],
            level=HandlingLevel.PARTY_COMMITTEE, situation="桥面开裂", solution="加固",
            budget="80000.00", subsidy="50000.00", expected_completion=date(2026, 9, 1)))
        other = problems.raise_problem(s, problems.ProblemInput(
            community_id=town["shigang"], reported_on=date(2026, 3, 3), category="其他",
            description="路灯", reporter_name="村民", team_id=town["team"]))
        problems.record_committee_decision(s, problem.id, date(2026, 3, 28),
                                           "同意补贴 5 万元，由城建办组织施工")
        with pytest.raises(DomainError, match="不是提请党委会"):
            problems.record_committee_decision(s, other.id, date(2026, 3, 28), "同意")
    with db.session() as s:
        again = problems.get_problem(s, problem.id)
        assert again.committee_decided_on == date(2026, 3, 28)
        assert again.steps[-1].note == "党委会意见：同意补贴 5 万元，由城建办组织施工"
    db.act_as(actor(Role.LIAISON, town["team"]))
    with db.session() as s, pytest.raises(PermissionDenied):
        problems.record_committee_decision(s, problem.id, date(2026, 3, 29), "改")
