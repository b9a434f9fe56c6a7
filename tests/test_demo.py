"""The demo town: built once per module into a fresh file, then checked after reopening it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import cli
from app import demo as demo_module
from app.db import Database, sqlite_files
from app.demo import DemoContext, build_demo
from app.errors import DomainError, ValidationError
from app.models import (Community, CommunityKind, Gender, Grid, Household, HouseholdKind,
                        HouseholdTag, MemberRole, Membership, Person)
from app.normalize import normalize_phone, normalize_resident_id
from app.services import communities, households, teams
from tests.databases import db_target, open_test_database

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-\d{7,8}$")


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with open_test_database(path) as db:
        build_demo(db, "small", seed=11)
    return path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Database]:
    with open_test_database(demo_path) as db:
        yield db


def count(db: Database, model: type) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_small_town_has_the_promised_size(demo: Database) -> None:
    assert count(demo, Community) == 12
    assert count(demo, Household) == 5000
    with demo.session() as s:
        assert len(teams.list_teams(s)) == 8
        kinds = Counter(c.kind for c in communities.list_communities(s))
        grids = Counter(s.scalars(select(Grid.community_id)))
    assert kinds[CommunityKind.VILLAGE] and kinds[CommunityKind.COMMUNITY]
    assert 1 <= kinds[CommunityKind.COOPERATIVE] <= 2
    assert all(3 <= n <= 8 for n in grids.values()) and len(grids) == 12


def test_every_team_follows_the_station_rules(demo: Database) -> None:
    with demo.session() as s:
        for team in teams.list_teams(s):
            view = teams.overview(s, team.id)
            assert len(team.current(MemberRole.LEADER)) == 1
            assert len(team.current(MemberRole.TOWN_LIAISON)) == 1
            assert len([m for m in team.current() if m.role.in_station_team]) <= 10
            assert 4 <= len(view.support) + len(view.community_liaisons) <= 8
            assert len(view.community_liaisons) == len(view.communities)
            assert 1 <= len(teams.leader_communities(s, view.leader.person_id)) <= 2
            assert not any("规定为" in w for w in view.warnings)


def test_phones_and_resident_ids_are_stored_normalised(demo: Database) -> None:
    with demo.session() as s:
        rows = s.execute(select(Person.mobile, Person.landline, Person.resident_id)).all()
        rows += s.execute(select(Household.mobile, Household.landline,
                                 Household.head_resident_id)).all()
    mobiles = [m for m, _, _ in rows if m]
    landlines = [line for _, line, _ in rows if line]
    ids = [i for _, _, i in rows if i]
    assert all(MOBILE.match(m) and normalize_phone(m) == m for m in mobiles)
    assert all(LANDLINE.match(x) and normalize_phone(x) == x for x in landlines)
    assert landlines and len(ids) > 1000
    assert all(normalize_resident_id(i) == i for i in ids)
    assert any(not m and not line for m, line, _ in rows)  # some households gave no phone


def test_people_have_genders_and_believable_names(demo: Database) -> None:
    with demo.session() as s:
        people = list(s.scalars(select(Person)))
    lengths = Counter(len(p.name) for p in people)
    assert lengths[2] and lengths[3] and set(lengths) == {2, 3}
    assert {Gender.MALE, Gender.FEMALE} <= {p.gender for p in people}
    assert all(p.unit and p.position for p in people)
    assert any(p.position.startswith("党委书记") for p in people)


def test_some_people_serve_two_teams(demo: Database) -> None:
    with demo.session() as s:
        pairs = s.execute(select(Membership.person_id, Membership.team_id).distinct()
                          .where(Membership.end_date.is_(None))).all()
    teams_per_person = Counter(person for person, _ in pairs)
    assert max(teams_per_person.values()) == 2


def test_replaced_members_leave_a_history(demo: Database) -> None:
    with demo.session() as s:
        successors = list(s.scalars(select(Membership).where(Membership.replaces_id.is_not(None))))
        assert len(successors) >= 4
        for new in successors:
            old = new.replaces
            assert old is not None and old.end_date == new.start_date and old.end_reason
            assert old.role == new.role and old.team_id == new.team_id
        assert {m.role for m in successors} >= {MemberRole.CORE, MemberRole.COMMUNITY_LIAISON}


def test_households_look_like_a_register(demo: Database) -> None:
    with demo.session() as s:
        rows = households.household_rows(s, on=date(2026, 7, 1))
        kinds = Counter(s.scalars(select(Household.kind)))
        sizes = set(s.scalars(select(Household.size)))
    assert len(rows) == 5000 and all(r.grid for r in rows)
    assert kinds[HouseholdKind.RESIDENT] > 4000
    assert kinds[HouseholdKind.SHOP] and kinds[HouseholdKind.UNIT]
    assert sizes <= set(range(1, 8)) and 1 in sizes and 7 in sizes
    assert any(re.search(r"村[一二三四五六七八九十]+巷\d+号$", r.address) for r in rows)
    assert any(re.search(r"社区\w+路\d+号$", r.address) for r in rows)
    assert any(re.search(r"\d+栋\d+房$", r.address) for r in rows)
    tagged = [r for r in rows if r.key_groups]
    assert 0.03 * 5000 < len(tagged) < 0.08 * 5000


def test_key_group_tags_have_history(demo: Database) -> None:
    with demo.session() as s:
        tags = list(s.scalars(select(HouseholdTag)))
        two = s.execute(select(HouseholdTag.household_id).group_by(HouseholdTag.household_id)
                        .having(func.count() > 1)).all()
        groups = {t.key_group.name for t in tags}
        lone_elders = [t.household.size for t in tags if t.key_group.name == "孤寡老人"]
    removed = [t for t in tags if t.removed_on is not None]
    assert len(groups) >= 7 and two
    assert lone_elders and set(lone_elders) == {1}
    assert all(t.added_reason for t in tags)
    assert removed and len(removed) < len(tags) / 4
    assert all(t.removed_on > t.added_on and t.removed_reason for t in removed)


@pytest.mark.sqlite_only
def test_database_passes_the_full_integrity_check(demo_path: Path) -> None:
    assert sqlite_files.check(demo_path, full=True) == []


def names_and_addresses(path: Path) -> list[tuple[str, str]]:
    with open_test_database(path) as db, db.session() as s:
        rows = s.execute(select(Household.address, Household.head_name).order_by(Household.id))
        people = s.execute(select(Person.name, Person.mobile).order_by(Person.id))
        return [tuple(r) for r in rows] + [tuple(p) for p in people]


def test_same_seed_builds_the_same_town(demo_path: Path, tmp_path: Path) -> None:
    again, other = tmp_path / "again.db", tmp_path / "other.db"
    for path, seed in ((again, 11), (other, 12)):
        with open_test_database(path) as db:
            build_demo(db, "small", seed=seed)
    assert names_and_addresses(again) == names_and_addresses(demo_path)
    assert names_and_addresses(other) != names_and_addresses(demo_path)


def test_refuses_a_database_that_holds_records(db: Database) -> None:
    with db.session() as s:
        place = communities.ensure_community(s, "石岗村")
        households.create_household(s, households.HouseholdInput(place.id, "石岗村一巷1号", "陈大文"))
    with pytest.raises(DomainError, match="demo 只写入新的空数据库.*已有数据"):
        build_demo(db, "small")
    assert count(db, Household) == 1 and count(db, Community) == 1


def test_a_failing_step_leaves_the_database_empty(db: Database,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_ctx: DemoContext) -> None:
        raise DomainError("模拟失败")

    monkeypatch.setattr(demo_module, "STEPS", [*demo_module.STEPS, ("broken", broken)])
    with pytest.raises(DomainError, match="模拟失败"):
        build_demo(db, "small")
    assert count(db, Household) == count(db, Person) == count(db, Community) == 0


def test_unknown_size_is_refused(db: Database) -> None:
    with pytest.raises(ValidationError, match="small、large"):
        build_demo(db, "huge")


def test_command_prints_counts_and_refuses_a_second_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cli.db"
    assert cli.main(["demo", "--db", db_target(path), "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "住户 5000 户" in out and "驻点团队 8 个" in out and "用时" in out
    assert cli.main(["demo", "--db", db_target(path)]) == 1
    assert "demo 只写入新的空数据库" in capsys.readouterr().err
