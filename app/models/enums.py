"""Fixed vocabularies of the domain, stored by English code, shown by Chinese label."""

from __future__ import annotations

import enum


class Labeled(enum.StrEnum):
    @property
    def label(self) -> str:
        return LABELS[self]

    @classmethod
    def from_label(cls, text: str) -> "Labeled | None":
        text = text.strip()
        for member in cls:
            if text in (member.value, LABELS[member]) or text in ALIASES.get(member, ()):
                return member
        return None


class CommunityKind(Labeled):
    VILLAGE = "village"
    COMMUNITY = "community"
    COOPERATIVE = "cooperative"


class Gender(Labeled):
    MALE = "male"
    FEMALE = "female"


class PersonCategory(Labeled):
    TOWN_LEADER = "town_leader"
    TOWN_CADRE = "town_cadre"
    COMMITTEE_MEMBER = "committee_member"
    GRID_WORKER = "grid_worker"
    LEGAL_ADVISER = "legal_adviser"
    VOLUNTEER = "volunteer"
    DEPUTY = "deputy"
    OTHER = "other"


class MemberRole(Labeled):
    """A person's place in a team. Leader, core and town liaison form the fixed station team."""

    LEADER = "leader"
    CORE = "core"
    TOWN_LIAISON = "town_liaison"
    SUPPORT = "support"
    COMMUNITY_LIAISON = "community_liaison"

    @property
    def in_station_team(self) -> bool:
        return self in (MemberRole.LEADER, MemberRole.CORE, MemberRole.TOWN_LIAISON)


class HouseholdKind(Labeled):
    RESIDENT = "resident"
    SHOP = "shop"
    UNIT = "unit"


class Role(Labeled):
    """What a user account may do; an account can hold several roles."""

    ADMIN = "admin"
    CLERK = "clerk"
    ORG_OFFICE = "org_office"
    LIAISON = "liaison"
    # Not "leader": StrEnum members equal their value, and MemberRole.LEADER is "leader" —
    # the shared LABELS dict would mix the two up.
    LEADER = "station_leader"

    @property
    def team_scoped(self) -> bool:
        """Liaisons and leaders work on the teams assigned to their account only."""
        return self in (Role.LIAISON, Role.LEADER)


class SessionKind(Labeled):
    """What a station session (驻点日志) was."""

    RECEPTION = "reception"
    HOME_VISIT = "home_visit"
    CONDOLENCE = "condolence"
    FORUM = "forum"
    HEARING = "hearing"
    APPOINTMENT = "appointment"
    RETURN_VISIT = "return_visit"
    MAKE_UP = "make_up"


class ProblemSource(Labeled):
    # Prefixed: "other" and "reception" are already values of other enums (see LABELS).
    STATION_LOG = "source_log"
    VISIT = "source_visit"
    RECEPTION = "source_reception"
    HOTLINE = "source_hotline"
    MEETING = "source_meeting"
    OTHER = "source_other"


class HandlingLevel(Labeled):
    ON_SITE = "on_site"
    COMMUNITY = "in_community"
    REFERRED = "referred"
    PARTY_COMMITTEE = "party_committee"


class ProblemStatus(Labeled):
    """登记 → 办理中 → 已办结 → 已反馈 → 已销案, one step at a time."""

    REGISTERED = "registered"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    FED_BACK = "fed_back"
    CLOSED = "closed"

    @property
    def finished(self) -> bool:
        """Handled (已办结 or later): no longer counts as overdue."""
        return self in (ProblemStatus.DONE, ProblemStatus.FED_BACK, ProblemStatus.CLOSED)


class FeedbackMethod(Labeled):
    NOTICE_BOARD = "notice_board"
    ONLINE = "online"
    IN_PERSON = "in_person"
    PHONE = "by_phone"


class Satisfaction(Labeled):
    SATISFIED = "satisfied"
    FAIRLY = "fairly_satisfied"
    UNSATISFIED = "unsatisfied"


class MeetingKind(Labeled):
    """Kinds of meeting (会议). Values are prefixed where another enum already uses the word."""

    WEEKLY = "weekly_meeting"
    MONTHLY = "monthly_meeting"
    PARTY_COMMITTEE = "committee_meeting"
    JOINT = "joint_meeting"
    FORUM = "meeting_forum"
    HEARING = "meeting_hearing"

    @property
    def town_level(self) -> bool:
        """Kept by the town's offices, not by one team's liaison."""
        return self in (MeetingKind.MONTHLY, MeetingKind.PARTY_COMMITTEE, MeetingKind.JOINT)


class Attendance(Labeled):
    """How an attendee came (签到). No value yet means not signed in."""

    PRESENT = "attended"
    LATE = "late"
    LEAVE = "on_leave"
    ABSENT = "absent"


class CheckKind(Labeled):
    """台账资料抽查: the month's drawn team, or one of the twice-yearly checks of every team."""

    MONTHLY = "check_monthly"
    FULL = "check_full"


class ItemResult(Labeled):
    PASS = "item_pass"
    FAIL = "item_fail"


