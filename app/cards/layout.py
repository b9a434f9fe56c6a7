"""Sheet geometry, in points (1 pt = 1/72 in; PDF origin bottom-left).

Ten 90 × 54 mm cards to an A4 portrait page, 2 columns × 5 rows, abutting and centred:
15 mm margins left and right, 13.5 mm top and bottom. Crop marks sit in the margins only,
on the extension of every cut line. For long-edge duplex the back of the card in column c
is printed in column 1 − c of the same row, so after the sheet is turned over on its long
edge each back lies exactly behind its front.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.units import mm

PAGE_W, PAGE_H = A4
CARD_W = 90 * mm
CARD_H = 54 * mm
COLS, ROWS = 2, 5
PER_PAGE = COLS * ROWS
MARGIN_X = (PAGE_W - COLS * CARD_W) / 2     # 15 mm
MARGIN_Y = (PAGE_H - ROWS * CARD_H) / 2     # 13.5 mm
MARK_GAP = 2 * mm       # crop marks start this far outside the card grid …
MARK_LEN = 6 * mm       # … and are this long
A4_SIZE = A4
A3_SIZE = A3


@dataclass(frozen=True)
class Rect:
    x: float   # bottom-left, points
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w


def slot_cell(slot: int) -> tuple[int, int]:
    """(column, row) of a slot 0…9; row 0 is the top row; slots run left to right."""
    if not 0 <= slot < PER_PAGE:
        raise ValueError(slot)
    return slot % COLS, slot // COLS


def card_rect(slot: int, back: bool = False) -> Rect:
    """Where the card of ``slot`` is printed: on the front page, or on the back page."""
    col, row = slot_cell(slot)
    if back:
        col = COLS - 1 - col
    x = MARGIN_X + col * CARD_W
    y = PAGE_H - MARGIN_Y - (row + 1) * CARD_H
    return Rect(x, y, CARD_W, CARD_H)


def cut_lines() -> tuple[list[float], list[float]]:
    """x of every vertical cut and y of every horizontal cut, in points."""
    xs = [MARGIN_X + c * CARD_W for c in range(COLS + 1)]
    ys = [MARGIN_Y + r * CARD_H for r in range(ROWS + 1)]
    return xs, ys


def crop_marks() -> list[tuple[float, float, float, float]]:
    """Line segments (x1, y1, x2, y2) of the crop marks, all outside the card grid."""
    xs, ys = cut_lines()
    left, right, bottom, top = xs[0], xs[-1], ys[0], ys[-1]
    marks = []
    for x in xs:
        marks.append((x, top + MARK_GAP, x, top + MARK_GAP + MARK_LEN))
        marks.append((x, bottom - MARK_GAP, x, bottom - MARK_GAP - MARK_LEN))
    for y in ys:
        marks.append((left - MARK_GAP, y, left - MARK_GAP - MARK_LEN, y))
        marks.append((right + MARK_GAP, y, right + MARK_GAP + MARK_LEN, y))
    return marks


# Card design geometry, relative to the card's bottom-left corner (points).
BAND_H = 11 * mm         # the coloured title band on the front
BACK_BAND_H = 3 * mm     # the thin band on the back
PAD = 3.5 * mm           # inner margin
QR_SIZE = 23 * mm        # the card's QR code including its quiet zone (≥ 20 mm)
