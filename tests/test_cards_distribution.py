"""Contact cards, the data side: what a card says (from the roster), the clerk's design, print
records, distribution to households, coverage and its export — and who may do what.

Each test seeds a small town through the services, acts as the program or as an account of a
given role, and checks what the database holds after reopening it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import Actor
from app.db import Database
from app.demo import build_demo
from app.demo.identity import check_char
from app.errors import DomainError, PermissionDenied, ValidationError
from app.models import (AuditEntry, CardDelivery, CardDesign, CardPrint, CommunityKind, Household,
                        MemberRole, Role, User, UserRole, UserTeam)
from app.services import cards, communities, households, people, teams
from app.services.settings import SettingsInput, update_settings
from tests.databases import open_test_database

TODAY = date.today()
START = date(2026, 1, 5)


def resident_id(serial: int) -> str:
    first17 = f"44070419800101{serial:03d}"
    return first17 + check_char(first17)


@dataclass
class Town:
    team_a: int        # serves 石岗村 and 江岗社区
    team_b: int        # serves 白溪村
    shigang: int
    jianggang: int
    baixi: int
    homes: dict[int, list[int]]   # community id → household ids
    town_liaison_membership: int
    ids: list[str]     # resident IDs stored in the town (must never reach a card)
    clerk: Actor
    liaison: Actor
    leader: Actor
    org: Actor


def person(s: Session, name: str, phone: str, unit: str = "", position: str = "",
           rid: str | None = None) -> int:
    return people.create_person(s, people.PersonInput(
        name=name, unit=unit, position=position, phones=phone, resident_id=rid)).id


def account(s: Session, username: str, role: Role, team_ids: list[int]) -> Actor:
    """An account row made directly (no argon2 hashing: these tests never sign in)."""
    user = User(username=username, display_name=username, password_hash="-",
                roles=[UserRole(role=role)], teams=[UserTeam(team_id=t) for t in team_ids])
    s.add(user)
    s.flush()
    return Actor(user.id, username, username, frozenset({role}), frozenset(team_ids))


def seed(db: Database) -> Town:
    ids = [resident_id(n) for n in range(1, 5)]
    with db.session() as s:
        update_settings(s, SettingsInput(
            town_name="云溪镇", district_name="江海区", hotline="0750-6123456",
            station_weekday=2, station_start=time(15), station_end=time(18, 30),
            max_station_team_size=10, max_communities_per_leader=2))
        shigang = communities.create_community(s, communities.CommunityInput(
            "石岗村", CommunityKind.VILLAGE, office_address="石岗村委会二楼")).id
        jianggang = communities.create_community(s, communities.CommunityInput(
            "江岗社区", CommunityKind.COMMUNITY, office_address="江岗社区党群服务站")).id
        baixi = communities.create_community(s, communities.CommunityInput("白溪村")).id
        leader = person(s, "陈志强", "13800000001", "云溪镇党委、政府", "镇党委副书记", ids[0])
        core1 = person(s, "李海燕", "13800000002", "云溪镇城建办", "城建办主任", ids[1])
        core2 = person(s, "王建", "0750-6222333", "云溪镇综治办")
        liaison = person(s, "黄晓梅", "13800000004", "云溪镇党政办", "干事", ids[2])
        cl_jiang = person(s, "梁伟", "13800000005", "江岗社区", "居委会副主任")
        cl_shi = person(s, "何瑞英", "13800000006", "石岗村", "村委会委员", ids[3])
        leader_b = person(s, "周国平", "13800000007", "云溪镇党委、政府", "副镇长")
        data = teams.default_input(s, "石岗江岗驻点团队", [shigang, jianggang])
        data.hotline = ""          # the card falls back to the town's hotline
        data.station_place = "石岗村委会二楼驻点室"
        a = teams.create_team(s, data, leader, START).team
        teams.add_member(s, a.id, core1, MemberRole.CORE, START, "副组长")
        teams.add_member(s, a.id, core2, MemberRole.CORE, START, "")
        teams.add_member(s, a.id, liaison, MemberRole.TOWN_LIAISON, START, "专职联络员")
        # The liaison of the team's second community is added first: the unit decides.
        teams.add_member(s, a.id, cl_jiang, MemberRole.COMMUNITY_LIAISON, START, "")
        teams.add_member(s, a.id, cl_shi, MemberRole.COMMUNITY_LIAISON, START, "")
        data_b = teams.default_input(s, "白溪村驻点团队", [baixi])
        data_b.hotline = "0750-6999888"
        b = teams.create_team(s, data_b, leader_b, START).team
        town_liaison_membership = a.current(MemberRole.TOWN_LIAISON)[0].id
        homes: dict[int, list[int]] = {}
        for cid, name, n in ((shigang, "石岗村", 5), (jianggang, "江岗社区", 4), (baixi, "白溪村", 3)):
            for i in range(n):
                homes.setdefault(cid, []).append(households.create_household(s, households.HouseholdInput(
                    community_id=cid, address=f"{name}{i + 1}号", head_name=f"户主{name}{i}",
                    phones=f"1390000{cid}{i:03d}",
                    head_resident_id=resident_id(100 + 10 * cid + i))).id)
        town = Town(a.id, b.id, shigang, jianggang, baixi, homes, town_liaison_membership,
                    ids + [resident_id(100 + 10 * c + i) for c in homes for i in range(len(homes[c]))],
                    clerk=account(s, "clerk", Role.CLERK, []),
                    liaison=account(s, "liaison", Role.LIAISON, [a.id]),
                    leader=account(s, "leader", Role.LEADER, [a.id]),
                    org=account(s, "org", Role.ORG_OFFICE, []))
    return town


@pytest.fixture
def town(db: Database) -> Town:
    return seed(db)


@contextmanager
def acting(db: Database, actor: Actor) -> Iterator[Session]:
    """A session (one transaction) acting for ``actor``; the database acts as before afterwards."""
    before = db.actor
    db.act_as(actor)
    try:
        with db.session() as s:
            yield s
    finally:
        db.act_as(before)


def reopened(db: Database, db_path: Path) -> Database:
    """The same database opened afresh (the first handle closed), as the next start would."""
    db.close()
    return open_test_database(db_path)


# --- what the card says --------------------------------------------------------------------

def test_card_content_comes_from_the_roster(db: Database, town: Town) -> None:
    with db.session() as s:
        targets = cards.card_targets(s)
        shi = cards.card_content(s, town.team_a, town.shigang)
        jiang = cards.card_content(s, town.team_a, town.jianggang)
        bai = cards.card_content(s, town.team_b, town.baixi)
    assert {(t.team_id, t.community_name) for t in targets} == {
        (town.team_a, "石岗村"), (town.team_a, "江岗社区"), (town.team_b, "白溪村")}
    assert shi.community_name == "石岗村" and shi.team_name == "石岗江岗驻点团队"
    assert (shi.leader.name, shi.leader.position, shi.leader.phone) == (
        "陈志强", "镇党委副书记", "13800000001")
    # roster order; position: the person's post, else the team title, else the unit (the card
    # already names the role: "驻点组长 陈志强 组长" would say it twice)
    assert [(c.name, c.position, c.phone) for c in shi.core] == [
        ("李海燕", "城建办主任", "13800000002"), ("王建", "云溪镇综治办", "0750-6222333")]
    assert (shi.town_liaison.name, shi.town_liaison.position) == ("黄晓梅", "干事")
    assert (shi.community_liaison.name, shi.community_liaison.position) == ("何瑞英", "村委会委员")
    assert jiang.community_liaison.name == "梁伟"
    assert bai.community_liaison is None and bai.town_liaison is None
    assert shi.schedule == "每周二 15:00—18:30" and shi.place == "石岗村委会二楼驻点室"
    assert shi.hotline == "0750-6123456" and bai.hotline == "0750-6999888"  # town's, else team's
    assert shi.qr_contact == shi.town_liaison                                 # the default
    assert bai.qr_contact == bai.leader                                       # no town liaison yet
    assert (shi.town_name, shi.district_name, shi.issued_on) == ("云溪镇", "江海区", TODAY)
    assert "驻点普遍直接联系群众" in shi.back_text and "每周二 15:00—18:30" in shi.back_text
    assert "石岗村委会二楼驻点室" in shi.back_text and len(shi.back_text) <= 120
    printed = repr((shi, jiang, bai))
    assert not any(rid in printed or rid[-6:] in printed for rid in town.ids)


def test_a_team_without_town_liaison_warns_before_the_leader_stands_in_on_the_qr(
        db: Database, town: Town) -> None:
    from app.cards.render import check_cards

    with db.session() as s:
        shi = cards.card_content(s, town.team_a, town.shigang)
        bai = cards.card_content(s, town.team_b, town.baixi)
    assert shi.qr_note == ""
    assert bai.qr_contact == bai.leader and bai.town_liaison is None
    assert "团队没有专职联络员" in bai.qr_note and bai.leader.name in bai.qr_note
    assert bai.leader.phone in bai.qr_note
    warnings = check_cards([shi, bai])
    assert [w for w in warnings if "专职联络员" in w] == [
        f"白溪村（白溪村驻点团队）联系卡：{bai.qr_note}。"]
    # The note is a warning, not printed: it does not change the content hash.
    assert cards.content_hash(bai) == cards.content_hash(replace(bai, qr_note=""))


def test_content_hash_ignores_the_issue_date_but_not_a_phone(db: Database, town: Town) -> None:
    with db.session() as s:
        today = cards.card_content(s, town.team_a, town.shigang)
        later = cards.card_content(s, town.team_a, town.shigang, on=TODAY + timedelta(days=30))
    assert later.issued_on != today.issued_on
    assert cards.content_hash(later) == cards.content_hash(today)
    assert len(cards.content_hash(today)) == 64
    from dataclasses import replace
    changed = replace(today, leader=replace(today.leader, phone="13900000000"))
    assert cards.content_hash(changed) != cards.content_hash(today)


def test_household_lines_are_streamed_in_a_stable_order(db: Database, town: Town) -> None:
    with db.session() as s:
        first = list(cards.household_lines(s, town.shigang))
        again = list(cards.household_lines(s, town.shigang))
    assert first == again and len(first) == 5
    assert [line.address for line in first] == sorted(line.address for line in first)
    assert all(line.serial == f"石岗村-{line.household_id:06d}" for line in first)
    assert {line.household_id for line in first} == set(town.homes[town.shigang])


# --- design ----------------------------------------------------------------------------------

def test_design_saves_with_version_check(db: Database, db_path: Path, town: Town) -> None:
    with acting(db, town.clerk) as s:
        fresh = cards.get_design(s, town.team_a, town.shigang)
        assert fresh.version == 0 and fresh.qr_role == "town_liaison"
        assert "驻点普遍直接联系群众" in fresh.back_text
        saved = cards.save_design(s, town.team_a, town.shigang, "有事找我们，随时欢迎！", "leader",
                                  fresh.version)
        version = saved.version
    with acting(db, town.clerk) as s, pytest.raises(DomainError, match="已被其他人修改"):
        cards.save_design(s, town.team_a, town.shigang, "另一段文字", "leader", fresh.version)
    with acting(db, town.clerk) as s, pytest.raises(ValidationError) as bad:
        cards.save_design(s, town.team_a, town.shigang, "文字", "grid_worker", version)
    assert bad.value.field is None and "qr_role" in bad.value.problems
    with acting(db, town.clerk) as s, pytest.raises(ValidationError, match="背面文字最多"):
        cards.save_design(s, town.team_a, town.shigang, "长" * 201, "leader", version)
    with acting(db, town.leader) as s, pytest.raises(PermissionDenied):
        cards.save_design(s, town.team_a, town.shigang, "文字", "leader", version)
    with reopened(db, db_path) as again, again.session() as s:
        content = cards.card_content(s, town.team_a, town.shigang)
        other = cards.card_content(s, town.team_a, town.jianggang)
        assert s.scalar(select(func.count()).select_from(CardDesign)) == 1
    assert content.back_text == "有事找我们，随时欢迎！"
    assert content.qr_contact is not None and content.qr_contact.name == "陈志强"
    assert other.qr_contact.name == "黄晓梅"  # the other community's card is unchanged


def test_saving_the_default_text_keeps_it_following_the_roster(db: Database, town: Town) -> None:
    with acting(db, town.clerk) as s:
        fresh = cards.get_design(s, town.team_a, town.jianggang)
        cards.save_design(s, town.team_a, town.jianggang, fresh.back_text, "community_liaison", 0)
    with db.session() as s:
        data, version = teams.team_input(s, town.team_a)
        data.station_place = "江岗社区党群服务站一楼"
        teams.update_team(s, town.team_a, data, version)
    with db.session() as s:
        content = cards.card_content(s, town.team_a, town.jianggang)
        assert s.scalar(select(CardDesign.back_text)) == ""
    assert "江岗社区党群服务站一楼" in content.back_text
    assert content.qr_contact.name == "梁伟"


# --- printing --------------------------------------------------------------------------------

def test_a_roster_change_after_printing_asks_for_a_reprint(db: Database, db_path: Path,
                                                            town: Town) -> None:
    with acting(db, town.clerk) as s:
        contents = [cards.card_content(s, t.team_id, t.community_id) for t in cards.card_targets(s)]
        cards.record_print(s, contents, households=True, pages=4, out_name="联系卡.pdf")
        assert cards.reprint_needed(s) == []
    with db.session() as s:
        newcomer = person(s, "吴敏", "13800000009", "云溪镇党政办", "科员")
        teams.replace_member(s, town.town_liaison_membership, newcomer, TODAY, "岗位调整")
    with reopened(db, db_path) as again, again.session() as s:
        flagged = cards.reprint_needed(s)
        prints = s.execute(select(CardPrint.team_id, CardPrint.printed_by, CardPrint.households,
                                  CardPrint.pages, CardPrint.file_name)).all()
        entries = s.execute(select(AuditEntry.action, AuditEntry.username, AuditEntry.summary)
                            .where(AuditEntry.action == "print")).all()
    assert {(t.team_id, t.community_name) for t in flagged} == {
        (town.team_a, "石岗村"), (town.team_a, "江岗社区")}           # 白溪村's card is unchanged
    assert len(prints) == 3 and {p[1:] for p in prints} == {(town.clerk.user_id, True, 4, "联系卡.pdf")}
    assert len(entries) == 1 and entries[0][1] == "clerk" and "联系卡.pdf" in entries[0][2]


def test_printing_needs_the_print_permission(db: Database, town: Town) -> None:
    for actor in (town.liaison, town.leader, town.org):
        with acting(db, actor) as s, pytest.raises(PermissionDenied, match="打印联系卡"):
            content = cards.card_content(s, town.team_a, town.shigang) \
                if actor is not town.org else cards.card_content(s, town.team_b, town.baixi)
            cards.record_print(s, [content], households=False, pages=1, out_name="x.pdf")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(CardPrint)) == 0


# --- distribution ----------------------------------------------------------------------------

def test_deliveries_are_idempotent_and_counted(db: Database, db_path: Path, town: Town) -> None:
    homes = town.homes[town.shigang]
    with acting(db, town.liaison) as s:
        assert cards.record_distribution(s, town.shigang, homes[:3], TODAY, "村民小组长代发") == 3
    with acting(db, town.liaison) as s:
        assert cards.record_distribution(s, town.shigang, homes[:4], TODAY) == 1
        assert cards.record_distribution(s, town.shigang, homes[:4], TODAY) == 0
    with reopened(db, db_path) as again, again.session() as s:
        rows = {r.community_name: r for r in cards.coverage(s)}
        missing = cards.not_reached(s, town.shigang)
        deliveries = s.execute(select(CardDelivery.household_id, CardDelivery.delivered_by,
                                      CardDelivery.delivered_on, CardDelivery.note)).all()
    shi = rows["石岗村"]
    assert (shi.households, shi.reached, shi.stale, shi.not_reached, shi.percent) == (5, 4, 0, 1, 80.0)
    assert (rows["江岗社区"].reached, rows["江岗社区"].percent) == (0, 0.0)
    assert [(m.household_id, m.status, m.last_delivered_on) for m in missing] == [
        (homes[4], "未发放", None)]
    assert missing[0].address == "石岗村5号" and missing[0].phone
    assert len(deliveries) == 4
    assert {d.delivered_by for d in deliveries} == {town.liaison.user_id}
    with reopened(db, db_path) as again, again.session() as s:
        logged = s.execute(select(AuditEntry.username, AuditEntry.summary)
                           .where(AuditEntry.summary.like("登记联系卡发放%"))).all()
    assert [(u, "石岗村 3 户" in t or "石岗村 1 户" in t) for u, t in logged] == [
        ("liaison", True), ("liaison", True)]
    assert {d.note for d in deliveries} == {"村民小组长代发", ""}


def test_households_of_another_community_are_refused(db: Database, town: Town) -> None:
    with acting(db, town.clerk) as s, pytest.raises(ValidationError, match="不是石岗村的在册住户"):
        cards.record_distribution(s, town.shigang, [town.homes[town.shigang][0],
                                                    town.homes[town.baixi][0]], TODAY)
    with acting(db, town.clerk) as s, pytest.raises(ValidationError, match="不能晚于今天"):
        cards.record_distribution(s, town.shigang, town.homes[town.shigang], TODAY + timedelta(days=1))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(CardDelivery)) == 0


def test_a_roster_change_makes_delivered_cards_stale(db: Database, db_path: Path,
                                                      town: Town) -> None:
    homes = town.homes[town.shigang]
    earlier = TODAY - timedelta(days=14)
    with acting(db, town.clerk) as s:
        cards.record_distribution(s, town.shigang, homes[:4], earlier)
    with db.session() as s:                       # the town liaison is replaced today
        newcomer = person(s, "吴敏", "13800000009", "云溪镇党政办", "科员")
        teams.replace_member(s, town.town_liaison_membership, newcomer, TODAY, "岗位调整")
    with db.session() as s:
        shi = cards.coverage(s, town.shigang)[0]
        missing = cards.not_reached(s, town.shigang)
    assert (shi.households, shi.reached, shi.stale, shi.never) == (5, 0, 4, 1)
    assert sorted((m.status, m.last_delivered_on) for m in missing) == sorted(
        [("需重新发放", earlier)] * 4 + [("未发放", None)])
    with acting(db, town.clerk) as s:             # the new card reaches two of them
        assert cards.record_distribution(s, town.shigang, homes[:2], TODAY) == 2
    with reopened(db, db_path) as again, again.session() as s:
        shi = cards.coverage(s, town.shigang)[0]
        history = s.scalar(select(func.count()).select_from(CardDelivery))
        card = cards.card_content(s, town.team_a, town.shigang)
    assert (shi.reached, shi.stale, shi.never, shi.percent) == (2, 2, 1, 40.0)
    assert history == 6                            # earlier deliveries stay as history
    assert card.town_liaison.name == "吴敏" and card.qr_contact.name == "吴敏"


def test_households_that_moved_out_leave_the_count(db: Database, town: Town) -> None:
    homes = town.homes[town.jianggang]
    with acting(db, town.clerk) as s:
        cards.record_distribution(s, town.jianggang, homes[:2], TODAY)
    with db.session() as s:
        s.get(Household, homes[0]).moved_out_on = TODAY
    with db.session() as s:
        row = cards.coverage(s, town.jianggang)[0]
        lines = list(cards.household_lines(s, town.jianggang))
    assert (row.households, row.reached) == (3, 1) and len(lines) == 3


# --- export ----------------------------------------------------------------------------------

def test_coverage_exports_to_xlsx_with_text_cells(db: Database, tmp_path: Path,
                                                  town: Town) -> None:
    with acting(db, town.clerk) as s:
        cards.record_distribution(s, town.shigang, town.homes[town.shigang][:4], TODAY)
        cards.record_distribution(s, town.baixi, town.homes[town.baixi], TODAY)
    with db.session() as s:                        # a head whose name looks like a formula
        s.get(Household, town.homes[town.jianggang][0]).head_name = "=SUM(A1)"
    out = tmp_path / "发放情况.xlsx"
    with acting(db, town.clerk) as s:
        assert cards.export_coverage(s, out) == out
    book = load_workbook(out)
    assert book.sheetnames == ["发放汇总", "未发放住户"]
    summary = [r for r in book["发放汇总"].iter_rows(min_row=3, values_only=True)]
    assert ("石岗村", 5, 4, 0.8, 0, 1) in summary and ("白溪村", 3, 3, 1.0, 0, 0) in summary
    assert ("江岗社区", 4, 0, 0.0, 0, 4) in summary
    assert summary[-1] == ("合计", 12, 7, pytest.approx(7 / 12), 0, 5)
    assert book["发放汇总"]["D3"].number_format == "0.0%"     # coverage: a number shown as 80.0%
    listing = book["未发放住户"]
    header = [c.value for c in listing[2]]
    assert header == list(cards.LIST_HEADERS)
    rows = list(listing.iter_rows(min_row=3))
    assert len(rows) == 5
    heads = {r[3].value: r for r in rows}
    formula_like = heads["=SUM(A1)"]
    assert formula_like[3].data_type == "s"       # stays text, never a formula
    assert all(r[4].data_type == "s" and isinstance(r[4].value, str) and r[4].value.startswith("139")
               for r in rows)
    assert not list(tmp_path.glob("*.partial"))
    with db.session() as s:
        entry = s.execute(select(AuditEntry.username, AuditEntry.summary)
                          .where(AuditEntry.action == "export")).one()
    assert entry.username == "clerk" and "发放情况.xlsx" in entry.summary


def test_a_liaison_exports_only_their_communities(db: Database, tmp_path: Path,
                                                  town: Town) -> None:
    out = tmp_path / "mine.xlsx"
    with acting(db, town.liaison) as s:
        cards.export_coverage(s, out)
    book = load_workbook(out)
    names = {r[0] for r in book["发放汇总"].iter_rows(min_row=3, values_only=True)}
    assert names == {"石岗村", "江岗社区", "合计"}
    assert {r[0] for r in book["未发放住户"].iter_rows(min_row=3, values_only=True)} == {
        "石岗村", "江岗社区"}
    with acting(db, town.leader) as s, pytest.raises(PermissionDenied):
        cards.export_coverage(s, tmp_path / "leader.xlsx")
    assert not (tmp_path / "leader.xlsx").exists()


# --- who may do what -------------------------------------------------------------------------

def test_who_may_record_distribution(db: Database, town: Town) -> None:
    shi, bai = town.homes[town.shigang], town.homes[town.baixi]
    with acting(db, town.leader) as s, pytest.raises(PermissionDenied, match="不能登记联系卡发放"):
        cards.record_distribution(s, town.shigang, shi[:1], TODAY)
    with acting(db, town.org) as s, pytest.raises(PermissionDenied, match="不能登记联系卡发放"):
        cards.record_distribution(s, town.shigang, shi[:1], TODAY)
    with acting(db, town.liaison) as s, pytest.raises(PermissionDenied, match="只限您负责的驻点团队"):
        cards.record_distribution(s, town.baixi, bai[:1], TODAY)
    with acting(db, town.liaison) as s:
        assert cards.record_distribution(s, town.jianggang, town.homes[town.jianggang][:1], TODAY) == 1
    with acting(db, town.clerk) as s:
        assert cards.record_distribution(s, town.baixi, bai[:1], TODAY) == 1
    with db.session() as s:
        by = {c: u for c, u in s.execute(select(CardDelivery.community_id, CardDelivery.delivered_by))}
    assert by == {town.jianggang: town.liaison.user_id, town.baixi: town.clerk.user_id}


def test_team_scoped_roles_see_their_own_cards_and_coverage(db: Database, town: Town) -> None:
    for actor in (town.liaison, town.leader):
        with acting(db, actor) as s:
            assert {t.community_name for t in cards.card_targets(s)} == {"石岗村", "江岗社区"}
            assert {r.community_name for r in cards.coverage(s)} == {"石岗村", "江岗社区"}
            with pytest.raises(PermissionDenied):
                cards.not_reached(s, town.baixi)
            with pytest.raises(PermissionDenied):
                cards.coverage(s, town.baixi)
            with pytest.raises(PermissionDenied):
                cards.card_content(s, town.team_b, town.baixi)
            with pytest.raises(PermissionDenied):
                list(cards.household_lines(s, town.baixi))
    with acting(db, town.org) as s:
        assert len(cards.coverage(s)) == 3


# --- the demo town ---------------------------------------------------------------------------

def test_demo_town_has_cards_handed_out(db: Database, db_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from app import demo as demo_module

    # the steps up to the cards (the ledgers, visits, meetings … after them take most of the time)
    names = [name for name, _ in demo_module.STEPS]
    monkeypatch.setattr(demo_module, "STEPS", demo_module.STEPS[:names.index("cards") + 1])
    build_demo(db, "small", seed=11)
    with reopened(db, db_path) as again, again.session() as s:
        rows = cards.coverage(s)
        by = {u for u, in s.execute(select(User.username).join(
            CardDelivery, CardDelivery.delivered_by == User.id).distinct())}
        prints = s.scalar(select(func.count()).select_from(CardPrint))
        cards.reprint_needed(s)
    served = [r for r in rows if r.reached or r.stale]
    assert len(served) == 4 and prints >= 4
    assert all(0.70 <= (r.reached + r.stale) / r.households <= 0.90 for r in served)
    assert any(r.stale for r in served)          # the spring re-election changed a card
    assert by == {"lianluoyuan", "dangzhengban"}
    assert all(r.percent == 0.0 for r in rows if r not in served)
