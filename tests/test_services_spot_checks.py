"""Spot checks through the services: the monthly draw (fair over a year, reproducible from its
seed), full-check months, the evidence filled in from a hand-made team's ledgers, late delivery
as a finding, reporting that locks, rectification and re-check, the field patrol reaching the
personal file, and meeting supervision reading the meeting record.
"""

from __future__ import annotations

import json
from datetime import date, time, timedelta

import pytest

from app.auth import Actor
from app.db import Database
from app.errors import DomainError, PermissionDenied, ValidationError
from app.models import (Attendance, CheckKind, FindingSource, FindingStatus, HandlingLevel,
                        ItemResult, MeetingKind, PersonCategory, Role, SessionKind, Severity,
                        Whereabouts)
from app.services import (findings, meetings, patrols, people, personal_files, problems,
                          spot_checks, station_logs, teams, communities)
from app.services.findings import FindingInput
from app.services.settings import get_settings
from app.services.spot_checks import Candidate, ItemInput, draw_team
from tests.databases import open_test_database
from tests.test_services_problems import actor


def make_teams(db: Database, count: int, weekday: int = 2) -> list[int]:
    made = []
    with db.session() as s:
        for n in range(1, count + 1):
            community = communities.ensure_community(s, f"第{n}村")
            leader = people.create_person(s, people.PersonInput(
                f"组长{n}", category=PersonCategory.TOWN_LEADER)).id
            made.append(teams.create_team(s, teams.TeamInput(
                f"第{n}驻点团队", [community.id], weekday, time(15), time(18, 30), f"第{n}村委会"),
                leader, date(2024, 1, 1)).team.id)
    return made


def no_full_checks(db: Database) -> None:
    with db.session() as s:
        get_settings(s).full_check_months = ""


def test_every_team_is_checked_before_any_is_checked_twice(db: Database) -> None:
    team_ids = make_teams(db, 5)
    no_full_checks(db)
    drawn = []
    with db.session() as s:
        for month in range(1, 13):
            draw = spot_checks.draw_check(s, 2025, month, date(2025, month, 2), seed=f"s{month}")
            assert not draw.full and len(draw.checks) == 1
            drawn.append(draw.checks[0].team_id)
    assert set(drawn[0:5]) == set(team_ids) and set(drawn[5:10]) == set(team_ids)
    assert len(set(drawn[10:12])) == 2


def test_a_draw_is_recorded_and_can_be_replayed_from_its_seed(db: Database, db_path) -> None:
    make_teams(db, 4)
    no_full_checks(db)
    with db.session() as s:
        first = spot_checks.draw_check(s, 2026, 3, date(2026, 3, 2), seed="abc123")
        again = spot_checks.draw_check(s, 2026, 3, date(2026, 3, 9), seed="other")
        assert again.already and again.checks[0].id == first.checks[0].id   # never redrawn
        check_id, team_id = first.checks[0].id, first.checks[0].team_id
    db.close()
    with open_test_database(db_path, Actor.program()) as reopened, reopened.session() as s:
        check = spot_checks.get_check(s, check_id)
        assert check.seed == "abc123"
        assert spot_checks.replay_draw(s, check_id).team_id == team_id
        pool = [Candidate(**c) for c in json.loads(check.pool)]
        assert len(pool) == 4 and all(c.last_checked is None for c in pool)
        # The same rule by hand: four tied teams, so random.Random("abc123:2026-03") decides.
        import random
        ids = sorted(c.team_id for c in pool)
        assert ids[random.Random("abc123:2026-03").randrange(4)] == team_id


def test_the_least_recently_checked_team_goes_first_whatever_the_seed() -> None:
    pool = [Candidate(1, "一", "2026-02"), Candidate(2, "二", "2025-11"),
            Candidate(3, "三", "2026-01")]
    assert {draw_team(pool, seed, 2026, 4).team_id for seed in ("a", "b", "c", "d")} == {2}
    pool.append(Candidate(4, "四", None))
    assert draw_team(pool, "a", 2026, 4).team_id == 4


def test_full_check_months_check_every_team(db: Database) -> None:
    team_ids = make_teams(db, 3)
    with db.session() as s:
        assert get_settings(s).full_check_month_numbers == (6, 12)
        draw = spot_checks.draw_check(s, 2026, 6, date(2026, 6, 1))
        assert draw.full and sorted(c.team_id for c in draw.checks) == sorted(team_ids)
        assert all(c.kind == CheckKind.FULL and c.due_on == date(2026, 6, 8) for c in draw.checks)


