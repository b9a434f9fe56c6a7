"""Printing a card PDF through the system dialog at 100 % scale.

Cards are 90 × 54 mm with crop marks: "fit to page" would shrink them, so the printer is set to
full-page mode on the PDF's own paper size (A4 or A3, zero margins) and each page is drawn
into a rectangle computed from its size in points at the printer's resolution — never scaled
to the printable area. A printer that cannot print to the paper's edge leaves the outer
millimetres blank (the cards sit well inside them), but nothing is resized.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

from ui.cards.pdf_pages import POINTS_PER_INCH, PageSize, PdfPages
from ui.tasks import Cancelled, Progress

MAX_DPI = 600  # enough for 6 pt text and QR modules; a 1200 dpi driver gets 600 dpi pixels


@dataclass(frozen=True)
class Printed:
    pages: int         # sheets sides sent to the printer
    printer_name: str
    cancelled: bool = False


def page_layout(size: PageSize) -> QPageLayout:
    """The PDF's own paper (matched to A4/A3 when it is one), full page, no margins."""
    landscape = size.width > size.height
    portrait_size = QSizeF(min(size.width, size.height), max(size.width, size.height))
    page_size = QPageSize(portrait_size, QPageSize.Unit.Point, "",
                          QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = (QPageLayout.Orientation.Landscape if landscape
                   else QPageLayout.Orientation.Portrait)
    layout = QPageLayout(page_size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point)
    layout.setMode(QPageLayout.Mode.FullPageMode)
    return layout


def prepare_printer(printer: QPrinter, size: PageSize, duplex: bool) -> None:
    printer.setFullPage(True)
    printer.setPageLayout(page_layout(size))
    printer.setDuplex(QPrinter.DuplexMode.DuplexLongSide if duplex
                      else QPrinter.DuplexMode.DuplexNone)


def new_printer() -> QPrinter:
    return QPrinter(QPrinter.PrinterMode.HighResolution)


def ask_printer(parent: QWidget, printer: QPrinter, pages: int, title: str = "打印联系卡") -> bool:
    """The system print dialog (tests replace this function)."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.setMinMax(1, max(1, pages))
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, True)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintSelection, False)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintCurrentPage, False)
    return dialog.exec() == QPrintDialog.DialogCode.Accepted


def page_rect(size: PageSize, resolution: float) -> QRectF:
    """Where a PDF page goes on the printer's page, in device pixels, at 100 %."""
    return QRectF(0, 0, size.width / POINTS_PER_INCH * resolution,
                  size.height / POINTS_PER_INCH * resolution)


def chosen_pages(printer: QPrinter, count: int) -> list[int]:
    """Page numbers from 0 the print dialog asked for (all, or 从…到…)."""
    first, last = 1, count
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = printer.fromPage(), min(count, printer.toPage() or count)
    return list(range(first - 1, last))


def print_pdf(printer: QPrinter, pdf: Path, progress: Progress | None = None,
              cancelled: Cancelled | None = None) -> Printed:
    """Draw every chosen page of ``pdf`` onto ``printer`` (already set up by the dialog).

    May run in a worker: Qt supports painting on a QPrinter outside the GUI thread, and the
    UI does not touch this printer meanwhile.
    """
    pages = PdfPages(pdf)
    painter = QPainter()
    sent = 0
    try:
        numbers = chosen_pages(printer, len(pages))
        copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
        sequence = [n for _ in range(copies) for n in numbers]
        resolution = printer.resolution()
        dpi = min(resolution, MAX_DPI)
        if not painter.begin(printer):
            raise OSError(f"无法开始打印：打印机“{printer.printerName() or printer.outputFileName()}”"
                          "没有响应，请检查打印机是否已连接并开机。")
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        for i, number in enumerate(sequence):
            if cancelled is not None and cancelled():
                printer.abort()
                return Printed(sent, printer.printerName(), cancelled=True)
            if i:
                printer.newPage()
            target = page_rect(pages.sizes[number], resolution)
            ratio = resolution / dpi  # device pixels per rendered pixel (1 unless capped)
            for top, height, strip in pages.strips(number, dpi):
                painter.drawImage(QRectF(target.x(), target.y() + top * ratio,
                                         target.width(), height * ratio), strip)
            sent += 1
            if progress is not None:
                progress(i + 1, len(sequence))
    finally:
        if painter.isActive():
            painter.end()
        pages.close()
    return Printed(sent, printer.printerName())
