"""Who may do what: every role against every action, through the service layer.

One small town (three communities, team 甲队 serving 石岗村 and 新围社区, team 乙队 serving 龙溪联社,
households with key-group tags, a person with a resident ID) and one account per role. The
accounts are real rows (one argon2 hash per run, shared); the matrix acts as
``accounts.actor_for(user)`` — what signing in hands out, as ``test_sign_in_gives_the_matrix_actor``
proves for every role.

Allowed: the call succeeds and a fresh session sees the effect. Denied: ``PermissionDenied``
with a Chinese message, and nothing is written — not the change, not an audit entry.
"""

from __future__ import annotations

import enum
import hashlib
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from app import roster
from app.audit import verify
from app.auth import ROLE_PERMISSIONS, Actor, Permission, check
from app.auth.passwords import hash_password
from app.db import Database
from app.errors import NotFoundError, PermissionDenied
from app.models import (AuditEntry, Household, HouseholdTag, KeyGroup, Membership, MemberRole,
                        Person, Role, Team, TownSettings, User, UserRole, UserTeam)
from app.models import enums as enums_module
from app.services import accounts, communities, households, people, sensitive, teams
from app.services import settings as settings_service
from tests.databases import SERVER, db_target, open_test_database
from tests.roster_files import HOUSEHOLD_HEADER, MEMBER_HEADER, TEAM_HEADER, member, write_book

PASSWORD = "Matrix-test-2026"
ID_CHEN = "11010519491231002X"
ID_HEAD = "440781198001011233"
START = date(2025, 1, 6)
CHINESE = re.compile(r"[\u4e00-\u9fff]")

ROLES = ("admin", "clerk", "org", "liaison", "leader")
ROLE_OF = {"admin": Role.ADMIN, "clerk": Role.CLERK, "org": Role.ORG_OFFICE,
           "liaison": Role.LIAISON, "leader": Role.LEADER}


# --- the town ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Town:
    shigang: int        # 石岗村 — 甲队
    xinwei: int         # 新围社区 — 甲队
    longxi: int         # 龙溪联社 — 乙队
    team_a: int
    team_b: int
    chen: int           # leader of 甲队, has a resident ID
    wang: int           # leader of 乙队
    li: int             # on the roster, in no team
    zhao: int           # core member of 乙队 (can be retired)
    house_a1: int       # 石岗村, 孤寡老人, head's resident ID on record
    house_a2: int       # 新围社区, no tag
    house_b1: int       # 龙溪联社, 残疾人
    users: dict[str, int]


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def build_town(db: Database) -> Town:
    """As the program itself (``db`` acts as Actor.program())."""
    with db.session() as s:
        settings_service.get_settings(s).town_name = "云溪镇"
        shigang, xinwei, longxi = (communities.ensure_community(s, n)
                                   for n in ("石岗村", "新围社区", "龙溪联社"))
        chen = people.create_person(s, people.PersonInput(
            "陈志强", phones="13800000001", resident_id=ID_CHEN))
        wang = people.create_person(s, people.PersonInput("王海", phones="13800000002"))
        li = people.create_person(s, people.PersonInput("李明", phones="13800000003"))
        zhao = people.create_person(s, people.PersonInput("赵六", phones="13800000004"))

        def team_input(name: str, ids: list[int]) -> teams.TeamInput:
            return teams.TeamInput(name, ids, 2, time(15), time(18, 30), station_place="村委会")

        team_a = teams.create_team(s, team_input("甲队", [shigang.id, xinwei.id]), chen.id,
                                   START).team
        team_b = teams.create_team(s, team_input("乙队", [longxi.id]), wang.id, START).team
        teams.add_member(s, team_b.id, zhao.id, MemberRole.CORE, START)
        a1 = households.create_household(s, households.HouseholdInput(
            shigang.id, "石岗村1号", "张大山", phones="13900000001", head_resident_id=ID_HEAD))
        a2 = households.create_household(s, households.HouseholdInput(
            xinwei.id, "新围路8号", "黄小梅", phones="13900000002"))
        b1 = households.create_household(s, households.HouseholdInput(
            longxi.id, "龙溪一巷2号", "梁伯", phones="13900000003"))
        households.tag_household(s, a1.id, "孤寡老人", START, "独居")
        households.tag_household(s, b1.id, "残疾人", START, "二级肢体")
        users = {}
        for key, name in (("admin", "guanli"), ("clerk", "dangzheng"), ("org", "zuzhi"),
                          ("liaison", "lianluo"), ("leader", "lingdao")):
            user = User(username=name, display_name=f"测试{ROLE_OF[key].label}",
                        password_hash=password_hash(), roles=[UserRole(role=ROLE_OF[key])],
                        teams=[UserTeam(team_id=team_a.id)] if ROLE_OF[key].team_scoped else [])
            s.add(user)
            s.flush()
            users[key] = user.id
        return Town(shigang.id, xinwei.id, longxi.id, team_a.id, team_b.id, chen.id, wang.id,
                    li.id, zhao.id, a1.id, a2.id, b1.id, users)


