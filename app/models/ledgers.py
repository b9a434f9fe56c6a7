"""The team's written record: station log (驻点日志), reception record (接待台账) and the
problem ledger (问题台账) with each status step.

Problems are never deleted, so a problem's number (``石岗村-2026-007``: community, year,
sequence) is never reused; the unique constraint on (community, year, seq) guards it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, Index,
                        Integer, Numeric, String, Table, Text, Time, TypeDecorator,
                        UniqueConstraint, and_, event, func)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.errors import DomainError
from app.models.base import Base, Timestamped, Versioned, enum_column
from app.models.enums import (FeedbackMethod, HandlingLevel, ProblemSource, ProblemStatus,
                              Satisfaction, SessionKind)

if TYPE_CHECKING:
    from app.models.community import Community
    from app.models.household import Household
    from app.models.person import Person
    from app.models.team import Team

CENT = Decimal("0.01")


class Money(TypeDecorator):
    """Yuan as ``Decimal`` with 2 decimals, stored NUMERIC(12, 2).

    Read as float and rounded back to cents, so SQLite (which has no decimal type) gives the
    same ``Decimal`` as PostgreSQL; 12 digits are well within a float's exact range.
    """

    impl = Numeric(12, 2, asdecimal=False)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        return str(Decimal(value).quantize(CENT))

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)).quantize(CENT)


session_member = Table(
    "station_session_member", Base.metadata,
    Column("station_session_id", ForeignKey("station_session.id", ondelete="CASCADE"),
           primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="RESTRICT"), primary_key=True,
           index=True),
)

session_household = Table(
    "station_session_household", Base.metadata,
    Column("station_session_id", ForeignKey("station_session.id", ondelete="CASCADE"),
           primary_key=True),
    Column("household_id", ForeignKey("household.id", ondelete="RESTRICT"), primary_key=True,
           index=True),
)


class StationSession(Base, Timestamped, Versioned):
    """One station session of a team in one community (a line of the 驻点日志).

    A make-up session (补班) records when it was announced and, optionally, the station day it
    makes up for (that day is then no gap).
    """

    __tablename__ = "station_session"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        CheckConstraint("end_time > start_time", name="hours"),
        Index("ix_station_session_team_held_on", "team_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"),
                                              index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[SessionKind] = mapped_column(enum_column(SessionKind))
    summary: Mapped[str] = mapped_column(Text, default="")
    make_up_announced_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    make_up_for: Mapped[date | None] = mapped_column(Date, nullable=True)
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)

    team: Mapped["Team"] = relationship()
    community: Mapped["Community"] = relationship()
    members: Mapped[list["Person"]] = relationship(secondary=session_member,
                                                   order_by="Person.id")
    households: Mapped[list["Household"]] = relationship(secondary=session_household,
                                                         order_by="Household.id")
    problems: Mapped[list["Problem"]] = relationship(back_populates="station_session",
                                                     order_by="Problem.id")


class Reception(Base, Timestamped, Versioned):
    """A visitor received at the station room (接待台账)."""

    __tablename__ = "reception"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        Index("ix_reception_team_received_on", "team_id", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"),
                                              index=True)
    station_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("station_session.id", ondelete="SET NULL"), nullable=True, index=True)
    received_on: Mapped[date] = mapped_column(Date)
    visitor_name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(24), default="")
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id", ondelete="SET NULL"), nullable=True, index=True)
    matter: Mapped[str] = mapped_column(Text)
    handling: Mapped[str] = mapped_column(Text, default="")
    problem_id: Mapped[int | None] = mapped_column(
        ForeignKey("problem.id", ondelete="SET NULL"), nullable=True, index=True)
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)

    station_session: Mapped[StationSession | None] = relationship()
    household: Mapped["Household | None"] = relationship()
    problem: Mapped["Problem | None"] = relationship()


class Problem(Base, Timestamped, Versioned):
    """A problem in the ledger. ``number`` is fixed when it is registered."""

    __tablename__ = "problem"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        UniqueConstraint("community_id", "year", "seq", name="uq_problem_community_year_seq"),
        CheckConstraint("seq > 0", name="seq"),
        Index("ix_problem_status_deadline", "status", "deadline"),
        Index("ix_problem_community_reported_on", "community_id", "reported_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"),
                                                nullable=True, index=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(80), unique=True)
    reported_on: Mapped[date] = mapped_column(Date)
    source: Mapped[ProblemSource] = mapped_column(enum_column(ProblemSource))
    station_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("station_session.id", ondelete="SET NULL"), nullable=True, index=True)
    reporter_household_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id", ondelete="SET NULL"), nullable=True, index=True)
    reporter_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    reporter_name: Mapped[str] = mapped_column(String(60), default="")
    category: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    level: Mapped[HandlingLevel] = mapped_column(enum_column(HandlingLevel))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"),
                                                  nullable=True, index=True)
    department: Mapped[str] = mapped_column(String(60), default="")
    deadline: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProblemStatus] = mapped_column(enum_column(ProblemStatus),
                                                  default=ProblemStatus.REGISTERED)
    # 附件1 (需提请党委会研究解决问题表)
    situation: Mapped[str] = mapped_column(Text, default="")          # 现状
    solution: Mapped[str] = mapped_column(Text, default="")           # 解决方案
    budget: Mapped[Decimal | None] = mapped_column(Money, nullable=True)    # 预算金额（元）
    subsidy: Mapped[Decimal | None] = mapped_column(Money, nullable=True)   # 申请补贴金额（元）
    expected_completion: Mapped[date | None] = mapped_column(Date, nullable=True)  # 预计完工时间
    # The party committee's decision on a problem raised to it (flows back from the meeting).
    committee_decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    committee_decision: Mapped[str] = mapped_column(Text, default="", server_default="")
    # 反馈
    feedback_method: Mapped[FeedbackMethod | None] = mapped_column(enum_column(FeedbackMethod),
                                                                   nullable=True)
    feedback_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    satisfaction: Mapped[Satisfaction | None] = mapped_column(enum_column(Satisfaction),
                                                              nullable=True)
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)

    community: Mapped["Community"] = relationship()
    station_session: Mapped[StationSession | None] = relationship(back_populates="problems")
    leader: Mapped["Person | None"] = relationship(foreign_keys=[leader_id])
    steps: Mapped[list["ProblemStep"]] = relationship(
        back_populates="problem", order_by="ProblemStep.id", cascade="all")

    def is_overdue(self, on: date | None = None) -> bool:
        """Deadline passed and not yet handled (已办结 or later)."""
        return not self.status.finished and self.deadline < (on or date.today())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @classmethod
    def overdue_clause(cls, on: date | None = None):  # type: ignore[no-untyped-def]
        """The same rule as ``is_overdue``, for queries."""
        return and_(cls.deadline < (on or date.today()),
                    cls.status.in_([ProblemStatus.REGISTERED, ProblemStatus.IN_PROGRESS]))


class ProblemStep(Base):
    """One status change of a problem, dated and signed; rows are only ever added."""

    __tablename__ = "problem_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problem.id", ondelete="CASCADE"),
                                            index=True)
    from_status: Mapped[ProblemStatus | None] = mapped_column(enum_column(ProblemStatus),
                                                              nullable=True)
    to_status: Mapped[ProblemStatus] = mapped_column(enum_column(ProblemStatus))
    on_date: Mapped[date] = mapped_column(Date)
    by_user: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"),
                                                nullable=True)
    by_name: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())

    problem: Mapped[Problem] = relationship(back_populates="steps")


@event.listens_for(Problem, "before_delete")
def _problems_stay(mapper: Any, connection: Any, target: Problem) -> None:
    """The ledger keeps every problem, so no number is ever freed for reuse."""
    raise DomainError(f"问题台账中的问题（{target.number}）不能删除；不再办理的请办结、反馈后销案。")
