"""What each team owes the organization office each month, and when (上报期限).

- Photos of the notice boards by the 3rd; 附件1, 附件2, the key-visit register progress and the
  written report by the 30th. Both days are town settings; in a month shorter than the day,
  its last day counts (February's 28th or 29th is its "30th").
- Each item is, on a given day: 未到期 (not due), 即将到期 (due within ``due_soon_days``),
  按时报送 (received on or before the due date), 逾期报送 (received after it), 缺报 (not
  received and the due date passed).
- A team owes nothing whose due date passed before it existed (``team_since``: its first
  member's start date, or the day it was entered when that is earlier): a team set up on the
  10th is not 缺报 for that month's photos due on the 3rd.
- Received = a ``Submission`` row: written when the office imports the team's package, or
  when it records a paper submission by hand (``record_received``).
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.auth import Permission, require
from app.errors import ValidationError
from app.models import Submission, SubmissionKind, Team, TownSettings
from app.normalize import clean_text
from app.services.common import get_or_fail
from app.services.settings import get_settings

PHOTO_KINDS = (SubmissionKind.PHOTOS,)
KINDS = tuple(SubmissionKind)


class ItemState(enum.Enum):
    NOT_DUE = "未到期"
    DUE_SOON = "即将到期"
    ON_TIME = "按时报送"
    LATE = "逾期报送"
    MISSING = "缺报"

    @property
    def label(self) -> str:
        return self.value


def day_in_month(year: int, month: int, day: int) -> date:
    """``day`` of the month, or its last day when the month is shorter."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def due_date(kind: SubmissionKind, year: int, month: int,
             settings: TownSettings) -> date:
    day = settings.photos_due_day if kind in PHOTO_KINDS else settings.forms_due_day
    return day_in_month(year, month, day)


def state_of(due: date, received_at: datetime | None, today: date,
             soon_days: int) -> ItemState:
    if received_at is not None:
        return ItemState.ON_TIME if received_at.date() <= due else ItemState.LATE
    if today > due:
        return ItemState.MISSING
    if (due - today).days <= soon_days:
        return ItemState.DUE_SOON
    return ItemState.NOT_DUE


@dataclass(frozen=True, slots=True)
class CalendarItem:
    team_id: int
    team: str
    year: int
    month: int
    kind: SubmissionKind
    due: date
    state: ItemState
    received_at: datetime | None

    @property
    def label(self) -> str:
        return self.kind.label


def _month(year: int, month: int) -> tuple[date, date]:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationError(f"月份 {year}-{month:02d} 不正确", "month")
    return date(year, month, 1), day_in_month(year, month, 31)


def _teams(session: Session, first: date, team_id: int | None) -> list[Team]:
    actor = require(session, Permission.VIEW_RECORDS)
    allowed = actor.teams_for(Permission.VIEW_RECORDS)
    query = (select(Team).where(or_(Team.dissolved_on.is_(None), Team.dissolved_on > first))
             .order_by(Team.name))
    if allowed is not None:
        query = query.where(Team.id.in_(allowed))
    if team_id is not None:
        query = query.where(Team.id == team_id)
    return list(session.scalars(query))


def team_since(team: Team) -> date:
    """The day the team came into being: its first membership's start date, or the day it was
    entered when that is earlier (a team imported with its members' past start dates)."""
    days = [m.start_date for m in team.memberships if m.start_date is not None]
    if team.created_at is not None:
        days.append(team.created_at.date())
    return min(days) if days else date.min


def calendar_for(session: Session, year: int, month: int, team_id: int | None = None,
                 today: date | None = None) -> list[CalendarItem]:
    """Every item each team (the actor's teams) owes for the month, with its state on ``today``."""
    first, _last = _month(year, month)
    today = today or date.today()
    settings = get_settings(session)
    teams = _teams(session, first, team_id)
    received = {(s.team_id, s.kind): s.received_at for s in session.scalars(
        select(Submission).where(Submission.year == year, Submission.month == month,
                                 Submission.team_id.in_([t.id for t in teams])))}
    out = []
    for team in teams:
        since = team_since(team)
        for kind in KINDS:
            due = due_date(kind, year, month, settings)
            at = received.get((team.id, kind))
            if due < since and at is None:
                continue    # its deadline passed before the team existed: nothing owed
            out.append(CalendarItem(team.id, team.name, year, month, kind, due,
                                    state_of(due, at, today, settings.due_soon_days), at))
    return out


def upcoming(session: Session, today: date | None = None, days: int | None = None
             ) -> list[CalendarItem]:
    """What falls due in the next days and is not yet received (said at start-up), and what
    is already missing this month."""
    today = today or date.today()
    settings = get_settings(session)
    horizon = today + timedelta(days=settings.due_soon_days if days is None else days)
    months = {(today.year, today.month), (horizon.year, horizon.month)}
    items = []
    for year, month in sorted(months):
        for item in calendar_for(session, year, month, today=today):
            if item.received_at is None and item.due <= horizon and (
                    item.due >= today or (item.year, item.month) == (today.year, today.month)):
                items.append(item)
    return sorted(items, key=lambda i: (i.due, i.team, list(KINDS).index(i.kind)))


def record_received(session: Session, team_id: int, year: int, month: int,
                    kind: SubmissionKind, received_at: datetime, note: str = "",
                    package_id: int | None = None) -> Submission:
    """The office records an item as received (the first receipt stands)."""
    require(session, Permission.PUBLISH_BULLETIN)
    get_or_fail(session, Team, team_id, "驻点团队")
    _month(year, month)
    if received_at > datetime.now():
        raise ValidationError("收到时间不能晚于现在", "received_at")
    existing = session.scalars(select(Submission).where(
        Submission.team_id == team_id, Submission.year == year, Submission.month == month,
        Submission.kind == kind)).first()
    if existing is not None:
        return existing
    row = Submission(team_id=team_id, year=year, month=month, kind=kind,
                     received_at=received_at.replace(microsecond=0), package_id=package_id,
                     note=clean_text(note)[:200])
    session.add(row)
    session.flush()
    return row
