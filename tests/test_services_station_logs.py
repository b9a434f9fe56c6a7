"""The station log and reception record: defaults from the team, the 3-day rule for 补班,
gaps, problems raised from a session or a reception (never retyped), and who may record."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest

from app.db import Database
from app.errors import PermissionDenied, ValidationError
from app.models import (MemberRole, PersonCategory, ProblemSource, ProblemStatus, Role,
                        SessionKind)
from app.services import households, people, problems, station_logs, teams
from app.services.problems import ProblemInput
from app.services.station_logs import ReceptionInput, SessionInput
from tests.databases import open_test_database
from tests.test_services_problems import D0, Town, actor, make_town

TUE = date(2026, 3, 3)  # a Tuesday, the teams' station day (the town's default)


def raised(description: str) -> ProblemInput:
    # community, date, team and source are the session's; placeholders here are overwritten.
    return ProblemInput(community_id=0, reported_on=date.min, category="环境卫生",
                        description=description, reporter_name="王阿姨")


def liaison_of_a(db: Database, town: Town) -> int:
    with db.session() as s:
        person = people.create_person(s, people.PersonInput(
            name="黄小燕", phones="13800000002", category=PersonCategory.TOWN_CADRE))
        teams.add_member(s, town.team_a, person.id, MemberRole.TOWN_LIAISON, D0)
        return person.id


def test_session_takes_team_defaults_members_and_raises_problems(db: Database, db_path) -> None:
    town = make_town(db)
    liaison = liaison_of_a(db, town)
    with db.session() as s:
        home = households.create_household(s, households.HouseholdInput(
            community_id=town.shigang, address="石岗村一巷 3 号", head_name="王阿姨"))
        row = station_logs.create_session(s, SessionInput(
            team_id=town.team_a, community_id=town.shigang, held_on=TUE,
            kind=SessionKind.HOME_VISIT, member_ids=[town.leader_a, liaison],
            household_ids=[home.id], summary="走访一巷住户",
            problems=[raised("巷口垃圾堆放"), raised("排水沟堵塞")]))
        session_id = row.id
        assert [p.number for p in row.problems] == ["石岗村-2026-001", "石岗村-2026-002"]
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        [logged] = station_logs.list_sessions(s, town.team_a)
        assert logged.id == session_id
        assert (logged.start_time, logged.end_time) == (time(15, 0), time(18, 30))
        assert [p.name for p in logged.members] == ["陈志强", "黄小燕"]
        assert [h.head_name for h in logged.households] == ["王阿姨"]
        ledger = problems.list_problems(s)
        assert {p.source for p in ledger} == {ProblemSource.STATION_LOG}
        assert {(p.reported_on, p.team_id, p.station_session_id, p.status) for p in ledger} == {
            (TUE, town.team_a, session_id, ProblemStatus.REGISTERED)}


def test_session_refusals(db: Database) -> None:
    town = make_town(db)
    with db.session() as s:
        outsider = people.create_person(s, people.PersonInput(
            name="外人", phones="", category=PersonCategory.OTHER)).id
        with pytest.raises(ValidationError, match="不在所选村（社区）驻点"):
            station_logs.create_session(s, SessionInput(town.team_a, town.donghu, TUE))
        with pytest.raises(ValidationError, match="外人在 2026-03-03 不是石岗村驻点团队的成员"):
            station_logs.create_session(s, SessionInput(town.team_a, town.shigang, TUE,
                                                        member_ids=[outsider]))
        with pytest.raises(ValidationError, match="结束时间"):
            station_logs.create_session(s, SessionInput(
                town.team_a, town.shigang, TUE, start_time=time(18), end_time=time(9)))
        with pytest.raises(ValidationError, match="只有补班"):
            station_logs.create_session(s, SessionInput(
                town.team_a, town.shigang, TUE, make_up_announced_on=date(2026, 2, 27)))


def test_make_up_needs_three_days_notice(db: Database) -> None:
    town = make_town(db)
    saturday = date(2026, 3, 14)
    with db.session() as s:
        def make_up(announced: date | None):  # type: ignore[no-untyped-def]
            return station_logs.create_session(s, SessionInput(
                town.team_a, town.shigang, saturday, kind=SessionKind.MAKE_UP,
                make_up_announced_on=announced, make_up_for=date(2026, 3, 10)))
        with pytest.raises(ValidationError, match="请填写公告日期.*最迟应在 2026-03-11") as err:
            make_up(None)
        assert err.value.field is None and "make_up_announced_on" in err.value.problems
        with pytest.raises(ValidationError,
                           match="至少提前 3 天公告：2026-03-14 的补班最迟应在 2026-03-11 公告，"
                                 "现填的公告日期是 2026-03-12"):
            make_up(date(2026, 3, 12))
        row = make_up(date(2026, 3, 11))
        assert row.make_up_announced_on == date(2026, 3, 11)


def test_a_session_off_the_station_day_is_asked_about_but_allowed(db: Database) -> None:
    town = make_town(db)
    thursday = date(2026, 3, 12)
    with db.session() as s:
        assert station_logs.off_station_day(s, town.team_a, TUE, SessionKind.RECEPTION) is None
        assert station_logs.off_station_day(s, town.team_a, thursday,
                                            SessionKind.MAKE_UP) is None
        question = station_logs.off_station_day(s, town.team_a, thursday, "reception")
        assert question is not None and "2026-03-12（周四）不是" in question
        assert "（每周二）" in question and "补班" in question and "额外" in question
        # The station day a 补班 that day most likely replaces.
        assert station_logs.last_station_day(s, town.team_a, thursday) == date(2026, 3, 10)
        assert station_logs.last_station_day(s, town.team_a, TUE) == TUE
        # An extra session is allowed: the question is the form's, not a refusal.
        row = station_logs.create_session(s, SessionInput(town.team_a, town.shigang, thursday))
        assert row.kind == SessionKind.RECEPTION


def test_gaps_are_station_days_without_a_session_or_make_up(db: Database) -> None:
    town = make_town(db)
    with db.session() as s:
        station_logs.create_session(s, SessionInput(town.team_a, town.shigang, date(2026, 3, 3)))
        station_logs.create_session(s, SessionInput(town.team_a, town.shigang, date(2026, 3, 17)))
        station_logs.create_session(s, SessionInput(
            town.team_a, town.shigang, date(2026, 3, 28), kind=SessionKind.MAKE_UP,
            make_up_announced_on=date(2026, 3, 20), make_up_for=date(2026, 3, 24)))
        station_logs.create_session(s, SessionInput(town.team_b, town.donghu, date(2026, 3, 10)))
        assert station_logs.station_gaps(s, town.team_a, date(2026, 3, 1), date(2026, 3, 31)) \
            == [date(2026, 3, 10), date(2026, 3, 31)]
        assert station_logs.station_gaps(s, town.team_b, date(2026, 3, 4), date(2026, 3, 16)) == []


def test_reception_normalises_phone_and_raises_a_problem(db: Database, db_path) -> None:
    town = make_town(db)
    with db.session() as s:
        log = station_logs.create_session(s, SessionInput(town.team_a, town.shigang, TUE))
        row = station_logs.create_reception(s, ReceptionInput(
            team_id=town.team_a, community_id=town.shigang, received_on=None,
            station_session_id=log.id, visitor_name="刘伯", phone="138 0013 8000",
            matter="低保申请进度", handling="当场电话问民政办",
            new_problem=replace(raised("低保申请未批复"), reporter_name="")))
        rid = row.id
        with pytest.raises(ValidationError, match="手机号码"):
            station_logs.create_reception(s, ReceptionInput(
                town.team_a, town.shigang, TUE, "某人", "咨询", phone="1380013800"))
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        [rec] = station_logs.list_receptions(s, town.team_a)
        assert rec.id == rid and rec.received_on == TUE and rec.phone == "13800138000"
        assert rec.problem.number == "石岗村-2026-001"
        assert rec.problem.source == ProblemSource.RECEPTION
        assert rec.problem.reporter_name == "刘伯"  # the visitor, not retyped


def test_only_the_teams_liaison_keeps_its_log(db: Database) -> None:
    town = make_town(db)
    db.act_as(actor(Role.LIAISON, town.team_a))
    with db.session() as s:
        station_logs.create_session(s, SessionInput(town.team_a, town.shigang, TUE))
        with pytest.raises(PermissionDenied, match="只限您负责的驻点团队"):
            station_logs.create_session(s, SessionInput(town.team_b, town.donghu, TUE))
        with pytest.raises(PermissionDenied):
            station_logs.create_reception(s, ReceptionInput(
                town.team_b, town.donghu, TUE, "某人", "咨询"))
        with pytest.raises(PermissionDenied):
            station_logs.station_gaps(s, town.team_b, TUE, TUE)
    db.act_as(actor(Role.LEADER, town.team_b))
    with db.session() as s:
        assert station_logs.list_sessions(s) == []
        with pytest.raises(PermissionDenied, match="记录日志、台账"):
            station_logs.create_session(s, SessionInput(town.team_b, town.donghu, TUE))
    db.act_as(actor(Role.ORG_OFFICE))
    with db.session() as s:
        assert len(station_logs.list_sessions(s)) == 1


def test_list_values_are_the_lists_columns_scoped_like_the_lists(db: Database,
                                                                 db_path) -> None:
    """session_values / reception_values (what the ledger tabs read): names joined, members
    in the relationship's order, problems counted, newest first; liaisons see their teams'."""
    town = make_town(db)
    liaison = liaison_of_a(db, town)
    with db.session() as s:
        first = station_logs.create_session(s, SessionInput(
            team_id=town.team_a, community_id=town.shigang, held_on=TUE,
            member_ids=[liaison, town.leader_a], summary="接待",
            problems=[raised("巷口垃圾堆放"), raised("排水沟堵塞")])).id
        later = station_logs.create_session(s, SessionInput(
            team_id=town.team_a, community_id=town.shigang, held_on=date(2026, 3, 10))).id
        other = station_logs.create_session(s, SessionInput(
            team_id=town.team_b, community_id=town.donghu, held_on=TUE)).id
        linked = station_logs.create_reception(s, ReceptionInput(
            town.team_a, town.shigang, TUE, "刘伯", "低保申请进度", station_session_id=first,
            new_problem=replace(raised("低保申请未批复"), reporter_name=""))).id
        plain = station_logs.create_reception(s, ReceptionInput(
            town.team_b, town.donghu, date(2026, 3, 10), "某人", "咨询")).id
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        values = station_logs.session_values(s)
        assert [v[0] for v in values] == [later, other, first]          # newest first
        row = values[-1]
        assert row[3] == "石岗村驻点团队" and row[5] == "石岗村" and row[6] == TUE
        assert (row[7], row[8], row[10], row[12]) == (
            time(15, 0), time(18, 30), SessionKind.RECEPTION, "接待")
        # members by person, as list_sessions has them; problems: the two raised in the session
        # and the one raised from its reception
        assert row[13:] == ("陈志强、黄小燕", 3)
        assert values[0][13:] == ("", 0)
        assert [v[0] for v in station_logs.session_values(s, town.team_b)] == [other]
        assert [v[0] for v in station_logs.session_values(s, start=date(2026, 3, 4))] == [later]
        receptions = station_logs.reception_values(s)
        assert [r[0] for r in receptions] == [plain, linked]
        assert receptions[1][3:] == ("石岗村驻点团队", town.shigang, "石岗村", TUE, "刘伯", "",
                                     "低保申请进度", "", "石岗村-2026-003")
        assert receptions[0][-1] == "" and receptions[0][5] == "东湖社区"
    with open_test_database(db_path, actor(Role.LIAISON, town.team_a)) as mine, \
            mine.session() as s:
        assert [v[0] for v in station_logs.session_values(s)] == [later, first]
        assert [r[0] for r in station_logs.reception_values(s)] == [linked]
