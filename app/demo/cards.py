"""Contact cards in the demo town: printed in March 2026 for the first few communities and
handed to 70–90 % of their households on station days; after the spring re-election changed a
card, it was reprinted and part of the households got the new one (the rest show as 需重新发放).

Deliveries are inserted in bulk (a few thousand rows in the large town); each carries the hash
of its card's content on its day, computed by the cards service from the roster's history.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert, select

from app.demo.context import DemoContext
from app.models import CardDelivery, CardPrint, Community, Household, Team, User
from app.services import cards

FIRST_COMMUNITIES = 4
FIRST_PRINT = date(2026, 3, 2)
FIRST_ROUND = date(2026, 3, 3)     # the Monday before the first station day of the round
REPRINT = date(2026, 5, 4)
SECOND_ROUND = date(2026, 5, 5)


def build_cards(ctx: DemoContext) -> None:
    rng = ctx.rng("cards")
    users = {name: uid for name, uid in ctx.session.execute(select(User.username, User.id))}
    liaison, clerk = users.get("lianluoyuan"), users.get("dangzhengban")
    own = {link.community_id for link in ctx.teams[0].community_links} if ctx.teams else set()
    places = ctx.communities[:FIRST_COMMUNITIES]
    homes = _households_of(ctx, [c.id for c in places])
    prints: list[dict] = []
    deliveries: list[dict] = []
    for community in places:
        team = _first_team(ctx, community)
        if team is None:
            continue
        by = liaison if community.id in own else clerk  # the clerk records other teams' lists
        first = _hash(ctx, team, community, FIRST_PRINT)
        prints.append(_print(team, community, first, FIRST_PRINT, clerk))
        chosen = _share(rng, homes.get(community.id, []), rng.uniform(0.70, 0.90))
        days = _station_days(team, FIRST_ROUND, rng.randint(2, 4))
        deliveries += _deliver(rng, chosen, community, team, days, first, by)
        second = _hash(ctx, team, community, REPRINT)
        if second != first:  # the re-election changed the card: reprint, hand out again
            prints.append(_print(team, community, second, REPRINT, clerk))
            again = _share(rng, chosen, rng.uniform(0.45, 0.75))
            days = _station_days(team, SECOND_ROUND, rng.randint(1, 3))
            deliveries += _deliver(rng, again, community, team, days, second, by)
    if prints:
        ctx.session.execute(insert(CardPrint), prints)
    if deliveries:
        ctx.session.execute(insert(CardDelivery), deliveries)
    ctx.counts["card_prints"] = len(prints)
    ctx.counts["card_deliveries"] = len(deliveries)


def _households_of(ctx: DemoContext, community_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for hid, cid in ctx.session.execute(
            select(Household.id, Household.community_id)
            .where(Household.community_id.in_(community_ids), Household.moved_out_on.is_(None))
            .order_by(Household.id)):
        out.setdefault(cid, []).append(hid)
    return out


def _first_team(ctx: DemoContext, community: Community) -> Team | None:
    return next((t for t in ctx.teams
                 if community.id in {link.community_id for link in t.community_links}), None)


def _hash(ctx: DemoContext, team: Team, community: Community, on: date) -> str:
    return cards.content_hash(cards.build_content(ctx.session, team, community, on))


def _share(rng: random.Random, ids: list[int], share: float) -> list[int]:
    return sorted(rng.sample(ids, round(len(ids) * share)))


def _station_days(team: Team, start: date, count: int) -> list[date]:
    """``count`` of the team's weekly station days from ``start`` on."""
    first = start + timedelta(days=(team.station_weekday - start.isoweekday()) % 7)
    return [first + timedelta(weeks=n) for n in range(count)]


def _print(team: Team, community: Community, digest: str, on: date, by: int | None) -> dict:
    return dict(team_id=team.id, community_id=community.id, content_hash=digest,
                printed_at=datetime.combine(on, time(9, 30)), printed_by=by, households=True,
                pages=0, file_name=f"{community.name}民情联系卡-{on:%Y%m%d}.pdf")


def _deliver(rng: random.Random, ids: list[int], community: Community, team: Team,
             days: list[date], digest: str, by: int | None) -> list[dict]:
    return [dict(household_id=hid, community_id=community.id, team_id=team.id,
                 delivered_on=rng.choice(days), delivered_by=by, content_hash=digest, note="")
            for hid in ids]
