"""A year of spot checks (issue 7) up to the demo's last ledger day, inserted in bulk.

- 台账资料抽查: every month one team is drawn by the service's own rule
  (``spot_checks.draw_team``: the least recently checked first, a recorded seed breaking ties),
  with the candidates kept, so ``replay_draw`` gives the same team; in the town's full-check
  months (June and December by default) every team is checked. About one delivery in six is
  late (a late-delivery finding of its own). The checklist is the town's; each item carries the
  evidence the records hold (station days without a log, weeks without a weekly meeting,
  overdue problems, households below their visit target), and items mostly pass — a failed
  item is likelier where the evidence shows a gap, and each failed item has a finding.
- 下乡情况巡查: about two Thursday-afternoon patrols a month, one to three villages each, the
  station-team members serving them expected; most found at work, some on leave or official
  business, a few absent or going through the motions (a finding in their personal file).
- 会议情况督查: about one team meeting a month sat in on (when the meetings step made any).
- 整改: the older findings were answered and re-checked (most passed and closed; a few failed
  the first re-check and got a new deadline, recorded as an amendment); the recent ones are open
  or waiting for the re-check; one or two are open past their deadline.
- Everything is reported except the checks of the demo's last month (still being worked on).

The rows go in with Core inserts (the reported-record guard in app/models/checks.py is an ORM
hook Core inserts never reach): the large town's year takes well under the 5 s allowed.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, func, insert, select
from sqlalchemy.orm import Session, selectinload

from app.demo.context import DemoContext
from app.demo.ledgers import LAST_DAY
from app.models import (CheckAmendment, CheckItemTemplate, CheckKind, FieldPatrol, Finding,
                        FindingSource, FindingStatus, Household, ItemResult, LedgerCheck,
                        LedgerCheckItem, Meeting, MeetingKind, MeetingSupervision,
                        PatrolSighting, Problem, ProblemStatus, Severity, Team, TeamCommunity,
                        Whereabouts)
from app.models.checks import patrol_community
from app.services import meeting_compliance, station_logs
from app.services.check_evidence import Evidence
from app.services.patrols import RECTIFY_DAYS, STATION_ROLES, record_facts
from app.services.settings import get_settings
from app.services.spot_checks import Candidate, draw_team
from app.services.visits import key_register, on_roster, visited_on_days

FIRST_MONTH = (LAST_DAY.year - 1, LAST_DAY.month + 1) if LAST_DAY.month < 12 \
    else (LAST_DAY.year, 1)
REPORTER = "组织办干事"          # the demo org-office account's display name
CHECKERS = ("组织办 陈志明", "组织办 陈志明、刘晓燕", "组织办 刘晓燕、纪委 黄伟")
PATROLLERS = ("组织办 陈志明、纪委 黄伟", "组织办 刘晓燕、镇督查办 梁子健",
              "纪委 黄伟、组织办 刘晓燕")
SUPERVISORS = ("组织办 陈志明", "组织办 刘晓燕", "纪委 黄伟")

LATE_SHARE = 0.17
FAIL_PLAIN, FAIL_WITH_GAPS = 0.05, 0.35

# Per checklist item: what a failed item is written up as (without and with figures) and the
# rectification asked for.
FAILURES: dict[str, tuple[tuple[str, ...], str]] = {
    "驻点日志": (("驻点日志记录过于简单，多篇只写“正常接待”，未写明接待群众和反映问题",
                 "驻点日志由专职联络员事后补记，与签到时间不符"),
                "按要求逐次记录驻点时间、地点、接待群众和反映问题，缺记的补记并说明原因"),
    "问题台账": (("问题台账未写明办理结果和反馈方式", "部分问题办结后未及时向群众反馈"),
                "逐条核实台账问题的办理进度，限期办结并反馈，台账如实登记"),
    "驻点团队记录本": (("驻点团队记录本未及时更新成员变动情况", "记录本未登记团队分工"),
                    "更新团队成员名单和分工，成员变动当月登记"),
    "会议记录和签到": (("周会记录不完整，部分议题未记录讨论情况", "月度汇报会签到表缺本人签名"),
                    "按规定召开周会并完整记录，签到表由本人签名，缺开的说明原因"),
    "重点走访登记册": (("重点走访登记册未按月登记，部分重点户走访情况缺记",
                     "登记册走访内容与走访记录不一致"),
                    "对未走访的重点户逐户走访并登记，每月走访不少于规定户数"),
    "公开栏相片": (("公开栏未按月更新，相片缺 1 个月", "公开栏公示的团队成员名单未更新"),
                "更新公开栏内容并按月报送相片"),
}
RESPONSES = ("已组织团队成员逐项对照整改，补齐相关记录，并在周会上通报。",
             "已落实专人负责，补记缺漏内容，完善相关制度。",
             "已完成整改，相关资料已补充完善，整改情况已报组织办。",
             "团队已召开专题会议研究整改，逐条落实，并建立台账跟踪。")
RECHECK_PASSED = ("经核查，已整改到位，予以销号。", "核查相关资料，整改落实，同意销号。",
                  "现场核查整改情况，符合要求。")
RECHECK_FAILED = ("核查发现仍有部分记录未补齐，整改不到位。", "整改说明不具体，相关资料未见补充。")

EXCUSES = ("到区里参加业务培训，已按程序请假", "参加镇防汛值班，已报备", "陪同区检查组检查，公务外出",
           "病假，已向团队长请假", "在镇政府处理信访事项，已报备")
ABSENCES = ("巡查时不在驻点村，电话联系称在办公室处理其他工作，未请假",
            "驻点时间未到岗，团队其他成员不清楚去向",
            "巡查时未在驻点村，事后称在外办私事")
PERFUNCTORY = ("入户仅停留几分钟即离开，未了解住户情况", "走访记录与实际不符，所记住户称未见到驻点干部",
               "驻点期间一直在村委会办公室，未按计划入户走访")
PATROL_NOTES = ("驻点村均有团队成员在岗，接待点开放，公开栏内容已更新。",
                "巡查村（社区）接待点有人值守，入户走访按计划开展。",
                "总体情况良好，个别干部缺岗，已当场提醒。")


@dataclass
class _Finding:
    row: dict[str, Any]
    owner: tuple[str, int]          # ("check" | "patrol" | "supervision", index in its list)
    amendments: list[dict[str, Any]] = field(default_factory=list)


class _Builder:
    def __init__(self, ctx: DemoContext, rng: random.Random) -> None:
        self.ctx, self.s, self.rng = ctx, ctx.session, rng
        self.settings = get_settings(self.s)
        self.checks: list[dict[str, Any]] = []
        self.items: list[list[dict[str, Any]]] = []
        self.patrols: list[dict[str, Any]] = []
        self.patrol_places: list[list[int]] = []
        self.sightings: list[list[dict[str, Any]]] = []
        self.supervisions: list[dict[str, Any]] = []
        self.findings: list[_Finding] = []
        self._compliance: dict[tuple[int, date], dict[int, Any]] = {}
        self._visits: dict[int, dict[int, tuple[int, int, int, int]]] = {}
        self.templates = list(self.s.execute(
            select(CheckItemTemplate.id, CheckItemTemplate.name, CheckItemTemplate.points,
                   CheckItemTemplate.evidence).where(CheckItemTemplate.active)
            .order_by(CheckItemTemplate.position)))
        self.team_communities: dict[int, list[int]] = defaultdict(list)
        for tid, cid in self.s.execute(select(TeamCommunity.team_id, TeamCommunity.community_id)
                                       .order_by(TeamCommunity.community_id)):
            self.team_communities[tid].append(cid)

    # --- the month's ledger check ---------------------------------------------------------

    def months(self) -> list[tuple[int, int]]:
        year, month = FIRST_MONTH
        out = []
        while (year, month) <= (LAST_DAY.year, LAST_DAY.month):
            out.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out

    def ledger_checks(self) -> None:
        last_checked: dict[int, str] = {}
        previous_end: dict[int, date] = {}
        full_months = self.settings.full_check_month_numbers
        current = (LAST_DAY.year, LAST_DAY.month)
        for year, month in self.months():
            first = date(year, month, 1)
            pool = [Candidate(t.id, t.name, last_checked.get(t.id)) for t in
                    sorted(self.ctx.teams, key=lambda t: t.id)
                    if t.dissolved_on is None or t.dissolved_on > first]
            if not pool:
                continue
            notice = _workday(first + timedelta(days=self.rng.randint(1, 6)))
            full = month in full_months
            seed = f"{self.rng.getrandbits(40):010x}"
            chosen = pool if full else [draw_team(pool, seed, year, month)]
            pool_json = json.dumps([c.__dict__ for c in pool], ensure_ascii=False)
            for candidate in chosen:
                start = max(previous_end[candidate.team_id] + timedelta(days=1)
                            if candidate.team_id in previous_end else date(notice.year, 1, 1),
                            notice - timedelta(days=365))
                self._check(year, month, CheckKind.FULL if full else CheckKind.MONTHLY,
                            candidate.team_id, "" if full else seed, "" if full else pool_json,
                            min(start, notice), notice, (year, month) == current)
                last_checked[candidate.team_id] = f"{year:04d}-{month:02d}"
                previous_end[candidate.team_id] = notice

    def _check(self, year: int, month: int, kind: CheckKind, team_id: int, seed: str, pool: str,
               start: date, notice: date, current: bool) -> None:
        rng = self.rng
        due = notice + timedelta(days=self.settings.check_due_days)
        late = rng.random() < LATE_SHARE
        received = (due + timedelta(days=rng.randint(1, 4)) if late
                    else notice + timedelta(days=rng.randint(2, self.settings.check_due_days)))
        checked = received + timedelta(days=rng.randint(1, 4))
        if current:   # the demo's last month: handed in, being checked, not reported
            received = min(received, LAST_DAY)
            checked = None if checked > LAST_DAY else checked
        found = self._evidence(team_id, start, notice)
        index = len(self.checks)
        items, failed = [], []
        for position, (tid, name, points, key) in enumerate(self.templates):
            text = found.lines(key)
            result: ItemResult | None = ItemResult.PASS
            notes = ""
            if rng.random() < (FAIL_WITH_GAPS if _gap(found, key) else FAIL_PLAIN):
                result = ItemResult.FAIL
                notes = self._failure_text(name, found, key)
                failed.append((name, notes))
            if current and (checked is None or position >= len(self.templates) - 2):
                result, notes = None, ""     # still being checked
                failed = [f for f in failed if f[0] != name]
            items.append({"template_id": tid, "position": position, "name": name,
                          "points": points, "evidence": text,
                          "result": result, "notes": notes, "version": 1})
        reported = None if current else datetime.combine(checked + timedelta(days=1),
                                                           time(16, 30))
        summary = ("台账资料齐全，记录较规范。" if not failed
                   else f"台账资料基本齐全，{'、'.join(n for n, _ in failed)}不合格，已提出整改要求。")
        self.checks.append({
            "year": year, "month": month, "kind": kind, "team_id": team_id, "seed": seed,
            "pool": pool, "period_start": start, "period_end": notice, "notice_on": notice,
            "due_on": due, "received_on": received, "checked_on": checked,
            "checker": rng.choice(CHECKERS) if checked else "",
            "summary": summary if checked and not current else "",
            "reported_at": reported, "reported_by_name": REPORTER if reported else "",
            "version": 1})
        self.items.append(items)
        if received > due:
            days = (received - due).days
            self._finding(("check", index), team_id, None, FindingSource.LATE_DELIVERY, received,
                          Severity.MINOR,
                          f"台账资料逾期报送：应于 {due:%Y-%m-%d} 前报送，"
                          f"{received:%Y-%m-%d} 才报送（迟 {days} 天）",
                          "今后接到抽查通知后一周内报送台账资料", received + timedelta(days=7),
                          reported)
        if checked is not None:
            for name, notes in failed:
                severity = rng.choice((Severity.MINOR, Severity.MINOR, Severity.MAJOR))
                days = 30 if current else rng.choice((15, 20, 30))
                self._finding(("check", index), team_id, None, FindingSource.LEDGER_CHECK,
                              checked, severity, f"{name}：{notes}", FAILURES[name][1]
                              if name in FAILURES else "限期整改，补齐相关资料",
                              checked + timedelta(days=days), reported)

    def _failure_text(self, name: str, found: Evidence, key: str) -> str:
        if key == "station_log" and found.station_days_without_log:
            days = found.station_days_without_log
            return f"{len(days)} 个驻点日没有驻点日志（{'、'.join(f'{d:%m-%d}' for d in days[:6])}）"
        if key == "problems" and found.overdue_problems:
            return f"超期未办结问题 {len(found.overdue_problems)} 个，未说明原因"
        if key == "meetings" and found.weeks_without_weekly_meeting:
            return f"{len(found.weeks_without_weekly_meeting)} 周没有周会记录"
        if key == "key_visits" and found.key_not_visited:
            return f"重点户 {found.key_not_visited} 户今年尚未走访"
        texts = FAILURES.get(name, (("资料不齐全",), ""))[0]
        return self.rng.choice(texts)

    # --- evidence, as app/services/check_evidence.py works it out, in bulk -----------------

    def _evidence(self, team_id: int, start: date, end: date) -> Evidence:
        s = self.s
        gaps = tuple(station_logs.station_gaps(s, team_id, start, end))
        weeks: list[date] = []
        months: list[date] = []
        for year in range(start.year, end.year + 1):
            team = self._team_compliance(year, end).get(team_id)
            if team is None:
                continue
            weeks += [w.start for w in team.weeks
                      if w.missed and w.start >= start and w.end <= end and w.start not in weeks]
            months += [m.start for m in team.months
                       if m.missed and m.start >= start and m.end <= end]
        overdue = tuple(s.scalars(
            select(Problem.number).where(Problem.team_id == team_id, Problem.reported_on <= end,
                                         Problem.overdue_clause(end))
            .order_by(Problem.deadline)))
        not_fed_back = tuple(s.scalars(
            select(Problem.number).where(Problem.team_id == team_id, Problem.reported_on <= end,
                                         Problem.status == ProblemStatus.DONE)
            .order_by(Problem.reported_on)))
        households = visited = key_total = key_visited = 0
        for cid in self.team_communities.get(team_id, []):
            h, v, k, kv = self._visit_counts(end.year).get(cid, (0, 0, 0, 0))
            households, visited, key_total, key_visited = (households + h, visited + v,
                                                           key_total + k, key_visited + kv)
        return Evidence(start, end, gaps, tuple(sorted(weeks)), tuple(sorted(months)), overdue,
                        not_fed_back, households - visited, households, key_total - key_visited,
                        key_total, self._required)

    def _team_compliance(self, year: int, end: date) -> dict[int, Any]:
        key = (year, end)
        if key not in self._compliance:
            self._compliance[key] = {t.team_id: t for t in
                                     meeting_compliance.compliance(self.s, year, today=end)}
        return self._compliance[key]

    @property
    def _required(self) -> int:
        return max(1, self.settings.visits_per_household_per_year)

    def _visit_counts(self, year: int) -> dict[int, tuple[int, int, int, int]]:
        """Per community: households on the roster, those visited enough, key households,
        key households visited — services.visits.coverage's figures, grouped."""
        if year not in self._visits:
            start, end = date(year, 1, 1), date(year, 12, 31)
            key = key_register(start, end)
            rows = self.s.execute(
                select(Household.community_id, func.count(Household.id),
                       func.count(case((visited_on_days(self._required, start, end), 1))),
                       func.count(key.c.household_id),
                       func.count(case((key.c.household_id.is_not(None)
                                        & visited_on_days(1, start, end), 1))))
                .select_from(Household).outerjoin(key, key.c.household_id == Household.id)
                .where(on_roster(end)).group_by(Household.community_id))
            self._visits[year] = {cid: (h, v, k, kv) for cid, h, v, k, kv in rows}
        return self._visits[year]

    # --- patrols --------------------------------------------------------------------------

    def field_patrols(self) -> None:
        rng = self.rng
        weekday = self.settings.patrol_weekday
        communities = sorted({c for cs in self.team_communities.values() for c in cs})
        expected = self._station_members()
        current = (LAST_DAY.year, LAST_DAY.month)
        for year, month in self.months():
            first = date(year, month, 1)
            days = [first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * n)
                    for n in range(5)]
            days = [d for d in days if d.month == month and d <= LAST_DAY]
            for day in sorted(rng.sample(days, k=min(2, len(days)))):
                size = rng.choice((1, 2, 2, 3)) if len(communities) > 20 else rng.choice((1, 2))
                places = sorted(rng.sample(communities, k=min(size, len(communities))))
                index = len(self.patrols)
                reported = None if (year, month) == current else datetime.combine(
                    day + timedelta(days=1), time(10, 0))
                sightings = []
                seen: set[int] = set()
                for cid in places:
                    for person_id, team_id in expected(cid, day):
                        if person_id in seen:
                            continue
                        seen.add(person_id)
                        roll = rng.random()
                        if roll < 0.025:
                            where, note = Whereabouts.ABSENT, rng.choice(ABSENCES)
                        elif roll < 0.045:
                            where, note = Whereabouts.PERFUNCTORY, rng.choice(PERFUNCTORY)
                        elif roll < 0.13:
                            where, note = Whereabouts.EXCUSED, rng.choice(EXCUSES)
                        else:
                            where, note = Whereabouts.AT_WORK, ""
                        sightings.append({"person_id": person_id, "team_id": team_id,
                                          "community_id": cid, "whereabouts": where,
                                          "note": note, "version": 1})
                        if where.finding and reported is not None:
                            self._patrol_finding(index, day, person_id, team_id, cid, where,
                                                 note, reported)
                bad = any(s["whereabouts"].finding for s in sightings)
                self.patrols.append({
                    "patrol_on": day, "start_time": self.settings.patrol_start,
                    "end_time": self.settings.patrol_end, "checkers": rng.choice(PATROLLERS),
                    "note": PATROL_NOTES[2] if bad else rng.choice(PATROL_NOTES[:2]),
                    "reported_at": reported, "reported_by_name": REPORTER if reported else "",
                    "version": 1})
                self.patrol_places.append(places)
                self.sightings.append(sightings)

    def _station_members(self):  # type: ignore[no-untyped-def]
        """(person, team) expected in a community on a day, as patrols.expected_cadres."""
        order = list(STATION_ROLES)
        by_community: dict[int, list[tuple[Team, Any]]] = defaultdict(list)
        for team in sorted(self.ctx.teams, key=lambda t: t.id):
            for cid in self.team_communities.get(team.id, []):
                for m in team.memberships:
                    if m.role in STATION_ROLES:
                        by_community[cid].append((team, m))

        def expected(cid: int, day: date) -> list[tuple[int, int]]:
            rows = [(team, m) for team, m in by_community.get(cid, [])
                    if m.in_force(day) and (team.dissolved_on is None or team.dissolved_on > day)]
            rows.sort(key=lambda r: (r[0].id, order.index(r[1].role), r[1].person_id))
            return [(m.person_id, team.id) for team, m in rows]
        return expected

    def _patrol_finding(self, index: int, day: date, person_id: int, team_id: int, cid: int,
                        where: Whereabouts, note: str, reported: datetime) -> None:
        name = self._person_names()[person_id]
        place = self._community_names()[cid]
        self._finding(("patrol", index), team_id, person_id, FindingSource.PATROL, day,
                      Severity.MAJOR if where == Whereabouts.ABSENT else Severity.MINOR,
                      f"{day:%Y-%m-%d} 下乡巡查，{name}在{place}{where.label}：{note}",
                      "说明情况，按驻点时间到岗，入户走访并如实记录",
                      day + timedelta(days=RECTIFY_DAYS), reported)

    def _person_names(self) -> dict[int, str]:
        if not hasattr(self, "_people"):
            from app.models import Person
            self._people = dict(self.s.execute(select(Person.id, Person.name)).all())
        return self._people

    def _community_names(self) -> dict[int, str]:
        if not hasattr(self, "_places"):
            from app.models import Community
            self._places = dict(self.s.execute(select(Community.id, Community.name)).all())
        return self._places

    # --- meeting supervision --------------------------------------------------------------

    def supervisions_of_meetings(self) -> None:
        rng = self.rng
        current = (LAST_DAY.year, LAST_DAY.month)
        for year, month in self.months():
            first = date(year, month, 1)
            nxt = date(year + (month == 12), month % 12 + 1, 1)
            ids = list(self.s.scalars(select(Meeting.id).where(
                Meeting.kind == MeetingKind.WEEKLY, Meeting.held_on >= first,
                Meeting.held_on < nxt, Meeting.held_on <= LAST_DAY).order_by(Meeting.id)))
            if not ids:
                continue
            # Sat in on one of a few meetings of the month; mostly one whose record is in order.
            picked = self.s.scalars(select(Meeting).where(
                Meeting.id.in_(rng.sample(ids, k=min(10, len(ids))))).order_by(Meeting.id).options(
                selectinload(Meeting.attendees), selectinload(Meeting.agenda),
                selectinload(Meeting.scans), selectinload(Meeting.teams))).all()
            rng.shuffle(picked)
            in_order = [m for m in picked if record_facts(m).minutes_complete
                        and record_facts(m).sign_in_complete]
            meeting = in_order[0] if in_order and rng.random() < 0.85 else picked[0]
            facts = record_facts(meeting)
            answers = {"held_as_scheduled": rng.random() > 0.08,
                       "minutes_complete": facts.minutes_complete,
                       "sign_in_complete": facts.sign_in_complete,
                       "signatures_match": rng.random() > 0.08}
            index = len(self.supervisions)
            on = meeting.held_on
            reported = None if (year, month) == current else datetime.combine(
                on + timedelta(days=2), time(11, 0))
            failed = [label for key, label in (
                ("held_as_scheduled", "未按规定时间召开"), ("minutes_complete", "会议记录不完整"),
                ("sign_in_complete", "签到不完整"), ("signatures_match", "签名与到会人员不一致"))
                if not answers[key]]
            self.supervisions.append({
                "meeting_id": meeting.id, "supervised_on": on,
                "supervisor": rng.choice(SUPERVISORS), **answers,
                "note": ("会议按时召开，议题明确，记录和签到完整。" if not failed
                         else "；".join(failed) + "。已当场指出，要求整改。"),
                "reported_at": reported, "reported_by_name": REPORTER if reported else "",
                "version": 1})
            if failed and reported is not None and meeting.teams:
                self._finding(("supervision", index), meeting.teams[0].id, None,
                              FindingSource.SUPERVISION, on, Severity.MINOR,
                              f"{meeting.title}：{'、'.join(failed)}",
                              "按规定时间召开周会，完整记录议题讨论情况，参会人员本人签到签名",
                              on + timedelta(days=15), reported)

    # --- findings and their rectification -------------------------------------------------

    def _finding(self, owner: tuple[str, int], team_id: int | None, person_id: int | None,
                 source: FindingSource, found_on: date, severity: Severity, description: str,
                 requirement: str, deadline: date, reported: datetime | None) -> None:
        self.findings.append(_Finding({
            "source": source, "team_id": team_id, "person_id": person_id, "found_on": found_on,
            "severity": severity, "description": description, "requirement": requirement,
            "deadline": deadline, "status": FindingStatus.OPEN, "response": "",
            "responded_on": None, "recheck_on": None, "recheck_passed": None,
            "recheck_note": "", "reported_at": reported, "version": 1}, owner))

    def rectify(self) -> None:
        """Responses and re-checks as of the demo's last day; one or two left overdue."""
        rng = self.rng
        reported = [f for f in self.findings if f.row["reported_at"] is not None]
        # One or two findings of mid-year stay open with no response: overdue.
        middle = [f for f in reported
                  if LAST_DAY - timedelta(days=120) <= f.row["deadline"]
                  < LAST_DAY - timedelta(days=20)]
        overdue = set(id(f) for f in rng.sample(middle, k=min(2, len(middle))))
        for f in reported:
            if id(f) in overdue:
                continue
            row = f.row
            found, deadline = row["found_on"], row["deadline"]
            if found > LAST_DAY - timedelta(days=45):
                # recent: answered and waiting for the re-check, or (before its deadline) not yet
                if deadline < LAST_DAY or rng.random() < 0.65:
                    self._respond(row, min(found + timedelta(days=rng.randint(3, 12)),
                                           LAST_DAY - timedelta(days=1)))
                    continue
            answered = found + timedelta(days=rng.randint(2, max(3, (deadline - found).days)))
            if rng.random() < 0.08:
                answered = deadline + timedelta(days=rng.randint(1, 6))   # answered late
            if answered > LAST_DAY - timedelta(days=3):
                self._respond(row, LAST_DAY - timedelta(days=1))
                continue
            self._respond(row, answered)
            recheck = answered + timedelta(days=rng.randint(2, 8))
            if recheck > LAST_DAY:
                continue
            if rng.random() < 0.1:        # the first re-check fails: a new deadline
                note = rng.choice(RECHECK_FAILED)
                new_deadline = recheck + timedelta(days=15)
                f.amendments.append({
                    "entity": "finding", "at": datetime.combine(recheck, time(17, 0)),
                    "user_name": REPORTER, "reason": f"核查未通过：{note}", "what": "整改期限",
                    "before": deadline.isoformat(), "after": new_deadline.isoformat()})
                row.update(deadline=new_deadline, status=FindingStatus.OPEN, recheck_on=recheck,
                           recheck_passed=False, recheck_note=note)
                again = recheck + timedelta(days=rng.randint(5, 12))
                if again > LAST_DAY - timedelta(days=3):
                    if recheck < LAST_DAY - timedelta(days=1):
                        self._respond(row, LAST_DAY - timedelta(days=1))
                    continue
                self._respond(row, again)
                recheck = again + timedelta(days=rng.randint(2, 6))
                if recheck > LAST_DAY:
                    continue
            row.update(status=FindingStatus.CLOSED, recheck_on=recheck, recheck_passed=True,
                       recheck_note=rng.choice(RECHECK_PASSED))

    def _respond(self, row: dict[str, Any], on: date) -> None:
        row.update(response=self.rng.choice(RESPONSES), responded_on=on,
                   status=FindingStatus.RESPONDED)

    # --- writing --------------------------------------------------------------------------

    def insert(self) -> None:
        s = self.s
        check_ids = insert_ids(s, LedgerCheck, self.checks)
        items = [{**item, "check_id": cid} for cid, rows in zip(check_ids, self.items)
                 for item in rows]
        if items:
            s.execute(insert(LedgerCheckItem).execution_options(render_nulls=True), items)
        patrol_ids = insert_ids(s, FieldPatrol, self.patrols)
        places = [{"patrol_id": pid, "community_id": cid}
                  for pid, cids in zip(patrol_ids, self.patrol_places) for cid in cids]
        if places:
            s.execute(insert(patrol_community), places)
        sightings = [{**row, "patrol_id": pid} for pid, rows in zip(patrol_ids, self.sightings)
                     for row in rows]
        if sightings:
            s.execute(insert(PatrolSighting).execution_options(render_nulls=True), sightings)
        supervision_ids = insert_ids(s, MeetingSupervision, self.supervisions)
        owners = {"check": ("ledger_check_id", check_ids), "patrol": ("patrol_id", patrol_ids),
                  "supervision": ("supervision_id", supervision_ids)}
        self.findings.sort(key=lambda f: (f.row["found_on"], f.owner))
        rows = []
        for f in self.findings:
            column, ids = owners[f.owner[0]]
            links = {"ledger_check_id": None, "patrol_id": None, "supervision_id": None}
            links[column] = ids[f.owner[1]]
            rows.append({**f.row, **links})
        finding_ids = insert_ids(s, Finding, rows)
        amendments = [{**a, "entity_id": fid} for fid, f in zip(finding_ids, self.findings)
                      for a in f.amendments]
        if amendments:
            s.execute(insert(CheckAmendment), amendments)


