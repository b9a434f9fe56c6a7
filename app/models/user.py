"""User accounts: who signs in, with which roles, for which teams.

Accounts are never deleted (audit entries and records point at them); they are disabled.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Timestamped, Versioned, enum_column
from app.models.enums import Role

if TYPE_CHECKING:
    from app.models.person import Person
    from app.models.team import Team


class User(Base, Timestamped, Versioned):
    """``password_hash`` is an argon2id PHC string; the password itself is never stored."""

    __tablename__ = "app_user"  # "user" is a reserved word on PostgreSQL
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"),
                                                  nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    roles: Mapped[list["UserRole"]] = relationship(cascade="all, delete-orphan",
                                                   order_by="UserRole.role")
    teams: Mapped[list["UserTeam"]] = relationship(cascade="all, delete-orphan")
    person: Mapped["Person | None"] = relationship()

    @property
    def role_set(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.roles)

    @property
    def team_ids(self) -> frozenset[int]:
        return frozenset(t.team_id for t in self.teams)


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role", name="uq_user_role_user_id_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))


class UserTeam(Base):
    """A team whose records a liaison keeps, or a leader reads."""

    __tablename__ = "user_team"
    __table_args__ = (UniqueConstraint("user_id", "team_id", name="uq_user_team_user_id_team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)

    team: Mapped["Team"] = relationship()


class SignInThrottle(Base):
    """Failed sign-ins per computer (any user name, known or not), for the per-computer wait.

    Updated by single SQL statements only (never a versioned row): two PCs signing in at once
    never conflict, and every failure is counted.
    """

    __tablename__ = "sign_in_throttle"

    host: Mapped[str] = mapped_column(String(80), primary_key=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
