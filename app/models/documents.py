"""The red-header documents the organization office issues (印发): the 月通报 and the 抽查督查情况
通报 of a month. Issuing one gives it its document number (发文字号: the 机关代字, the year and
the next number of that year, 云组通〔2026〕3号) and its date (成文日期), and keeps the PDF as
issued; a reprint is that PDF, byte for byte, whatever changed in the records since. A document
is issued once per month; its record is never changed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text,
                        UniqueConstraint, func)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, enum_column
from app.models.enums import DocumentKind
from app.models.submissions import StoredFile


class IssuedDocument(Base):
    __tablename__ = "issued_document"
    __table_args__ = (
        UniqueConstraint("kind", "period_year", "period_month",
                         name="uq_issued_document_period"),
        UniqueConstraint("prefix", "year", "number", name="uq_issued_document_number"),
        CheckConstraint("number >= 1", name="number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind))
    period_year: Mapped[int] = mapped_column(Integer)       # the month it reports on
    period_month: Mapped[int] = mapped_column(Integer)
    prefix: Mapped[str] = mapped_column(String(20))         # 机关代字, as it was when issued
    year: Mapped[int] = mapped_column(Integer)              # 〔year〕: the year of the date
    number: Mapped[int] = mapped_column(Integer)            # sequence within prefix and year
    title: Mapped[str] = mapped_column(String(200))
    organ: Mapped[str] = mapped_column(String(80))          # 发文机关, as printed
    copy_to: Mapped[str] = mapped_column(Text)              # 抄送, as printed
    printing_organ: Mapped[str] = mapped_column(String(80))  # 印发机关, as printed
    dated: Mapped[date] = mapped_column(Date)               # 成文日期
    printed_on: Mapped[date] = mapped_column(Date)          # 印发日期
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    issued_by: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), nullable=True)
    issued_by_name: Mapped[str] = mapped_column(String(60))
    pdf_sha: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256", ondelete="RESTRICT"))
    pages: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())

    # Declared so the unit of work writes the file before the record that points at it.
    pdf: Mapped[StoredFile] = relationship(foreign_keys=[pdf_sha], viewonly=False)
