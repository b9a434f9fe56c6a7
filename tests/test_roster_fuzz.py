"""Broken rosters, made by mutating good ones for a bounded time (seeded): zero tracebacks,
every refusal a Chinese message, nothing written. ZHILIAN_FUZZ_SECONDS sets the time
(bench/fuzz_import.py runs the same for minutes)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select

from app.db import Database
from app.models import Person
from app.roster import preview_import
from tests.roster_fuzz import run

SECONDS = float(os.environ.get("ZHILIAN_FUZZ_SECONDS", "20"))


def test_mutated_rosters_are_read_or_refused_in_chinese(db: Database, tmp_path: Path) -> None:
    with db.session() as session:
        outcome = run(lambda path: preview_import(session, path), tmp_path, SECONDS)
    assert outcome.files >= 20, f"only {outcome.files} files in {SECONDS} s"
    assert outcome.failures == [], "\n\n".join(outcome.failures[:5])
    assert outcome.refused > 0 and outcome.read > 0  # the mutations reach both outcomes
    with db.session() as session:
        assert session.scalar(select(Person.id)) is None  # previews never write
