"""The town itself: its settings, its villages, communities and cooperatives, and their grids."""

from __future__ import annotations

import random
from datetime import time

from app.demo.context import DemoContext
from app.demo.names import (COOPERATIVE_GROUP_SUFFIX, DISTRICT_NAME, PLACE_FIRST, PLACE_SECOND,
                            TOWN_HOTLINE, TOWN_NAME, VILLAGE_GROUP_PREFIXES, chinese_number)
from app.models import Community, CommunityKind
from app.services import communities, settings

SUFFIX = {CommunityKind.VILLAGE: "村", CommunityKind.COMMUNITY: "社区",
          CommunityKind.COOPERATIVE: "联社"}


def build_settings(ctx: DemoContext) -> None:
    settings.update_settings(ctx.session, settings.SettingsInput(
        town_name=TOWN_NAME, district_name=DISTRICT_NAME, hotline=TOWN_HOTLINE,
        station_weekday=2, station_start=time(15, 0), station_end=time(18, 30),
        max_station_team_size=10, max_communities_per_leader=2))


def build_communities(ctx: DemoContext) -> None:
    """Every place with its office and 3–8 grids; villages and cooperatives come interleaved."""
    rng = ctx.rng("communities")
    kinds = _kinds(ctx, rng)
    for root, kind in zip(_place_roots(rng, len(kinds)), kinds):
        community = communities.create_community(ctx.session, communities.CommunityInput(
            name=root + SUFFIX[kind], kind=kind, office_address=_office(rng, root, kind)))
        ctx.communities.append(community)
        ctx.grids[community.id] = [communities.ensure_grid(ctx.session, community, name)
                                   for name in _grid_names(rng, kind)]
    ctx.counts["communities"] = len(ctx.communities)
    ctx.counts["grids"] = sum(len(g) for g in ctx.grids.values())


def root_of(community: Community) -> str:
    """石岗村 → 石岗: the part street signs and estate names are built on."""
    return community.name.removesuffix(SUFFIX[community.kind])


def _kinds(ctx: DemoContext, rng: random.Random) -> list[CommunityKind]:
    kinds = ([CommunityKind.VILLAGE] * ctx.spec.villages
             + [CommunityKind.COMMUNITY] * ctx.spec.communities
             + [CommunityKind.COOPERATIVE] * ctx.spec.cooperatives)
    rng.shuffle(kinds)
    return kinds


def _place_roots(rng: random.Random, count: int) -> list[str]:
    """Distinct two-character roots; no two places share a first character pair."""
    pairs = [a + b for a in PLACE_FIRST for b in PLACE_SECOND if a != b]
    return rng.sample(pairs, count)


def _office(rng: random.Random, root: str, kind: CommunityKind) -> str:
    floor = rng.choice(("一楼", "一楼", "二楼"))
    if kind == CommunityKind.VILLAGE:
        return f"{root}村委会办公楼{floor}驻点室"
    if kind == CommunityKind.COMMUNITY:
        return f"{root}社区居委会{floor}驻点室"
    return f"{root}联社办公楼{floor}驻点室"


def _grid_names(rng: random.Random, kind: CommunityKind) -> list[str]:
    count = rng.randint(3, 8)
    if kind == CommunityKind.COOPERATIVE:
        return [p + COOPERATIVE_GROUP_SUFFIX for p in rng.sample(VILLAGE_GROUP_PREFIXES, count)]
    if kind == CommunityKind.VILLAGE and rng.random() < 0.6:
        return [p + "村民小组" for p in rng.sample(VILLAGE_GROUP_PREFIXES, count)]
    return [f"第{chinese_number(i)}网格" for i in range(1, count + 1)]
