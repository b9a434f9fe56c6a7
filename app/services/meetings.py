"""Meetings (会议): the meeting's data, who is expected, the sign-in (签到), the minutes
(会议记录) with action items that land in the problem ledger, finalising (定稿) and amendments.

Rules this module settles:

- Team meetings (周会, 座谈会, 听证会) are kept by those who keep the records of every team the
  meeting is for (``KEEP_RECORDS``, scoped); town meetings (月度直联工作汇报会, 党委会专题会议,
  联席会议) by the town's offices (``KEEP_TOWN_MEETINGS``). Reading needs ``VIEW_RECORDS``;
  liaisons and leaders see the meetings of their teams.
- Expected attendees come from the roster: the members of the meeting's teams in force on the
  meeting day (or the people chosen for a town meeting). Walk-ins are added with their unit.
- Each attendee is 出席, 迟到 (with the time), 请假 (with a reason) or 缺席; the figures are
  counted from these, never typed. A signature is a checked PNG (app/images.py).
- An action item always lands in the problem ledger: a new problem raised from the meeting, or
  an existing one whose responsible person and deadline it sets (with a step noting the meeting).
- ``finalise`` locks the record. Afterwards every change goes through ``amend_*`` with a reason,
  kept as a ``MeetingAmendment`` (before and after), the original stays readable; the model
  refuses any other write (app/models/meetings.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app import audit
from app.auth import Permission, actor_of, require, require_team
from app.errors import DomainError, NotFoundError, PermissionDenied, ValidationError
from app.images import check_image, check_signature
from app.models import (ActionItem, AgendaItem, Attendance, Attendee, HandlingLevel,
                        Meeting, MeetingAmendment, MeetingKind, MemberRole, Membership, Person,
                        Problem, ProblemSource, ProblemStatus, ProblemStep, SignInScan,
                        StationSession, Team, meeting_team)
from app.models.meetings import AMENDING
from app.normalize import clean_text
from app.services.common import check_version, get_or_fail, optional, required
from app.services.problems import ProblemInput, raise_problem

MAX_WALK_INS = 200
MAX_AGENDA_ITEMS = 30
CARRY_OVER_TITLE = "上周事项跟进"


# --- inputs ------------------------------------------------------------------------------

@dataclass
class MeetingInput:
    kind: MeetingKind
    held_on: date
    start_time: time
    end_time: time
    team_ids: list[int] = field(default_factory=list)
    title: str = ""                     # blank: "<团队> 周会（2026年11月17日）"
    place: str = ""                     # blank: the (first) team's station place
    community_id: int | None = None     # 座谈会 / 听证会 with one community's residents
    host_id: int | None = None
    recorder_id: int | None = None
    agenda: list[str] = field(default_factory=list)
    # Town meetings: the people invited. Team meetings: None fills in the teams' roster.
    expected_person_ids: list[int] | None = None
    # Weekly meetings: open the minutes with last week's open items (see ``carry_over``).
    carry_over: bool = True


@dataclass
class WalkIn:
    name: str
    unit: str = ""
    post: str = ""
    person_id: int | None = None


@dataclass
class SignIn:
    status: Attendance
    arrived_at: time | None = None      # 迟到: required
    leave_reason: str = ""              # 请假: required
    signature_png: bytes | None = None  # drawn on screen; None keeps a stored one


@dataclass
class AgendaInput:
    title: str
    discussion: str = ""
    decision: str = ""
    id: int | None = None               # None: a new item


@dataclass
class ActionInput:
    text: str
    deadline: date
    owner_id: int | None = None
    agenda_item_id: int | None = None
    problem_id: int | None = None       # an existing problem to update; None raises a new one
    # For a new problem: where it belongs and what kind it is.
    community_id: int | None = None     # None: the meeting's community, else its team's first
    category: str = "其他"
    level: HandlingLevel = HandlingLevel.COMMUNITY


# --- permissions -------------------------------------------------------------------------

def _require_keep(session: Session, kind: MeetingKind, team_ids: Sequence[int]) -> None:
    if kind.town_level:
        require(session, Permission.KEEP_TOWN_MEETINGS)
        return
    if not team_ids:
        raise ValidationError(f"{kind.label}要选择所属的驻点团队", "team_ids")
    for team_id in team_ids:
        require_team(session, Permission.KEEP_RECORDS, team_id)


def _meeting_for_keeping(session: Session, meeting_id: int) -> Meeting:
    meeting = _load(session, meeting_id)
    _require_keep(session, meeting.kind, [t.id for t in meeting.teams])
    return meeting


def _visible(session: Session, meeting: Meeting) -> bool:
    actor = require(session, Permission.VIEW_RECORDS)
    allowed = actor.teams_for(Permission.VIEW_RECORDS)
    return allowed is None or any(t.id in allowed for t in meeting.teams)


def _load(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFoundError(f"找不到这次会议（编号 {meeting_id}），可能已被删除。")
    return meeting


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    """The meeting with everything the minutes show, for a reader allowed to see it."""
    meeting = session.scalars(
        select(Meeting).where(Meeting.id == meeting_id).options(
            selectinload(Meeting.teams), selectinload(Meeting.agenda),
            selectinload(Meeting.attendees), selectinload(Meeting.actions),
            selectinload(Meeting.scans), selectinload(Meeting.amendments))).one_or_none()
    if meeting is None:
        raise NotFoundError(f"找不到这次会议（编号 {meeting_id}），可能已被删除。")
    if not _visible(session, meeting):
        raise PermissionDenied(f"“{meeting.title}”不是您负责的团队的会议，不能查看。")
    return meeting


def _draft(meeting: Meeting, doing: str) -> None:
    if meeting.final:
        raise DomainError(f"会议记录“{meeting.title}”已于 {meeting.finalised_at:%Y-%m-%d %H:%M} "
                          f"定稿，不能再{doing}；如需更正，请用“更正”并写明原因。")


# --- creating and editing the meeting ----------------------------------------------------

def default_title(kind: MeetingKind, teams: Sequence[Team], held_on: date) -> str:
    who = "、".join(t.name for t in teams[:3]) + ("等" if len(teams) > 3 else "")
    if kind.town_level or not who:
        return f"{kind.label}（{held_on:%Y年%m月%d日}）"
    return f"{who}{kind.label}（{held_on:%Y年%m月%d日}）"


def _teams(session: Session, team_ids: Sequence[int]) -> list[Team]:
    teams = [get_or_fail(session, Team, team_id, "驻点团队") for team_id in dict.fromkeys(team_ids)]
    return sorted(teams, key=lambda t: t.name)


def _apply(session: Session, meeting: Meeting, data: MeetingInput, teams: list[Team]) -> None:
    problems: dict[str, str] = {}
    if data.end_time <= data.start_time:
        problems["end_time"] = "结束时间应晚于开始时间"
    for team in teams:
        if team.dissolved_on is not None and data.held_on >= team.dissolved_on:
            problems["team_ids"] = f"{team.name}已于 {team.dissolved_on:%Y-%m-%d} 撤销"
    if data.kind in (MeetingKind.FORUM, MeetingKind.HEARING) and data.community_id is None:
        problems["community_id"] = f"{data.kind.label}要选择与会群众所在的村（社区）"
    if data.community_id is not None and teams:
        served = {link.community_id for team in teams for link in team.community_links}
        if data.community_id not in served:
            problems["community_id"] = "所选村（社区）不在这些团队的驻点范围内"
    for key, person_id in (("host_id", data.host_id), ("recorder_id", data.recorder_id)):
        if person_id is not None and session.get(Person, person_id) is None:
            problems[key] = f"找不到人员（编号 {person_id}）"
    try:
        title = optional(clean_text(data.title), "title", "会议名称", 120)
        place = optional(clean_text(data.place), "place", "会议地点", 120)
    except ValidationError as err:
        problems[err.field or "title"] = err.message
        title = place = ""
    if problems:
        raise ValidationError(next(iter(problems.values())), problems=problems)
    meeting.kind = data.kind
    meeting.held_on = data.held_on
    meeting.start_time = data.start_time
    meeting.end_time = data.end_time
    meeting.title = title or default_title(data.kind, teams, data.held_on)
    meeting.place = place or (teams[0].station_place if teams else "")
    meeting.community_id = data.community_id
    meeting.host_id = data.host_id
    meeting.recorder_id = data.recorder_id
    meeting.teams = teams


def create_meeting(session: Session, data: MeetingInput) -> Meeting:
    """A new meeting (a draft) with its expected attendees and its agenda."""
    _require_keep(session, data.kind, data.team_ids)
    actor = actor_of(session)
    teams = _teams(session, data.team_ids)
    meeting = Meeting(recorded_by=actor.user_id, decisions="")
    _apply(session, meeting, data, teams)
    titles = [clean_text(t) for t in data.agenda if clean_text(t)]
    if len(titles) > MAX_AGENDA_ITEMS:
        raise ValidationError(f"议题最多 {MAX_AGENDA_ITEMS} 项", "agenda")
    if data.kind == MeetingKind.WEEKLY and data.carry_over and len(teams) == 1:
        carried = carry_over(session, teams[0].id, data.held_on)
        if carried:
            meeting.agenda.append(AgendaItem(position=0, title=CARRY_OVER_TITLE,
                                             discussion=carried))
    for title in titles:
        meeting.agenda.append(AgendaItem(position=len(meeting.agenda),
                                         title=required(title, "agenda", "议题", 200)))
    session.add(meeting)
    _fill_expected(session, meeting, data.expected_person_ids)
    session.flush()
    return meeting


def update_meeting(session: Session, meeting_id: int, data: MeetingInput,
                   expected_version: int | None = None) -> Meeting:
    """Change a draft's data. The expected list follows the teams when they change; people
    already signed in stay."""
    meeting = _meeting_for_keeping(session, meeting_id)
    check_version(meeting, expected_version, "会议")
    _draft(meeting, "修改会议信息")
    _require_keep(session, data.kind, data.team_ids)
    before_teams = {t.id for t in meeting.teams}
    _apply(session, meeting, data, _teams(session, data.team_ids))
    if before_teams != set(data.team_ids) or data.expected_person_ids is not None:
        _fill_expected(session, meeting, data.expected_person_ids)
    session.flush()
    return meeting


# Who reports at the monthly meeting: the team heads and the town liaisons (the seeds).
MONTHLY_ROLES = (MemberRole.LEADER, MemberRole.TOWN_LIAISON)


def roster_for(session: Session, team_ids: Sequence[int], on: date,
               roles: Sequence[MemberRole] | None = None) -> list[tuple[Person, str]]:
    """The members of the teams in force on ``on``: (person, their post in the team)."""
    query = (select(Person, Membership).join(Membership, Membership.person_id == Person.id)
             .where(Membership.team_id.in_(list(team_ids)), Membership.start_date <= on,
                    or_(Membership.end_date.is_(None), Membership.end_date > on))
             .order_by(Membership.team_id, Person.id))
    if roles is not None:
        query = query.where(Membership.role.in_(list(roles)))
    order = list(MemberRole)   # the leader first, then the liaison, the members, the support
    rows = sorted(session.execute(query).all(),
                  key=lambda r: (r[1].team_id, order.index(r[1].role), r[0].id))
    seen: dict[int, tuple[Person, str]] = {}
    for person, membership in rows:
        seen.setdefault(person.id, (person, membership.title or membership.role.label))
    return list(seen.values())


def _fill_expected(session: Session, meeting: Meeting, person_ids: list[int] | None) -> None:
    if person_ids is None:
        if meeting.kind in (MeetingKind.PARTY_COMMITTEE, MeetingKind.JOINT):
            return  # town meetings whose attendees are chosen, not taken from a roster
        roles = MONTHLY_ROLES if meeting.kind == MeetingKind.MONTHLY else None
        wanted = roster_for(session, [t.id for t in meeting.teams], meeting.held_on, roles)
    else:
        wanted = [(get_or_fail(session, Person, pid, "人员"), "") for pid in dict.fromkeys(person_ids)]
    keep: list[Attendee] = []
    by_person = {a.person_id: a for a in meeting.attendees if a.person_id is not None}
    wanted_ids = {p.id for p, _post in wanted}
    for attendee in meeting.attendees:
        # Walk-ins and anyone already signed in stay on the sheet.
        if (not attendee.expected or attendee.status is not None
                or attendee.person_id in wanted_ids):
            keep.append(attendee)
    for person, post in wanted:
        if person.id not in by_person:
            keep.append(Attendee(person_id=person.id, name=person.name, unit=person.unit,
                                 post=post or person.position, expected=True))
        else:
            by_person[person.id].expected = True
    keep.sort(key=lambda a: (not a.expected, a.position if a.id else 10_000))
    for position, attendee in enumerate(keep):
        attendee.position = position
    meeting.attendees = keep


def add_walk_in(session: Session, meeting_id: int, data: WalkIn, reason: str = "") -> Attendee:
    """Someone not on the expected list: a resident, a department head, a deputy."""
    meeting = _meeting_for_keeping(session, meeting_id)
    if len([a for a in meeting.attendees if not a.expected]) >= MAX_WALK_INS:
        raise ValidationError(f"列席人员最多 {MAX_WALK_INS} 人", "name")
    name = required(clean_text(data.name), "name", "姓名", 40)
    unit = optional(clean_text(data.unit), "unit", "单位", 80)
    post = optional(clean_text(data.post), "post", "职务", 80)
    if data.person_id is not None:
        get_or_fail(session, Person, data.person_id, "人员")
        if any(a.person_id == data.person_id for a in meeting.attendees):
            raise ValidationError(f"{name}已在签到名单上", "name")
    attendee = Attendee(person_id=data.person_id, name=name, unit=unit, post=post,
                        expected=False, position=len(meeting.attendees))
    with _amending(session, meeting, f"增加列席人员 {name}", reason):
        meeting.attendees.append(attendee)
        if meeting.final:
            _amendment(session, meeting, f"增加列席人员 {name}", reason, "", f"{name}（{unit}）")
        session.flush()
    return attendee


def remove_attendee(session: Session, attendee_id: int) -> None:
    """Take someone off a draft's list (a walk-in added by mistake, or an expected person
    who is not in fact invited). Signed-in people stay: their sign-in is evidence."""
    attendee = get_or_fail(session, Attendee, attendee_id, "签到人员")
    meeting = _meeting_for_keeping(session, attendee.meeting_id)
    _draft(meeting, "删除签到人员")
    if attendee.status is not None or attendee.signature_png is not None:
        raise DomainError(f"{attendee.name}已签到，不能从名单删除；可改为“缺席”。")
    meeting.attendees.remove(attendee)
    session.flush()


# --- sign-in -----------------------------------------------------------------------------

def _describe_sign_in(attendee: Attendee) -> str:
    if attendee.status is None:
        return "未签到"
    text = attendee.status.label
    if attendee.status == Attendance.LATE and attendee.arrived_at:
        text += f"（{attendee.arrived_at:%H:%M} 到）"
    if attendee.status == Attendance.LEAVE and attendee.leave_reason:
        text += f"（{attendee.leave_reason}）"
    if attendee.signature_png:
        text += "，已签名"
    return text


def sign_in(session: Session, attendee_id: int, data: SignIn, reason: str = "",
            expected_version: int | None = None) -> Attendee:
    """Record how an attendee came. After 定稿 this is an amendment and needs ``reason``."""
    attendee = get_or_fail(session, Attendee, attendee_id, "签到人员")
    meeting = _meeting_for_keeping(session, attendee.meeting_id)
    check_version(attendee, expected_version, "签到")
    problems: dict[str, str] = {}
    arrived, leave_reason = None, ""
    if data.status == Attendance.LATE:
        if data.arrived_at is None:
            problems["arrived_at"] = f"{attendee.name}迟到，请填写到会时间"
        elif data.arrived_at <= meeting.start_time:
            problems["arrived_at"] = (f"{attendee.name}的到会时间 {data.arrived_at:%H:%M} 不晚于"
                                      f"开会时间 {meeting.start_time:%H:%M}，不算迟到")
        arrived = data.arrived_at
    if data.status == Attendance.LEAVE:
        leave_reason = clean_text(data.leave_reason)
        if not leave_reason:
            problems["leave_reason"] = f"{attendee.name}请假，请填写请假原因"
        elif len(leave_reason) > 200:
            problems["leave_reason"] = "请假原因不超过 200 字"
    signature = None
    if data.signature_png is not None:
        if data.status in (Attendance.LEAVE, Attendance.ABSENT):
            problems["signature"] = f"{attendee.name}{data.status.label}，不应有签名"
        else:
            signature = check_signature(data.signature_png)
    if problems:
        raise ValidationError(next(iter(problems.values())), problems=problems)
    before = _describe_sign_in(attendee)
    with _amending(session, meeting, f"{attendee.name} 签到", reason):
        attendee.status = data.status
        attendee.arrived_at = arrived
        attendee.leave_reason = leave_reason
        if data.status in (Attendance.LEAVE, Attendance.ABSENT):
            attendee.signature_png = None
            attendee.signed_at = None
        elif signature is not None:
            attendee.signature_png = signature
            attendee.signed_at = datetime.now().replace(microsecond=0)
        if meeting.final:
            _amendment(session, meeting, f"{attendee.name} 签到", reason, before,
                       _describe_sign_in(attendee))
        session.flush()
    return attendee


def mark_all_present(session: Session, meeting_id: int, skip: Sequence[int] = ()
                     ) -> list[str]:
    """全部出席: everyone on the expected list with no sign-in status yet becomes 出席 (the
    exceptions — 迟到, 请假, 缺席 — are then changed one by one). Only on a draft; those
    already registered, and ``skip`` (rows being changed on screen), are left as they are.
    Returns the names marked."""
    meeting = _meeting_for_keeping(session, meeting_id)
    _draft(meeting, "批量登记签到")
    marked = []
    for attendee in meeting.attendees:
        if attendee.expected and attendee.status is None and attendee.id not in skip:
            sign_in(session, attendee.id, SignIn(Attendance.PRESENT))
            marked.append(attendee.name)
    if not marked:
        raise DomainError("应到人员都已登记签到情况，没有需要标为出席的人。")
    return marked


def attach_scan(session: Session, meeting_id: int, data: bytes, file_name: str,
                reason: str = "") -> SignInScan:
    """The signed paper sheet, scanned or photographed (JPEG or PNG, checked, re-encoded)."""
    meeting = _meeting_for_keeping(session, meeting_id)
    checked = check_image(data, file_name, what="签到表图片")
    if any(scan.sha256 == checked.sha256 for scan in meeting.scans):
        raise ValidationError(f"“{checked.file_name}”已经添加过了", "image")
    if len(meeting.scans) >= 10:
        raise ValidationError("每次会议最多附 10 张签到表图片", "image")
    scan = SignInScan(file_name=checked.file_name[:200], sha256=checked.sha256,
                      mime=checked.mime, width=checked.width, height=checked.height,
                      original=checked.original, image=checked.image,
                      added_by=actor_of(session).user_id)
    with _amending(session, meeting, "补充签到表图片", reason):
        meeting.scans.append(scan)
        if meeting.final:
            _amendment(session, meeting, "补充签到表图片", reason, "", checked.file_name)
        session.flush()
    return scan


@dataclass(frozen=True, slots=True)
class AttendanceFigures:
    """Counted from the sign-in, never typed. ``expected`` counts the expected list only;
    walk-ins who came are ``walk_ins``."""

    expected: int
    present: int
    late: int
    on_leave: int
    absent: int
    not_signed: int
    walk_ins: int

    @property
    def attended(self) -> int:
        return self.present + self.late

    @property
    def rate(self) -> float | None:
        return round(100 * self.attended / self.expected, 1) if self.expected else None


def figures(attendees: Sequence[Attendee]) -> AttendanceFigures:
    counts = Counter(a.status for a in attendees if a.expected)
    walk_ins = sum(1 for a in attendees if not a.expected
                   and a.status in (Attendance.PRESENT, Attendance.LATE))
    return AttendanceFigures(
        expected=sum(1 for a in attendees if a.expected),
        present=counts[Attendance.PRESENT], late=counts[Attendance.LATE],
        on_leave=counts[Attendance.LEAVE], absent=counts[Attendance.ABSENT],
        not_signed=counts[None], walk_ins=walk_ins)


# --- minutes -----------------------------------------------------------------------------

def save_minutes(session: Session, meeting_id: int, agenda: Sequence[AgendaInput],
                 decisions: str, expected_version: int | None = None) -> Meeting:
    """Replace a draft's agenda, discussion and decisions with what the form holds."""
    meeting = _meeting_for_keeping(session, meeting_id)
    check_version(meeting, expected_version, "会议记录")
    _draft(meeting, "修改会议记录")
    if len(agenda) > MAX_AGENDA_ITEMS:
        raise ValidationError(f"议题最多 {MAX_AGENDA_ITEMS} 项", "agenda")
    existing = {item.id: item for item in meeting.agenda}
    kept: list[AgendaItem] = []
    for position, entry in enumerate(agenda, start=1):
        title = clean_text(entry.title)
        if not title:
            raise ValidationError(f"第 {position} 项议题没有标题", "agenda")
        if len(title) > 200:
            raise ValidationError(f"第 {position} 项议题的标题超过 200 字", "agenda")
        item = existing.get(entry.id) if entry.id is not None else None
        if entry.id is not None and item is None:
            raise NotFoundError(f"第 {position} 项议题已不在这次会议中，请重新打开会议记录。")
        item = item or AgendaItem()
        item.position = position - 1
        item.title = title
        item.discussion = _long_text(entry.discussion, f"第 {position} 项议题的讨论情况")
        item.decision = _long_text(entry.decision, f"第 {position} 项议题的决定")
        kept.append(item)
    removed = [item for item in meeting.agenda if item not in kept]
    if any(action.agenda_item_id == item.id for item in removed for action in meeting.actions):
        raise DomainError("有交办事项挂在要删除的议题下，不能删除该议题。")
    meeting.agenda = kept
    meeting.decisions = _long_text(decisions, "会议决定")
    session.flush()
    return meeting


