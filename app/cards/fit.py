"""Text fitting: shrink down to a minimum size, then wrap to at most N lines; report what
still does not fit (the caller turns that into a warning naming the person and field)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from app.documents import pdf_fonts as fonts

LEADING = 1.18
ELLIPSIS = "…"
# A line never starts with these (closing punctuation) …
NO_START = frozenset("，。、；：？！）》」』”’·…—,.;:?!)]}%")
# … and never ends with these (opening punctuation).
NO_END = frozenset("（《「『“‘([{")


@dataclass(frozen=True)
class Fitted:
    size: float
    lines: tuple[str, ...]
    ok: bool          # False: even at the minimum size the text had to be cut

    @property
    def height(self) -> float:
        return self.size * (1 + LEADING * (len(self.lines) - 1)) if self.lines else 0.0


def _word(ch: str) -> bool:
    """Part of a Latin word, a number or a time: never broken inside."""
    return ch.isascii() and not ch.isspace()


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Greedy wrap by character (Chinese breaks anywhere), keeping punctuation rules and
    breaking at a space when a Latin word would be split."""
    lines: list[str] = []
    line = ""
    for ch in text:
        if ch == "\n":
            lines.append(line)
            line = ""
            continue
        if not line and ch == " ":
            continue
        candidate = line + ch
        if fonts.width(candidate, size) <= width or not line:
            line = candidate
            continue
        # break before ch
        if ch in NO_START and len(line) > 1:
            keep, carry = line[:-1], line[-1]
        elif line[-1] in NO_END and len(line) > 1:
            keep, carry = line[:-1], line[-1]
        elif _word(ch) and _word(line[-1]) and not all(_word(c) for c in line):
            # keep a Latin word, number or time such as “15:00” whole
            cut = len(line)
            while cut and _word(line[cut - 1]):
                cut -= 1
            keep, carry = line[:cut], line[cut:]
        else:
            keep, carry = line, ""
        lines.append(keep.rstrip())
        line = carry + ("" if ch == " " else ch)
    if line or not lines:
        lines.append(line)
    return lines


def _ellipsise(text: str, size: float, width: float) -> str:
    if fonts.width(text, size) <= width:
        return text
    while text and fonts.width(text + ELLIPSIS, size) > width:
        text = text[:-1]
    return text + ELLIPSIS


def fit_uncached(text: str, width: float, max_size: float, min_size: float, max_lines: int = 1,
        height: float | None = None, step: float = 0.25) -> Fitted:
    """The largest size in [min_size, max_size] at which ``text`` fits ``width`` on one
    line; else wrapped into at most ``max_lines`` lines (and within ``height`` if given);
    else the minimum size with the overflow cut and marked “…”, ok=False."""
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    if not text:
        return Fitted(max_size, (), True)
    unit = fonts.width(text, 1.0)
    if "\n" not in text and unit > 0:
        size = min(max_size, width / unit)
        size = int(size / step) * step if size < max_size else max_size
        if size >= min_size and (height is None or size <= height + 0.01):
            return Fitted(size, (text,), True)
    if max_lines > 1:
        size = max_size
        while size >= min_size - 1e-6:
            lines = _wrap(text, size, width)
            fits_height = height is None or size * (1 + LEADING * (len(lines) - 1)) <= height
            if len(lines) <= max_lines and fits_height:
                return Fitted(size, tuple(lines), True)
            size -= step
    size = min_size
    lines = _wrap(text, size, width) if max_lines > 1 else [text]
    room = max_lines
    if height is not None:
        room = max(1, min(room, int((height / size - 1) / LEADING + 1 + 1e-6)))
    kept = lines[:room]
    rest = "".join(lines[room - 1:]) if len(lines) > room else kept[-1]
    kept[-1] = _ellipsise(rest, size, width)
    return Fitted(size, tuple(kept), False)


# Static texts repeat on every card and are cached; per-household texts (addresses) are not,
# so memory stays flat however many households a batch has.
fit = lru_cache(maxsize=4096)(fit_uncached)
