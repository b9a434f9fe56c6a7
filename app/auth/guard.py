"""Permission checks for services: the actor rides on the session (see Database.session)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.actor import Actor
from app.auth.permissions import Permission
from app.errors import PermissionDenied
from app.models import TeamCommunity

ACTOR_KEY = "actor"


def actor_of(session: Session) -> Actor:
    actor = session.info.get(ACTOR_KEY)
    if actor is None:
        raise PermissionDenied("请先登录。")
    return actor


def current_actor(session: Session) -> Actor | None:
    return session.info.get(ACTOR_KEY)


def require(session: Session, permission: Permission) -> Actor:
    return check(actor_of(session), permission)


def check(actor: Actor | None, permission: Permission) -> Actor:
    """``require`` for work that has no session yet (a backup, a restore)."""
    if actor is None:
        raise PermissionDenied("请先登录。")
    if not actor.can(permission):
        raise PermissionDenied(
            f"您的账户（{actor.roles_text}）没有“{permission.label}”的权限。如需要，请找管理员。")
    return actor


def require_team(session: Session, permission: Permission, team_id: int | None) -> Actor:
    actor = require(session, permission)
    if not actor.can_team(permission, team_id):
        raise PermissionDenied(f"“{permission.label}”只限您负责的驻点团队；这个团队不在其中。")
    return actor


def community_scope(session: Session, permission: Permission) -> set[int] | None:
    """Communities the actor may see for ``permission``: None for all of them."""
    teams = require(session, permission).teams_for(permission)
    if teams is None:
        return None
    if not teams:
        return set()
    return set(session.scalars(select(TeamCommunity.community_id)
                               .where(TeamCommunity.team_id.in_(teams))))


def require_community(session: Session, permission: Permission, community_id: int) -> Actor:
    scope = community_scope(session, permission)
    if scope is not None and community_id not in scope:
        raise PermissionDenied(f"“{permission.label}”只限您负责的驻点团队所驻的村（社区）。")
    return actor_of(session)


def can(session: Session, permission: Permission) -> bool:
    actor = current_actor(session)
    return actor is not None and actor.can(permission)
