"""The problem ledger: numbering, the status flow and its refusals, reopening, overdue,
附件1 fields and who may do what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.auth import Actor
from app.db import Database
from app.errors import DomainError, PermissionDenied, ValidationError
from app.models import (AuditEntry, FeedbackMethod, HandlingLevel, PersonCategory, Problem,
                        ProblemStatus, Role, Satisfaction)
from app.services import communities, people, problems, teams
from app.services.problems import Feedback, ProblemFilter, ProblemInput
from tests.databases import open_test_database

S = ProblemStatus
D0 = date(2026, 1, 5)


@dataclass(frozen=True)
class Town:
    team_a: int
    team_b: int
    shigang: int      # served by team A
    donghu: int       # served by team B
    leader_a: int     # person


def make_town(db: Database) -> Town:
    with db.session() as s:
        ids = []
        for team_name, community, leader in (("石岗村驻点团队", "石岗村", "陈志强"),
                                              ("东湖社区驻点团队", "东湖社区", "李文")):
            c = communities.ensure_community(s, community)
            p = people.create_person(s, people.PersonInput(
                name=leader, phones="", category=PersonCategory.TOWN_LEADER))
            t = teams.create_team(s, teams.default_input(s, team_name, [c.id]), p.id, D0).team
            ids.append((t.id, c.id, p.id))
    return Town(ids[0][0], ids[1][0], ids[0][1], ids[1][1], ids[0][2])


def actor(role: Role, *team_ids: int) -> Actor:
    return Actor(None, role.value, f"测试{role.label}", frozenset({role}), frozenset(team_ids))


def pin(community_id: int, on: date = date(2026, 3, 3), **kw) -> ProblemInput:
    base = dict(community_id=community_id, reported_on=on, category="基础设施",
                description="村口路灯不亮", reporter_name="张大伯")
    base.update(kw)
    return ProblemInput(**base)


FEEDBACK = Feedback(FeedbackMethod.IN_PERSON, date(2026, 3, 20), Satisfaction.SATISFIED)


def test_numbers_run_per_community_and_year_and_are_never_reused(db: Database, db_path) -> None:
    town = make_town(db)
    with db.session() as s:
        a1 = problems.raise_problem(s, pin(town.shigang)).number
        a2 = problems.raise_problem(s, pin(town.shigang)).number
        b1 = problems.raise_problem(s, pin(town.donghu)).number
        a2027 = problems.raise_problem(s, pin(town.shigang, date(2027, 1, 4))).number
    assert (a1, a2, b1, a2027) == ("石岗村-2026-001", "石岗村-2026-002", "东湖社区-2026-001",
                                   "石岗村-2027-001")
    db.close()
    with open_test_database(db_path) as again:
        with again.session() as s:
            last = s.scalar(select(Problem).where(Problem.number == a2))
            with pytest.raises(DomainError, match="不能删除"):
                s.delete(last)
                s.flush()
            s.rollback()
        with again.session() as s:
            assert problems.raise_problem(s, pin(town.shigang)).number == "石岗村-2026-003"
            assert len(problems.list_problems(s, ProblemFilter(community_id=town.shigang,
                                                               year=2026))) == 3


def test_full_flow_each_step_dated_signed_and_audited(db: Database, db_path) -> None:
    town = make_town(db)
    with db.session() as s:
        pid = problems.raise_problem(s, pin(town.shigang)).id
    steps = [(S.IN_PROGRESS, date(2026, 3, 4)), (S.DONE, date(2026, 3, 15))]
    for to, on in steps:
        with db.session() as s:
            problems.advance(s, pid, to, on, note="已派电工", result="已处理完毕")
    with db.session() as s:
        problems.advance(s, pid, S.FED_BACK, date(2026, 3, 20), feedback=FEEDBACK)
    with db.session() as s:
        problems.advance(s, pid, S.CLOSED, date(2026, 3, 21))
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        p = problems.get_problem(s, pid)
        assert p.status == S.CLOSED
        assert p.feedback_method == FeedbackMethod.IN_PERSON and p.satisfaction.label == "满意"
        assert [(st.from_status, st.to_status, st.on_date) for st in p.steps] == [
            (None, S.REGISTERED, date(2026, 3, 3)), (S.REGISTERED, S.IN_PROGRESS, date(2026, 3, 4)),
            (S.IN_PROGRESS, S.DONE, date(2026, 3, 15)), (S.DONE, S.FED_BACK, date(2026, 3, 20)),
            (S.FED_BACK, S.CLOSED, date(2026, 3, 21))]
        assert all(st.by_name == "系统" for st in p.steps)
        summaries = list(s.scalars(select(AuditEntry.summary).where(AuditEntry.action == "status")
                                   .order_by(AuditEntry.id)))
        assert summaries == ["问题 石岗村-2026-001：登记 → 办理中", "问题 石岗村-2026-001：办理中 → 已办结",
                             "问题 石岗村-2026-001：已办结 → 已反馈", "问题 石岗村-2026-001：已反馈 → 已销案"]


def test_done_needs_a_result(db: Database) -> None:
    town = make_town(db)
    with db.session() as s:
        pid = problems.raise_problem(s, pin(town.shigang)).id
        problems.advance(s, pid, S.IN_PROGRESS, date(2026, 3, 4))
        for empty in (None, "", "   "):
            with pytest.raises(ValidationError, match="请先填写办理结果") as err:
                problems.advance(s, pid, S.DONE, date(2026, 3, 10), result=empty)
            assert err.value.field == "result"
        assert problems.get_problem(s, pid).status == S.IN_PROGRESS
        problems.advance(s, pid, S.DONE, date(2026, 3, 10), result="  已更换路灯 3 盏 ")
        assert problems.get_problem(s, pid).result == "已更换路灯 3 盏"
        problems.get_problem(s, pid).result = ""   # an old record with no result
        with pytest.raises(ValidationError, match="请先填写办理结果"):
            problems.advance(s, pid, S.FED_BACK, date(2026, 3, 11), feedback=FEEDBACK)


def test_refusals_skip_no_feedback_and_backdating(db: Database) -> None:
    town = make_town(db)
    with db.session() as s:
        pid = problems.raise_problem(s, pin(town.shigang)).id
        with pytest.raises(DomainError, match="下一步只能是“办理中”，不能直接改为“已办结”"):
            problems.advance(s, pid, S.DONE, date(2026, 3, 5))
        with pytest.raises(ValidationError, match="不能早于上一环节"):
            problems.advance(s, pid, S.IN_PROGRESS, date(2026, 3, 1))
        problems.advance(s, pid, S.IN_PROGRESS, date(2026, 3, 4))
        problems.advance(s, pid, S.DONE, date(2026, 3, 10), result="已处理完毕")
        with pytest.raises(DomainError, match="不能直接改为“已销案”"):
            problems.advance(s, pid, S.CLOSED, date(2026, 3, 11))
        with pytest.raises(ValidationError, match="反馈方式、反馈日期、群众满意度"):
            problems.advance(s, pid, S.FED_BACK, date(2026, 3, 11))
        assert problems.get_problem(s, pid).status == S.DONE
    with db.session() as s, pytest.raises(DomainError, match="已被其他人修改"):
        problems.advance(s, pid, S.FED_BACK, date(2026, 3, 11), expected_version=1,
                         feedback=FEEDBACK)


def test_reopen_keeps_the_history_and_needs_feedback_again(db: Database, db_path) -> None:
    town = make_town(db)
    with db.session() as s:
        pid = problems.raise_problem(s, pin(town.shigang)).id
        for to, on in ((S.IN_PROGRESS, 4), (S.DONE, 10)):
            problems.advance(s, pid, to, date(2026, 3, on), result="已处理完毕")
        problems.advance(s, pid, S.FED_BACK, date(2026, 3, 20), feedback=FEEDBACK)
        with pytest.raises(ValidationError, match="原因"):
            problems.reopen(s, pid, date(2026, 3, 25), "  ")
        problems.reopen(s, pid, date(2026, 3, 25), "路灯又坏了")
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        p = problems.get_problem(s, pid)
        assert p.status == S.IN_PROGRESS and len(p.steps) == 5
        assert p.steps[-1].from_status == S.FED_BACK
        assert "路灯又坏了" in p.steps[-1].note and "原反馈：当面" in p.steps[-1].note
        assert p.feedback_method is None
        with pytest.raises(DomainError, match="还在“办理中”"):
            problems.reopen(s, pid, date(2026, 3, 26), "再来")
        problems.advance(s, pid, S.DONE, date(2026, 3, 28), result="已处理完毕")
        with pytest.raises(ValidationError, match="反馈方式"):
            problems.advance(s, pid, S.FED_BACK, date(2026, 3, 29))


def test_overdue_as_property_and_filter(db: Database) -> None:
    town = make_town(db)
    with db.session() as s:
        late = problems.raise_problem(s, pin(town.shigang, deadline=date(2026, 3, 10))).id
        done = problems.raise_problem(s, pin(town.shigang, deadline=date(2026, 3, 10))).id
        problems.advance(s, done, S.IN_PROGRESS, date(2026, 3, 4))
        problems.advance(s, done, S.DONE, date(2026, 3, 9), result="已处理完毕")
        problems.raise_problem(s, pin(town.donghu, deadline=date(2026, 3, 31)))
        on = date(2026, 3, 11)
        assert [p.id for p in problems.overdue_problems(s, on)] == [late]
        assert problems.get_problem(s, late).is_overdue(on)
        assert not problems.get_problem(s, late).is_overdue(date(2026, 3, 10))
        assert not problems.get_problem(s, done).is_overdue(on)
        assert problems.get_problem(s, late).overdue  # today is long after 2026-03-10


def test_category_from_the_towns_list(db: Database) -> None:
    town = make_town(db)
    with db.session() as s:
        with pytest.raises(ValidationError, match="问题类别“基础施”不在本镇的类别清单中") as err:
            problems.raise_problem(s, pin(town.shigang, category="基础施"))
        assert set(err.value.problems) == {"category"} and "基础设施" in err.value.message
        pid = problems.raise_problem(s, pin(town.shigang, category=" 基础设施 ")).id
        assert problems.get_problem(s, pid).category == "基础设施"
        problems.get_problem(s, pid).category = "老类别"     # retired or renamed since
    with db.session() as s:   # an edit may keep the old name, but not type a new one
        p = problems.get_problem(s, pid)
        problems.update_problem(s, pid, pin(town.shigang, category="老类别",
                                            description="改过的描述"))
        assert p.category == "老类别"
        with pytest.raises(ValidationError, match="不在本镇的类别清单中"):
            problems.update_problem(s, pid, pin(town.shigang, category="老类别2"))


def test_default_deadline_by_category_and_on_site_same_day(db: Database) -> None:
    town = make_town(db)
    with db.session() as s:
        assert problems.raise_problem(s, pin(town.shigang)).deadline == date(2026, 4, 2)
        assert problems.raise_problem(s, pin(town.shigang, category="矛盾纠纷")).deadline \
            == date(2026, 3, 10)
        assert problems.raise_problem(s, pin(town.shigang, level=HandlingLevel.ON_SITE)
                                      ).deadline == date(2026, 3, 3)
        with pytest.raises(ValidationError, match="匿名"):
            problems.raise_problem(s, pin(town.shigang, reporter_name=""))
        anon = problems.raise_problem(s, pin(town.shigang, reporter_name="某人", anonymous=True))
        assert anon.anonymous and anon.reporter_name == ""


def test_party_committee_needs_the_annex_fields_and_money_round_trips(db: Database,
                                                                      db_path) -> None:
    town = make_town(db)
    with db.session() as s:
        with pytest.raises(ValidationError, match="附件1.*现状、解决方案、预算金额、申请补贴金额、预计完工时间"):
            problems.raise_problem(s, pin(town.shigang, level=HandlingLevel.PARTY_COMMITTEE))
        with pytest.raises(ValidationError, match="两位小数"):
            problems.raise_problem(s, pin(town.shigang, budget="12.345"))
        pid = problems.raise_problem(s, pin(
            town.shigang, level=HandlingLevel.PARTY_COMMITTEE, situation="路面破损 300 米",
            solution="重新硬底化", budget="1,234,567.89", subsidy=Decimal("800000.1"),
            expected_completion=date(2026, 9, 30), leader_id=town.leader_a,
            department="规划建设办")).id
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        p = problems.get_problem(s, pid)
        assert p.budget == Decimal("1234567.89") and isinstance(p.budget, Decimal)
        assert str(p.subsidy) == "800000.10"
        assert p.expected_completion == date(2026, 9, 30) and p.leader.name == "陈志强"


def test_who_may_keep_and_read_the_ledger(db: Database) -> None:
    town = make_town(db)
    with db.session() as s:
        pa = problems.raise_problem(s, pin(town.shigang)).id
        problems.raise_problem(s, pin(town.donghu))
    db.act_as(actor(Role.LIAISON, town.team_a))
    with db.session() as s:
        problems.advance(s, pa, S.IN_PROGRESS, date(2026, 3, 4))
        with pytest.raises(PermissionDenied, match="只限您负责的驻点团队"):
            problems.raise_problem(s, pin(town.donghu))
        assert [p.community_id for p in problems.list_problems(s)] == [town.shigang]
    db.act_as(actor(Role.LIAISON, town.team_b))
    with db.session() as s, pytest.raises(PermissionDenied):
        problems.advance(s, pa, S.DONE, date(2026, 3, 5), result="已处理完毕")
    db.act_as(actor(Role.LEADER, town.team_a))
    with db.session() as s:
        assert len(problems.list_problems(s)) == 1
        with pytest.raises(PermissionDenied, match="记录日志、台账"):
            problems.advance(s, pa, S.DONE, date(2026, 3, 5), result="已处理完毕")
    db.act_as(actor(Role.ORG_OFFICE))
    with db.session() as s:
        assert len(problems.list_problems(s)) == 2
        with pytest.raises(PermissionDenied):
            problems.raise_problem(s, pin(town.shigang))
    db.act_as(actor(Role.CLERK))
    with db.session() as s, pytest.raises(PermissionDenied):
        problems.advance(s, pa, S.DONE, date(2026, 3, 5), result="已处理完毕")
