"""Households and their key-group tags, inserted in bulk: 50,000 rows in seconds, not minutes.

The rows are checked by construction instead of by the households service: addresses are unique
per community, phones and IDs are generated in their stored (normalised) form.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select

from app.demo import identity
from app.demo.addresses import AddressBook
from app.demo.context import HISTORY_ENDS_ON, DemoContext
from app.demo.names import (ADDED_REASONS, COMPANY_BRANDS, COMPANY_KINDS, HOUSEHOLD_NOTES,
                            KEY_GROUP_WEIGHTS, PUBLIC_UNIT_KINDS, REMOVED_REASONS, SHOP_KINDS,
                            TOWN_NAME)
from app.demo.town import root_of
from app.models import (Community, CommunityKind, Household, HouseholdKind, HouseholdTag,
                        KeyGroup)

SIZES = (1, 2, 3, 4, 5, 6, 7)
SIZE_WEIGHTS = (10, 18, 22, 22, 15, 8, 5)
TAG_SHARE = 0.06
REMOVED_SHARE = 0.12
FIRST_TAG_DAY = date(2023, 1, 3)


@dataclass
class Plan:
    """Rows to insert, and for some of them (by position) the key groups they belong to."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    tags: dict[int, list[str]] = field(default_factory=dict)


def build_households(ctx: DemoContext) -> None:
    rng = ctx.rng("households")
    ids = identity.UniqueIds(rng)
    plan = Plan()
    shares = _shares(rng, ctx, ctx.spec.households)
    for community, count in zip(ctx.communities, shares):
        _plan_community(ctx, rng, ids, plan, community, count)
    # render_nulls keeps rows with and without an ID in one executemany batch.
    ctx.session.execute(insert(Household).execution_options(render_nulls=True), plan.rows)
    ctx.counts["households"] = len(plan.rows)
    ctx.household_ids = _ids_in_order(ctx, plan.rows)
    _insert_tags(ctx, plan, ctx.household_ids)


def _ids_in_order(ctx: DemoContext, rows: list[dict[str, Any]]) -> list[int]:
    """The new rows' ids, looked up by the unique place key (community, address, head)."""
    found = {(c, a, h): i for i, c, a, h in ctx.session.execute(
        select(Household.id, Household.community_id, Household.address, Household.head_name))}
    return [found[(r["community_id"], r["address"], r["head_name"])] for r in rows]


def _shares(rng: random.Random, ctx: DemoContext, total: int) -> list[int]:
    """Households per place: more grids and urban communities mean more households."""
    places = ctx.communities
    urban = {CommunityKind.COMMUNITY: 1.5}
    weights = [len(ctx.grids[c.id]) * rng.uniform(0.7, 1.3) * urban.get(c.kind, 1.0)
               for c in places]
    shares = [int(total * w / sum(weights)) for w in weights]
    for i in range(total - sum(shares)):
        shares[i % len(shares)] += 1
    return shares


def _plan_community(ctx: DemoContext, rng: random.Random, ids: identity.UniqueIds, plan: Plan,
                    community: Community, count: int) -> None:
    grids = ctx.grids[community.id]
    book = AddressBook(rng, community, root_of(community), len(grids), count)
    per_grid = [count // len(grids) + (1 if i < count % len(grids) else 0)
                for i in range(len(grids))]
    for index, (grid, n) in enumerate(zip(grids, per_grid)):
        for address in book.for_grid(grid, index, n):
            row = _row(rng, ids, community, address)
            row["grid_id"] = grid.id
            if row["kind"] == HouseholdKind.RESIDENT and rng.random() < TAG_SHARE:
                plan.tags[len(plan.rows)] = _key_groups(rng, row)
            plan.rows.append(row)


