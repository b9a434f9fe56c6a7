"""Contact cards (民情联系卡): the clerk's design per team and community, what was printed,
and which households received a card (发放到户), kept as history.

A card's content itself is not stored: it is built from the roster when needed
(``app.services.cards.card_content``). Prints and deliveries keep the *hash* of the content
they carried, so a roster change shows which printed cards and delivered households are out of
date.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        String, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamped, Versioned

QR_ROLES = ("town_liaison", "leader", "community_liaison")


class CardDesign(Base, Timestamped, Versioned):
    """What the clerk chose for one team's card in one community.

    ``back_text`` empty means the default text (which follows the roster and the settings).
    """

    __tablename__ = "card_design"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        UniqueConstraint("team_id", "community_id", name="uq_card_design_team_id_community_id"),
        CheckConstraint("qr_role IN ('town_liaison', 'leader', 'community_liaison')",
                        name="qr_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"),
                                              index=True)
    back_text: Mapped[str] = mapped_column(String(300), default="")
    qr_role: Mapped[str] = mapped_column(String(24), default="town_liaison")


class CardPrint(Base):
    """One card design in one print job: the content hash it printed, when and by whom."""

    __tablename__ = "card_print"
    __table_args__ = (
        Index("ix_card_print_team_community", "team_id", "community_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"),
                                              index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    printed_at: Mapped[datetime] = mapped_column(DateTime)
    printed_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)
    households: Mapped[bool] = mapped_column(Boolean, default=False)  # personalised batch
    pages: Mapped[int] = mapped_column(Integer, default=0)            # pages of the whole job
    file_name: Mapped[str] = mapped_column(String(200), default="")


class CardDelivery(Base, Timestamped):
    """A card handed to a household (发放到户). A household's later delivery (after a reprint)
    is a new row: the history stays; the latest one tells which card the household holds."""

    __tablename__ = "card_delivery"
    __table_args__ = (
        Index("ix_card_delivery_community_household", "community_id", "household_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"),
                                              index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"),
                                                nullable=True)
    delivered_on: Mapped[date] = mapped_column(Date)
    delivered_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(200), default="")
