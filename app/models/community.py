"""Villages, communities and cooperatives (村/社区/联社) and their grids (网格)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Timestamped, Versioned, enum_column
from app.models.enums import CommunityKind

if TYPE_CHECKING:
    from app.models.household import Household


class Community(Base, Timestamped, Versioned):
    __tablename__ = "community"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[CommunityKind] = mapped_column(enum_column(CommunityKind),
                                                default=CommunityKind.COMMUNITY)
    office_address: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(String(500), default="")

    grids: Mapped[list["Grid"]] = relationship(back_populates="community",
                                               order_by="Grid.name", cascade="all, delete-orphan")
    households: Mapped[list["Household"]] = relationship(back_populates="community")

    @property
    def kind_label(self) -> str:
        return self.kind.label


class Grid(Base, Timestamped):
    __tablename__ = "grid"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"),
                                              index=True)
    name: Mapped[str] = mapped_column(String(60))

    community: Mapped[Community] = relationship(back_populates="grids")