def _row(rng: random.Random, ids: identity.UniqueIds, community: Community, address: str
         ) -> dict[str, Any]:
    roll = rng.random()
    kind = (HouseholdKind.UNIT if roll < 0.015 else
            HouseholdKind.SHOP if roll < 0.07 else HouseholdKind.RESIDENT)
    sex = identity.gender(rng, 0.7)
    resident = kind == HouseholdKind.RESIDENT
    return {
        "community_id": community.id, "kind": kind, "address": address,
        "head_name": (identity.person_name(rng, sex) if resident
                      else _business(rng, community, kind)),
        **_phones(rng, kind),
        "size": rng.choices(SIZES, SIZE_WEIGHTS)[0] if resident else rng.randint(1, 3),
        "head_resident_id": ids.new(sex, 1940, 1998) if resident and rng.random() < 0.35 else None,
        "note": rng.choice(HOUSEHOLD_NOTES) if rng.random() < 0.03 else "",
    }


def _business(rng: random.Random, community: Community, kind: HouseholdKind) -> str:
    """A shop or unit registers under its own name: 石岗村便民超市, 陈记烧腊店, 云溪镇石岗小学."""
    root = root_of(community)
    if kind == HouseholdKind.SHOP:
        owner = identity.surname(rng)
        return rng.choice((f"{community.name}{rng.choice(SHOP_KINDS)}",
                           f"{owner}记{rng.choice(SHOP_KINDS)}",
                           f"{root}{rng.choice(SHOP_KINDS)}"))
    if rng.random() < 0.5:
        return f"{TOWN_NAME}{root}{rng.choice(PUBLIC_UNIT_KINDS)}"
    return f"江门市{root}{rng.choice(COMPANY_BRANDS)}{rng.choice(COMPANY_KINDS)}"


def _phones(rng: random.Random, kind: HouseholdKind) -> dict[str, str]:
    """Most residents give a mobile; some only the house phone, some nothing at all."""
    roll = rng.random()
    if kind != HouseholdKind.RESIDENT:
        return {"mobile": identity.mobile(rng) if roll < 0.7 else "",
                "landline": identity.landline(rng) if roll > 0.4 else ""}
    return {"mobile": identity.mobile(rng) if roll < 0.84 else "",
            "landline": identity.landline(rng) if 0.80 < roll < 0.92 else ""}


_GROUPS = [g for g, _ in KEY_GROUP_WEIGHTS]
_GROUP_WEIGHTS = [w for _, w in KEY_GROUP_WEIGHTS]


def _key_groups(rng: random.Random, row: dict[str, Any]) -> list[str]:
    """One group, or two for one household in five; a lone elder lives alone."""
    groups = [rng.choices(_GROUPS, _GROUP_WEIGHTS)[0]]
    if rng.random() < 0.2:
        second = rng.choices(_GROUPS, _GROUP_WEIGHTS)[0]
        if second not in groups:
            groups.append(second)
    if "孤寡老人" in groups:
        row["size"] = 1
    return groups


def _insert_tags(ctx: DemoContext, plan: Plan, household_ids: list[int]) -> None:
    rng = ctx.rng("household_tags")
    group_ids: dict[str, int] = {name: id_ for name, id_ in
                                 ctx.session.execute(select(KeyGroup.name, KeyGroup.id))}
    rows = [_tag_row(rng, household_ids[position], group_ids[name], name)
            for position, names in plan.tags.items() for name in names]
    if rows:
        ctx.session.execute(insert(HouseholdTag).execution_options(render_nulls=True), rows)
    ctx.counts["household_tags"] = len(rows)
    ctx.counts["household_tags_removed"] = sum(1 for r in rows if r["removed_on"] is not None)


def _tag_row(rng: random.Random, household_id: int, group_id: int, name: str) -> dict[str, Any]:
    span = (HISTORY_ENDS_ON - FIRST_TAG_DAY).days - 60
    added = FIRST_TAG_DAY + timedelta(days=rng.randrange(span))
    removed = None
    if rng.random() < REMOVED_SHARE:
        removed = added + timedelta(days=rng.randint(30, (HISTORY_ENDS_ON - added).days))
    return {"household_id": household_id, "key_group_id": group_id, "added_on": added,
            "added_reason": rng.choice(ADDED_REASONS[name]), "removed_on": removed,
            "removed_reason": rng.choice(REMOVED_REASONS[name]) if removed else ""}
