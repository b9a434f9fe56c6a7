"""Station teams (驻点团队), the communities they serve and who belongs to them, over time."""

from __future__ import annotations

from datetime import date, time
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Timestamped, Versioned, enum_column
from app.models.enums import MemberRole

if TYPE_CHECKING:
    from app.models.community import Community
    from app.models.person import Person


class Team(Base, Timestamped, Versioned):
    __tablename__ = "team"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        CheckConstraint("station_weekday BETWEEN 1 AND 7", name="weekday"),
        CheckConstraint("station_end > station_start", name="hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    station_weekday: Mapped[int] = mapped_column(Integer)
    station_start: Mapped[time] = mapped_column(Time)
    station_end: Mapped[time] = mapped_column(Time)
    station_place: Mapped[str] = mapped_column(String(120), default="")
    hotline: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    dissolved_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    community_links: Mapped[list["TeamCommunity"]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamCommunity.position")
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="Membership.id")

    @property
    def communities(self) -> list["Community"]:
        return [link.community for link in self.community_links]

    def current(self, role: MemberRole | None = None, on: date | None = None) -> list["Membership"]:
        """Memberships in force on ``on`` (today by default), optionally of one role."""
        return [m for m in self.memberships if m.in_force(on) and (role is None or m.role == role)]

    @property
    def leader(self) -> "Person | None":
        leaders = self.current(MemberRole.LEADER)
        return leaders[0].person if leaders else None


class TeamCommunity(Base):
    __tablename__ = "team_community"
    __table_args__ = (UniqueConstraint("team_id", "community_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"),
                                              index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    team: Mapped[Team] = relationship(back_populates="community_links")
    community: Mapped["Community"] = relationship()


class Membership(Base, Timestamped, Versioned):
    """A person's place in a team from ``start_date`` until ``end_date`` (open while serving).

    A successor's membership points at the one it replaces, so the team's history stays whole.
    """

    __tablename__ = "membership"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"), index=True)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole))
    title: Mapped[str] = mapped_column(String(40), default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_reason: Mapped[str] = mapped_column(String(200), default="")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("membership.id", ondelete="SET NULL"),
                                                    nullable=True)

    team: Mapped[Team] = relationship(back_populates="memberships")
    person: Mapped["Person"] = relationship(back_populates="memberships")
    replaces: Mapped["Membership | None"] = relationship(remote_side="Membership.id")

    def in_force(self, on: date | None = None) -> bool:
        day = on or date.today()
        return self.start_date <= day and (self.end_date is None or self.end_date > day)
