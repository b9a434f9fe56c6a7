"""Accounts and permissions: who is acting, and what their roles let them do."""

from app.auth.actor import Actor
from app.auth.guard import (actor_of, can, check, community_scope, current_actor, require,
                            require_community, require_team)
from app.auth.permissions import PERMISSION_LABELS, ROLE_PERMISSIONS, Permission

__all__ = ["Actor", "PERMISSION_LABELS", "Permission", "ROLE_PERMISSIONS", "actor_of", "can", "check",
           "community_scope", "current_actor", "require", "require_community", "require_team"]
