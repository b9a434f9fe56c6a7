"""Typesetting for the meeting PDFs: Chinese paragraphs with per-glyph font fallback, an A4
document whose every page carries "第 x 页 共 y 页", and a few flowables (a centred title, a
signature drawn into its box, an image scaled to the page).

The fonts are the ones the cards embed (app/cards/fonts.py): WenQuanYi Micro Hei, with Droid
Sans Fallback for rare characters; nothing depends on fonts installed on the machine.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib import textsplit as _textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph
from reportlab.platypus import paragraph as _paragraph

from app.cards import fonts
from app.files import replacing

PAGE_W, PAGE_H = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_W = PAGE_W - 2 * MARGIN_X
INK = colors.Color(0.1, 0.1, 0.1)
GREY = colors.Color(0.42, 0.42, 0.42)
RULE = colors.Color(0.25, 0.25, 0.25)
HEAD_FILL = colors.Color(0.93, 0.93, 0.93)
RED = colors.Color(0.70, 0.10, 0.11)

# reportlab's line breaking for CJK keeps Japanese closing marks off the start of a line but
# not the Chinese full-width comma, semicolon, colon, ! and ?; a line of minutes starting with
# "，" looks careless on an official record. Add them (hanging punctuation, one character).
_CHINESE_CANNOT_START = "，；：！？"
for _module in (_paragraph, _textsplit):
    _module.ALL_CANNOT_START = _module.ALL_CANNOT_START + "".join(
        ch for ch in _CHINESE_CANNOT_START if ch not in _module.ALL_CANNOT_START)


def styles() -> dict[str, ParagraphStyle]:
    fonts.register()
    base = ParagraphStyle("body", fontName=fonts.PRIMARY, fontSize=11, leading=17.5,
                          wordWrap="CJK", textColor=INK, alignment=TA_LEFT)
    return {
        "body": base,
        "indent": ParagraphStyle("indent", parent=base, firstLineIndent=22),
        "label": ParagraphStyle("label", parent=base, keepWithNext=1),
        "section": ParagraphStyle("section", parent=base, fontSize=14, leading=20,
                                  spaceBefore=10, spaceAfter=5, keepWithNext=1),
        "item": ParagraphStyle("item", parent=base, fontSize=12, leading=18, spaceBefore=6,
                               spaceAfter=2, keepWithNext=1),
        "note_lead": ParagraphStyle("note_lead", parent=base, fontSize=10, leading=15,
                                    leftIndent=22, keepWithNext=1),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=13.5),
        "cell_warn": ParagraphStyle("cell_warn", parent=base, fontSize=10, leading=13.5,
                                    textColor=RED),
        "cell_c": ParagraphStyle("cell_c", parent=base, fontSize=10, leading=13.5,
                                 alignment=TA_CENTER),
        "head": ParagraphStyle("head", parent=base, fontSize=10.5, leading=13.5,
                               alignment=TA_CENTER),
        "small": ParagraphStyle("small", parent=base, fontSize=9.5, leading=13,
                                textColor=GREY),
        "note": ParagraphStyle("note", parent=base, fontSize=10, leading=15, leftIndent=22),
        "quote": ParagraphStyle("quote", parent=base, fontSize=10, leading=15, leftIndent=44),
        "warn": ParagraphStyle("warn", parent=base, textColor=RED),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12.5, leading=18,
                                   alignment=TA_CENTER, spaceAfter=4),
    }


def markup(text: str) -> str:
    """``text`` as Paragraph markup: XML-escaped, each run in the font that has its glyphs,
    line breaks kept."""
    out: list[str] = []
    for name, part in fonts.runs(text or ""):
        piece = escape(part).replace("\r\n", "\n").replace("\n", "<br/>")
        out.append(piece if name == fonts.PRIMARY else f'<font name="{name}">{piece}</font>')
    return "".join(out)


def para(text: str, style: ParagraphStyle, *, prefix: str = "") -> Paragraph:
    """A paragraph of plain ``text`` (``prefix`` is markup put before it, e.g. a label)."""
    return Paragraph(prefix + markup(text), style)


def paras(text: str, style: ParagraphStyle, empty: str = "（无）") -> list[Paragraph]:
    """One paragraph per line of ``text`` (so a long minute flows across pages)."""
    lines = [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return [para(empty, style)]
    return [para(line, style) for line in lines]


class Title(Flowable):
    """A centred title in stroked (bold-looking) type, wrapped onto more lines if long."""

    def __init__(self, text: str, size: float = 22, space_after: float = 6) -> None:
        super().__init__()
        self.text, self.size, self.space_after = text, size, space_after
        self.lines: list[str] = [text]

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.lines, line = [], ""
        for ch in self.text:
            if line and fonts.width(line + ch, self.size) > avail_w:
                self.lines.append(line)
                line = ""
            line += ch
        self.lines.append(line)
        self.width = avail_w
        self.height = len(self.lines) * self.size * 1.35 + self.space_after
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(INK)
        c.setStrokeColor(INK)
        y = self.height - self.size * 1.05
        for line in self.lines:
            fonts.draw(c, self.width / 2, y, line, self.size, bold=True, align="centre")
            y -= self.size * 1.35


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


def _numbered_canvas(footer: PageHook) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Holds the pages back until the end, so each can say how many there are."""

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
    c.saveState()
    c.setFillColor(GREY)
    fonts.draw(c, PAGE_W / 2, 10 * mm, f"第 {number} 页 共 {total} 页", 9, align="centre")
    c.restoreState()


def build(story: Sequence[Flowable], out: Path | io.BytesIO, *, title: str,
          on_page: PageHook | None = None, footer: PageHook = page_numbers) -> int:
    """Lay ``story`` out on A4 portrait pages and write it (via a temporary file renamed into
    place, so a failure leaves no half file). ``on_page`` draws under each page's content
    (a watermark, a running head); ``footer`` over it, knowing the page count. Returns pages."""
    fonts.register()
    pages = [0]

    def under(c: Canvas, doc: BaseDocTemplate) -> None:
        pages[0] = c.getPageNumber()
        if on_page is not None:
            c.saveState()
            on_page(c, c.getPageNumber(), 0)
            c.restoreState()

    def make(target: Any) -> BaseDocTemplate:
        doc = BaseDocTemplate(target, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                              topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=title,
                              author="驻点直联工作台", initialFontName=fonts.PRIMARY)
        frame = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
        doc.addPageTemplates([PageTemplate("page", frames=[frame], onPage=under)])
        return doc

    if isinstance(out, io.BytesIO):
        make(out).build(list(story), canvasmaker=_numbered_canvas(footer))
        return pages[0]
    with replacing(Path(out)) as partial:
        make(str(partial)).build(list(story), canvasmaker=_numbered_canvas(footer))
    return pages[0]