def _long_text(value: str, label: str) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > 20_000:
        raise ValidationError(f"{label}超过 20000 字", "minutes")
    return text


def add_action(session: Session, meeting_id: int, data: ActionInput, reason: str = ""
               ) -> ActionItem:
    """An action item, landed in the problem ledger (new problem, or an existing one updated)."""
    meeting = _meeting_for_keeping(session, meeting_id)
    text = required(clean_text(data.text), "text", "交办事项", 2000)
    if data.deadline < meeting.held_on:
        raise ValidationError(f"办结时限（{data.deadline:%Y-%m-%d}）不能早于会议日期", "deadline")
    if data.agenda_item_id is not None and data.agenda_item_id not in {a.id for a in meeting.agenda}:
        raise ValidationError("所选议题不属于这次会议", "agenda_item_id")
    owner = get_or_fail(session, Person, data.owner_id, "责任人") if data.owner_id else None
    what = f"交办事项：{text[:40]}"
    with _amending(session, meeting, what, reason):
        if data.problem_id is None:
            community_id = _action_community(meeting, data)
            problem = raise_problem(session, ProblemInput(
                community_id=community_id, reported_on=meeting.held_on,
                category=data.category, description=text, source=ProblemSource.MEETING,
                level=data.level, team_id=_action_team(meeting, community_id),
                leader_id=owner.id if owner else None, deadline=data.deadline,
                reporter_name=meeting.title[:60]))
            created = True
        else:
            problem = _update_from_meeting(session, meeting, data, owner, text)
            created = False
        action = ActionItem(text=text, deadline=data.deadline, owner_id=owner.id if owner else None,
                            agenda_item_id=data.agenda_item_id, problem_id=problem.id,
                            created_problem=created)
        meeting.actions.append(action)
        if meeting.final:
            _amendment(session, meeting, "增加交办事项", reason, "",
                       f"{text}（责任人 {owner.name if owner else '未定'}，"
                       f"{data.deadline:%Y-%m-%d} 前，问题 {problem.number}）")
        session.flush()
    return action


