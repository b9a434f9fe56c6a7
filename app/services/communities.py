"""Communities (村/社区/联社) and their grids."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth import Permission, community_scope, require
from app.errors import DomainError, ValidationError
from app.models import Community, CommunityKind, Grid, Household, TeamCommunity
from app.normalize import clean_text
from app.services.common import check_version, get_or_fail, optional, required


def kind_from_name(name: str) -> CommunityKind:
    """Most names say what they are: 石岗村, 新围社区, 龙溪联社."""
    if name.endswith("联社"):
        return CommunityKind.COOPERATIVE
    if name.endswith("村") or name.endswith("村委会"):
        return CommunityKind.VILLAGE
    return CommunityKind.COMMUNITY


@dataclass
class CommunityInput:
    name: str
    kind: CommunityKind | None = None
    office_address: str = ""
    note: str = ""


def list_communities(session: Session) -> list[Community]:
    """The communities the user may see: all, or those their teams serve."""
    query = select(Community).order_by(Community.name)
    scope = community_scope(session, Permission.VIEW_DIRECTORY)
    if scope is not None:
        query = query.where(Community.id.in_(scope))
    return list(session.scalars(query))


def find_community(session: Session, name: str) -> Community | None:
    require(session, Permission.VIEW_DIRECTORY)
    return session.scalar(select(Community).where(Community.name == clean_text(name)))


def create_community(session: Session, data: CommunityInput) -> Community:
    require(session, Permission.EDIT_DIRECTORY)
    community = Community()
    _apply(session, community, data)
    session.add(community)
    session.flush()
    return community


def update_community(session: Session, community_id: int, data: CommunityInput,
                     expected_version: int | None = None) -> Community:
    require(session, Permission.EDIT_DIRECTORY)
    community = get_or_fail(session, Community, community_id, "社区")
    check_version(community, expected_version, "社区")
    _apply(session, community, data)
    session.flush()
    return community


def _apply(session: Session, community: Community, data: CommunityInput) -> None:
    name = required(clean_text(data.name), "name", "名称", 60)
    clash = find_community(session, name)
    if clash is not None and clash is not community:
        raise ValidationError(f"已有名为“{name}”的村（社区）", "name")
    community.name = name
    community.kind = CommunityKind(data.kind) if data.kind else kind_from_name(name)
    community.office_address = optional(clean_text(data.office_address), "office_address",
                                        "办公地点", 120)
    community.note = optional(clean_text(data.note), "note", "备注", 500)


def ensure_community(session: Session, name: str) -> Community:
    """The community of that name, created on first mention (roster import, demo)."""
    return find_community(session, name) or create_community(session, CommunityInput(name))


def ensure_grid(session: Session, community: Community, name: str) -> Grid:
    require(session, Permission.EDIT_DIRECTORY)
    name = required(clean_text(name), "grid", "网格名称", 60)
    grid = session.scalar(select(Grid).where(Grid.community_id == community.id, Grid.name == name))
    if grid is None:
        grid = Grid(community=community, name=name)
        session.add(grid)
        session.flush()
    return grid


def delete_community(session: Session, community_id: int) -> None:
    """Only a community nothing refers to yet can be deleted (a mistyped one, say)."""
    require(session, Permission.EDIT_DIRECTORY)
    community = get_or_fail(session, Community, community_id, "社区")
    households = session.scalar(select(func.count()).where(Household.community_id == community_id))
    teams = session.scalar(select(func.count()).where(TeamCommunity.community_id == community_id))
    if households or teams:
        raise DomainError(f"“{community.name}”已有 {households} 户住户、{teams} 个驻点团队，不能删除。")
    session.delete(community)
    session.flush()


def list_grids(session: Session, community_id: int) -> list[Grid]:
    """In the order they were added: 第一、第二、第三网格 sort wrongly by name."""
    require(session, Permission.VIEW_DIRECTORY)
    return list(session.scalars(select(Grid).where(Grid.community_id == community_id)
                                .order_by(Grid.id)))


def rename_grid(session: Session, grid_id: int, name: str) -> Grid:
    require(session, Permission.EDIT_DIRECTORY)
    grid = get_or_fail(session, Grid, grid_id, "网格")
    name = required(clean_text(name), "grid", "网格名称", 60)
    clash = session.scalar(select(Grid).where(Grid.community_id == grid.community_id,
                                              Grid.name == name, Grid.id != grid.id))
    if clash is not None:
        raise ValidationError(f"“{grid.community.name}”已有名为“{name}”的网格", "grid")
    grid.name = name
    session.flush()
    return grid


def delete_grid(session: Session, grid_id: int) -> None:
    """Only an empty grid goes: households keep the grid they were registered in."""
    require(session, Permission.EDIT_DIRECTORY)
    grid = get_or_fail(session, Grid, grid_id, "网格")
    households = session.scalar(select(func.count()).where(Household.grid_id == grid_id))
    if households:
        raise DomainError(f"网格“{grid.name}”还有 {households} 户住户，不能删除。"
                          "请先把这些住户改到其他网格。")
    session.delete(grid)
    session.flush()


def add_grid(session: Session, community_id: int, name: str) -> Grid:
    """A new grid typed by a clerk: unlike ``ensure_grid`` a name already there is refused."""
    require(session, Permission.EDIT_DIRECTORY)
    community = get_or_fail(session, Community, community_id, "社区")
    name = required(clean_text(name), "grid", "网格名称", 60)
    if any(g.name == name for g in community.grids):
        raise ValidationError(f"“{community.name}”已有名为“{name}”的网格", "grid")
    return ensure_grid(session, community, name)