def test_evidence_is_filled_in_from_the_teams_ledgers(db: Database) -> None:
    """One team, station day Tuesday, checked on 2026-03-02 for 2026-02-01..: (the period starts
    at its previous check's end + 1 = 2026-02-01)

    - station days in February 2026: 3, 10, 17, 24; logs on 3 and 17 → 10 and 24 missing;
    - weekly meetings in weeks of 2-02 and 2-16 only → weeks of 2-09 and 2-23 missing (the
      week of 3-02 is still running on the notice day);
    - no monthly meeting in February → February missing;
    - one problem due 2026-02-20 still open → overdue; one handled (已办结) without feedback.
    """
    (team_id,) = make_teams(db, 1)
    no_full_checks(db)
    with db.session() as s:
        from app.models import Team
        team = s.get(Team, team_id)
        community = team.community_links[0].community_id
        leader = team.leader.id
        for day in (date(2026, 2, 3), date(2026, 2, 17)):
            station_logs.create_session(s, station_logs.SessionInput(
                team_id=team_id, community_id=community, held_on=day, start_time=time(15),
                end_time=time(18), kind=SessionKind.RECEPTION, member_ids=[leader],
                summary="接待群众"))
        for day in (date(2026, 2, 2), date(2026, 2, 16)):
            meetings.create_meeting(s, meetings.MeetingInput(
                MeetingKind.WEEKLY, day, time(14), time(15), [team_id], agenda=["安排"]))
        overdue = problems.raise_problem(s, problems.ProblemInput(
            community_id=community, reported_on=date(2026, 2, 5), category="基础设施",
            description="路灯", reporter_name="张伯", team_id=team_id,
            deadline=date(2026, 2, 20))).number
        handled = problems.raise_problem(s, problems.ProblemInput(
            community_id=community, reported_on=date(2026, 2, 6), category="环境卫生",
            description="垃圾", reporter_name="李婶", team_id=team_id,
            level=HandlingLevel.ON_SITE))
        problems.advance(s, handled.id, problems.ProblemStatus.IN_PROGRESS, date(2026, 2, 6))
        problems.advance(s, handled.id, problems.ProblemStatus.DONE, date(2026, 2, 6), result="已处理完毕")
        # A January check makes the period start on February 1st.
        spot_checks.draw_check(s, 2026, 1, date(2026, 1, 31), seed="x")
        check = spot_checks.draw_check(s, 2026, 3, date(2026, 3, 2), seed="y").checks[0]
        assert (check.period_start, check.period_end) == (date(2026, 2, 1), date(2026, 3, 2))
        items = {i.name: i.evidence for i in check.items}
    assert "2 个驻点日没有驻点日志（02-10、02-24）" in items["驻点日志"]
    assert "2 周没有周会记录（02-09周、02-23周）" in items["会议记录和签到"]
    assert "1 个月没有参加月度汇报会（2月）" in items["会议记录和签到"]
    assert f"超期未办结问题 1 个（{overdue}）" in items["问题台账"]
    assert f"办结后未反馈 1 个（{handled.number}）" in items["问题台账"]
    # February's photos were due on 02-03 and never received; March's are not due by 03-02.
    assert "1 个月中公开栏相片未按时报送 1 个月（2026-02 缺报）" in items["公开栏相片"]
    assert [i for i in items] == ["驻点日志", "问题台账", "驻点团队记录本", "会议记录和签到",
                                  "重点走访登记册", "公开栏相片"]


def _drawn_check(db: Database) -> int:
    make_teams(db, 2)
    no_full_checks(db)
    with db.session() as s:
        return spot_checks.draw_check(s, 2026, 3, date(2026, 3, 2), seed="k").checks[0].id


def _pass_all(s, check_id: int, fail: str | None = None) -> None:  # type: ignore[no-untyped-def]
    check = spot_checks.get_check(s, check_id)
    spot_checks.save_check(s, check_id, [
        ItemInput(i.id, ItemResult.FAIL if i.name == fail else ItemResult.PASS, "")
        for i in check.items], date(2026, 3, 12), "组织办 王敏", "资料基本齐全")


def test_late_delivery_is_a_finding_and_reporting_locks_the_check(db: Database) -> None:
    check_id = _drawn_check(db)
    with db.session() as s:
        with pytest.raises(DomainError, match="没有结论"):
            spot_checks.report_check(s, check_id)
        spot_checks.record_delivery(s, check_id, date(2026, 3, 11))   # due 03-09
        _pass_all(s, check_id, fail="驻点日志")
        with pytest.raises(DomainError, match="驻点日志"):
            spot_checks.report_check(s, check_id)
        check = spot_checks.get_check(s, check_id)
        findings.add_finding(s, FindingInput(
            FindingSource.LEDGER_CHECK, date(2026, 3, 12), Severity.MAJOR,
            "2 个驻点日没有日志", "补记并说明原因", date(2026, 3, 31), team_id=check.team_id,
            ledger_check_id=check_id))
        spot_checks.report_check(s, check_id)
    with db.session() as s:
        check = spot_checks.get_check(s, check_id)
        assert check.reported and spot_checks.score(check) == (80, 100)
        late = [f for f in check.findings if f.source == FindingSource.LATE_DELIVERY]
        assert len(late) == 1 and "迟 2 天" in late[0].description and late[0].reported
    with pytest.raises(DomainError, match="已上报"), db.session() as s:
        spot_checks.get_check(s, check_id).items[0].notes = "事后改写"
        s.flush()
    with db.session() as s, pytest.raises(DomainError, match="上报，不能再修改"):
        spot_checks.record_delivery(s, check_id, date(2026, 3, 10))