def _action_team(meeting: Meeting, community_id: int) -> int | None:
    """The meeting's team that serves the problem's community (a monthly meeting has them
    all), else its first team."""
    for team in meeting.teams:
        if any(link.community_id == community_id for link in team.community_links):
            return team.id
    return meeting.teams[0].id if meeting.teams else None


def _action_community(meeting: Meeting, data: ActionInput) -> int:
    if data.community_id is not None:
        return data.community_id
    if meeting.community_id is not None:
        return meeting.community_id
    for team in meeting.teams:
        for link in sorted(team.community_links, key=lambda l: l.position):
            return link.community_id
    raise ValidationError("请为这条交办事项选择所属村（社区），以便登记到问题台账", "community_id")


def _update_from_meeting(session: Session, meeting: Meeting, data: ActionInput,
                         owner: Person | None, text: str) -> Problem:
    from app.services.problems import problem_for  # the ledger's own scoping rule
    problem = problem_for(session, data.problem_id, Permission.KEEP_RECORDS)
    if problem.status.finished:
        raise DomainError(f"问题 {problem.number} 已是“{problem.status.label}”；"
                          "如需继续办理，请先在问题台账中“重新办理”。")
    changes = []
    if owner is not None and problem.leader_id != owner.id:
        problem.leader_id = owner.id
        changes.append(f"责任人改为{owner.name}")
    if problem.deadline != data.deadline:
        changes.append(f"时限 {problem.deadline:%Y-%m-%d} → {data.deadline:%Y-%m-%d}")
        problem.deadline = data.deadline
    actor = actor_of(session)
    note = f"{meeting.title}交办：{text}" + (f"（{'；'.join(changes)}）" if changes else "")
    problem.steps.append(ProblemStep(from_status=problem.status, to_status=problem.status,
                                     on_date=meeting.held_on, by_user=actor.user_id,
                                     by_name=actor.display_name[:60], note=note[:500]))
    return problem


