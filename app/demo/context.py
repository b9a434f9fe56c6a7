"""What every step of the demo build shares: the session, the size, the records made so far."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app.models import Community, Grid, Person, Team

# Fixed dates keep the town the same whatever day it is built; all lie in the past.
TEAMS_FORMED_ON = date(2024, 3, 5)
HISTORY_ENDS_ON = date(2026, 6, 30)


@dataclass(frozen=True)
class DemoSpec:
    """How big a town to build."""

    villages: int
    communities: int
    cooperatives: int
    teams: int
    households: int

    @property
    def places(self) -> int:
        return self.villages + self.communities + self.cooperatives


SPECS: dict[str, DemoSpec] = {
    "small": DemoSpec(villages=7, communities=4, cooperatives=1, teams=8, households=5_000),
    "large": DemoSpec(villages=38, communities=18, cooperatives=4, teams=40, households=50_000),
}


@dataclass
class DemoContext:
    """Passed from step to step; each step reads what earlier ones made and adds its own."""

    session: Session
    spec: DemoSpec
    seed: int
    communities: list[Community] = field(default_factory=list)
    grids: dict[int, list[Grid]] = field(default_factory=dict)
    teams: list[Team] = field(default_factory=list)
    committee: dict[int, list[Person]] = field(default_factory=dict)
    household_ids: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def rng(self, step: str) -> random.Random:
        """A generator of its own per step, so adding a step never changes the others' output."""
        return random.Random(f"{self.seed}:{step}")