def test_rectification_recheck_and_amendment(db: Database, db_path) -> None:
    check_id = _drawn_check(db)
    with db.session() as s:
        spot_checks.record_delivery(s, check_id, date(2026, 3, 5))
        _pass_all(s, check_id, fail="问题台账")
        team_id = spot_checks.get_check(s, check_id).team_id
        finding_id = findings.add_finding(s, FindingInput(
            FindingSource.LEDGER_CHECK, date(2026, 3, 12), Severity.MINOR, "3 个问题超期",
            "限期办结并反馈", date(2026, 3, 26), team_id=team_id,
            ledger_check_id=check_id)).id
        spot_checks.report_check(s, check_id)
    with db.session() as s:
        rows = findings.finding_rows(s, today=date(2026, 3, 27))
        assert [(r.id, r.overdue) for r in rows] == [(finding_id, True)]
        assert findings.finding_rows(s, findings.FindingFilter(overdue_only=True),
                                     today=date(2026, 3, 20)) == []
        with pytest.raises(DomainError, match="还没有报送整改"):
            findings.recheck(s, finding_id, date(2026, 3, 28), True, "")
    db.act_as(actor(Role.LIAISON, team_id + 1))
    with db.session() as s, pytest.raises(PermissionDenied):
        findings.respond(s, finding_id, "不是本团队", date(2026, 3, 25))
    db.act_as(actor(Role.LIAISON, team_id))
    with db.session() as s:
        findings.respond(s, finding_id, "已办结 2 个，1 个待党委会研究", date(2026, 3, 25))
        with pytest.raises(PermissionDenied):
            findings.recheck(s, finding_id, date(2026, 3, 28), True, "")
    db.act_as(actor(Role.ORG_OFFICE))
    with db.session() as s:
        with pytest.raises(ValidationError, match="新整改期限"):
            findings.recheck(s, finding_id, date(2026, 3, 28), False, "仍有 1 个未办结")
        findings.recheck(s, finding_id, date(2026, 3, 28), False, "仍有 1 个未办结",
                         new_deadline=date(2026, 4, 15))
    with db.session() as s:
        finding = findings.get_finding(s, finding_id)
        assert finding.status == FindingStatus.OPEN and finding.deadline == date(2026, 4, 15)
        findings.respond(s, finding_id, "已全部办结", date(2026, 4, 10))
        findings.recheck(s, finding_id, date(2026, 4, 12), True, "核实已办结")
        findings.amend_finding(s, finding_id, "severity", "较重", "复核后认为影响较大")
    db.close()
    with open_test_database(db_path, Actor.program()) as again, again.session() as s:
        finding = findings.get_finding(s, finding_id)
        assert finding.status == FindingStatus.CLOSED and finding.severity == Severity.MAJOR
        trail = [(a.what, a.before, a.after) for a in findings.amendments(s, finding_id)]
        assert trail == [("整改期限", "2026-03-26", "2026-04-15"), ("严重程度", "一般", "较重")]