# --- 定稿 and amendments -------------------------------------------------------------------

def unsigned_names(meeting: Meeting) -> list[str]:
    """Who is marked 出席 or 迟到 but has no signature on screen. With a scanned paper sign-in
    sheet (纸质签到表) the signatures are on paper: nobody is missing then."""
    if meeting.scans:
        return []
    return [a.name for a in meeting.attendees
            if a.status in (Attendance.PRESENT, Attendance.LATE) and not a.signature_png]


def finalise_check(session: Session, meeting_id: int) -> list[str]:
    """What 定稿 would refuse (raised, as ``finalise`` does) and otherwise the names of those
    present without a signature, so the window can ask for the reason before "确定定稿吗？"."""
    meeting = _meeting_for_keeping(session, meeting_id)
    _check_finalisable(meeting)
    return unsigned_names(meeting)


def _check_finalisable(meeting: Meeting) -> None:
    _draft(meeting, "重复定稿")
    missing = [a.name for a in meeting.attendees if a.expected and a.status is None]
    if missing:
        shown = "、".join(missing[:8]) + ("等" if len(missing) > 8 else "")
        raise DomainError(f"还有 {len(missing)} 人没有登记签到情况（{shown}），"
                          "请标为出席、迟到、请假或缺席后再定稿。")
    if not meeting.agenda:
        raise DomainError("会议记录还没有议题，不能定稿。")
    if meeting.held_on > date.today():
        raise DomainError(f"会议日期 {meeting.held_on:%Y-%m-%d} 还没到，不能定稿。")


