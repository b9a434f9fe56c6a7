"""Plain values for the team list and the team page, copied out inside one session."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.services import teams as team_service
from app.services.teams import (MemberLine, TeamRow, TeamView, team_input, team_rows,  # noqa: F401
                                overview as team_view)
from app.services.people import search_people


@dataclass(frozen=True)
class SaveResult:
    """What a team form hands back: the team to select, and the warnings to show."""

    team_id: int
    warnings: list[str]

    @classmethod
    def of(cls, saved: team_service.Saved) -> "SaveResult":
        return cls(saved.team.id, list(saved.warnings))


def people_choices(session: Session) -> list[tuple[str, int]]:
    """Active people as (label, id) for pickers: the unit tells two 陈伟 apart."""
    return [(f"{p.name}（{p.unit or p.category.label}）", p.id) for p in search_people(session)]
