"""Station teams: a town leader each, town cadres around them, a support team from the community.

Built through the teams service, so the demo obeys the same rules as a user would: at most ten
in a station team, one leader and one town liaison, one community liaison per community.
"""

from __future__ import annotations

import random

from app.demo.context import TEAMS_FORMED_ON, DemoContext
from app.demo.names import LAW_FIRMS, TOWN_OFFICES
from app.demo.people import PersonFactory
from app.models import Community, MemberRole, Person, Team
from app.services import teams

LIAISON_OFFICES = ("党政办", "组织办", "党群服务中心", "社事办", "综治办")


def build_teams(ctx: DemoContext) -> None:
    rng = ctx.rng("teams")
    factory = PersonFactory(ctx.session, rng)
    groups = _community_groups(ctx.communities, ctx.spec.teams)
    shared = _shared_supporters(factory, len(groups))
    for index, group in enumerate(groups):
        team = _new_team(ctx, factory, index, group)
        _add_station_team(ctx, rng, factory, team)
        _add_support_team(ctx, rng, factory, team, group, shared[index])
        ctx.teams.append(team)
    ctx.counts["teams"] = len(ctx.teams)


def _community_groups(places: list[Community], team_count: int) -> list[list[Community]]:
    """The first teams serve two neighbouring places, the rest one, so every place has a team."""
    doubles = max(0, min(team_count, len(places) - team_count))
    groups = [places[2 * i:2 * i + 2] for i in range(doubles)]
    groups += [[c] for c in places[2 * doubles:2 * doubles + team_count - doubles]]
    return groups


def _shared_supporters(factory: PersonFactory, team_count: int) -> list[list[Person]]:
    """A lawyer advises two neighbouring teams; every fourth pair shares a community policeman."""
    shared: list[list[Person]] = [[] for _ in range(team_count)]
    for first in range(0, team_count, 2):
        pair = [i for i in (first, first + 1) if i < team_count]
        lawyer = factory.lawyer(LAW_FIRMS[(first // 2) % len(LAW_FIRMS)])
        for i in pair:
            shared[i].append(lawyer)
        if first % 8 == 0 and len(pair) == 2:
            police = factory.cadre("派出所", "社区民警")
            for i in pair:
                shared[i].append(police)
    return shared


def _new_team(ctx: DemoContext, factory: PersonFactory, index: int, group: list[Community]
              ) -> Team:
    leader = factory.leader(index)
    data = teams.default_input(ctx.session, "、".join(c.name for c in group) + "驻点团队",
                               [c.id for c in group])
    data.station_place = group[0].office_address
    return teams.create_team(ctx.session, data, leader.id, TEAMS_FORMED_ON).team


def _add_station_team(ctx: DemoContext, rng: random.Random, factory: PersonFactory,
                      team: Team) -> None:
    """Three to six cadres from different offices, and the town liaison who keeps the records."""
    offices = rng.sample([o for o in TOWN_OFFICES if o not in LIAISON_OFFICES], rng.randint(3, 6))
    for n, office in enumerate(offices):
        _join(ctx, team, factory.cadre(office), MemberRole.CORE, "副组长" if n == 0 else "组员")
    liaison = factory.cadre(rng.choice(LIAISON_OFFICES), rng.choice(("干事", "科员", "社工")))
    _join(ctx, team, liaison, MemberRole.TOWN_LIAISON, "专职联络员")


def _add_support_team(ctx: DemoContext, rng: random.Random, factory: PersonFactory, team: Team,
                      group: list[Community], shared: list[Person]) -> None:
    """Four to eight helpers: a committee member as liaison per place, then grid workers,
    other committee members, the shared lawyer or policeman and a volunteer."""
    for community in group:
        committee = _committee(ctx, factory, community)
        _join(ctx, team, committee[0], MemberRole.COMMUNITY_LIAISON, "辅助团队联络员")
    candidates = _support_candidates(ctx, rng, factory, group) + shared
    target = rng.randint(max(4, len(group) + len(shared)), 8)
    chosen = shared + [p for p in candidates if p not in shared][:target - len(group) - len(shared)]
    for person in chosen:
        _join(ctx, team, person, MemberRole.SUPPORT, "")


def _committee(ctx: DemoContext, factory: PersonFactory, community: Community) -> list[Person]:
    """The community's committee (“两委”干部), made once; its first member is the liaison."""
    if community.id not in ctx.committee:
        size = factory.rng.randint(4, 6)
        ctx.committee[community.id] = [
            factory.committee_member(community, factory.committee_post(community, i))
            for i in range(size)]
    return ctx.committee[community.id]


def _support_candidates(ctx: DemoContext, rng: random.Random, factory: PersonFactory,
                        group: list[Community]) -> list[Person]:
    found: list[Person] = []
    for community in group:
        found += ctx.committee[community.id][1:3]
        grids = ctx.grids[community.id]
        found += [factory.grid_worker(community, g.name)
                  for g in rng.sample(grids, min(2, len(grids)))]
    rng.shuffle(found)
    return found + [factory.volunteer()]


def _join(ctx: DemoContext, team: Team, person: Person, role: MemberRole, title: str) -> None:
    teams.add_member(ctx.session, team.id, person.id, role, TEAMS_FORMED_ON, title)