def unsigned_message(names: Sequence[str]) -> str:
    shown = "、".join(names[:10]) + ("等" if len(names) > 10 else "")
    return (f"{len(names)} 位出席（迟到）的人没有签名：{shown}。"
            "请写明未签名的原因再定稿（原因留在会议记录中，打印时一并显示）。")


def finalise(session: Session, meeting_id: int, expected_version: int | None = None,
             unsigned_reason: str = "") -> Meeting:
    """Lock the record. Everyone expected must have a sign-in status first; if some marked
    出席/迟到 have not signed (and no paper sheet was scanned), a reason is required — kept on
    the record and printed in the PDF."""
    meeting = _meeting_for_keeping(session, meeting_id)
    check_version(meeting, expected_version, "会议记录")
    _check_finalisable(meeting)
    unsigned = unsigned_names(meeting)
    reason = clean_text(unsigned_reason)
    if unsigned and not reason:
        raise ValidationError(unsigned_message(unsigned), "unsigned_reason")
    if len(reason) > 500:
        raise ValidationError(f"未签名原因最多 500 字（现在 {len(reason)} 字）", "unsigned_reason")
    actor = actor_of(session)
    meeting.unsigned_reason = (f"{'、'.join(unsigned)}未签名：{reason}" if unsigned else "")
    meeting.finalised_at = datetime.now().replace(microsecond=0)
    meeting.finalised_by = actor.user_id
    meeting.finalised_by_name = actor.display_name[:60]
    session.flush()
    audit.record(session, "finalise", "meeting", meeting.id, f"会议记录定稿：{meeting.title}",
                 {"未签名原因": meeting.unsigned_reason} if unsigned else None)
    return meeting


