"""A year of meetings up to the demo's last ledger day (issue 6), inserted in bulk.

- Every team's weekly meeting (周会) the day before its station day; about one week in sixteen
  has none (a gap in the compliance view) and one in twenty is held a day late, on the station
  day before the visit. Its minutes open with last week's items, as the service's carry-over does.
- One 月度直联工作汇报会 a month with every team (one month a team or two missing), the team
  leaders and town liaisons expected; a few 党委会专题会议 on the problems raised to the party
  committee; 座谈会 with residents on the station days the ledger records as forums.
- Sign-in: mostly 出席, some 迟到 (with the time), 请假 (with a reason), a few 缺席; most who came
  to a finalised meeting signed on screen (twenty generated signatures, one per person, reused).
- Action items land in the problem ledger as new problems numbered after the ledger's own.
- Meetings of the last three weeks are drafts; the rest are finalised, three with an amendment.

Rows go in with Core inserts, as the other steps do. The finalised-meeting guard
(app/models/meetings.py) is an ORM before_flush hook that Core inserts never reach, so each
meeting is written whole: its row already final, then its teams, agenda, sign-in and actions.
"""

from __future__ import annotations

import io
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import and_, func, insert, select
from sqlalchemy.orm import Session

from app.demo.context import DemoContext
from app.demo.identity import gender, person_name
from app.demo.ledgers import LAST_DAY, MATTERS, problem_flow
from app.demo.names import TOWN_NAME
from app.images import check_signature
from app.models import (Attendance, Community, Household, MeetingKind, MemberRole, Person,
                        PersonCategory, Team, User)
from app.models.enums import (CommunityKind, HandlingLevel, HouseholdKind, ProblemSource,
                              ProblemStatus, SessionKind)
from app.models.ledgers import Problem, ProblemStep, StationSession
from app.models.meetings import (ActionItem, AgendaItem, Attendee, Meeting, MeetingAmendment,
                                 meeting_team)
from app.services.meetings import CARRY_OVER_TITLE, MONTHLY_ROLES, default_title
from app.services.problems import number_for

FIRST_DAY = (LAST_DAY + timedelta(days=1)).replace(year=LAST_DAY.year - 1)   # twelve months
DRAFTS_FROM = LAST_DAY - timedelta(days=20)     # the last three weeks' minutes are drafts
UNSIGNED_FROM = LAST_DAY - timedelta(days=6)    # some of the last week's sign-ins not taken yet
MISSED_WEEKS = 0.06
LATE_WEEKS = 0.05
SIGNATURES = 20
TOWN_HALL = f"{TOWN_NAME}人民政府三楼会议室"
COMMITTEE_ROOM = f"{TOWN_NAME}人民政府党委会议室"
WEEKLY_SLOTS = ((time(9, 0), 60), (time(9, 30), 60), (time(14, 30), 50), (time(16, 0), 60))
ROLE_ORDER = list(MemberRole)

LEAVE_REASONS = ("参加区里业务培训", "下村处理信访事项", "病假", "家中有事，已向团队长请假",
                 "参加镇防汛值班", "外出学习", "陪同区检查组检查", "年休假", "参加党校学习",
                 "出差", "参加村（社区）两委会议", "带队参加应急演练")
SUPPORT_LEAVE_REASONS = ("律师事务所开庭", "所里值班", "单位有会", "家中有事", "病假", "外出办事")
CARRY_DECISIONS = ("上周交办事项继续跟进，未办结的下次周会再通报。",
                   "已办结事项做好回访；未办结事项由责任人说明原因，限期推进。",
                   "跟进情况记入问题台账，临近时限的事项由团队长督办。")
THEMES = ("基层治理“一张网”建设", "矛盾纠纷排查化解", "民生实事项目推进", "党员联系群众",
          "农村人居环境整治", "安全生产大检查", "信访积案化解", "“百千万工程”", "乡村振兴")
POLICIES = ("城乡居民医保缴费", "防范电信网络诈骗", "消防安全常识", "生活垃圾分类",
            "高龄津贴申领", "养老保险补缴", "出租屋安全管理", "反邪教知识")


def _season(month: int) -> tuple[str, str, str] | None:
    """A topic of the time of year: title, discussion, decision."""
    if month in (12, 1, 2):
        return ("春节前安全检查和困难群众慰问",
                "{m1}汇报{community}困难群众摸底情况，共有低保、特困等困难户{n}户。{leader}要求"
                "节前逐户走访慰问，同时检查出租屋、小作坊用火用电安全。",
                "节前完成困难户走访慰问；{m2}牵头开展安全检查，发现隐患当场督促整改。")
    if month in (4, 5, 6):
        return ("汛期安全隐患排查",
                "进入汛期，{m1}介绍{community}低洼地段、危旧房屋和山塘水库情况，共排查出重点"
                "部位{k}处。大家提出要把独居老人纳入转移名单。",
                "建立汛期转移台账，{m2}负责联系村（社区）网格员，遇强降雨提前通知转移。")
    if month in (7, 8, 9):
        return ("防台风和高温天气安全提醒",
                "{liaison}传达区三防指挥部通知，近期台风和高温天气较多。{m1}提出部分户外作业"
                "群众防暑意识不强，建议走访时重点提醒。",
                "走访时发放防暑和防台风宣传资料；台风预警期间团队成员保持通讯畅通。")
    if month in (10, 11, 3):
        return ("秋冬季森林防火和用火安全宣传",
                "{m1}通报{community}山林面积和防火重点时段，清明、秋冬季祭扫和烧荒风险较大。",
                "驻点期间开展用火安全宣传，{m2}联系护林员做好巡查。")
    return None


