"""Funding projects (专项经费补贴项目, 附件2): the application, the party committee's decision,
disbursements and the monthly progress until completion; and the funds the town sets aside
for each year. Money is ``Decimal`` yuan with two places (``Money``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (CheckConstraint, Date, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Timestamped, Versioned, enum_column
from app.models.enums import ProjectStatus, Urgency
from app.models.ledgers import Money

if TYPE_CHECKING:
    from app.models.community import Community
    from app.models.team import Team


class FundingProject(Base, Timestamped, Versioned):
    __tablename__ = "funding_project"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        CheckConstraint("budget >= 0 AND subsidy >= 0", name="money"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable across databases: a team's submission package carries it to the town's.
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"),
                                              index=True)
    name: Mapped[str] = mapped_column(String(120))
    situation: Mapped[str] = mapped_column(Text, default="")      # 现状
    plan: Mapped[str] = mapped_column(Text, default="")           # 解决方案
    budget: Mapped[Decimal] = mapped_column(Money)                # 总预算（元）
    subsidy: Mapped[Decimal] = mapped_column(Money)               # 申请补贴（元）
    applied_on: Mapped[date] = mapped_column(Date, index=True)    # its order matters
    urgency: Mapped[Urgency] = mapped_column(enum_column(Urgency))
    status: Mapped[ProjectStatus] = mapped_column(enum_column(ProjectStatus),
                                                  default=ProjectStatus.APPLIED)
    decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    approved_amount: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    expected_completion: Mapped[date | None] = mapped_column(Date, nullable=True)
    actual_completion: Mapped[date | None] = mapped_column(Date, nullable=True)
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)

    team: Mapped["Team"] = relationship()
    community: Mapped["Community"] = relationship()
    disbursements: Mapped[list["Disbursement"]] = relationship(
        back_populates="project", order_by="Disbursement.paid_on", cascade="all, delete-orphan")
    progress: Mapped[list["ProjectProgress"]] = relationship(
        back_populates="project", order_by="(ProjectProgress.year, ProjectProgress.month)",
        cascade="all, delete-orphan")

    @property
    def disbursed(self) -> Decimal:
        return sum((d.amount for d in self.disbursements), Decimal("0.00"))


class Disbursement(Base, Timestamped):
    """Money paid out to an approved project (拨付)."""

    __tablename__ = "funding_disbursement"
    __table_args__ = (CheckConstraint("amount > 0", name="amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("funding_project.id", ondelete="CASCADE"),
                                            index=True)
    paid_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str] = mapped_column(String(200), default="")

    project: Mapped[FundingProject] = relationship(back_populates="disbursements")


class ProjectProgress(Base, Timestamped, Versioned):
    """The month's progress of an approved project, in percent, until it is completed."""

    __tablename__ = "funding_progress"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        UniqueConstraint("project_id", "year", "month", name="uq_funding_progress_month"),
        CheckConstraint("percent >= 0 AND percent <= 100", name="percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("funding_project.id", ondelete="CASCADE"),
                                            index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    percent: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")

    project: Mapped[FundingProject] = relationship(back_populates="progress")


class FundingYear(Base, Timestamped, Versioned):
    """The funds the town sets aside for the year's projects."""

    __tablename__ = "funding_year"
    __mapper_args__ = {"version_id_col": Versioned.version}

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    amount: Mapped[Decimal] = mapped_column(Money)
