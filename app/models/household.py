"""Households (户) and their key-group tags (重点人群), whose history is kept."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Timestamped, Versioned, enum_column
from app.models.enums import HouseholdKind

if TYPE_CHECKING:
    from app.models.community import Community, Grid


class Household(Base, Timestamped, Versioned):
    __tablename__ = "household"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        UniqueConstraint("community_id", "address", "head_name", name="place"),
        Index("ix_household_community_grid", "community_id", "grid_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grid.id", ondelete="SET NULL"),
                                                nullable=True)
    kind: Mapped[HouseholdKind] = mapped_column(enum_column(HouseholdKind),
                                                default=HouseholdKind.RESIDENT)
    address: Mapped[str] = mapped_column(String(120))
    head_name: Mapped[str] = mapped_column(String(60))
    mobile: Mapped[str] = mapped_column(String(20), default="")
    landline: Mapped[str] = mapped_column(String(24), default="")
    size: Mapped[int] = mapped_column(Integer, default=1)
    head_resident_id: Mapped[str | None] = mapped_column(String(18), nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    moved_out_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    community: Mapped["Community"] = relationship(back_populates="households")
    grid: Mapped["Grid | None"] = relationship()
    tags: Mapped[list["HouseholdTag"]] = relationship(back_populates="household",
                                                      cascade="all, delete-orphan")

    @property
    def phone(self) -> str:
        return self.mobile or self.landline

    def current_tags(self, on: date | None = None) -> list["KeyGroup"]:
        return [t.key_group for t in self.tags if t.in_force(on)]


class KeyGroup(Base):
    """A key group of the key-visit register (孤寡老人, 残疾人, …); towns may add their own."""

    __tablename__ = "key_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=100)


class HouseholdTag(Base, Timestamped):
    """A household in a key group from ``added_on`` until ``removed_on``; rows are never deleted."""

    __tablename__ = "household_tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    key_group_id: Mapped[int] = mapped_column(ForeignKey("key_group.id", ondelete="RESTRICT"),
                                              index=True)
    added_on: Mapped[date] = mapped_column(Date)
    added_reason: Mapped[str] = mapped_column(String(200), default="")
    removed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    removed_reason: Mapped[str] = mapped_column(String(200), default="")

    household: Mapped[Household] = relationship(back_populates="tags")
    key_group: Mapped[KeyGroup] = relationship()

    def in_force(self, on: date | None = None) -> bool:
        day = on or date.today()
        return self.added_on <= day and (self.removed_on is None or self.removed_on > day)


BUILTIN_KEY_GROUPS = ("孤寡老人", "困难党员", "失业人员", "优抚对象", "残疾人", "特困家庭",
                      "矛盾纠纷人员", "流动人员", "社区矫正人员")
