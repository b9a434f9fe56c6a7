"""Bookkeeping of the database itself: a revision bumped by every committed change."""

from __future__ import annotations

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class DataRevision(Base):
    """One row whose counter rises with each commit that changed data.

    Backups record the counter they captured, so start-up knows whether a new backup is due
    without comparing files.
    """

    __tablename__ = "data_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
