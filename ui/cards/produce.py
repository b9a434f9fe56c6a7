"""What the 联系卡 page asks for, as plain values, and the work that makes the PDF.

Both steps run in workers with their own session: first the cards' content is read and checked
(so the clerk sees what will not fit before anything is drawn), then the PDF is drawn to a
temporary file. Personalised cards stream the households from the database while drawing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.cards.content import CardContent, HouseholdLine
from app.db import Database
from app.services import cards
from ui.tasks import Cancelled, Progress

CARDS, POSTER = "cards", "poster"
PER_SHEET = 10  # cards on an A4 sheet (2 × 5)


@dataclass(frozen=True)
class Job:
    targets: tuple[tuple[int, int], ...]  # (team id, community id)
    kind: str = CARDS
    front_only: bool = False
    households: bool = False               # one card per household, with address and serial
    a3: bool = False                       # posters only

    @property
    def label(self) -> str:
        if self.kind == POSTER:
            return f"公开栏海报（{'A3' if self.a3 else 'A4'}）"
        sides = "仅正面" if self.front_only else "正反面"
        return f"民情联系卡（{'按户发放，' if self.households else ''}{sides}）"

    @property
    def duplex(self) -> bool:
        return self.kind == CARDS and not self.front_only

    def file_stem(self, contents: list[CardContent]) -> str:
        names = list(dict.fromkeys(c.community_name for c in contents))
        where = names[0] if len(names) == 1 else f"{names[0]}等{len(names)}个村（社区）"
        what = "公开栏海报" if self.kind == POSTER else "民情联系卡"
        extra = "-按户" if self.kind == CARDS and self.households else ""
        return f"{what}{extra}-{where}"


@dataclass(frozen=True)
class Checked:
    contents: list[CardContent]
    warnings: list[str]


@dataclass(frozen=True)
class Produced:
    job: Job
    path: Path
    contents: list[CardContent]
    pages: int
    cards: int
    warnings: list[str]


def read_contents(db: Database, job: Job) -> Checked:
    """Worker: each chosen card's content from the roster today, and what would not fit."""
    from app.cards.render import check_cards

    with db.session() as s:
        contents = [cards.card_content(s, team, community) for team, community in job.targets]
    return Checked(contents, list(check_cards(contents)))


class _Lines:
    """A community's households, read afresh each time they are iterated (two teams serving
    one community each print a card for every household)."""

    def __init__(self, session: Session, community_id: int) -> None:
        self.session, self.community_id = session, community_id

    def __iter__(self) -> Iterator[HouseholdLine]:
        return cards.household_lines(self.session, self.community_id)


def render(db: Database, job: Job, contents: list[CardContent], out: Path,
           progress: Progress, cancelled: Cancelled) -> Produced | None:
    """Worker: draw the PDF to ``out``; None when cancelled (the partial file is removed)."""
    try:
        if job.kind == POSTER:
            from app.cards.poster import render_posters

            report = render_posters(contents, out, a3=job.a3)
        else:
            from app.cards.render import render_cards

            with db.session() as s:
                households = None
                total = PER_SHEET * len(contents)  # a general card fills one sheet of ten
                if job.households:
                    households = {c.community_id: _Lines(s, c.community_id) for c in contents}
                    sizes = {r.community_id: r.households
                             for cid in households for r in cards.coverage(s, cid)}
                    total = sum(sizes.get(c.community_id, 0) for c in contents)
                report = render_cards(contents, out, front_only=job.front_only,
                                      households=households,
                                      progress=lambda done: progress(done, total),
                                      cancelled=cancelled)
    except BaseException:
        out.unlink(missing_ok=True)
        if cancelled():
            return None
        raise
    if cancelled():
        out.unlink(missing_ok=True)
        return None
    return Produced(job, out, contents, report.pages, report.cards, list(report.warnings))


def record(db: Database, produced: Produced, out_name: str, pages: int | None = None) -> None:
    """After a print or a save: which content went out (flags later roster changes)."""
    with db.session() as s:
        cards.record_print(s, produced.contents, produced.job.kind == CARDS
                           and produced.job.households, produced.pages if pages is None else pages,
                           out_name)
