"""The document kit for PDFs: the red-header official document (公文) of GB/T 9704-2012
《党政机关公文格式》, for the 月通报 and the 抽查督查情况通报.

- The page (:data:`OFFICIAL_MARGINS`): A4 with the standard's type area (版心) of 156 × 225 mm,
  37 mm from the top edge and 28 mm from the left.
- :class:`OfficialHead` — 版头: the issuing organ's name (发文机关标志) in red, centred, its top
  35 mm below the type area's; two lines under it the document number (发文字号,
  e.g. 云组通〔2026〕3号) centred — or, for a document not yet issued, 征求意见稿 and no
  number; 4 mm under that a red rule the width of the type area.
- :class:`Signature` — the organ's name (发文机关署名) one line under the text, two characters
  in from the right, and the date (成文日期) under it, two characters further right; the date
  is printed here only.
- :class:`Imprint` — 版记, at the foot of the last page: 抄送 (wrapped under its first
  recipient), then 印发机关 and 印发日期 (“2026年4月2日印发”), between a thick rule, a thin one
  and a thick one, a character in from either side, in 4号 (14 pt).
- :func:`official_page_numbers` — “— 1 —” in 4号 half-width digits between em dashes, 7 mm
  under the type area, odd pages one character in from the right, even pages one character in
  from the left.
- :func:`draft_mark` — 征求意见稿 across every page of a document not yet issued;
  :func:`official_footer` gives both for :func:`app.documents.pdf_pages.build`.

The standard's fonts (小标宋, 仿宋) are not bundled: every part is set in the kit's fonts, the
organ's name and the title in stroked (bold-looking) type; the body keeps the kit's 11 pt so
the tables of figures stay on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from app.documents import pdf_fonts as fonts
from app.documents.pdf import INK, PAGE_H, PAGE_W, RED, day_text, wrap_text
from app.documents.pdf_pages import watermark

TOP, LEFT = 37 * mm, 28 * mm
TYPE_W, TYPE_H = 156 * mm, 225 * mm
RIGHT = PAGE_W - LEFT - TYPE_W
BOTTOM = PAGE_H - TOP - TYPE_H
OFFICIAL_MARGINS = (TOP, RIGHT, BOTTOM, LEFT)   # for pdf_pages.build(margins=...)
OFFICIAL_FRAME_W = TYPE_W
LINE = TYPE_H / 22          # a line of the standard's 3号 text: 22 lines to the type area
SIZE_3 = 16.0               # 3号: the document number
SIZE_4 = 14.0               # 4号: page numbers and the 版记
DRAFT = "征求意见稿"


@dataclass(frozen=True)
class Letterhead:
    """What the red-header parts print: the organ, the number (None while not issued), the
    date of the document (成文日期), the 版记's recipients of copies (抄送, may be empty),
    printing organ and printing date (None while not issued)."""

    organ: str
    number: str | None
    dated: date
    copy_to: str
    printing_organ: str
    printed_on: date | None

    @property
    def draft(self) -> bool:
        return self.number is None


def document_number(prefix: str, year: int, number: int) -> str:
    """发文字号 as the standard writes it: 机关代字, the year in 〔〕, the number without
    leading zeros or 第: ``云组通〔2026〕3号``."""
    return f"{prefix}〔{year}〕{number}号"


class OfficialHead(Flowable):
    """版头: the organ's name in red, the number (or 征求意见稿) and the red rule."""

    def __init__(self, head: Letterhead, max_size: float = 40) -> None:
        super().__init__()
        self.head, self.max_size = head, max_size

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width = avail_w
        size = self.max_size
        while size > 14 and fonts.width(self.head.organ, size) > avail_w:
            size -= 0.5
        self.size = size
        # mark top 35 mm down; mark; two empty lines; the number line; 4 mm; the rule
        self.height = 35 * mm + size + 2 * LINE + SIZE_3 + 4 * mm + 1
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        top = self.height - 35 * mm
        c.setFillColor(RED)
        c.setStrokeColor(RED)
        fonts.draw(c, self.width / 2, top - self.size * 0.88, self.head.organ, self.size,
                   bold=True, align="centre")
        number_base = top - self.size - 2 * LINE - SIZE_3 * 0.88
        if self.head.draft:
            fonts.draw(c, self.width / 2, number_base, DRAFT, SIZE_3, bold=True,
                       align="centre")
        else:
            c.setFillColor(INK)
            fonts.draw(c, self.width / 2, number_base, self.head.number or "", SIZE_3,
                       align="centre")
        c.setStrokeColor(RED)
        c.setLineWidth(1.2)
        rule = top - self.size - 2 * LINE - SIZE_3 - 4 * mm
        c.line(0, rule, self.width, rule)


