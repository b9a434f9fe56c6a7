"""Field patrols (下乡情况巡查) and meeting supervision (会议情况督查).

A patrol lists the villages visited; the cadres expected there come from the schedule: the
station-team members (leader, members, town liaison) in force that day of the teams serving
those villages. Each is found 在岗, 缺岗, 请假或公务 or 走过场; 缺岗 and 走过场 become a finding in
the cadre's personal file when the patrol is reported.

Meeting supervision is tied to a meeting record: the app fills in what the record shows
(minutes finalised and written under every agenda item; every expected attendee signed in and
everyone present with a signature or a scanned sheet); the supervisor judges whether it was held
as scheduled and whether the signatures match the people present.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app import audit
from app.auth import Permission, actor_of, require
from app.errors import DomainError, NotFoundError, ValidationError
from app.models import (Attendance, Community, FieldPatrol, Finding, FindingSource, Meeting,
                        MeetingSupervision, MemberRole, Membership, PatrolSighting, Person,
                        Severity, Team, TeamCommunity, Whereabouts)
from app.normalize import clean_text
from app.services.common import check_version, get_or_fail, optional
from app.services.settings import get_settings

STATION_ROLES = (MemberRole.LEADER, MemberRole.CORE, MemberRole.TOWN_LIAISON)
RECTIFY_DAYS = 15


@dataclass
class PatrolInput:
    patrol_on: date
    community_ids: list[int]
    checkers: str
    start_time: time | None = None     # None: the town's patrol hours
    end_time: time | None = None
    note: str = ""


def default_patrol_day(today: date | None = None, weekday: int = 4) -> date:
    """The latest patrol weekday (Thursday by default) on or before ``today``."""
    today = today or date.today()
    return today - timedelta(days=(today.isoweekday() - weekday) % 7)


def expected_cadres(session: Session, community_ids: list[int], on: date
                    ) -> list[tuple[Person, int, int]]:
    """(person, team id, community id) for the station-team members serving these villages."""
    rows = session.execute(
        select(Person, Membership.team_id, TeamCommunity.community_id, Membership.role)
        .join(Membership, Membership.person_id == Person.id)
        .join(Team, Team.id == Membership.team_id)
        .join(TeamCommunity, TeamCommunity.team_id == Team.id)
        .where(TeamCommunity.community_id.in_(community_ids),
               Membership.role.in_(STATION_ROLES), Membership.start_date <= on,
               or_(Membership.end_date.is_(None), Membership.end_date > on),
               or_(Team.dissolved_on.is_(None), Team.dissolved_on > on))
        .order_by(TeamCommunity.community_id, Membership.team_id, Person.id)).all()
    order = list(MemberRole)
    seen: dict[int, tuple[Person, int, int]] = {}
    for person, team_id, community_id, _role in sorted(
            rows, key=lambda r: (r[2], r[1], order.index(r[3]), r[0].id)):
        seen.setdefault(person.id, (person, team_id, community_id))
    return list(seen.values())


def create_patrol(session: Session, data: PatrolInput) -> FieldPatrol:
    require(session, Permission.RUN_SPOT_CHECKS)
    settings = get_settings(session)
    if not data.community_ids:
        raise ValidationError("请选择巡查的村（社区）", "community_ids")
    if data.patrol_on > date.today():
        raise ValidationError("巡查日期不能晚于今天", "patrol_on")
    start = data.start_time or settings.patrol_start
    end = data.end_time or settings.patrol_end
    if end <= start:
        raise ValidationError("结束时间应晚于开始时间", "end_time")
    communities = [get_or_fail(session, Community, cid, "村（社区）")
                   for cid in dict.fromkeys(data.community_ids)]
    patrol = FieldPatrol(patrol_on=data.patrol_on, start_time=start, end_time=end,
                         checkers=optional(clean_text(data.checkers), "checkers", "巡查人员", 200),
                         note=optional(clean_text(data.note), "note", "巡查情况", 5000),
                         communities=communities)
    for person, team_id, community_id in expected_cadres(session, data.community_ids,
                                                         data.patrol_on):
        patrol.sightings.append(PatrolSighting(person_id=person.id, team_id=team_id,
                                               community_id=community_id))
    session.add(patrol)
    session.flush()
    return patrol


def get_patrol(session: Session, patrol_id: int) -> FieldPatrol:
    require(session, Permission.RUN_SPOT_CHECKS)
    patrol = session.scalars(select(FieldPatrol).where(FieldPatrol.id == patrol_id).options(
        selectinload(FieldPatrol.sightings), selectinload(FieldPatrol.communities),
        selectinload(FieldPatrol.findings))).one_or_none()
    if patrol is None:
        raise NotFoundError(f"找不到这次巡查（编号 {patrol_id}）。")
    return patrol


@dataclass
class SightingInput:
    id: int
    whereabouts: Whereabouts | None
    note: str = ""


def record_sightings(session: Session, patrol_id: int, rows: list[SightingInput],
                     expected_version: int | None = None) -> FieldPatrol:
    patrol = get_patrol(session, patrol_id)
    check_version(patrol, expected_version, "巡查")
    _unreported(patrol.reported, patrol.reported_at, "巡查")
    by_id = {s.id: s for s in patrol.sightings}
    for row in rows:
        sighting = by_id.get(row.id)
        if sighting is None:
            raise NotFoundError("有干部已不在这次巡查名单中，请重新打开。")
        note = optional(clean_text(row.note), "note", f"{sighting.person.name}的情况说明", 300)
        if row.whereabouts in (Whereabouts.ABSENT, Whereabouts.PERFUNCTORY,
                               Whereabouts.EXCUSED) and not note:
            raise ValidationError(f"{sighting.person.name}{row.whereabouts.label}，请写明情况",
                                  "note")
        sighting.whereabouts, sighting.note = row.whereabouts, note
    session.flush()
    return patrol


def report_patrol(session: Session, patrol_id: int, expected_version: int | None = None
                  ) -> FieldPatrol:
    """Lock the patrol; absence and going through the motions become personal findings."""
    patrol = get_patrol(session, patrol_id)
    check_version(patrol, expected_version, "巡查")
    _unreported(patrol.reported, patrol.reported_at, "巡查")
    missing = [s.person.name for s in patrol.sightings if s.whereabouts is None]
    if missing:
        raise DomainError("还有干部没有登记巡查情况：" + "、".join(missing[:10]))
    now = datetime.now().replace(microsecond=0)
    for sighting in patrol.sightings:
        if sighting.whereabouts is not None and sighting.whereabouts.finding:
            severity = Severity.MAJOR if sighting.whereabouts == Whereabouts.ABSENT else Severity.MINOR
            place = sighting.community.name if sighting.community else ""
            patrol.findings.append(Finding(
                source=FindingSource.PATROL, team_id=sighting.team_id,
                person_id=sighting.person_id, found_on=patrol.patrol_on, severity=severity,
                description=(f"{patrol.patrol_on:%Y-%m-%d} 下乡巡查，{sighting.person.name}在"
                             f"{place}{sighting.whereabouts.label}：{sighting.note}"),
                requirement="说明情况，按驻点时间到岗，入户走访并如实记录",
                deadline=patrol.patrol_on + timedelta(days=RECTIFY_DAYS), reported_at=now))
    patrol.reported_at = now
    patrol.reported_by_name = actor_of(session).display_name[:60]
    session.flush()
    audit.record(session, "report", "field_patrol", patrol.id,
                 f"上报下乡巡查：{patrol.patrol_on:%Y-%m-%d}，"
                 f"{'、'.join(c.name for c in patrol.communities)}")
    return patrol


def _unreported(reported: bool, at: datetime | None, what: str) -> None:
    if reported and at is not None:
        raise DomainError(f"这次{what}已于 {at:%Y-%m-%d %H:%M} 上报，不能再修改；"
                          "如需更正，请用“更正”并写明原因。")


# --- meeting supervision -----------------------------------------------------------------

@dataclass(frozen=True)
class MeetingRecordFacts:
    """What the meeting record itself shows, for the supervisor."""

    final: bool
    agenda_items: int
    agenda_without_minutes: int
    expected: int
    not_signed_in: int
    present_without_signature: int
    scans: int

    @property
    def minutes_complete(self) -> bool:
        return self.final and self.agenda_items > 0 and self.agenda_without_minutes == 0

    @property
    def sign_in_complete(self) -> bool:
        return self.not_signed_in == 0 and (self.present_without_signature == 0 or self.scans > 0)


def record_facts(meeting: Meeting) -> MeetingRecordFacts:
    present = [a for a in meeting.attendees
               if a.status in (Attendance.PRESENT, Attendance.LATE)]
    return MeetingRecordFacts(
        final=meeting.final, agenda_items=len(meeting.agenda),
        agenda_without_minutes=sum(1 for a in meeting.agenda if not a.discussion.strip()),
        expected=sum(1 for a in meeting.attendees if a.expected),
        not_signed_in=sum(1 for a in meeting.attendees if a.expected and a.status is None),
        present_without_signature=sum(1 for a in present if not a.signature_png),
        scans=len(meeting.scans))


@dataclass
class SupervisionInput:
    meeting_id: int
    supervised_on: date
    supervisor: str
    held_as_scheduled: bool | None = None
    minutes_complete: bool | None = None     # None: as the record shows
    sign_in_complete: bool | None = None     # None: as the record shows
    signatures_match: bool | None = None
    note: str = ""


def supervise(session: Session, data: SupervisionInput) -> MeetingSupervision:
    require(session, Permission.RUN_SPOT_CHECKS)
    meeting = session.scalars(select(Meeting).where(Meeting.id == data.meeting_id).options(
        selectinload(Meeting.attendees), selectinload(Meeting.agenda),
        selectinload(Meeting.scans))).one_or_none()
    if meeting is None:
        raise NotFoundError(f"找不到这次会议（编号 {data.meeting_id}）。")
    if data.supervised_on < meeting.held_on:
        raise ValidationError("督查日期不能早于会议日期", "supervised_on")
    facts = record_facts(meeting)
    supervision = MeetingSupervision(
        meeting_id=meeting.id, supervised_on=data.supervised_on,
        supervisor=optional(clean_text(data.supervisor), "supervisor", "督查人", 120),
        held_as_scheduled=data.held_as_scheduled,
        minutes_complete=(facts.minutes_complete if data.minutes_complete is None
                          else data.minutes_complete),
        sign_in_complete=(facts.sign_in_complete if data.sign_in_complete is None
                          else data.sign_in_complete),
        signatures_match=data.signatures_match,
        note=optional(clean_text(data.note), "note", "督查意见", 5000))
    session.add(supervision)
    session.flush()
    return supervision


def report_supervision(session: Session, supervision_id: int) -> MeetingSupervision:
    require(session, Permission.RUN_SPOT_CHECKS)
    supervision = get_or_fail(session, MeetingSupervision, supervision_id, "会议督查")
    _unreported(supervision.reported, supervision.reported_at, "会议督查")
    unanswered = [label for label, value in (
        ("是否按时召开", supervision.held_as_scheduled), ("会议记录是否完整", supervision.minutes_complete),
        ("签到是否完整", supervision.sign_in_complete),
        ("签名与到会人员是否一致", supervision.signatures_match)) if value is None]
    if unanswered:
        raise DomainError("请先回答：" + "、".join(unanswered))
    failed = [v for v in (supervision.held_as_scheduled, supervision.minutes_complete,
                          supervision.sign_in_complete, supervision.signatures_match) if not v]
    if failed and not supervision.findings:
        raise DomainError("督查发现不符合要求的情况，请登记发现的问题和整改要求后再上报。")
    now = datetime.now().replace(microsecond=0)
    supervision.reported_at = now
    supervision.reported_by_name = actor_of(session).display_name[:60]
    for finding in supervision.findings:
        finding.reported_at = finding.reported_at or now
    session.flush()
    audit.record(session, "report", "meeting_supervision", supervision.id,
                 f"上报会议督查：{supervision.meeting.title}")
    return supervision


# --- lists and one supervision -----------------------------------------------------------

def list_patrols(session: Session) -> list[FieldPatrol]:
    """Every field patrol, newest first, with its villages, sightings and findings."""
    require(session, Permission.RUN_SPOT_CHECKS)
    return list(session.scalars(
        select(FieldPatrol).order_by(FieldPatrol.patrol_on.desc(), FieldPatrol.id.desc())
        .options(selectinload(FieldPatrol.communities), selectinload(FieldPatrol.sightings),
                 selectinload(FieldPatrol.findings))))


def list_supervisions(session: Session) -> list[MeetingSupervision]:
    """Every meeting supervision, newest first, with its meeting (and teams) and findings."""
    require(session, Permission.RUN_SPOT_CHECKS)
    return list(session.scalars(
        select(MeetingSupervision)
        .order_by(MeetingSupervision.supervised_on.desc(), MeetingSupervision.id.desc())
        .options(selectinload(MeetingSupervision.meeting).selectinload(Meeting.teams),
                 selectinload(MeetingSupervision.findings))))


def get_supervision(session: Session, supervision_id: int) -> MeetingSupervision:
    require(session, Permission.RUN_SPOT_CHECKS)
    supervision = session.scalars(
        select(MeetingSupervision).where(MeetingSupervision.id == supervision_id).options(
            selectinload(MeetingSupervision.meeting).selectinload(Meeting.teams),
            selectinload(MeetingSupervision.meeting).selectinload(Meeting.attendees),
            selectinload(MeetingSupervision.meeting).selectinload(Meeting.agenda),
            selectinload(MeetingSupervision.meeting).selectinload(Meeting.scans),
            selectinload(MeetingSupervision.findings))).one_or_none()
    if supervision is None:
        raise NotFoundError(f"找不到这次会议督查（编号 {supervision_id}）。")
    return supervision


def update_supervision(session: Session, supervision_id: int, supervisor: str,
                       held_as_scheduled: bool | None, minutes_complete: bool | None,
                       sign_in_complete: bool | None, signatures_match: bool | None, note: str,
                       expected_version: int | None = None) -> MeetingSupervision:
    """The supervisor's answers and note, while the supervision is not yet reported."""
    supervision = get_supervision(session, supervision_id)
    check_version(supervision, expected_version, "会议督查")
    if supervision.reported_at is not None:
        raise DomainError(f"这次会议督查已于 {supervision.reported_at:%Y-%m-%d %H:%M} 上报，"
                          "不能再修改；如需更正，请用“更正”并写明原因。")
    supervision.supervisor = optional(clean_text(supervisor), "supervisor", "督查人", 120)
    supervision.held_as_scheduled = held_as_scheduled
    supervision.minutes_complete = minutes_complete
    supervision.sign_in_complete = sign_in_complete
    supervision.signatures_match = signatures_match
    supervision.note = optional(clean_text(note), "note", "督查意见", 5000)
    session.flush()
    return supervision