WEEKLY_TOPICS: tuple[tuple[str, str, str], ...] = (
    ("研究本周驻点接待安排",
     "{liaison}通报本周驻点安排：{station}下午在{community}党群服务中心开展驻点接待，{m1}、{m2}"
     "负责接待登记，{m3}负责问题分派和台账录入。{leader}强调接待要耐心细致，群众反映的问题要"
     "当场登记，能答复的当场答复。",
     "按排班开展驻点接待，接待情况当天录入驻点日志，群众反映问题当天分派。"),
    ("部署重点人群走访",
     "对照重点人群名单，{community}本月尚有{n}户重点户未走访，其中独居老人{k}户。{m1}提出部分"
     "家庭子女白天外出务工，建议傍晚或周末上门。",
     "本周由{m1}、{m2}分组入户走访，走访记录周五前录入系统；独居老人户每月至少走访一次。"),
    ("通报问题台账办理情况",
     "{liaison}通报：截至上周，团队在办问题{n}个，其中临近时限{k}个，主要集中在{category}方面。"
     "{m1}、{m2}分别汇报了牵头问题的办理进度。",
     "临近时限的问题逐一明确责任人，按期办结后及时回访群众并录入反馈情况。"),
    ("学习传达镇党委工作要求",
     "{leader}传达镇党委关于{theme}的工作要求，结合团队驻点实际提出落实意见。{m1}发言表示将"
     "把要求落实到每次驻点和走访中。",
     "团队成员结合驻点直联工作抓好落实，下次周会汇报进展。"),
    ("安排入户宣传{policy}",
     "{m1}介绍{policy}的主要内容和群众关心的问题。大家认为{community}老年人较多，宣传要用群众"
     "听得懂的话，多讲身边的例子。",
     "驻点接待时设咨询点，入户走访时发放宣传资料，{m2}负责收集群众疑问并统一答复。"),
    ("回访上月办结问题群众满意度",
     "{m1}汇报上月办结问题的回访情况：共回访{n}户，满意{k}户，其余为基本满意，群众对办理速度"
     "总体认可，也有群众希望办理过程中多沟通。",
     "对基本满意的群众再次上门了解原因；办理过程中及时告知进度。"),
)
ACTION_TOPIC = (
    "研究群众反映问题办理（{category}）",
    "{community}群众反映{matter}。{m1}已到现场查看，情况属实，需{dept}协调处理。{leader}要求"
    "明确责任人和办结时限，办理结果及时反馈群众。",
    "由{owner}牵头联系{dept}，{deadline}前办结并反馈群众。",
    "{matter_short}：协调{dept}处理，办结后反馈群众")

MONTHLY_NEXT = ("做好重点人群走访全覆盖", "开展矛盾纠纷“大排查、大化解”", "推进民生微实事项目",
                "做好问题台账清理，压降超期问题", "开展驻点直联工作“回头看”", "抓好汛期和台风防御",
                "做好节日期间安全稳定工作", "推进村（社区）人居环境整治")
# Which town office a kind of problem goes to.
DEPARTMENT_FOR = {"矛盾纠纷": ("镇综治办", "镇司法所"), "环境卫生": ("镇环卫所",),
                  "基础设施": ("镇城建办",), "民生救助": ("镇社会事务办",),
                  "政策咨询": ("镇社会事务办",), "治安消防": ("镇派出所", "镇综治办"),
                  "村务管理": ("镇农业办",)}
# What a meeting hands on as an action: things to fix (a question answered on the spot is not).
ACTION_CATEGORIES = tuple(c for c in MATTERS if c != "政策咨询")
# 座谈会: topic, the ledger category of what residents raise, what they say there.
FORUM_TOPICS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("村道硬化和路灯维护", "基础设施",
     ("村口到学校那段路坑坑洼洼，下雨天小孩上学不方便", "后街几盏路灯坏了一个多月，晚上不敢出门",
      "希望道路硬化时把排水沟一起做好", "施工期间希望留一条通道给电动车走")),
    ("人居环境整治", "环境卫生",
     ("河涌边的垃圾要有人定时清理", "建议在巷口多放几个分类垃圾桶",
      "有的人家把杂物堆在公共通道，要劝一劝", "公厕要增加保洁次数")),
    ("长者饭堂和居家养老服务", "民生救助",
     ("老人家一个人在家吃饭不方便，希望长者饭堂早点办起来", "饭堂的价钱要实惠，八十岁以上能不能减免",
      "行动不便的老人希望能送餐上门", "希望定期有医生来给老人量血压")),
    ("集体经济收益分配", "村务管理",
     ("集体收入和支出要按季度公开", "分红方案出来前要开会听听大家的意见",
      "外嫁女的分配问题希望按政策讲清楚", "集体物业出租要公开招租")),
    ("邻里纠纷调解和平安创建", "矛盾纠纷",
     ("有邻居因为排水沟吵了好几次，希望村里出面调解", "建议请法律顾问定期来村里讲讲法",
      "宅基地边界的事情希望有个说法", "调解委员会要多找年纪大、有威望的人参加")),
    ("出租屋和消防安全", "治安消防",
     ("出租屋里电动车在楼道充电太危险", "建议在村里建集中充电棚",
      "消防通道经常被车堵住", "出租屋住的人多，灭火器要定期检查")),
)
ADDENDA = ("会上{m1}还提出，部分重点户电话已变更，需核实后更新联系方式。",
           "会上明确由{m1}负责与村（社区）网格员对接，每周五前汇总走访情况。",
           "会上{m1}补充：上次驻点接待的两宗咨询已当场答复，无需转办。")


@dataclass
class Plan:
    """One meeting before it is inserted: its row and the rows that hang off it."""

    row: dict[str, Any]
    team_ids: list[int]
    agenda: list[dict[str, Any]] = field(default_factory=list)
    attendees: list[dict[str, Any]] = field(default_factory=list)
    # (agenda index, action row without ids, index into Builder.problems)
    actions: list[tuple[int, dict[str, Any], int]] = field(default_factory=list)
    amendments: list[dict[str, Any]] = field(default_factory=list)

    @property
    def final(self) -> bool:
        return self.row["finalised_at"] is not None


def build_meetings(ctx: DemoContext) -> None:
    builder = Builder(ctx)
    builder.weekly()
    builder.monthly()
    builder.committee()
    builder.forums()
    builder.amend()
    builder.insert()
    ctx.counts["meetings"] = len(builder.plans)
    ctx.counts["meeting_attendees"] = sum(len(p.attendees) for p in builder.plans)
    ctx.counts["meeting_actions"] = sum(len(p.actions) for p in builder.plans)
    ctx.counts["problems"] = ctx.counts.get("problems", 0) + len(builder.problems)


