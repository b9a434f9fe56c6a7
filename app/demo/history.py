"""Team history: members who moved on and the successors who took their places.

Done with ``teams.replace_member``, so each former membership ends the day its successor starts
and the successor's record points back at it, exactly as a user's replacement would.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from app.demo.context import DemoContext
from app.demo.names import TOWN_OFFICES
from app.demo.people import PersonFactory
from app.models import MemberRole, Membership, Person, Team
from app.services import teams

# Guangdong's village and community committees were re-elected in spring 2026.
RE_ELECTION_DAY = date(2026, 4, 14)
CADRE_REASONS = ("工作调动", "岗位调整", "借调区直部门", "退休")


def build_history(ctx: DemoContext) -> None:
    """About a quarter of teams lost a core member, a third their community liaison at the
    re-election, and one team in eight changed its leader (the successor takes the same post)."""
    rng = ctx.rng("history")
    factory = PersonFactory(ctx.session, rng)
    replaced = 0
    for index, team in enumerate(ctx.teams):
        if index % 4 == 1:
            replaced += _replace_core(ctx, rng, factory, team)
        if index % 3 == 0:
            replaced += _replace_community_liaison(ctx, rng, factory, team)
        if index % 8 == 5:
            replaced += _replace(ctx, team, MemberRole.LEADER, factory.leader(index),
                                 _some_day(rng), "职务调整")
        if index % 5 == 2:
            successor = factory.cadre(rng.choice(("党政办", "组织办", "社事办")), "干事")
            replaced += _replace(ctx, team, MemberRole.TOWN_LIAISON, successor, _some_day(rng),
                                 "岗位调整")
    ctx.counts["replacements"] = replaced


def _replace_core(ctx: DemoContext, rng: random.Random, factory: PersonFactory, team: Team) -> int:
    on = _some_day(rng)
    current = team.current(MemberRole.CORE, on)
    if not current:
        return 0
    old = rng.choice(current)
    office = old.person.unit.removeprefix("云溪镇") or rng.choice(TOWN_OFFICES)
    return _replace_membership(ctx, old, factory.cadre(office), on, rng.choice(CADRE_REASONS))


def _replace_community_liaison(ctx: DemoContext, rng: random.Random, factory: PersonFactory,
                               team: Team) -> int:
    current = team.current(MemberRole.COMMUNITY_LIAISON, RE_ELECTION_DAY)
    if not current:
        return 0
    old = current[0]
    community = next(c for c in team.communities if c.name == old.person.unit)
    successor = factory.committee_member(community, factory.committee_post(community, 0))
    ctx.committee[community.id].append(successor)
    return _replace_membership(ctx, old, successor, RE_ELECTION_DAY, "村（社区）“两委”换届")


def _replace(ctx: DemoContext, team: Team, role: MemberRole, successor: Person, on: date,
             reason: str) -> int:
    current = team.current(role, on)
    return _replace_membership(ctx, current[0], successor, on, reason) if current else 0


def _replace_membership(ctx: DemoContext, old: Membership, successor: Person, on: date,
                        reason: str) -> int:
    teams.replace_member(ctx.session, old.id, successor.id, on, reason)
    return 1


def _some_day(rng: random.Random) -> date:
    """A weekday between the teams' first autumn and the re-election."""
    day = date(2024, 9, 2) + timedelta(days=rng.randrange(540))
    return day - timedelta(days=max(0, day.weekday() - 4))
