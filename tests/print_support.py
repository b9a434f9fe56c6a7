"""Printing workbooks through LibreOffice and reading the pages back: the words on each page
with their boxes (``pdftotext -bbox``), for tests that check what an xlsx looks like on paper.

LibreOffice draws a word of n pt in a box about 1.3 n pt tall, so 9 pt (小五) text gives boxes
of at least ``MIN_BOX`` points.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MIN_BOX = 9 * 1.3 - 0.05     # 9 pt text (the smallest allowed) in LibreOffice's box
TOOLS = ("soffice", "pdftotext")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def print_to_pdf(files: Sequence[Path], out_dir: Path, profile: Path,
                 timeout: float = 300) -> dict[Path, Path]:
    """Print ``files`` to PDF in one LibreOffice run (``--convert-to pdf``) with a profile of
    its own (so runs side by side do not share one); returns each file's PDF."""
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["soffice", f"-env:UserInstallation={profile.resolve().as_uri()}",
                    "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(out_dir),
                    *map(str, files)], check=True, capture_output=True, timeout=timeout)
    pdfs = {f: out_dir / (f.stem + ".pdf") for f in files}
    missing = [str(f) for f, pdf in pdfs.items() if not pdf.exists()]
    assert not missing, f"LibreOffice printed no PDF for {missing}"
    return pdfs


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def span(self) -> float:
        """The share of the page's width between its leftmost and rightmost word."""
        if not self.words:
            return 0.0
        return (max(w.x1 for w in self.words) - min(w.x0 for w in self.words)) / self.width


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" '
                   r'yMax="([-\d.]+)">(.*?)</word>', re.S)


def read_pages(pdf: Path) -> list[Page]:
    """Every page of ``pdf`` with its words and their boxes (points, from the top left)."""
    done = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                          capture_output=True, timeout=120)
    text = done.stdout.decode("utf-8")
    pages = []
    for number, match in enumerate(_PAGE.finditer(text), start=1):
        words = tuple(Word(float(a), float(b), float(c), float(d), html.unescape(t))
                      for a, b, c, d, t in _WORD.findall(match.group(3)))
        pages.append(Page(number, float(match.group(1)), float(match.group(2)), words))
    return pages


def overlapping(page: Page, share: float = 0.15) -> list[tuple[Word, Word]]:
    """Pairs of words whose boxes overlap — text printed over other text, as when a row is
    too low for its wrapped lines. Boxes must overlap by more than ``share`` of the lower
    box's height: LibreOffice sets lines of Latin text 1.17 em apart (DejaVu Sans stands in
    for 宋体 there) while pdftotext's boxes are 1.3 em tall, so the wrapped lines of one
    cell touch by about 10 %."""
    words = sorted(page.words, key=lambda w: w.y0)
    found = []
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if b.y0 >= a.y1:
                break
            tall = min(a.y1, b.y1) - max(a.y0, b.y0)
            if min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 and \
                    tall > share * min(a.height, b.height):
                found.append((a, b))
    return found


def too_small(page: Page, least: float = MIN_BOX) -> list[Word]:
    """Words printed smaller than 9 pt."""
    return [w for w in page.words if w.height < least]


def off_page(page: Page) -> list[Word]:
    """Words that run off the paper."""
    return [w for w in page.words
            if w.x0 < -0.5 or w.y0 < -0.5 or w.x1 > page.width + 0.5 or w.y1 > page.height + 0.5]