def signatures(rng: random.Random, count: int = SIGNATURES) -> list[bytes]:
    """Small signature-like PNGs on a transparent background, checked as the sign-in would."""
    out = []
    for _ in range(count):
        width, height = 200, 64
        picture = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        pen = ImageDraw.Draw(picture)
        ink = rng.choice(((20, 20, 30, 255), (18, 36, 110, 255), (0, 0, 0, 255)))
        x = rng.randint(8, 20)
        for _char in range(rng.randint(2, 3)):
            points = _curve([(x + rng.randint(0, 34), rng.randint(10, height - 12))
                             for _ in range(rng.randint(4, 6))])
            pen.line(points, fill=ink, width=2, joint="curve")
            x += rng.randint(40, 56)
        if rng.random() < 0.6:   # a flourish under the name
            y = rng.randint(height - 14, height - 6)
            pen.line(_curve([(10, y), (x // 2, y + rng.randint(-4, 4)), (x, y - rng.randint(2, 9)),
                             (x + 12, y - rng.randint(8, 16))]), fill=ink, width=2, joint="curve")
        buffer = io.BytesIO()
        picture.save(buffer, "PNG", optimize=True)
        out.append(check_signature(buffer.getvalue()))
    return out


def _curve(points: list[tuple[int, int]], steps: int = 6) -> list[tuple[float, float]]:
    """A Catmull-Rom curve through the points, so strokes look written rather than ruled."""
    padded = [points[0], *points, points[-1]]
    out: list[tuple[float, float]] = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1:i + 3]
        for s in range(steps):
            t = s / steps
            out.append(tuple(0.5 * (2 * b + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t * t
                                    + (-a + 3 * b - 3 * c + d) * t ** 3)
                             for a, b, c, d in zip(p0, p1, p2, p3)))  # type: ignore[misc]
    out.append(points[-1])
    return out


def _at(day: date, clock: time, minutes: int = 0) -> datetime:
    return datetime.combine(day, clock) + timedelta(minutes=minutes)


def _plus(clock: time, minutes: int) -> time:
    return _at(date(2000, 1, 1), clock, minutes).time()


