"""Plain values for the people list and the person form (built by the people service)."""

from __future__ import annotations

from app.models import Gender, PersonCategory
from app.services.people import PersonRow, person_input, person_rows

__all__ = ["CATEGORIES", "GENDERS", "PersonRow", "person_input", "person_rows"]

GENDERS: list[tuple[str, Gender | None]] = [("（未填）", None)] + [(g.label, g) for g in Gender]
CATEGORIES: list[tuple[str, PersonCategory]] = [(c.label, c) for c in PersonCategory]
