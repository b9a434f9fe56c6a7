"""One demo account per role, all with the password ``demo`` (demo databases only).

A real installation never gets a known password: its first administrator is created by
whoever installs it (first-start wizard or ``users init``).
"""

from __future__ import annotations

from app.auth.passwords import hash_password
from app.demo.context import DemoContext
from app.models import MemberRole, Role, User, UserRole, UserTeam

DEMO_PASSWORD = "demo"

# (user name, display name or None for the team member's own name, role, member whose name)
DEMO_ACCOUNTS: tuple[tuple[str, str | None, Role, MemberRole | None], ...] = (
    ("admin", "系统管理员", Role.ADMIN, None),
    ("dangzhengban", "党政办文员", Role.CLERK, None),
    ("zuzhiban", "组织办干事", Role.ORG_OFFICE, None),
    ("lianluoyuan", None, Role.LIAISON, MemberRole.TOWN_LIAISON),
    ("lingdao", None, Role.LEADER, MemberRole.LEADER),
)


def build_accounts(ctx: DemoContext) -> None:
    """The liaison and the leader belong to the first team, linked to its people."""
    team = ctx.teams[0]
    for username, display, role, member_role in DEMO_ACCOUNTS:
        person = None
        if member_role is not None:
            person = team.current(member_role)[0].person
        user = User(username=username, display_name=display or person.name,  # type: ignore[union-attr]
                    password_hash=hash_password(DEMO_PASSWORD), person=person,
                    roles=[UserRole(role=role)])
        if role.team_scoped:
            user.teams = [UserTeam(team=team)]
        ctx.session.add(user)
    ctx.session.flush()
    ctx.counts["accounts"] = len(DEMO_ACCOUNTS)
