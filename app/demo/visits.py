"""Home visits over the demo's ledger period: about four per household (the large town: some
200,000), key households visited about monthly, by one or two members of the team serving the
household's community who were in the team that day. Inserted in bulk."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select

from app.demo.context import DemoContext
from app.demo.ledgers import FIRST_DAY, LAST_DAY
from app.models import Household, HouseholdTag, User
from app.models.visits import Visit, visit_visitor

NOTES = ("了解家庭近况，宣传医保和养老保险政策。", "老人身体尚可，提醒注意用电安全。",
         "家庭生活稳定，暂无困难反映。", "询问子女就业情况，介绍镇就业服务站招聘信息。",
         "送上慰问品，了解生活需求。", "反映巷道照明不足，已记录转办。")


def build_visits(ctx: DemoContext) -> None:
    rng = ctx.rng("visits")
    s = ctx.session
    recorder = s.scalar(select(User.id).where(User.username == "lianluoyuan"))
    key = set(s.scalars(select(HouseholdTag.household_id).where(HouseholdTag.removed_on.is_(None))))
    team_of = {link.community_id: t for t in ctx.teams for link in t.community_links}
    span = (LAST_DAY - FIRST_DAY).days
    rows: list[dict[str, Any]] = []
    visitors: list[list[int]] = []
    for hid, cid in s.execute(select(Household.id, Household.community_id)
                              .where(Household.moved_out_on.is_(None)).order_by(Household.id)):
        team = team_of.get(cid)
        if team is None:
            continue
        count = rng.randint(14, 22) if hid in key else rng.choice((0, 1, 2, 3, 4, 5, 6, 7))
        for _ in range(count):
            day = _weekday(FIRST_DAY + timedelta(days=rng.randrange(span)))
            members = [m.person_id for m in team.memberships
                       if m.role.in_station_team and m.in_force(day)]
            if not members:
                continue
            rows.append({"team_id": team.id, "community_id": cid, "household_id": hid,
                         "visited_on": day, "notes": rng.choice(NOTES),
                         "recorded_by": recorder, "version": 1})
            visitors.append(rng.sample(members, k=min(len(members), rng.choice((1, 2, 2)))))
    _insert(ctx, rows, visitors)
    ctx.counts["visits"] = len(rows)


def _weekday(day: date) -> date:
    """Visits are made Monday to Saturday."""
    return day + timedelta(days=1) if day.isoweekday() == 7 else day


def _insert(ctx: DemoContext, rows: list[dict[str, Any]], visitors: list[list[int]]) -> None:
    if not rows:
        return
    s = ctx.session
    before = s.scalar(select(Visit.id).order_by(Visit.id.desc()).limit(1)) or 0
    s.execute(insert(Visit), rows)
    ids = list(s.scalars(select(Visit.id).where(Visit.id > before).order_by(Visit.id)))
    s.execute(insert(visit_visitor), [{"visit_id": vid, "person_id": pid}
                                      for vid, people in zip(ids, visitors) for pid in people])