def test_patrol_absence_reaches_the_personal_file(db: Database) -> None:
    (team_id,) = make_teams(db, 1, weekday=4)
    with db.session() as s:
        from app.models import Team
        team = s.get(Team, team_id)
        community, leader = team.community_links[0].community_id, team.leader
        cadre = people.create_person(s, people.PersonInput(
            "钱干事", category=PersonCategory.TOWN_CADRE)).id
        teams.add_member(s, team_id, cadre, teams.MemberRole.CORE, date(2024, 1, 1))
        volunteer = people.create_person(s, people.PersonInput(
            "志愿者甲", category=PersonCategory.VOLUNTEER)).id
        teams.add_member(s, team_id, volunteer, teams.MemberRole.SUPPORT, date(2024, 1, 1))
        patrol = patrols.create_patrol(s, patrols.PatrolInput(
            date(2026, 3, 5), [community], "组织办 王敏、李强"))
        assert patrol.start_time == time(14, 30)
        names = {x.person.name: x.id for x in patrol.sightings}
        assert set(names) == {leader.name, "钱干事"}     # the support team is not expected
        with pytest.raises(ValidationError, match="请写明情况"):
            patrols.record_sightings(s, patrol.id, [
                patrols.SightingInput(names["钱干事"], Whereabouts.ABSENT)])
        patrols.record_sightings(s, patrol.id, [
            patrols.SightingInput(names[leader.name], Whereabouts.AT_WORK),
            patrols.SightingInput(names["钱干事"], Whereabouts.ABSENT, "电话联系称在镇政府开会，无请假")])
        patrols.report_patrol(s, patrol.id)
        file = personal_files.personal_file(s, cadre, 2026)
        leader_file = personal_files.personal_file(s, leader.id, 2026)
    assert file.patrol_absences == 1 and len(file.personal_findings) == 1
    assert "缺岗" in file.personal_findings[0].description
    assert file.personal_findings[0].severity == "较重"
    assert leader_file.patrol_absences == 0 and leader_file.personal_findings == ()
    assert file.teams == ("第1驻点团队（团队成员）",)


def test_meeting_supervision_reads_the_meeting_record(db: Database) -> None:
    (team_id,) = make_teams(db, 1)
    with db.session() as s:
        meeting = meetings.create_meeting(s, meetings.MeetingInput(
            MeetingKind.WEEKLY, date(2026, 3, 2), time(14), time(15), [team_id],
            agenda=["安排走访"]))
        meetings.sign_in(s, meeting.attendees[0].id, meetings.SignIn(Attendance.PRESENT))
        supervision = patrols.supervise(s, patrols.SupervisionInput(
            meeting.id, date(2026, 3, 2), "组织办 王敏", held_as_scheduled=True))
        assert supervision.minutes_complete is False      # not finalised, no discussion
        assert supervision.sign_in_complete is False      # present without signature, no scan
        with pytest.raises(DomainError, match="签名与到会人员是否一致"):
            patrols.report_supervision(s, supervision.id)
        supervision.signatures_match = True
        with pytest.raises(DomainError, match="登记发现的问题"):
            patrols.report_supervision(s, supervision.id)
        findings.add_finding(s, FindingInput(
            FindingSource.SUPERVISION, date(2026, 3, 2), Severity.MINOR, "会议记录未成文、未签名",
            "会后当天整理记录并签名", date(2026, 3, 9), team_id=team_id,
            supervision_id=supervision.id))
        patrols.report_supervision(s, supervision.id)
        assert supervision.findings[0].reported


def test_a_month_still_to_come_cannot_be_drawn(db: Database) -> None:
    make_teams(db, 2)
    next_month = date.today().replace(day=28) + timedelta(days=5)
    with db.session() as s, pytest.raises(ValidationError, match="还没到"):
        spot_checks.draw_check(s, next_month.year, next_month.month)


def test_only_the_organization_office_runs_checks(db: Database) -> None:
    make_teams(db, 1)
    for role in (Role.CLERK, Role.LIAISON, Role.LEADER):
        db.act_as(actor(role, 1))
        with db.session() as s, pytest.raises(PermissionDenied):
            spot_checks.draw_check(s, 2026, 3)
    db.act_as(actor(Role.ORG_OFFICE))
    with db.session() as s:
        assert spot_checks.draw_check(s, 2026, 3, date(2026, 3, 2)).checks


def test_the_office_sets_the_full_check_months_and_the_patrol_afternoon(db: Database) -> None:
    from app.services.spot_checks import CheckSettingsInput, update_check_settings

    make_teams(db, 2)
    db.act_as(actor(Role.CLERK))
    with db.session() as s, pytest.raises(PermissionDenied):
        update_check_settings(s, CheckSettingsInput([3, 9], 5, 4, time(14), time(17)))
    db.act_as(actor(Role.ORG_OFFICE))
    with db.session() as s:
        with pytest.raises(ValidationError, match="至少安排 2 次"):
            update_check_settings(s, CheckSettingsInput([9], 5, 4, time(14), time(17)))
        update_check_settings(s, CheckSettingsInput([9, 3, 3], 5, 4, time(14), time(17)))
    with db.session() as s:
        assert get_settings(s).full_check_months == "3,9"
        draw = spot_checks.draw_check(s, 2026, 3, date(2026, 3, 2))
        assert draw.full and all(c.due_on == date(2026, 3, 7) for c in draw.checks)
        assert not spot_checks.draw_check(s, 2026, 6, date(2026, 6, 1)).full
        patrol = patrols.create_patrol(s, patrols.PatrolInput(date(2026, 3, 5), [1], "王敏"))
        assert (patrol.start_time, patrol.end_time) == (time(14), time(17))
