"""Home visits (入户走访): who of the team visited which household on which day.

The key-visit register (重点走访登记册) is not stored: it is the households carrying a key-group
tag (``HouseholdTag``) and these visits, put together when asked (app/services/visits.py).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Column, Date, ForeignKey, Index, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Timestamped, Versioned

if TYPE_CHECKING:
    from app.models.community import Community
    from app.models.household import Household
    from app.models.ledgers import Problem
    from app.models.person import Person
    from app.models.team import Team

visit_visitor = Table(
    "visit_visitor", Base.metadata,
    Column("visit_id", ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="RESTRICT"), primary_key=True,
           index=True),
)

visit_problem = Table(
    "visit_problem", Base.metadata,
    Column("visit_id", ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True),
    Column("problem_id", ForeignKey("problem.id", ondelete="RESTRICT"), primary_key=True,
           index=True),
)


class Visit(Base, Timestamped, Versioned):
    """One visit of a team to a household. ``community_id`` is the household's at the time."""

    __tablename__ = "visit"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        Index("ix_visit_household_visited_on", "household_id", "visited_on"),
        Index("ix_visit_team_visited_on", "team_id", "visited_on"),
        Index("ix_visit_community_visited_on", "community_id", "visited_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="RESTRICT"))
    visited_on: Mapped[date] = mapped_column(Date, index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)

    team: Mapped["Team"] = relationship()
    community: Mapped["Community"] = relationship()
    household: Mapped["Household"] = relationship()
    visitors: Mapped[list["Person"]] = relationship(secondary=visit_visitor,
                                                    order_by="Person.id")
    problems: Mapped[list["Problem"]] = relationship(secondary=visit_problem,
                                                     order_by="Problem.id")
