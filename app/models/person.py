"""People: town leaders and cadres, committee members, grid workers, advisers, volunteers."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Timestamped, Versioned, enum_column
from app.models.enums import Gender, PersonCategory

if TYPE_CHECKING:
    from app.models.team import Membership


class Person(Base, Timestamped, Versioned):
    """Phones and the resident ID are stored normalised (see ``app.normalize``)."""

    __tablename__ = "person"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), index=True)
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender), nullable=True)
    unit: Mapped[str] = mapped_column(String(80), default="")
    position: Mapped[str] = mapped_column(String(80), default="")
    category: Mapped[PersonCategory] = mapped_column(enum_column(PersonCategory),
                                                     default=PersonCategory.OTHER)
    mobile: Mapped[str] = mapped_column(String(20), default="", index=True)
    landline: Mapped[str] = mapped_column(String(24), default="")
    resident_id: Mapped[str | None] = mapped_column(String(18), unique=True, nullable=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    retired_on: Mapped[date | None] = mapped_column(Date, nullable=True)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="person")

    @property
    def active(self) -> bool:
        return self.retired_on is None

    @property
    def phone(self) -> str:
        """The number to print: the mobile if there is one, else the landline."""
        return self.mobile or self.landline
