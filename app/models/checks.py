"""Spot checks (抽查督查) by the organization office: the ledger check (台账资料抽查) with its
checklist, the field patrol (下乡情况巡查) with each cadre's whereabouts, meeting supervision
(会议情况督查), and the findings with their rectification (整改) and re-check (核查整改).

A check or finding is open to edits until it is reported (``reported_at``); from then on its
content is locked and a correction is a ``CheckAmendment`` made through the services (who,
when, why, before and after). The team's response and the re-check go on after reporting —
that is the point of reporting — so they are not locked. ``_refuse_silent_rewrites`` enforces
this for every writer.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import (Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, String,
                        Table, Text, Time, UniqueConstraint, event, inspect)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.errors import DomainError
from app.models.base import Base, Timestamped, Versioned, enum_column, was_set_in_database
from app.models.enums import (CheckKind, FindingSource, FindingStatus, ItemResult, Severity,
                              Whereabouts)

if TYPE_CHECKING:
    from app.models.community import Community
    from app.models.meetings import Meeting
    from app.models.person import Person
    from app.models.team import Team

CHECK_AMENDING = "check_amendment"


class CheckItemTemplate(Base, Timestamped, Versioned):
    """One line of the town's checklist for the ledger check, with its points."""

    __tablename__ = "check_item_template"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    guidance: Mapped[str] = mapped_column(String(300), default="")
    # Which figures the app fills in for the checker (see app/services/check_evidence.py).
    evidence: Mapped[str] = mapped_column(String(30), default="")
    points: Mapped[int] = mapped_column(Integer, default=10)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LedgerCheck(Base, Timestamped, Versioned):
    """One team's ledgers checked for a month: the draw, the notice, the delivery, the items."""

    __tablename__ = "ledger_check"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        UniqueConstraint("year", "month", "kind", "team_id", name="uq_ledger_check_month_team"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    kind: Mapped[CheckKind] = mapped_column(enum_column(CheckKind))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"), index=True)
    # The draw: the seed and the candidates it chose from (JSON), so anyone can re-run it.
    seed: Mapped[str] = mapped_column(String(64), default="")
    pool: Mapped[str] = mapped_column(Text, default="")
    # The records looked at: from the day after the team's previous check (at most a year back)
    # to the notice date.
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    notice_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    checked_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    checker: Mapped[str] = mapped_column(String(120), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    reported_by_name: Mapped[str] = mapped_column(String(60), default="")

    team: Mapped["Team"] = relationship()
    items: Mapped[list["LedgerCheckItem"]] = relationship(
        back_populates="check", order_by="LedgerCheckItem.position", cascade="all, delete-orphan")
    findings: Mapped[list["Finding"]] = relationship(back_populates="ledger_check",
                                                     order_by="Finding.id")

    @property
    def reported(self) -> bool:
        return self.reported_at is not None

    def is_late(self, today: date | None = None) -> bool:
        """Ledgers arrived after the due date, or not yet arrived and the due date passed."""
        if self.received_on is not None:
            return self.received_on > self.due_on
        return (today or date.today()) > self.due_on


class LedgerCheckItem(Base, Timestamped, Versioned):
    __tablename__ = "ledger_check_item"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("ledger_check.id", ondelete="CASCADE"),
                                          index=True)
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("check_item_template.id", ondelete="SET NULL"), nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(60))
    points: Mapped[int] = mapped_column(Integer, default=10)
    evidence: Mapped[str] = mapped_column(Text, default="")   # filled in from the records
    result: Mapped[ItemResult | None] = mapped_column(enum_column(ItemResult), nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")

    check: Mapped[LedgerCheck] = relationship(back_populates="items")


patrol_community = Table(
    "field_patrol_community", Base.metadata,
    Column("patrol_id", ForeignKey("field_patrol.id", ondelete="CASCADE"), primary_key=True),
    Column("community_id", ForeignKey("community.id", ondelete="RESTRICT"), primary_key=True,
           index=True),
)


class FieldPatrol(Base, Timestamped, Versioned):
    """A patrol of villages (Thursday afternoons by default) to see that cadres are out."""

    __tablename__ = "field_patrol"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    patrol_on: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    checkers: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    reported_by_name: Mapped[str] = mapped_column(String(60), default="")

    communities: Mapped[list["Community"]] = relationship(secondary=patrol_community,
                                                          order_by="Community.name")
    sightings: Mapped[list["PatrolSighting"]] = relationship(
        back_populates="patrol", order_by="PatrolSighting.id", cascade="all, delete-orphan")
    findings: Mapped[list["Finding"]] = relationship(back_populates="patrol",
                                                     order_by="Finding.id")

    @property
    def reported(self) -> bool:
        return self.reported_at is not None


class PatrolSighting(Base, Timestamped, Versioned):
    """A cadre the schedule expected in a patrolled village, and where they were found."""

    __tablename__ = "patrol_sighting"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        UniqueConstraint("patrol_id", "person_id", name="uq_patrol_sighting_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patrol_id: Mapped[int] = mapped_column(ForeignKey("field_patrol.id", ondelete="CASCADE"),
                                           index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"),
                                           index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"),
                                                nullable=True)
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("community.id", ondelete="SET NULL"), nullable=True)
    whereabouts: Mapped[Whereabouts | None] = mapped_column(enum_column(Whereabouts),
                                                            nullable=True)
    note: Mapped[str] = mapped_column(String(300), default="")

    patrol: Mapped[FieldPatrol] = relationship(back_populates="sightings")
    person: Mapped["Person"] = relationship()
    team: Mapped["Team | None"] = relationship()
    community: Mapped["Community | None"] = relationship()


