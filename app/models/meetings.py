"""Meetings (会议) with their sign-in (签到), minutes (会议记录), action items and amendments.

A meeting is a draft until the recorder finalises (定稿) it; from then on its data, agenda,
minutes, attendance and action items are locked. A correction is an ``MeetingAmendment`` (who,
when, why, the text before and after) made through the meetings service, which sets
``session.info[AMENDING]`` for the flush; any other change to a finalised meeting is refused
by ``_refuse_silent_rewrites`` below, whoever tries it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import (Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, Index,
                        Integer, LargeBinary, String, Table, Text, Time, UniqueConstraint, event)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.errors import DomainError
from app.models.base import Base, Timestamped, Versioned, enum_column, was_set_in_database
from app.models.enums import Attendance, MeetingKind

if TYPE_CHECKING:
    from app.models.community import Community
    from app.models.ledgers import Problem
    from app.models.person import Person
    from app.models.team import Team

AMENDING = "meeting_amendment"

meeting_team = Table(
    "meeting_team", Base.metadata,
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("team.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Meeting(Base, Timestamped, Versioned):
    __tablename__ = "meeting"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        CheckConstraint("end_time > start_time", name="hours"),
        Index("ix_meeting_kind_held_on", "kind", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind))
    title: Mapped[str] = mapped_column(String(120))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(120), default="")
    # A community for meetings with its residents (座谈会, 听证会); else none.
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("community.id", ondelete="RESTRICT"), nullable=True, index=True)
    host_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"),
                                                nullable=True)
    recorder_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), nullable=True)
    # Minutes: what the meeting decided as a whole (each agenda item has its own too).
    decisions: Mapped[str] = mapped_column(Text, default="")
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finalised_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)
    finalised_by_name: Mapped[str] = mapped_column(String(60), default="")
    # 定稿 with attendees marked 出席/迟到 who did not sign: why (kept, shown in the PDF).
    unsigned_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)

    teams: Mapped[list["Team"]] = relationship(secondary=meeting_team, order_by="Team.name")
    community: Mapped["Community | None"] = relationship()
    host: Mapped["Person | None"] = relationship(foreign_keys=[host_id])
    recorder: Mapped["Person | None"] = relationship(foreign_keys=[recorder_id])
    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan")
    attendees: Mapped[list["Attendee"]] = relationship(
        back_populates="meeting", order_by="Attendee.position", cascade="all, delete-orphan")
    actions: Mapped[list["ActionItem"]] = relationship(
        back_populates="meeting", order_by="ActionItem.id", cascade="all, delete-orphan")
    scans: Mapped[list["SignInScan"]] = relationship(
        back_populates="meeting", order_by="SignInScan.id", cascade="all, delete-orphan")
    amendments: Mapped[list["MeetingAmendment"]] = relationship(
        back_populates="meeting", order_by="MeetingAmendment.id")

    @property
    def final(self) -> bool:
        return self.finalised_at is not None


class AgendaItem(Base, Timestamped, Versioned):
    """One item of the agenda (议题) with its discussion and decision."""

    __tablename__ = "meeting_agenda_item"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    discussion: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")


class Attendee(Base, Timestamped, Versioned):
    """A person expected at the meeting, or a walk-in (residents, department heads, deputies).

    ``person_id`` is set for people on the roster; walk-ins may be only a name and a unit.
    ``status`` stays empty until the sign-in is taken.
    """

    __tablename__ = "meeting_attendee"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id", name="uq_meeting_attendee_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"),
                                                  nullable=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(80), default="")
    post: Mapped[str] = mapped_column(String(80), default="")
    expected: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[Attendance | None] = mapped_column(enum_column(Attendance), nullable=True)
    arrived_at: Mapped[time | None] = mapped_column(Time, nullable=True)   # for 迟到
    leave_reason: Mapped[str] = mapped_column(String(200), default="")      # for 请假
    # The signature drawn on screen, as a checked PNG (transparent background).
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    meeting: Mapped[Meeting] = relationship(back_populates="attendees")
    person: Mapped["Person | None"] = relationship()


class ActionItem(Base, Timestamped, Versioned):
    """A task the meeting gave someone. It always lands in the problem ledger: a new problem
    raised from the meeting, or an existing one whose owner and deadline it updates."""

    __tablename__ = "meeting_action_item"
    __mapper_args__ = {"version_id_col": Versioned.version}

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_agenda_item.id", ondelete="SET NULL"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"),
                                                 nullable=True)
    deadline: Mapped[date] = mapped_column(Date)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problem.id", ondelete="RESTRICT"),
                                            index=True)
    created_problem: Mapped[bool] = mapped_column(Boolean, default=True)

    meeting: Mapped[Meeting] = relationship(back_populates="actions")
    owner: Mapped["Person | None"] = relationship()
    problem: Mapped["Problem"] = relationship()


class SignInScan(Base, Timestamped):
    """The signed paper sheet, scanned or photographed: the original file as received and a
    re-encoded copy (metadata stripped, bounded size) that the minutes PDF embeds."""

    __tablename__ = "meeting_sign_in_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    mime: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    original: Mapped[bytes] = mapped_column(LargeBinary)
    image: Mapped[bytes] = mapped_column(LargeBinary)
    added_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)

    meeting: Mapped[Meeting] = relationship(back_populates="scans")


class MeetingAmendment(Base):
    """A correction to finalised minutes: what changed, before and after, who, when and why."""

    __tablename__ = "meeting_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"),
                                                nullable=True)
    user_name: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    what: Mapped[str] = mapped_column(String(200))     # e.g. "议题 2 讨论", "王明 签到"
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="amendments")


LOCKED_PARTS = (Meeting, AgendaItem, Attendee, ActionItem, SignInScan)


def _meeting_of(obj: Any) -> Meeting | None:
    return obj if isinstance(obj, Meeting) else obj.meeting


@event.listens_for(Session, "before_flush")
def _refuse_silent_rewrites(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(AMENDING):
        return
    for obj in list(session.dirty) + list(session.deleted) + list(session.new):
        if not isinstance(obj, LOCKED_PARTS):
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=True):
            continue
        meeting = _meeting_of(obj)
        if meeting is not None and was_set_in_database(session, meeting, "finalised_at"):
            raise DomainError(f"会议记录“{meeting.title}”已定稿，不能直接修改；"
                              "请以“更正”方式说明原因后修改，原记录保留可查。")