@contextmanager
def _amending(session: Session, meeting: Meeting, what: str, reason: str) -> Iterator[None]:
    """Let a change to a finalised meeting through, once its reason is given."""
    if not meeting.final:
        yield
        return
    if not clean_text(reason):
        raise ValidationError(f"会议记录已定稿，“{what}”属于更正，请写明更正原因", "reason")
    session.info[AMENDING] = True
    try:
        yield
    finally:
        session.info.pop(AMENDING, None)


def _amendment(session: Session, meeting: Meeting, what: str, reason: str, before: str,
               after: str) -> MeetingAmendment:
    actor = actor_of(session)
    amendment = MeetingAmendment(at=datetime.now().replace(microsecond=0), user_id=actor.user_id,
                                 user_name=actor.display_name[:60], reason=clean_text(reason),
                                 what=what[:200], before=before, after=after)
    meeting.amendments.append(amendment)
    audit.record(session, "amend", "meeting", meeting.id, f"更正会议记录：{meeting.title}，{what}",
                 {"原因": clean_text(reason)})
    return amendment


AMENDABLE = {"title": "议题标题", "discussion": "讨论情况", "decision": "决定"}


def amend_agenda(session: Session, agenda_item_id: int, field_: str, text: str, reason: str
                 ) -> MeetingAmendment:
    """Correct one text of a finalised meeting's agenda item; before and after are kept."""
    item = get_or_fail(session, AgendaItem, agenda_item_id, "议题")
    meeting = _meeting_for_keeping(session, item.meeting_id)
    if field_ not in AMENDABLE:
        raise ValidationError(f"不能更正“{field_}”", "field")
    if not meeting.final:
        raise DomainError("会议记录还没有定稿，直接修改即可，不需要更正。")
    new = _long_text(text, AMENDABLE[field_])
    old = getattr(item, field_)
    if new == old:
        raise ValidationError("更正后的内容与原内容相同", "text")
    what = f"议题 {item.position + 1}“{item.title[:20]}”{AMENDABLE[field_]}"
    with _amending(session, meeting, what, reason):
        setattr(item, field_, new)
        amendment = _amendment(session, meeting, what, reason, old, new)
        session.flush()
    return amendment


