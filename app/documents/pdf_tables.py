"""The document kit for PDFs: tables. :func:`table` gives a bordered table whose header row
repeats on every page it runs onto, its columns sized so that an amount, a date or a number
never breaks inside (``whole`` columns are widened to their widest cell, taking the room from
the text columns, and set smaller only if the page is too narrow); :func:`grid` its style;
:func:`key_values` label/value rows two pairs to a row; :func:`warn_row` a row in red.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from app.documents import pdf_fonts as fonts
from app.documents.pdf import FRAME_W, HEAD_FILL, RULE, para

PADDING = 3                # points between a cell's text and its borders
TALL_ROW = 180 * mm        # a row taller than this may split across pages
MIN_TEXT_COLUMN = 12 * mm  # a text column gives room to amounts down to this width
MIN_WHOLE_SIZE = 7.0       # amounts are set no smaller than this (points) to fit


def grid(head_rows: int = 1, extra: Sequence[tuple] = ()) -> TableStyle:
    """Thin borders round every cell, text centred vertically, the header rows shaded."""
    cmds: list[tuple] = [("GRID", (0, 0), (-1, -1), 0.6, RULE),
                         ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                         ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
                         ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
                         ("TOPPADDING", (0, 0), (-1, -1), PADDING),
                         ("BOTTOMPADDING", (0, 0), (-1, -1), PADDING)]
    if head_rows:
        cmds.append(("BACKGROUND", (0, 0), (-1, head_rows - 1), HEAD_FILL))
    return TableStyle(cmds + list(extra))


def table(head: Sequence[str], rows: Sequence[Sequence[object]], widths_mm: Sequence[float],
          st: dict, extra: Sequence[tuple] = (), *, frame_w: float = FRAME_W,
          styles_for: dict[tuple[int, int], str] | None = None,
          whole: Sequence[int] = ()) -> Table:
    """A bordered table across ``frame_w``; its header row repeats on every page it runs onto.
    ``widths_mm`` are the columns' widths in millimetres, the last one taking what is left.
    Plain cells are set in ``st["cell"]`` or the style ``styles_for`` names for (row, column)
    of the body; the header in ``st["head"]``. Each cell of a ``whole`` column stays on one
    line (see the module's docstring)."""
    styles_for = styles_for or {}
    widths = [w * mm for w in widths_mm[:-1]]
    widths.append(frame_w - sum(widths))
    looks: dict[tuple[int, int], ParagraphStyle] = {}
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            looks[(r, c)] = st[styles_for.get((r, c), "cell")]
    if whole:
        widths, looks = _fit_whole(rows, widths, looks, set(whole))
    body: list[list[object]] = [[para(h, st["head"]) for h in head]]
    for r, row in enumerate(rows):
        body.append([cell if isinstance(cell, (Paragraph, Flowable)) else
                     para("" if cell is None else str(cell), looks[(r, c)])
                     for c, cell in enumerate(row)])
    # Rows are kept whole (reportlab's in-row splitting can leave a bare header at a page
    # foot); only a row too tall for a page is allowed to split.
    tall = any(_height(row, widths) > TALL_ROW for row in body[1:])
    return Table(body, colWidths=widths, repeatRows=1, splitInRow=1 if tall else 0,
                 style=grid(1, extra), hAlign="CENTER")


def _measure(cell: object, style: ParagraphStyle) -> float:
    """Width of ``cell`` on one line: plain text in its style, or text drawn directly
    (BoldText: ``text`` at ``size``, stroked); 0 for other flowables."""
    if isinstance(cell, Paragraph):
        return 0.0
    if isinstance(cell, Flowable):
        text, size = getattr(cell, "text", None), getattr(cell, "size", None)
        return fonts.width(text, size) + 1 if isinstance(text, str) and size else 0.0
    return fonts.width("" if cell is None else str(cell), style.fontSize)


def _fit_whole(rows: Sequence[Sequence[object]], widths: list[float],
               looks: dict[tuple[int, int], ParagraphStyle], whole: set[int]
               ) -> tuple[list[float], dict[tuple[int, int], ParagraphStyle]]:
    """Widths with every ``whole`` column wide enough for its widest cell on one line, the
    room taken from the other columns in proportion (none below MIN_TEXT_COLUMN); if that is
    not enough, the whole columns' cells set smaller."""
    need = {c: 0.0 for c in whole}
    for (r, c), style in looks.items():
        if c in whole:
            need[c] = max(need[c], _measure(rows[r][c], style) + 2 * PADDING + 1)
    short = sum(max(0.0, need[c] - widths[c]) for c in whole)
    if short <= 0:
        return widths, looks
    others = [c for c in range(len(widths)) if c not in whole]
    spare = sum(max(0.0, widths[c] - MIN_TEXT_COLUMN) for c in others)
    scale = 1.0
    if short > spare:                       # not enough room: set the amounts smaller
        have = sum(widths[c] for c in whole) + spare
        want = sum(max(need[c], widths[c]) for c in whole)
        scale = have / want
    taken = min(short, spare)
    out = list(widths)
    for c in others:
        give = max(0.0, widths[c] - MIN_TEXT_COLUMN)
        out[c] = widths[c] - (taken * give / spare if spare else 0)
    for c in whole:
        out[c] = max(need[c], widths[c]) * scale if scale < 1 else max(need[c], widths[c])
    if scale < 1:
        looks = dict(looks)
        for (r, c), style in looks.items():
            if c in whole:
                size = max(MIN_WHOLE_SIZE, style.fontSize * scale * 0.98)
                looks[(r, c)] = ParagraphStyle(f"{style.name}_{size:.1f}", parent=style,
                                               fontSize=size, leading=style.leading)
    return out, looks


def _height(row: Sequence[object], widths: Sequence[float]) -> float:
    tallest = 0.0
    for cell, width in zip(row, widths):
        if isinstance(cell, Flowable):
            tallest = max(tallest, cell.wrap(width - 2 * PADDING, 100_000)[1])
    return tallest + 2 * PADDING


def warn_row(cells: Sequence[object], st: dict) -> list[object]:
    """A row that must stand out (overdue, absent): plain text cells in red."""
    return [cell if isinstance(cell, (Paragraph, Flowable)) else
            para("" if cell is None else str(cell), st["cell_warn"]) for cell in cells]


def key_values(pairs: Sequence[tuple[str, object]], st: dict, label_mm: float = 30,
               frame_w: float = FRAME_W) -> Table:
    """Label / value rows, two pairs to a row (a long value takes a row of its own)."""
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
    half = frame_w / 2
    return Table(rows, colWidths=[label_mm * mm, half - label_mm * mm, label_mm * mm,
                                  half - label_mm * mm], style=grid(0, cmds), hAlign="CENTER")


def _cell(value: object, st: dict) -> object:
    if isinstance(value, (Paragraph, Flowable)):
        return value
    return para("" if value is None else str(value), st["cell"])
