"""Preview and apply: the same run, rolled back for the preview, committed for the import."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from app import audit
from app.auth import Permission, check, require
from app.db import Database
from app.roster.mapping import overrides_from
from app.roster.headers import SheetKind
from app.roster.households import HouseholdWriter
from app.roster.members import MemberWriter
from app.roster.problems import Cancelled, ImportPreview, ImportRejected
from app.roster.reader import WorkbookData, read_workbook
from app.roster.xlsx_stream import column_letter
from app.roster.validate import (MemberRecord, Problems, TeamRecord, read_household, read_member,
                                 read_team)

Progress = Callable[[int, int], None] | None
Cancel = Callable[[], bool] | None


def preview_import(session: Session, path: Path, *, progress: Progress = None,
                   cancelled: Cancel = None, mapping: Mapping[str, str] | None = None
                   ) -> ImportPreview:
    """What an import of ``path`` would do, with every problem; the database is left as it was.

    ``mapping``: header → field title (or 不导入) for columns the user placed by hand."""
    require(session, Permission.IMPORT_ROSTER)
    book = read_workbook(Path(path), progress, cancelled, overrides_from(mapping))
    changed = session.info.get("changed")
    savepoint = session.begin_nested()
    try:
        return run(session, book, write=False, progress=progress, cancelled=cancelled)
    finally:
        savepoint.rollback()
        # The rolled-back writes must not count as a change of data (backups key on it).
        session.info.pop("changed", None)
        if changed:
            session.info["changed"] = changed


def apply_import(db: Database, path: Path, *, skip_invalid: bool = False, progress: Progress = None,
                 cancelled: Cancel = None, mapping: Mapping[str, str] | None = None
                 ) -> ImportPreview:
    """Import in one transaction after a backup; all or nothing unless ``skip_invalid``.

    The audit trail gets one entry for the whole import, with the file and the counts.
    """
    check(db.actor, Permission.IMPORT_ROSTER)
    book = read_workbook(Path(path), progress, cancelled, overrides_from(mapping))
    if db.path is not None:
        db.backup("import")
    with db.session() as session:
        with audit.bulk(session, "import", f"导入名册：{Path(path).name}"):
            preview = run(session, book, write=True, progress=progress, cancelled=cancelled)
            if preview.problems and not skip_invalid:
                raise ImportRejected(preview)
    return preview


def run(session: Session, book: WorkbookData, *, write: bool, progress: Progress = None,
        cancelled: Cancel = None, today: date | None = None) -> ImportPreview:
    day = today or date.today()
    problems = Problems(book.file)
    preview = ImportPreview(rows_total=book.rows_total,
                            sheets={s.name: s.kind.value for s in book.sheets})
    preview.sheets.update({name: "（未识别，已忽略）" for name in book.ignored})
    preview.columns_unplaced = [f"工作表“{s.name}” {c}" for s in book.sheets
                                for c in _columns(s.header.unplaced)]
    preview.columns_ignored = [f"工作表“{s.name}” {c}" for s in book.sheets
                               for c in _columns(s.header.ignored)]
    _run_members(session, book, problems, preview, day, cancelled)
    households = HouseholdWriter(session, problems, preview, day)
    done = 0
    for sheet in book.of_kind(SheetKind.HOUSEHOLDS):
        if problems.missing_columns(sheet):
            continue
        for row in sheet.rows:
            record = read_household(problems, sheet, row)
            if record is not None:
                households.add(record)
            done += 1
            if done % 1000 == 0:
                _check(cancelled)
                if progress:
                    progress(done, book.rows_total)
    if write:
        households.write(cancelled)
    order = {s.name: i for i, s in enumerate(book.sheets)}
    preview.problems = sorted(problems.items, key=lambda p: (order.get(p.sheet, 0), p.row))
    preview.rows_valid = preview.rows_total - len(problems.bad_rows)
    return preview


def _run_members(session: Session, book: WorkbookData, problems: Problems, preview: ImportPreview,
                 day: date, cancelled: Cancel) -> None:
    specs: dict[str, TeamRecord] = {}
    for sheet in book.of_kind(SheetKind.TEAMS):
        if problems.missing_columns(sheet):
            continue
        for row in sheet.rows:
            record = read_team(problems, sheet, row)
            if record is None:
                continue
            if record.name in specs:
                problems.add(sheet, row.number, "team",
                             f"团队“{record.name}”与第 {specs[record.name].row} 行重复")
            else:
                specs[record.name] = record
    groups: dict[str, list[MemberRecord]] = {name: [] for name in specs}
    people_only: list[MemberRecord] = []
    for sheet in book.of_kind(SheetKind.MEMBERS) + book.of_kind(SheetKind.PEOPLE):
        if problems.missing_columns(sheet):
            continue
        for row in sheet.rows:
            member = read_member(problems, sheet, row)
            if member is None:
                continue
            if member.role is None:  # read_member lets this through only with no team either
                people_only.append(member)
            else:
                groups.setdefault(member.team, []).append(member)
    writer = MemberWriter(session, problems, preview, day)
    for name, rows in groups.items():
        _check(cancelled)
        writer.write_team(name, specs.get(name), rows)
    # After the teams, so a person listed both ways is matched to the one the team rows made.
    for record in people_only:
        writer.write_person(record)


def _columns(found: tuple[tuple[int, str], ...]) -> list[str]:
    return [f"{column_letter(i + 1)} 列“{text}”" for i, text in found]


def _check(cancelled: Cancel) -> None:
    if cancelled and cancelled():
        raise Cancelled()