class Builder:
    """Plans every meeting in memory, then writes them with a handful of bulk inserts."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.s: Session = ctx.session
        self.rng = ctx.rng("meetings")
        self.signatures = signatures(self.rng)
        self.plans: list[Plan] = []
        self.problems: list[dict[str, Any]] = []
        self.problem_steps: list[list[dict[str, Any]]] = []
        self.names: dict[int, str] = dict(self.s.execute(select(Community.id, Community.name))
                                          .all())
        self.kinds: dict[int, CommunityKind] = dict(
            self.s.execute(select(Community.id, Community.kind)).all())
        users = {u.username: u for u in self.s.scalars(
            select(User).where(User.username.in_(("lianluoyuan", "zuzhiban"))))}
        self.team_user = users.get("lianluoyuan")
        self.town_user = users.get("zuzhiban") or self.team_user
        self.seqs: dict[tuple[int, int], int] = defaultdict(int)
        for community, year, seq in self.s.execute(
                select(Problem.community_id, Problem.year, func.max(Problem.seq))
                .group_by(Problem.community_id, Problem.year)):
            self.seqs[(community, year)] = seq
        self.teams = list(self.ctx.teams)
        self.team_of = {link.community_id: t for t in self.teams for link in t.community_links}

    # --- shared pieces ------------------------------------------------------------------

    def roster(self, teams: Sequence[Team], day: date,
               roles: Sequence[MemberRole] | None = None) -> list[tuple[Person, str, MemberRole]]:
        """As ``services.meetings.roster_for``: members in force, by team, role, person."""
        found = sorted(((m.team_id, ROLE_ORDER.index(m.role), m.person_id, m)
                        for team in teams for m in team.memberships
                        if m.in_force(day) and (roles is None or m.role in roles)),
                       key=lambda r: r[:3])
        seen: dict[int, tuple[Person, str, MemberRole]] = {}
        for _team, _order, person_id, m in found:
            seen.setdefault(person_id, (m.person, m.title or m.role.label, m.role))
        return list(seen.values())

    def meeting(self, kind: MeetingKind, teams: Sequence[Team], day: date, start: time,
                minutes: int, place: str, *, community_id: int | None = None,
                title: str = "") -> Plan:
        final = day < DRAFTS_FROM
        finalised = None
        if final:
            finalised = min(_at(day, start, minutes + self.rng.choice((30, 90, 1440, 2880, 4320))),
                            _at(LAST_DAY, time(17, 30)))
        row = {"kind": kind, "title": title or default_title(kind, list(teams), day),
               "held_on": day, "start_time": start, "end_time": _plus(start, minutes),
               "place": place, "community_id": community_id, "host_id": None,
               "recorder_id": None, "decisions": "", "finalised_at": finalised,
               "finalised_by": None, "finalised_by_name": "", "recorded_by": None, "version": 1}
        plan = Plan(row, [t.id for t in teams])
        self.plans.append(plan)
        return plan

    def chairs(self, plan: Plan, host: Person | None, recorder: Person | None) -> None:
        """Who chaired and who kept the minutes. Town meetings are entered and finalised with
        the org office's account; a team's by its liaison's account where the demo has one
        (the first team), else only the recorder's name is kept."""
        row = plan.row
        row["host_id"] = host.id if host else None
        row["recorder_id"] = recorder.id if recorder else None
        user = self.town_user if row["kind"].town_level else self.team_user
        if not row["kind"].town_level and (user is None or recorder is None
                                           or user.person_id != recorder.id):
            user = None
        name = user.display_name if user else (recorder.name if recorder else "")
        row["recorded_by"] = user.id if user else None
        if plan.final:
            row["finalised_by"] = user.id if user else None
            row["finalised_by_name"] = name[:60]

    def sign_in(self, plan: Plan, person: Person | None, name: str, unit: str, post: str, *,
                expected: bool = True, support: bool = False, present: bool = False) -> dict:
        """One attendee with a believable status; signatures for most who came."""
        row = plan.row
        day, start = row["held_on"], row["start_time"]
        status: Attendance | None
        arrived, reason = None, ""
        roll = self.rng.random()
        leave = 0.10 if support else 0.05
        if not expected or present:
            status = Attendance.LATE if roll < 0.04 else Attendance.PRESENT
        elif roll < 0.02:
            status = Attendance.ABSENT
        elif roll < 0.02 + leave:
            status = Attendance.LEAVE
            reason = self.rng.choice(SUPPORT_LEAVE_REASONS if support else LEAVE_REASONS)
        elif roll < 0.08 + leave:
            status = Attendance.LATE
        else:
            status = Attendance.PRESENT
        if status == Attendance.LATE:
            arrived = _plus(start, self.rng.choice((5, 8, 10, 12, 15, 20, 25, 30)))
        if not plan.final and day >= UNSIGNED_FROM and plan.row.get("_unsigned"):
            status, arrived, reason = None, None, ""
        signature, signed_at = None, None
        share = 0.9 if plan.final else 0.5
        if status in (Attendance.PRESENT, Attendance.LATE) and self.rng.random() < share:
            key = person.id if person is not None else self.rng.randrange(len(self.signatures))
            signature = self.signatures[key % len(self.signatures)]
            signed_at = _at(day, arrived or start, -self.rng.randint(0, 10) if not arrived else 0)
        attendee = {"person_id": person.id if person is not None else None,
                    "position": len(plan.attendees), "name": name[:40], "unit": unit[:80],
                    "post": post[:80], "expected": expected, "status": status,
                    "arrived_at": arrived, "leave_reason": reason, "signature_png": signature,
                    "signed_at": signed_at, "version": 1}
        plan.attendees.append(attendee)
        return attendee

    def expect(self, plan: Plan, roster: list[tuple[Person, str, MemberRole]],
               always: Sequence[int] = ()) -> dict[int, dict]:
        return {person.id: self.sign_in(
            plan, person, person.name, person.unit, post or person.position,
            support=role in (MemberRole.SUPPORT, MemberRole.COMMUNITY_LIAISON),
            present=person.id in always) for person, post, role in roster}

    def walk_in(self, plan: Plan, name: str, unit: str, post: str) -> None:
        self.sign_in(plan, None, name, unit, post, expected=False)

    def stranger(self) -> str:
        return person_name(self.rng, gender(self.rng, 0.55))

    def agenda(self, plan: Plan, title: str, discussion: str, decision: str) -> int:
        written = plan.final or plan.row["held_on"] < UNSIGNED_FROM or title == CARRY_OVER_TITLE
        plan.agenda.append({"position": len(plan.agenda), "title": title[:200],
                            "discussion": discussion if written else "",
                            "decision": decision if written else "", "version": 1})
        return len(plan.agenda) - 1

    def decide(self, plan: Plan) -> None:
        if not (plan.final or plan.row["held_on"] < UNSIGNED_FROM):
            return
        items = [a["decision"] for a in plan.agenda if a["decision"]
                 and a["title"] != CARRY_OVER_TITLE]
        plan.row["decisions"] = "\n".join(f"{n}. {text}" for n, text in enumerate(items, 1))

    def action(self, plan: Plan, agenda_index: int, text: str, owner: Person | None,
               deadline: date, community_id: int, category: str, dept: str) -> dict:
        """An action item and the new problem it raises in the ledger (as ``add_action``)."""
        day = plan.row["held_on"]
        self.seqs[(community_id, day.year)] += 1
        seq = self.seqs[(community_id, day.year)]
        team = self.team_of.get(community_id)   # the team serving the place, as the ledger has it
        level = HandlingLevel.REFERRED if dept else HandlingLevel.COMMUNITY
        recorder = plan.row["recorded_by"]
        problem: dict[str, Any] = {
            "community_id": community_id,
            "team_id": team.id if team else (plan.team_ids[0] if plan.team_ids else None),
            "year": day.year, "seq": seq, "number": number_for(self.names[community_id],
                                                               day.year, seq),
            "reported_on": day, "source": ProblemSource.MEETING, "station_session_id": None,
            "reporter_household_id": None, "reporter_person_id": None, "anonymous": False,
            "reporter_name": plan.row["title"][:60], "category": category,
            "description": text, "level": level, "leader_id": owner.id if owner else None,
            "department": dept, "deadline": deadline, "result": "",
            "status": ProblemStatus.REGISTERED, "situation": "", "solution": "", "budget": None,
            "subsidy": None, "expected_completion": None, "feedback_method": None,
            "feedback_on": None, "satisfaction": None, "recorded_by": recorder, "version": 1}
        self.problem_steps.append(problem_flow(self.rng, problem, recorder))
        self.problems.append(problem)
        item = {"text": text, "owner_id": owner.id if owner else None, "deadline": deadline,
                "created_problem": True, "version": 1, "_owner": owner.name if owner else "未定"}
        plan.actions.append((agenda_index, item, len(self.problems) - 1))
        return item

    def status_on(self, problem_index: int, day: date) -> tuple[ProblemStatus, bool]:
        steps = [s for s in self.problem_steps[problem_index] if s["on_date"] <= day]
        status = steps[-1]["to_status"] if steps else ProblemStatus.REGISTERED
        overdue = not status.finished and self.problems[problem_index]["deadline"] < day
        return status, overdue

    def fill(self, template: str, values: dict[str, Any]) -> str:
        return template.format(**values)

    # --- weekly meetings ----------------------------------------------------------------

    def weekly(self) -> None:
        sessions = self._station_sessions()
        for team in self.teams:
            start, minutes = self.rng.choice(WEEKLY_SLOTS)
            first = FIRST_DAY + timedelta(days=(team.station_weekday - FIRST_DAY.isoweekday()) % 7)
            if first - timedelta(days=1) < FIRST_DAY:
                first += timedelta(weeks=1)
            station, last = first, None
            while station - timedelta(days=1) <= LAST_DAY:
                if team.dissolved_on is not None and station >= team.dissolved_on:
                    break
                roll = self.rng.random()
                if roll >= MISSED_WEEKS:
                    late = roll < MISSED_WEEKS + LATE_WEEKS
                    last = self._weekly(team, station, late, start, minutes, last,
                                        sessions[team.id])
                station += timedelta(weeks=1)

    def _station_sessions(self) -> dict[int, list[tuple[date, str, str, int]]]:
        """Each team's station sessions (day, kind, summary, problems raised) for carry-over."""
        raised = dict(self.s.execute(
            select(Problem.station_session_id, func.count()).where(
                Problem.station_session_id.is_not(None)).group_by(Problem.station_session_id))
            .all())
        out: dict[int, list[tuple[date, str, str, int]]] = defaultdict(list)
        for sid, team_id, held_on, kind, summary in self.s.execute(
                select(StationSession.id, StationSession.team_id, StationSession.held_on,
                       StationSession.kind, StationSession.summary)
                .where(StationSession.held_on >= FIRST_DAY - timedelta(days=14))
                .order_by(StationSession.held_on, StationSession.id)):
            out[team_id].append((held_on, kind.label, summary, raised.get(sid, 0)))
        return out

    def _weekly(self, team: Team, station: date, late: bool, start: time, minutes: int,
                last: Plan | None, sessions: list[tuple[date, str, str, int]]) -> Plan:
        day = station if late else station - timedelta(days=1)
        if late:   # on the station day itself, before the visit
            start, minutes = _plus(team.station_start, -80), 60
        plan = self.meeting(MeetingKind.WEEKLY, [team], day, start, minutes, team.station_place)
        plan.row["_unsigned"] = self.rng.random() < 0.3
        roster = self.roster([team], day)
        by_role = defaultdict(list)
        for person, _post, role in roster:
            by_role[role].append(person)
        leader = (by_role[MemberRole.LEADER] or [None])[0]
        liaison = (by_role[MemberRole.TOWN_LIAISON] or [None])[0]
        signed = self.expect(plan, roster, always=[liaison.id] if liaison else [])
        host = leader
        if leader is not None and signed[leader.id]["status"] in (Attendance.LEAVE,
                                                                  Attendance.ABSENT):
            host = (by_role[MemberRole.CORE] or [leader])[0]   # 副组长 chairs
        self.chairs(plan, host, liaison)
        members = [p for p in by_role[MemberRole.CORE] + by_role[MemberRole.COMMUNITY_LIAISON]
                   if signed[p.id]["status"] not in (Attendance.LEAVE, Attendance.ABSENT)]
        members = members or by_role[MemberRole.CORE] or [p for p, _, _ in roster]
        communities = [link.community_id for link in team.community_links]
        community = self.rng.choice(communities)
        picks = self.rng.sample(members, k=min(3, len(members)))
        while len(picks) < 3:
            picks.append(picks[0])
        values = {"community": self.names[community], "leader": host.name if host else "团队长",
                  "liaison": liaison.name if liaison else "联络员", "m1": picks[0].name,
                  "m2": picks[1].name, "m3": picks[2].name, "station": f"{station:%m月%d日}",
                  "n": self.rng.randint(3, 14), "k": self.rng.randint(1, 4),
                  "category": self.rng.choice(list(MATTERS)), "theme": self.rng.choice(THEMES),
                  "policy": self.rng.choice(POLICIES)}
        carried = self._carry_over(last, sessions, day)
        if carried:
            self.agenda(plan, CARRY_OVER_TITLE, carried, self.rng.choice(CARRY_DECISIONS))
        topics = self.rng.sample(WEEKLY_TOPICS, k=self.rng.choice((1, 2, 2)))
        season = _season(day.month)
        if season and self.rng.random() < 0.3:
            topics.append(season)
        for title, discussion, decision in topics:
            self.agenda(plan, self.fill(title, values), self.fill(discussion, values),
                        self.fill(decision, values))
        if self.rng.random() < 0.35:
            self._weekly_action(plan, values, community, picks[0], day)
        self.decide(plan)
        return plan

    def _weekly_action(self, plan: Plan, values: dict[str, Any], community: int,
                       owner: Person, day: date) -> None:
        category = self.rng.choice(ACTION_CATEGORIES)
        matter = self.rng.choice(MATTERS[category])
        dept = self.rng.choice(DEPARTMENT_FOR[category]) if self.rng.random() < 0.6 else ""
        deadline = day + timedelta(days=self.rng.choice((7, 10, 14, 15, 20, 30)))
        values = {**values, "category": category, "matter": matter, "owner": owner.name,
                  "matter_short": matter.split("，")[0],
                  "dept": dept or f"{self.names[community]}两委",
                  "deadline": f"{deadline:%m月%d日}"}
        title, discussion, decision, text = ACTION_TOPIC
        index = self.agenda(plan, self.fill(title, values), self.fill(discussion, values),
                            self.fill(decision, values))
        self.action(plan, index, self.fill(text, values), owner, deadline, community, category,
                    dept)

    def _carry_over(self, last: Plan | None, sessions: list[tuple[date, str, str, int]],
                    day: date) -> str:
        """The service's carry-over text (``services.meetings.carry_over``), from the plans."""
        lines: list[str] = []
        if last is not None:
            lines.append(f"上次周会（{last.row['held_on']:%m月%d日}）交办事项：")
            for _index, action, problem_index in last.actions:
                status, overdue = self.status_on(problem_index, day)
                state = status.label + ("，已超期" if overdue else "")
                lines.append(f"- {action['text']}（{action['_owner']}，{action['deadline']:%m月%d日}前；"
                             f"{self.problems[problem_index]['number']} {state}）")
            if not last.actions:
                lines.append("- 无")
            if last.row["decisions"]:
                lines.append(f"上次会议决定：{last.row['decisions']}")
        before = [s for s in sessions if s[0] < day]
        if before:
            held_on, kind, summary, raised = before[-1]
            summary = summary.rstrip("。") or "未填写摘要"
            lines.append(f"上次驻点（{held_on:%m月%d日}，{kind}）：{summary}；"
                         f"收集问题 {raised} 个。")
        return "\n".join(lines)

    # --- the monthly meeting, the party committee, forums ---------------------------------

    def _town_people(self) -> tuple[Person | None, Person | None, Person | None]:
        """The deputy secretary (hosts the monthly meeting), the secretary and an org-office
        cadre (records it)."""
        people = list(self.s.scalars(select(Person).where(
            Person.category.in_([PersonCategory.TOWN_LEADER, PersonCategory.TOWN_CADRE]))
            .order_by(Person.id)))
        deputy = next((p for p in people if p.position == "党委副书记"), None)
        secretary = next((p for p in people if p.position == "党委书记"), None)
        clerk = next((p for p in people if p.unit.endswith("组织办")), None)
        return deputy, secretary, clerk

    def monthly(self) -> None:
        deputy, _secretary, clerk = self._town_people()
        figures = self._monthly_figures()
        month = date(FIRST_DAY.year, FIRST_DAY.month, 1)
        months = []
        while month <= LAST_DAY:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        # One month a team or two is away (a month the current year's view shows).
        this_year = [m for m in months if m.year == LAST_DAY.year and m.month < LAST_DAY.month]
        gap_month = self.rng.choice(this_year or months)
        for first in months:
            last_day = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            day = last_day - timedelta(days=(last_day.isoweekday() - 4) % 7)   # last Thursday
            teams = [t for t in self.teams
                     if t.dissolved_on is None or t.dissolved_on > day]
            if first == gap_month:
                for away in self.rng.sample(teams, k=min(len(teams) - 1, self.rng.choice((1, 2)))):
                    teams.remove(away)
            self._monthly(first, day, teams, deputy, clerk, figures)

    def _monthly_figures(self) -> dict[tuple[int, int, int], tuple[int, int, int]]:
        """Per (team, year, month): station sessions, problems raised, of which handled."""
        out: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
        for team_id, held_on in self.s.execute(
                select(StationSession.team_id, StationSession.held_on)
                .where(StationSession.held_on >= FIRST_DAY)):
            out[(team_id, held_on.year, held_on.month)][0] += 1
        done = (select(ProblemStep.problem_id, func.min(ProblemStep.on_date).label("on"))
                .where(ProblemStep.to_status == ProblemStatus.DONE)
                .group_by(ProblemStep.problem_id).subquery())
        for team_id, reported, handled in self.s.execute(
                select(Problem.team_id, Problem.reported_on, done.c.on)
                .outerjoin(done, done.c.problem_id == Problem.id)
                .where(Problem.reported_on >= FIRST_DAY, Problem.team_id.is_not(None))):
            entry = out[(team_id, reported.year, reported.month)]
            entry[1] += 1
            month_end = (reported.replace(day=1) + timedelta(days=32)).replace(day=1)
            if handled is not None and handled < month_end:
                entry[2] += 1
        return {k: tuple(v) for k, v in out.items()}  # type: ignore[misc]

    def _monthly(self, first: date, day: date, teams: list[Team], deputy: Person | None,
                 clerk: Person | None, figures: dict) -> None:
        plan = self.meeting(MeetingKind.MONTHLY, teams, day, time(9, 0), 150, TOWN_HALL)
        plan.row["_unsigned"] = False
        roster = self.roster(sorted(teams, key=lambda t: t.id), day, MONTHLY_ROLES)
        signed = self.expect(plan, roster, always=[deputy.id] if deputy else [])
        self.chairs(plan, deputy, clerk)
        if clerk is not None and clerk.id not in signed:
            self.walk_in(plan, clerk.name, clerk.unit, clerk.position)
        for office in self.rng.sample(("党政办", "综治办", "社事办", "规划建设办"), k=2):
            self.walk_in(plan, self.stranger(), TOWN_NAME + office, "主任")
        lines = []
        for team in teams:
            sessions, raised, handled = figures.get((team.id, first.year, first.month), (0, 0, 0))
            lines.append(f"{team.name}：驻点 {sessions} 次，收集问题 {raised} 个，"
                         f"当月办结 {handled} 个。")
        host = deputy.name if deputy else "主持人"
        lines.append(f"{host}点评：各团队驻点接待和走访总体扎实，个别团队问题办结率偏低，"
                     "要加强跟踪督办。")
        self.agenda(plan, f"各驻点团队汇报{first.month}月驻点直联工作情况", "\n".join(lines),
                    "各团队对照问题清单抓好办理，超期问题由团队长督办，下次汇报会通报。")
        team = self.rng.choice(teams)
        community = self.rng.choice([link.community_id for link in team.community_links])
        category = self.rng.choice(ACTION_CATEGORIES)
        matter = self.rng.choice(MATTERS[category])
        dept = self.rng.choice(DEPARTMENT_FOR[category])
        deadline = day + timedelta(days=self.rng.choice((15, 20, 30)))
        leaders = [p for p, _post, role in roster if role == MemberRole.LEADER
                   and any(m.person_id == p.id for m in team.memberships)]
        owner = leaders[0] if leaders else None
        index = self.agenda(
            plan, "研究跨村（社区）难点问题",
            f"{team.name}反映{self.names[community]}{matter}，涉及{dept}等部门，村（社区）层面"
            f"难以解决。{host}要求相关部门主动对接，不推诿。",
            f"由{dept}牵头，{owner.name if owner else team.name}配合，{deadline:%m月%d日}前拿出"
            "解决方案，下次汇报会通报进展。")
        self.action(plan, index, f"{self.names[community]}{matter.split('，')[0]}：由{dept}牵头"
                    "研究解决方案", owner, deadline, community, category, dept)
        nxt = (first + timedelta(days=32)).replace(day=1)
        work = self.rng.sample(MONTHLY_NEXT, k=2)
        self.agenda(plan, f"部署{nxt.month}月重点工作",
                    f"{host}部署下月工作：一是{work[0]}；二是{work[1]}。各团队长作表态发言。",
                    f"各团队{work[0]}，{work[1]}，月底前报送工作小结。")
        self.decide(plan)

    def committee(self) -> None:
        """Party committee topic meetings each quarter on the problems raised to it."""
        _deputy, secretary, _clerk = self._town_people()
        raised = list(self.s.execute(
            select(Problem.number, Problem.community_id, Problem.team_id, Problem.category,
                   Problem.description,
                   Problem.situation, Problem.solution, Problem.budget, Problem.subsidy,
                   Problem.expected_completion, Problem.reported_on)
            .where(Problem.level == HandlingLevel.PARTY_COMMITTEE, Problem.reported_on < LAST_DAY,
                   Problem.category.in_(("基础设施", "环境卫生", "治安消防", "民生救助")))
            .order_by(Problem.reported_on, Problem.id)))
        by_id = {t.id: t for t in self.teams}
        for month in (12, 3, 6, 9):
            year = FIRST_DAY.year if month >= FIRST_DAY.month else FIRST_DAY.year + 1
            first = date(year, month, 1)
            day = first + timedelta(days=(3 - first.isoweekday()) % 7 + 14)   # third Wednesday
            if not FIRST_DAY <= day <= LAST_DAY:
                continue
            recent = [r for r in raised if day - timedelta(days=120) <= r.reported_on < day]
            chosen = self.rng.sample(recent, k=min(len(recent), self.rng.randint(2, 3)))
            teams = sorted({by_id[r.team_id] for r in chosen if r.team_id in by_id},
                           key=lambda t: t.name)
            plan = self.meeting(MeetingKind.PARTY_COMMITTEE, teams, day, time(15, 0), 120,
                                COMMITTEE_ROOM,
                                title=f"党委会专题会议（研究驻点直联提请事项，{day:%Y年%m月%d日}）")
            plan.row["_unsigned"] = False
            members = [(p, p.position, role) for p, _post, role in self.roster(self.teams, day,
                                                                            [MemberRole.LEADER])
                       if "党委" in p.position]
            members.sort(key=lambda r: (not r[0].position.startswith("党委书记"), r[0].id))
            self.expect(plan, members, always=[secretary.id] if secretary else [])
            clerk = next((p for p in self.s.scalars(select(Person).where(
                Person.unit == f"{TOWN_NAME}党政办").order_by(Person.id).limit(1))), None)
            self.chairs(plan, secretary, clerk)
            for row in chosen:
                team = by_id.get(row.team_id)
                leader = team.leader if team else None
                if leader is not None and leader.id not in {a["person_id"] for a in plan.attendees}:
                    self.walk_in(plan, leader.name, leader.unit, f"{team.name}团队长（列席）")
                budget = f"{row.budget:,.0f}" if row.budget is not None else "待定"
                subsidy = f"{row.subsidy:,.0f}" if row.subsidy is not None else "待定"
                done_by = row.expected_completion or (day + timedelta(days=120))
                dept = self.rng.choice(DEPARTMENT_FOR[row.category])
                self.agenda(
                    plan, f"研究{row.number}提请事项",
                    f"{team.name if team else self.names[row.community_id]}提请研究：{row.description}。"
                    f"现状：{row.situation}拟定方案：{row.solution}预算 {budget} 元，申请镇级补贴 "
                    f"{subsidy} 元。与会同志逐一发表意见。",
                    f"原则同意。由{dept}会同{self.names[row.community_id]}按方案实施，"
                    f"{done_by:%Y年%m月}前完成，资金按程序拨付。")
            if plan.agenda:
                row = chosen[0]
                dept = self.rng.choice(DEPARTMENT_FOR[row.category])
                deadline = day + timedelta(days=30)
                owner = by_id[row.team_id].leader if row.team_id in by_id else None
                self.action(plan, 0, f"{self.names[row.community_id]}同类问题开展排查，"
                            f"由{dept}牵头形成清单报党委", owner, deadline, row.community_id,
                            row.category, dept)
            else:
                self.agenda(plan, "听取驻点直联工作情况汇报", "本季度各团队无提请党委会研究的事项。",
                            "继续抓好驻点直联工作。")
            self.decide(plan)

    def forums(self) -> None:
        """座谈会 with residents on the station days the ledger records as forums."""
        rows = list(self.s.execute(
            select(StationSession.team_id, StationSession.community_id, StationSession.held_on)
            .where(StationSession.kind == SessionKind.FORUM,
                   StationSession.held_on.between(FIRST_DAY, LAST_DAY))
            .order_by(StationSession.held_on, StationSession.id)))
        places = {r.community_id for r in rows}
        heads: dict[int, list[str]] = defaultdict(list)
        for community, head in self.s.execute(
                select(Household.community_id, Household.head_name)
                .where(and_(Household.community_id.in_(places), Household.moved_out_on.is_(None),
                            Household.kind == HouseholdKind.RESIDENT))
                .order_by(Household.id)):
            heads[community].append(head)
        by_id = {t.id: t for t in self.teams}
        for team_id, community, day in rows:
            team = by_id.get(team_id)
            if team is None or not heads[community]:
                continue
            topic, category, sayings = self.rng.choice(FORUM_TOPICS)
            name = self.names[community]
            plan = self.meeting(MeetingKind.FORUM, [team], day, team.station_start, 90,
                                f"{name}党群服务中心会议室", community_id=community,
                                title=f"{name}“{topic}”群众座谈会")
            plan.row["_unsigned"] = self.rng.random() < 0.3
            roster = self.roster([team], day)
            first = {role: p for p, _post, role in reversed(roster)}
            leader, liaison = first.get(MemberRole.LEADER), first.get(MemberRole.TOWN_LIAISON)
            self.expect(plan, roster, always=[p.id for p in (leader, liaison) if p])
            self.chairs(plan, leader, liaison)
            who = "村民代表" if self.kinds.get(community) != CommunityKind.COMMUNITY else "居民代表"
            residents = self.rng.sample(heads[community], k=min(len(heads[community]),
                                                                self.rng.randint(6, 12)))
            for resident in residents:
                self.walk_in(plan, resident, name,
                             self.rng.choice((who, who, who, "党员代表", "老年协会代表")))
            said = self.rng.sample(sayings, k=3)
            voices = [f"{resident}：{text}。" for resident, text in zip(residents, said)]
            host = leader.name if leader else "团队长"
            index = self.agenda(
                plan, f"听取群众对{topic}的意见建议",
                "\n".join(voices) + f"\n{host}逐一回应，能当场答复的当场答复，其余登记办理。",
                f"群众意见汇总后分类办理，{self.rng.randint(2, 5)}条当场答复，其余登记入问题"
                "台账限期办理，办理结果在村（社区）公开栏公示。")
            dept = self.rng.choice(DEPARTMENT_FOR[category])
            self.action(plan, index, f"{said[0]}（{residents[0]}等在座谈会上提出）", leader,
                        day + timedelta(days=20), community, category, dept)
            self.decide(plan)

    # --- amendments ---------------------------------------------------------------------

    def amend(self) -> None:
        """Three finalised weekly meetings of the demo liaison's team were corrected later."""
        if self.team_user is None or not self.teams:
            return
        done = [p for p in self.plans if p.final and p.row["kind"] == MeetingKind.WEEKLY
                and p.team_ids == [self.teams[0].id] and len(p.agenda) >= 2
                and p.row["finalised_by"] == self.team_user.id]
        if len(done) < 3:
            return
        picks = self.rng.sample(done, k=3)
        user = self.team_user

        def record(plan: Plan, what: str, reason: str, before: str, after: str) -> None:
            at = min(plan.row["finalised_at"] + timedelta(days=self.rng.randint(2, 9)),
                     _at(LAST_DAY, time(17, 0)))
            plan.amendments.append({"at": at, "user_id": user.id, "user_name": user.display_name,
                                    "reason": reason, "what": what[:200], "before": before,
                                    "after": after})

        # 1. A missed remark added to an agenda item's discussion.
        plan = picks[0]
        item = plan.agenda[-1]
        names = [a["name"] for a in plan.attendees if a["expected"]]
        old = item["discussion"]
        item["discussion"] = old + "\n" + self.rng.choice(ADDENDA).format(m1=self.rng.choice(names))
        item["version"] = 2
        record(plan, f"议题 {item['position'] + 1}“{item['title'][:20]}”讨论情况",
               "会后核对会议记录本，补记遗漏的发言内容，经主持人确认。", old, item["discussion"])
        # 2. A decision left out of the minutes.
        plan = picks[1]
        old = plan.row["decisions"]
        count = old.count("\n") + 2 if old else 1
        plan.row["decisions"] = (old + "\n" if old else "") + (
            f"{count}. 下周驻点增派一名组员到接待点，做好群众咨询登记。")
        plan.row["version"] = 2
        record(plan, "会议决定", "漏记一项会议决定，经主持人和参会人员确认补充。", old,
               plan.row["decisions"])
        # 3. Someone marked present had in fact asked for leave beforehand.
        plan = picks[2]
        chairs = (plan.row["host_id"], plan.row["recorder_id"])
        for attendee in plan.attendees:
            if (attendee["expected"] and attendee["status"] == Attendance.PRESENT
                    and attendee["person_id"] not in chairs):
                before = "出席" + ("，已签名" if attendee["signature_png"] else "")
                reason = self.rng.choice(LEAVE_REASONS)
                attendee.update(status=Attendance.LEAVE, leave_reason=reason, arrived_at=None,
                                signature_png=None, signed_at=None, version=2)
                record(plan, f"{attendee['name']} 签到",
                       "签到时误登记为出席，本人会前已书面请假，经团队长核实更正。", before,
                       f"请假（{reason}）")
                break

    # --- writing ------------------------------------------------------------------------

    def insert(self) -> None:
        s = self.s
        problem_ids = _insert_returning_ids(s, Problem, self.problems)
        steps = [{**step, "problem_id": pid}
                 for pid, flow in zip(problem_ids, self.problem_steps) for step in flow]
        if steps:
            s.execute(insert(ProblemStep).execution_options(render_nulls=True), steps)
        self.plans.sort(key=lambda p: (p.row["held_on"], p.row["start_time"]))
        for plan in self.plans:   # 定稿 with people present who did not sign needs the reason
            unsigned = [a["name"] for a in plan.attendees if not a["signature_png"]
                        and a["status"] in (Attendance.PRESENT, Attendance.LATE)]
            plan.row["unsigned_reason"] = (
                f"{'、'.join(unsigned)}未签名：{UNSIGNED_REASONS[len(unsigned) % 3]}"
                if plan.final and unsigned else "")
        meeting_ids = _insert_returning_ids(
            s, Meeting, [{k: v for k, v in p.row.items() if not k.startswith("_")}
                         for p in self.plans])
        links = [{"meeting_id": mid, "team_id": tid}
                 for mid, plan in zip(meeting_ids, self.plans) for tid in plan.team_ids]
        if links:
            s.execute(insert(meeting_team), links)
        agenda_rows = [{**item, "meeting_id": mid}
                       for mid, plan in zip(meeting_ids, self.plans) for item in plan.agenda]
        agenda_ids = iter(_insert_returning_ids(s, AgendaItem, agenda_rows))
        item_ids = [[next(agenda_ids) for _ in plan.agenda] for plan in self.plans]
        attendees = [{**a, "meeting_id": mid}
                     for mid, plan in zip(meeting_ids, self.plans) for a in plan.attendees]
        if attendees:
            s.execute(insert(Attendee).execution_options(render_nulls=True), attendees)
        actions = [{**{k: v for k, v in item.items() if not k.startswith("_")}, "meeting_id": mid,
                    "agenda_item_id": ids[index], "problem_id": problem_ids[problem]}
                   for mid, plan, ids in zip(meeting_ids, self.plans, item_ids)
                   for index, item, problem in plan.actions]
        if actions:
            s.execute(insert(ActionItem).execution_options(render_nulls=True), actions)
        amendments = [{**a, "meeting_id": mid}
                      for mid, plan in zip(meeting_ids, self.plans) for a in plan.amendments]
        if amendments:
            s.execute(insert(MeetingAmendment), amendments)


UNSIGNED_REASONS = ("签字板临时故障，已口头确认到会", "会前未及时签名，会后补签于纸质记录",
                    "平板电量不足，未能逐一签名")


def _insert_returning_ids(s: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert in one statement and return the new ids in row order (as the ledger step does)."""
    if not rows:
        return []
    before = s.scalar(select(model.id).order_by(model.id.desc()).limit(1)) or 0
    s.execute(insert(model).execution_options(render_nulls=True), rows)
    ids = list(s.scalars(select(model.id).where(model.id > before).order_by(model.id)))
    if len(ids) != len(rows):
        raise RuntimeError(f"{model.__name__}: {len(rows)} rows inserted, {len(ids)} ids found")
    return ids
