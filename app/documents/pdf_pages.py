"""The document kit for PDFs: pages. Flowables every document uses — :class:`Title` (a centred
title in bold-looking type), :class:`BoldText` (bold text wrapped to a cell), :class:`KeepTail`
(keep-with-next for the end of a long table), :class:`SignatureImage`, :class:`PageImage`,
:class:`Marker` — pages that know how many there are (:func:`numbered_canvas`, with the footers
:func:`page_numbers` "第 x 页 共 y 页" and :func:`landscape_page_numbers`) and :func:`build`,
which lays a story out on A4 (portrait or landscape, any margins) and writes it through a
temporary file renamed into place.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Table

from app.documents import pdf_fonts as fonts
from app.documents.pdf import (GREY, INK, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, PAGE_H, PAGE_W,
                               RED, wrap_text)
from app.files import replacing

LAND_W, LAND_H = landscape(A4)
LAND_MARGIN_X = 14 * mm
LAND_MARGIN_Y = 14 * mm
LAND_FRAME_W = LAND_W - 2 * LAND_MARGIN_X


class Title(Flowable):
    """A centred title in stroked (bold-looking) type, wrapped onto more lines if long."""

    def __init__(self, text: str, size: float = 22, space_after: float = 6,
                 color: Any = INK) -> None:
        super().__init__()
        self.text, self.size, self.space_after, self.color = text, size, space_after, color
        self.lines: list[str] = [text]

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.lines = wrap_text(self.text, self.size, avail_w)
        self.width = avail_w
        self.height = len(self.lines) * self.size * 1.35 + self.space_after
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(self.color)
        c.setStrokeColor(self.color)
        y = self.height - self.size * 1.05
        for line in self.lines:
            fonts.draw(c, self.width / 2, y, line, self.size, bold=True, align="centre")
            y -= self.size * 1.35


class BoldText(Flowable):
    """Text drawn in stroked (bold-looking) type, wrapped to the cell width (red by default:
    what must stand out in a table)."""

    def __init__(self, text: str, size: float = 10, color: Any = RED,
                 leading: float = 1.35) -> None:
        super().__init__()
        self.text, self.size, self.color, self.leading = text, size, color, leading
        self.lines: list[str] = [text]

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.lines = wrap_text(self.text, self.size, avail_w)
        self.width = avail_w
        self.height = len(self.lines) * self.size * self.leading
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(self.color)
        c.setStrokeColor(self.color)
        y = self.height - self.size * 1.02
        for line in self.lines:
            fonts.draw(c, 0, y, line, self.size, bold=True)
            y -= self.size * self.leading


class KeepTail(Flowable):
    """A long table and what must follow it on the same page (keep-with-next for a table that
    may run over pages): when the table ends on a page with no room left for ``tail``, its
    last ``rows`` rows move over with the tail (the header row repeats), so the tail never
    stands alone at the top of a page."""

    def __init__(self, table: Table, tail: Sequence[Flowable], rows: int = 2,
                 carried: bool = False) -> None:
        super().__init__()
        self.table, self.tail, self.rows = table, list(tail), rows
        self.carried = carried     # rows carried over: they start the next page

    def _tail_height(self, avail_w: float) -> float:
        return sum(f.wrap(avail_w, 1e6)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                   for f in self.tail)

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width = avail_w
        self.height = self.table.wrap(avail_w, avail_h)[1] + self._tail_height(avail_w)
        return avail_w, self.height

    def split(self, avail_w: float, avail_h: float) -> list[Flowable]:
        if self.carried:                         # start the next page with the carried rows
            self.carried = False
            return []
        table_h = self.table.wrap(avail_w, avail_h)[1]
        if table_h > avail_h:                    # the table runs on: split it where it must
            parts = self.table.split(avail_w, avail_h)
            if len(parts) == 2:
                return [parts[0], KeepTail(parts[1], self.tail, self.rows)]
            return []
        # the table ends here but the tail does not fit: carry its last rows over
        heights = list(self.table._rowHeights)
        head = self.table.repeatRows or 0
        body = len(heights) - head
        keep = min(self.rows, body - 1)
        if keep < 1:
            return []                            # too short to split: all of it moves on
        parts = self.table.split(avail_w, sum(heights[:len(heights) - keep]) + 0.01)
        if len(parts) == 2:
            return [parts[0], KeepTail(parts[1], self.tail, self.rows, carried=True)]
        return []

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802
        """Only when all fits on one page: the table, then the tail under it."""
        top = y + self.height
        for f in [self.table, *self.tail]:
            w, h = f.wrap(self.width, 1e6)
            top -= f.getSpaceBefore() + h
            f.drawOn(canvas, x, top, _sW=self.width - w)
            top -= f.getSpaceAfter()


class SignatureImage(Flowable):
    """A captured signature (PNG with transparency) fitted into a w × h box, centred.

    ``where`` (if given) records the box: page number and its rectangle in points from the
    page's bottom-left, so tests (and anyone) can find the ink."""

    def __init__(self, png: bytes, width: float, height: float, key: Any = None,
                 where: dict | None = None) -> None:
        super().__init__()
        self.png, self.box_w, self.box_h = png, width, height
        self.key, self.where = key, where

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.box_w, self.box_h

    def draw(self) -> None:
        reader = ImageReader(io.BytesIO(self.png))
        iw, ih = reader.getSize()
        scale = min(self.box_w / iw, self.box_h / ih) if iw and ih else 1
        w, h = iw * scale, ih * scale
        self.canv.drawImage(reader, (self.box_w - w) / 2, (self.box_h - h) / 2, w, h,
                            mask="auto")
        if self.where is not None:
            x, y = self.canv.absolutePosition(0, 0)
            self.where[self.key] = (self.canv.getPageNumber(), x, y, self.box_w, self.box_h)


