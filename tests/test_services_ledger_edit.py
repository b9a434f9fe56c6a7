"""Correcting recorded station sessions, receptions and problems: the same checks as recording,
the team's liaison only, a stale form refused, a handled problem left alone, and every change
in the audit trail with its before and after."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, time

import pytest
from sqlalchemy import select

from app.db import Database
from app.errors import DomainError, PermissionDenied, ValidationError
from app.models import (AuditEntry, FeedbackMethod, MemberRole, PersonCategory, ProblemSource,
                        ProblemStatus, Role, Satisfaction, SessionKind)
from app.services import communities, households, people, problems, station_logs, teams
from app.services.problems import Feedback, ProblemInput
from app.services.station_logs import ReceptionInput, SessionInput
from tests.databases import open_test_database
from tests.test_services_problems import D0, Town, actor, make_town

S = ProblemStatus
TUE = date(2026, 3, 3)


def raised(description: str) -> ProblemInput:
    return ProblemInput(community_id=0, reported_on=date.min, category="环境卫生",
                        description=description, reporter_name="王阿姨")


def audit_changes(s, entity: str, entity_id: int) -> list[dict]:  # type: ignore[no-untyped-def]
    return [json.loads(c) for c in s.scalars(
        select(AuditEntry.changes).where(AuditEntry.action == "update",
                                         AuditEntry.entity == entity,
                                         AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id))]


def town_with_liaison(db: Database) -> tuple[Town, int, int]:
    """make_town, a liaison in team A and a second community (新村) served by team A."""
    town = make_town(db)
    with db.session() as s:
        liaison = people.create_person(s, people.PersonInput(
            name="黄小燕", phones="13800000002", category=PersonCategory.TOWN_CADRE)).id
        teams.add_member(s, town.team_a, liaison, MemberRole.TOWN_LIAISON, D0)
        xincun = communities.ensure_community(s, "新村").id
        data, version = teams.team_input(s, town.team_a)
        teams.update_team(s, town.team_a, replace(
            data, community_ids=[*data.community_ids, xincun]), version)
    return town, liaison, xincun


def test_a_session_is_corrected_and_the_change_audited(db: Database, db_path) -> None:
    town, liaison, xincun = town_with_liaison(db)
    with db.session() as s:
        home = households.create_household(s, households.HouseholdInput(
            community_id=town.shigang, address="石岗村一巷 3 号", head_name="王阿姨")).id
        row = station_logs.create_session(s, SessionInput(
            town.team_a, town.shigang, TUE, member_ids=[town.leader_a], household_ids=[home],
            summary="接待群众 2 人", problems=[raised("巷口垃圾堆放")]))
        session_id, version = row.id, row.version
    with db.session() as s:
        form = station_logs.session_form(s, session_id)
        assert form.version == version and form.team_name == "石岗村驻点团队"
        assert form.data.member_ids == [town.leader_a] and form.data.household_ids == [home]
        assert {pid for pid, _ in form.members} == {town.leader_a, liaison}
        assert form.problems == ["石岗村-2026-001　巷口垃圾堆放"]
        fixed = replace(form.data, summary="接待群众 3 人", kind=SessionKind.HOME_VISIT,
                        member_ids=[town.leader_a, liaison], place="村委会一楼",
                        problems=[raised("路灯不亮")])
        station_logs.update_session(s, session_id, fixed, form.version)
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        [saved] = station_logs.list_sessions(s)
        assert (saved.summary, saved.kind, saved.place) == ("接待群众 3 人", SessionKind.HOME_VISIT,
                                                            "村委会一楼")
        assert [p.name for p in saved.members] == ["陈志强", "黄小燕"]
        assert [h.id for h in saved.households] == [home]
        # the old problem stays linked, the new one is raised from the session
        assert [(p.number, p.description, p.source) for p in saved.problems] == [
            ("石岗村-2026-001", "巷口垃圾堆放", ProblemSource.STATION_LOG),
            ("石岗村-2026-002", "路灯不亮", ProblemSource.STATION_LOG)]
        assert saved.version > version
        changes = audit_changes(s, "station_session", session_id)
        merged = {k: v for c in changes for k, v in c.items()}
        assert merged["summary"] == {"前": "接待群众 2 人", "后": "接待群众 3 人"}
        assert merged["place"]["后"] == "村委会一楼"
        assert merged["kind"]["后"] == SessionKind.HOME_VISIT.label
        assert merged["到岗成员"] == {"前": "陈志强", "后": "陈志强、黄小燕"}


def test_member_only_change_moves_the_version_on(db: Database) -> None:
    town, liaison, _ = town_with_liaison(db)
    with db.session() as s:
        row = station_logs.create_session(s, SessionInput(town.team_a, town.shigang, TUE,
                                                          member_ids=[town.leader_a]))
        session_id, version = row.id, row.version
    with db.session() as s:
        form = station_logs.session_form(s, session_id)
        station_logs.update_session(s, session_id, replace(form.data, member_ids=[liaison]),
                                    version)
    with db.session() as s, pytest.raises(DomainError, match="已被其他人修改"):
        # a second form opened before that save still holds the old version
        station_logs.update_session(s, session_id, replace(form.data, member_ids=[]), version)


def test_session_edit_refusals(db: Database) -> None:
    town, liaison, xincun = town_with_liaison(db)
    with db.session() as s:
        with_problem = station_logs.create_session(s, SessionInput(
            town.team_a, town.shigang, TUE, problems=[raised("排水沟堵塞")]))
        plain = station_logs.create_session(s, SessionInput(town.team_a, town.shigang, TUE))
        other = station_logs.create_session(s, SessionInput(town.team_b, town.donghu, TUE))
        ids = (with_problem.id, plain.id, other.id)
    with_problem_id, plain_id, other_id = ids
    db.act_as(actor(Role.LIAISON, town.team_a))
    with db.session() as s:
        base = station_logs.session_form(s, plain_id).data
        # the same checks as recording
        with pytest.raises(ValidationError, match="结束时间"):
            station_logs.update_session(s, plain_id, replace(
                base, start_time=time(18), end_time=time(9)))
        with pytest.raises(ValidationError, match="补班须提前 3 天公告"):
            station_logs.update_session(s, plain_id, replace(base, kind=SessionKind.MAKE_UP))
        # the team stays; the community only while no problem was raised
        with pytest.raises(ValidationError, match="不能改到别的团队") as refused:
            station_logs.update_session(s, plain_id, replace(
                base, team_id=town.team_b, community_id=town.donghu))
        assert refused.value.field == "team_id"
        with pytest.raises(ValidationError, match="石岗村-2026-001 等.*不能再改村（社区）"):
            station_logs.update_session(s, with_problem_id, replace(
                station_logs.session_form(s, with_problem_id).data, community_id=xincun))
        moved = station_logs.update_session(s, plain_id, replace(base, community_id=xincun))
        assert moved.community.name == "新村"
        # another team's session: neither read for editing nor saved
        with pytest.raises(PermissionDenied, match="只限您负责的驻点团队"):
            station_logs.session_form(s, other_id)
        with pytest.raises(PermissionDenied, match="只限您负责的驻点团队"):
            station_logs.update_session(s, other_id, SessionInput(
                town.team_b, town.donghu, TUE, summary="改别人的"))
    with db.session() as s, pytest.raises(DomainError, match="驻点日志在您打开之后已被其他人修改"):
        station_logs.update_session(s, plain_id, base, expected_version=1)
    db.act_as(actor(Role.LEADER, town.team_a))
    with db.session() as s, pytest.raises(PermissionDenied, match="记录日志、台账"):
        station_logs.update_session(s, plain_id, base)


def test_a_reception_is_corrected_and_may_raise_its_problem_later(db: Database, db_path) -> None:
    town, _liaison, xincun = town_with_liaison(db)
    db.act_as(actor(Role.LIAISON, town.team_a))
    with db.session() as s:
        row = station_logs.create_reception(s, ReceptionInput(
            town.team_a, town.shigang, TUE, "王阿姨", "咨询低保", phone="13800000009"))
        reception_id, version = row.id, row.version
    with db.session() as s:
        form = station_logs.reception_form(s, reception_id)
        assert (form.version, form.problem, form.data.phone) == (version, "", "13800000009")
        with pytest.raises(ValidationError, match="请填写来访人"):
            station_logs.update_reception(s, reception_id, replace(form.data, visitor_name=" "))
        station_logs.update_reception(s, reception_id, replace(
            form.data, visitor_name="王阿婆", matter="咨询低保申请条件", handling="已当面解答",
            community_id=xincun, new_problem=ProblemInput(
                community_id=0, reported_on=date.min, category="民生救助",
                description="低保申请材料不清楚")), form.version)
    with db.session() as s, pytest.raises(DomainError, match="接待记录在您打开之后已被其他人修改"):
        station_logs.update_reception(s, reception_id, form.data, form.version)
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        [saved] = station_logs.list_receptions(s)
        assert (saved.visitor_name, saved.matter, saved.handling, saved.community_id) == (
            "王阿婆", "咨询低保申请条件", "已当面解答", xincun)
        assert saved.problem is not None and saved.problem.number == "新村-2026-001"
        assert (saved.problem.source, saved.problem.reporter_name) == (
            ProblemSource.RECEPTION, "王阿婆")
        merged = {k: v for c in audit_changes(s, "reception", reception_id) for k, v in c.items()}
        assert merged["visitor_name"] == {"前": "王阿姨", "后": "王阿婆"}
        assert merged["handling"] == {"前": "", "后": "已当面解答"}


def test_reception_edit_refusals(db: Database) -> None:
    town, _liaison, xincun = town_with_liaison(db)
    with db.session() as s:
        linked = station_logs.create_reception(s, ReceptionInput(
            town.team_a, town.shigang, TUE, "李四", "路灯坏了", new_problem=ProblemInput(
                community_id=0, reported_on=date.min, category="基础设施", description="路灯坏了")))
        other = station_logs.create_reception(s, ReceptionInput(
            town.team_b, town.donghu, TUE, "某人", "咨询"))
        linked_id, other_id = linked.id, other.id
    db.act_as(actor(Role.LIAISON, town.team_a))
    with db.session() as s:
        form = station_logs.reception_form(s, linked_id)
        assert form.problem == "石岗村-2026-001　路灯坏了"
        with pytest.raises(ValidationError, match="已关联问题 石岗村-2026-001.*不能再改村（社区）"):
            station_logs.update_reception(s, linked_id, replace(form.data, community_id=xincun))
        with pytest.raises(ValidationError, match="不能改到别的团队"):
            station_logs.update_reception(s, linked_id, replace(
                form.data, team_id=town.team_b, community_id=town.donghu))
        with pytest.raises(PermissionDenied, match="只限您负责的驻点团队"):
            station_logs.reception_form(s, other_id)
        with pytest.raises(PermissionDenied, match="只限您负责的驻点团队"):
            station_logs.update_reception(s, other_id, ReceptionInput(
                town.team_b, town.donghu, TUE, "某人", "改别人的"))
        # a linked reception asking for a new problem keeps its link (as when recording)
        kept = station_logs.update_reception(s, linked_id, replace(
            form.data, new_problem=ProblemInput(0, date.min, "其他", "又一个")), form.version)
        assert kept.problem_id == form.data.problem_id
        assert len(problems.list_problems(s)) == 1


def test_a_handled_problem_is_not_rewritten(db: Database, db_path) -> None:
    town = make_town(db)
    pin = ProblemInput(town.shigang, TUE, "基础设施", "村口路灯不亮", reporter_name="张大伯")
    with db.session() as s:
        pid = problems.raise_problem(s, pin).id
    with db.session() as s:
        problems.advance(s, pid, S.IN_PROGRESS, date(2026, 3, 4))
        # still being handled: it may be corrected
        problems.update_problem(s, pid, replace(pin, description="村口两盏路灯不亮"))
    with db.session() as s:
        problems.advance(s, pid, S.DONE, date(2026, 3, 10), result="已处理完毕")
    with db.session() as s, pytest.raises(DomainError, match="已是“已办结”，不能再修改；如需更正，请先“重新办理”"):
        problems.update_problem(s, pid, replace(pin, description="改写"))
    with db.session() as s:
        problems.advance(s, pid, S.FED_BACK, date(2026, 3, 11), feedback=Feedback(
            FeedbackMethod.PHONE, date(2026, 3, 11), Satisfaction.SATISFIED))
        problems.advance(s, pid, S.CLOSED, date(2026, 3, 12))
    with db.session() as s, pytest.raises(DomainError, match="已是“已销案”，不能再修改"):
        problems.update_problem(s, pid, replace(pin, description="改写"))
    with db.session() as s:   # reopened, it can be corrected again
        problems.reopen(s, pid, date(2026, 3, 20), "描述有误")
        problems.update_problem(s, pid, replace(pin, description="村口三盏路灯不亮"))
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        p = problems.get_problem(s, pid)
        assert (p.description, p.status) == ("村口三盏路灯不亮", S.IN_PROGRESS)
        descriptions = [c["description"] for c in audit_changes(s, "problem", pid)
                        if "description" in c]
        assert descriptions == [{"前": "村口路灯不亮", "后": "村口两盏路灯不亮"},
                                {"前": "村口两盏路灯不亮", "后": "村口三盏路灯不亮"}]
