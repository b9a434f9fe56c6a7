"""Issuing (印发) the red-header documents: the 月通报 and the 抽查督查情况通报 of a month.

A document is printed as a draft (征求意见稿: no number, dated the day it is printed or the date
asked for) until it is issued. Issuing gives it, once and for good:

- its document number (发文字号): the 机关代字 (the town's setting, e.g. 云组通), the year of its
  date in 〔〕 and the next number of that year for that 机关代字 — the two kinds of 通报 share
  one sequence when they share the 机关代字, as documents of one office do;
- its date (成文日期), chosen when issuing (default: the day it is issued) and never re-dated;
- the issuing organ, 抄送 and 印发机关 as the settings give them that day, and 印发日期 (the day
  it is issued);
- the PDF as issued, kept in the database: every later print of the month's document is that
  PDF, byte for byte (the records of the month may still change; the issued document does not).

A month's document is issued once; asking again gives the one issued (``already``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit
from app.auth import Permission, require
from app.documents.pdf_official import Letterhead, document_number
from app.errors import ValidationError
from app.files import replacing
from app.models import DocumentKind, IssuedDocument, StoredFile, TownSettings
from app.services.settings import get_settings

PREFIX_SUFFIX = "组通"
PERMISSION = {DocumentKind.BULLETIN: Permission.PUBLISH_BULLETIN,
              DocumentKind.CHECK_REPORT: Permission.RUN_SPOT_CHECKS}


def organ_of(settings: TownSettings) -> str:
    """发文机关: the setting, or “<区县><镇>党委组织办”."""
    if settings.issuing_organ.strip():
        return settings.issuing_organ.strip()
    town = settings.town_name or "本镇（街道）"
    return f"{settings.district_name}{town}党委组织办".strip()


def prefix_of(settings: TownSettings) -> str:
    """机关代字: the setting, or the town's first character and 组通 (云溪镇: 云组通)."""
    if settings.doc_prefix.strip():
        return settings.doc_prefix.strip()
    return f"{settings.town_name.strip()[:1]}{PREFIX_SUFFIX}"


def printing_organ_of(settings: TownSettings) -> str:
    """印发机关: the setting, or the issuing organ."""
    return settings.printing_organ.strip() or organ_of(settings)


def find_issued(session: Session, kind: DocumentKind, year: int, month: int
                ) -> IssuedDocument | None:
    """The month's document of ``kind`` if it has been issued."""
    return session.scalar(select(IssuedDocument).where(
        IssuedDocument.kind == kind, IssuedDocument.period_year == year,
        IssuedDocument.period_month == month))


def number_text(doc: IssuedDocument) -> str:
    return document_number(doc.prefix, doc.year, doc.number)


def letterhead_of(doc: IssuedDocument) -> Letterhead:
    """The head an issued document was printed with."""
    return Letterhead(doc.organ, number_text(doc), doc.dated, doc.copy_to, doc.printing_organ,
                      doc.printed_on)


def draft_letterhead(session: Session, dated: date) -> Letterhead:
    """The head of a draft (征求意见稿): the settings of today, no number, no 印发日期."""
    settings = get_settings(session)
    return Letterhead(organ_of(settings), None, dated, settings.copy_to,
                      printing_organ_of(settings), None)


def next_number(session: Session, prefix: str, year: int) -> int:
    """The next number of ``year`` for ``prefix`` (1 for the year's first)."""
    last = session.scalar(select(func.max(IssuedDocument.number)).where(
        IssuedDocument.prefix == prefix, IssuedDocument.year == year))
    return (last or 0) + 1


def check_date(dated: date, year: int, month: int, today: date) -> date:
    """成文日期 of a month's document: not before the month begins, not after today."""
    if dated < date(year, month, 1):
        raise ValidationError(f"成文日期 {dated:%Y-%m-%d} 早于{year}年{month}月，请重新选择。",
                              "dated")
    if dated > today:
        raise ValidationError(f"成文日期 {dated:%Y-%m-%d} 还没有到，不能晚于今天"
                              f"（{today:%Y-%m-%d}）。", "dated")
    return dated


@dataclass(frozen=True)
class Issued:
    document: IssuedDocument
    already: bool             # issued before: nothing was numbered or stored this time

    @property
    def number(self) -> str:
        return number_text(self.document)


def issue(session: Session, kind: DocumentKind, year: int, month: int, title: str,
          render: Callable[[Letterhead], tuple[bytes, int]], dated: date | None = None,
          today: date | None = None) -> Issued:
    """Issue the month's document of ``kind``: number it, date it (``dated``, default today),
    render it once with its head (``render`` gives the PDF's bytes and its number of pages)
    and keep the PDF. If it
    was issued already, that one is given back unchanged."""
    actor = require(session, PERMISSION[kind])
    found = find_issued(session, kind, year, month)
    if found is not None:
        return Issued(found, True)
    today = today or date.today()
    dated = check_date(dated or today, year, month, today)
    settings = get_settings(session)
    prefix = prefix_of(settings)
    number = next_number(session, prefix, dated.year)
    head = Letterhead(organ_of(settings), document_number(prefix, dated.year, number), dated,
                      settings.copy_to, printing_organ_of(settings), today)
    data, pages = render(head)
    sha = hashlib.sha256(data).hexdigest()
    stored = session.get(StoredFile, sha) or StoredFile(sha256=sha, size=len(data),
                                                        mime="application/pdf", data=data)
    doc = IssuedDocument(
        kind=kind, period_year=year, period_month=month, prefix=prefix, year=dated.year,
        number=number, title=title, organ=head.organ, copy_to=head.copy_to,
        printing_organ=head.printing_organ, dated=dated, printed_on=today,
        issued_at=datetime.now().replace(microsecond=0), issued_by=actor.user_id,
        issued_by_name=actor.display_name or actor.username, pdf=stored, pages=pages)
    session.add(doc)
    session.flush()
    audit.record(session, "issue", "issued_document", doc.id,
                 f"印发{title}：{head.number}，成文日期 {dated:%Y-%m-%d}")
    return Issued(doc, False)


def reprint(session: Session, doc: IssuedDocument, out: Path) -> Path:
    """Write the issued PDF to ``out`` (through a temporary file renamed into place)."""
    out = Path(out)
    with replacing(out) as partial:
        Path(partial).write_bytes(doc.pdf.data)
    audit.record(session, "export", "issued_document", doc.id,
                 f"重印{doc.title}（{number_text(doc)}）：{out.name}")
    return out