def amend_decisions(session: Session, meeting_id: int, text: str, reason: str
                    ) -> MeetingAmendment:
    meeting = _meeting_for_keeping(session, meeting_id)
    if not meeting.final:
        raise DomainError("会议记录还没有定稿，直接修改即可，不需要更正。")
    new, old = _long_text(text, "会议决定"), meeting.decisions
    if new == old:
        raise ValidationError("更正后的内容与原内容相同", "text")
    with _amending(session, meeting, "会议决定", reason):
        meeting.decisions = new
        amendment = _amendment(session, meeting, "会议决定", reason, old, new)
        session.flush()
    return amendment


def original_text(meeting: Meeting, what: str, current: str) -> str:
    """What ``what`` said when the meeting was finalised (before its first amendment)."""
    for amendment in meeting.amendments:
        if amendment.what == what:
            return amendment.before
    return current


# --- the weekly meeting's carry-over ------------------------------------------------------

def carry_over(session: Session, team_id: int, before: date) -> str:
    """Text that opens a weekly meeting: the last weekly meeting's action items and where they
    stand, the last station session, and the team's problems referred to departments or the
    party committee that are still open. Blank when there is nothing to follow up."""
    lines: list[str] = []
    last = session.scalars(
        select(Meeting).join(meeting_team, meeting_team.c.meeting_id == Meeting.id)
        .where(meeting_team.c.team_id == team_id, Meeting.kind == MeetingKind.WEEKLY,
               Meeting.held_on < before)
        .order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(1)).first()
    if last is not None:
        lines.append(f"上次周会（{last.held_on:%m月%d日}）交办事项：")
        for action in last.actions:
            problem = action.problem
            state = problem.status.label
            if problem.is_overdue(before):
                state += "，已超期"
            owner = action.owner.name if action.owner else "未定"
            lines.append(f"- {action.text}（{owner}，{action.deadline:%m月%d日}前；"
                         f"{problem.number} {state}）")
        if not last.actions:
            lines.append("- 无")
        if last.decisions:
            lines.append(f"上次会议决定：{last.decisions}")
    session_row = session.scalars(
        select(StationSession).where(StationSession.team_id == team_id,
                                     StationSession.held_on < before)
        .order_by(StationSession.held_on.desc(), StationSession.id.desc()).limit(1)).first()
    if session_row is not None:
        raised = len(session_row.problems)
        lines.append(f"上次驻点（{session_row.held_on:%m月%d日}，{session_row.kind.label}）："
                     f"{session_row.summary.rstrip('。') or '未填写摘要'}；收集问题 {raised} 个。")
    referred = session.scalars(
        select(Problem).where(Problem.team_id == team_id,
                              Problem.level.in_([HandlingLevel.REFERRED,
                                                 HandlingLevel.PARTY_COMMITTEE]),
                              Problem.status.in_([ProblemStatus.REGISTERED,
                                                  ProblemStatus.IN_PROGRESS]),
                              Problem.reported_on < before)
        .order_by(Problem.deadline).limit(20)).all()
    if referred:
        lines.append("转办、提请党委会未办结的问题：")
        for problem in referred:
            flag = "，已超期" if problem.is_overdue(before) else ""
            lines.append(f"- {problem.number} {problem.description[:40]}（{problem.level.label}，"
                         f"{problem.deadline:%m月%d日}前{flag}）")
    return "\n".join(lines)