class Whereabouts(Labeled):
    """Where the field patrol found a cadre expected in a village."""

    AT_WORK = "at_work"
    ABSENT = "found_absent"
    EXCUSED = "excused"
    PERFUNCTORY = "perfunctory"

    @property
    def finding(self) -> bool:
        """Goes into the cadre's personal file as a finding."""
        return self in (Whereabouts.ABSENT, Whereabouts.PERFUNCTORY)


class Severity(Labeled):
    MINOR = "minor"
    MAJOR = "major"
    SERIOUS = "serious"


class FindingSource(Labeled):
    LEDGER_CHECK = "from_ledger_check"
    LATE_DELIVERY = "late_delivery"
    PATROL = "from_patrol"
    SUPERVISION = "from_supervision"


class FindingStatus(Labeled):
    """整改: open → the team responds → re-checked (核查整改): passed closes it, failed reopens."""

    OPEN = "finding_open"
    RESPONDED = "finding_responded"
    CLOSED = "finding_closed"


class Urgency(Labeled):
    """How urgent a funding project is: the first key of the approval queue."""

    HIGH = "urgency_high"
    MEDIUM = "urgency_medium"
    NORMAL = "urgency_normal"


class ProjectStatus(Labeled):
    APPLIED = "project_applied"
    APPROVED = "project_approved"
    REFUSED = "project_refused"
    COMPLETED = "project_completed"


class SubmissionKind(Labeled):
    """What a team owes the organization office each month."""

    PHOTOS = "sub_photos"
    FORM1 = "sub_form1"
    FORM2 = "sub_form2"
    REGISTER = "sub_register"
    REPORT = "sub_report"


class PhotoKind(Labeled):
    FAR = "photo_far"
    NEAR = "photo_near"


class DocumentKind(Labeled):
    """The red-header documents the organization office issues (印发) with a number."""

    BULLETIN = "doc_bulletin"
    CHECK_REPORT = "doc_check_report"


LABELS: dict[enum.Enum, str] = {
    CommunityKind.VILLAGE: "村",
    CommunityKind.COMMUNITY: "社区",
    CommunityKind.COOPERATIVE: "联社",
    Gender.MALE: "男",
    Gender.FEMALE: "女",
    PersonCategory.TOWN_LEADER: "镇领导",
    PersonCategory.TOWN_CADRE: "镇干部",
    PersonCategory.COMMITTEE_MEMBER: "“两委”干部",
    PersonCategory.GRID_WORKER: "网格员",
    PersonCategory.LEGAL_ADVISER: "法律顾问",
    PersonCategory.VOLUNTEER: "志愿者",
    PersonCategory.DEPUTY: "代表委员",
    PersonCategory.OTHER: "其他",
    MemberRole.LEADER: "责任人",
    MemberRole.CORE: "团队成员",
    MemberRole.TOWN_LIAISON: "专职联络员",
    MemberRole.SUPPORT: "辅助团队成员",
    MemberRole.COMMUNITY_LIAISON: "辅助团队联络员",
    HouseholdKind.RESIDENT: "居民户",
    HouseholdKind.SHOP: "个体商户",
    HouseholdKind.UNIT: "驻社区单位",
    Role.ADMIN: "管理员",
    Role.CLERK: "党政办",
    Role.ORG_OFFICE: "组织办",
    Role.LIAISON: "联络员",
    Role.LEADER: "驻点领导",
    SessionKind.RECEPTION: "接待",
    SessionKind.HOME_VISIT: "入户走访",
    SessionKind.CONDOLENCE: "慰问",
    SessionKind.FORUM: "座谈会",
    SessionKind.HEARING: "听证会",
    SessionKind.APPOINTMENT: "约访",
    SessionKind.RETURN_VISIT: "回访",
    SessionKind.MAKE_UP: "补班",
    ProblemSource.STATION_LOG: "驻点日志",
    ProblemSource.VISIT: "走访",
    ProblemSource.RECEPTION: "接待",
    ProblemSource.HOTLINE: "热线",
    ProblemSource.MEETING: "会议",
    ProblemSource.OTHER: "其他",
    HandlingLevel.ON_SITE: "现场解决",
    HandlingLevel.COMMUNITY: "村（社区）解决",
    HandlingLevel.REFERRED: "转部门办理",
    HandlingLevel.PARTY_COMMITTEE: "提请党委会",
    ProblemStatus.REGISTERED: "登记",
    ProblemStatus.IN_PROGRESS: "办理中",
    ProblemStatus.DONE: "已办结",
    ProblemStatus.FED_BACK: "已反馈",
    ProblemStatus.CLOSED: "已销案",
    FeedbackMethod.NOTICE_BOARD: "公开栏",
    FeedbackMethod.ONLINE: "网络平台",
    FeedbackMethod.IN_PERSON: "当面",
    FeedbackMethod.PHONE: "电话",
    Satisfaction.SATISFIED: "满意",
    Satisfaction.FAIRLY: "基本满意",
    Satisfaction.UNSATISFIED: "不满意",
    MeetingKind.WEEKLY: "周会",
    MeetingKind.MONTHLY: "月度直联工作汇报会",
    MeetingKind.PARTY_COMMITTEE: "党委会专题会议",
    MeetingKind.JOINT: "联席会议",
    MeetingKind.FORUM: "座谈会",
    MeetingKind.HEARING: "听证会",
    Attendance.PRESENT: "出席",
    Attendance.LATE: "迟到",
    Attendance.LEAVE: "请假",
    Attendance.ABSENT: "缺席",
    CheckKind.MONTHLY: "月度抽查",
    CheckKind.FULL: "全面检查",
    ItemResult.PASS: "合格",
    ItemResult.FAIL: "不合格",
    Whereabouts.AT_WORK: "在岗",
    Whereabouts.ABSENT: "缺岗",
    Whereabouts.EXCUSED: "请假或公务",
    Whereabouts.PERFUNCTORY: "走过场",
    Severity.MINOR: "一般",
    Severity.MAJOR: "较重",
    Severity.SERIOUS: "严重",
    FindingSource.LEDGER_CHECK: "台账资料抽查",
    FindingSource.LATE_DELIVERY: "台账逾期报送",
    FindingSource.PATROL: "下乡情况巡查",
    FindingSource.SUPERVISION: "会议情况督查",
    FindingStatus.OPEN: "待整改",
    FindingStatus.RESPONDED: "已整改待核查",
    FindingStatus.CLOSED: "已核查销号",
    Urgency.HIGH: "特别紧急",
    Urgency.MEDIUM: "紧急",
    Urgency.NORMAL: "一般",
    ProjectStatus.APPLIED: "已申请",
    ProjectStatus.APPROVED: "已批准",
    ProjectStatus.REFUSED: "未批准",
    ProjectStatus.COMPLETED: "已完工",
    SubmissionKind.PHOTOS: "公开栏相片",
    SubmissionKind.FORM1: "需提请党委会研究解决问题表（附件1）",
    SubmissionKind.FORM2: "专项经费补贴项目进度登记表（附件2）",
    SubmissionKind.REGISTER: "重点走访登记册进度",
    SubmissionKind.REPORT: "直联工作书面汇报",
    PhotoKind.FAR: "远景",
    PhotoKind.NEAR: "近景",
    DocumentKind.BULLETIN: "驻点直联工作情况通报",
    DocumentKind.CHECK_REPORT: "驻点直联抽查督查情况通报",
}