@pytest.fixture(scope="module")
def town_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Town]]:
    """The town is built once; each test gets a copy (of the file, or of the server database)."""
    path = tmp_path_factory.mktemp("template") / "town.db"
    db = open_test_database(path)
    try:
        town = build_town(db)
    finally:
        db.close()
    yield path, town


def copy_database(source: Path, target: Path) -> None:
    if SERVER is None:
        for suffix in ("", "-wal"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
        return
    # PostgreSQL: CREATE DATABASE … TEMPLATE, registered with the server helper so that the
    # test's databases are dropped after it as usual.
    template = make_url(db_target(source)).database
    name = "zt_" + hashlib.sha1(str(target).encode()).hexdigest()[:20]
    with SERVER.admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    SERVER.created.append(name)
    assert make_url(db_target(target)).database == name


@pytest.fixture
def town_db(town_template: tuple[Path, Town], db_path: Path) -> Iterator[tuple[Database, Town]]:
    source, town = town_template
    copy_database(source, db_path)
    db = open_test_database(db_path)
    yield db, town
    db.close()


def actor_of_role(db: Database, town: Town, role: str) -> Actor:
    db.act_as(Actor.program())
    with db.session() as s:
        return accounts.actor_for(s.get_one(User, town.users[role]))


def audit_count(db: Database) -> int:
    db.act_as(Actor.program())
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)) or 0


# --- the actions ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Action:
    """``run`` does it as the acting user; ``done`` tells, from a fresh session, whether it
    took effect."""

    run: Callable[[Database, Town, Path], object]
    done: Callable[[Database, Town, Path], bool]


def in_session(work: Callable[..., object]) -> Callable[[Database, Town, Path], object]:
    def run(db: Database, town: Town, tmp: Path) -> object:
        with db.session() as s:
            return work(s, town, tmp)
    return run


def seen(query: Callable[..., bool]) -> Callable[[Database, Town, Path], bool]:
    def done(db: Database, town: Town, tmp: Path) -> bool:
        db.act_as(Actor.program())
        with db.session() as s:
            return query(s, town, tmp)
    return done


def team_input(name: str, ids: list[int], place: str) -> teams.TeamInput:
    return teams.TeamInput(name, ids, 2, time(15), time(18, 30), station_place=place)


def import_book(tmp: Path) -> Path:
    return write_book(tmp / "导入名册.xlsx", {
        "驻点团队": [TEAM_HEADER, ["丁队", "龙溪联社", "周三", "15:00-18:00", "联社大楼", "", ""]],
        "团队人员": [MEMBER_HEADER, member("丁队", "龙溪联社", "责任人", "钱八", "13800000088")],
        "住户": [HOUSEHOLD_HEADER,
               ["龙溪联社", "", "龙溪三巷9号", "钱大", "13900000088", 2, "居民户", "", "", ""]],
    })


