"""PDF pages to images with pypdfium2, for the preview and for printing.

Why not QtPdf: the program depends on PySide6-Essentials, which has no QtPdf module (it ships in
PySide6-Addons, a much larger download). PDFium through pypdfium2 renders the same pages with
the engine Chrome uses, and its wheels are small.

PDFium is not thread-safe: every call into it here holds ``LOCK``, so a preview rendering in a
worker and a print job never run in PDFium at the same time.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtGui import QImage

LOCK = threading.RLock()
POINTS_PER_INCH = 72.0
MM_PER_POINT = 25.4 / 72.0
STRIP_PIXELS = 1024  # printing renders a page in strips of this height: bounded memory at 600 dpi


@dataclass(frozen=True)
class PageSize:
    width: float   # points (1/72 inch)
    height: float

    @property
    def mm(self) -> tuple[float, float]:
        return (self.width * MM_PER_POINT, self.height * MM_PER_POINT)

    @property
    def name(self) -> str:
        """"A4"/"A3" (either orientation) when it is one, else the size in mm."""
        w, h = sorted(self.mm)
        for label, (a, b) in (("A4", (210, 297)), ("A3", (297, 420)), ("A5", (148, 210))):
            if abs(w - a) < 1 and abs(h - b) < 1:
                return label
        return f"{w:.0f} × {h:.0f} mm"


def page_sizes(path: Path) -> list[PageSize]:
    with LOCK:
        pdf = pdfium.PdfDocument(str(path))
        try:
            return [PageSize(*pdf[i].get_size()) for i in range(len(pdf))]
        finally:
            pdf.close()


def _to_image(bitmap: pdfium.PdfBitmap) -> QImage:
    """A QImage that owns its pixels (the bitmap's buffer goes away with the bitmap)."""
    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                   QImage.Format.Format_RGBX8888)
    return image.copy()


def _render(page: pdfium.PdfPage, scale: float,
            crop: tuple[float, float, float, float] = (0, 0, 0, 0)) -> QImage:
    bitmap = page.render(scale=scale, crop=crop, rev_byteorder=True, prefer_bgrx=True,
                         fill_color=(255, 255, 255, 255), optimize_mode="print")
    try:
        return _to_image(bitmap)
    finally:
        bitmap.close()


class PdfPages:
    """An open PDF for rendering pages one at a time (the preview keeps one open)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with LOCK:
            self._pdf = pdfium.PdfDocument(str(path))
            self.sizes = [PageSize(*self._pdf[i].get_size()) for i in range(len(self._pdf))]

    def __len__(self) -> int:
        return len(self.sizes)

    def image(self, index: int, dpi: float) -> QImage:
        """Page ``index`` (from 0) at ``dpi`` dots per inch."""
        with LOCK:
            page = self._pdf[index]
            try:
                return _render(page, dpi / POINTS_PER_INCH)
            finally:
                page.close()

    def strips(self, index: int, dpi: float) -> Iterator[tuple[int, int, QImage]]:
        """Page ``index`` at ``dpi`` in horizontal strips: (top pixel, height, image).

        A whole A3 page at 600 dpi would be a 280 MB image; strips keep printing to a few MB.
        Each strip is cut at whole pixels of the full-page raster, so strips meet without seams.
        """
        scale = dpi / POINTS_PER_INCH
        size = self.sizes[index]
        full_h = math.ceil(size.height * scale)
        top = 0
        while top < full_h:
            bottom = min(full_h, top + STRIP_PIXELS)
            # pypdfium2 turns crop points into pixels with ceil(): stay just under each boundary.
            crop_top = max(0.0, (top - 0.001) / scale) if top else 0.0
            below = full_h - bottom
            crop_bottom = max(0.0, (below - 0.001) / scale) if below else 0.0
            with LOCK:
                page = self._pdf[index]
                try:
                    image = _render(page, scale, (0, crop_bottom, 0, crop_top))
                finally:
                    page.close()
            yield top, bottom - top, image
            top = bottom

    def close(self) -> None:
        with LOCK:
            self._pdf.close()
