"""Contact cards (民情联系卡), the data side: what each card says (from the roster), the clerk's
design, print records, distribution to households (发放到户) and its coverage.

Rules this module settles:

- One card per team and community it serves (``card_targets``).
- The community liaison printed on a community's card: a team's community-liaison memberships
  are not tied to a community in the model, so the card takes the one whose unit names the
  community; failing that, the one at the community's position in the team's list of
  communities; failing that, the first.
- A contact's printed position: the person's post (镇党委副书记), else the membership's title
  (组长), else the unit. Phones as stored (normalised): the mobile, else the landline. No
  resident ID or key-group tag is ever read here.
- The QR code carries the designed contact (the 专职联络员 by default); when the team has none,
  the 专职联络员, else the leader, stands in, and ``qr_note`` says so: printing warns first.
- Distribution counts per community. A delivery records the hash of the card's content that
  day; a household *holds the current card* when its latest delivery's hash equals the current
  content hash of the card of that delivery's team for its community (or, if that team no
  longer serves it, of the community's first team). A household whose latest delivery carries
  another hash needs the card again (re-distribution); one without delivery is not reached.
- ``reprint_needed`` lists targets printed before whose content has changed since the last
  print; a target never printed is not a *re*print and is not listed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit
from app.addresses import address_key, delivery_key, grid_key
from app.auth import (Permission, actor_of, community_scope, require, require_community,
                      require_team)
from app.cards.content import CardContent, Contact, HouseholdLine
from app.documents.xlsx import A4_PORTRAIT, Book, Column
from app.errors import DomainError, NotFoundError, PermissionDenied, ValidationError
from app.files import save_whole
from app.models import (CardDelivery, CardDesign, CardPrint, Community, Grid, Household,
                        MemberRole, Membership, Team, TeamCommunity)
from app.models.cards import QR_ROLES
from app.normalize import clean_text
from app.services.common import check_version, get_or_fail, optional
from app.services.settings import get_settings
from app.services.teams import list_teams, schedule_text

QR_ROLE_LABELS = {"town_liaison": "专职联络员", "leader": "责任人（驻点领导）",
                  "community_liaison": "辅助团队联络员"}
BACK_TEXT_LIMIT = 200
STATUS_NEVER = "未发放"
STATUS_STALE = "需重新发放"


@dataclass(frozen=True)
class CardTarget:
    """One card design: a team in one of the communities it serves."""

    team_id: int
    team_name: str
    community_id: int
    community_name: str

    @property
    def label(self) -> str:
        return f"{self.team_name} · {self.community_name}"


@dataclass(frozen=True)
class CoverageRow:
    community_id: int
    community_name: str
    households: int      # households living there now
    reached: int         # holding the current card
    stale: int           # got a card whose content has changed since (需重新发放)

    @property
    def not_reached(self) -> int:
        """Households without the current card: never reached, plus the stale ones."""
        return self.households - self.reached

    @property
    def never(self) -> int:
        return self.households - self.reached - self.stale

    @property
    def percent(self) -> float:
        return round(100.0 * self.reached / self.households, 1) if self.households else 0.0


@dataclass(frozen=True, slots=True)
class NotReachedRow:
    """A household still to visit with the card: never reached, or holding an old card."""

    household_id: int
    community: str
    grid: str
    address: str
    head_name: str
    phone: str
    status: str                       # 未发放 / 需重新发放
    last_delivered_on: date | None


# --- what the card says --------------------------------------------------------------------

def card_targets(session: Session) -> list[CardTarget]:
    """Every active team × each community it serves, for the teams the actor may see."""
    return [CardTarget(team.id, team.name, link.community_id, link.community.name)
            for team in list_teams(session) for link in team.community_links]


def card_content(session: Session, team_id: int, community_id: int, on: date | None = None
                 ) -> CardContent:
    """The card of ``team_id`` in ``community_id`` as the roster stands on ``on`` (today)."""
    require_team(session, Permission.VIEW_DIRECTORY, team_id)
    team, community = _target(session, team_id, community_id)
    return build_content(session, team, community, on or date.today())


def _target(session: Session, team_id: int, community_id: int) -> tuple[Team, Community]:
    team = get_or_fail(session, Team, team_id, "驻点团队")
    community = get_or_fail(session, Community, community_id, "村（社区）")
    if community_id not in {link.community_id for link in team.community_links}:
        raise NotFoundError(f"{team.name}不在{community.name}驻点，没有这张联系卡。")
    return team, community


def build_content(session: Session, team: Team, community: Community, on: date) -> CardContent:
    settings = get_settings(session)
    design = _stored_design(session, team.id, community.id)

    def one(role: MemberRole) -> Contact | None:
        found = team.current(role, on)
        return _contact(found[0]) if found else None

    leader = one(MemberRole.LEADER)
    town_liaison = one(MemberRole.TOWN_LIAISON)
    community_liaison = _community_liaison(team, community, on)
    qr_role = design.qr_role if design is not None else "town_liaison"
    chosen = {"town_liaison": town_liaison, "leader": leader,
              "community_liaison": community_liaison}.get(qr_role)
    qr_contact = chosen or town_liaison or leader
    qr_note = ""
    if chosen is None and qr_contact is not None:
        stand_in = "town_liaison" if qr_contact is town_liaison else "leader"
        qr_note = (f"团队没有{QR_ROLE_LABELS[qr_role]}，二维码将改用{QR_ROLE_LABELS[stand_in]}"
                   f" {qr_contact.name} 的电话 {qr_contact.phone or '（无）'}")
    place = team.station_place or community.office_address
    back = (design.back_text if design is not None else "") or default_back_text(
        settings.town_name, schedule_text(team), place)
    return CardContent(
        team_id=team.id, team_name=team.name, community_id=community.id,
        community_name=community.name, leader=leader,
        core=tuple(_contact(m) for m in team.current(MemberRole.CORE, on)),
        town_liaison=town_liaison, community_liaison=community_liaison,
        schedule=schedule_text(team), place=place,
        hotline=team.hotline or settings.hotline, back_text=back,
        qr_contact=qr_contact, qr_note=qr_note,
        town_name=settings.town_name, district_name=settings.district_name, issued_on=on,
        support=tuple(_contact(m) for m in team.current(MemberRole.SUPPORT, on)))


def _contact(m: Membership) -> Contact:
    p = m.person
    return Contact(name=p.name, position=p.position or m.title or p.unit, phone=p.phone,
                   person_id=p.id)


def _community_liaison(team: Team, community: Community, on: date) -> Contact | None:
    liaisons = team.current(MemberRole.COMMUNITY_LIAISON, on)
    if not liaisons:
        return None
    named = [m for m in liaisons if community.name in (m.person.unit or "")]
    if named:
        return _contact(named[0])
    index = next((i for i, link in enumerate(team.community_links)
                  if link.community_id == community.id), 0)
    return _contact(liaisons[index] if index < len(liaisons) else liaisons[0])


def default_back_text(town_name: str, schedule: str, place: str) -> str:
    """The back of the card unless the clerk wrote their own (short, from the seeds)."""
    town = town_name or "镇（街道）"
    where = f"，在{place}" if place else ""
    return (f"{town}领导干部驻点普遍直接联系群众：镇领导带领驻点团队定时定点进村入户，"
            f"听民声、解民忧。本团队{schedule}{where}驻点接待，欢迎来访；"
            "平时有事请打电话，或用手机扫描二维码保存联系人。")


def content_hash(content: CardContent) -> str:
    """sha256 of what the card prints (not the issue date, not person ids, not the support
    team, which only the poster shows)."""
    fields = asdict(content)
    for key in ("issued_on", "support", "qr_note"):
        fields.pop(key)
    for key, value in list(fields.items()):
        fields[key] = _printed(value)
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _printed(value: object) -> object:
    if isinstance(value, dict) and "person_id" in value:
        return {k: v for k, v in value.items() if k != "person_id"}
    if isinstance(value, (list, tuple)):
        return [_printed(v) for v in value]
    return value


def household_lines(session: Session, community_id: int) -> Iterator[HouseholdLine]:
    """The households of a community for personalised cards, in delivery order: by grid
    (第二网格 before 第十网格, households without a grid last), then by address in natural order
    (五巷2号 before 五巷11号, 二巷 before 十三巷; see app/addresses.py).

    The serial is the community and the household's record number: it never changes, whatever
    households are added or move away.
    """
    require_community(session, Permission.VIEW_DIRECTORY, community_id)
    community = get_or_fail(session, Community, community_id, "村（社区）")
    name = community.name
    query = (select(Household.id, Grid.name, Household.address, Household.head_name)
             .outerjoin(Grid, Household.grid_id == Grid.id)
             .where(Household.community_id == community_id, Household.moved_out_on.is_(None)))
    # Read whole (a community is a few thousand rows at most) to sort by the natural key.
    rows = sorted(session.execute(query).all(),
                  key=lambda r: (grid_key(r[1]), address_key(r[2]), r[0]))
    for hid, _grid, address, head in rows:
        yield HouseholdLine(hid, address, head, f"{name}-{hid:06d}")


# --- the clerk's design ----------------------------------------------------------------------

def _clean_prose(value: str) -> str:
    """Spaces folded line by line, blank lines dropped; full-width punctuation (，。！) kept —
    NFKC (``clean_text``) would turn it into ASCII, which looks wrong on a Chinese card."""
    lines = (" ".join(line.split()) for line in str(value or "").splitlines())
    return "\n".join(line for line in lines if line)


def _stored_design(session: Session, team_id: int, community_id: int) -> CardDesign | None:
    return session.scalar(select(CardDesign).where(CardDesign.team_id == team_id,
                                                   CardDesign.community_id == community_id))


def get_design(session: Session, team_id: int, community_id: int) -> CardDesign:
    """The design the form starts from. Never saved yet: a new, unsaved one with version 0 and
    the default text filled in (saving the default text unchanged keeps it following the
    roster)."""
    require_team(session, Permission.VIEW_DIRECTORY, team_id)
    team, community = _target(session, team_id, community_id)
    stored = _stored_design(session, team_id, community_id)
    default = default_back_text(get_settings(session).town_name, schedule_text(team),
                                team.station_place or community.office_address)
    if stored is None:
        return CardDesign(team_id=team_id, community_id=community_id, back_text=default,
                          qr_role="town_liaison", version=0)
    if not stored.back_text:
        # A detached copy showing the default text: the stored row keeps "" (= the default).
        return CardDesign(id=stored.id, team_id=team_id, community_id=community_id,
                          back_text=default, qr_role=stored.qr_role, version=stored.version)
    return stored


def save_design(session: Session, team_id: int, community_id: int, back_text: str, qr_role: str,
                expected_version: int | None) -> CardDesign:
    """Save the clerk's back text and QR choice. ``expected_version`` is what ``get_design``
    returned (0 when there was no design yet)."""
    require(session, Permission.PRINT_CARDS)
    team, community = _target(session, team_id, community_id)
    problems: dict[str, str] = {}
    text = _clean_prose(back_text)
    try:
        optional(text, "back_text", "背面文字", BACK_TEXT_LIMIT)
    except ValidationError as exc:
        problems["back_text"] = exc.message
    if qr_role not in QR_ROLES:
        problems["qr_role"] = (f"二维码联系人应为{'、'.join(QR_ROLE_LABELS.values())}之一，"
                               f"不是“{qr_role}”")
    if problems:
        raise ValidationError(next(iter(problems.values())), problems=problems)
    if text == default_back_text(get_settings(session).town_name, schedule_text(team),
                                 team.station_place or community.office_address):
        text = ""  # the default follows the roster and settings
    design = _stored_design(session, team_id, community_id)
    if design is None:
        if expected_version not in (None, 0):
            raise DomainError("这张联系卡的设计在您打开之后已被其他人修改。请关闭、刷新后再改。")
        design = CardDesign(team_id=team_id, community_id=community_id)
        session.add(design)
    else:
        check_version(design, expected_version, "联系卡设计")
    design.back_text, design.qr_role = text, qr_role
    session.flush()
    return design


# --- printing --------------------------------------------------------------------------------

def record_print(session: Session, contents: list[CardContent], households: bool, pages: int,
                 out_name: str) -> None:
    """Remember which content was printed for each card (one "print" audit entry per job)."""
    actor = require(session, Permission.PRINT_CARDS)
    now = datetime.now().replace(microsecond=0)
    kind = "发放到户版" if households else "通用版"
    names = "、".join(dict.fromkeys(c.community_name for c in contents))
    summary = f"打印联系卡（{kind}）：{out_name}，{len(contents)} 种 {pages} 页（{names}）"
    with audit.bulk(session, "print", summary[:400]):
        for content in contents:
            session.add(CardPrint(team_id=content.team_id, community_id=content.community_id,
                                  content_hash=content_hash(content), printed_at=now,
                                  printed_by=actor.user_id, households=households, pages=pages,
                                  file_name=out_name[:200]))


def ever_printed(session: Session) -> list[CardTarget]:
    """Targets printed at least once (the others say 从未打印 in the list)."""
    printed = set(session.execute(select(CardPrint.team_id, CardPrint.community_id).distinct()))
    return [t for t in card_targets(session) if (t.team_id, t.community_id) in printed]


def reprint_needed(session: Session) -> list[CardTarget]:
    """Cards printed before whose content has changed since their last print."""
    targets = card_targets(session)
    latest = (select(CardPrint.team_id, CardPrint.community_id,
                     func.max(CardPrint.id).label("last"))
              .group_by(CardPrint.team_id, CardPrint.community_id).subquery())
    printed = {(t, c): h for t, c, h in session.execute(
        select(CardPrint.team_id, CardPrint.community_id, CardPrint.content_hash)
        .join(latest, CardPrint.id == latest.c.last))}
    today = date.today()
    out = []
    for target in targets:
        last = printed.get((target.team_id, target.community_id))
        if last is None:
            continue
        team, community = _target(session, target.team_id, target.community_id)
        if content_hash(build_content(session, team, community, today)) != last:
            out.append(target)
    return out


# --- distribution ----------------------------------------------------------------------------

def record_distribution(session: Session, community_id: int, household_ids: Iterable[int],
                        on: date, note: str = "") -> int:
    """Record that these households of the community got the card on ``on`` from the signed-in
    user. A household already holding the current card is left as it is (idempotent); one
    holding an old card gets a new delivery. Returns how many deliveries were recorded."""
    team = _distribution_team(session, community_id)
    actor = actor_of(session)
    community = get_or_fail(session, Community, community_id, "村（社区）")
    if on > date.today():
        raise ValidationError("发放日期不能晚于今天", "delivered_on")
    wanted = list(dict.fromkeys(int(h) for h in household_ids))
    if not wanted:
        return 0
    living = _households_in(session, community_id, wanted)
    strangers = [h for h in wanted if h not in living]
    if strangers:
        raise ValidationError(f"有 {len(strangers)} 户不是{community.name}的在册住户"
                              f"（编号 {', '.join(map(str, strangers[:5]))}），未登记发放。",
                              "household_ids")
    current = content_hash(build_content(session, team, community, on))
    held = _latest_hashes(session, community_id, wanted)
    note = optional(clean_text(note), "note", "备注", 200)
    rows = [dict(household_id=h, community_id=community_id, team_id=team.id, delivered_on=on,
                 delivered_by=actor.user_id, content_hash=current, note=note)
            for h in wanted if held.get(h) != current]
    if rows:
        with audit.bulk(session, "create",
                        f"登记联系卡发放：{community.name} {len(rows)} 户（{on.isoformat()}）"):
            session.execute(CardDelivery.__table__.insert(), rows)
    return len(rows)


def _distribution_team(session: Session, community_id: int) -> Team:
    """Who may record: the clerk (PRINT_CARDS) anywhere, a liaison (KEEP_RECORDS) in the
    communities of their teams. The card is that of the actor's team serving the community,
    else of the community's first team."""
    actor = actor_of(session)
    if actor.can(Permission.PRINT_CARDS):
        require_community(session, Permission.PRINT_CARDS, community_id)
        scope = actor.teams_for(Permission.PRINT_CARDS)
    elif actor.can(Permission.KEEP_RECORDS):
        require_community(session, Permission.KEEP_RECORDS, community_id)
        scope = actor.teams_for(Permission.KEEP_RECORDS)
    else:
        raise PermissionDenied(f"您的账户（{actor.roles_text}）不能登记联系卡发放："
                               "只有党政办和各团队的联络员可以登记。")
    serving = _serving_teams(session, community_id)
    if not serving:
        community = get_or_fail(session, Community, community_id, "村（社区）")
        raise DomainError(f"{community.name}现在没有驻点团队，没有可发放的联系卡。")
    own = [t for t in serving if scope is None or t.id in scope]
    return (own or serving)[0]


