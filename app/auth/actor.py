"""Who is acting: the signed-in user's roles and teams, fixed for the session."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.auth.permissions import ROLE_PERMISSIONS, Permission
from app.models.enums import Role

SYSTEM_NAME = "系统"


@dataclass(frozen=True)
class Actor:
    """``team_ids`` matter only for the team-scoped roles (liaison, leader).

    ``system`` is the program itself (building a demo town, creating the first account); no
    command or screen hands it to a person.
    """

    user_id: int | None
    username: str
    display_name: str
    roles: frozenset[Role]
    team_ids: frozenset[int] = field(default_factory=frozenset)
    system: bool = False

    @classmethod
    def program(cls) -> "Actor":
        return cls(None, SYSTEM_NAME, SYSTEM_NAME, frozenset({Role.ADMIN}), system=True)

    @property
    def roles_text(self) -> str:
        return "、".join(r.label for r in Role if r in self.roles) or "无角色"

    def can(self, permission: Permission) -> bool:
        return any(permission in ROLE_PERMISSIONS[r] for r in self.roles)

    def all_teams(self, permission: Permission) -> bool:
        """True when a role that is not team-scoped grants ``permission``."""
        return any(permission in ROLE_PERMISSIONS[r] and not r.team_scoped for r in self.roles)

    def teams_for(self, permission: Permission) -> frozenset[int] | None:
        """The teams ``permission`` covers: None for every team, a set (maybe empty) otherwise."""
        if self.all_teams(permission):
            return None
        return self.team_ids if self.can(permission) else frozenset()

    def can_team(self, permission: Permission, team_id: int | None) -> bool:
        scope = self.teams_for(permission)
        return self.can(permission) and (scope is None or team_id in scope)
