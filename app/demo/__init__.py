"""A believable demo town (云溪镇, 江海区) so that every screen and benchmark has data to show.

The town is built step by step, one function per kind of record, in one transaction. Later
kinds of record (station logs, problems, visits, meetings, spot checks, submissions) are added
by writing ``build_<kind>(ctx)`` and appending it to ``STEPS``; each step draws from a random
generator of its own, so adding one leaves the town the earlier steps built unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit
from app.auth import Actor
from app.auth.guard import ACTOR_KEY
from app.db import Database
from app.demo.accounts import build_accounts
from app.demo.cards import build_cards
from app.demo.checks import build_checks
from app.demo.context import SPECS, DemoContext, DemoSpec
from app.demo.history import build_history
from app.demo.households import build_households
from app.demo.ledgers import build_ledgers
from app.demo.meetings import build_meetings
from app.demo.submissions import build_submissions
from app.demo.teams import build_teams
from app.demo.town import build_communities, build_settings
from app.demo.visits import build_visits
from app.errors import DomainError, ValidationError
from app.models import Community, Household, Membership, Person, Team, User

DEFAULT_SEED = 20240305

Step = Callable[[DemoContext], None]
STEPS: list[tuple[str, Step]] = [
    ("town_settings", build_settings),
    ("communities", build_communities),
    ("teams", build_teams),
    ("team_history", build_history),
    ("households", build_households),
    ("accounts", build_accounts),
    ("cards", build_cards),
    ("ledgers", build_ledgers),
    ("visits", build_visits),
    ("meetings", build_meetings),
    ("checks", build_checks),
    ("submissions", build_submissions),
]

__all__ = ["DEFAULT_SEED", "SPECS", "STEPS", "DemoContext", "DemoSpec", "build_demo"]


def build_demo(db: Database, size: str = "small", seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Fill an empty database with the demo town; returns how many records of each kind it made.

    Everything is one transaction: if any step fails, the database stays empty.
    """
    spec = SPECS.get(size)
    if spec is None:
        raise ValidationError(f"演示数据规模应为 {'、'.join(SPECS)} 之一，不是“{size}”", "size")
    with db.session() as session:
        session.info[ACTOR_KEY] = Actor.program()  # the program builds the town, not a user
        _refuse_if_used(session, db.display_name)
        ctx = DemoContext(session=session, spec=spec, seed=seed)
        with audit.bulk(session, "create", f"生成演示数据（规模 {size}，种子 {seed}）"):
            for _name, step in STEPS:
                step(ctx)
        session.flush()
        ctx.counts["people"] = _count(session, Person)
        ctx.counts["memberships"] = _count(session, Membership)
    return ctx.counts


def _refuse_if_used(session: Session, where: str) -> None:
    """Demo records must never mix with a town's real ones."""
    found = {label: _count(session, model) for label, model in (
        ("驻点团队", Team), ("住户", Household), ("村（社区）", Community), ("人员", Person),
        ("账户", User))}
    used = [f"{label} {n}" for label, n in found.items() if n]
    if used:
        raise DomainError(f"demo 只写入新的空数据库：{where} 已有数据（{'，'.join(used)}）。"
                          "请用 --db 指定一个新的文件名。")


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0