def noted(tmp: Path, text: str) -> None:
    (tmp / "读到.txt").write_text(text, encoding="utf-8")


def read_note(tmp: Path) -> str:
    note = tmp / "读到.txt"
    return note.read_text(encoding="utf-8") if note.exists() else ""


def has_team(name: str) -> Callable[..., bool]:
    return lambda s, town, tmp: s.scalar(select(Team).where(Team.name == name)) is not None


def export_done(db: Database, town: Town, tmp: Path) -> bool:
    if not (tmp / "导出.xlsx").exists():
        return False
    db.act_as(Actor.program())
    with db.session() as s:
        return s.scalar(select(AuditEntry).where(AuditEntry.action == "export")) is not None


def unmask_done(db: Database, town: Town, tmp: Path) -> bool:
    db.act_as(Actor.program())
    with db.session() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "unmask"))
        return entry is not None and (entry.entity, entry.entity_id) == ("person", town.chen)


ACTIONS: dict[str, Action] = {
    "create_team": Action(
        in_session(lambda s, t, _: teams.create_team(
            s, team_input("丙队", [t.longxi], "联社"), t.li, START)),
        seen(has_team("丙队"))),
    "edit_team": Action(
        in_session(lambda s, t, _: teams.update_team(
            s, t.team_a, team_input("甲队", [t.shigang, t.xinwei], "石岗村党群服务中心"))),
        seen(lambda s, t, _: s.get_one(Team, t.team_a).station_place == "石岗村党群服务中心")),
    "add_member": Action(
        in_session(lambda s, t, _: teams.add_member(s, t.team_a, t.li, MemberRole.CORE, START)),
        seen(lambda s, t, _: s.scalar(select(Membership).where(
            Membership.team_id == t.team_a, Membership.person_id == t.li)) is not None)),
    "create_person": Action(
        in_session(lambda s, t, _: people.create_person(s, people.PersonInput("孙七"))),
        seen(lambda s, t, _: s.scalar(select(Person).where(Person.name == "孙七")) is not None)),
    "edit_person": Action(
        in_session(lambda s, t, _: people.update_person(
            s, t.chen, people.PersonInput("陈志强", phones="13800000999"))),
        seen(lambda s, t, _: s.get_one(Person, t.chen).mobile == "13800000999")),
    "retire_person": Action(
        in_session(lambda s, t, _: people.retire_person(s, t.zhao, date(2026, 3, 1), "调离")),
        seen(lambda s, t, _: s.get_one(Person, t.zhao).retired_on == date(2026, 3, 1))),
    "create_household": Action(
        in_session(lambda s, t, _: households.create_household(
            s, households.HouseholdInput(t.shigang, "石岗村9号", "新户主"))),
        seen(lambda s, t, _: s.scalar(select(Household).where(
            Household.address == "石岗村9号")) is not None)),
    "tag_household": Action(
        in_session(lambda s, t, _: households.tag_household(
            s, t.house_a2, "失业人员", date(2026, 2, 1), "失业登记")),
        seen(lambda s, t, _: s.scalar(select(HouseholdTag).join(KeyGroup).where(
            HouseholdTag.household_id == t.house_a2, KeyGroup.name == "失业人员")) is not None)),
    "edit_settings": Action(
        in_session(lambda s, t, _: settings_service.update_settings(s, settings_service.SettingsInput(
            "新名镇", "新会区", "0750-1234567", 3, time(14), time(17), 10, 2))),
        seen(lambda s, t, _: s.get_one(TownSettings, 1).town_name == "新名镇")),
    "preview_import": Action(
        in_session(lambda s, t, tmp: (tmp / "预览.txt").write_text(
            roster.preview_import(s, import_book(tmp)).summary(), encoding="utf-8")),
        # A preview writes nothing to the database; allowed means it ran and found the new team.
        lambda db, t, tmp: (tmp / "预览.txt").exists()
        and "驻点团队：新增 1 个" in (tmp / "预览.txt").read_text(encoding="utf-8")
        and not seen(has_team("丁队"))(db, t, tmp)),
    "import_roster": Action(
        lambda db, t, tmp: roster.apply_import(db, import_book(tmp)),
        seen(has_team("丁队"))),
    "export_roster": Action(
        in_session(lambda s, t, tmp: roster.export_roster(s, tmp / "导出.xlsx")),
        export_done),
    "reveal_resident_id": Action(
        in_session(lambda s, t, _: sensitive.reveal_resident_id(s, "person", t.chen, "核对身份")),
        unmask_done),
    "create_user": Action(
        in_session(lambda s, t, _: accounts.create_user(
            s, accounts.UserInput("xinzhanghu", "新账户", [Role.CLERK]), "Xin-zhanghu-2026")),
        seen(lambda s, t, _: s.scalar(select(User).where(User.username == "xinzhanghu")) is not None)),
    # Reads: allowed means the result reached the caller (written down by ``run``).
    "list_users": Action(
        in_session(lambda s, t, tmp: noted(tmp, " ".join(u.username for u in accounts.list_users(s)))),
        lambda db, t, tmp: set(read_note(tmp).split()) == {
            "guanli", "dangzheng", "zuzhi", "lianluo", "lingdao"}),
    "view_audit": Action(
        lambda db, t, tmp: noted(tmp, check(db.actor, Permission.VIEW_AUDIT).username),
        lambda db, t, tmp: read_note(tmp) != ""),
}

