"""The first day's steps for a new town, in the order they depend on each other: the villages
and communities, the people, the station teams, the households (typed or imported with the
roster), then the contact cards. The home page ticks each one off as it is done."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.models import CardPrint, Community, Household, Person, Team


@dataclass(frozen=True)
class FirstStep:
    key: str     # which screen opens it: communities, people, teams, households, cards
    title: str
    hint: str
    done: bool


STEPS = (
    ("communities", "村（社区）", "添加本镇的村和社区，以及各自的网格", Community),
    ("people", "人员", "登记驻点的领导、干部和村（社区）人员", Person),
    ("teams", "驻点团队", "建立驻点团队：选驻点村（社区）、责任人和成员", Team),
    ("households", "住户", "逐户登记，或用“导入花名册…”一次导入团队、人员和住户", Household),
    ("cards", "联系卡", "打印民情联系卡并逐户发放", CardPrint),
)


def first_steps(session: Session) -> list[FirstStep]:
    """Each step and whether it is done (one EXISTS query each: quick on the largest town)."""
    return [FirstStep(key, title, hint, bool(session.scalar(select(exists().select_from(model)))))
            for key, title, hint, model in STEPS]
