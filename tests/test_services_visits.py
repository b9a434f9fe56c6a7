"""Visits and the key-visit register: recording (visitors from the team, problems raised in the
same call), the list, and every coverage figure checked against a small hand-counted town.

The town (two teams; 石岗村 served by team A, 东湖社区 by team B):

=====  ========  =========================================  ==================================
house  where     key-group tags                             visits
=====  ========  =========================================  ==================================
H1     石岗村    孤寡老人 from 2025-01-01 (open)              2025-12-20 A; 2026-03-03 A twice
H2     石岗村    —                                          2026-02-10 A; 2026-03-10 A
H3     石岗村    特困家庭 2024-03-01 → removed 2025-12-31     none
H4     石岗村    —                                          2025-06-01 A
H5     东湖社区  残疾人 2026-05-01 → removed 2026-09-01       2026-03-05 B (not yet key); 2026-05-20 B
H6     东湖社区  —                                          none
H7     石岗村    —  (moved out 2026-06-30)                  2026-03-03 A
=====  ========  =========================================  ==================================

2026: roster H1–H6 (H7 moved out) = 6; visited ≥1 day: H1, H2, H5 = 3 (50.0 %);
      ≥2 days: H2, H5 (33.3 %). Key register {H1, H5}: both visited (100.0 %).
      March: team A 4 visits, 1 key household (H1); team B 1 visit, 0 key (H5 not yet tagged).
      May: team B 1 visit, 1 key household.
2025: roster H1–H7 = 7; visited H1, H4 = 2 (28.6 %). Key register {H1, H3}: H1 only (50.0 %).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from app.db import Database
from app.errors import PermissionDenied, ValidationError
from app.models import Household, PersonCategory, Problem, ProblemSource, Role, Team
from app.services import communities, households, people, teams, visits
from app.services.problems import ProblemInput
from app.services.settings import get_settings
from app.services.visits import VisitInput
from tests.databases import open_test_database
from tests.test_services_problems import actor

START = date(2024, 1, 1)   # the teams' leaders serve from here, so 2025 visits are valid
TODAY = date(2026, 12, 31)


@dataclass(frozen=True)
class VisitTown:
    team_a: int
    team_b: int
    shigang: int
    donghu: int
    visitor_a: int
    visitor_b: int
    h: dict[int, int]   # H1..H7 → household id


def make_visit_town(db: Database) -> VisitTown:
    with db.session() as s:
        made = []
        for team_name, community, leader in (("石岗村驻点团队", "石岗村", "陈志强"),
                                              ("东湖社区驻点团队", "东湖社区", "李文")):
            c = communities.ensure_community(s, community)
            p = people.create_person(s, people.PersonInput(
                name=leader, phones="", category=PersonCategory.TOWN_LEADER))
            t = teams.create_team(s, teams.default_input(s, team_name, [c.id]), p.id, START).team
            made.append((t.id, c.id, p.id))
        (team_a, shigang, visitor_a), (team_b, donghu, visitor_b) = made
        homes = {}
        for n, community in ((1, shigang), (2, shigang), (3, shigang), (4, shigang),
                             (5, donghu), (6, donghu), (7, shigang)):
            homes[n] = households.create_household(s, households.HouseholdInput(
                community_id=community, address=f"{n} 号", head_name=f"户主{n}")).id
        households.tag_household(s, homes[1], "孤寡老人", date(2025, 1, 1), "独居")
        households.tag_household(s, homes[3], "特困家庭", date(2024, 3, 1), "因病致贫")
        households.untag_household(s, homes[3], "特困家庭", date(2025, 12, 31), "已脱困")
        households.tag_household(s, homes[5], "残疾人", date(2026, 5, 1), "新办残疾证")
        households.untag_household(s, homes[5], "残疾人", date(2026, 9, 1), "迁往外地就医")
    town = VisitTown(team_a, team_b, shigang, donghu, visitor_a, visitor_b, homes)
    with db.session() as s:
        for n, team, on in ((1, "a", date(2025, 12, 20)), (1, "a", date(2026, 3, 3)),
                            (1, "a", date(2026, 3, 3)), (2, "a", date(2026, 2, 10)),
                            (2, "a", date(2026, 3, 10)), (4, "a", date(2025, 6, 1)),
                            (5, "b", date(2026, 3, 5)), (5, "b", date(2026, 5, 20)),
                            (7, "a", date(2026, 3, 3))):
            visit(s, town, n, team, on)
        s.get(Household, homes[7]).moved_out_on = date(2026, 6, 30)
    return town


def visit(s, town: VisitTown, n: int, team: str, on: date, **kw):  # type: ignore[no-untyped-def]
    team_id, visitor = ((town.team_a, town.visitor_a) if team == "a"
                        else (town.team_b, town.visitor_b))
    return visits.record_visit(s, VisitInput(team_id=team_id, household_id=town.h[n],
                                             visited_on=on, visitor_ids=[visitor], **kw),
                               today=TODAY)


def test_coverage_figures_match_the_hand_count(db: Database) -> None:
    town = make_visit_town(db)
    with db.session() as s:
        c = visits.coverage(s, 2026, month=3)
        assert (c.required_visits, c.households, c.households_visited) == (1, 6, 3)
        assert c.households_percent == 50.0
        assert (c.key_households, c.key_visited, c.key_percent) == (2, 2, 100.0)
        progress = {t.team_id: (t.visits, t.key_households, t.target, t.percent, t.met)
                    for t in c.teams}
        assert progress == {town.team_a: (4, 1, 20, 5.0, False),
                            town.team_b: (1, 0, 20, 0.0, False)}
        may = {t.team_id: (t.visits, t.key_households) for t in visits.coverage(s, 2026, 5).teams}
        assert may == {town.team_a: (0, 0), town.team_b: (1, 1)}
        assert visits.coverage(s, 2026).teams == ()

        last_year = visits.coverage(s, 2025)
        assert (last_year.households, last_year.households_visited,
                last_year.households_percent) == (7, 2, 28.6)
        assert (last_year.key_households, last_year.key_visited, last_year.key_percent) == \
            (2, 1, 50.0)

        only_b = visits.coverage(s, 2026, 3, team_id=town.team_b)
        assert (only_b.households, only_b.households_visited, only_b.key_households,
                only_b.key_visited) == (2, 1, 1, 1)
        assert [t.team_id for t in only_b.teams] == [town.team_b]

        h = town.h
        rows = visits.not_visited(s, 2026)
        assert [(r.household_id, r.community, r.visits, r.last_visited_on, r.key_groups)
                for r in rows] == [
            (h[6], "东湖社区", 0, None, ""),
            (h[3], "石岗村", 0, None, ""),
            (h[4], "石岗村", 0, date(2025, 6, 1), "")]
        assert visits.not_visited(s, 2026, key_only=True) == []
        assert [r.household_id for r in visits.not_visited(s, 2026, community_id=town.donghu)] \
            == [h[6]]
        [missed] = visits.not_visited(s, 2025, key_only=True)
        assert (missed.household_id, missed.key_groups, missed.visits, missed.last_visited_on) \
            == (h[3], "特困家庭", 0, None)


def test_two_visits_a_year_and_the_monthly_target_come_from_settings(db: Database) -> None:
    town = make_visit_town(db)
    with db.session() as s:
        settings = get_settings(s)
        assert (settings.visits_per_household_per_year,
                settings.key_visits_per_team_per_month) == (1, 20)
        settings.visits_per_household_per_year = 2
        settings.key_visits_per_team_per_month = 1
    with db.session() as s:
        c = visits.coverage(s, 2026, month=5)
        assert (c.required_visits, c.households, c.households_visited, c.households_percent) \
            == (2, 6, 2, 33.3)
        assert (c.key_households, c.key_visited) == (2, 2)   # the key register needs one visit
        progress = {t.team_id: (t.key_households, t.target, t.percent, t.met) for t in c.teams}
        assert progress == {town.team_a: (0, 1, 0.0, False), town.team_b: (1, 1, 100.0, True)}
        h = town.h
        rows = visits.not_visited(s, 2026)
        assert [(r.household_id, r.visits, r.last_visited_on, r.key_groups) for r in rows] == [
            (h[6], 0, None, ""),
            (h[1], 1, date(2026, 3, 3), "孤寡老人"),   # two visits the same day count once
            (h[3], 0, None, ""),
            (h[4], 0, date(2025, 6, 1), "")]


def test_visit_raises_problems_and_reads_back(db: Database, db_path) -> None:
    town = make_visit_town(db)
    with db.session() as s:
        row = visit(s, town, 2, "a", date(2026, 4, 14), notes="询问供水情况",
                    problems=[ProblemInput(community_id=0, reported_on=date.min,
                                           category="基础设施", description="自来水压力不足")])
        visit_id = row.id
        assert [p.number for p in row.problems] == ["石岗村-2026-001"]
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        problem = s.scalar(select(Problem))
        assert (problem.source, problem.team_id, problem.reported_on,
                problem.reporter_household_id, problem.reporter_name) == (
            ProblemSource.VISIT, town.team_a, date(2026, 4, 14), town.h[2], "户主2")
        assert [p.id for p in visits.get_visit(s, visit_id).problems] == [problem.id]
        rows = visits.list_visits(s, start=date(2026, 4, 1), end=date(2026, 4, 30))
        assert [(r.id, r.team, r.community, r.address, r.head_name, r.visitors, r.notes,
                 r.problems) for r in rows] == [
            (visit_id, "石岗村驻点团队", "石岗村", "2 号", "户主2", "陈志强", "询问供水情况", 1)]
        assert len(visits.list_visits(s)) == 10
        assert [r.visited_on for r in visits.list_visits(s, team_id=town.team_b)] == [
            date(2026, 5, 20), date(2026, 3, 5)]
        assert len(visits.list_visits(s, community_id=town.donghu)) == 2
        assert len(visits.list_visits(s, text="供水")) == 1
        assert len(visits.list_visits(s, text="李文")) == 2     # by visitor
        assert len(visits.list_visits(s, text="户主1")) == 3


def test_refusals(db: Database) -> None:
    town = make_visit_town(db)
    with db.session() as s:
        outsider = people.create_person(s, people.PersonInput(
            name="外人", phones="", category=PersonCategory.OTHER)).id

        def attempt(n: int, on: date, visitor_ids: list[int]):  # type: ignore[no-untyped-def]
            return visits.record_visit(s, VisitInput(town.team_a, town.h[n], on, visitor_ids),
                                       today=TODAY)

        with pytest.raises(ValidationError, match="外人在 2026-04-01 不是石岗村驻点团队的成员"):
            attempt(1, date(2026, 4, 1), [outsider])
        with pytest.raises(ValidationError, match="请选择走访人"):
            attempt(1, date(2026, 4, 1), [])
        with pytest.raises(ValidationError, match="李文在 2026-04-01 不是石岗村驻点团队的成员"):
            attempt(1, date(2026, 4, 1), [town.visitor_b])
        with pytest.raises(ValidationError, match="不在石岗村驻点团队驻点的村（社区）"):
            attempt(5, date(2026, 4, 1), [town.visitor_a])
        with pytest.raises(ValidationError, match="已于 2026-06-30 迁出"):
            attempt(7, date(2026, 7, 1), [town.visitor_a])
        with pytest.raises(ValidationError, match="不能晚于今天"):
            attempt(1, date(2027, 1, 1), [town.visitor_a])
        with pytest.raises(ValidationError, match="2023-12-31 不是石岗村驻点团队的成员"):
            attempt(1, date(2023, 12, 31), [town.visitor_a])
        with pytest.raises(ValidationError, match="年份"):
            visits.coverage(s, 1900)


def test_liaison_records_and_sees_only_own_team(db: Database) -> None:
    town = make_visit_town(db)
    db.act_as(actor(Role.LIAISON, town.team_b))
    with db.session() as s:
        with pytest.raises(PermissionDenied, match="只限您负责的驻点团队"):
            visit(s, town, 1, "a", date(2026, 4, 1))
        visit(s, town, 6, "b", date(2026, 4, 2))
        assert {r.team for r in visits.list_visits(s)} == {"东湖社区驻点团队"}
        assert len(visits.list_visits(s)) == 3
        assert visits.list_visits(s, team_id=town.team_a) == []
        c = visits.coverage(s, 2026, month=4)
        assert (c.households, c.households_visited, c.key_households, c.key_visited) == (2, 2, 1, 1)
        assert [(t.team_id, t.visits) for t in c.teams] == [(town.team_b, 1)]
        with pytest.raises(PermissionDenied):
            visits.coverage(s, 2026, 4, team_id=town.team_a)
        assert [r.household_id for r in visits.not_visited(s, 2025)] == [town.h[5], town.h[6]]
        assert visits.not_visited(s, 2025, community_id=town.shigang) == []
    db.act_as(actor(Role.LEADER, town.team_b))
    with db.session() as s:
        assert len(visits.list_visits(s)) == 3
        with pytest.raises(PermissionDenied):
            visit(s, town, 6, "b", date(2026, 4, 3))


def test_org_office_sees_figures_but_not_key_groups(db: Database) -> None:
    town = make_visit_town(db)
    db.act_as(actor(Role.ORG_OFFICE))
    with db.session() as s:
        c = visits.coverage(s, 2026, month=3)
        assert (c.households, c.key_households, c.key_visited) == (6, 2, 2)
        rows = visits.not_visited(s, 2026)
        assert len(rows) == 3 and all(r.key_groups == "" for r in rows)
        [missed] = visits.not_visited(s, 2025, key_only=True)
        assert (missed.household_id, missed.key_groups) == (town.h[3], "")
        with pytest.raises(PermissionDenied):
            visit(s, town, 1, "a", date(2026, 4, 1))
    db.act_as(actor(Role.CLERK))
    with db.session() as s:
        [missed] = visits.not_visited(s, 2025, key_only=True)
        assert missed.key_groups == "特困家庭"


def test_visit_targets_are_town_settings_kept_unless_given(db: Database) -> None:
    from datetime import time

    from app.errors import ValidationError
    from app.services.settings import SettingsInput, get_settings, update_settings

    def form(**targets: int) -> SettingsInput:
        return SettingsInput("云溪镇", "江海区", "", 2, time(15), time(18, 30), 10, 2, **targets)

    with db.session() as s:
        update_settings(s, form(visits_per_household_per_year=2, key_visits_per_team_per_month=30))
    with db.session() as s:
        update_settings(s, form())  # a form without the targets leaves them alone
    with db.session() as s:
        kept = get_settings(s)
        assert (kept.visits_per_household_per_year, kept.key_visits_per_team_per_month) == (2, 30)
    with pytest.raises(ValidationError, match="每户每年走访次数应在 1 到 12 之间"), db.session() as s:
        update_settings(s, form(visits_per_household_per_year=0))