# The matrix. yes: allowed; no: PermissionDenied and nothing written.
MATRIX = """
action               admin  clerk  org   liaison  leader
create_team          yes    yes    no    no       no
edit_team            yes    yes    no    no       no
add_member           yes    yes    no    no       no
create_person        yes    yes    no    no       no
edit_person          yes    yes    no    no       no
retire_person        yes    yes    no    no       no
create_household     yes    yes    no    no       no
tag_household        yes    yes    no    no       no
edit_settings        yes    yes    no    no       no
preview_import       yes    yes    no    no       no
import_roster        yes    yes    no    no       no
export_roster        yes    yes    yes   yes      no
reveal_resident_id   yes    yes    no    no       no
create_user          yes    no     no    no       no
list_users           yes    no     no    no       no
view_audit           yes    no     yes   no       no
"""


def parse_matrix(text: str) -> list[tuple[str, str, bool]]:
    lines = [line.split() for line in text.strip().splitlines()]
    header, rows = lines[0][1:], lines[1:]
    assert tuple(header) == ROLES
    cases = []
    for action, *cells in rows:
        assert action in ACTIONS and len(cells) == len(ROLES), action
        cases += [(action, role, cell == "yes") for role, cell in zip(ROLES, cells)]
    return cases


CASES = parse_matrix(MATRIX)


def test_the_matrix_covers_every_action() -> None:
    assert {a for a, _, _ in CASES} == set(ACTIONS)


@pytest.mark.parametrize(("action", "role", "allowed"), CASES,
                         ids=[f"{a}-{r}-{'yes' if ok else 'no'}" for a, r, ok in CASES])
def test_role_action(town_db: tuple[Database, Town], tmp_path: Path, action: str, role: str,
                     allowed: bool) -> None:
    db, town = town_db
    act = ACTIONS[action]
    entries_before = audit_count(db)
    assert not act.done(db, town, tmp_path)
    db.act_as(actor_of_role(db, town, role))
    if allowed:
        act.run(db, town, tmp_path)
        assert act.done(db, town, tmp_path)
    else:
        with pytest.raises(PermissionDenied) as refused:
            act.run(db, town, tmp_path)
        assert CHINESE.search(str(refused.value)), str(refused.value)
        assert not act.done(db, town, tmp_path)
        assert audit_count(db) == entries_before, "a refused action must leave no audit entry"


# --- what each role sees -------------------------------------------------------------------

