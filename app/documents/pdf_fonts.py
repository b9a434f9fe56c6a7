"""Fonts and fallback for every printed output (the document kit's fonts): cards, posters, the
minutes, the forms, the bulletin, the check reports.

Gives :func:`register` (once per process), :func:`runs` (a string split into runs, each in the
first font that has its glyphs), :func:`width`, :func:`draw` (with stroked "bold": the fonts
have no bold face), :func:`missing` and :func:`describe` (for warnings). Nothing depends on fonts
installed on the machine.

The bundled WenQuanYi Micro Hei covers everyday Chinese; Droid Sans Fallback (Apache 2.0,
TrueType, ~4 MB) adds CJK Extension A (e.g. 䶮) and other rare characters. A string is split
into runs, each drawn in the first font that has its glyphs; a character no font has is
reported (see :func:`missing`), never dropped in silence.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from app.paths import RESOURCES

FONT_DIR = RESOURCES / "fonts"
PRIMARY = "ZLMicroHei"
FALLBACK = "ZLDroidFallback"
FONT_FILES = ((PRIMARY, FONT_DIR / "wqy-microhei.ttc", 0),
              (FALLBACK, FONT_DIR / "DroidSansFallbackFull.ttf", 0))

# Characters that need no glyph of their own: spaces and line breaks.
_BLANK = frozenset(" \t\r\n\u3000")

_fonts: dict[str, TTFont] = {}
_cmaps: list[tuple[str, dict[int, int]]] = []


def register() -> tuple[str, ...]:
    """Register the fonts with reportlab once per process; return their names, in order."""
    if not _fonts:
        for name, path, index in FONT_FILES:
            font = TTFont(name, str(path), subfontIndex=index)
            pdfmetrics.registerFont(font)
            _fonts[name] = font
            _cmaps.append((name, font.face.charToGlyph))
    return tuple(name for name, _path, _index in FONT_FILES)


@lru_cache(maxsize=65536)
def font_for(char: str) -> str | None:
    """The first font that has a glyph for ``char``; None if none has."""
    register()
    code = ord(char)
    for name, cmap in _cmaps:
        if code in cmap:
            return name
    return None


def runs(text: str) -> list[tuple[str, str]]:
    """``text`` as (font name, substring) runs. Blanks stay with the run they sit in;
    a character no font has goes to the primary font (it prints as a visible box)."""
    out: list[tuple[str, str]] = []
    current = None
    start = 0
    for i, ch in enumerate(text):
        name = current if ch in _BLANK and current else (font_for(ch) or PRIMARY)
        if name != current:
            if current is not None:
                out.append((current, text[start:i]))
            current, start = name, i
    if current is not None:
        out.append((current, text[start:]))
    return out


def missing(text: str) -> list[str]:
    """Characters of ``text`` that no font can draw, each once, in order."""
    seen: list[str] = []
    for ch in text:
        if ch not in _BLANK and font_for(ch) is None and ch not in seen:
            seen.append(ch)
    return seen


@lru_cache(maxsize=8192)
def _width1(text: str, font: str) -> float:
    return pdfmetrics.stringWidth(text, font, 1.0)


def width(text: str, size: float) -> float:
    """Width in points of ``text`` drawn at ``size`` with fallback."""
    register()
    if not text:
        return 0.0
    return sum(_width1(part, name) for name, part in runs(text)) * size


def draw(canvas, x: float, y: float, text: str, size: float, *, bold: bool = False,
         align: str = "left") -> float:
    """Draw ``text`` with its baseline at ``y``; ``align`` left/right/centre about ``x``.
    ``bold`` strokes the outlines too (the fonts have no bold face). Returns the width."""
    register()
    w = width(text, size)
    if align == "right":
        x -= w
    elif align == "centre":
        x -= w / 2
    parts = runs(text)
    t = canvas.beginText(x, y)
    if bold:
        t.setTextRenderMode(2)
        canvas.setLineWidth(size * 0.035)
    for name, part in parts:
        t.setFont(name, size)
        t.textOut(part)
    if bold:
        t.setTextRenderMode(0)
    canvas.drawText(t)
    return w


def describe(chars: list[str]) -> str:
    """“䶮”(U+4DAE) style, for warnings."""
    return "、".join(f"“{c}”(U+{ord(c):04X})" for c in chars)
