"""Upward submission (上报): the notice-board photos, the written report, what the
organization office received from each team for each month (and when), and the packages it
imported.

Files are kept in ``stored_file`` under their SHA-256 (content-addressed, so the same photo is
kept once). They live in the database rather than beside it, so they are in every backup, in
the same transaction as the record that uses them, and visible from every PC of a
PostgreSQL installation.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (DateTime, ForeignKey, Integer, LargeBinary, String, Text,
                        UniqueConstraint, func)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Timestamped, Versioned, enum_column
from app.models.enums import PhotoKind, SubmissionKind

if TYPE_CHECKING:
    from app.models.community import Community
    from app.models.team import Team


class StoredFile(Base):
    __tablename__ = "stored_file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())


class NoticePhoto(Base, Timestamped):
    """A photo of a community's notice board (公开栏) for a month: the original as received and
    the re-encoded copy the forms and the bulletin use."""

    __tablename__ = "notice_photo"
    __table_args__ = (
        UniqueConstraint("community_id", "year", "month", "original_sha",
                         name="uq_notice_photo_month_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id", ondelete="RESTRICT"),
                                              index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    kind: Mapped[PhotoKind] = mapped_column(enum_column(PhotoKind))
    file_name: Mapped[str] = mapped_column(String(200))
    original_sha: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256",
                                                         ondelete="RESTRICT"))
    image_sha: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256", ondelete="RESTRICT"))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"),
                                                 nullable=True)

    community: Mapped["Community"] = relationship()
    # Declared so the unit of work writes the files before the photo that points at them.
    original: Mapped[StoredFile] = relationship(foreign_keys=[original_sha], viewonly=False)
    image: Mapped[StoredFile] = relationship(foreign_keys=[image_sha], viewonly=False)


class WrittenReport(Base, Timestamped, Versioned):
    """The team's short written report of the month (直联工作书面简要汇报材料)."""

    __tablename__ = "written_report"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (UniqueConstraint("team_id", "year", "month", name="uq_written_report_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(60), default="")

    team: Mapped["Team"] = relationship()


class SubmissionPackage(Base):
    """A team's monthly package as the office imported it (the zip's own SHA-256 makes a second
    import of the same file a no-op)."""

    __tablename__ = "submission_package"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(200))
    built_at: Mapped[datetime] = mapped_column(DateTime)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    app_version: Mapped[str] = mapped_column(String(40), default="")
    manifest: Mapped[str] = mapped_column(Text)
    received_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)

    team: Mapped["Team"] = relationship()


class Submission(Base, Timestamped):
    """One item a team owed for a month, received by the office (the first receipt counts)."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("team_id", "year", "month", "kind",
                                       name="uq_submission_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="RESTRICT"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    kind: Mapped[SubmissionKind] = mapped_column(enum_column(SubmissionKind))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    package_id: Mapped[int | None] = mapped_column(
        ForeignKey("submission_package.id", ondelete="SET NULL"), nullable=True)
    note: Mapped[str] = mapped_column(String(200), default="")

    team: Mapped["Team"] = relationship()

    @property
    def received_on(self) -> date:
        return self.received_at.date()