# Words towns use in their own sheets for the same things.
ALIASES: dict[enum.Enum, tuple[str, ...]] = {
    CommunityKind.VILLAGE: ("行政村",),
    CommunityKind.COOPERATIVE: ("经济联社",),
    PersonCategory.TOWN_LEADER: ("街道领导", "镇领导干部", "领导干部", "班子成员"),
    PersonCategory.TOWN_CADRE: ("街道干部", "镇干部", "机关干部"),
    PersonCategory.COMMITTEE_MEMBER: ("两委干部", "两委", "村干部", "社区干部", "\"两委\"干部"),
    PersonCategory.GRID_WORKER: ("网格管理员", "网格员"),
    PersonCategory.LEGAL_ADVISER: ("律师", "法律顾问"),
    PersonCategory.DEPUTY: ("两代表一委员", "人大代表", "政协委员", "党代表"),
    MemberRole.LEADER: ("驻点领导", "组长", "驻点组长", "责任领导"),
    MemberRole.CORE: ("成员", "驻点团队成员", "组员"),
    MemberRole.TOWN_LIAISON: ("联络员", "驻点联络员", "团队联络员"),
    MemberRole.SUPPORT: ("辅助成员", "辅助团队"),
    MemberRole.COMMUNITY_LIAISON: ("社区联络员", "村联络员"),
    HouseholdKind.RESIDENT: ("住户", "居民", "社员", "农户"),
    HouseholdKind.SHOP: ("商户", "个体户"),
    HouseholdKind.UNIT: ("单位", "驻区单位", "驻村单位"),
    Role.ADMIN: ("系统管理员",),
    Role.CLERK: ("党政综合办", "办公室", "文员"),
    Role.ORG_OFFICE: ("组织办公室", "党建办"),
    Role.LIAISON: ("专职联络员",),
    Role.LEADER: ("领导", "责任人"),
    SessionKind.MAKE_UP: ("补班日",),
    HandlingLevel.COMMUNITY: ("村解决", "社区解决", "村(社区)解决"),
    HandlingLevel.REFERRED: ("转办", "转部门"),
    HandlingLevel.PARTY_COMMITTEE: ("党委会", "提交党委会"),
    ProblemStatus.CLOSED: ("销案",),
    FeedbackMethod.ONLINE: ("网络", "网上"),
    MeetingKind.WEEKLY: ("碰头会", "团队周会"),
    MeetingKind.MONTHLY: ("月度会议", "直联工作汇报会", "月度汇报会"),
    MeetingKind.PARTY_COMMITTEE: ("党委会", "专题会议"),
    Attendance.PRESENT: ("到会", "已到"),
}

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def weekday_label(iso_weekday: int) -> str:
    """ISO weekday (1 = Monday) as 周一…周日."""
    return WEEKDAYS[iso_weekday - 1]
