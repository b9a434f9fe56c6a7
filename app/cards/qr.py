"""QR codes as vector rectangles: UTF-8 with an ECI marker (ZBar misreads UTF-8 without it),
error correction M, drawn with its 4-module quiet zone."""

from __future__ import annotations

from functools import lru_cache

import segno
from reportlab.lib.units import mm

QUIET = 4
MIN_SIZE = 20 * mm   # printed width including the quiet zone


@lru_cache(maxsize=256)
def matrix(text: str) -> tuple[bytes, ...]:
    """Rows of dark (1) / light (0) modules, without the quiet zone."""
    code = segno.make(text, error="m", boost_error=False, encoding="utf-8", eci=True,
                      micro=False)
    return tuple(bytes(row) for row in code.matrix)


def draw(canvas, x: float, y: float, size: float, text: str) -> None:
    """Draw the code for ``text`` with its quiet zone in the square (x, y, size)
    (bottom-left corner, points). The quiet zone is painted white."""
    if size < MIN_SIZE - 0.01:
        raise ValueError("QR code smaller than 20 mm")
    rows = matrix(text)
    n = len(rows) + 2 * QUIET
    module = size / n
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for r, row in enumerate(rows):
        top = y + size - (QUIET + r + 1) * module
        c = 0
        width = len(row)
        while c < width:
            if row[c]:
                start = c
                while c < width and row[c]:
                    c += 1
                path.rect(x + (QUIET + start) * module, top, (c - start) * module, module)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
