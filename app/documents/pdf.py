"""The document kit for PDFs: text. Every printed page is built from these parts.

- ``app.documents.pdf`` (this module): the A4 geometry and colours, the line-breaking rules of
  Chinese text (:func:`line_spans`; installed into reportlab on import), the paragraph styles
  (:func:`styles`), Chinese paragraphs with per-glyph font fallback (:func:`markup`,
  :func:`para`, :func:`paras`, :func:`wrap_text`) and the dates as documents write them
  (:func:`day_text`, :func:`short_day`).
- ``app.documents.pdf_fonts``: the embedded fonts and their fallback.
- ``app.documents.pdf_pages``: flowables (a title, bold text, a signature, a scanned page,
  a marker), numbered pages and :func:`~app.documents.pdf_pages.build`.
- ``app.documents.pdf_tables``: bordered tables whose header repeats on every page, with
  columns that never break an amount.
- ``app.documents.pdf_official``: the red-header document of GB/T 9704-2012 (版头, 发文字号,
  署名 and 成文日期, 版记, page numbers "— 1 —").

Line breaking (for every paragraph, title and table cell): a line never breaks inside a run of
Latin letters and digits — an amount (1,076,086.40), a date (2026-03-10), a percentage — unless
the run alone is wider than the line; a closing mark (，。、）》) never starts a line and an
opening one (（《“) never ends one. Both are kept by moving the break back (never by letting a
character hang past the margin, which in a table cell would run over its border).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib import textsplit as _textsplit
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph
from reportlab.platypus import paragraph as _paragraph
from reportlab.rl_config import _FUZZ

from app.documents import pdf_fonts as fonts

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

WEEKDAYS = "一二三四五六日"


# --- line breaking -------------------------------------------------------------------------

# Marks that may not start a line (reportlab's Japanese list, plus the Chinese full-width
# comma, semicolon, colon, ! and ?, the closing book-title mark and quotes), and those that may
# not end one.
CANNOT_START = "".join(dict.fromkeys(_textsplit.ALL_CANNOT_START + "，；：！？》〉”’…"))
CANNOT_END = "".join(dict.fromkeys(_textsplit.ALL_CANNOT_END + "《〈“‘"))
# Characters of a run kept on one line: letters, digits and what joins them in amounts, dates,
# times, percentages and codes.
WORD = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,.%-:/+_#")


def _glued(chars: Sequence[str], k: int) -> bool:
    """No break allowed between ``chars[k - 1]`` and ``chars[k]``: both part of one run."""
    return k > 0 and chars[k] in WORD and chars[k - 1] in WORD


def _break_before(chars: Sequence[str], start: int, end: int) -> int:
    """Where the line from ``start`` ends when ``chars[end]`` no longer fits: ``end``, or
    earlier so no run is split and no mark stands where it may not. A run or a string of marks
    longer than the line is cut where it overflows."""
    at = end
    for _ in range(8):
        if at - start <= 1:
            break
        if _glued(chars, at):
            run = at
            while run > start and _glued(chars, run):
                run -= 1
            if run <= start:
                break
            at = run
            continue
        if (chars[at] and chars[at] in CANNOT_START) or (chars[at - 1]
                                                         and chars[at - 1] in CANNOT_END):
            at -= 1
            continue
        return at
    return at if at > start and not _glued(chars, at) else end


def line_spans(chars: Sequence[str], widths: Sequence[float], max_widths: Sequence[float],
               hard: Sequence[bool] | None = None) -> list[tuple[int, int]]:
    """(start, end) of each line of ``chars`` (each of the given width) set in lines of
    ``max_widths`` (the last repeating), by the rules above. ``hard[i]`` ends a line after
    character ``i`` (a line break in the text)."""
    spans: list[tuple[int, int]] = []
    n = len(chars)
    start = i = 0
    used = 0.0
    limit = max_widths[0]
    while i < n:
        used += widths[i]
        i += 1
        forced = bool(hard and hard[i - 1])
        if forced or (used > limit + _FUZZ and used > 0):
            if not forced:
                i = _break_before(chars, start, i - 1) if i - 1 > start else i
            spans.append((start, i))
            limit = max_widths[min(len(spans), len(max_widths) - 1)]
            start, used = i, 0.0
    if used > 0:
        spans.append((start, n))
    return spans


def _dumb_split(word: str, widths: Sequence[float], maxWidths) -> list[list]:  # noqa: N803
    """reportlab's ``textsplit.dumbSplit`` (a one-font paragraph) with the kit's rules."""
    max_widths = maxWidths if isinstance(maxWidths, (list, tuple)) else [maxWidths]
    lines = []
    for n, (start, end) in enumerate(line_spans(word, widths, max_widths)):
        limit = max_widths[min(n, len(max_widths) - 1)]
        lines.append([limit - sum(widths[start:end]), word[start:end].strip()])
    return lines


def _cjk_frag_split(frags, maxWidths, calcBounds, encoding="utf8"):  # noqa: N803
    """reportlab's ``paragraph.cjkFragSplit`` (a paragraph of several fonts) with the kit's
    rules."""
    glyphs = []
    for f in frags:
        text = f.text.decode(encoding) if isinstance(f.text, bytes) else f.text
        if text:
            glyphs.extend(_paragraph.cjkU(t, f, encoding) for t in text)
        else:
            glyphs.append(_paragraph.cjkU(text, f, encoding))
    max_widths = maxWidths if isinstance(maxWidths, (list, tuple)) else [maxWidths]
    widths = []
    for u in glyphs:
        w = u.width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_widths[0]
            w = w.normalizedValue(max_widths[0])
        widths.append(w)
    hard = [hasattr(u.frag, "lineBreak") for u in glyphs]
    lines = []
    for n, (start, end) in enumerate(line_spans([str(u) for u in glyphs], widths, max_widths,
                                                hard)):
        limit = max_widths[min(n, len(max_widths) - 1)]
        used = sum(widths[start:end])
        lines.append(_paragraph.makeCJKParaLine(glyphs[start:end], limit, used, limit - used,
                                                hard[end - 1], calcBounds))
    return _paragraph.ParaLines(kind=1, lines=lines)


_textsplit.dumbSplit = _dumb_split
_paragraph.cjkFragSplit = _cjk_frag_split


def wrap_text(text: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` at ``size`` (for text drawn
    directly: titles, bold cells), by the rules above; "\\n" starts a new line."""
    fonts.register()
    chars = list(text)
    widths = [0.0 if ch == "\n" else fonts.width(ch, size) for ch in chars]
    hard = [ch == "\n" for ch in chars]
    lines = ["".join(chars[a:b]).replace("\n", "") for a, b in
             line_spans(chars, widths, [width], hard)]
    if text.endswith("\n") or not lines:
        lines.append("")
    return lines


# --- paragraphs ----------------------------------------------------------------------------

def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles every document starts from (11 pt body; copy and change one with
    ``ParagraphStyle(name, parent=st[...], ...)``)."""
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


# --- dates ---------------------------------------------------------------------------------

def day_text(d: date | None, weekday: bool = False) -> str:
    """2026年3月5日 (with 星期四 in brackets if ``weekday``), or — for none."""
    if d is None:
        return "—"
    text = f"{d.year}年{d.month}月{d.day}日"
    return text + (f"（星期{WEEKDAYS[d.weekday()]}）" if weekday else "")


def short_day(d: date | None) -> str:
    """2026-03-05, or — for none."""
    return f"{d:%Y-%m-%d}" if d else "—"
