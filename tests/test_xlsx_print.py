"""Every xlsx export printed through LibreOffice and read back from the PDF (issue 14): the
pages are the paper chosen for the export, no text is smaller than 9 pt, no text is printed over
other text (a row too low for its wrapped lines), nothing runs off the paper, and no sheet is
cut into strips of columns (every page is one page wide: its words span most of its width).

The town is a small demo (four teams, 600 households) built once for the module; all exports
are printed in one LibreOffice run. Skipped where LibreOffice (``soffice``) or poppler's
``pdftotext`` is not installed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.demo import build_demo
from app.demo.context import SPECS, DemoSpec
from app.models import Finding
from tests.databases import open_test_database
from tests.print_support import (Page, missing_tools, off_page, overlapping, print_to_pdf,
                                 read_pages, too_small)

pytestmark = pytest.mark.slow

MARCH = date(2026, 3, 1)
A4_PORTRAIT, A4_LANDSCAPE, A3_LANDSCAPE = (595, 842), (842, 595), (1191, 842)


def _ledger(kind: str) -> Callable[[Session, Path], object]:
    def export(s: Session, out: Path) -> object:
        from app.ledgers.export import export_ledger
        return export_ledger(s, kind, MARCH, out)
    return export


def _roster(s: Session, out: Path) -> object:
    from app.roster.export import export_roster
    return export_roster(s, out)


def _attendance(s: Session, out: Path) -> object:
    from app.meetings.attendance_xlsx import export_attendance
    return export_attendance(s, 2026, 3, None, out)


def _cards(s: Session, out: Path) -> object:
    from app.services.cards import export_coverage
    return export_coverage(s, out)


def _bulletin(s: Session, out: Path) -> object:
    from app.forms.bulletin_xlsx import bulletin_xlsx
    return bulletin_xlsx(s, 2026, 3, out)


def _form1(s: Session, out: Path) -> object:
    from app.forms.form1 import form1_xlsx
    return form1_xlsx(s, 2026, 3, None, out)


def _form2(s: Session, out: Path) -> object:
    from app.forms.form2 import form2_xlsx
    return form2_xlsx(s, 2026, 3, None, out)


def _personal_file(s: Session, out: Path) -> object:
    from app.checks.personal_file import personal_file_xlsx
    person = s.execute(select(Finding.person_id).where(Finding.person_id.is_not(None))
                       .group_by(Finding.person_id).order_by(func.count().desc())).scalar()
    return personal_file_xlsx(s, person, 2026, out)


def _audit(s: Session, out: Path) -> object:
    from app.services.audit_log import export_audit
    return export_audit(s, out)


# name: (how it is made, the paper of its pages)
EXPORTS: dict[str, tuple[Callable[[Session, Path], object], set[tuple[int, int]]]] = {
    "roster": (_roster, {A4_LANDSCAPE}),
    "ledger-log": (_ledger("log"), {A3_LANDSCAPE}),
    "ledger-reception": (_ledger("reception"), {A4_LANDSCAPE}),
    "ledger-problems": (_ledger("problems"), {A3_LANDSCAPE}),
    "ledger-visits": (_ledger("visits"), {A3_LANDSCAPE}),
    "ledger-register": (_ledger("register"), {A3_LANDSCAPE, A4_LANDSCAPE}),
    "attendance": (_attendance, {A4_LANDSCAPE}),
    "card-coverage": (_cards, {A4_PORTRAIT}),
    "bulletin": (_bulletin, {A3_LANDSCAPE, A4_PORTRAIT}),
    "form1": (_form1, {A4_LANDSCAPE}),
    "form2": (_form2, {A4_LANDSCAPE}),
    "personal-file": (_personal_file, {A4_LANDSCAPE}),
    "audit": (_audit, {A4_LANDSCAPE}),
}


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[dict[str, tuple[Path, list[Page]]]]:
    """Each export's workbook and its pages as LibreOffice prints them."""
    missing = missing_tools()
    if missing:
        pytest.skip(f"未安装 {'、'.join(missing)}（LibreOffice / poppler-utils），无法打印检查 xlsx")
    folder = tmp_path_factory.mktemp("xlsx_print")
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(SPECS, "print_test", DemoSpec(villages=4, communities=2, cooperatives=1,
                                                 teams=4, households=600))
        with open_test_database(folder / "demo.db") as db:
            build_demo(db, "print_test", seed=7)
            books = {}
            for name, (export, _paper) in EXPORTS.items():
                books[name] = folder / f"{name}.xlsx"
                with db.session() as s:
                    export(s, books[name])
    pdfs = print_to_pdf(list(books.values()), folder / "pdf", folder / "lo-profile")
    yield {name: (book, read_pages(pdfs[book])) for name, book in books.items()}


@pytest.mark.parametrize("name", list(EXPORTS))
def test_printed_pages_are_readable(printed: dict[str, tuple[Path, list[Page]]],
                                    name: str) -> None:
    _book, pages = printed[name]
    assert pages, f"{name}: no pages"
    papers = {(round(p.width), round(p.height)) for p in pages}
    assert papers <= EXPORTS[name][1], f"{name}: printed on {papers}"
    for page in pages:
        where = f"{name} page {page.number}"
        assert page.words, f"{where}: blank"
        small = too_small(page)
        assert not small, f"{where}: smaller than 9 pt: {small[:3]}"
        over = overlapping(page)
        assert not over, f"{where}: text over text: {over[:3]}"
        assert not off_page(page), f"{where}: off the paper: {off_page(page)[:3]}"
        # one page wide: the table (or at least its header) runs across the page
        assert page.span() > 0.6, f"{where}: its words span {page.span():.0%} of the width"
        assert "页" in page.text and f"第 {page.number} 页" in page.text, f"{where}: no page number"


def test_every_row_has_its_height_and_no_number_is_text(
        printed: dict[str, tuple[Path, list[Page]]]) -> None:
    """LibreOffice and WPS do not fit rows to their text: every row's height is in the file.
    Percentages and amounts are numbers with a format, never text such as “58.3%”."""
    percent_text = re.compile(r"-?\d+(\.\d+)?\s*%")
    for name, (book, _pages) in printed.items():
        for ws in load_workbook(book):
            unset = [r for r in range(1, ws.max_row + 1) if not ws.row_dimensions[r].height]
            assert not unset, f"{name}/{ws.title}: rows without a height {unset[:5]}"
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        assert not percent_text.fullmatch(cell.value), \
                            f"{name}/{ws.title}!{cell.coordinate}: {cell.value!r} is text"
