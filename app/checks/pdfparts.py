"""Pieces the spot-check PDFs share, on top of the meeting PDFs' typesetting
(app/meetings/typeset.py: CJK paragraphs with per-glyph font fallback, A4 pages numbered
"第 x 页 共 y 页"): the official head (the office's name in red over a double red rule, the
date), bordered tables whose header row repeats on each page, and text drawn bold (the
bundled fonts have no bold face, so bold is stroked, as on the cards).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from app.cards import fonts
from app.meetings.typeset import FRAME_W, HEAD_FILL, INK, RED, RULE, para

WEEKDAYS = "一二三四五六日"


def day_text(d: date | None, weekday: bool = False) -> str:
    if d is None:
        return "—"
    text = f"{d.year}年{d.month}月{d.day}日"
    return text + (f"（星期{WEEKDAYS[d.weekday()]}）" if weekday else "")


def short_day(d: date | None) -> str:
    return f"{d:%Y-%m-%d}" if d else "—"


class BoldText(Flowable):
    """Text drawn in stroked (bold-looking) type, wrapped by characters to the cell width."""

    def __init__(self, text: str, size: float = 10, color=RED, leading: float = 1.35) -> None:
        super().__init__()
        self.text, self.size, self.color, self.leading = text, size, color, leading
        self.lines: list[str] = [text]

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.lines, line = [], ""
        for ch in self.text:
            if ch == "\n" or (line and fonts.width(line + ch, self.size) > avail_w):
                self.lines.append(line)
                line = ""
                if ch == "\n":
                    continue
            line += ch
        self.lines.append(line)
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


class OfficialHead(Flowable):
    """The office's name in large red type, a thick and a thin red rule, the date under it."""

    def __init__(self, office: str, dated: str) -> None:
        super().__init__()
        self.office, self.dated = office, dated

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width = avail_w
        size = 26.0
        while size > 14 and fonts.width(self.office, size) > avail_w:
            size -= 1
        self.size = size
        self.height = size * 1.3 + 16 * mm
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.setFillColor(RED)
        c.setStrokeColor(RED)
        top = self.height
        fonts.draw(c, self.width / 2, top - self.size * 1.05, self.office, self.size, bold=True,
                   align="centre")
        y = top - self.size * 1.3 - 4 * mm
        c.setLineWidth(2.2)
        c.line(0, y, self.width, y)
        c.setLineWidth(0.6)
        c.line(0, y - 1.6 * mm, self.width, y - 1.6 * mm)
        c.setFillColor(INK)
        fonts.draw(c, self.width, y - 8 * mm, self.dated, 11, align="right")


def grid(head_rows: int = 1, extra: Sequence[tuple] = ()) -> TableStyle:
    cmds: list[tuple] = [("GRID", (0, 0), (-1, -1), 0.6, RULE),
                         ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                         ("LEFTPADDING", (0, 0), (-1, -1), 3),
                         ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                         ("TOPPADDING", (0, 0), (-1, -1), 3),
                         ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    if head_rows:
        cmds.append(("BACKGROUND", (0, 0), (-1, head_rows - 1), HEAD_FILL))
    return TableStyle(cmds + list(extra))


def table(head: Sequence[str], rows: Sequence[Sequence[object]], widths_mm: Sequence[float],
          st: dict, extra: Sequence[tuple] = ()) -> Table:
    """A bordered table; its header row repeats on every page it runs onto. ``widths_mm``
    are shares of the frame width in millimetres, the last one taking what is left."""
    widths = [w * mm for w in widths_mm[:-1]]
    widths.append(FRAME_W - sum(widths))
    body: list[list[object]] = [[para(h, st["head"]) for h in head]]
    for row in rows:
        body.append([cell if isinstance(cell, (Paragraph, Flowable)) else
                     para("" if cell is None else str(cell), st["cell"]) for cell in row])
    # Rows are kept whole (reportlab's in-row splitting can leave a bare header at a page
    # foot); only a row too tall for a page is allowed to split.
    tall = any(_height(row, widths) > TALL_ROW for row in body[1:])
    return Table(body, colWidths=widths, repeatRows=1, splitInRow=1 if tall else 0,
                 style=grid(1, extra), hAlign="CENTER")


TALL_ROW = 180 * mm


def _height(row: Sequence[object], widths: Sequence[float]) -> float:
    tallest = 0.0
    for cell, width in zip(row, widths):
        if isinstance(cell, Flowable):
            tallest = max(tallest, cell.wrap(width - 6, 100_000)[1])
    return tallest + 6


def warn_row(cells: Sequence[object], st: dict) -> list[object]:
    """A row that must stand out (overdue, absent): plain text cells in red."""
    return [cell if isinstance(cell, (Paragraph, Flowable)) else
            para("" if cell is None else str(cell), st["cell_warn"]) for cell in cells]


def key_values(pairs: Sequence[tuple[str, object]], st: dict, label_mm: float = 30) -> Table:
    """Label / value rows, two pairs to a row."""
    rows: list[list[object]] = []
    cmds: list[tuple] = [("BACKGROUND", (0, 0), (0, -1), HEAD_FILL)]
    pairs = list(pairs)
    i = 0
    while i < len(pairs):
        label, value = pairs[i]
        wide = isinstance(value, str) and len(value) > 16
        if wide or i + 1 >= len(pairs) or (isinstance(pairs[i + 1][1], str)
                                           and len(pairs[i + 1][1]) > 16):
            rows.append([para(label, st["head"]), _cell(value, st), "", ""])
            cmds.append(("SPAN", (1, len(rows) - 1), (3, len(rows) - 1)))
            i += 1
        else:
            label2, value2 = pairs[i + 1]
            rows.append([para(label, st["head"]), _cell(value, st), para(label2, st["head"]),
                         _cell(value2, st)])
            cmds.append(("BACKGROUND", (2, len(rows) - 1), (2, len(rows) - 1), HEAD_FILL))
            i += 2
    half = FRAME_W / 2
    return Table(rows, colWidths=[label_mm * mm, half - label_mm * mm, label_mm * mm,
                                  half - label_mm * mm], style=grid(0, cmds), hAlign="CENTER")


def _cell(value: object, st: dict) -> object:
    if isinstance(value, (Paragraph, Flowable)):
        return value
    return para("" if value is None else str(value), st["cell"])