class MeetingSupervision(Base, Timestamped, Versioned):
    """Sitting in on (or checking afterwards) a team meeting against its record."""

    __tablename__ = "meeting_supervision"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="RESTRICT"),
                                            index=True)
    supervised_on: Mapped[date] = mapped_column(Date)
    supervisor: Mapped[str] = mapped_column(String(120), default="")
    held_as_scheduled: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    minutes_complete: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    sign_in_complete: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    signatures_match: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    reported_by_name: Mapped[str] = mapped_column(String(60), default="")

    meeting: Mapped["Meeting"] = relationship()
    findings: Mapped[list["Finding"]] = relationship(back_populates="supervision",
                                                     order_by="Finding.id")

    @property
    def reported(self) -> bool:
        return self.reported_at is not None


class Finding(Base, Timestamped, Versioned):
    """Something a check found, with what must be fixed by when, the team's response and the
    re-check. ``person_id`` puts it in a cadre's personal file."""

    __tablename__ = "finding"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        Index("ix_finding_status_deadline", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[FindingSource] = mapped_column(enum_column(FindingSource))
    ledger_check_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_check.id", ondelete="RESTRICT"), nullable=True, index=True)
    patrol_id: Mapped[int | None] = mapped_column(
        ForeignKey("field_patrol.id", ondelete="RESTRICT"), nullable=True, index=True)
    supervision_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_supervision.id", ondelete="RESTRICT"), nullable=True, index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"),
                                                nullable=True, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"),
                                                  nullable=True, index=True)
    found_on: Mapped[date] = mapped_column(Date, index=True)
    severity: Mapped[Severity] = mapped_column(enum_column(Severity))
    description: Mapped[str] = mapped_column(Text)
    requirement: Mapped[str] = mapped_column(Text, default="")   # 整改要求
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[FindingStatus] = mapped_column(enum_column(FindingStatus),
                                                  default=FindingStatus.OPEN)
    response: Mapped[str] = mapped_column(Text, default="")      # the team's 整改情况
    responded_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    recheck_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    recheck_passed: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    recheck_note: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    ledger_check: Mapped[LedgerCheck | None] = relationship(back_populates="findings")
    patrol: Mapped[FieldPatrol | None] = relationship(back_populates="findings")
    supervision: Mapped[MeetingSupervision | None] = relationship(back_populates="findings")
    team: Mapped["Team | None"] = relationship()
    person: Mapped["Person | None"] = relationship()

    @property
    def reported(self) -> bool:
        return self.reported_at is not None

    def is_overdue(self, on: date | None = None) -> bool:
        """Open past its deadline (a response waiting for the re-check is not overdue)."""
        return self.status == FindingStatus.OPEN and self.deadline < (on or date.today())


class CheckAmendment(Base):
    """A correction to a reported check or finding: what, before and after, who, when, why."""

    __tablename__ = "check_amendment"
    __table_args__ = (Index("ix_check_amendment_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(40))     # a table name: "finding", "ledger_check"…
    entity_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"),
                                                nullable=True)
    user_name: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    what: Mapped[str] = mapped_column(String(200))
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")


# What reporting locks. Rectification (response, re-check, status) and the ledger check's
# delivery and checking continue after a finding is reported, so they are not listed.
LOCKED_COLUMNS: dict[type, set[str]] = {
    Finding: {"source", "ledger_check_id", "patrol_id", "supervision_id", "team_id", "person_id",
              "found_on", "severity", "description", "requirement", "deadline"},
    LedgerCheck: {"year", "month", "kind", "team_id", "seed", "pool", "period_start",
                  "period_end", "notice_on", "due_on",
                  "received_on", "checked_on", "checker", "summary"},
    LedgerCheckItem: {"name", "points", "evidence", "result", "notes"},
    FieldPatrol: {"patrol_on", "start_time", "end_time", "checkers", "note"},
    PatrolSighting: {"person_id", "team_id", "community_id", "whereabouts", "note"},
    MeetingSupervision: {"meeting_id", "supervised_on", "supervisor", "held_as_scheduled",
                         "minutes_complete", "sign_in_complete", "signatures_match", "note"},
}


def _owner(obj: Any) -> Any:
    if isinstance(obj, LedgerCheckItem):
        return obj.check
    if isinstance(obj, PatrolSighting):
        return obj.patrol
    return obj


@event.listens_for(Session, "before_flush")
def _refuse_silent_rewrites(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(CHECK_AMENDING):
        return
    for obj in list(session.dirty) + list(session.deleted) + list(session.new):
        columns = LOCKED_COLUMNS.get(type(obj))
        if columns is None:
            continue
        owner = _owner(obj)
        if owner is None or not was_set_in_database(session, owner, "reported_at"):
            continue
        state = inspect(obj)
        touched = (obj in session.new or obj in session.deleted
                   or any(state.attrs[c].history.has_changes() for c in columns))
        if touched:
            raise DomainError("这条督查记录已上报，不能直接修改；请以“更正”方式写明原因，"
                              "原记录保留可查。")
