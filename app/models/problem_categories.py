"""The town's problem categories (问题类别) and each one's default deadline (限时办结天数).

A problem keeps its category as plain text (``Problem.category``): renaming or retiring a
category here never changes the problems already registered. Retired categories (``active``
false) stay in the table, are no longer offered for new problems, and may be brought back.
"""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamped, Versioned

NAME_LENGTH = 20
MAX_DEADLINE_DAYS = 365


class ProblemCategory(Base, Timestamped, Versioned):
    """One category of the problem ledger, in the order the town lists them."""

    __tablename__ = "problem_category"
    __mapper_args__ = {"version_id_col": Versioned.version}
    __table_args__ = (
        CheckConstraint(f"deadline_days >= 1 AND deadline_days <= {MAX_DEADLINE_DAYS}",
                        name="deadline_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    deadline_days: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
