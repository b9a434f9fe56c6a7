"""Correcting a visit (date, visitors, notes; new problems raised from it), the household
search the visit form uses, and the plain rows of the visit list — on the hand-counted town of
tests/test_services_visits.py."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app.db import Database
from app.errors import DomainError, PermissionDenied, ValidationError
from app.models import AuditEntry, Household, MemberRole, PersonCategory, ProblemSource, Role
from app.services import people, teams, visits
from app.services.problems import ProblemInput
from app.services.visits import VisitInput
from tests.databases import open_test_database
from tests.test_services_problems import actor
from tests.test_services_visits import TODAY, make_visit_town, visit


def add_member(db: Database, team_id: int, name: str, start: date = date(2024, 1, 1)) -> int:
    with db.session() as s:
        person = people.create_person(s, people.PersonInput(
            name=name, phones="", category=PersonCategory.TOWN_CADRE)).id
        teams.add_member(s, team_id, person, MemberRole.CORE, start)
    return person


def edit(visit_id: int, town, n: int = 1, **kw) -> VisitInput:  # type: ignore[no-untyped-def]
    base = dict(team_id=town.team_a, household_id=town.h[n], visited_on=date(2026, 4, 2),
                visitor_ids=[town.visitor_a], notes="")
    base.update(kw)
    return VisitInput(**base)


def test_a_visit_is_corrected_and_the_change_is_audited(db: Database, db_path) -> None:
    town = make_visit_town(db)
    helper = add_member(db, town.team_a, "黄志强")
    with db.session() as s:
        made = visit(s, town, 2, "a", date(2026, 4, 1), notes="了解近况")
        visit_id, version = made.id, made.version
    with db.session() as s:
        form = visits.visit_form(s, visit_id)
        assert (form.version, form.visited_on, form.notes) == (version, date(2026, 4, 1), "了解近况")
        assert form.household == "2 号（户主户主2）"
        assert dict(form.members) == {town.visitor_a: "陈志强", helper: "黄志强"}
        visits.update_visit(s, visit_id, edit(
            visit_id, town, 2, visited_on=date(2026, 4, 2), visitor_ids=[town.visitor_a, helper],
            notes="  送上慰问品  ", problems=[ProblemInput(0, date(2026, 4, 2), "基础设施",
                                                       "巷口路灯不亮")]),
            expected_version=version, today=TODAY)
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        saved = visits.get_visit(s, visit_id)
        assert (saved.visited_on, saved.notes) == (date(2026, 4, 2), "送上慰问品")
        assert [p.name for p in saved.visitors] == ["陈志强", "黄志强"]
        assert saved.version == version + 1
        [problem] = saved.problems
        assert (problem.source, problem.reported_on, problem.reporter_name, problem.team_id) == (
            ProblemSource.VISIT, date(2026, 4, 2), "户主2", town.team_a)
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == visit_id,
                                                     AuditEntry.action == "update")).all()
        changes = "".join(e.changes for e in entries if e.entity in ("visit", "走访记录"))
        assert "2026-04-01" in changes and "2026-04-02" in changes, changes
        assert json.dumps("送上慰问品", ensure_ascii=False).strip('"') in changes


def test_an_edit_keeps_the_rules_of_recording(db: Database) -> None:
    town = make_visit_town(db)
    late = add_member(db, town.team_a, "迟到者", start=date(2026, 6, 1))
    with db.session() as s:
        visit_id = visit(s, town, 2, "a", date(2026, 4, 1)).id
    with db.session() as s:
        with pytest.raises(ValidationError) as err:
            visits.update_visit(s, visit_id, edit(visit_id, town, 2, visited_on=date(2027, 1, 5)),
                                today=TODAY)
        assert err.value.problems["visited_on"] == "走访日期（2027-01-05）不能晚于今天"
        with pytest.raises(ValidationError) as err:
            visits.update_visit(s, visit_id, edit(visit_id, town, 2, visitor_ids=[late]),
                                today=TODAY)
        assert err.value.problems["visitor_ids"] == "迟到者在 2026-04-02 不是石岗村驻点团队的成员"
        with pytest.raises(ValidationError) as err:
            visits.update_visit(s, visit_id, edit(visit_id, town, 2, visitor_ids=[]), today=TODAY)
        assert "走访人" in err.value.problems["visitor_ids"]
        with pytest.raises(ValidationError, match="团队和住户不能修改"):
            visits.update_visit(s, visit_id, edit(visit_id, town, 1), today=TODAY)
        # H7 moved out on 2026-06-30: a visit to it cannot be moved to after that day
        h7 = visit(s, town, 7, "a", date(2026, 3, 4)).id
        with pytest.raises(ValidationError) as err:
            visits.update_visit(s, h7, edit(h7, town, 7, visited_on=date(2026, 7, 1)), today=TODAY)
        assert "已于 2026-06-30 迁出" in err.value.problems["household_id"]


def test_a_stale_form_is_refused(db: Database) -> None:
    town = make_visit_town(db)
    with db.session() as s:
        made = visit(s, town, 2, "a", date(2026, 4, 1))
        visit_id, version = made.id, made.version
    with db.session() as s:
        visits.update_visit(s, visit_id, edit(visit_id, town, 2, notes="第一次改"),
                            expected_version=version, today=TODAY)
    with db.session() as s, pytest.raises(DomainError, match="已被其他人修改"):
        visits.update_visit(s, visit_id, edit(visit_id, town, 2, notes="第二次改"),
                            expected_version=version, today=TODAY)
    with db.session() as s:
        assert visits.get_visit(s, visit_id).notes == "第一次改"


def test_only_the_teams_liaison_edits_and_searches(db: Database) -> None:
    town = make_visit_town(db)
    with db.session() as s:
        visit_id = visit(s, town, 2, "a", date(2026, 4, 1)).id
    db.act_as(actor(Role.LIAISON, town.team_b))
    with db.session() as s:
        with pytest.raises(PermissionDenied, match="只限您负责的驻点团队"):
            visits.update_visit(s, visit_id, edit(visit_id, town, 2), today=TODAY)
        with pytest.raises(PermissionDenied):
            visits.household_choices(s, town.team_a, "")
        assert [h.address for h in visits.household_choices(s, town.team_b, "")] == ["5 号", "6 号"]
        rows = visits.visit_values(s)
        assert {r[3] for r in rows} == {town.team_b} and len(rows) == 2
    db.act_as(actor(Role.LEADER, town.team_a))
    with db.session() as s, pytest.raises(PermissionDenied):
        visits.update_visit(s, visit_id, edit(visit_id, town, 2), today=TODAY)


def test_household_choices_search_address_and_head_within_the_team(db: Database) -> None:
    town = make_visit_town(db)
    with db.session() as s:
        s.get(Household, town.h[4]).head_name = "Wang Fang"
    with db.session() as s:
        found = visits.household_choices(s, town.team_a, "")
        # H7 moved out; 东湖社区 is team B's
        assert [c.id for c in found] == [town.h[n] for n in (1, 2, 3, 4)]
        assert found[0].label == "1 号（户主户主1，石岗村）"
        assert [c.id for c in visits.household_choices(s, town.team_a, "户主3")] == [town.h[3]]
        assert [c.id for c in visits.household_choices(s, town.team_a, "wang")] == [town.h[4]]
        assert [c.id for c in visits.household_choices(s, town.team_a, "2 号")] == [town.h[2]]
        assert visits.household_choices(s, town.team_a, "户主5") == []
        assert len(visits.household_choices(s, town.team_a, "号", limit=2)) == 2


def test_visit_values_match_the_list(db: Database) -> None:
    town = make_visit_town(db)
    helper = add_member(db, town.team_a, "黄志强")
    with db.session() as s:
        visits.record_visit(s, VisitInput(
            team_id=town.team_a, household_id=town.h[2], visited_on=date(2026, 4, 1),
            visitor_ids=[helper, town.visitor_a], notes="回访",
            problems=[ProblemInput(0, date(2026, 4, 1), "环境卫生", "垃圾池满了")]), today=TODAY)
    with db.session() as s:
        listed = visits.list_visits(s)
        values = visits.visit_values(s)
    assert [r[0] for r in values] == [r.id for r in listed]       # newest first, same order
    for v, row in zip(values, listed):
        (vid, _version, on, _tid, team, _cid, community, hid, address, head, visitors, notes,
         raised) = v
        assert (vid, on, team, community, hid, address, head, visitors, notes, raised) == (
            row.id, row.visited_on, row.team, row.community, row.household_id, row.address,
            row.head_name, row.visitors, row.notes, row.problems)
    [mine] = [v for v in values if v[11] == "回访"]
    assert (mine[10], mine[12]) == ("陈志强、黄志强", 1)