SEES_ALL_TEAMS = {"admin": True, "clerk": True, "org": True, "liaison": False, "leader": False}
SEES_TAGS = {"admin": True, "clerk": True, "org": False, "liaison": True, "leader": False}


@pytest.mark.parametrize("role", ROLES)
def test_team_list_and_team_pages(town_db: tuple[Database, Town], role: str) -> None:
    db, town = town_db
    db.act_as(actor_of_role(db, town, role))
    with db.session() as s:
        names = {r.name for r in teams.team_rows(s)}
        assert names == ({"甲队", "乙队"} if SEES_ALL_TEAMS[role] else {"甲队"})
        assert teams.overview(s, town.team_a).leader.name == "陈志强"
        if SEES_ALL_TEAMS[role]:
            assert teams.overview(s, town.team_b).leader.name == "王海"
        else:
            with pytest.raises(PermissionDenied, match="只限您负责的驻点团队"):
                teams.overview(s, town.team_b)
        people_seen = {p.name for p in people.person_rows(s)}
        assert people_seen == ({"陈志强", "王海", "李明", "赵六"} if SEES_ALL_TEAMS[role]
                               else {"陈志强"})


@pytest.mark.parametrize("role", ROLES)
def test_household_list(town_db: tuple[Database, Town], role: str) -> None:
    db, town = town_db
    db.act_as(actor_of_role(db, town, role))
    with db.session() as s:
        rows = {r.address: r.key_groups for r in households.household_rows(s)}
        places = {c.name for c in communities.list_communities(s)}
        one = households.household_row(s, town.house_a1)
        if not SEES_ALL_TEAMS[role]:
            with pytest.raises(NotFoundError, match="找不到这个住户"):
                households.household_row(s, town.house_b1)
    everyone = {"石岗村1号": "孤寡老人", "新围路8号": "", "龙溪一巷2号": "残疾人"}
    wanted = everyone if SEES_ALL_TEAMS[role] else {
        k: v for k, v in everyone.items() if k != "龙溪一巷2号"}
    if not SEES_TAGS[role]:
        wanted = dict.fromkeys(wanted, "")
    assert rows == wanted
    assert one.key_groups == ("孤寡老人" if SEES_TAGS[role] else "")
    assert places == ({"石岗村", "新围社区", "龙溪联社"} if SEES_ALL_TEAMS[role]
                      else {"石岗村", "新围社区"})


@pytest.mark.parametrize("role", ["org", "liaison"])
def test_export_holds_only_what_the_role_may_see(town_db: tuple[Database, Town], tmp_path: Path,
                                                 role: str) -> None:
    db, town = town_db
    db.act_as(actor_of_role(db, town, role))
    out = tmp_path / "名册.xlsx"
    with db.session() as s:
        roster.export_roster(s, out)
    book = load_workbook(out, read_only=True)
    sheets = {ws.title: [[c for c in row] for row in ws.iter_rows(values_only=True)]
              for ws in book.worksheets}
    book.close()
    text = "\n".join(str(c) for rows in sheets.values() for row in rows for c in row if c)
    assert ID_CHEN not in text and ID_HEAD not in text  # IDs are masked for everyone
    assert "张大山" in text and "黄小梅" in text
    if role == "liaison":
        assert "梁伯" not in text and "乙队" not in text and "王海" not in text
        assert "孤寡老人" in text  # liaisons need the key groups of their own communities
    else:
        assert "梁伯" in text and "乙队" in text
        assert "孤寡老人" not in text and "残疾人" not in text  # no key groups for 组织办


