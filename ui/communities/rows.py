"""Plain values for the community list and pickers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.services import teams as team_service
from app.services.communities import list_communities, list_grids


@dataclass(frozen=True)
class CommunityRow:
    id: int
    version: int
    name: str
    kind: str
    kind_code: str
    office_address: str
    grids: str
    teams: str
    note: str


def community_rows(session: Session) -> list[CommunityRow]:
    serving: dict[int, list[str]] = {}
    for team in team_service.list_teams(session):
        for link in team.community_links:
            serving.setdefault(link.community_id, []).append(team.name)
    return [CommunityRow(c.id, c.version, c.name, c.kind.label, c.kind.value, c.office_address,
                         "、".join(g.name for g in sorted(c.grids, key=lambda g: g.id)),
                         "、".join(serving.get(c.id, [])), c.note)
            for c in list_communities(session)]


def community_choices(session: Session) -> list[tuple[str, int]]:
    return [(c.name, c.id) for c in list_communities(session)]


def grid_choices(session: Session) -> dict[int, list[tuple[str, int]]]:
    """Each community's grids, for pickers that follow the chosen community."""
    return {c.id: [(g.name, g.id) for g in list_grids(session, c.id)]
            for c in list_communities(session)}