def _serving_teams(session: Session, community_id: int) -> list[Team]:
    return list(session.scalars(select(Team).join(TeamCommunity)
                                .where(TeamCommunity.community_id == community_id,
                                       Team.dissolved_on.is_(None)).order_by(Team.id)))


def _households_in(session: Session, community_id: int, ids: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        found.update(session.scalars(select(Household.id).where(
            Household.community_id == community_id, Household.moved_out_on.is_(None),
            Household.id.in_(ids[start:start + 500]))))
    return found


def _latest_subquery():  # type: ignore[no-untyped-def]
    return (select(CardDelivery.household_id, func.max(CardDelivery.id).label("last"))
            .group_by(CardDelivery.household_id).subquery())


def _latest_hashes(session: Session, community_id: int, ids: list[int]) -> dict[int, str]:
    latest = _latest_subquery()
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        out.update((hid, digest) for hid, digest in session.execute(
            select(CardDelivery.household_id, CardDelivery.content_hash)
            .join(latest, CardDelivery.id == latest.c.last)
            .where(CardDelivery.household_id.in_(ids[start:start + 500]))))
    return out


def _current_hashes(session: Session, community_ids: Iterable[int], on: date
                    ) -> dict[int, tuple[dict[int, str], str | None]]:
    """Per community: the current hash of each serving team's card, and the first team's."""
    out: dict[int, tuple[dict[int, str], str | None]] = {}
    for cid in community_ids:
        community = session.get(Community, cid)
        teams = _serving_teams(session, cid)
        hashes = {t.id: content_hash(build_content(session, t, community, on))  # type: ignore[arg-type]
                  for t in teams}
        out[cid] = (hashes, hashes[teams[0].id] if teams else None)
    return out


def _holds_current(hashes: tuple[dict[int, str], str | None], team_id: int | None,
                   held: str) -> bool:
    by_team, first = hashes
    return held == by_team.get(team_id, first) if team_id is not None else held == first


def coverage(session: Session, community_id: int | None = None) -> list[CoverageRow]:
    """Per community the actor may see: households, how many hold the current card, and how
    many hold an old one (re-distribution)."""
    scope = community_scope(session, Permission.VIEW_DIRECTORY)
    query = select(Community.id, Community.name)
    if community_id is not None:
        require_community(session, Permission.VIEW_DIRECTORY, community_id)
        query = query.where(Community.id == community_id)
    elif scope is not None:
        query = query.where(Community.id.in_(scope))
    # Communities in the order of the not-reached list (address_key: natural, then pinyin).
    communities = sorted(session.execute(query).all(), key=lambda r: (address_key(r[1]), r[0]))
    ids = [cid for cid, _ in communities]
    totals = {cid: n for cid, n in session.execute(
        select(Household.community_id, func.count()).where(Household.moved_out_on.is_(None))
        .where(Household.community_id.in_(ids)).group_by(Household.community_id))}
    latest = _latest_subquery()
    held = session.execute(
        select(Household.community_id, CardDelivery.team_id, CardDelivery.content_hash,
               func.count())
        .join(CardDelivery, CardDelivery.household_id == Household.id)
        .join(latest, CardDelivery.id == latest.c.last)
        .where(Household.moved_out_on.is_(None), Household.community_id.in_(ids))
        .group_by(Household.community_id, CardDelivery.team_id, CardDelivery.content_hash)).all()
    current = _current_hashes(session, ids, date.today())
    reached: dict[int, int] = {}
    stale: dict[int, int] = {}
    for cid, team_id, digest, n in held:
        bucket = reached if _holds_current(current[cid], team_id, digest) else stale
        bucket[cid] = bucket.get(cid, 0) + n
    return [CoverageRow(cid, name, totals.get(cid, 0), reached.get(cid, 0), stale.get(cid, 0))
            for cid, name in communities]


def not_reached(session: Session, community_id: int) -> list[NotReachedRow]:
    """Households of the community without the current card, in delivery order (grid, then
    address in natural order)."""
    require_community(session, Permission.VIEW_DIRECTORY, community_id)
    return _not_reached(session, [community_id])


def _not_reached(session: Session, community_ids: list[int]) -> list[NotReachedRow]:
    if not community_ids:
        return []
    latest = _latest_subquery()
    query = (select(Household.id, Community.name, Grid.name, Household.address,
                    Household.head_name, Household.mobile, Household.landline,
                    Household.community_id, CardDelivery.team_id, CardDelivery.content_hash,
                    CardDelivery.delivered_on)
             .join(Community, Household.community_id == Community.id)
             .outerjoin(Grid, Household.grid_id == Grid.id)
             .outerjoin(latest, latest.c.household_id == Household.id)
             .outerjoin(CardDelivery, CardDelivery.id == latest.c.last)
             .where(Household.community_id.in_(community_ids), Household.moved_out_on.is_(None)))
    current = _current_hashes(session, community_ids, date.today())
    out = []
    for hid, cname, grid, address, head, mobile, landline, cid, team_id, digest, on in \
            session.execute(query):
        if digest is not None and _holds_current(current[cid], team_id, digest):
            continue
        out.append(NotReachedRow(hid, cname, grid or "", address, head, mobile or landline,
                                 STATUS_NEVER if digest is None else STATUS_STALE, on))
    # Delivery order: community, grid (none last), then the address in natural order.
    out.sort(key=lambda r: (delivery_key(r.community, r.grid, r.address), r.household_id))
    return out


# --- export ----------------------------------------------------------------------------------

SUMMARY_COLUMNS = [Column("村（社区）", 14), Column("在册户数", 10, "int"),
                   Column("已发放（现行卡）", 16, "int"), Column("覆盖率", 10, "percent"),
                   Column("需重新发放", 12, "int"), Column("未发放", 10, "int")]
LIST_COLUMNS = [Column("村（社区）"), Column("网格"), Column("门牌地址"), Column("户主"),
                Column("联系电话"), Column("状态"), Column("上次发放日期", 12)]
SUMMARY_HEADERS = tuple(c.title for c in SUMMARY_COLUMNS)
LIST_HEADERS = tuple(c.title for c in LIST_COLUMNS)


def export_coverage(session: Session, out: Path) -> Path:
    """Write coverage to xlsx: 发放汇总 (one line per community; the coverage a number shown as
    a percentage) and 未发放住户 (the households still to visit), both on A4 portrait with the
    columns fitted to its width and the header repeated on every page. Every text cell stays
    text. Needs the roster-export permission (the list carries names, addresses and phones);
    scoped like the directory. Body rows are written by the document kit's fast writer."""
    require(session, Permission.EXPORT_ROSTER)
    out = Path(out)
    rows = coverage(session)
    missing = _not_reached(session, [r.community_id for r in rows])
    town = get_settings(session).town_name
    book = Book()
    counts = [[r.community_name, r.households, r.reached,
               r.reached / r.households if r.households else 0.0, r.stale, r.never] for r in rows]
    total = sum(r.households for r in rows)
    reached = sum(r.reached for r in rows)
    totals = ["合计", total, reached, reached / total if total else 0.0,
              sum(r.stale for r in rows), sum(r.never for r in rows)]
    summary = book.sheet("发放汇总", SUMMARY_COLUMNS, A4_PORTRAIT, rows=counts)
    summary.title(f"{town}民情联系卡发放情况（{date.today().isoformat()}）")
    summary.header()
    summary.body(counts)
    summary.total(totals)
    lines = [[m.community, m.grid, m.address, m.head_name, m.phone, m.status,
              m.last_delivered_on.isoformat() if m.last_delivered_on else ""] for m in missing]
    listing = book.sheet("未发放住户", LIST_COLUMNS, A4_PORTRAIT, rows=lines)
    listing.title(f"{town}未发放（或需重新发放）联系卡的住户")
    listing.header()
    listing.body(lines)
    save_whole(book, out)
    audit.record(session, "export", "card_delivery", None,
                 f"导出联系卡发放情况：{out.name}（{len(rows)} 个村（社区），未发放 {len(missing)} 户）")
    return out
