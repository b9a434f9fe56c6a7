"""The print-ready roster workbook: the four sheets the import reads, each on A4 landscape with
its columns fitted to the page's width (the long ones wrap; IDs and phone numbers never break),
every row as tall as its text (on the document kit, app/documents/xlsx.py).

People on the roster who are in no team right now (committee members, grid workers, volunteers,
a leader between teams) go on a sheet of their own, 人员名册, with the person columns only —
not at the foot of 团队人员 with four empty team columns. On paper that is the clearer list: the
team sheet stays one team after another, the office counts the others by 人员类别, and nobody
wonders whether a blank 驻点团队 means “same team as above” (towns merge that column, and the
import fills merged blanks down). Retired people are not exported.

Every text cell is written as text: a name such as “=1+1” must never become a formula when
the clerk opens the file, and phone numbers and IDs must not turn into numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit
from app.auth import Permission, actor_of, can, community_scope, require
from app.documents.xlsx import A4_LANDSCAPE, Book, Column
from app.errors import DomainError
from app.files import save_whole
from app.models import (Community, Grid, Household, HouseholdTag, KeyGroup, MemberRole, Membership,
                        Person, PersonCategory, Team)
from app.models.enums import weekday_label
from app.normalize import mask_resident_id
from app.roster.headers import COLUMNS, SheetKind
from app.services import teams
from app.services.settings import get_settings

Progress = Callable[[int, int], None] | None
Cancel = Callable[[], bool] | None
ROLE_ORDER = list(MemberRole)


def export_roster(session: Session, out: Path, *, progress: Progress = None,
                  cancelled: Cancel = None) -> Path:
    """Write the roster to ``out`` (via a temporary file, so a failure leaves no half file)."""
    require(session, Permission.EXPORT_ROSTER)
    out = Path(out)
    town = get_settings(session).town_name
    book = Book()
    team_list = teams.list_teams(session)
    _sheet(book, SheetKind.TEAMS, f"{town}驻点团队一览表", [_team_row(t) for t in team_list])
    current = [m for t in team_list for m in _current(t)]
    _sheet(book, SheetKind.MEMBERS, f"{town}驻点团队人员名册", [_member_row(m) for m in current])
    scoped = teams_scope(session) is not None  # liaisons and leaders export their teams only
    others = [] if scoped else _people_without_team(session, {m.person_id for m in current})
    _sheet(book, SheetKind.PEOPLE, f"{town}在册人员名册（未编入驻点团队）",
           [_person_cells(p) for p in others])
    _check(cancelled)
    rows = _household_rows(session, can(session, Permission.VIEW_SENSITIVE),
                           community_scope(session, Permission.VIEW_DIRECTORY))
    _sheet(book, SheetKind.HOUSEHOLDS, f"{town}住户名册", rows, progress, cancelled)
    save_whole(book, out)
    audit.record(session, "export", summary=f"导出名册：{out.name}（住户 {len(rows)} 户）")
    return out


def _team_row(team: Team) -> list[object]:
    return [team.name, "、".join(c.name for c in team.communities),
            weekday_label(team.station_weekday),
            f"{team.station_start:%H:%M}-{team.station_end:%H:%M}", team.station_place,
            team.hotline, team.note]


def _current(team: Team) -> list[Membership]:
    return sorted(team.current(), key=lambda m: (ROLE_ORDER.index(m.role), m.id))


def _member_row(m: Membership) -> list[object]:
    team = m.team
    return [team.name, "、".join(c.name for c in team.communities), m.role.label, m.title,
            *_person_cells(m.person)]


def _person_cells(p: Person) -> list[object]:
    return [p.name, p.gender.label if p.gender else "", p.unit, p.position, p.category.label,
            p.mobile, p.landline, mask_resident_id(p.resident_id), p.note]


def teams_scope(session: Session) -> frozenset[int] | None:
    return actor_of(session).teams_for(Permission.VIEW_DIRECTORY)


def _people_without_team(session: Session, listed: set[int]) -> list[Person]:
    """Active people not on the team sheet, grouped by category the way the office counts them."""
    active = session.scalars(select(Person).where(Person.retired_on.is_(None)))
    order = list(PersonCategory)
    return sorted((p for p in active if p.id not in listed),
                  key=lambda p: (order.index(p.category), p.unit, p.name, p.id))


def _household_rows(session: Session, sensitive: bool, scope: set[int] | None
                    ) -> list[list[object]]:
    """Key groups only for roles that may see them; only the communities the user may see."""
    today = date.today()
    tags = (select(HouseholdTag.household_id,
                   func.aggregate_strings(KeyGroup.name, "、").label("names"))
            .join(KeyGroup).where(HouseholdTag.added_on <= today,
                                  HouseholdTag.removed_on.is_(None) | (HouseholdTag.removed_on > today))
            .group_by(HouseholdTag.household_id).subquery())
    query = (select(Community.name, Grid.name, Household.address, Household.head_name,
                    Household.mobile, Household.landline, Household.size, Household.kind,
                    tags.c.names, Household.head_resident_id, Household.note)
             .join(Community, Household.community_id == Community.id)
             .outerjoin(Grid, Household.grid_id == Grid.id)
             .outerjoin(tags, tags.c.household_id == Household.id)
             .where(Household.moved_out_on.is_(None)).order_by(Community.name, Household.id))
    if scope is not None:
        query = query.where(Household.community_id.in_(scope))
    return [[c, g or "", addr, head, "、".join(p for p in (mob, land) if p), size, kind.label,
             (names or "") if sensitive else "", mask_resident_id(rid), note]
            for c, g, addr, head, mob, land, size, kind, names, rid, note in session.execute(query)]


def _sheet(book: Book, kind: SheetKind, title: str, rows: Sequence[Sequence[object]],
           progress: Progress = None, cancelled: Cancel = None) -> None:
    """Title (row 1, across the columns), header (row 2, repeated on every printed page), the
    rows from row 3: the layout the import reads back. Every text cell is text (the phone and
    ID columns included: they never turn into numbers)."""
    columns = [Column(c.title) for c in COLUMNS[kind]]
    sheet = book.sheet(kind.value, columns, A4_LANDSCAPE, rows=rows, most=40)
    sheet.title(title)
    sheet.header()

    def tick(done: int) -> None:
        _check(cancelled)
        if progress:
            progress(done, len(rows))

    sheet.body(rows, every=500, tick=tick)


def _check(cancelled: Cancel) -> None:
    if cancelled and cancelled():
        raise DomainError("已取消导出。")
