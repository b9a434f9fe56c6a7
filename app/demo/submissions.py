"""A year of upward submission (issue 8) up to the demo's last ledger day, inserted in bulk.

- Funding projects (附件2): one to three per team over the year, of every urgency. Most were
  approved at a party-committee meeting two to five weeks after the application, paid out in
  two or three instalments and followed month by month until completed (a few are); a few were
  refused with a reason; the most recent ones wait for the committee. The town sets each year's
  funds a little short of what 2026 asks for, so the queue shows who is not yet covered.
- Notice-board photos (公开栏相片): every community, every month, three (one 远景, two 近景).
  The pictures are drawn with Pillow — a red board with the community's name — four per
  community, reused month after month (so the large town keeps 240 small JPEGs, not 2,160);
  the month is in each photo's file name, not painted on a picture shared by twelve months.
- Written reports (书面汇报): from templates, with the month's figures counted from the
  records (station sessions, problems raised and solved, visits, funding progress).
- Submissions: each team's five items for each month, received mostly on time, some late, a
  few missing (缺报; some teams are sloppier than others); the first team is diligent and sent
  its last three months as packages (``SubmissionPackage`` rows; the photos went ahead by
  e-mail, as the 3rd comes long before the 30th). No receipt is later than the demo's last day:
  a bundle of the last month that would come after it came on that day, late.

The photos are generated JPEGs without metadata and within the size bounds, so the re-encoded
copy the app keeps is the file itself (``image_sha`` = ``original_sha``).
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import uuid
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import func, insert, select

from app import __version__
from app.demo.checks import FIRST_MONTH, insert_ids
from app.demo.context import DemoContext
from app.demo.ledgers import LAST_DAY
from app.models import (Community, Disbursement, FundingProject, FundingYear, MemberRole,
                        NoticePhoto, Person, PhotoKind, ProblemStatus, ProjectProgress,
                        ProjectStatus, StationSession, StoredFile, Submission, SubmissionKind,
                        SubmissionPackage, Team, Urgency, Visit, WrittenReport)
from app.models.ledgers import CENT, Problem, ProblemStep
from app.services.deadlines import due_date
from app.services.settings import get_settings

PHOTO_SIZE = (560, 420)
PHOTO_QUALITY = 70
PICTURES_PER_COMMUNITY = 4         # one 远景, three 近景; each month shows the 远景 and two 近景
PACKAGE_MONTHS = 3                 # the first team's last months sent as packages
END_OF_DEMO = datetime.combine(LAST_DAY, time(17, 30))

# (name, situation, plan, budget range in yuan)
PROJECTS: tuple[tuple[str, str, str, tuple[int, int]], ...] = (
    ("村道硬化及排水沟改造", "主村道约 800 米为泥结石路面，雨天积水、坑洼多，排水沟淤塞。",
     "路面改为 20 厘米水泥混凝土，两侧新建盖板排水沟，分两段施工不断行。", (180_000, 420_000)),
    ("巷道路灯安装", "居民小组内巷道没有路灯，夜间出行不便，群众多次在驻点时反映。",
     "安装太阳能路灯 40 盏，由村委会负责日常维护。", (60_000, 120_000)),
    ("长者饭堂厨房改造", "长者饭堂厨房设备老化，排烟不畅，存在消防隐患。",
     "更换灶具和排烟设备，加装燃气报警器，墙面地面防滑处理。", (80_000, 160_000)),
    ("文化室修缮", "村文化室屋面漏水，门窗破损，影响群众活动。",
     "屋面防水翻新，更换门窗，添置桌椅和书柜。", (90_000, 200_000)),
    ("河涌清淤及护岸", "河涌淤积严重，夏季有异味，部分护岸坍塌。",
     "机械清淤约 1.2 公里，坍塌段新建浆砌石护岸。", (250_000, 600_000)),
    ("公厕改造", "村中公厕为旱厕，卫生条件差。", "改建为水冲式公厕，配套化粪池，落实保洁。",
     (70_000, 140_000)),
    ("农田机耕路修复", "机耕路被水冲毁两处，农机无法进出。", "修复路基，铺设碎石路面，增设涵管。",
     (100_000, 260_000)),
    ("儿童游乐场地建设", "社区内没有儿童活动场地，家长反映强烈。",
     "利用闲置空地建设儿童游乐场地，铺设安全地垫。", (50_000, 110_000)),
    ("自来水管网改造", "高处住户水压不足，旧管漏损。", "更换主管约 600 米，加装增压设备。",
     (150_000, 380_000)),
    ("党群服务中心无障碍改造", "党群服务中心入口有台阶，长者和残疾人进出困难。",
     "增设无障碍坡道和扶手，改造卫生间。", (40_000, 90_000)),
)
REFUSALS = ("与区级项目重复，建议申报区农业农村局专项资金", "预算依据不足，请补充工程量清单后重新申报",
            "超出本年度专项经费安排，列入下年度储备项目")
PROGRESS_NOTES = ("完成设计和预算审核", "完成施工招标，施工队进场", "基础工程完成", "主体工程推进中",
                  "主体完成，进行收尾", "完成验收，交付使用")

REPORT_OPENINGS = (
    "本月，{team}按照镇党委“驻点普遍直接联系群众”工作部署，坚持每周固定时间驻点，"
    "团队成员下沉村（社区）开展接待和走访。",
    "{month}，{team}围绕群众反映的热点难点问题，认真落实驻点接待、入户走访和问题台账制度。",
    "{team}本月继续落实直联工作各项制度，驻点组长带队，联络员做好记录和资料报送。",
)
REPORT_WORK = ("本月驻点接待 {sessions} 次，入户走访 {visits} 户次；收集群众反映问题 {raised} 个，"
               "办结 {solved} 个。")
REPORT_NO_SESSIONS = "本月没有驻点记录；入户走访 {visits} 户次，收集群众反映问题 {raised} 个，办结 {solved} 个。"
REPORT_PROJECTS = "专项经费项目：{lines}。"
REPORT_CLOSINGS = (
    "下一步，团队将继续跟进未办结问题，按时向群众反馈办理结果，做好重点人群走访登记。",
    "下月将重点做好未办结问题的跟踪督办，落实每周例会制度，按时报送各项资料。",
    "团队将加强与村（社区）“两委”的沟通，把群众反映的问题解决在基层。",
)


def build_submissions(ctx: DemoContext) -> None:
    builder = _Builder(ctx, ctx.rng("submissions"))
    builder.projects()
    builder.photos()
    builder.submissions()
    builder.reports()
    builder.packages()
    builder.submission_list()
    builder.insert()
    counts = ctx.counts
    counts["funding_projects"] = len(builder.project_rows)
    counts["disbursements"] = sum(len(d) for d in builder.disbursements)
    counts["notice_photos"] = len(builder.photo_rows)
    counts["photo_files"] = len(builder.files)
    counts["written_reports"] = len(builder.report_rows)
    counts["submissions"] = len(builder.submission_rows)
    counts["submissions_late"] = builder.late
    counts["submissions_missing"] = builder.missing
    counts["submission_packages"] = len(builder.package_rows)


def _months() -> list[tuple[int, int]]:
    out, (year, month) = [], FIRST_MONTH
    while (year, month) <= (LAST_DAY.year, LAST_DAY.month):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _month_end(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _yuan(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


class _Builder:
    def __init__(self, ctx: DemoContext, rng: random.Random) -> None:
        self.ctx, self.s, self.rng = ctx, ctx.session, rng
        self.settings = get_settings(self.s)
        self.months = _months()
        self.teams = sorted(ctx.teams, key=lambda t: t.id)
        self.links = {t.id: [link.community_id for link in
                             sorted(t.community_links, key=lambda l: l.position)]
                      for t in self.teams}
        self.names = dict(self.s.execute(select(Community.id, Community.name)).all())
        self.project_rows: list[dict[str, Any]] = []
        self.disbursements: list[list[dict[str, Any]]] = []
        self.progress: list[list[dict[str, Any]]] = []
        self.years: dict[int, Decimal] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.photo_rows: list[dict[str, Any]] = []
        self.photo_shas: dict[tuple[int, int, int], list[str]] = {}
        self.received: dict[tuple[int, int, int, SubmissionKind], datetime] = {}
        self.submission_rows: list[dict[str, Any]] = []
        self.report_rows: list[dict[str, Any]] = []
        self.package_rows: list[dict[str, Any]] = []
        self.package_items: list[list[tuple[int, int, int, SubmissionKind]]] = []
        self.late = self.missing = 0

    def active(self, team: Team, year: int, month: int) -> bool:
        return team.dissolved_on is None or team.dissolved_on > date(year, month, 1)

    # --- funding projects -------------------------------------------------------------------

    def projects(self) -> None:
        rng = self.rng
        first = date(*FIRST_MONTH, 1)
        span = (LAST_DAY - first).days - 5
        made = decisions = 0
        for team in self.teams:
            if not self.links[team.id] or team.dissolved_on is not None:
                continue
            count = rng.choices((1, 2, 3), weights=(40, 40, 20))[0]
            for name, situation, plan, (low, high) in rng.sample(PROJECTS, k=count):
                community = rng.choice(self.links[team.id])
                made += 1
                applied = first + timedelta(days=rng.randrange(span))
                if made % 10 == 4:           # a few applied lately: waiting for the committee
                    applied = LAST_DAY - timedelta(days=rng.randrange(5, 25))
                budget = Decimal(rng.randrange(low, high, 500))
                share = rng.choice((0.4, 0.5, 0.6, 0.8, 1.0))
                subsidy = _yuan(round(float(budget) * share / 100) * 100)
                if rng.random() < 0.2:      # some applications ask for an odd amount, to the cent
                    subsidy -= Decimal(rng.choice(("0.50", "12.30", "0.80")))
                urgency = rng.choices(list(Urgency), weights=(25, 40, 35))[0]
                expected = applied + timedelta(days=rng.randrange(90, 300))
                row: dict[str, Any] = {
                    "uid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "team_id": team.id, "community_id": community,
                    "name": f"{self.names[community]}{name}", "situation": situation,
                    "plan": plan, "budget": budget.quantize(CENT), "subsidy": subsidy,
                    "applied_on": applied, "urgency": urgency,
                    "status": ProjectStatus.APPLIED, "decided_on": None,
                    "approved_amount": None, "refusal_reason": "",
                    "expected_completion": expected, "actual_completion": None,
                    "recorded_by": None, "version": 1}
                payments: list[dict[str, Any]] = []
                progress: list[dict[str, Any]] = []
                decided = applied + timedelta(days=rng.randrange(14, 36))
                if decided <= LAST_DAY - timedelta(days=3):
                    row["decided_on"] = decided
                    decisions += 1
                    if decisions % 8 == 3:   # a few refused
                        row["status"] = ProjectStatus.REFUSED
                        row["refusal_reason"] = rng.choice(REFUSALS)
                    else:
                        self._follow(row, payments, progress)
                self.project_rows.append(row)
                self.disbursements.append(payments)
                self.progress.append(progress)
        self.project_rows, self.disbursements, self.progress = (
            list(x) for x in zip(*sorted(
                zip(self.project_rows, self.disbursements, self.progress),
                key=lambda r: (r[0]["applied_on"], r[0]["team_id"])))) \
            if self.project_rows else ([], [], [])
        for year in sorted({r["applied_on"].year for r in self.project_rows}):
            asked = sum((r["approved_amount"] if r["approved_amount"] is not None
                         else r["subsidy"]) for r in self.project_rows
                        if r["applied_on"].year == year and r["status"] != ProjectStatus.REFUSED)
            # 2025 (two months of it) is covered; 2026's funds fall a little short.
            share = Decimal("1.2") if year < LAST_DAY.year else Decimal("0.85")
            self.years[year] = (asked * share / 10_000).quantize(Decimal(1)) * 10_000

    def _follow(self, row: dict[str, Any], payments: list[dict[str, Any]],
                progress: list[dict[str, Any]]) -> None:
        """Approved: the amount, the instalments and the monthly progress up to the last day."""
        rng = self.rng
        decided: date = row["decided_on"]
        subsidy: Decimal = row["subsidy"]
        approved = subsidy if rng.random() < 0.7 else max(
            Decimal(1000), (subsidy * Decimal("0.8") / 1000).quantize(Decimal(1)) * 1000)
        approved = min(approved, subsidy).quantize(CENT)
        row["status"], row["approved_amount"] = ProjectStatus.APPROVED, approved
        first_pay = decided + timedelta(days=rng.randrange(7, 21))
        paid = Decimal("0.00")
        if first_pay <= LAST_DAY:
            amount = (approved * Decimal(rng.choice(("0.3", "0.4", "0.5")))).quantize(CENT)
            payments.append({"paid_on": first_pay, "amount": amount, "note": "首期拨付"})
            paid += amount
        year, month = decided.year, decided.month
        percent, step = 0, rng.choice((7, 9, 12, 16, 25))
        second_done = False
        while (year, month) <= (LAST_DAY.year, LAST_DAY.month):
            percent = min(100, percent + max(3, step + rng.randint(-4, 4)))
            end = min(_month_end(year, month), LAST_DAY)
            if percent >= 100:
                done = max(decided + timedelta(days=1),
                           date(year, month, 1) + timedelta(days=rng.randrange(min(25, end.day))))
                done = min(done, end)
                progress.append({"year": year, "month": month, "percent": 100,
                                 "note": PROGRESS_NOTES[-1], "version": 1})
                row["status"], row["actual_completion"] = ProjectStatus.COMPLETED, done
                last_pay = done + timedelta(days=rng.randrange(5, 16))
                if last_pay <= LAST_DAY and paid < approved:
                    payments.append({"paid_on": last_pay, "amount": approved - paid,
                                     "note": "验收后拨付尾款"})
                break
            note = PROGRESS_NOTES[min(len(PROGRESS_NOTES) - 2, percent * 5 // 100)]
            progress.append({"year": year, "month": month, "percent": percent, "note": note,
                             "version": 1})
            if percent >= 60 and not second_done and payments:
                on = min(end, max(payments[-1]["paid_on"] + timedelta(days=10),
                                  date(year, month, 20)))
                if on <= LAST_DAY:
                    amount = (approved * Decimal("0.3")).quantize(CENT)
                    if paid + amount < approved:
                        payments.append({"paid_on": on, "amount": amount, "note": "按进度拨付"})
                        paid += amount
                second_done = True
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    # --- notice-board photos ----------------------------------------------------------------

    def photos(self) -> None:
        for cid in sorted(self.names):
            shas = []
            for variant in range(PICTURES_PER_COMMUNITY):
                data = board_picture(self.names[cid], variant, self.ctx.seed + cid)
                sha = hashlib.sha256(data).hexdigest()
                self.files[sha] = {"sha256": sha, "size": len(data), "mime": "image/jpeg",
                                   "data": data}
                shas.append(sha)
            for index, (year, month) in enumerate(self.months):
                nears = [1 + index % 3, 1 + (index + 1) % 3]
                taken = []
                for n, variant in enumerate([0] + nears):
                    kind = PhotoKind.FAR if variant == 0 else PhotoKind.NEAR
                    name = f"{self.names[cid]}公开栏_{year}年{month:02d}月_{kind.label}" \
                           f"{'' if variant == 0 else n}.jpg"
                    self.photo_rows.append({
                        "community_id": cid, "year": year, "month": month, "kind": kind,
                        "file_name": name, "original_sha": shas[variant],
                        "image_sha": shas[variant], "width": PHOTO_SIZE[0],
                        "height": PHOTO_SIZE[1], "added_by": None})
                    taken.append(shas[variant])
                self.photo_shas[(cid, year, month)] = taken

    # --- what each team sent, and when --------------------------------------------------------

    def submissions(self) -> None:
        rng = self.rng
        first_team = self.teams[0].id if self.teams else None
        for team in self.teams:
            diligent = team.id == first_team
            p_missing = 0.0 if diligent else rng.choice((0.01, 0.02, 0.03, 0.06))
            p_late = 0.03 if diligent else rng.choice((0.05, 0.08, 0.12, 0.2))
            for year, month in self.months:
                if not self.active(team, year, month):
                    continue
                photos_due = due_date(SubmissionKind.PHOTOS, year, month, self.settings)
                forms_due = due_date(SubmissionKind.REPORT, year, month, self.settings)
                roll = rng.random()
                if roll >= p_missing:
                    late = roll < p_missing + p_late
                    day = (photos_due + timedelta(days=rng.randint(1, 8)) if late
                           else date(year, month, rng.randint(1, photos_due.day)))
                    self._receive(team.id, year, month, SubmissionKind.PHOTOS, day)
                # The forms and the report go together at the month's end, now and then one
                # of them forgotten.
                late = rng.random() < p_late
                day = (forms_due + timedelta(days=rng.randint(1, 9)) if late
                       else forms_due - timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5))))
                for kind in (SubmissionKind.FORM1, SubmissionKind.FORM2,
                             SubmissionKind.REGISTER, SubmissionKind.REPORT):
                    if rng.random() >= p_missing:
                        self._receive(team.id, year, month, kind, day)
        # The showcase month (the last one) names one sloppy team in the 缺报 list.
        sloppy = [t for t in self.teams[1:] if self.active(t, *self.months[-1])]
        if sloppy:
            team = rng.choice(sloppy)
            for kind in (SubmissionKind.FORM1, SubmissionKind.REGISTER):
                self.received.pop((team.id, *self.months[-1], kind), None)

    def submission_list(self) -> None:
        """The rows, once the packages have set the time their items arrived."""
        for (team_id, year, month, kind), at in sorted(self.received.items(),
                                                       key=lambda i: (i[1], i[0][0])):
            self.submission_rows.append({"team_id": team_id, "year": year, "month": month,
                                         "kind": kind, "received_at": at, "package_id": None,
                                         "note": ""})
            if at.date() > due_date(kind, year, month, self.settings):
                self.late += 1
        owed = sum(len(SubmissionKind) for team in self.teams for year, month in self.months
                   if self.active(team, year, month))
        self.missing = owed - len(self.received)

    def _receive(self, team_id: int, year: int, month: int, kind: SubmissionKind,
                 day: date) -> None:
        at = datetime.combine(day, time(self.rng.randint(8, 17), self.rng.randrange(60)))
        self.received[(team_id, year, month, kind)] = min(at, END_OF_DEMO)

    # --- written reports ------------------------------------------------------------------

    def reports(self) -> None:
        s, rng = self.s, self.rng
        start = date(*FIRST_MONTH, 1)
        figures: dict[tuple[int, int, int], Counter] = defaultdict(Counter)
        for team_id, on, n in s.execute(
                select(StationSession.team_id, StationSession.held_on, func.count())
                .where(StationSession.held_on.between(start, LAST_DAY))
                .group_by(StationSession.team_id, StationSession.held_on)):
            figures[(team_id, on.year, on.month)]["sessions"] += n
        for team_id, on, n in s.execute(
                select(Visit.team_id, Visit.visited_on, func.count())
                .where(Visit.visited_on.between(start, LAST_DAY))
                .group_by(Visit.team_id, Visit.visited_on)):
            figures[(team_id, on.year, on.month)]["visits"] += n
        for team_id, on, n in s.execute(
                select(Problem.team_id, Problem.reported_on, func.count())
                .where(Problem.reported_on.between(start, LAST_DAY), Problem.team_id.isnot(None))
                .group_by(Problem.team_id, Problem.reported_on)):
            figures[(team_id, on.year, on.month)]["raised"] += n
        for team_id, on, n in s.execute(
                select(Problem.team_id, ProblemStep.on_date, func.count(func.distinct(Problem.id)))
                .join(ProblemStep, ProblemStep.problem_id == Problem.id)
                .where(ProblemStep.to_status == ProblemStatus.DONE,
                       ProblemStep.on_date.between(start, LAST_DAY))
                .group_by(Problem.team_id, ProblemStep.on_date)):
            figures[(team_id, on.year, on.month)]["solved"] += n
        progress: dict[tuple[int, int, int], list[str]] = defaultdict(list)
        for row, steps in zip(self.project_rows, self.progress):
            for g in steps:
                progress[(row["team_id"], g["year"], g["month"])].append(
                    f"{row['name']}完成 {g['percent']}%（{g['note']}）")
        people = dict(s.execute(select(Person.id, Person.name)).all())
        for team in self.teams:
            for year, month in self.months:
                liaison = team.current(MemberRole.TOWN_LIAISON, _month_end(year, month))
                author = people.get(liaison[0].person_id, "") if liaison else ""
                received = (team.id, year, month, SubmissionKind.REPORT) in self.received
                if not received and (year, month) != self.months[-1]:
                    continue             # 缺报: not written either
                if not self.active(team, year, month):
                    continue
                f = figures[(team.id, year, month)]
                words = {"team": team.name, "month": f"{year}年{month}月",
                         "sessions": f["sessions"], "visits": f["visits"],
                         "raised": f["raised"], "solved": f["solved"]}
                parts = [rng.choice(REPORT_OPENINGS).format(**words),
                         (REPORT_WORK if f["sessions"] else REPORT_NO_SESSIONS).format(**words)]
                if progress[(team.id, year, month)]:
                    parts.append(REPORT_PROJECTS.format(
                        lines="；".join(progress[(team.id, year, month)])))
                parts.append(rng.choice(REPORT_CLOSINGS))
                self.report_rows.append({
                    "team_id": team.id, "year": year, "month": month,
                    "title": f"{team.name}{year}年{month}月直联工作情况汇报",
                    "body": "\n".join(parts), "author": author[:60], "version": 1})

    # --- the first team's packages ----------------------------------------------------------

    def packages(self) -> None:
        if not self.teams:
            return
        team = self.teams[0]
        for year, month in self.months[-PACKAGE_MONTHS:]:
            items = [(team.id, year, month, kind) for kind in SubmissionKind
                     if kind != SubmissionKind.PHOTOS and (team.id, year, month, kind)
                     in self.received]
            if not items:
                continue
            received = max(self.received[i] for i in items)
            for item in items:
                self.received[item] = received
            built = received - timedelta(minutes=self.rng.randint(20, 180))
            stem = f"{year}年{month:02d}月"
            files = [{"path": f"forms/{stem}_{title}.{ext}", "kind": kind.value,
                      "what": f"{title}（{ext}）"}
                     for kind, title in ((SubmissionKind.FORM1, "附件1_需提请党委会研究解决问题表"),
                                         (SubmissionKind.FORM2, "附件2_专项经费补贴项目进度登记表"),
                                         (SubmissionKind.REGISTER, "重点走访登记册进度"))
                     for ext in ("xlsx", "pdf")]
            files.append({"path": f"forms/{stem}_直联工作书面汇报.pdf",
                          "kind": SubmissionKind.REPORT.value, "what": "书面汇报（pdf）"})
            for cid in self.links[team.id]:
                for n, sha in enumerate(self.photo_shas[(cid, year, month)], start=1):
                    files.append({"path": f"photos/{self.names[cid]}_{n}_{sha[:8]}.jpg",
                                  "kind": SubmissionKind.PHOTOS.value,
                                  "what": f"{self.names[cid]}公开栏相片", "sha256": sha,
                                  "size": self.files[sha]["size"]})
            manifest = {"format": "zhilian-submission/1", "team": team.name, "year": year,
                        "month": month, "built_at": built.isoformat(),
                        "built_by": "演示数据", "app_version": __version__, "files": files,
                        "note": "演示数据：材料包未实际生成，表格文件没有校验值"}
            text = json.dumps(manifest, ensure_ascii=False)
            self.package_rows.append({
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "team_id": team.id, "year": year, "month": month,
                "file_name": f"{team.name}_{stem}_上报材料.zip", "built_at": built,
                "received_at": received, "app_version": __version__, "manifest": text,
                "received_by": None})
            self.package_items.append(items)

    # --- writing --------------------------------------------------------------------------

    def insert(self) -> None:
        s = self.s
        ids = insert_ids(s, FundingProject, self.project_rows)
        payments = [{**p, "project_id": pid} for pid, rows in zip(ids, self.disbursements)
                    for p in rows]
        if payments:
            s.execute(insert(Disbursement), payments)
        steps = [{**g, "project_id": pid} for pid, rows in zip(ids, self.progress) for g in rows]
        if steps:
            s.execute(insert(ProjectProgress), steps)
        if self.years:
            s.execute(insert(FundingYear), [{"year": y, "amount": a, "version": 1}
                                            for y, a in sorted(self.years.items())])
        if self.files:
            s.execute(insert(StoredFile), list(self.files.values()))
        if self.photo_rows:
            s.execute(insert(NoticePhoto), self.photo_rows)
        if self.report_rows:
            s.execute(insert(WrittenReport), self.report_rows)
        package_ids = insert_ids(s, SubmissionPackage, self.package_rows)
        by_item = {item: pid for pid, items in zip(package_ids, self.package_items)
                   for item in items}
        rows = []
        for row in self.submission_rows:
            key = (row["team_id"], row["year"], row["month"], row["kind"])
            package = by_item.get(key)
            if package is not None:
                row = {**row, "package_id": package}
            elif row["kind"] == SubmissionKind.PHOTOS and row["team_id"] == self.teams[0].id:
                row = {**row, "note": "相片先行以电子邮件报送"}
            rows.append(row)
        if rows:
            s.execute(insert(Submission), rows)


# --- the pictures ---------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    from app.documents.pdf_fonts import FONT_DIR
    return ImageFont.truetype(str(FONT_DIR / "wqy-microhei.ttc"), size)


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int) -> ImageFont.FreeTypeFont:
    while size > 10 and draw.textlength(text, font=_font(size)) > width:
        size -= 2
    return _font(size)


COLUMNS = ("党务公开", "村务公开", "财务公开", "驻点直联", "政策宣传", "办事指南")


def board_picture(community: str, variant: int, seed: int) -> bytes:
    """A notice board photographed from afar (variant 0) or close up (1–3): a JPEG of about
    20 KB, no metadata."""
    rng = random.Random(f"{seed}:{variant}")
    w, h = PHOTO_SIZE
    sky = (150 + rng.randint(0, 40), 190 + rng.randint(0, 30), 228)
    picture = Image.new("RGB", (w, h), sky)
    pen = ImageDraw.Draw(picture)
    ground = int(h * 0.72)
    pen.rectangle((0, ground, w, h), fill=(118 + rng.randint(0, 20), 116, 108))
    title = f"{community}党务村务财务公开栏"
    if variant == 0:
        for x in range(0, w, 70):                                    # trees behind
            r = rng.randint(24, 40)
            pen.ellipse((x - r, ground - 2 * r - 30, x + r, ground - 30),
                        fill=(60, 120 + rng.randint(0, 40), 60))
            pen.rectangle((x - 4, ground - 34, x + 4, ground), fill=(100, 70, 40))
        x0, y0, x1, y1 = 120, 110, w - 120, int(h * 0.62)
        for post in (x0 + 20, x1 - 32):
            pen.rectangle((post, y1, post + 12, int(h * 0.8)), fill=(80, 80, 80))
        columns, head = 3, 30
    else:
        x0, y0, x1, y1 = 18, 18, w - 18, h - 50
        columns, head = 3 + (variant % 2), 46
    pen.rectangle((x0, y0, x1, y1), fill=(172, 28, 30))
    pen.rectangle((x0 + 8, y0 + head, x1 - 8, y1 - 8), fill=(246, 245, 238))
    font = _fit(pen, title, x1 - x0 - 24, 30 if variant else 16)
    pen.text(((x0 + x1) // 2, y0 + head // 2), title, font=font, fill=(255, 228, 120),
             anchor="mm")
    inner = (x0 + 16, y0 + head + 8, x1 - 16, y1 - 16)
    width = (inner[2] - inner[0]) // columns
    names = list(COLUMNS)
    rng.shuffle(names)
    for c in range(columns):
        sx = inner[0] + c * width + 4
        pen.rectangle((sx, inner[1], sx + width - 8, inner[3]), fill=(255, 255, 255),
                      outline=(180, 180, 180))
        if variant:
            pen.text((sx + 6, inner[1] + 6), names[c], font=_font(16), fill=(150, 0, 0))
            for y in range(inner[1] + 32, inner[3] - 8, 12):
                pen.line((sx + 6, y, sx + width - 14 - rng.randint(0, 40), y),
                         fill=(125, 125, 125), width=2)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True)
    return out.getvalue()