class Signature(Flowable):
    """发文机关署名 and 成文日期 (no seal): one line under the text, the name two characters
    in from the right, the date under it starting two characters right of the name's start (a
    date longer than that goes two characters in from the right and pushes the name left)."""

    def __init__(self, organ: str, dated: date, size: float = 12) -> None:
        super().__init__()
        self.organ, self.dated, self.size = organ, dated, size

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width = avail_w
        self.height = self.size * 1.9 * 3       # an empty line, the name, the date
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        char = self.size
        name_w = fonts.width(self.organ, self.size)
        date_text = day_text(self.dated)
        date_w = fonts.width(date_text, self.size)
        name_x = self.width - 2 * char - name_w
        date_x = name_x + 2 * char
        if date_x + date_w > self.width - 2 * char:      # the date is the longer
            date_x = self.width - 2 * char - date_w
            name_x = date_x - 2 * char
        name_x = max(0.0, name_x)
        c.setFillColor(INK)
        lead = self.size * 1.9
        fonts.draw(c, name_x, self.height - 2 * lead + self.size * 0.3, self.organ, self.size)
        fonts.draw(c, date_x, self.height - 3 * lead + self.size * 0.3, date_text, self.size)


class Imprint(Flowable):
    """版记 at the foot of the page it lands on (the last): it takes the rest of the page and
    draws itself at the bottom."""

    def __init__(self, head: Letterhead, size: float = SIZE_4) -> None:
        super().__init__()
        self.head, self.size = head, size

    def _layout(self, width: float) -> tuple[list[str], float]:
        lead = self.size * 1.75
        indent = self.size                      # a character in from either side
        label = "抄送："
        lines: list[str] = []
        copy_to = self.head.copy_to.strip().rstrip("。，、；")
        if copy_to:
            room = width - 2 * indent - fonts.width(label, self.size)
            lines = wrap_text(copy_to + "。", self.size, room)
        return lines, lead * (len(lines) + 1) + 8

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width = avail_w
        self.lines, self.own = self._layout(avail_w)
        self.height = max(self.own, avail_h - 0.5) if avail_h >= self.own else self.own
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        size, lead, indent = self.size, self.size * 1.75, self.size
        label = "抄送："
        label_w = fonts.width(label, size)
        y = self.own - 2
        c.setStrokeColor(INK)
        c.setFillColor(INK)
        c.setLineWidth(0.35 * mm)
        c.line(0, y, self.width, y)
        for n, line in enumerate(self.lines):
            y -= lead
            if n == 0:
                fonts.draw(c, indent, y + lead * 0.3, label, size)
            fonts.draw(c, indent + label_w, y + lead * 0.3, line, size)
        if self.lines:
            c.setLineWidth(0.25 * mm)
            c.line(0, y, self.width, y)
        y -= lead
        fonts.draw(c, indent, y + lead * 0.3, self.head.printing_organ, size)
        printed = (f"{day_text(self.head.printed_on)}印发" if self.head.printed_on
                   else f"{DRAFT}（未印发）")
        fonts.draw(c, self.width - indent, y + lead * 0.3, printed, size, align="right")
        c.setLineWidth(0.35 * mm)
        c.line(0, y, self.width, y)


def official_page_numbers(c: Canvas, number: int, total: int) -> None:
    """“— 1 —”: 4号 digits between em dashes, 7 mm under the type area; odd pages one
    character in from the right, even pages one character in from the left."""
    text = f"— {number} —"
    y = BOTTOM - 7 * mm - SIZE_4 * 0.8
    c.saveState()
    c.setFillColor(INK)
    if number % 2:
        fonts.draw(c, LEFT + TYPE_W - SIZE_4, y, text, SIZE_4, align="right")
    else:
        fonts.draw(c, LEFT + SIZE_4, y, text, SIZE_4)
    c.restoreState()


def official_footer(head: Letterhead):  # type: ignore[no-untyped-def]
    """The footer of a red-header document (for pdf_pages.build): the page numbers, and on a
    draft 征求意见稿 across every page (drawn last, so a page's text still starts with its
    own first line)."""
    def footer(c: Canvas, number: int, total: int) -> None:
        official_page_numbers(c, number, total)
        if head.draft:
            draft_mark(c, number, total)
    return footer


def draft_mark(c: Canvas, number: int, total: int) -> None:
    """征求意见稿 in light red across the page."""
    watermark(c, DRAFT, 72, alpha=0.10)