# --- the list ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MeetingRow:
    id: int
    held_on: date
    hours: str
    kind: MeetingKind
    title: str
    teams: str
    team_ids: tuple[int, ...]
    place: str
    figures: AttendanceFigures
    final: bool
    amendments: int
    actions: int
    version: int

    @property
    def kind_label(self) -> str:
        return self.kind.label


@dataclass
class MeetingFilter:
    team_id: int | None = None
    kind: MeetingKind | None = None
    start: date | None = None
    end: date | None = None


def meeting_rows(session: Session, flt: MeetingFilter | None = None) -> list[MeetingRow]:
    """Meetings the actor may read, newest first, as plain rows."""
    actor = require(session, Permission.VIEW_RECORDS)
    flt = flt or MeetingFilter()
    query = select(Meeting).order_by(Meeting.held_on.desc(), Meeting.start_time.desc(),
                                     Meeting.id.desc())
    allowed = actor.teams_for(Permission.VIEW_RECORDS)
    team_ids = None if allowed is None else set(allowed)
    if flt.team_id is not None:
        team_ids = {flt.team_id} if team_ids is None else team_ids & {flt.team_id}
    if team_ids is not None:
        query = query.where(Meeting.id.in_(
            select(meeting_team.c.meeting_id).where(meeting_team.c.team_id.in_(team_ids))))
    if flt.kind is not None:
        query = query.where(Meeting.kind == flt.kind)
    if flt.start is not None:
        query = query.where(Meeting.held_on >= flt.start)
    if flt.end is not None:
        query = query.where(Meeting.held_on <= flt.end)
    meetings = session.scalars(query.options(
        selectinload(Meeting.teams), selectinload(Meeting.attendees),
        selectinload(Meeting.amendments), selectinload(Meeting.actions))).all()
    return [MeetingRow(m.id, m.held_on, f"{m.start_time:%H:%M}–{m.end_time:%H:%M}", m.kind,
                       m.title, "、".join(t.name for t in m.teams), tuple(t.id for t in m.teams),
                       m.place, figures(m.attendees), m.final, len(m.amendments),
                       len(m.actions), m.version)
            for m in meetings]


__all__ = [
    "ActionInput", "AgendaInput", "AttendanceFigures", "MeetingFilter", "MeetingInput",
    "MeetingRow", "SignIn", "WalkIn", "add_action", "add_walk_in", "amend_agenda",
    "amend_decisions", "attach_scan", "carry_over", "create_meeting", "default_title",
    "figures", "finalise", "get_meeting", "meeting_rows", "original_text", "remove_attendee",
    "roster_for", "save_minutes", "sign_in", "update_meeting",
]