class PageImage(Flowable):
    """An image (a scanned sheet) scaled to the space left on the page, centred."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.data = data
        self.reader = ImageReader(io.BytesIO(data))
        self.iw, self.ih = self.reader.getSize()

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        scale = min(avail_w / self.iw, (avail_h - 2) / self.ih)
        self.w, self.h = self.iw * scale, self.ih * scale
        self.avail_w = avail_w
        return avail_w, self.h

    def draw(self) -> None:
        x = (self.avail_w - self.w) / 2
        self.canv.drawImage(self.reader, x, 0, self.w, self.h)
        self.canv.setStrokeColor(GREY)
        self.canv.setLineWidth(0.5)
        self.canv.rect(x, 0, self.w, self.h, stroke=1, fill=0)


class Marker(Flowable):
    """Zero height; remembers where on which page it landed (the end of a table, say)."""

    def __init__(self) -> None:
        super().__init__()
        self.page: int | None = None
        self.y: float | None = None

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.page = self.canv.getPageNumber()
        self.y = self.canv.absolutePosition(0, 0)[1]


PageHook = Callable[[Canvas, int, int], None]


def numbered_canvas(footer: PageHook) -> type[Canvas]:
    """A canvas class that holds the pages back until the end, then draws ``footer(canvas,
    page, pages)`` on each: so every page can say how many there are."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                footer(self, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


def page_numbers(c: Canvas, number: int, total: int) -> None:
    """“第 x 页 共 y 页” centred at the foot of an A4 portrait page."""
    c.saveState()
    c.setFillColor(GREY)
    fonts.draw(c, PAGE_W / 2, 10 * mm, f"第 {number} 页 共 {total} 页", 9, align="centre")
    c.restoreState()


def landscape_page_numbers(c: Canvas, number: int, total: int) -> None:
    """“第 x 页 共 y 页” centred at the foot of an A4 landscape page."""
    c.saveState()
    c.setFillColor(GREY)
    fonts.draw(c, LAND_W / 2, 7 * mm, f"第 {number} 页 共 {total} 页", 9, align="centre")
    c.restoreState()


def build(story: Sequence[Flowable], out: Path | io.BytesIO, *, title: str,
          on_page: PageHook | None = None, footer: PageHook | None = None,
          wide: bool = False, margins: tuple[float, float, float, float] | None = None) -> int:
    """Lay ``story`` out on A4 pages — portrait, or landscape if ``wide`` — and write it (via a
    temporary file renamed into place, so a failure leaves no half file). ``margins`` are
    (top, right, bottom, left) in points (default: 20 mm all round in portrait, 14 mm in
    landscape). ``on_page`` draws under each page's content (a watermark, a running head);
    ``footer`` over it, knowing the page count (default “第 x 页 共 y 页”). Returns the number
    of pages."""
    fonts.register()
    if footer is None:
        footer = landscape_page_numbers if wide else page_numbers
    pages = [0]
    size = landscape(A4) if wide else A4
    if margins is None:
        margins = ((LAND_MARGIN_Y, LAND_MARGIN_X, LAND_MARGIN_Y, LAND_MARGIN_X) if wide else
                   (MARGIN_TOP, MARGIN_X, MARGIN_BOTTOM, MARGIN_X))
    top, right, bottom, left = margins

    def under(c: Canvas, doc: BaseDocTemplate) -> None:
        pages[0] = c.getPageNumber()
        if on_page is not None:
            c.saveState()
            on_page(c, c.getPageNumber(), 0)
            c.restoreState()

    def make(target: Any) -> BaseDocTemplate:
        doc = BaseDocTemplate(target, pagesize=size, leftMargin=left, rightMargin=right,
                              topMargin=top, bottomMargin=bottom, title=title,
                              author="驻点直联工作台", initialFontName=fonts.PRIMARY)
        frame = Frame(left, bottom, size[0] - left - right, size[1] - top - bottom,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
        doc.addPageTemplates([PageTemplate("page", frames=[frame], onPage=under)])
        return doc

    canvas = numbered_canvas(footer)
    if isinstance(out, io.BytesIO):
        make(out).build(list(story), canvasmaker=canvas)
        return pages[0]
    with replacing(Path(out)) as partial:
        make(str(partial)).build(list(story), canvasmaker=canvas)
    return pages[0]


def watermark(c: Canvas, text: str, size: float, alpha: float = 0.12) -> None:
    """``text`` in light red across the middle of the page (a draft's 草稿 / 征求意见稿)."""
    c.saveState()
    c.setFillColor(RED)
    c.setFillAlpha(alpha)
    c.translate(PAGE_W / 2, PAGE_H / 2)
    c.rotate(35)
    fonts.draw(c, 0, -20, text, size, align="centre")
    c.restoreState()
