"""The team's written record: station sessions, receptions and the problem ledger, inserted in
bulk (the large town: about 3,800 sessions, 7,000 receptions and 20,000 problems with their steps).

Sessions are weekly on each team's station day, in its communities in turn, from January 2025 to
the end of October 2026. Problems come from sessions, receptions, visits and the hotline; the older
a problem, the further along the flow it is, and a few recent ones are overdue. Problems raised to
the party committee carry the fields of 附件1.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select

from app.demo.context import DemoContext
from app.models import Community, Household, Team, User
from app.models.enums import (FeedbackMethod, HandlingLevel, ProblemSource, ProblemStatus,
                              Satisfaction, SessionKind)
from app.models.ledgers import Problem, ProblemStep, Reception, StationSession, session_member
from app.models.problem_categories import ProblemCategory
from app.services.problem_categories import FALLBACK_DEADLINE_DAYS
from app.services.problems import number_for

FIRST_DAY = date(2025, 1, 1)
LAST_DAY = date(2026, 10, 31)
PROBLEMS_PER_HOUSEHOLD = 0.4   # large town: 20,000 problems
RECEPTIONS_PER_SESSION = 2

KINDS = ((SessionKind.RECEPTION, 60), (SessionKind.HOME_VISIT, 25), (SessionKind.CONDOLENCE, 5),
         (SessionKind.FORUM, 4), (SessionKind.RETURN_VISIT, 4), (SessionKind.HEARING, 1),
         (SessionKind.APPOINTMENT, 1))
SOURCES = ((ProblemSource.STATION_LOG, 45), (ProblemSource.VISIT, 25),
           (ProblemSource.RECEPTION, 15), (ProblemSource.HOTLINE, 10), (ProblemSource.OTHER, 5))
LEVELS = ((HandlingLevel.ON_SITE, 35), (HandlingLevel.COMMUNITY, 40),
          (HandlingLevel.REFERRED, 22), (HandlingLevel.PARTY_COMMITTEE, 3))
DEPARTMENTS = ("镇综治办", "镇城建办", "镇农业办", "镇社会事务办", "镇派出所", "镇环卫所", "镇司法所")
MATTERS: dict[str, tuple[str, ...]] = {
    "矛盾纠纷": ("邻里因排水沟堵塞发生纠纷，要求协调", "宅基地边界有争议，请求调解",
                 "租户拖欠房租引发矛盾"),
    "环境卫生": ("巷口垃圾堆放多日未清运", "河涌有异味，希望清理", "公厕卫生差，要求增加保洁"),
    "基础设施": ("村道路面破损，雨天积水", "路灯损坏，夜间出行不便", "自来水水压低，高层用水难"),
    "民生救助": ("家中老人患病，申请临时救助", "低保续期材料不清楚如何办理", "残疾人补贴未按时到账"),
    "政策咨询": ("咨询城乡居民医保缴费", "咨询养老保险补缴政策", "咨询子女入学积分办理"),
    "治安消防": ("出租屋电动车楼道充电，存在隐患", "夜间有人在巷内聚集喧哗", "消防通道被占用"),
    "村务管理": ("希望公开集体收入分配情况", "对股份分红有疑问", "建议增设长者饭堂"),
}
SUMMARIES = ("驻点接待群众来访，现场解答政策咨询，记录群众反映问题并分派办理。",
             "团队成员分组入户走访重点户，了解生活情况，宣传政策。",
             "召开党员群众座谈会，听取对村（社区）建设的意见建议。",
             "对前期反映问题的群众进行回访，了解办理满意度。")


def build_ledgers(ctx: DemoContext) -> None:
    rng = ctx.rng("ledgers")
    s = ctx.session
    names: dict[int, str] = {cid: name for cid, name in
                             s.execute(select(Community.id, Community.name))}
    homes = _households(ctx)
    recorder = s.scalar(select(User.id).where(User.username == "lianluoyuan"))
    sessions = _sessions(ctx, rng, recorder)
    ids = _insert_sessions(ctx, sessions)
    problems, steps = _problems(ctx, rng, names, homes, sessions, ids, recorder)
    _insert_problems(ctx, problems, steps)
    _receptions(ctx, rng, homes, sessions, ids, recorder)
    ctx.counts["station_sessions"] = len(sessions)
    ctx.counts["problems"] = len(problems)


def _households(ctx: DemoContext) -> dict[int, list[tuple[int, str]]]:
    homes: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for hid, cid, head in ctx.session.execute(
            select(Household.id, Household.community_id, Household.head_name)
            .where(Household.moved_out_on.is_(None)).order_by(Household.id)):
        homes[cid].append((hid, head))
    return homes


def _station_days(team: Team) -> list[date]:
    first = FIRST_DAY + timedelta(days=(team.station_weekday - FIRST_DAY.isoweekday()) % 7)
    return [first + timedelta(weeks=w) for w in range((LAST_DAY - first).days // 7 + 1)]


def _sessions(ctx: DemoContext, rng: random.Random, recorder: int | None) -> list[dict[str, Any]]:
    """One session a station day, in the team's communities in turn; one day in 40 is missed
    (a gap), one in 60 is made up on the Saturday after, announced four days ahead."""
    rows = []
    kinds, weights = zip(*KINDS)
    for team in ctx.teams:
        places = [link.community_id for link in team.community_links]
        for week, day in enumerate(_station_days(team)):
            roll = rng.random()
            if roll < 0.025:
                continue
            kind = rng.choices(kinds, weights)[0]
            held_on, announced, make_up_for = day, None, None
            if roll > 0.983:
                saturday = day + timedelta(days=(6 - day.isoweekday()) % 7 or 7)
                kind, held_on = SessionKind.MAKE_UP, saturday
                announced, make_up_for = held_on - timedelta(days=4), day
            members = [m.person_id for m in team.memberships
                       if m.role.in_station_team and m.in_force(held_on)]
            rows.append({
                "team_id": team.id, "community_id": places[week % len(places)], "held_on": held_on,
                "start_time": team.station_start, "end_time": team.station_end,
                "place": team.station_place, "kind": kind, "summary": rng.choice(SUMMARIES),
                "make_up_announced_on": announced, "make_up_for": make_up_for,
                "recorded_by": recorder, "version": 1,
                "_members": rng.sample(members, k=max(1, min(len(members), rng.randint(3, 6))))})
    return rows


def _insert_sessions(ctx: DemoContext, rows: list[dict[str, Any]]) -> list[int]:
    s = ctx.session
    before = s.scalar(select(StationSession.id).order_by(StationSession.id.desc()).limit(1)) or 0
    s.execute(insert(StationSession).execution_options(render_nulls=True),
              [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows])
    ids = list(s.scalars(select(StationSession.id).where(StationSession.id > before)
                         .order_by(StationSession.id)))
    links = [{"station_session_id": sid, "person_id": pid}
             for sid, r in zip(ids, rows) for pid in r["_members"]]
    s.execute(insert(session_member), links)
    return ids


def _problems(ctx: DemoContext, rng: random.Random, names: dict[int, str],
              homes: dict[int, list[tuple[int, str]]], sessions: list[dict[str, Any]],
              session_ids: list[int], recorder: int | None
              ) -> tuple[list[dict[str, Any]], list[list[dict[str, Any]]]]:
    count = int(sum(len(h) for h in homes.values()) * PROBLEMS_PER_HOUSEHOLD)
    leaders = {t.id: (t.leader.id if t.leader else None) for t in ctx.teams}
    team_of = {link.community_id: t.id for t in ctx.teams for link in t.community_links}
    sources, source_w = zip(*SOURCES)
    levels, level_w = zip(*LEVELS)
    seqs: dict[tuple[int, int], int] = defaultdict(int)
    deadline_days = dict(ctx.session.execute(
        select(ProblemCategory.name, ProblemCategory.deadline_days)).all())
    drafts = []
    for _ in range(count):
        source = rng.choices(sources, source_w)[0]
        if source == ProblemSource.STATION_LOG:
            index = rng.randrange(len(sessions))
            community, day, session_id = (sessions[index]["community_id"],
                                          sessions[index]["held_on"], session_ids[index])
        else:
            community = rng.choice(list(homes))
            day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
            session_id = None
        drafts.append((day, community, source, session_id))
    drafts.sort(key=lambda d: d[0])  # numbers follow the order problems were registered
    problems, steps = [], []
    for day, community, source, session_id in drafts:
        category = rng.choice(list(MATTERS))
        level = rng.choices(levels, level_w)[0]
        seqs[(community, day.year)] += 1
        seq = seqs[(community, day.year)]
        household, head = rng.choice(homes[community]) if homes[community] else (None, "")
        anonymous = source == ProblemSource.HOTLINE and rng.random() < 0.3
        due = day if level == HandlingLevel.ON_SITE else day + timedelta(
            days=deadline_days.get(category, FALLBACK_DEADLINE_DAYS))
        row: dict[str, Any] = {
            "community_id": community, "team_id": team_of.get(community), "year": day.year,
            "seq": seq, "number": number_for(names[community], day.year, seq),
            "reported_on": day, "source": source, "station_session_id": session_id,
            "reporter_household_id": None if anonymous else household,
            "reporter_person_id": None, "anonymous": anonymous,
            "reporter_name": "" if anonymous else head, "category": category,
            "description": rng.choice(MATTERS[category]), "level": level,
            "leader_id": leaders.get(team_of.get(community)),
            "department": rng.choice(DEPARTMENTS) if level == HandlingLevel.REFERRED else "",
            "deadline": due, "result": "", "status": ProblemStatus.REGISTERED,
            "situation": "", "solution": "", "budget": None, "subsidy": None,
            "expected_completion": None, "feedback_method": None, "feedback_on": None,
            "satisfaction": None, "recorded_by": recorder, "version": 1}
        if level == HandlingLevel.PARTY_COMMITTEE:
            budget = Decimal(rng.randrange(20, 400) * 1000)
            row.update(situation="涉及多户群众，村（社区）自身难以解决。",
                       solution="提请镇党委会研究，申请专项资金分期实施。",
                       budget=budget, subsidy=(budget * Decimal("0.6")).quantize(Decimal("0.01")),
                       expected_completion=day + timedelta(days=rng.randint(90, 240)))
        problems.append(row)
        steps.append(problem_flow(rng, row, recorder))
    return problems, steps


def problem_flow(rng: random.Random, row: dict[str, Any], recorder: int | None
                 ) -> list[dict[str, Any]]:
    """The steps a problem has gone through by the end of the demo: the older, the further."""
    age = (LAST_DAY - row["reported_on"]).days
    reach = 4 if age > 120 else 3 if age > 45 else rng.choice((0, 1, 1, 2, 3))
    if age > 120 and rng.random() < 0.04:
        reach = 1  # a few old problems are stuck: overdue
    flow = [ProblemStatus.REGISTERED, ProblemStatus.IN_PROGRESS, ProblemStatus.DONE,
            ProblemStatus.FED_BACK, ProblemStatus.CLOSED]
    day, steps, previous = row["reported_on"], [], None
    for status in flow[:reach + 1]:
        steps.append({"from_status": previous, "to_status": status, "on_date": day,
                      "by_user": recorder, "by_name": "黄胜" if recorder else "系统", "note": ""})
        previous = status
        day = min(LAST_DAY, day + timedelta(days=rng.randint(1, 12)))
    row["status"] = previous
    if previous in (ProblemStatus.DONE, ProblemStatus.FED_BACK, ProblemStatus.CLOSED):
        row["result"] = "已协调相关部门处理完毕。"
    if previous in (ProblemStatus.FED_BACK, ProblemStatus.CLOSED):
        row["feedback_method"] = rng.choice(list(FeedbackMethod))
        row["feedback_on"] = steps[3]["on_date"]
        row["satisfaction"] = rng.choices(list(Satisfaction), (80, 17, 3))[0]
    return steps


def _insert_problems(ctx: DemoContext, problems: list[dict[str, Any]],
                     steps: list[list[dict[str, Any]]]) -> None:
    s = ctx.session
    before = s.scalar(select(Problem.id).order_by(Problem.id.desc()).limit(1)) or 0
    s.execute(insert(Problem).execution_options(render_nulls=True), problems)
    ids = list(s.scalars(select(Problem.id).where(Problem.id > before).order_by(Problem.id)))
    s.execute(insert(ProblemStep).execution_options(render_nulls=True),
              [{**step, "problem_id": pid} for pid, flow in zip(ids, steps) for step in flow])


def _receptions(ctx: DemoContext, rng: random.Random, homes: dict[int, list[tuple[int, str]]],
                sessions: list[dict[str, Any]], session_ids: list[int],
                recorder: int | None) -> None:
    rows = []
    for sid, session in zip(session_ids, sessions):
        if session["kind"] != SessionKind.RECEPTION:
            continue
        for _ in range(rng.randint(0, 2 * RECEPTIONS_PER_SESSION)):
            household, head = rng.choice(homes[session["community_id"]])
            category = rng.choice(list(MATTERS))
            rows.append({"team_id": session["team_id"], "community_id": session["community_id"],
                         "station_session_id": sid, "received_on": session["held_on"],
                         "visitor_name": head, "phone": "", "household_id": household,
                         "matter": rng.choice(MATTERS[category]),
                         "handling": rng.choice(("现场解答", "登记转办", "约定回访")),
                         "problem_id": None, "recorded_by": recorder, "version": 1})
    if rows:
        ctx.session.execute(insert(Reception).execution_options(render_nulls=True), rows)
    ctx.counts["receptions"] = len(rows)