@pytest.mark.parametrize("role", ROLES)
def test_household_form_and_unmask(town_db: tuple[Database, Town], role: str) -> None:
    """Forms never carry a full ID; only roles with UNMASK_ID may see one, and it is recorded."""
    db, town = town_db
    db.act_as(actor_of_role(db, town, role))
    allowed = role in ("admin", "clerk")
    if allowed:
        with db.session() as s:
            data, _ = households.household_input(s, town.house_a1)
            assert data.head_resident_id is None
            assert data.head_resident_id_masked == "440781********1233"
            assert sensitive.reveal_resident_id(s, "household", town.house_a1) == ID_HEAD
        db.act_as(Actor.program())
        with db.session() as s:
            entry = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
            assert (entry.action, entry.entity, entry.entity_id) == (
                "unmask", "household", town.house_a1)
            assert entry.username == ("guanli" if role == "admin" else "dangzheng")
            assert ID_HEAD not in entry.summary + entry.changes
    else:
        with db.session() as s, pytest.raises(PermissionDenied, match="查看完整身份证号"):
            sensitive.reveal_resident_id(s, "household", town.house_a1)


def test_sign_in_gives_the_matrix_actor(town_db: tuple[Database, Town]) -> None:
    """The matrix acts as ``actor_for(user)``; signing in for real hands out the same."""
    db, town = town_db
    for role in ROLES:
        expected = actor_of_role(db, town, role)
        result = accounts.sign_in_to(db, expected.username, PASSWORD)
        assert result.actor == expected and db.actor == expected
        assert expected.roles == {ROLE_OF[role]}
        assert expected.team_ids == ({town.team_a} if role in ("liaison", "leader") else set())
    db.act_as(Actor.program())
    with db.session() as s:
        logins = s.scalars(select(AuditEntry.username).where(AuditEntry.action == "login"))
        assert sorted(logins) == sorted(["guanli", "dangzheng", "zuzhi", "lianluo", "lingdao"])
        assert verify(s)[1] == []


def test_nobody_signed_in_may_do_nothing(town_db: tuple[Database, Town], tmp_path: Path) -> None:
    db, town = town_db
    db.act_as(None)
    for name in ("create_person", "edit_settings", "export_roster", "list_users"):
        with pytest.raises(PermissionDenied, match="请先登录"):
            ACTIONS[name].run(db, town, tmp_path)
    with db.session() as s, pytest.raises(PermissionDenied, match="请先登录"):
        teams.team_rows(s)


def test_a_user_with_two_roles_gets_both(town_db: tuple[Database, Town]) -> None:
    """组织办 + 联络员 of 甲队: every team (组织办), and key groups (联络员) — the wider grant wins."""
    db, town = town_db
    db.act_as(Actor(99, "shuangchong", "双重角色", frozenset({Role.ORG_OFFICE, Role.LIAISON}),
                    frozenset({town.team_a})))
    with db.session() as s:
        assert {r.name for r in teams.team_rows(s)} == {"甲队", "乙队"}
        rows = {r.address: r.key_groups for r in households.household_rows(s)}
    assert rows["龙溪一巷2号"] == "残疾人"


# --- the vocabulary itself -----------------------------------------------------------------

def labeled_enums() -> list[type[enum.Enum]]:
    return [v for v in vars(enums_module).values()
            if isinstance(v, type) and issubclass(v, enums_module.Labeled)
            and v is not enums_module.Labeled]


def test_no_two_labeled_enums_share_a_value() -> None:
    """StrEnum members equal their value, so two enums sharing one would share a LABELS entry
    (Role.LEADER once was "leader", like MemberRole.LEADER, and showed as 责任人)."""
    owners: dict[str, str] = {}
    clashes = []
    for cls in labeled_enums():
        for member_ in cls:
            if member_.value in owners:
                clashes.append(f"{owners[member_.value]} 与 {cls.__name__}.{member_.name}")
            owners[member_.value] = f"{cls.__name__}.{member_.name}"
    assert len(labeled_enums()) >= 6
    assert clashes == []
    for cls in labeled_enums():
        for member_ in cls:
            assert member_ in enums_module.LABELS, member_
    assert Role.LEADER.label == "驻点领导" and MemberRole.LEADER.label == "责任人"


def test_every_permission_has_a_chinese_label_and_admin_has_all() -> None:
    for permission in Permission:
        assert CHINESE.search(permission.label)
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Permission)
    assert set(ROLE_PERMISSIONS) == set(Role)
