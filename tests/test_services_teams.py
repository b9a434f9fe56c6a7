"""Team rules from the seeds, enforced by the service layer."""

from __future__ import annotations

from datetime import date, time

import pytest

from app.db import Database
from app.errors import DomainError, ValidationError
from app.models import MemberRole, PersonCategory
from app.services import communities, people, teams
from tests.databases import open_test_database

D0 = date(2026, 1, 5)


def person(s, name: str, mobile: str = "") -> int:
    return people.create_person(s, people.PersonInput(
        name=name, phones=mobile, category=PersonCategory.TOWN_CADRE)).id


def new_team(s, name: str, community_names: list[str], leader: int):
    ids = [communities.ensure_community(s, n).id for n in community_names]
    return teams.create_team(s, teams.default_input(s, name, ids), leader, D0)


def test_team_gets_seed_defaults_and_its_leader(db: Database, db_path) -> None:
    with db.session() as s:
        saved = new_team(s, "石岗村驻点团队", ["石岗村"], person(s, "陈志强", "13800000001"))
        team_id = saved.team.id
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        view = teams.overview(s, team_id)
        assert view.leader is not None and view.leader.name == "陈志强"
        assert view.schedule == "每周二 15:00—18:30"
        assert view.communities == ["石岗村"]
        assert any("专职联络员" in w for w in view.warnings)     # the banner says it
        # ...not each save: the standing notice stays in the banner, no message after a save.
        assert not any("专职联络员" in w for w in saved.warnings)
        added = teams.add_member(s, team_id, person(s, "黄志强", "13800000002"),
                                 MemberRole.CORE, D0)
        assert not any("专职联络员" in w for w in added.warnings)


def test_station_team_holds_at_most_ten(db: Database) -> None:
    with db.session() as s:
        team = new_team(s, "一队", ["甲村"], person(s, "组长")).team
        teams.add_member(s, team.id, person(s, "联络员"), MemberRole.TOWN_LIAISON, D0)
        for i in range(8):
            teams.add_member(s, team.id, person(s, f"成员{i}"), MemberRole.CORE, D0)
        with pytest.raises(DomainError, match="不超过 10 人"):
            teams.add_member(s, team.id, person(s, "第十一人"), MemberRole.CORE, D0)
        # The support team is not counted against the limit.
        teams.add_member(s, team.id, person(s, "辅助甲"), MemberRole.SUPPORT, D0)
        assert len(team.current(MemberRole.SUPPORT)) == 1


def test_one_leader_and_one_town_liaison(db: Database) -> None:
    with db.session() as s:
        team = new_team(s, "一队", ["甲村"], person(s, "组长")).team
        with pytest.raises(DomainError, match="已有责任人"):
            teams.add_member(s, team.id, person(s, "另一位"), MemberRole.LEADER, D0)
        teams.add_member(s, team.id, person(s, "联络员甲"), MemberRole.TOWN_LIAISON, D0)
        with pytest.raises(DomainError, match="替换"):
            teams.add_member(s, team.id, person(s, "联络员乙"), MemberRole.TOWN_LIAISON, D0)


def test_successor_takes_the_place_and_history_stays(db: Database, db_path) -> None:
    with db.session() as s:
        team = new_team(s, "一队", ["甲村"], person(s, "老组长")).team
        team_id, old_id = team.id, team.current(MemberRole.LEADER)[0].id
        teams.replace_member(s, old_id, person(s, "新组长"), date(2026, 6, 1), "工作调动")
    db.close()
    with open_test_database(db_path) as again, again.session() as s:
        view = teams.overview(s, team_id, on=date(2026, 7, 1))
        assert view.leader.name == "新组长"
        assert view.leader.replaces == "老组长"
        assert [m.name for m in view.former] == ["老组长"]
        assert view.former[0].end_reason == "工作调动"
        before = teams.overview(s, team_id, on=date(2026, 5, 31))
        assert before.leader.name == "老组长"


def test_leader_cannot_simply_leave(db: Database) -> None:
    with db.session() as s:
        team = new_team(s, "一队", ["甲村"], person(s, "组长")).team
        with pytest.raises(DomainError, match="替换"):
            teams.end_membership(s, team.current(MemberRole.LEADER)[0].id, D0, "调走")


def test_same_person_in_two_support_teams(db: Database) -> None:
    with db.session() as s:
        helper = person(s, "何律师")
        a = new_team(s, "一队", ["甲村"], person(s, "组长甲")).team
        b = new_team(s, "二队", ["乙村"], person(s, "组长乙")).team
        teams.add_member(s, a.id, helper, MemberRole.SUPPORT, D0)
        teams.add_member(s, b.id, helper, MemberRole.SUPPORT, D0)
        with pytest.raises(DomainError, match="已是一队的辅助团队成员"):
            teams.add_member(s, a.id, helper, MemberRole.SUPPORT, D0)
        assert len(people.search_people(s, "何律师")[0].memberships) == 2


def test_leader_past_two_communities_is_warned_not_refused(db: Database) -> None:
    with db.session() as s:
        leader = person(s, "组长")
        saved = new_team(s, "一队", ["甲村", "乙村", "丙社区"], leader)
        assert any("联系 3 个村（社区）" in w for w in saved.warnings)
        assert teams.leader_communities(s, leader) == ["丙社区", "乙村", "甲村"]


def test_form_problems_are_keyed_by_field(db: Database) -> None:
    with db.session() as s:
        data = teams.TeamInput(name="", community_ids=[], station_weekday=2,
                               station_start=time(18, 0), station_end=time(15, 0))
        with pytest.raises(ValidationError) as caught:
            teams.create_team(s, data, person(s, "组长"), D0)
    assert set(caught.value.problems) == {"name", "communities", "station_end"}


def test_duplicate_team_name_refused(db: Database) -> None:
    with db.session() as s:
        new_team(s, "一队", ["甲村"], person(s, "组长甲"))
    with pytest.raises(ValidationError) as caught, db.session() as s:
        new_team(s, "一队", ["乙村"], person(s, "组长乙"))
    assert "已有名为“一队”" in caught.value.problems["name"]
    with db.session() as s:  # the failed action left nothing behind
        assert people.search_people(s, "组长乙") == []


def test_stale_form_is_refused(db: Database) -> None:
    with db.session() as s:
        team = new_team(s, "一队", ["甲村"], person(s, "组长")).team
        team_id, version = team.id, team.version
        data = teams.default_input(s, "一队（改）", [team.community_links[0].community_id])
    with db.session() as s:
        teams.update_team(s, team_id, data, expected_version=version)
    with pytest.raises(DomainError, match="已被其他人修改"), db.session() as s:
        teams.update_team(s, team_id, data, expected_version=version)


def test_retiring_a_leader_needs_a_successor_first(db: Database) -> None:
    with db.session() as s:
        leader = person(s, "组长")
        member = person(s, "成员")
        team = new_team(s, "一队", ["甲村"], leader).team
        teams.add_member(s, team.id, member, MemberRole.CORE, D0)
        with pytest.raises(DomainError, match="责任人"):
            people.retire_person(s, leader, date(2026, 3, 1), "退休")
        people.retire_person(s, member, date(2026, 3, 1), "退休")
        assert team.current(MemberRole.CORE, on=date(2026, 3, 2)) == []
        with pytest.raises(DomainError, match="退出名册"):
            teams.add_member(s, team.id, member, MemberRole.SUPPORT, date(2026, 4, 1))