def build_checks(ctx: DemoContext) -> None:
    builder = _Builder(ctx, ctx.rng("checks"))
    builder.ledger_checks()
    builder.field_patrols()
    has_meetings = ctx.session.scalar(select(Meeting.id).limit(1)) is not None
    if has_meetings:
        builder.supervisions_of_meetings()
    builder.rectify()
    builder.insert()
    ctx.counts["ledger_checks"] = len(builder.checks)
    ctx.counts["field_patrols"] = len(builder.patrols)
    ctx.counts["supervisions"] = len(builder.supervisions)
    ctx.counts["findings"] = len(builder.findings)


def _gap(found: Evidence, key: str) -> bool:
    """Whether the evidence for an item shows something missing."""
    if key == "station_log":
        return bool(found.station_days_without_log)
    if key == "problems":
        return len(found.overdue_problems) > 2 or len(found.not_fed_back) > 2
    if key == "meetings":
        return bool(found.weeks_without_weekly_meeting or found.months_without_monthly_meeting)
    if key == "key_visits":
        return found.key_not_visited > 0
    return False


def _workday(day: date) -> date:
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return day


def insert_ids(s: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert in one statement; the new ids in row order."""
    if not rows:
        return []
    before = s.scalar(select(model.id).order_by(model.id.desc()).limit(1)) or 0
    s.execute(insert(model).execution_options(render_nulls=True), rows)
    ids = list(s.scalars(select(model.id).where(model.id > before).order_by(model.id)))
    if len(ids) != len(rows):
        raise RuntimeError(f"{model.__name__}: {len(rows)} rows inserted, {len(ids)} ids found")
    return ids
